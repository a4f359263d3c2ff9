"""Which partitions are integer arithmetic, and their integer form.

A partition (`nn.partition`, see `dialects/nn.py`) is *integer arithmetic* when it is one
layer with constant weights between quantizers:

    codes -> nn.dequantize -> (data movement) -> nn.contract (one output, bias)
          -> element-wise maps of that one value (BatchNorm folded or not, ReLU, clamps)
          -> nn.quantize

and each term's coefficient, the input scale times the weight, is an integer multiple of
one unit `U` per partition (`e_k = s_x * w_k = n_k * U`). Then the weighted sum is
`A * U` with the integer `A = sum_k n_k * q_k + n_0` (`n_0 U` the contraction's initial
value), and the output code is a monotone function `g(A)`: the rest of the partition
(the bias, the maps, the quantizer) applied to that value. `g` is a step function; its
steps are integer thresholds on `A`, found by exact search on the integers (every
candidate is evaluated with the partition's own float32 semantics, the ones absorption
uses; no threshold comes from a float formula), so the code is the number of thresholds
that `A` has passed.

Exactness: when `U` is a power of two, every `fl(q * s_x)` is exact, and every partial
sum is an integer multiple of `U` below `2^24 U` in magnitude, the float32 computation
of the partition *is* `A * U` for every input, so the integer form is bit-exact with the
float32 semantics of the partition (and with PyTorch's, see docs/nn-level.md). Otherwise
(a scale such as 0.1, not a power of two) the integer form computes the exact weighted sum
(PyTorch rounds it in float32), rounded to float32 once before the rest of the partition:
a code can differ from the float computation only where the sum lies within float32
rounding of a quantizer step. `IntegerForm.exact` says which.

Weights that are no integer multiple of one unit (with small integers, at most
`MAX_WEIGHT`) are refused with a reason; `weight_bits=B` rounds them to `B`-bit signed
integers times a unit per partition (`U = max |e_k| / (2^(B-1) - 1)`), which changes the
function (reported by the pass that uses it).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from xdsl.ir import Block

from lutopt.analysis.nn_enumerate import body_key, compile_partition, quantize_codes
from lutopt.dialects.nn import MapOp, PartitionOp
from lutopt.interpreters.common import Unsupported
from lutopt.interpreters.tensor import eval_body

MAX_WEIGHT = 1 << 16
"""The largest integer weight accepted as "an integer multiple of the unit"."""
MAX_DIVISOR = 256
"""Units are searched among `min |e_k| / d` for d = 1..MAX_DIVISOR."""
EXHAUSTIVE_RANGE = 1 << 22
"""Sums with at most this many values have `g` evaluated on all of them."""


class NotInteger(Exception):
    """Why a partition is not integer arithmetic."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class IntegerForm:
    """A partition as integer arithmetic on its operands (the partition's block arguments)."""

    weights: np.ndarray
    """int64 per operand: A = sum_j weights[j] * q_j + offset (zero for unread operands)."""
    offset: int
    lo: np.ndarray
    """The operands' code ranges (full width: any bit pattern a port can carry)."""
    hi: np.ndarray
    signed: list[bool]
    widths: list[int]
    unit: float
    exact: bool
    """True when the float32 computation of the sum is exact (bit-exact integer form)."""
    quantized: float | None = None
    """With weight_bits: the largest relative change of a weight (the form is not exact)."""
    out_width: int = 0
    out_signed: bool = False
    out_lo: int = 0
    """Output codes (signed reading) g(A) = out_lo + #{k: A >= thresholds[k]} when
    `increasing`, else out_lo + #{k: A <= thresholds[k]}."""
    increasing: bool = True
    thresholds: list[int] | None = None

    def sum_range(self) -> tuple[int, int]:
        w = self.weights
        lo = int(np.sum(np.where(w > 0, w * self.lo, w * self.hi))) + self.offset
        hi = int(np.sum(np.where(w > 0, w * self.hi, w * self.lo))) + self.offset
        return lo, hi

    def codes(self, acc: np.ndarray) -> np.ndarray:
        """Output codes (signed reading, int64) for integer sums `acc`."""
        t = np.asarray(self.thresholds, dtype=np.int64)
        a = np.asarray(acc, dtype=np.int64)[..., None]
        n = (a >= t).sum(axis=-1) if self.increasing else (a <= t).sum(axis=-1)
        return self.out_lo + n


