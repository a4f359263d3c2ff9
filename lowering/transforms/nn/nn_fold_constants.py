"""`nn-fold-constants`: evaluates constant sub-graphs with NumPy.

Every tensor op whose operands are all constants (a weight times a mask, transposes,
reshapes, broadcasts and fills of constants) becomes one `arith.constant`, and
`dense_resource` blobs (the weights torch-mlir prints in the `{-# dialect_resources #-}`
trailer) become dense attributes, so the passes after it see weights as arrays. When it
changed something, ops that are no longer used are erased (a function it does not change,
e.g. at the lut level, is left exactly as it is).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects import arith, func, tensor
from xdsl.dialects.builtin import (
    BytesAttr,
    DenseIntOrFPElementsAttr,
    DenseResourceAttr,
    ModuleOp,
    TensorType,
)
from xdsl.ir import Operation, SSAValue
from xdsl.passes import ModulePass

from lutopt.diagnostics import LutoptError
from lutopt.ir.unchanged import mark_unchanged
from lutopt.interpreters.common import Unsupported
from lutopt.interpreters.tensor import attr_array, constant_array, evaluate_op


def dense_attr(arr: np.ndarray, t: TensorType) -> DenseIntOrFPElementsAttr:
    """A dense attribute of type `t` holding `arr` (little-endian bytes, as xDSL stores it)."""
    from lutopt.interpreters.common import numpy_dtype

    dt = numpy_dtype(t.get_element_type())
    if dt == np.bool_:
        data = np.ascontiguousarray(arr, dtype=np.int8).tobytes()
    else:
        data = np.ascontiguousarray(arr, dtype=dt.newbyteorder("<")).tobytes()
    return DenseIntOrFPElementsAttr(t, BytesAttr(data))


def _is_foldable(op: Operation, values: dict[SSAValue, np.ndarray]) -> bool:
    if isinstance(op, (arith.ConstantOp, tensor.EmptyOp)) or op.regions and op.name not in (
        "linalg.generic",
        "linalg.matmul",
        "linalg.batch_matmul",
        "linalg.matvec",
        "linalg.vecmat",
        "linalg.transpose",
        "linalg.broadcast",
        "linalg.fill",
        "linalg.copy",
    ):
        return False
    if not op.results or not all(isinstance(r.type, TensorType) for r in op.results):
        return False
    return all(v in values or isinstance(v.owner, tensor.EmptyOp) for v in op.operands)


def _body_reads_only_constants(op: Operation, values: dict[SSAValue, np.ndarray]) -> bool:
    for inner in op.walk():
        if inner is op:
            continue
        for v in inner.operands:
            owner = v.owner
            if isinstance(owner, Operation) and not op.is_ancestor(owner):
                if v not in values and constant_array(v) is None:
                    return False
    return True


def fold_constants(ctx: Context, body_ops: list[Operation]) -> int:
    """Folds the constant ops of one block; returns how many ops were folded."""
    values: dict[SSAValue, np.ndarray] = {}
    folded = 0
    for op in body_ops:
        if isinstance(op, arith.ConstantOp):
            arr = attr_array(op.value, ctx)
            if arr is None and isinstance(op.value, DenseResourceAttr):
                raise LutoptError(
                    f"dense_resource '{op.value.resource_handle.data}' has no data in the "
                    "file's dialect_resources",
                    op,
                )
            if arr is not None:
                values[op.result] = arr
                if isinstance(op.value, DenseResourceAttr):
                    new = arith.ConstantOp(dense_attr(arr, op.result.type))  # type: ignore[arg-type]
                    new.location = op.location
                    op.parent_block().insert_op_before(new, op)  # type: ignore[union-attr]
                    op.result.replace_all_uses_with(new.result)
                    op.detach()
                    op.erase()
                    values[new.result] = arr
                    folded += 1
            continue
        if not _is_foldable(op, values) or not _body_reads_only_constants(op, values):
            continue
        arrays = []
        for v in op.operands:
            if v in values:
                arrays.append(values[v])
            else:  # tensor.empty: only the shape matters
                arrays.append(evaluate_op(v.owner, [], ctx)[0])  # type: ignore[index, arg-type]
        try:
            results = evaluate_op(op, arrays, ctx)
        except Unsupported:
            continue
        if results is None:
            continue
        new_ops = [arith.ConstantOp(dense_attr(r, res.type)) for r, res in zip(results, op.results)]  # type: ignore[arg-type]
        block = op.parent_block()
        assert block is not None
        for n, r, res in zip(new_ops, results, op.results):
            n.location = op.location
            block.insert_op_before(n, op)
            res.replace_all_uses_with(n.result)
            values[n.result] = r
        op.detach()
        op.erase()
        folded += 1
    return folded


def erase_dead(block_ops: list[Operation]) -> None:
    """Erases pure ops without uses, last first."""
    from xdsl.traits import is_side_effect_free

    for op in reversed(block_ops):
        if op.parent is None or isinstance(op, func.ReturnOp):
            continue
        if all(not r.uses for r in op.results) and op.results and is_side_effect_free(op):
            op.detach()
            op.erase()


@dataclass(frozen=True)
class NnFoldConstants(ModulePass):
    """Evaluates constant sub-graphs with NumPy and resolves `dense_resource` blobs."""

    name = "nn-fold-constants"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        changed = False
        for f in op.walk():
            if isinstance(f, func.FuncOp) and f.body.blocks:
                block = f.body.block
                if fold_constants(ctx, list(block.ops)):  # only clean up after itself
                    erase_dead(list(block.ops))
                    changed = True
        if not changed:
            mark_unchanged(op)
