"""The interpreter's evaluators of the lut level: `lut.table`, `arith.constant` and
`func.call` (`func.return` is run by the plan, see `lutopt.interpreters.core`).

A `lut.table` is a gather: its operands, the first one most significant, form the index
of the entry (the table bit order of DESIGN.md).
"""

from __future__ import annotations

import numpy as np
from xdsl.ir import Operation

from lutopt.interpreters.core import Closure, Env, Interpreter, compile_integer_constant, compiles, int_width
from lutopt.interpreters.values import Value

_U64 = np.uint64

compiles("arith.constant")(compile_integer_constant)


@compiles("lut.table")
def _compile_table(op: Operation, interp: Interpreter) -> Closure:
    values = op.values()  # type: ignore[attr-defined]
    widths = [int_width(v) for v in op.operands]
    if not widths:
        entry = values[:1].copy()
        return lambda args, env: [entry]
    shifts = []
    pos = sum(widths)
    for w in widths:
        pos -= w
        shifts.append(_U64(pos))

    def run(args: list[Value], env: Env) -> list[Value]:
        index = args[0] << shifts[0]
        for a, s in zip(args[1:], shifts[1:]):
            index = index | (a << s)
        return [values[index.astype(np.intp)]]

    return run



@compiles("func.call", pure=False)
def _compile_call(op: Operation, interp: Interpreter) -> Closure:
    callee = op.callee.root_reference.data  # type: ignore[attr-defined]
    return interp.call_closure(op, callee)
