"""`convert-nn-to-arith`: partitions become integer arithmetic (upstream `arith` on scalars).

Every `nn.partition` left in a function (nn-to-lut runs this after `nn-absorb-partitions`,
which leaves the partitions too wide for a table) that is one layer with constant weights
between quantizers (`lutopt.analysis.nn_integer`) becomes:

- its weighted sum `A = sum_j n_j q_j + n_0` on the operand codes, with `n_j` integers:
  with `multiplier=exact` the partitions of a layer share one shift-and-add graph
  (`lutopt.logic.cmvm`: canonical signed digits, rows from similar rows, common
  subexpressions over the whole weight matrix), written as `arith.shli`/`addi`/`subi`
  on widths that hold every intermediate value exactly (two's complement, with
  `extui`/`extsi`/`trunci` between them); with an approximate multiplier (`mitchell`,
  `mitch-w<W>`), each product is an `arith.muli` of the code by a constant, which
  `convert-arith-to-gate{multiplier=...}` approximates, and the sum stays exact;
- its output code: `arith.cmpi` of `A` with the integer thresholds of the output
  quantizer (exact, see the analysis) and a chain of `arith.select` on constant codes.

A partition that is not integer arithmetic is an error that says why (for weights that
are no integer multiples of one scale, `weight-bits=B` rounds them to B-bit integers: a
different model, reported on stderr). One remark per output quantizer on stderr says how
many of its elements became arithmetic and whether the result is bit-exact with the
float32 computation.
"""

from __future__ import annotations

import re
import sys
import time
from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects import arith, func
from xdsl.dialects.builtin import IntegerAttr, IntegerType, ModuleOp, StringAttr, i1
from xdsl.ir import Block, Operation, SSAValue
from xdsl.passes import ModulePass

from lutopt.analysis.nn_integer import IntegerForm, NotInteger, integer_form
from lutopt.diagnostics import LutoptError, op_location
from lutopt.dialects.nn import WIDE_ATTR, PartitionOp
from lutopt.ir.order import topological_order
from lutopt.logic.cmvm import AdderGraph, solve_cmvm


_MULTIPLIER = re.compile(r"^(exact|mitchell|mitch-w([1-9][0-9]*))$")


def check_multiplier(name: str, value: str) -> None:
    if not _MULTIPLIER.match(value):
        raise LutoptError(f"{name}: multiplier must be exact, mitchell or mitch-w<W> (W >= 1), got '{value}'")


def signed_width(lo: int, hi: int) -> int:
    """The smallest two's-complement width holding lo..hi."""
    w = 1
    while not (-(1 << (w - 1)) <= lo and hi <= (1 << (w - 1)) - 1):
        w += 1
    return w


class _Emitter:
    """Writes arith ops at the end of a list; values carry (width, signed reading)."""

    def __init__(self) -> None:
        self.ops: list[Operation] = []
        self.consts: dict[tuple[int, int], SSAValue] = {}

    def add(self, op: Operation) -> SSAValue:
        self.ops.append(op)
        return op.results[0]

    def const(self, value: int, width: int) -> SSAValue:
        v = int(value) & ((1 << width) - 1)
        if v >= 1 << (width - 1) and width > 1:
            v -= 1 << width  # upstream prints signless integers signed
        key = (v, width)
        if key not in self.consts:
            self.consts[key] = self.add(arith.ConstantOp(IntegerAttr(v, IntegerType(width))))
        return self.consts[key]

    def resize(self, v: SSAValue, width: int, signed: bool) -> SSAValue:
        w = v.type.width.data  # type: ignore[attr-defined]
        if w == width:
            return v
        if w > width:
            return self.add(arith.TruncIOp(v, IntegerType(width)))
        return self.add((arith.ExtSIOp if signed else arith.ExtUIOp)(v, IntegerType(width)))

    def shifted(self, v: SSAValue, signed: bool, shift: int, width: int) -> SSAValue | None:
        """v << shift in `width` bits (None when it is 0 modulo 2^width)."""
        if shift >= width:
            return None
        r = self.resize(v, width, signed)
        return self.add(arith.ShLIOp(r, self.const(shift, width))) if shift else r


