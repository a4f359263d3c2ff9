"""linalg ops as loop nests, on index arrays (shared by the tensor interpreter and the nn
passes).

- `structured_view(op)`: a linalg op as an iteration domain, one affine map per operand,
  iterator kinds and a body (a `Block`, or "copy" / "matmul" for named ops).
- `domain_points(domain)`: the coordinates of every point of the domain (row-major);
  `flat_ids(map, points, shape, npoints)`: the flat index into an operand at every point;
  `reduction_order(view)`: the points with the reduction dims innermost.
- `eval_affine(expr, dims)`: an affine expression on arrays of dim values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from xdsl.dialects.linalg import ops as linalg
from xdsl.ir import Block, Operation, SSAValue
from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
    AffineMap,
)

from lutopt.interpreters.common import Unsupported, shape_of

# --------------------------------------------------------------------- affine maps


def eval_affine(expr: AffineExpr, dims: Sequence[np.ndarray]) -> np.ndarray:
    if isinstance(expr, AffineDimExpr):
        return dims[expr.position]
    if isinstance(expr, AffineConstantExpr):
        return np.int64(expr.value)
    if isinstance(expr, AffineBinaryOpExpr):
        a, b = eval_affine(expr.lhs, dims), eval_affine(expr.rhs, dims)
        k = expr.kind
        if k == AffineBinaryOpKind.Add:
            return a + b
        if k == AffineBinaryOpKind.Mul:
            return a * b
        if k == AffineBinaryOpKind.FloorDiv:
            return a // b
        if k == AffineBinaryOpKind.CeilDiv:
            return -((-a) // b)
        if k == AffineBinaryOpKind.Mod:
            return a % b
    raise ValueError(f"unsupported affine expression {expr}")


# --------------------------------------------------------------------- structured view


@dataclass
class StructuredView:
    op: Operation
    domain: tuple[int, ...]
    inputs: list[SSAValue]
    outputs: list[SSAValue]
    maps: list[AffineMap]  # inputs then outputs
    reduction: list[bool]  # per domain dim
    body: Block | str  # a block, "copy" (yield input 0) or "matmul"


def _infer_domain(op: Operation, operands: Sequence[SSAValue], maps: Sequence[AffineMap]) -> tuple[int, ...]:
    n = maps[0].num_dims
    dom: list[int | None] = [None] * n
    for v, m in zip(operands, maps):
        shp = shape_of(v)
        for size, e in zip(shp, m.results):
            if isinstance(e, AffineDimExpr) and dom[e.position] is None:
                dom[e.position] = size
    if any(d is None for d in dom):
        raise Unsupported("cannot infer the iteration domain", op)
    return tuple(int(d) for d in dom)  # type: ignore[arg-type]


def structured_view(op: Operation) -> StructuredView | None:
    """The op as a loop nest, or None if it is not a structured (linalg) op we model."""
    if isinstance(op, linalg.GenericOp):
        maps = [m.data for m in op.indexing_maps.data]
        ins, outs = list(op.inputs), list(op.outputs)
        dom = _infer_domain(op, ins + outs, maps)
        red = ["reduction" in str(it) for it in op.iterator_types.data]
        return StructuredView(op, dom, ins, outs, maps, red, op.body.block)
    name = op.name
    if name in ("linalg.matmul", "linalg.batch_matmul", "linalg.matvec", "linalg.vecmat"):
        maps = list(op.get_default_indexing_maps())  # type: ignore[attr-defined]
        ins, outs = list(op.inputs), list(op.outputs)  # type: ignore[attr-defined]
        dom = _infer_domain(op, ins + outs, maps)
        red = [False] * (len(dom) - 1) + [True]
        if name == "linalg.matvec" or name == "linalg.vecmat":
            red = [False, True]
        return StructuredView(op, dom, ins, outs, maps, red, "matmul")
    if isinstance(op, linalg.TransposeOp):
        perm = list(op.permutation.get_values())
        out_shape = shape_of(op.outputs[0])
        n = len(out_shape)
        in_map = AffineMap(n, 0, tuple(AffineExpr.dimension(perm.index(j)) for j in range(n)))
        out_map = AffineMap.identity(n)
        return StructuredView(op, out_shape, [op.inputs[0]], [op.outputs[0]], [in_map, out_map], [False] * n, "copy")
    if isinstance(op, linalg.BroadcastOp):
        dims = set(op.dimensions.get_values())
        out_shape = shape_of(op.init)
        n = len(out_shape)
        in_map = AffineMap(n, 0, tuple(AffineExpr.dimension(i) for i in range(n) if i not in dims))
        return StructuredView(op, out_shape, [op.input], [op.init], [in_map, AffineMap.identity(n)], [False] * n, "copy")
    if isinstance(op, linalg.FillOp):
        out = op.outputs[0]
        n = len(shape_of(out))
        return StructuredView(
            op, shape_of(out), [op.inputs[0]], [out], [AffineMap(n, 0, ()), AffineMap.identity(n)], [False] * n, "copy"
        )
    if isinstance(op, linalg.CopyOp):
        out = op.outputs[0]
        n = len(shape_of(out))
        ident = AffineMap.identity(n)
        return StructuredView(op, shape_of(out), [op.inputs[0]], [out], [ident, ident], [False] * n, "copy")
    return None


def domain_points(domain: Sequence[int]) -> list[np.ndarray]:
    """One int64 array per dim, over all points of the domain in row-major order."""
    if not domain:
        return []
    grids = np.indices(domain, dtype=np.int64)
    return [g.reshape(-1) for g in grids]


def flat_ids(m: AffineMap, dims: Sequence[np.ndarray], shape: Sequence[int], npoints: int) -> np.ndarray:
    """Flat (row-major) index into an operand of `shape` at every domain point."""
    idx = np.zeros(npoints, dtype=np.int64)
    for size, e in zip(shape, m.results):
        idx = idx * size + np.broadcast_to(eval_affine(e, dims), (npoints,))
    return idx


def reduction_order(view: StructuredView) -> np.ndarray:
    """A permutation of the domain points: parallel dims outer, reduction dims inner (row-major each)."""
    dims = list(range(len(view.domain)))
    par = [d for d in dims if not view.reduction[d]]
    red = [d for d in dims if view.reduction[d]]
    npoints = int(np.prod(view.domain)) if view.domain else 1
    ids = np.arange(npoints).reshape(view.domain) if view.domain else np.arange(1)
    return np.transpose(ids, par + red).reshape(-1) if view.domain else ids