# --------------------------------------------------------------------- structure


def _odd_mantissa(x: float) -> tuple[int, int]:
    """x = m * 2^e with m odd (x a non-zero float)."""
    f = Fraction(x)
    num, den = f.numerator, f.denominator
    e = 0
    while num % 2 == 0:
        num //= 2
        e += 1
    while den % 2 == 0:
        den //= 2
        e -= 1
    assert den == 1, "floats are dyadic"
    return num, e


def integer_form(part: PartitionOp, weight_bits: int = 0) -> IntegerForm:
    """The integer form of `part`, or NotInteger with the reason."""
    try:
        prog = compile_partition(part)
    except Unsupported as e:
        raise NotInteger(e.message)
    widths = list(prog.widths)
    n_ops = len(widths)
    # slot -> ("x", arg index array, scale array) | ("const", array) | ("acc",) | ("tail",) | ("codes", args)
    kind: dict[int, tuple] = {}
    contract = None
    contract_at = -1
    x_signed: dict[int, bool] = {}
    for at, ins in enumerate(prog.instrs):
        k = ins[0]
        if k == "codes":
            kind[ins[1]] = ("codes", np.asarray(ins[2], np.int64))
        elif k == "dequant":
            _, dst, src, scale, width, signed = ins
            if kind.get(src, ("?",))[0] != "codes":
                raise NotInteger("a dequantization of something other than operand codes")
            args = kind[src][1]
            for a in args:
                x_signed[int(a)] = signed
            kind[dst] = ("x", args, np.full(len(args), scale, np.float64))
        elif k == "const":
            kind[ins[1]] = ("const", prog.data[ins[2]])
        elif k == "gather":
            _, dst, src, key, _shape = ins
            idx = prog.data[key]
            s = kind.get(src, ("?",))
            if s[0] == "x":
                kind[dst] = ("x", s[1][idx], s[2][idx])
            elif s[0] == "const":
                kind[dst] = ("const", s[1][idx])
            elif s[0] in ("acc", "tail") and bool(np.all(idx == 0)):
                kind[dst] = ("tail",)
            else:
                raise NotInteger("data movement this analysis does not follow")
        elif k == "concat":
            parts = [kind.get(v, ("?",)) for v in ins[2]]
            if all(p[0] == "x" for p in parts):
                kind[ins[1]] = ("x", np.concatenate([p[1] for p in parts]), np.concatenate([p[2] for p in parts]))
            elif all(p[0] == "const" for p in parts):
                kind[ins[1]] = ("const", np.concatenate([p[1] for p in parts]))
            else:
                raise NotInteger("a concatenation of computed values and codes")
        elif k == "contract":
            _, dst, x, init, wk, ik, shape, fused, bk = ins
            if contract is not None:
                raise NotInteger("two contractions (layers with no quantizer between them)")
            if kind.get(x, ("?",))[0] != "x":
                raise NotInteger("a contraction whose input is not dequantized codes (an "
                                 "element-wise operation between the quantizer and the layer)")
            if kind.get(init, ("?",))[0] != "const":
                raise NotInteger("a contraction with a computed initial value")
            if shape[0] != 1:
                raise NotInteger("a layer with several results inside the partition (layers with no "
                                 "quantizer between them)")
            contract = ins
            contract_at = at
            kind[dst] = ("acc",)
        elif k == "map":
            _, dst, srcs, _bkey, _len = ins
            ks = [kind.get(s, ("?",))[0] for s in srcs]
            if not any(t in ("acc", "tail") for t in ks) or not all(t in ("acc", "tail", "const") for t in ks):
                raise NotInteger("an element-wise operation on codes before the layer, or on several "
                                 "computed values")
            kind[dst] = ("tail",)
        elif k == "quantize":
            if kind.get(ins[2], ("?",))[0] not in ("acc", "tail"):
                raise NotInteger("no layer with constant weights before the output quantizer")
            kind[ins[1]] = ("out",)
        elif k == "yield":
            pass
        else:  # pragma: no cover - compile_partition knows no other kind
            raise NotInteger(f"'{k}'")
    if contract is None:
        raise NotInteger("no layer with constant weights (a contraction) in the partition")
    _, _, xs, init_slot, wk, ik, shape, fused, bk = contract
    args, scales = kind[xs][1], kind[xs][2]
    w = np.asarray(prog.data[wk], np.float32)[0]
    idx = np.asarray(prog.data[ik], np.int64)[0]
    init = float(np.asarray(kind[init_slot][1], np.float32).reshape(-1)[0])
    keep = w != 0
    term_args = args[idx[keep]]
    e = scales[idx[keep]] * w[keep].astype(np.float64)  # exact: a product of two float32
    signed = [x_signed.get(a, False) for a in range(n_ops)]
    lo = np.array([-(1 << (wd - 1)) if s else 0 for wd, s in zip(widths, signed)], np.int64)
    hi = np.array([(1 << (wd - 1)) - 1 if s else (1 << wd) - 1 for wd, s in zip(widths, signed)], np.int64)
    unit, n, exact, changed = _unit(e, init, weight_bits)
    weights = np.zeros(n_ops, np.int64)
    np.add.at(weights, term_args, n)
    offset = 0
    if init != 0:
        f = Fraction(init) / Fraction(unit)
        if f.denominator != 1:
            raise NotInteger("the layer's initial value is not an integer multiple of its unit")
        offset = int(f)
    form = IntegerForm(weights, offset, lo, hi, signed, widths, unit, exact, changed)
    if exact:
        # fl(q * s) exact for every code, and every partial sum below 2^24 units.
        for a, s in zip(term_args, scales[idx[keep]]):
            m, _ = _odd_mantissa(float(s))
            if max(abs(int(lo[a])), abs(int(hi[a]))) * m > (1 << 24):
                form.exact = False
        bound = int(np.sum(np.abs(weights) * np.maximum(np.abs(lo), np.abs(hi)))) + abs(offset)
        if bound > (1 << 24):
            form.exact = False
    _thresholds(form, prog, contract_at, bk, part)
    return form


