"""The interpreter's evaluators of the integer level: upstream `arith` on signless integer
scalars `iN` inside `func.func` (DESIGN.md, "Integer arithmetic and multipliers").

Values are those of `lutopt.interpreters.values`: a uint64 array (one entry per lane,
masked to the width) up to 64 bits, a `Bits` array above, so every op is exact at any
width (NumPy words up to 64 bits, Python integers per lane above).

Semantics (upstream MLIR's, on two's-complement bit vectors, results modulo 2^N):

* `addi`, `subi`, `muli`, `andi`, `ori`, `xori`: wrap around modulo 2^N;
* `shli`, `shrui`, `shrsi`: a shift by N or more gives 0 (`shli`, `shrui`) or the sign
  in every bit (`shrsi`; upstream calls it poison, any value is allowed: these are
  CIRCT's `comb` semantics, shared through `lutopt.ir.comb`);
* `extui`, `extsi`, `trunci`: zero/sign extension, truncation to the low bits;
* `cmpi`: the ten predicates of `lutopt.ir.comb.ICMP_PREDICATES`, signed ones on the
  two's-complement readings; `select`;
* `minsi`, `maxsi`, `minui`, `maxui`: on the signed / unsigned readings;
* `divui`, `divsi`, `remui`, `remsi`: as `comb.divu`/`divs`/`modu`/`mods` (a division by
  zero, undefined upstream, gives 0);
* `constant` is registered by `lutopt.interpreters.lut`.

The binary ops share their NumPy semantics with their `comb` twins (the `arith` field of
`lutopt.ir.comb.RTL_OPS`), so the integer level and the `comb.add`/`comb.mul`... that
`keep-arith` leaves in the rtl run the same code.
"""

from __future__ import annotations

import numpy as np
from xdsl.ir import Operation

from lutopt.interpreters.core import Closure, Env, Interpreter, compiles, int_width, unsupported
from lutopt.interpreters.rtl import _compile_icmp, _compile_mux, _table_compiler
from lutopt.interpreters.values import Bits, Value, from_bits, from_pyints, pyint_lanes, to_bits
from lutopt.ir.comb import BINARY_OPS, as_signed_int, mask, to_signed

_U64 = np.uint64

# addi, subi, muli, andi, ori, xori, shli, shrui, shrsi: the table's arith twins.
for _entry in BINARY_OPS.values():
    if _entry.arith and _entry.name != "comb.mul":
        compiles(*_entry.arith)(_table_compiler(_entry))

# Divisions and remainders: the semantics of comb.divu/divs/modu/mods.
for _arith, _comb in (
    ("arith.divui", "comb.divu"),
    ("arith.divsi", "comb.divs"),
    ("arith.remui", "comb.modu"),
    ("arith.remsi", "comb.mods"),
):
    compiles(_arith)(_table_compiler(BINARY_OPS[_comb]))

_exact_muli = _table_compiler(BINARY_OPS["comb.mul"])


@compiles("arith.muli")
def _compile_muli(op: Operation, interp: Interpreter) -> Closure:
    """Exact, or the approximate multiplier named by `lutopt.multiplier` (see
    `lutopt.ir.multiplier` for how its operands are read)."""
    from lutopt.ir.multiplier import multiplier_of, operand_form

    name = multiplier_of(op)
    if name is None or name == "exact":
        return _exact_muli(op, interp)
    from lutopt.logic.arith.multipliers import parse_multiplier
    from lutopt.nn.approx import MAX_MAGNITUDE_BITS, approx_mul

    try:
        parse_multiplier(name)
    except ValueError as e:
        raise unsupported(op, str(e)) from None
    width = int_width(op.results[0])
    forms = [operand_form(op, 0), operand_form(op, 1)]
    if width > 64 or any(w > MAX_MAGNITUDE_BITS for w, _ in forms):
        raise unsupported(op, f"approximate products of operands wider than {MAX_MAGNITUDE_BITS} bits")

    def read(x: np.ndarray, w: int, signed: bool) -> np.ndarray:
        x = x & mask(w)
        return to_signed(x, w) if signed else x.astype(np.int64)

    def run(args: list[Value], env: Env) -> list[Value]:
        a = read(args[0], *forms[0])
        b = read(args[1], *forms[1])
        a, b = np.broadcast_arrays(a, b)
        p = approx_mul(a, b, name)
        return [p.astype(np.int64).view(_U64) & mask(width)]

    return run


compiles("arith.cmpi")(_compile_icmp)
compiles("arith.select")(_compile_mux)


@compiles("arith.extui", "arith.trunci")
def _compile_zext_trunc(op: Operation, interp: Interpreter) -> Closure:
    w_in, w_out = int_width(op.operands[0]), int_width(op.results[0])
    if max(w_in, w_out) <= 64:
        m = mask(w_out)
        return lambda args, env: [args[0] & m]

    def wide(args: list[Value], env: Env) -> list[Value]:
        bits = to_bits(args[0], w_in)
        if w_out <= w_in:
            return [from_bits(bits[:, :w_out], w_out)]
        pad = np.zeros((bits.shape[0], w_out - w_in), dtype=np.uint8)
        return [from_bits(np.concatenate([bits, pad], axis=1), w_out)]

    return wide


@compiles("arith.extsi")
def _compile_sext(op: Operation, interp: Interpreter) -> Closure:
    w_in, w_out = int_width(op.operands[0]), int_width(op.results[0])
    if w_out < w_in:
        raise unsupported(op, "the result is narrower than the operand")
    if w_out <= 64:
        m = mask(w_out)
        return lambda args, env: [to_signed(args[0], w_in).view(_U64) & m]

    def wide(args: list[Value], env: Env) -> list[Value]:
        bits = to_bits(args[0], w_in)
        sign = bits[:, w_in - 1 : w_in]
        return [Bits(np.concatenate([bits, np.repeat(sign, w_out - w_in, axis=1)], axis=1))]

    return wide


def _min_max(signed: bool, take_max: bool):
    def compile_min_max(op: Operation, interp: Interpreter) -> Closure:
        width = int_width(op.results[0])
        if width <= 64:
            if signed:
                def narrow(args: list[Value], env: Env) -> list[Value]:
                    a, b = args
                    first = to_signed(a, width) >= to_signed(b, width)
                    return [np.where(first == take_max, a, b).astype(_U64, copy=False)]
            else:
                def narrow(args: list[Value], env: Env) -> list[Value]:
                    a, b = args
                    return [(np.maximum if take_max else np.minimum)(a, b)]
            return narrow

        def wide(args: list[Value], env: Env) -> list[Value]:
            _, (xs, ys) = pyint_lanes(args, width)
            key = (lambda v: as_signed_int(v, width)) if signed else (lambda v: v)
            pick = max if take_max else min
            return [from_pyints([pick(x, y, key=key) for x, y in zip(xs, ys)], width)]

        return wide

    return compile_min_max


compiles("arith.minsi")(_min_max(True, False))
compiles("arith.maxsi")(_min_max(True, True))
compiles("arith.minui")(_min_max(False, False))
compiles("arith.maxui")(_min_max(False, True))

INTEGER_OPS = frozenset(
    [n for e in BINARY_OPS.values() for n in e.arith]
    + ["arith.divui", "arith.divsi", "arith.remui", "arith.remsi", "arith.cmpi", "arith.select",
       "arith.extui", "arith.extsi", "arith.trunci", "arith.minsi", "arith.maxsi", "arith.minui",
       "arith.maxui", "arith.constant"]
)
"""The `arith` ops of the integer level that the interpreter runs."""
