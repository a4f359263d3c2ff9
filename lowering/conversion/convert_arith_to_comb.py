"""`convert-arith-to-comb`: the integer level's `arith` ops to their `comb` twins, kept
as word-level operators in the rtl (`+`, `-`, `*`, `&`, `<<`, `<`, `? :` in Verilog) for
users who want the vendor tool's carry chains and DSP blocks (`keep-arith=true` of
`lower-to-luts` / `lower-to-rtl`).

`addi`/`subi`/`muli` become `comb.add`/`comb.sub`/`comb.mul`, the bitwise ops and shifts
their `comb` namesakes, `cmpi` `comb.icmp`, `select` `comb.mux`, `minsi`/`maxsi`/
`minui`/`maxui` a `comb.icmp` and a `comb.mux`, `extui` a `comb.concat` with a zero
`hw.constant`, `extsi` a `comb.concat` with a `comb.replicate` of the sign, `trunci` a
`comb.extract`. Every one is in `lutopt.ir.comb.RTL_OPS`, so the interpreter runs what
the printer prints. A `muli` with an approximate multiplier (`lutopt.multiplier`, or the
`multiplier` option) is left for `convert-arith-to-gate`: its circuit is not `*`.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import comb, func, hw
from xdsl.dialects.builtin import IntegerAttr, IntegerType, ModuleOp
from xdsl.ir import Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from lutopt.diagnostics import LutoptError, set_location
from lutopt.ir.multiplier import multiplier_of

_BINARY = {
    "arith.addi": comb.AddOp,
    "arith.muli": comb.MulOp,
    "arith.andi": comb.AndOp,
    "arith.ori": comb.OrOp,
    "arith.xori": comb.XorOp,
}
_TWO = {
    "arith.subi": comb.SubOp,
    "arith.shli": comb.ShlOp,
    "arith.shrui": comb.ShrUOp,
    "arith.shrsi": comb.ShrSOp,
}
_MIN_MAX = {"arith.minsi": "slt", "arith.maxsi": "sgt", "arith.minui": "ult", "arith.maxui": "ugt"}


def _width(v: SSAValue) -> int:
    assert isinstance(v.type, IntegerType)
    return v.type.width.data


def _lower(op: Operation) -> list[Operation] | None:
    """The comb ops replacing `op` (the last one's result replaces op's), or None to
    leave `op` alone."""
    name = op.name
    if name in _BINARY:
        return [_BINARY[name](list(op.operands))]
    if name in _TWO:
        return [_TWO[name](op.operands[0], op.operands[1])]
    if name == "arith.cmpi":
        return [comb.ICmpOp(op.operands[0], op.operands[1], op.predicate.value.data)]  # type: ignore[attr-defined]
    if name == "arith.select":
        return [comb.MuxOp(*op.operands)]
    if name in _MIN_MAX:
        a, b = op.operands
        cmp = comb.ICmpOp(a, b, _MIN_MAX[name])
        return [cmp, comb.MuxOp(cmp, a, b)]
    if name in ("arith.extui", "arith.extsi", "arith.trunci"):
        x = op.operands[0]
        w_in, w_out = _width(x), _width(op.results[0])
        if name == "arith.trunci":
            return [comb.ExtractOp(x, IntegerAttr(0, 32), IntegerType(w_out))]
        if name == "arith.extui":
            pad: Operation = hw.ConstantOp(0, w_out - w_in)
            pre: list[Operation] = [pad]
        else:
            sign = comb.ExtractOp(x, IntegerAttr(w_in - 1, 32), IntegerType(1))
            pad = comb.ReplicateOp(sign, IntegerType(w_out - w_in))
            pre = [sign, pad]
        return pre + [comb.ConcatOp([pad.results[0], x], IntegerType(w_out))]
    return None


@dataclass(frozen=True)
class ConvertArithToComb(ModulePass):
    """Rewrites the integer level's `arith` ops as `comb` ops (see the module docstring)."""

    name = "convert-arith-to-comb"

    multiplier: str = "exact"
    """A `muli` is kept as `comb.mul` only when exact (this option, or its
    `lutopt.multiplier`); approximate ones are left for `convert-arith-to-gate`."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        from lutopt.logic.arith import parse_multiplier

        try:
            parse_multiplier(self.multiplier)
        except ValueError as e:
            raise LutoptError(f"{self.name}: {e}") from None
        for fn in [f for f in op.walk() if isinstance(f, func.FuncOp)]:
            for block in fn.body.blocks:
                for o in list(block.ops):
                    if not o.name.startswith("arith.") or o.name == "arith.constant":
                        continue
                    if not all(isinstance(v.type, IntegerType) for v in (*o.operands, *o.results)):
                        continue
                    if o.name == "arith.muli" and (multiplier_of(o) or self.multiplier) != "exact":
                        continue
                    new = _lower(o)
                    if new is None:
                        continue  # convert-arith-to-gate reports what it cannot lower
                    for n in new:
                        set_location(n, o)
                    Rewriter.insert_op(new, InsertPoint.before(o))
                    result = new[-1].results[0]
                    if o.results[0].name_hint:
                        result.name_hint = o.results[0].name_hint
                    o.results[0].replace_all_uses_with(result)
                    Rewriter.erase_op(o)

