"""The part of torch-mlir's `tm_tensor` dialect that its linalg-on-tensors output uses.

`tm_tensor.scatter` is what torch-mlir prints for an indexed assignment
(`out[:, idx] = v`, `index_put_`, `scatter`), for instance when a logic layer is
assembled from per-gate-type pieces:

    %r = tm_tensor.scatter {dimension_map = array<i64: 0, 1>} unique_indices(true)
           ins(%updates, %indices : tensor<2x1x1xf32>, tensor<2x2xi64>)
           outs(%original : tensor<1x4xf32>) {
    ^bb0(%update: f32, %current: f32):
      tm_tensor.yield %update : f32
    } -> tensor<1x4xf32>

Semantics (torch-mlir's TMTensor ScatterOp): the result is `original` where, for every
update i, the slice `updates[i]` (of the original's rank, or of its rank minus the
indexed dimensions) is combined into the original at the position whose coordinates
along `dimension_map[c]` are `indices[i, c]` (the other coordinates start at 0); the
region combines an update element with the current one (yielding the update overwrites).
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import BoolAttr, DenseArrayBase, IntegerAttr, IntegerType, i64
from xdsl.ir import Attribute, Dialect, Region, SSAValue
from xdsl.irdl import (
    AttrSizedOperandSegments,
    IRDLOperation,
    irdl_op_definition,
    opt_prop_def,
    prop_def,
    region_def,
    traits_def,
    var_operand_def,
    var_result_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.traits import IsTerminator
from xdsl.dialects.utils import AbstractYieldOperation


@irdl_op_definition
class ScatterYieldOp(AbstractYieldOperation[Attribute]):
    name = "tm_tensor.yield"

    traits = traits_def(IsTerminator())


@irdl_op_definition
class ScatterOp(IRDLOperation):
    """`tm_tensor.scatter` (see the module docstring)."""

    name = "tm_tensor.scatter"

    inputs = var_operand_def()
    outputs = var_operand_def()
    res = var_result_def()
    region = region_def()

    dimension_map = prop_def(DenseArrayBase)
    unique_indices = opt_prop_def(Attribute)

    irdl_options = (AttrSizedOperandSegments(as_property=True),)

    def __init__(
        self,
        inputs: Sequence[SSAValue],
        outputs: Sequence[SSAValue],
        body: Region,
        dimension_map: DenseArrayBase,
        unique_indices: bool = True,
        result_types: Sequence[Attribute] = (),
    ):
        super().__init__(
            operands=[inputs, outputs],
            result_types=[result_types],
            properties={"dimension_map": dimension_map, "unique_indices": BoolAttr.from_bool(unique_indices)},
            regions=[body],
        )

    @property
    def dims(self) -> list[int]:
        return [int(x) for x in self.dimension_map.get_values()]

    @property
    def is_unique(self) -> bool:
        u = self.unique_indices
        return isinstance(u, IntegerAttr) and bool(u.value.data)

    @classmethod
    def parse(cls, parser: Parser) -> ScatterOp:
        pos = parser.pos
        attrs = parser.parse_optional_attr_dict()
        dmap = attrs.pop("dimension_map", None)
        if not isinstance(dmap, DenseArrayBase):
            parser.raise_error("expected 'dimension_map = array<i64: ...>' in tm_tensor.scatter", pos, parser.pos)
        unique = True
        if parser.parse_optional_characters("unique_indices"):
            parser.parse_punctuation("(")
            unique = parser.parse_boolean()
            parser.parse_punctuation(")")
        operands: dict[str, list[SSAValue]] = {}
        for key in ("ins", "outs"):
            pos = parser.pos
            parser.parse_characters(key)
            parser.parse_punctuation("(")
            names = parser.parse_comma_separated_list(Parser.Delimiter.NONE, parser.parse_unresolved_operand)
            parser.parse_punctuation(":")
            types = parser.parse_comma_separated_list(Parser.Delimiter.NONE, parser.parse_type)
            parser.parse_punctuation(")")
            operands[key] = parser.resolve_operands(names, types, pos)
        body = parser.parse_region()
        result_types: list[Attribute] = []
        if parser.parse_optional_punctuation("->"):
            if parser.parse_optional_punctuation("(") is not None:
                result_types = parser.parse_comma_separated_list(Parser.Delimiter.NONE, parser.parse_type)
                parser.parse_punctuation(")")
            else:
                result_types = [parser.parse_type()]
        op = cls(operands["ins"], operands["outs"], body, dmap, unique, result_types)
        op.attributes |= attrs
        return op

    def print(self, printer: Printer) -> None:
        printer.print_string(" {dimension_map = ")
        printer.print_attribute(self.dimension_map)
        printer.print_string("}")
        if self.attributes:
            printer.print_op_attributes(self.attributes)
        printer.print_string(f" unique_indices({'true' if self.is_unique else 'false'})")
        for key, vals in (("ins", self.inputs), ("outs", self.outputs)):
            printer.print_string(f" {key}(")
            printer.print_list(vals, printer.print_operand)
            printer.print_string(" : ")
            printer.print_list([v.type for v in vals], printer.print_attribute)
            printer.print_string(")")
        printer.print_string(" ")
        printer.print_region(self.region)
        if self.res:
            printer.print_string(" -> ")
            if len(self.res) == 1:
                printer.print_attribute(self.res[0].type)
            else:
                printer.print_string("(")
                printer.print_list([r.type for r in self.res], printer.print_attribute)
                printer.print_string(")")


TM_TENSOR = Dialect("tm_tensor", [ScatterOp, ScatterYieldOp], [])

__all__ = ["TM_TENSOR", "ScatterOp", "ScatterYieldOp", "IntegerType", "i64"]
