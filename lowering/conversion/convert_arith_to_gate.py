"""`convert-arith-to-gate`: the integer level (upstream `arith` on signless integer
scalars in `func.func`) to `gate.netlist` ops.

Each connected cluster of integer `arith` ops becomes one `gate.netlist`. Its operands
are the bits of the values the cluster reads (`comb.extract` of each bit of a multi-bit
value, bit 0 first), its results the bits of the values read outside it, joined again
with `comb.concat` (as `lut-decompose` does for multi-bit codes). Constants are folded
into the netlist. The circuits are those of `lutopt.logic.arith`:

- `addi`/`subi`: a tree of additions and subtractions whose intermediate results have one
  use is one multi-operand sum, one Dadda compressor tree and one final adder; the exact
  products and the products by constants that feed it (one use) put their partial
  products into the same tree; extended operands (`extui`/`extsi`) enter at their own
  width (a sign bit is a negative weight, not copies);
- `muli`: `multiplier=exact` (partial products, Baugh-Wooley for sign-extended operands;
  by a constant: canonical signed digits), or `mitchell` / `mitch-w<W>` (DESIGN.md's
  semantics): the operands of an approximate product are read as extended from their
  source width (`extsi`: signed, `extui`: unsigned) and as unsigned otherwise, and the
  product is taken modulo 2^N;
- `andi`/`ori`/`xori`, `select`, `cmpi` (carry chains), `minsi`/`maxsi`/`minui`/`maxui`
  (a comparison and a multiplexer), shifts (wiring by a constant amount, barrel shifters
  otherwise), `extui`/`extsi`/`trunci` (wiring).

Ops the pass does not lower (divisions, ...) are a located error naming the op.
Clusters are split where a path leaves the cluster through another op (a `lut.table`, a
call) and comes back, so every netlist can be placed; the block is then put back in a
topological order.

Options: `multiplier` (`exact`, `mitchell`, `mitch-w<W>`), `adder` (`ripple`, the
fewest LUTs, or `prefix`, a Sklansky parallel-prefix adder, less depth).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from xdsl.context import Context
from xdsl.dialects import arith, comb, func
from xdsl.dialects.builtin import IntegerAttr, IntegerType, ModuleOp, i1
from xdsl.ir import Block, Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from lutopt.ir.layer import layer_of, set_layer
from lutopt.diagnostics import LutoptError, set_location
from lutopt.ir.comb import icmp_predicate
from lutopt.ir.multiplier import multiplier_of, operand_form, with_multiplier
from lutopt.ir.order import topological_order
from lutopt.logic.builder import FALSE

LOWERED = frozenset({
    "arith.addi", "arith.subi", "arith.muli", "arith.andi", "arith.ori", "arith.xori",
    "arith.shli", "arith.shrui", "arith.shrsi", "arith.extui", "arith.extsi", "arith.trunci",
    "arith.cmpi", "arith.select", "arith.minsi", "arith.maxsi", "arith.minui", "arith.maxui",
})
"""The `arith` ops lowered to gates (`arith.constant` is folded into its users)."""

_SUMS = ("arith.addi", "arith.subi")


def _is_integer_scalar(op: Operation) -> bool:
    return all(isinstance(v.type, IntegerType) for v in (*op.operands, *op.results))


def _constant(v: SSAValue) -> int | None:
    """The value of an integer `arith.constant` (as an unsigned bit pattern), else None."""
    owner = v.owner
    if isinstance(owner, arith.ConstantOp) and isinstance(owner.value, IntegerAttr) and isinstance(v.type, IntegerType):
        return owner.value.value.data % (1 << v.type.width.data)
    return None


def _width(v: SSAValue) -> int:
    assert isinstance(v.type, IntegerType)
    return v.type.width.data


def integer_ops(block: Block) -> list[Operation]:
    """The integer-level ops of `block` to lower; a located error for an `arith` op on
    integer scalars that the pass does not lower."""
    ops = []
    for op in block.ops:
        if not op.name.startswith("arith.") or op.name == "arith.constant" or not _is_integer_scalar(op):
            continue
        if op.name not in LOWERED:
            raise LutoptError(
                f"convert-arith-to-gate: '{op.name}' is not supported (supported: "
                f"{', '.join(sorted(n.removeprefix('arith.') for n in LOWERED))}, constant)",
                op,
            )
        ops.append(op)
    return ops


def clusters(block: Block, ops: list[Operation]) -> list[list[Operation]]:
    """Connected clusters of `ops` (block order), split by depth: an op's depth counts
    the other ops on its way to the block's end (as late as possible, so an extension or
    a comparison joins the cluster that reads it), and a cluster has one depth, so no
    path leaves a cluster and comes back."""
    members = set(ops)
    depth: dict[Operation, int] = {}
    for op in reversed(list(block.ops)):
        d = 0
        for r in op.results:
            for use in r.uses:
                user = use.operation
                if user in depth:
                    d = max(d, depth[user] + (1 if (op in members and user not in members) else 0))
        depth[op] = d
    parent = {op: op for op in ops}

    def find(x: Operation) -> Operation:
        while parent[x] is not x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for op in ops:
        for v in op.operands:
            owner = v.owner
            if owner in members and depth[owner] == depth[op]:
                parent[find(owner)] = find(op)
    groups: dict[Operation, list[Operation]] = {}
    for op in ops:
        groups.setdefault(find(op), []).append(op)
    return list(groups.values())


@dataclass
class _Vec:
    """A value's bits, and the narrower operand it extends (for sums and products)."""

    bits: list[int]
    narrow: list[int] | None = None
    signed: bool = False

    def source(self) -> tuple[list[int], bool]:
        return (self.narrow, self.signed) if self.narrow is not None else (self.bits, False)