@dataclass(frozen=True)
class ConvertNnToArith(ModulePass):
    """Lowers `nn.partition` ops that are one integer layer to `arith` ops on codes."""

    name = "convert-nn-to-arith"

    multiplier: str = "exact"
    """exact: shift-and-add graphs; mitchell / mitch-w<W>: `arith.muli` by constants, for
    convert-arith-to-gate's approximate multipliers (the sums stay exact)."""
    weight_bits: int = 0
    """0: weights must be integer multiples of one scale (exact). B > 1: round them to B-bit
    signed integers times a scale per partition (changes the model; reported)."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        check_multiplier(self.name, self.multiplier)
        if self.weight_bits < 0 or self.weight_bits == 1 or self.weight_bits > 24:
            raise LutoptError(f"{self.name}: weight-bits must be 0 or between 2 and 24, got {self.weight_bits}")
        for f in list(op.walk()):
            if isinstance(f, func.FuncOp) and f.body.blocks:
                self._function(f)

    # ----------------------------------------------------------------- one function

    def _function(self, f: func.FuncOp) -> None:
        block = f.body.block
        parts = [o for o in block.ops if isinstance(o, PartitionOp)]
        if not parts:
            return
        forms: dict[PartitionOp, IntegerForm] = {}
        for p in parts:
            try:
                forms[p] = integer_form(p, self.weight_bits)
            except NotInteger as e:
                raise LutoptError(_error(p, e.reason, self.weight_bits), p)
        # Layers: partitions grouped by how many arithmetic partitions lie before them.
        depth: dict[SSAValue, int] = {}
        level: dict[PartitionOp, int] = {}
        for o in block.ops:
            d = max((depth.get(v, 0) for v in o.operands), default=0)
            if isinstance(o, PartitionOp):
                level[o] = d
                depth[o.output] = d + 1
            else:
                for r in o.results:
                    depth[r] = d
        groups: dict[int, list[PartitionOp]] = {}
        for p in parts:
            groups.setdefault(level[p], []).append(p)
        ret = block.last_op
        assert ret is not None
        for members in groups.values():
            em = _Emitter()
            accs = self._sums(em, members, forms)
            for p, acc in zip(members, accs):
                code = _code(em, forms[p], acc)
                p.output.replace_all_uses_with(code)
            for o in em.ops:
                o.location = members[0].location
                block.insert_op_before(o, ret)
            _remarks(members, forms, self)
            for p in members:
                p.detach()
                p.erase()
        order = topological_order(block)
        for o in order:
            o.detach()
        for o in order:
            block.add_op(o)

    def _sums(self, em: _Emitter, members: list[PartitionOp], forms: dict[PartitionOp, IntegerForm]) -> list[tuple[SSAValue | None, int, int]]:
        """(A, its width) per partition: A as an SSA value (None when it is a constant)."""
        inputs: dict[SSAValue, int] = {}
        info: list[tuple[int, int, bool]] = []  # lo, hi, signed
        for p in members:
            fm = forms[p]
            for j, v in enumerate(p.inputs):
                if fm.weights[j] != 0 and v not in inputs:
                    inputs[v] = len(inputs)
                    info.append((int(fm.lo[j]), int(fm.hi[j]), fm.signed[j]))
        M = np.zeros((len(members), len(inputs)), np.int64)
        for c, p in enumerate(members):
            fm = forms[p]
            for j, v in enumerate(p.inputs):
                if fm.weights[j] != 0:
                    M[c, inputs[v]] += fm.weights[j]
        values = list(inputs)
        lo = np.array([i[0] for i in info], np.int64)
        hi = np.array([i[1] for i in info], np.int64)
        signed = [i[2] for i in info]
        out: list[tuple[SSAValue | None, int, int]] = []
        if self.multiplier == "exact":
            show = _progress(M)
            t0 = time.perf_counter()
            if show:
                print(f"convert-nn-to-arith: a {M.shape[0]}x{M.shape[1]} weight matrix "
                      f"({int(np.count_nonzero(M))} non-zero weights) to shift-and-add ...", file=sys.stderr, flush=True)
            g = solve_cmvm(M, lo, hi)
            if show:
                print(f"convert-nn-to-arith: {g.adders} adders, depth {g.depth()}, "
                      f"{time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
            nodes = _emit_graph(em, g, values, signed, lo, hi)
            for c, p in enumerate(members):
                amin, amax = forms[p].sum_range()
                w = signed_width(amin, amax)
                n = g.out_node[c]
                acc = None
                if n >= 0:
                    v, vs = nodes[n]
                    acc = em.shifted(v, vs, g.out_shift[c], w)
                    if acc is not None and g.out_sign[c] < 0:
                        acc = em.add(arith.SubiOp(em.const(0, w), acc))
                out.append(_plus(em, acc, forms[p].offset, w))
            return out
        for c, p in enumerate(members):
            amin, amax = forms[p].sum_range()
            w = signed_width(amin, amax)
            # Products by the weights' magnitudes (a constant operand of an approximate
            # product is read unsigned next to an unsigned code: see lutopt.ir.multiplier);
            # the signs go into the exact sum.
            terms: list[tuple[SSAValue, int]] = []
            for j in np.flatnonzero(M[c]):
                n = int(M[c, j])
                m = abs(n)
                plo, phi = sorted((m * int(lo[j]), m * int(hi[j])))
                pw = max(signed_width(min(plo, 0), max(phi, m)), values[j].type.width.data + 1)  # type: ignore[attr-defined]
                x = em.resize(values[j], pw, signed[j])
                prod = em.add(arith.MuliOp(x, em.const(m, pw)))
                terms.append((em.resize(prod, w, True), 1 if n > 0 else -1))
            out.append(_plus(em, _sum_tree(em, terms, w), forms[p].offset, w))
        return out


def _sum_tree(em: _Emitter, terms: list[tuple[SSAValue, int]], w: int) -> SSAValue | None:
    """A balanced tree of exact additions/subtractions of signed terms."""
    if not terms:
        return None
    while len(terms) > 1:
        nxt = []
        for (a, ga), (b, gb) in zip(terms[::2], terms[1::2]):
            if ga < 0 and gb > 0:
                (a, ga), (b, gb) = (b, gb), (a, ga)
            nxt.append((em.add((arith.AddiOp if ga == gb else arith.SubiOp)(a, b)), ga))
        if len(terms) % 2:
            nxt.append(terms[-1])
        terms = nxt
    v, g = terms[0]
    return em.add(arith.SubiOp(em.const(0, w), v)) if g < 0 else v


def _progress(M: np.ndarray) -> bool:
    """Progress lines for long solves of big matrices, when progress is wanted
    (`lutopt.progress.progress_wanted`: LUTOPT_PROGRESS, else a terminal)."""
    from lutopt.progress import progress_wanted

    return progress_wanted() and int(np.count_nonzero(M)) >= 256


def _plus(em: _Emitter, acc: SSAValue | None, offset: int, w: int) -> tuple[SSAValue | None, int, int]:
    if acc is None:
        return None, offset, w
    if offset:
        acc = em.add(arith.AddiOp(acc, em.const(offset, w)))
    return acc, 0, w


def _emit_graph(em: _Emitter, g: AdderGraph, values: list[SSAValue], signed: list[bool], lo, hi) -> list[tuple[SSAValue, bool]]:
    ranges = g.node_ranges(lo, hi)
    nodes: list[tuple[SSAValue, bool]] = [(v, s) for v, s in zip(values, signed)]
    for i, (a, sa, b, sb, sign) in enumerate(g.ops):
        rlo, rhi = ranges[g.n_inputs + i]
        w = signed_width(rlo, rhi)
        (va, sga), (vb, sgb) = nodes[a], nodes[b]
        x = em.shifted(va, sga, sa, w)
        y = em.shifted(vb, sgb, sb, w)
        if y is None:
            r = x if x is not None else em.const(0, w)
        elif x is None:
            r = em.add(arith.SubiOp(em.const(0, w), y)) if sign < 0 else y
        else:
            r = em.add((arith.SubiOp if sign < 0 else arith.AddiOp)(x, y))
        nodes.append((r, True))
    return nodes


def _code(em: _Emitter, fm: IntegerForm, acc: tuple[SSAValue | None, int, int]) -> SSAValue:
    """The output code: how many thresholds the sum has passed, plus the lowest code."""
    value, const, w = acc
    amin, amax = fm.sum_range()
    th = list(fm.thresholds or [])
    if not fm.increasing:
        th = th[::-1]  # t_k = A <= T_k, true for the first k (T descending)
    wo = fm.out_width
    bits: list[SSAValue | bool] = []
    for t in th:
        if fm.increasing:
            always, never = t <= amin, t > amax
        else:
            always, never = t >= amax, t < amin
        if value is None:
            bits.append(const >= t if fm.increasing else const <= t)
        elif always or never:
            bits.append(bool(always))
        else:
            pred = "sge" if fm.increasing else "sle"
            bits.append(em.add(arith.CmpiOp(value, em.const(t, w), pred)))
    # count = the number of true bits (a prefix); select chain on constant codes
    base = sum(1 for b in bits if b is True)
    code = em.const(fm.out_lo + base, wo)
    for k, b in enumerate(bits):
        if isinstance(b, bool):
            continue
        code = em.add(arith.SelectOp(b, em.const(fm.out_lo + k + 1, wo), code))
    return code


def _error(p: PartitionOp, reason: str, weight_bits: int) -> str:
    wide = p.attributes.get(WIDE_ATTR)
    head = wide.data if isinstance(wide, StringAttr) else "this partition"
    hint = "add quantizers, reduce the fan-in, or raise max-table-bits"
    if "integer multiples" in reason:
        hint += (
            "; or round the weights to B-bit integers with convert-nn-to-arith{weight-bits=B} "
            "(nn-to-lut, lower-to-luts and lower-to-rtl take weight-bits too), which changes the model"
        )
    return f"{head}, and it is not integer arithmetic: {reason} ({hint})"


def _remarks(members: list[PartitionOp], forms: dict[PartitionOp, IntegerForm], pass_: ConvertNnToArith) -> None:
    by_loc: dict[str, list[PartitionOp]] = {}
    for p in members:
        by_loc.setdefault(op_location(p) or "", []).append(p)
    for loc, ps in by_loc.items():
        fs = [forms[p] for p in ps]
        exact = all(f.exact for f in fs)
        bits = max(sum(f.widths) for f in fs)
        how = "bit-exact with the float32 computation" if exact else (
            "exact integer sums (the scales are not powers of two: PyTorch's float32 sums round)")
        q = [f.quantized for f in fs if f.quantized is not None]
        if q:
            how = (f"weights rounded to {pass_.weight_bits}-bit integers (weight-bits={pass_.weight_bits}: "
                   f"a different model, largest relative weight change {max(q):.3g})")
        mult = "" if pass_.multiplier == "exact" else f", multiplier={pass_.multiplier}"
        prefix = f"{loc}: " if loc else ""
        wide = ", too many for a table" if any(WIDE_ATTR in p.attributes for p in ps) else ""
        print(
            f"{prefix}remark: {len(ps)} element(s) of this quantizer as integer arithmetic "
            f"(up to {bits} input bits{wide}; {how}{mult})",
            file=sys.stderr,
        )
