"""Linalg named ops that torch-mlir prints and xDSL 0.74 does not define.

`linalg.generic` with several results (what torch-mlir prints for `argmax`, `max`,
`softmax`): xDSL 0.74 parses only one result type after `->`; the subclass below also
accepts the parenthesised list MLIR prints, `-> (tensor<6xf32>, tensor<6xi64>)`.

`linalg.batch_matmul` (what `torch.bmm`, `torch.einsum` and batched `torch.matmul`
lower to) and `linalg.matvec` / `linalg.vecmat` (one-dimensional `torch.matmul`).
They are registered in the `linalg` dialect the `lutopt` driver loads (see
`linalg_with_extensions`), with the same custom form as xDSL's `linalg.matmul`:

    %r = linalg.batch_matmul ins(%a, %b : tensor<4x1x2xf32>, tensor<4x2x8xf32>)
                             outs(%c : tensor<4x1x8xf32>) -> tensor<4x1x8xf32>

Upstream definition: https://mlir.llvm.org/docs/Dialects/Linalg/#linalgbatch_matmul-linalgbatchmatmulop
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from xdsl.dialects.builtin import AffineMapAttr, ArrayAttr
from xdsl.dialects.linalg.attrs import IteratorTypeAttr
from xdsl.dialects.linalg.ops import GenericOp as _XdslGenericOp
from xdsl.dialects.linalg.ops import MatmulOp, NamedOperation
from xdsl.dialects.builtin import TensorType
from xdsl.ir import Attribute, Dialect, Region, SSAValue
from xdsl.ir.affine import AffineMap
from xdsl.irdl import irdl_op_definition, prop_def
from xdsl.parser import Parser
from xdsl.utils.mlir_lexer import MLIRTokenKind


def _maps(*fns) -> ArrayAttr[AffineMapAttr]:
    return ArrayAttr([AffineMapAttr(AffineMap.from_callable(f)) for f in fns])


class _ContractionOp(NamedOperation):
    """Shared by the contractions below: the body and builder of `linalg.matmul`."""

    def __init__(
        self,
        inputs: Sequence[SSAValue],
        outputs: Sequence[SSAValue] = (),
        res: Sequence[Attribute] | None = None,
        attributes: dict[str, Attribute] | None = None,
    ):
        result_types = [o.type for o in outputs if isinstance(o.type, TensorType)] if res is None else res
        super().__init__(
            ins=inputs,
            outs=outputs,
            result_types=result_types,
            attributes=attributes,
            hidden_region=self.get_hidden_region(inputs, outputs),
        )

    @classmethod
    def get_hidden_region(cls, inputs: Sequence[SSAValue], outputs: Sequence[SSAValue]) -> Region:
        return MatmulOp.get_hidden_region.__func__(cls, inputs, outputs)  # type: ignore[attr-defined]

    def get_default_indexing_maps(self) -> Sequence[AffineMap]:
        return tuple(m.data for m in self.indexing_maps.data)  # type: ignore[attr-defined]

    def get_indexing_maps(self) -> ArrayAttr[AffineMapAttr]:
        return self.indexing_maps  # type: ignore[attr-defined]


@irdl_op_definition
class BatchMatmulOp(_ContractionOp):
    """C[b, i, j] += A[b, i, k] * B[b, k, j]."""

    name = "linalg.batch_matmul"

    PRINT_ATTRS_IN_FRONT: ClassVar[bool] = True

    indexing_maps = prop_def(
        ArrayAttr[AffineMapAttr],
        default_value=_maps(
            lambda b, i, j, k: (b, i, k),
            lambda b, i, j, k: (b, k, j),
            lambda b, i, j, k: (b, i, j),
        ),
    )

    def get_iterator_types(self) -> ArrayAttr[IteratorTypeAttr]:
        p, r = IteratorTypeAttr.parallel(), IteratorTypeAttr.reduction()
        return ArrayAttr([p, p, p, r])


@irdl_op_definition
class MatvecOp(_ContractionOp):
    """y[i] += A[i, k] * x[k]."""

    name = "linalg.matvec"

    PRINT_ATTRS_IN_FRONT: ClassVar[bool] = True

    indexing_maps = prop_def(
        ArrayAttr[AffineMapAttr],
        default_value=_maps(lambda i, k: (i, k), lambda i, k: (k,), lambda i, k: (i,)),
    )

    def get_iterator_types(self) -> ArrayAttr[IteratorTypeAttr]:
        return ArrayAttr([IteratorTypeAttr.parallel(), IteratorTypeAttr.reduction()])


@irdl_op_definition
class VecmatOp(_ContractionOp):
    """y[j] += x[k] * A[k, j]."""

    name = "linalg.vecmat"

    PRINT_ATTRS_IN_FRONT: ClassVar[bool] = True

    indexing_maps = prop_def(
        ArrayAttr[AffineMapAttr],
        default_value=_maps(lambda j, k: (k,), lambda j, k: (k, j), lambda j, k: (j,)),
    )

    def get_iterator_types(self) -> ArrayAttr[IteratorTypeAttr]:
        return ArrayAttr([IteratorTypeAttr.parallel(), IteratorTypeAttr.reduction()])


class _ResultTypesParser:
    """Stands for the parser while xDSL parses a `linalg.generic`: the one call that
    reads the result types after `->` also accepts a parenthesised list."""

    def __init__(self, parser: Parser):
        self._parser = parser

    def __getattr__(self, name: str):
        return getattr(self._parser, name)

    def parse_comma_separated_list(self, delimiter, parse, *args, **kwargs):
        p = self._parser
        if (
            delimiter == Parser.Delimiter.NONE
            and parse == p.parse_attribute
            and p._current_token.kind == MLIRTokenKind.L_PAREN
        ):
            return p.parse_comma_separated_list(Parser.Delimiter.PAREN, p.parse_type)
        return p.parse_comma_separated_list(delimiter, parse, *args, **kwargs)


class GenericOp(_XdslGenericOp):
    """xDSL's `linalg.generic`, whose parser also reads several result types."""

    name = "linalg.generic"

    @classmethod
    def parse(cls, parser: Parser):
        return super().parse(_ResultTypesParser(parser))  # type: ignore[arg-type]


EXTRA_LINALG_OPS: Sequence[type] = (BatchMatmulOp, MatvecOp, VecmatOp)


def linalg_with_extensions() -> Dialect:
    """xDSL's `linalg` dialect plus the ops above."""
    from xdsl.dialects.linalg import Linalg

    ops = [GenericOp if op.name == "linalg.generic" else op for op in Linalg.operations]
    names = {op.name for op in ops}
    ops += [op for op in EXTRA_LINALG_OPS if op.name not in names]
    return Dialect("linalg", ops, list(Linalg.attributes))
