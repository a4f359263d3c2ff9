"""`nn-raise-quantizers`: recognises quantizers and raises them to `nn.quantize` + `nn.dequantize`.

`torch.clamp(torch.round(x / s), qmin, qmax) * s` reaches lutopt as a chain of
element-wise `linalg.generic` ops (one per PyTorch op, or fused into fewer):

    divf %in, s  ->  math.roundeven  ->  clamp  ->  mulf %q, s

where the clamp is printed as `cmpf ult` + `select` (lower bound) and `cmpf ugt` +
`select` (upper bound), or as `arith.maximumf` / `arith.minimumf`, in either order, and
the scale is a scalar constant or, when the model holds it in a tensor (a parameter or a
buffer), a one-element constant tensor operand of the generic.
The chain becomes

    %q = nn.quantize %x scale(s) range(qmin, qmax) : tensor<...xf32> -> tensor<...xiW>
    %v = nn.dequantize %q scale(s) range(qmin, qmax) : tensor<...xiW> -> tensor<...xf32>

(the codes, and the values the rest of the network reads). The bounds must be integers
and the two scales equal; anything else is left as it is. Ops left without uses (the
chain's scalar constants) are erased.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects import arith, func
from xdsl.dialects.linalg import ops as linalg
from xdsl.dialects.builtin import Float32Type, ModuleOp, TensorType
from xdsl.ir import BlockArgument, Operation, SSAValue
from xdsl.ir.affine import AffineMap
from xdsl.passes import ModulePass

from lutopt.dialects.nn import DequantizeOp, QuantizeOp, code_width, quantize_type
from lutopt.lowering.transforms.nn.nn_fold_constants import erase_dead
from lutopt.interpreters.tensor import attr_array, cmpf_predicate

Expr = tuple  # ("x",) | ("const", float) | (opname, pred_or_None, *children)


def _scalar_constant(v: SSAValue) -> float | None:
    """The value of a one-element constant tensor (how a scale held in a tensor prints)."""
    owner = v.owner
    if not isinstance(owner, arith.ConstantOp):
        return None
    a = attr_array(owner.value)
    if a is None or a.size != 1 or a.dtype.kind != "f":
        return None
    return float(a.reshape(()))


def _elementwise_input(op: Operation) -> tuple[SSAValue, dict[int, float]] | None:
    """The tensor input of an identity-mapped, all-parallel generic whose other inputs are
    one-element constants (returned by block argument number)."""
    if not isinstance(op, linalg.GenericOp) or len(op.outputs) != 1:
        return None
    if any("reduction" in str(it) for it in op.iterator_types.data):
        return None
    maps = [m.data for m in op.indexing_maps.data]
    n = maps[0].num_dims
    x: SSAValue | None = None
    consts: dict[int, float] = {}
    for i, (v, m) in enumerate(zip(op.inputs, maps)):
        c = _scalar_constant(v)
        if c is not None:
            consts[i] = c
            continue
        if x is not None or m != AffineMap.identity(n):
            return None
        x = v
    if x is None or maps[-1] != AffineMap.identity(n) or x.type != op.results[0].type:
        return None
    return x, consts


def _body_expr(op: linalg.GenericOp, x: Expr, consts: dict[int, float]) -> Expr | None:
    block = op.body.block
    env: dict[SSAValue, Expr] = {}
    for i, a in enumerate(block.args[: len(op.inputs)]):
        env[a] = ("const", consts[i]) if i in consts else x

    def get(v: SSAValue) -> Expr | None:
        if v in env:
            return env[v]
        if isinstance(v, BlockArgument):
            return None
        a = attr_array(v.owner.value) if isinstance(v.owner, arith.ConstantOp) else None
        if a is None or a.shape != ():
            return None
        return ("const", float(a))

    for inner in block.ops:
        if inner.name == "linalg.yield":
            return get(inner.operands[0])
        if isinstance(inner, arith.ConstantOp):
            a = attr_array(inner.value)
            if a is None or a.shape != ():
                return None
            env[inner.result] = ("const", float(a))
            continue
        kids = [get(v) for v in inner.operands]
        if any(k is None for k in kids):
            return None
        if inner.name in ("arith.truncf", "arith.extf") and kids[0][0] == "const":  # type: ignore[index]
            # A Python float scale is an f64 constant truncated in the body: its f32 value.
            c = kids[0][1]  # type: ignore[index]
            is_f32 = isinstance(inner.results[0].type, Float32Type)
            env[inner.results[0]] = ("const", float(np.float32(c)) if is_f32 else c)
            continue
        pred = cmpf_predicate(inner) if isinstance(inner, arith.CmpfOp) else None
        env[inner.results[0]] = (inner.name, pred, *kids)
    return None


def _const(e: Expr) -> float | None:
    return e[1] if e[0] == "const" else None


_MIRROR = {"ult": "ugt", "ugt": "ult", "ule": "uge", "uge": "ule",
           "olt": "ogt", "ogt": "olt", "ole": "oge", "oge": "ole"}


def _select_bound(e: Expr) -> tuple[str, Expr, float] | None:
    """`select(cmpf(...), ...)` as a one-sided clamp against a constant:
    ("lo" | "hi", the clamped expression, the bound), or None.

    `select(x < c, c, x)` and `select(x > c, x, c)` are max(x, c) (a lower bound);
    `select(x > c, c, x)` and `select(x < c, x, c)` are min(x, c); the comparison may
    have the constant on either side (`c > x` is `x < c`), ordered or unordered."""
    if e[0] != "arith.select" or e[2][0] != "arith.cmpf":
        return None
    cmp, a, b = e[2], e[3], e[4]
    pred, u, c = cmp[1], cmp[2], cmp[3]
    if _const(c) is None and _const(u) is not None:
        pred, u, c = _MIRROR.get(pred, ""), c, u
    cv = _const(c)
    if cv is None or pred not in _MIRROR or _const(u) is not None:
        return None
    less = pred[1] == "l"
    if (less and a == c and b == u) or (not less and a == u and b == c):
        return "lo", u, cv
    if (not less and a == c and b == u) or (less and a == u and b == c):
        return "hi", u, cv
    return None


def _strip_clamp(e: Expr) -> tuple[Expr, float | None, float | None]:
    lo = hi = None
    while True:
        name = e[0]
        if name in ("arith.maximumf", "arith.maxnumf") and lo is None:
            if _const(e[3]) is not None and _const(e[2]) is None:
                e, lo = e[2], _const(e[3])
                continue
            if _const(e[2]) is not None and _const(e[3]) is None:
                e, lo = e[3], _const(e[2])
                continue
        if name in ("arith.minimumf", "arith.minnumf") and hi is None:
            if _const(e[3]) is not None and _const(e[2]) is None:
                e, hi = e[2], _const(e[3])
                continue
            if _const(e[2]) is not None and _const(e[3]) is None:
                e, hi = e[3], _const(e[2])
                continue
        sel = _select_bound(e)
        if sel is not None:
            side, inner, bound = sel
            if side == "lo" and lo is None:
                e, lo = inner, bound
                continue
            if side == "hi" and hi is None:
                e, hi = inner, bound
                continue
        return e, lo, hi


def _scaled(e: Expr, op: str, what: Expr) -> float | None:
    """The constant `c` if `e` is `op(what, c)` (or `c * what` for a multiplication)."""
    if e[0] != op:
        return None
    if e[2] == what and _const(e[3]) is not None:
        return _const(e[3])
    if op == "arith.mulf" and e[3] == what and _const(e[2]) is not None:
        return _const(e[2])
    return None


def _is_power_of_two(v: float) -> bool:
    m, _ = np.frexp(np.float32(v))
    return bool(m == 0.5)


def match_quantizer(e: Expr) -> tuple[float, float, int, int] | None:
    """(scale, dequantization scale, qmin, qmax) if `e` is a quantizer on ("x",).

    The forms (DESIGN.md's `torch.clamp(torch.round(x / s), qmin, qmax) * s` as torch-mlir
    prints it): `[mulf](clamp(roundeven([divf](x, s))), s)`, where
    - the division is absent when s is 1 (torch-mlir drops `/ 1.0`), or is a multiplication
      by a reciprocal 1/s that is a power of two (then `x * (1/s)` and `x / s` are the same
      float32 number for every x);
    - the final multiplication is absent when s is 1 (`* 1.0` dropped); a division without
      the multiplication is a quantizer whose value is the code itself (dequantization
      scale 1);
    - scales are compared as float32 (an f64 constant truncated in the body is its f32 value).
    Division by a reciprocal that is not a power of two (`x * 0.3` for `x / 3.33`) is not
    the same float32 arithmetic as any division, so it is not a quantizer here.
    """
    s2: float | None = 1.0
    body = e
    for cand in (e[2], e[3]) if e[0] == "arith.mulf" else ():
        c = _scaled(e, "arith.mulf", cand)
        if c is not None and _const(cand) is None:
            s2, body = c, cand
            break
    inner, lo, hi = _strip_clamp(body)
    if lo is None or hi is None or inner[0] != "math.roundeven":
        return None
    pre = inner[2]
    if pre == ("x",):
        s = 1.0
    elif (d := _scaled(pre, "arith.divf", ("x",))) is not None:
        s = d
    elif (r := _scaled(pre, "arith.mulf", ("x",))) is not None and r > 0 and _is_power_of_two(r):
        s = float(np.float32(1.0) / np.float32(r))
    else:
        return None
    if not all(np.isfinite(v) and v > 0 for v in (s, s2)):
        return None
    if body is not e and np.float32(s) != np.float32(s2) and s != 1.0:
        return None  # two different scales: not DESIGN's quantizer
    if lo != int(lo) or hi != int(hi) or lo > hi:
        return None
    return float(np.float32(s)), float(np.float32(s2)), int(lo), int(hi)


MAX_CHAIN = 6


def raise_quantizers(block_ops: list[Operation]) -> int:
    count = 0
    erased: set[int] = set()
    for op in block_ops:
        if id(op) in erased or op.parent is None:
            continue
        first = _elementwise_input(op)
        if first is None or not isinstance(first[0].type, TensorType):
            continue
        x = first[0]
        chain: list[Operation] = []
        expr: Expr = ("x",)
        cur: Operation = op
        found = None
        found_len = 0
        while len(chain) < MAX_CHAIN:
            here = _elementwise_input(cur)
            if here is None:
                break
            new = _body_expr(cur, expr, here[1])  # type: ignore[arg-type]
            if new is None:
                break
            chain.append(cur)
            expr = new
            m = match_quantizer(expr)
            if m is not None:  # keep going: a longer chain may end with the multiplication
                found, found_len = m, len(chain)
            uses = list(cur.results[0].uses)
            if len(uses) != 1:
                break
            cur = uses[0].operation
            nxt = _elementwise_input(cur)
            if nxt is None or nxt[0] is not chain[-1].results[0]:
                break
        if found is None:
            continue
        chain = chain[:found_len]
        scale, value_scale, lo, hi = found
        w = code_width(lo, hi)
        q = QuantizeOp(x, scale, lo, hi, quantize_type(x.type, w))
        d = DequantizeOp(q.output, value_scale, lo, hi, x.type)
        q.location = op.location
        d.location = chain[-1].location
        block = op.parent_block()
        assert block is not None
        last = chain[-1]
        block.insert_ops_before([q, d], last)
        last.results[0].replace_all_uses_with(d.output)
        for c in reversed(chain):
            c.detach()
            c.erase()
            erased.add(id(c))
        count += 1
    return count


@dataclass(frozen=True)
class NnRaiseQuantizers(ModulePass):
    """Replaces divf/roundeven/clamp/mulf chains by `nn.quantize` + `nn.dequantize`."""

    name = "nn-raise-quantizers"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for f in list(op.walk()):
            if isinstance(f, func.FuncOp) and f.body.blocks:
                if raise_quantizers(list(f.body.block.ops)):
                    erase_dead(list(f.body.block.ops))