class _ClusterLowering:
    def __init__(self, ops: list[Operation], multiplier, adder: str):
        from lutopt.logic.builder import NetlistBuilder

        self.ops = ops
        self.members = set(ops)
        self.multiplier = multiplier
        self.adder = adder
        self.inputs: list[SSAValue] = []
        self.input_bits: dict[SSAValue, list[int]] = {}
        seen: set[SSAValue] = set()
        for op in ops:
            for v in op.operands:
                if v.owner not in self.members and _constant(v) is None and v not in seen:
                    seen.add(v)
                    self.inputs.append(v)
        self.b = NetlistBuilder(sum(_width(v) for v in self.inputs), strash=True)
        k = 0
        for v in self.inputs:
            w = _width(v)
            self.input_bits[v] = [NetlistBuilder.input(k + i) for i in range(w)]
            k += w
        self.vecs: dict[SSAValue, _Vec] = {}
        # A sum or exact product with one use, by a sum of the cluster, is absorbed by it.
        self.absorbed: set[Operation] = set()
        for op in ops:
            exact_product = op.name == "arith.muli" and (multiplier_of(op) or multiplier.name) == "exact"
            if op.name in _SUMS or exact_product:
                uses = list(op.results[0].uses)
                if len(uses) == 1 and uses[0].operation in self.members and uses[0].operation.name in _SUMS:
                    self.absorbed.add(op)

    def vec(self, v: SSAValue) -> _Vec:
        hit = self.vecs.get(v)
        if hit is not None:
            return hit
        c = _constant(v)
        if c is not None:
            from lutopt.logic.arith import const_bits

            r = _Vec(const_bits(c, _width(v)))
        elif v in self.input_bits:
            r = _Vec(self.input_bits[v])
        else:  # an absorbed op is only read through sum_terms
            raise AssertionError(f"convert-arith-to-gate: {v} read before it is lowered")
        self.vecs[v] = r
        return r

    def lower(self) -> list[SSAValue]:
        """Lowers the cluster; returns the values it defines that are read outside it."""
        outputs = []
        for op in self.ops:
            if op in self.absorbed:
                continue
            self.vecs[op.results[0]] = self.lower_op(op)
            r = op.results[0]
            if any(u.operation not in self.members for u in r.uses):
                outputs.append(r)
        return outputs

    # ----------------------------------------------------------------- ops
    def lower_op(self, op: Operation) -> _Vec:
        from lutopt.logic import arith as A

        b, name = self.b, op.name
        w = _width(op.results[0])
        if name in _SUMS:
            return _Vec(self.lower_sum(op))
        if name == "arith.muli":
            return _Vec(self.lower_product(op))
        if name in ("arith.andi", "arith.ori", "arith.xori"):
            gate = {"arith.andi": b.and_, "arith.ori": b.or_, "arith.xori": b.xor}[name]
            x, y = self.vec(op.operands[0]).bits, self.vec(op.operands[1]).bits
            return _Vec([gate(p, q) for p, q in zip(x, y)])
        if name == "arith.extui" or name == "arith.extsi":
            src = self.vec(op.operands[0])
            signed = name == "arith.extsi"
            bits = A.resize(src.bits, w, signed)
            if src.narrow is not None and (src.signed == signed or not src.signed):
                return _Vec(bits, src.narrow, src.signed)
            return _Vec(bits, src.bits, signed)
        if name == "arith.trunci":
            src = self.vec(op.operands[0])
            if src.narrow is not None and len(src.narrow) <= w:
                return _Vec(src.bits[:w], src.narrow, src.signed)
            return _Vec(src.bits[:w])
        if name == "arith.select":
            c = self.vec(op.operands[0]).bits[0]
            return _Vec(A.mux_bits(b, c, self.vec(op.operands[1]).bits, self.vec(op.operands[2]).bits))
        if name == "arith.cmpi":
            pred = icmp_predicate(op.predicate.value.data)  # type: ignore[attr-defined]
            if pred is None:
                raise LutoptError(f"convert-arith-to-gate: unknown predicate of '{name}'", op)
            return _Vec([A.compare(b, pred.name, self.vec(op.operands[0]).bits, self.vec(op.operands[1]).bits)])
        if name in ("arith.minsi", "arith.maxsi", "arith.minui", "arith.maxui"):
            x, y = self.vec(op.operands[0]).bits, self.vec(op.operands[1]).bits
            lt = A.compare(b, ("s" if name[-2] == "s" else "u") + "lt", x, y)
            take_x = lt if name.startswith("arith.min") else lt ^ 1
            return _Vec(A.mux_bits(b, take_x, x, y))
        if name in ("arith.shli", "arith.shrui", "arith.shrsi"):
            x = self.vec(op.operands[0]).bits
            amount = _constant(op.operands[1])
            signed = name == "arith.shrsi"
            if amount is not None:
                if name == "arith.shli":
                    src = self.vec(op.operands[0])
                    bits = A.shift_left_const(x, min(amount, w), w)
                    if src.narrow is not None and len(src.narrow) + amount <= w:
                        # ext(n) << k is ext(n << k): the sum still sees a narrow operand
                        return _Vec(bits, [FALSE] * amount + src.narrow, src.signed)
                    return _Vec(bits)
                return _Vec(A.shift_right_const(x, min(amount, w), signed))
            direction = {"arith.shli": "left", "arith.shrui": "right", "arith.shrsi": "right_arith"}[name]
            return _Vec(A.barrel_shift(b, x, self.vec(op.operands[1]).bits, direction))
        raise LutoptError(f"convert-arith-to-gate: '{name}' is not supported", op)  # pragma: no cover

    def sum_terms(self, v: SSAValue, negative: bool, bits: list, width: int) -> int:
        """Adds the weighted bits of +-v to `bits`; returns the constant part."""
        from lutopt.logic.arith import operand_bits
        from lutopt.logic.arith.multipliers import multiply_const_bits, product_bits

        c = _constant(v)
        if c is not None:
            return -c if negative else c
        op = v.owner
        if isinstance(op, Operation) and op in self.absorbed:
            if op.name in _SUMS:
                k = self.sum_terms(op.operands[0], negative, bits, width)
                return k + self.sum_terms(op.operands[1], negative != (op.name == "arith.subi"), bits, width)
            # an exact product: its partial products join the sum
            x, y = op.operands
            cx, cy = _constant(x), _constant(y)
            if cx is not None or cy is not None:
                var, const = (y, cx) if cx is not None else (x, cy)
                src, sgn = self.vec(var).source()
                terms = multiply_const_bits(src, sgn, -const if negative else const, width)
            else:
                (sx, gx), (sy, gy) = self.vec(x).source(), self.vec(y).source()
                terms = product_bits(sx, gx, sy, gy, width, self.b.and_)
                if negative:
                    terms = [(lit, col, not neg) for lit, col, neg in terms]
            bits += terms
            return 0
        src, sgn = self.vec(v).source()
        bits += [t for t in operand_bits(src, sgn, negative)[0] if t[1] < width]
        return 0

    def lower_sum(self, op: Operation) -> list[int]:
        from lutopt.logic.arith import sum_bits

        w = _width(op.results[0])
        bits: list = []
        k = self.sum_terms(op.operands[0], False, bits, w)
        k += self.sum_terms(op.operands[1], op.name == "arith.subi", bits, w)
        return sum_bits(self.b, bits, k, w, self.adder)

    def lower_product(self, op: Operation) -> list[int]:
        from lutopt.logic.arith import const_bits, multiply_const, multiply_with, parse_multiplier

        w = _width(op.results[0])
        x, y = op.operands
        named = multiplier_of(op)
        try:
            mult = self.multiplier if named is None else parse_multiplier(named)
        except ValueError as e:
            raise LutoptError(f"convert-arith-to-gate: {e}", op) from None
        if mult.kind != "exact":
            return self.lower_approximate(op, mult)
        cx, cy = _constant(x), _constant(y)
        if cx is not None and cy is not None:
            return const_bits(cx * cy, w)
        if cx is not None or cy is not None:
            var, c = (y, cx) if cx is not None else (x, cy)
            src, sgn = self.vec(var).source()
            return multiply_const(self.b, src, sgn, c, w, self.adder)
        (sx, gx), (sy, gy) = self.vec(x).source(), self.vec(y).source()
        return multiply_with(self.b, mult, sx, gx, sy, gy, w, self.adder)

    def lower_approximate(self, op: Operation, mult) -> list[int]:
        """The operands read as `lutopt.ir.multiplier.operand_form` says."""
        from lutopt.logic.arith import const_bits, mitchell_multiply
        from lutopt.nn.approx import approx_mul

        w = _width(op.results[0])
        (wx, sx), (wy, sy) = operand_form(op, 0), operand_form(op, 1)
        x = self.vec(op.operands[0]).bits[:wx]
        y = self.vec(op.operands[1]).bits[:wy]
        cx, cy = _constant(op.operands[0]), _constant(op.operands[1])
        if cx is not None and cy is not None:
            read = lambda c, cw, s: c - (1 << cw) if s and c >> (cw - 1) & 1 else c  # noqa: E731
            p = int(approx_mul(np.array([read(cx, wx, sx)]), np.array([read(cy, wy, sy)]), mult.name)[0])
            return const_bits(p, w)
        return mitchell_multiply(self.b, x, sx, y, sy, w, mult, self.adder)


