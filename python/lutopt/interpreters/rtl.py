"""The interpreter's evaluators of the rtl level: `hw.constant`, `hw.bitcast`,
`hw.array_get`, `hw.array_create`, `hw.instance` and the `comb` ops (the `arith` ops
that share their semantics are registered by `lutopt.interpreters.arith`). `hw.output` and `seq.compreg` are run by the plan (see
`lutopt.interpreters.core`).

`hw.bitcast` from an integer puts bit `i*K` at the bottom of element `i` of an
`!hw.array<N x iK>`; `hw.array_create` lists its operands from the last element down, as
CIRCT does.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
from xdsl.dialects.builtin import IntegerType
from xdsl.ir import Attribute, Operation

from lutopt.interpreters.core import (
    _OPS,
    RUN_BY_THE_PLAN,
    Closure,
    Compiler,
    Env,
    Interpreter,
    compile_integer_constant,
    compiles,
    int_width,
    unsupported,
)
from lutopt.interpreters.values import (
    ArrayValue,
    Bits,
    Value,
    broadcast_lanes,
    from_bits,
    from_pyints,
    pyint_lanes,
    select,
    to_bits,
)
from lutopt.ir.comb import BINARY_OPS, RTL_OPS, RtlOp, as_signed_int, icmp_predicate, mask, to_signed

_U64 = np.uint64

compiles("hw.constant")(compile_integer_constant)


# ----- comb: bitwise and structural


def _variadic(fn: Callable[[np.ndarray, np.ndarray], np.ndarray], op: Operation) -> Closure:
    width = int_width(op.results[0])
    if width <= 64:
        return lambda args, env: [functools.reduce(fn, args)]

    def wide(args: list[Value], env: Env) -> list[Value]:
        return [Bits(functools.reduce(fn, [to_bits(a, width) for a in args]))]

    return wide


@compiles("comb.concat")
def _compile_concat(op: Operation, interp: Interpreter) -> Closure:
    widths = [int_width(v) for v in op.operands]
    total = sum(widths)
    if total <= 64:
        shifts = []
        pos = total
        for w in widths:
            pos -= w
            shifts.append(_U64(pos))

        def narrow(args: list[Value], env: Env) -> list[Value]:
            r = args[0] << shifts[0]
            for a, s in zip(args[1:], shifts[1:]):
                r = r | (a << s)
            return [r]

        return narrow

    def wide(args: list[Value], env: Env) -> list[Value]:
        lanes = broadcast_lanes(args)
        parts = [
            np.broadcast_to(to_bits(a, w), (lanes, w)) for a, w in zip(reversed(args), reversed(widths))
        ]
        return [Bits(np.concatenate(parts, axis=1))]

    return wide


@compiles("comb.extract")
def _compile_extract(op: Operation, interp: Interpreter) -> Closure:
    low = op.low_bit.value.data  # type: ignore[attr-defined]
    w_in = int_width(op.operands[0])
    w_out = int_width(op.results[0])
    if w_in <= 64:
        s, m = _U64(low), mask(w_out)
        return lambda args, env: [(args[0] >> s) & m]
    return lambda args, env: [from_bits(to_bits(args[0], w_in)[:, low : low + w_out], w_out)]


@compiles("comb.replicate")
def _compile_replicate(op: Operation, interp: Interpreter) -> Closure:
    w_in = int_width(op.operands[0])
    w_out = int_width(op.results[0])
    if w_in == 0 or w_out % w_in:
        raise unsupported(op, f"i{w_out} is not a multiple of i{w_in}")
    n = w_out // w_in
    if w_out <= 64:
        s = _U64(w_in)

        def narrow(args: list[Value], env: Env) -> list[Value]:
            r = args[0]
            for _ in range(n - 1):
                r = (r << s) | args[0]
            return [r]

        return narrow
    return lambda args, env: [Bits(np.tile(to_bits(args[0], w_in), (1, n)))]


@compiles("comb.mux")
def _compile_mux(op: Operation, interp: Interpreter) -> Closure:
    return lambda args, env: [select(args[0], args[1], args[2])]


@compiles("comb.parity")
def _compile_parity(op: Operation, interp: Interpreter) -> Closure:
    w = int_width(op.operands[0])
    if w <= 64:
        return lambda args, env: [(np.bitwise_count(args[0]) & 1).astype(_U64)]
    return lambda args, env: [(args[0].bits.sum(axis=1, dtype=np.int64) & 1).astype(_U64)]


# ----- comb: arithmetic and bitwise (semantics from lutopt.ir.comb)


def _binary(
    op: Operation,
    narrow: Callable[[np.ndarray, np.ndarray, int], np.ndarray],
    wide: Callable[[int, int, int], int],
) -> Closure:
    """A two-operand op on `width`-bit integers, vectorised below 65 bits, per lane above."""
    width = int_width(op.operands[0])
    if width <= 64:
        return lambda args, env: [narrow(args[0], args[1], width)]

    def slow(args: list[Value], env: Env) -> list[Value]:
        _, (a, b) = pyint_lanes(args, width)
        return [from_pyints([wide(x, y, width) for x, y in zip(a, b)], int_width(op.results[0]))]

    return slow


def _fold_binary(op: Operation, binary: Closure) -> Closure:
    """A variadic op (comb.add, comb.mul) as a chain of binary ones."""

    def run(args: list[Value], env: Env) -> list[Value]:
        r = args[0]
        for a in args[1:]:
            r = binary([r, a], env)[0]
        return [r]

    return run


def _table_compiler(entry: RtlOp) -> Compiler:
    """The compiler of an arithmetic or bitwise op of `lutopt.ir.comb.BINARY_OPS`."""
    assert entry.narrow is not None and entry.wide is not None
    narrow, wide = entry.narrow, entry.wide

    def compile_binary(op: Operation, interp: Interpreter) -> Closure:
        if entry.bitwise is not None:
            return _variadic(entry.bitwise, op)
        binary = _binary(op, narrow, wide)
        return _fold_binary(op, binary) if entry.variadic else binary

    return compile_binary


for _entry in BINARY_OPS.values():
    compiles(_entry.name)(_table_compiler(_entry))


@compiles("comb.icmp")
def _compile_icmp(op: Operation, interp: Interpreter) -> Closure:
    code = op.predicate.value.data  # type: ignore[attr-defined]
    pred = icmp_predicate(code)
    if pred is None:
        raise unsupported(op, f"predicate {code}")
    signed = pred.signed
    width = int_width(op.operands[0])
    if width <= 64:
        cmp = pred.numpy
        if signed:
            return lambda args, env: [
                cmp(to_signed(args[0], width), to_signed(args[1], width)).astype(_U64)
            ]
        return lambda args, env: [cmp(args[0], args[1]).astype(_U64)]
    pycmp = pred.python

    def slow(args: list[Value], env: Env) -> list[Value]:
        _, (a, b) = pyint_lanes(args, width)
        if signed:
            a = [as_signed_int(x, width) for x in a]
            b = [as_signed_int(y, width) for y in b]
        return [np.array([pycmp(x, y) for x, y in zip(a, b)], dtype=_U64)]

    return slow


# ----- hw arrays


def _array_type(type_: Attribute, op: Operation) -> tuple[int, int]:
    """(number of elements, element width) of an array of integers."""
    from xdsl.dialects.hw import ArrayType

    if not isinstance(type_, ArrayType):
        raise unsupported(op, f"expected an !hw.array, got {type_}")
    elt = type_.get_element_type()
    if not isinstance(elt, IntegerType) or elt.width.data > 64:
        raise unsupported(op, f"arrays of {elt} (only integers of at most 64 bits)")
    return len(type_), elt.width.data


@compiles("hw.bitcast")
def _compile_bitcast(op: Operation, interp: Interpreter) -> Closure:
    src, dst = op.operands[0].type, op.results[0].type
    if isinstance(src, IntegerType) and isinstance(dst, IntegerType):
        if src.width.data != dst.width.data:
            raise unsupported(op, f"{src} and {dst} differ in width")
        return lambda args, env: [args[0]]
    if isinstance(src, IntegerType):
        n, k = _array_type(dst, op)
        w = src.width.data
        if n * k != w:
            raise unsupported(op, f"{src} and {dst} differ in width")

        def to_array(args: list[Value], env: Env) -> list[Value]:
            bits = to_bits(args[0], w)
            lanes = bits.shape[0]
            if k == 1:
                return [ArrayValue(bits, 1)]
            elems = from_bits(bits.reshape(lanes * n, k), k)
            return [ArrayValue(elems.reshape(lanes, n), k)]

        return to_array
    if isinstance(dst, IntegerType):
        n, k = _array_type(src, op)
        w = dst.width.data
        if n * k != w:
            raise unsupported(op, f"{src} and {dst} differ in width")

        def from_array(args: list[Value], env: Env) -> list[Value]:
            elems = args[0].elems
            lanes = elems.shape[0]
            bits = to_bits(elems.reshape(lanes * n).astype(_U64), k).reshape(lanes, n * k)
            return [from_bits(bits, w)]

        return from_array
    raise unsupported(op, f"bitcast from {src} to {dst}")


@compiles("hw.array_get")
def _compile_array_get(op: Operation, interp: Interpreter) -> Closure:
    n, _ = _array_type(op.operands[0].type, op)
    iw = int_width(op.operands[1])
    in_bounds = iw < 63 and n >= (1 << iw)

    def run(args: list[Value], env: Env) -> list[Value]:
        elems, idx = args[0].elems, args[1]
        if not in_bounds:
            ok = idx < _U64(n)
            idx = np.where(ok, idx, _U64(0))
        ii = idx.astype(np.intp)
        if elems.shape[0] == 1:
            r = elems[0, ii]
        elif ii.shape[0] == 1:
            r = elems[:, ii[0]]
        else:
            r = elems[np.arange(elems.shape[0]), ii]
        r = r.astype(_U64)
        if not in_bounds:
            r = np.where(ok, r, _U64(0))  # CIRCT leaves it undefined; we read 0
        return [r]

    return run


@compiles("hw.array_create")
def _compile_array_create(op: Operation, interp: Interpreter) -> Closure:
    _, k = _array_type(op.results[0].type, op)

    def run(args: list[Value], env: Env) -> list[Value]:
        lanes = broadcast_lanes(args)
        cols = [np.broadcast_to(a, (lanes,)) for a in reversed(args)]  # element 0 is the last operand
        return [ArrayValue(np.stack(cols, axis=1), k)]

    return run


# ----- hierarchy


@compiles("hw.instance", pure=False)
def _compile_instance(op: Operation, interp: Interpreter) -> Closure:
    callee = op.module_name.root_reference.data  # type: ignore[attr-defined]
    return interp.call_closure(op, callee)


# The Verilog target prints the ops of lutopt.ir.comb.RTL_OPS: every one must run here.
if set(RTL_OPS) - set(_OPS) - RUN_BY_THE_PLAN:
    raise ImportError(f"the interpreter cannot run {sorted(set(RTL_OPS) - set(_OPS) - RUN_BY_THE_PLAN)}")