def _unit(e: np.ndarray, init: float, weight_bits: int) -> tuple[float, np.ndarray, bool, float | None]:
    """(U, n, power-of-two exact?, largest relative change) with e ~= n * U."""
    if len(e) == 0:
        return 1.0, np.zeros(0, np.int64), True, None
    if weight_bits:
        top = float(np.max(np.abs(e)))
        unit = top / ((1 << (weight_bits - 1)) - 1) if weight_bits > 1 else top
        n = np.rint(e / unit).astype(np.int64)
        rel = float(np.max(np.abs(n * unit - e) / np.abs(e)))
        return unit, n, False, rel
    # A power of two: every e_k is m_k 2^(x_k); U = 2^min(x_k).
    exps = [_odd_mantissa(float(v))[1] for v in e]
    unit2 = 2.0 ** min(exps)
    n = np.array([int(Fraction(float(v)) / Fraction(unit2)) for v in e], dtype=object)
    if max(abs(int(v)) for v in n) <= MAX_WEIGHT:
        return unit2, n.astype(np.int64), True, None
    # A unit that is not a power of two: e_k = n_k U up to float32 rounding of the weights.
    ref = float(np.min(np.abs(e)))
    for d in range(1, MAX_DIVISOR + 1):
        unit = ref / d
        n = np.rint(e / unit)
        if np.max(np.abs(n)) > MAX_WEIGHT:
            break
        if np.all(np.abs(n * unit - e) <= np.abs(e) * 2.0**-21):
            return unit, n.astype(np.int64), False, None
    worst = e[np.argmax(np.abs(e / ref - np.rint(e / ref)))]
    raise NotInteger(
        f"its weights are not integer multiples of one scale (the term {float(worst):.6g} is no "
        f"small integer multiple of {ref:.6g})"
    )


# --------------------------------------------------------------------- thresholds


