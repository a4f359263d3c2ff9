"""The `nn` dialect: quantized neural networks between torch-mlir's output and truth tables.

Values are float tensors (as torch-mlir prints them) and, at quantizer boundaries,
integer *codes*. The ops:

- `nn.quantize %x scale(S) range(QMIN, QMAX) : tensor<..xf32> -> tensor<..xiW>`: the
  code `q = clamp(round_half_even(x / s), qmin, qmax)` (float32 arithmetic, as
  `torch.clamp(torch.round(x / s), qmin, qmax)` computes it; a NaN gives qmin, as the
  `cmpf ult` + `select` form torch-mlir prints does). `iW` is the smallest width that
  holds qmin..qmax, two's complement when qmin < 0 (so -4..3 is `i3`, 0..3 is `i2`).
  Scalars (`f32 -> iW`) are accepted too.
- `nn.dequantize %q scale(S) range(QMIN, QMAX) : tensor<..xiW> -> tensor<..xf32>`: the
  value `float32(q) * s` (the `mulf` that ends torch-mlir's quantizer chain).
- `nn.partition(%a, %b) : (i3, i3) -> i2 { ^bb0(%x: i3, %y: i3): ... nn.yield %q }`:
  one element of a quantized tensor as a function of the codes it reads. The region is
  the sub-network that one truth table absorbs; it is isolated from above and yields
  one code (`iW`, or `tensor<1xiW>`).
- `nn.partition_group(%a, %b, %c) reads(R) data(D0, D1, ...) : (i3, i3, i3) -> i2 { body }`:
  P partitions that share one body (a layer's neurons computed by the same sub-network
  with their own weights), P results. `R` (`tensor<PxAxi32>`) says which operands each
  partition reads: partition p's block arguments are the operands `R[p, 0..A-1]`. The
  body is partition 0's; partition p is the body with its arrays replaced by
  `D_k[p]`, the arrays being, in the order of the ops: an `nn.gather`'s indices (i64),
  an f32 `arith.constant`'s value (flattened), an `nn.contract`'s weights, indices and
  bias (`D_k` has the array's shape with P in front; `D_k[0]` equals the body's own).
  nn-partition{group=true} makes them (one op instead of P regions), nn-absorb-partitions
  reads them as arrays.
- Inside partitions, on one-dimensional float tensors (the elements of the original
  tensors that the partition needs):
  - `nn.gather %x [i0, i1, ...] : tensor<Nxf32> -> tensor<Cxf32>`: `y[c] = x[i_c]`.
  - `nn.map(%a, %b) : (tensor<Cxf32>, tensor<Cxf32>) -> tensor<Cxf32> { ^bb0(%x: f32, %y: f32): ... nn.yield %r : f32 }`:
    the scalar body applied element by element (the body of a `linalg.generic`).
  - `nn.contract %x, %init weights(W) indices(I) [bias(B)] [fused] : (tensor<Nxf32>, tensor<Cxf32>) -> tensor<Cxf32>`:
    `acc = init[c]; for k: acc = acc + x[I[c,k]] * W[c,k]`, in order of k, then
    `acc + B[c]` if there is a bias (rounded separately, as `mm(x, w) + b`), where
    `fused` rounds each step once (a fused multiply-add, as PyTorch's CPU matmul
    kernels do) and its absence rounds the product and the sum separately (MLIR's
    `mulf` + `addf`). Terms with a zero weight have been dropped (they add +-0).

See docs in `lowering/conversion/nn_partition.py` for how partitions are found and
`lowering/conversion/nn_absorb_partitions.py` for how they become `lut.table` ops.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
from xdsl.dialects.builtin import (
    ArrayAttr,
    BytesAttr,
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    Float32Type,
    FloatAttr,
    IntegerAttr,
    IntegerType,
    TensorType,
    UnitAttr,
    f32,
    i32,
    i64,
)
from xdsl.ir import Attribute, Block, Dialect, Operation, Region, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    irdl_op_definition,
    operand_def,
    opt_prop_def,
    prop_def,
    region_def,
    result_def,
    traits_def,
    var_operand_def,
    var_result_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.traits import IsolatedFromAbove, IsTerminator, Pure, RecursiveMemoryEffect
from xdsl.utils.exceptions import VerifyException

from lutopt.nn.codes import code_width  # noqa: F401  (re-exported: the quantizer code width)

# Constructors call `Operation.__init__` directly (what `Operation.create` does): the ops
# are built by the thousand by nn-partition, and IRDL's generic argument processing costs
# more than the op itself; the verifiers below check the result as usual.

# --------------------------------------------------------------------- code widths


def _element_type(t: Attribute) -> Attribute:
    return t.get_element_type() if isinstance(t, TensorType) else t


def _shape(t: Attribute) -> tuple[int, ...] | None:
    return tuple(t.get_shape()) if isinstance(t, TensorType) else None


def _f32_bits(value: float) -> np.float32:
    return np.float32(value)


# --------------------------------------------------------------------- quantizers


@functools.lru_cache(maxsize=1024)
def _quantizer_properties(scale: float, qmin: int, qmax: int) -> tuple[tuple[str, Attribute], ...]:
    """The (immutable) property attributes of a quantizer, built once per parameter set."""
    return (
        ("scale", FloatAttr(scale, f32)),
        ("qmin", IntegerAttr(qmin, i64)),
        ("qmax", IntegerAttr(qmax, i64)),
    )


class _QuantizerBase(IRDLOperation):
    scale = prop_def(FloatAttr)
    qmin = prop_def(IntegerAttr)
    qmax = prop_def(IntegerAttr)

    traits = traits_def(Pure())

    def __init__(self, value: SSAValue, scale: float, qmin: int, qmax: int, result_type: Attribute):
        Operation.__init__(
            self,
            operands=[value],
            result_types=[result_type],
            properties=dict(_quantizer_properties(float(np.float32(scale)), int(qmin), int(qmax))),
        )

    @property
    def scale_value(self) -> np.float32:
        return np.float32(self.scale.value.data)

    @property
    def bounds(self) -> tuple[int, int]:
        return int(self.qmin.value.data), int(self.qmax.value.data)

    @property
    def signed(self) -> bool:
        return self.bounds[0] < 0

    @property
    def width(self) -> int:
        return code_width(*self.bounds)

    def _verify_common(self, float_side: Attribute, int_side: Attribute) -> None:
        if not isinstance(self.scale.type, Float32Type):
            raise VerifyException(f"scale must be an f32 attribute, got {self.scale.type}")
        s = float(self.scale.value.data)
        if not (np.isfinite(s) and s > 0):
            raise VerifyException(f"scale must be positive and finite, got {s}")
        lo, hi = self.bounds
        if lo > hi:
            raise VerifyException(f"empty range: qmin {lo} > qmax {hi}")
        if _shape(float_side) != _shape(int_side):
            raise VerifyException(f"shapes differ: {float_side} and {int_side}")
        fe, ie = _element_type(float_side), _element_type(int_side)
        if not isinstance(fe, Float32Type):
            raise VerifyException(f"values must be f32, got {fe}")
        w = code_width(lo, hi)
        if not isinstance(ie, IntegerType) or ie.width.data != w:
            raise VerifyException(f"codes in range [{lo}, {hi}] must be i{w}, got {ie}")

    @classmethod
    def parse(cls, parser: Parser):
        value = parser.parse_unresolved_operand()
        parser.parse_keyword("scale")
        parser.parse_punctuation("(")
        scale = parser.parse_float()
        parser.parse_punctuation(")")
        parser.parse_keyword("range")
        parser.parse_punctuation("(")
        lo = parser.parse_integer()
        parser.parse_punctuation(",")
        hi = parser.parse_integer()
        parser.parse_punctuation(")")
        attrs = parser.parse_optional_attr_dict()
        parser.parse_punctuation(":")
        in_type = parser.parse_type()
        parser.parse_punctuation("->")
        out_type = parser.parse_type()
        op = cls(parser.resolve_operand(value, in_type), scale, lo, hi, out_type)
        op.attributes.update(attrs)
        return op

    def print(self, printer: Printer) -> None:
        lo, hi = self.bounds
        printer.print_string(" ")
        printer.print_ssa_value(self.operands[0])
        printer.print_string(f" scale({float(self.scale.value.data):.9e}) range({lo}, {hi})")
        printer.print_op_attributes(self.attributes)
        printer.print_string(" : ")
        printer.print_attribute(self.operands[0].type)
        printer.print_string(" -> ")
        printer.print_attribute(self.results[0].type)


@irdl_op_definition
class QuantizeOp(_QuantizerBase):
    """Float values to codes: clamp(round_half_even(x / scale), qmin, qmax)."""

    name = "nn.quantize"

    input = operand_def()
    output = result_def()

    def verify_(self) -> None:
        self._verify_common(self.input.type, self.output.type)


@irdl_op_definition
class DequantizeOp(_QuantizerBase):
    """Codes to float values: float32(q) * scale."""

    name = "nn.dequantize"

    input = operand_def()
    output = result_def()

    def verify_(self) -> None:
        self._verify_common(self.output.type, self.input.type)


def quantize_type(t: Attribute, width: int) -> Attribute:
    """The code type for float type `t` (a tensor of the same shape, or a scalar)."""
    if isinstance(t, TensorType):
        return tensor_type(IntegerType(width), tuple(t.get_shape()))
    return IntegerType(width)


# --------------------------------------------------------------------- partitions


@irdl_op_definition
class YieldOp(IRDLOperation):
    """Ends an `nn.partition`, `nn.partition_group` or `nn.map` body."""

    name = "nn.yield"

    values = var_operand_def()

    traits = traits_def(IsTerminator(), Pure())

    def __init__(self, *values: SSAValue):
        Operation.__init__(self, operands=values)

    assembly_format = "($values^ `:` type($values))? attr-dict"


def _parse_body_op(parser: Parser, arg_types: Sequence[Attribute]) -> Region:
    return parser.parse_region()


def _verify_block_args(block: Block, types: Sequence[Attribute], what: str) -> None:
    got = [a.type for a in block.args]
    if got != list(types):
        raise VerifyException(
            f"{what} block arguments ({', '.join(map(str, got))}) must match the operands "
            f"({', '.join(map(str, types))})"
        )


def _print_region_op(op: PartitionOp | MapOp, printer: Printer) -> None:
    """`(operands) {attrs} : (types) -> result-type region`: the form nn.partition and nn.map share."""
    printer.print_string("(")
    printer.print_list(op.inputs, printer.print_ssa_value)
    printer.print_string(")")
    printer.print_op_attributes(op.attributes)
    printer.print_string(" : (")
    printer.print_list((v.type for v in op.inputs), printer.print_attribute)
    printer.print_string(") -> ")
    printer.print_attribute(op.output.type)
    printer.print_string(" ")
    printer.print_region(op.body, print_entry_block_args=True)


@irdl_op_definition
class PartitionOp(IRDLOperation):
    """One code computed from the codes it reads by the sub-network in its region."""

    name = "nn.partition"

    inputs = var_operand_def(IntegerType)
    output = result_def(IntegerType)
    body = region_def("single_block")

    traits = traits_def(IsolatedFromAbove(), RecursiveMemoryEffect())

    def __init__(self, inputs: Sequence[SSAValue], result_type: Attribute, body: Region):
        Operation.__init__(self, operands=inputs, result_types=[result_type], regions=[body])

    def verify_(self) -> None:
        block = self.body.block
        _verify_block_args(block, [v.type for v in self.inputs], "partition")
        term = block.last_op
        if not isinstance(term, YieldOp) or len(term.values) != 1:
            raise VerifyException("partition body must end with 'nn.yield' of one code")
        t = term.values[0].type
        rt = self.output.type
        if t != rt and t != TensorType(rt, [1]):
            raise VerifyException(f"partition yields {t} but its result is {rt}")

    @classmethod
    def parse(cls, parser: Parser) -> PartitionOp:
        operands = parser.parse_comma_separated_list(
            parser.Delimiter.PAREN, parser.parse_unresolved_operand
        )
        attrs = parser.parse_optional_attr_dict()
        parser.parse_punctuation(":")
        in_types = parser.parse_comma_separated_list(parser.Delimiter.PAREN, parser.parse_type)
        parser.parse_punctuation("->")
        out_type = parser.parse_type()
        if len(in_types) != len(operands):
            parser.raise_error(f"{len(operands)} operands but {len(in_types)} types")
        resolved = parser.resolve_operands(operands, in_types, parser.pos)
        region = parser.parse_region()
        op = cls(resolved, out_type, region)
        op.attributes.update(attrs)
        return op

    def print(self, printer: Printer) -> None:
        _print_region_op(self, printer)


def _vector_len(t: Attribute, what: str) -> int:
    if not isinstance(t, TensorType) or len(t.get_shape()) != 1 or not isinstance(
        t.get_element_type(), Float32Type
    ):
        raise VerifyException(f"{what} must be a one-dimensional f32 tensor, got {t}")
    return t.get_shape()[0]


@functools.lru_cache(maxsize=4096)
def tensor_type(element: Attribute, shape: tuple[int, ...]) -> TensorType:
    """A cached `TensorType` (building one verifies its shape: ~50 µs)."""
    return TensorType(element, list(shape))


def vector_type(n: int) -> TensorType:
    return tensor_type(f32, (int(n),))


@irdl_op_definition
class GatherOp(IRDLOperation):
    """y[c] = x[indices[c]] on one-dimensional tensors."""

    name = "nn.gather"

    input = operand_def(TensorType)
    output = result_def(TensorType)
    indices = prop_def(DenseArrayBase)

    traits = traits_def(Pure())

    def __init__(self, value: SSAValue, indices: Sequence[int] | np.ndarray):
        idx = [int(i) for i in np.asarray(indices).reshape(-1)]
        Operation.__init__(
            self,
            operands=[value],
            result_types=[vector_type(len(idx))],
            properties={"indices": DenseArrayBase.from_list(i64, idx)},
        )

    def index_array(self) -> np.ndarray:
        return np.asarray(self.indices.get_values(), dtype=np.int64)

    def verify_(self) -> None:
        n = _vector_len(self.input.type, "input")
        c = _vector_len(self.output.type, "result")
        idx = self.index_array()
        if len(idx) != c:
            raise VerifyException(f"{len(idx)} indices for a result of {c} elements")
        if len(idx) and (idx.min() < 0 or idx.max() >= n):
            raise VerifyException(f"index out of range for an input of {n} elements")

    @classmethod
    def parse(cls, parser: Parser) -> GatherOp:
        value = parser.parse_unresolved_operand()
        idx = parser.parse_comma_separated_list(parser.Delimiter.SQUARE, parser.parse_integer)
        attrs = parser.parse_optional_attr_dict()
        parser.parse_punctuation(":")
        in_type = parser.parse_type()
        parser.parse_punctuation("->")
        out_type = parser.parse_type()
        op = cls(parser.resolve_operand(value, in_type), idx)
        if op.output.type != out_type:
            parser.raise_error(f"result type must be {op.output.type} for {len(idx)} indices")
        op.attributes.update(attrs)
        return op

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_ssa_value(self.input)
        printer.print_string(" [" + ", ".join(str(i) for i in self.index_array()) + "]")
        printer.print_op_attributes(self.attributes)
        printer.print_string(" : ")
        printer.print_attribute(self.input.type)
        printer.print_string(" -> ")
        printer.print_attribute(self.output.type)


@irdl_op_definition
class MapOp(IRDLOperation):
    """The scalar body applied element by element to equally long one-dimensional tensors."""

    name = "nn.map"

    inputs = var_operand_def(TensorType)
    output = result_def(TensorType)
    body = region_def("single_block")

    traits = traits_def(IsolatedFromAbove(), RecursiveMemoryEffect())

    def __init__(self, inputs: Sequence[SSAValue], length: int, body: Region):
        Operation.__init__(self, operands=inputs, result_types=[vector_type(length)], regions=[body])

    def verify_(self) -> None:
        c = _vector_len(self.output.type, "result")
        for i, v in enumerate(self.inputs):
            if _vector_len(v.type, f"operand #{i}") != c:
                raise VerifyException(f"operand #{i} has a different length than the result ({c})")
        _verify_block_args(self.body.block, [f32] * len(self.inputs), "map")
        term = self.body.block.last_op
        if not isinstance(term, YieldOp) or len(term.values) != 1 or term.values[0].type != f32:
            raise VerifyException("map body must end with 'nn.yield' of one f32")

    @classmethod
    def parse(cls, parser: Parser) -> MapOp:
        operands = parser.parse_comma_separated_list(
            parser.Delimiter.PAREN, parser.parse_unresolved_operand
        )
        attrs = parser.parse_optional_attr_dict()
        parser.parse_punctuation(":")
        in_types = parser.parse_comma_separated_list(parser.Delimiter.PAREN, parser.parse_type)
        parser.parse_punctuation("->")
        out_type = parser.parse_type()
        resolved = parser.resolve_operands(operands, in_types, parser.pos)
        region = parser.parse_region()
        if not isinstance(out_type, TensorType) or len(out_type.get_shape()) != 1:
            parser.raise_error(f"result must be a one-dimensional tensor, got {out_type}")
        op = cls(resolved, out_type.get_shape()[0], region)
        op.attributes.update(attrs)
        return op

    def print(self, printer: Printer) -> None:
        _print_region_op(self, printer)


def dense_f32(values: np.ndarray) -> DenseIntOrFPElementsAttr:
    arr = np.ascontiguousarray(values, dtype="<f4")
    return DenseIntOrFPElementsAttr(tensor_type(f32, arr.shape), BytesAttr(arr.tobytes()))


def dense_i32(values: np.ndarray) -> DenseIntOrFPElementsAttr:
    arr = np.ascontiguousarray(values, dtype="<i4")
    return DenseIntOrFPElementsAttr(tensor_type(i32, arr.shape), BytesAttr(arr.tobytes()))


def dense_array(attr: DenseIntOrFPElementsAttr) -> np.ndarray:
    """The contents of a dense f32 or i32 attribute (splats broadcast) as an array."""
    t = attr.get_type()
    elt = t.get_element_type()
    shape = tuple(t.get_shape())
    if isinstance(elt, Float32Type):
        dt = "<f4"
    elif isinstance(elt, IntegerType) and elt.width.data in (8, 16, 32, 64):
        dt = "<i%d" % (elt.width.data // 8)
    else:
        raise ValueError(f"unsupported dense element type {elt}")
    raw = np.frombuffer(attr.data.data, dtype=dt)
    n = int(np.prod(shape)) if shape else 1
    if raw.size == 1 and n != 1:
        return np.broadcast_to(raw, shape)
    return raw.reshape(shape)


@irdl_op_definition
class ContractOp(IRDLOperation):
    """acc = init[c]; acc = acc + x[indices[c, k]] * weights[c, k] for k in order."""

    name = "nn.contract"

    input = operand_def(TensorType)
    init = operand_def(TensorType)
    output = result_def(TensorType)
    weights = prop_def(DenseIntOrFPElementsAttr)
    indices = prop_def(DenseIntOrFPElementsAttr)
    fused = opt_prop_def(UnitAttr)
    bias = opt_prop_def(DenseIntOrFPElementsAttr)

    traits = traits_def(Pure())

    def __init__(
        self,
        value: SSAValue,
        init: SSAValue,
        weights: np.ndarray,
        indices: np.ndarray,
        fused: bool,
        bias: np.ndarray | None = None,
    ):
        c = np.asarray(weights).shape[0]
        props: dict[str, Attribute] = {"weights": dense_f32(weights), "indices": dense_i32(indices)}
        if fused:
            props["fused"] = UnitAttr()
        if bias is not None:
            props["bias"] = dense_f32(bias)
        Operation.__init__(self, operands=[value, init], result_types=[vector_type(c)], properties=props)

    def weight_array(self) -> np.ndarray:
        return dense_array(self.weights)

    def index_array(self) -> np.ndarray:
        return dense_array(self.indices)

    def bias_array(self) -> np.ndarray | None:
        return None if self.bias is None else dense_array(self.bias)

    def verify_(self) -> None:
        if self.bias is not None:
            bt = self.bias.get_type()
            if not isinstance(bt.get_element_type(), Float32Type) or list(bt.get_shape()) != list(
                self.output.type.get_shape()  # type: ignore[attr-defined]
            ):
                raise VerifyException(f"bias must be {self.output.type}, got {bt}")
        n = _vector_len(self.input.type, "input")
        c = _vector_len(self.output.type, "result")
        if self.init.type != self.output.type:
            raise VerifyException(f"init {self.init.type} must have the result type {self.output.type}")
        wt, it = self.weights.get_type(), self.indices.get_type()
        if not isinstance(wt.get_element_type(), Float32Type):
            raise VerifyException("weights must be f32")
        if not (isinstance(it.get_element_type(), IntegerType) and it.get_element_type().width.data == 32):
            raise VerifyException("indices must be i32")
        ws, is_ = tuple(wt.get_shape()), tuple(it.get_shape())
        if len(ws) != 2 or ws != is_ or ws[0] != c:
            raise VerifyException(
                f"weights {list(ws)} and indices {list(is_)} must both be [{c}, K]"
            )
        idx = self.index_array()
        if idx.size and (idx.min() < 0 or idx.max() >= n):
            raise VerifyException(f"index out of range for an input of {n} elements")

    @classmethod
    def parse(cls, parser: Parser) -> ContractOp:
        x = parser.parse_unresolved_operand()
        parser.parse_punctuation(",")
        init = parser.parse_unresolved_operand()
        parser.parse_keyword("weights")
        parser.parse_punctuation("(")
        w = parser.parse_attribute()
        parser.parse_punctuation(")")
        parser.parse_keyword("indices")
        parser.parse_punctuation("(")
        idx = parser.parse_attribute()
        parser.parse_punctuation(")")
        bias = None
        if parser.parse_optional_keyword("bias") is not None:
            parser.parse_punctuation("(")
            bias = parser.parse_attribute()
            parser.parse_punctuation(")")
        fused = parser.parse_optional_keyword("fused") is not None
        attrs = parser.parse_optional_attr_dict()
        parser.parse_punctuation(":")
        types = parser.parse_comma_separated_list(parser.Delimiter.PAREN, parser.parse_type)
        parser.parse_punctuation("->")
        parser.parse_type()
        if len(types) != 2:
            parser.raise_error("expected two operand types")
        xs, ini = parser.resolve_operands([x, init], types, parser.pos)
        if not isinstance(w, DenseIntOrFPElementsAttr) or not isinstance(idx, DenseIntOrFPElementsAttr):
            parser.raise_error("weights and indices must be dense attributes")
        op = cls.__new__(cls)
        props: dict[str, Attribute] = {"weights": w, "indices": idx}
        if fused:
            props["fused"] = UnitAttr()
        if bias is not None:
            if not isinstance(bias, DenseIntOrFPElementsAttr):
                parser.raise_error("bias must be a dense attribute")
            props["bias"] = bias
        IRDLOperation.__init__(op, operands=[xs, ini], result_types=[ini.type], properties=props)
        op.attributes.update(attrs)
        return op

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_ssa_value(self.input)
        printer.print_string(", ")
        printer.print_ssa_value(self.init)
        printer.print_string(" weights(")
        printer.print_attribute(self.weights)
        printer.print_string(") indices(")
        printer.print_attribute(self.indices)
        printer.print_string(")")
        if self.bias is not None:
            printer.print_string(" bias(")
            printer.print_attribute(self.bias)
            printer.print_string(")")
        if self.fused is not None:
            printer.print_string(" fused")
        printer.print_op_attributes(self.attributes)
        printer.print_string(" : (")
        printer.print_list((self.input.type, self.init.type), printer.print_attribute)
        printer.print_string(") -> ")
        printer.print_attribute(self.output.type)


def body_arrays(block: Block) -> list[tuple[np.ndarray, int | None, Operation]]:
    """The arrays of a partition body that `nn.partition_group` replaces per partition, in
    order: (array, the length it indexes or None for values, its op). The order is the one
    `lutopt.analysis.nn_enumerate.compile_partition` stacks its data in."""
    from xdsl.dialects import arith

    out: list[tuple[np.ndarray, int | None, Operation]] = []
    for op in block.ops:
        if isinstance(op, GatherOp):
            out.append((op.index_array(), _vector_len(op.input.type, "input"), op))
        elif isinstance(op, arith.ConstantOp):
            v = op.value
            if isinstance(v, DenseIntOrFPElementsAttr) and isinstance(v.get_type().get_element_type(), Float32Type):
                out.append((np.asarray(dense_array(v)).reshape(-1), None, op))
        elif isinstance(op, ContractOp):
            n = _vector_len(op.input.type, "input")
            out.append((op.weight_array(), None, op))
            out.append((op.index_array(), n, op))
            b = op.bias_array()
            if b is not None:
                out.append((b, None, op))
    return out


def _dense_any(values: np.ndarray) -> DenseIntOrFPElementsAttr:
    arr = np.asarray(values)
    if arr.dtype == np.float32:
        return dense_f32(arr)
    if arr.dtype == np.int32:
        return dense_i32(arr)
    a64 = np.ascontiguousarray(arr, dtype="<i8")
    return DenseIntOrFPElementsAttr(tensor_type(i64, a64.shape), BytesAttr(a64.tobytes()))


@irdl_op_definition
class PartitionGroupOp(IRDLOperation):
    """P partitions sharing one body, each with its own operands and arrays."""

    name = "nn.partition_group"

    inputs = var_operand_def(IntegerType)
    outputs = var_result_def(IntegerType)
    reads = prop_def(DenseIntOrFPElementsAttr)
    data = prop_def(ArrayAttr[DenseIntOrFPElementsAttr])
    body = region_def("single_block")

    traits = traits_def(IsolatedFromAbove(), RecursiveMemoryEffect())

    def __init__(
        self,
        inputs: Sequence[SSAValue],
        reads: np.ndarray,
        data: Sequence[np.ndarray],
        result_type: Attribute,
        body: Region,
    ):
        r = np.asarray(reads, dtype=np.int32)
        Operation.__init__(
            self,
            operands=inputs,
            result_types=[result_type] * r.shape[0],
            properties={"reads": dense_i32(r), "data": ArrayAttr([_dense_any(d) for d in data])},
            regions=[body],
        )

    def reads_array(self) -> np.ndarray:
        return dense_array(self.reads)

    def data_arrays(self) -> list[np.ndarray]:
        return [dense_array(d) for d in self.data.data]

    def verify_(self) -> None:
        rt = self.reads.get_type()
        r = self.reads_array()
        if not (isinstance(rt.get_element_type(), IntegerType) and rt.get_element_type().width.data == 32) or r.ndim != 2:
            raise VerifyException(f"reads must be a tensor<PxAxi32>, got {rt}")
        P, A = r.shape
        if P != len(self.outputs):
            raise VerifyException(f"reads has {P} rows for {len(self.outputs)} results")
        if P == 0:
            raise VerifyException("a partition group needs at least one partition")
        if r.size and (r.min() < 0 or r.max() >= len(self.inputs)):
            raise VerifyException(f"reads index out of range for {len(self.inputs)} operands")
        block = self.body.block
        if len(block.args) != A:
            raise VerifyException(f"the body has {len(block.args)} arguments but reads has {A} columns")
        widths = np.array([v.type.width.data for v in self.inputs], dtype=np.int64)  # type: ignore[attr-defined]
        want = np.array([a.type.width.data if isinstance(a.type, IntegerType) else -1 for a in block.args], dtype=np.int64)
        if r.size and not (widths[r] == want[None, :]).all():
            p, a = (int(i[0]) for i in np.nonzero(widths[r] != want[None, :]))
            raise VerifyException(
                f"partition {p} reads operand #{int(r[p, a])} ({self.inputs[int(r[p, a])].type}) as body "
                f"argument #{a} ({block.args[a].type})"
            )
        _verify_block_args(block, [self.inputs[int(i)].type for i in r[0]], "partition group")
        term = block.last_op
        if not isinstance(term, YieldOp) or len(term.values) != 1:
            raise VerifyException("partition group body must end with 'nn.yield' of one code")
        t = term.values[0].type
        rty = self.outputs[0].type
        if any(o.type != rty for o in self.outputs):
            raise VerifyException("all results of a partition group must have the same type")
        if t != rty and t != TensorType(rty, [1]):
            raise VerifyException(f"partition group yields {t} but its results are {rty}")
        arrays = body_arrays(block)
        data = self.data_arrays()
        if len(arrays) != len(data):
            raise VerifyException(f"the body has {len(arrays)} arrays but {len(data)} data arrays are given")
        for k, ((a, bound, op), d) in enumerate(zip(arrays, data)):
            if d.shape != (P,) + a.shape or d.dtype.kind != a.dtype.kind:
                raise VerifyException(
                    f"data #{k} must have shape {[P, *a.shape]} and the kind of '{op.name}''s array, "
                    f"got {list(d.shape)} {d.dtype}"
                )
            if not np.array_equal(d[0], a):
                raise VerifyException(f"data #{k}[0] differs from the body's own array ('{op.name}')")
            if bound is not None and d.size and (d.min() < 0 or d.max() >= bound):
                raise VerifyException(f"data #{k} has an index out of range for an input of {bound} elements")

    @classmethod
    def parse(cls, parser: Parser) -> PartitionGroupOp:
        operands = parser.parse_comma_separated_list(parser.Delimiter.PAREN, parser.parse_unresolved_operand)
        parser.parse_keyword("reads")
        parser.parse_punctuation("(")
        reads = parser.parse_attribute()
        parser.parse_punctuation(")")
        parser.parse_keyword("data")
        data = parser.parse_comma_separated_list(parser.Delimiter.PAREN, parser.parse_attribute)
        attrs = parser.parse_optional_attr_dict()
        parser.parse_punctuation(":")
        in_types = parser.parse_comma_separated_list(parser.Delimiter.PAREN, parser.parse_type)
        parser.parse_punctuation("->")
        out_type = parser.parse_type()
        if len(in_types) != len(operands):
            parser.raise_error(f"{len(operands)} operands but {len(in_types)} types")
        if not isinstance(reads, DenseIntOrFPElementsAttr) or len(reads.get_type().get_shape()) != 2:
            parser.raise_error("reads must be a dense tensor<PxAxi32>")
        if not all(isinstance(d, DenseIntOrFPElementsAttr) for d in data):
            parser.raise_error("data must be dense attributes")
        resolved = parser.resolve_operands(operands, in_types, parser.pos)
        region = parser.parse_region()
        P = reads.get_type().get_shape()[0]
        op = cls.__new__(cls)
        IRDLOperation.__init__(
            op,
            operands=[resolved],
            result_types=[[out_type] * P],
            properties={"reads": reads, "data": ArrayAttr(data)},
            regions=[region],
        )
        op.attributes.update(attrs)
        return op

    def print(self, printer: Printer) -> None:
        printer.print_string("(")
        printer.print_list(self.inputs, printer.print_ssa_value)
        printer.print_string(") reads(")
        printer.print_attribute(self.reads)
        printer.print_string(") data(")
        printer.print_list(self.data.data, printer.print_attribute)
        printer.print_string(")")
        printer.print_op_attributes(self.attributes)
        printer.print_string(" : (")
        printer.print_list((v.type for v in self.inputs), printer.print_attribute)
        printer.print_string(") -> ")
        printer.print_attribute(self.outputs[0].type)
        printer.print_string(" ")
        printer.print_region(self.body, print_entry_block_args=True)


WIDE_ATTR = "nn.wide"
"""The attribute nn-partition{wide=true} puts on a partition too wide for a table: why."""

NN = Dialect(
    "nn",
    [QuantizeOp, DequantizeOp, PartitionOp, PartitionGroupOp, YieldOp, GatherOp, MapOp, ContractOp],
    [],
)