def lower_cluster(ops: list[Operation], multiplier, adder: str) -> None:
    """Replaces the cluster `ops` (in block order) by one `gate.netlist`."""
    from lutopt.dialects.gate import GateNetlistOp

    low = _ClusterLowering(ops, multiplier, adder)
    outputs = low.lower()
    if not outputs:  # nothing reads the cluster
        for op in reversed(ops):
            Rewriter.erase_op(op)
        return
    out_lits = [lit for v in outputs for lit in low.vecs[v].bits]
    net = low.b.build(out_lits)
    anchor = ops[-1]
    new_ops: list[Operation] = []
    in_bits: list[SSAValue] = []
    for v in low.inputs:
        w = _width(v)
        if w == 1:
            in_bits.append(v)
            continue
        for j in range(w):
            ext = set_location(comb.ExtractOp(v, IntegerAttr(j, 32), i1), anchor)
            new_ops.append(ext)
            in_bits.append(ext.result)
    nop = set_location(GateNetlistOp.from_netlist(in_bits, net), anchor)
    layers = {layer_of(op) for op in ops}
    if len(layers) == 1:  # the cluster's layer (lutopt.ir.layer), when it has one
        set_layer(nop, layers.pop())
    new_ops.append(nop)
    pos = 0
    replacements = []
    for v in outputs:
        w = _width(v)
        bits = list(nop.results[pos : pos + w])
        pos += w
        if w == 1:
            replacements.append(bits[0])
            continue
        cat = set_location(comb.ConcatOp(bits[::-1], IntegerType(w)), anchor)
        new_ops.append(cat)
        replacements.append(cat.result)
    Rewriter.insert_op(new_ops, InsertPoint.before(anchor))
    for v, r in zip(outputs, replacements):
        if v.name_hint and r.name_hint is None:
            r.name_hint = v.name_hint
        v.replace_all_uses_with(r)
    for op in reversed(ops):
        Rewriter.erase_op(op)