def tail_function(prog, contract_at: int, bias_key: int | None, part: PartitionOp, unit: float, exact: bool):
    """g: integer sums (int64 array) -> output codes (signed int64), the partition's float32
    semantics after the contraction."""
    bodies: dict[tuple, Block] = {}
    for op in part.body.block.ops:
        if isinstance(op, MapOp):
            bodies.setdefault(body_key(op.body.block), op.body.block)
    dst = prog.instrs[contract_at][1]
    bias = None if bias_key is None else np.float32(np.asarray(prog.data[bias_key]).reshape(-1)[0])
    out_ins = [i for i in prog.instrs if i[0] == "quantize"][-1]
    lo_q, w_q = out_ins[4], out_ins[6]

    def g(acc: np.ndarray) -> np.ndarray:
        acc = np.asarray(acc, np.int64)
        # exact mode: A * U has at most 24 significant bits, so both conversions are exact;
        # otherwise the float64 product rounded to float32 (the sum, rounded once)
        v = (acc.astype(np.float64) * unit).astype(np.float32)
        if bias is not None:
            v = (v + bias).astype(np.float32)
        vals: dict[int, np.ndarray] = {dst: v.reshape(1, -1, 1)}
        result = None
        for ins in prog.instrs:
            k = ins[0]
            if k == "const":
                vals[ins[1]] = np.asarray(prog.data[ins[2]], np.float32).reshape(1, 1, -1)
            elif k == "gather" and ins[2] in vals:
                idx = prog.data[ins[3]]
                vals[ins[1]] = vals[ins[2]][:, :, idx]
            elif k == "map":
                srcs = [vals[s] for s in ins[2]]
                out = eval_body(bodies[ins[3]], srcs, _no_outer)[0]
                vals[ins[1]] = np.broadcast_to(np.asarray(out, np.float32), np.broadcast_shapes(*[s.shape for s in srcs]))
            elif k == "quantize" and ins[2] in vals:
                _, d, src, scale, qlo, qhi, width = ins
                vals[d] = quantize_codes(vals[src], scale, qlo, qhi, width)
            elif k == "yield":
                result = vals[ins[1]]
        assert result is not None
        bits = np.asarray(result, np.uint64).reshape(-1).astype(np.int64)
        if lo_q < 0:
            bits = np.where(bits >= (1 << (w_q - 1)), bits - (1 << w_q), bits)
        return bits

    return g, lo_q, out_ins[5], w_q


def _no_outer(v):
    raise Unsupported("a map body that reads a value from outside", None)


def _thresholds(form: IntegerForm, prog, contract_at: int, bias_key, part: PartitionOp) -> None:
    g, qlo, qhi, w_q = tail_function(prog, contract_at, bias_key, part, form.unit, form.exact)
    form.out_width, form.out_signed = w_q, qlo < 0
    amin, amax = form.sum_range()
    span = amax - amin + 1
    try:
        if span <= EXHAUSTIVE_RANGE:
            a = np.arange(amin, amax + 1, dtype=np.int64)
            c = g(a)
            d = np.diff(c)
            inc = bool(np.all(d >= 0))
            if not inc and not bool(np.all(d <= 0)):
                raise NotInteger("its output code is not a monotone function of the weighted sum")
            steps = np.flatnonzero(d)
            # code(A) = c[0] + sum over steps of the jump; jumps of several codes repeat the threshold
            th: list[int] = []
            for s in steps:
                th += [int(a[s + 1]) if inc else int(a[s])] * int(abs(d[s]))
            form.increasing = inc
            form.out_lo = int(c[0]) if inc else int(c[-1])
            form.thresholds = sorted(th)
        else:
            _search(form, g, amin, amax)
    except Unsupported as e:
        raise NotInteger(e.message)


def _search(form: IntegerForm, g, amin: int, amax: int) -> None:
    """Thresholds by binary search on the integers, g checked monotone on a sample."""
    ends = g(np.array([amin, amax], np.int64))
    inc = bool(ends[1] >= ends[0])
    rng = np.random.default_rng(0)
    sample = np.unique(np.concatenate([rng.integers(amin, amax + 1, 1 << 16), [amin, amax]]))
    c = g(sample)
    d = np.diff(c)
    if not (np.all(d >= 0) if inc else np.all(d <= 0)):
        raise NotInteger("its output code is not a monotone function of the weighted sum")
    lo_code, hi_code = (int(ends[0]), int(ends[1])) if inc else (int(ends[1]), int(ends[0]))
    th = []
    for level in range(lo_code + 1, hi_code + 1):
        # inc: the least A with g(A) >= level; dec: the greatest A with g(A) >= level
        lo, hi = amin, amax
        if inc:
            while lo < hi:
                mid = (lo + hi) // 2
                if int(g(np.array([mid]))[0]) >= level:
                    hi = mid
                else:
                    lo = mid + 1
        else:
            while lo < hi:
                mid = (lo + hi + 1) // 2
                if int(g(np.array([mid]))[0]) >= level:
                    lo = mid
                else:
                    hi = mid - 1
        th.append(lo)
    form.increasing = inc
    form.out_lo = lo_code
    form.thresholds = sorted(th)