def _reorder(block: Block) -> None:
    order = topological_order(block)
    for op in order:
        op.detach()
    block.add_ops(order)


def _erase_dead_constants(block: Block) -> None:
    for op in list(block.ops):
        if isinstance(op, arith.ConstantOp) and not op.result.uses:
            Rewriter.erase_op(op)


@dataclass(frozen=True)
class ConvertArithToGate(ModulePass):
    """Lowers the integer level (`arith` on integer scalars) to `gate.netlist` ops."""

    name = "convert-arith-to-gate"

    multiplier: str = "exact"
    """`exact`, `mitchell` or `mitch-w<W>` (DESIGN.md's semantics)."""
    adder: str = "ripple"
    """The final adder of sums and products: `ripple` or `prefix` (Sklansky)."""

    def reference_for_check(self, module: ModuleOp) -> ModuleOp:
        """The IR before the pass with the approximate multiplier named on every `muli`
        (what `--check-passes` compares the result with)."""
        return with_multiplier(module, self.multiplier)

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        from lutopt.logic.arith import parse_multiplier

        try:
            mult = parse_multiplier(self.multiplier)
        except ValueError as e:
            raise LutoptError(f"{self.name}: {e}") from None
        if self.adder not in ("ripple", "prefix"):
            raise LutoptError(f"{self.name}: unknown adder '{self.adder}' (ripple or prefix)")
        for fn in [f for f in op.walk() if isinstance(f, func.FuncOp)]:
            if not fn.body.blocks:
                continue
            for block in fn.body.blocks:
                ops = integer_ops(block)
                if not ops:
                    continue
                for cluster in clusters(block, ops):
                    lower_cluster(cluster, mult, self.adder)
                _erase_dead_constants(block)
                _reorder(block)
