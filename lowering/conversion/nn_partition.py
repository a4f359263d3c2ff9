"""`nn-partition`: splits a quantized network into one `nn.partition` per output code.

Input: a `func.func` on float tensors whose quantizers have been raised
(`nn.quantize` + `nn.dequantize`, see `nn-raise-quantizers`) and whose constant
sub-graphs are folded (`nn-fold-constants`). Output: the same function on codes, one
scalar argument per element of each input tensor (row-major, the width of its
quantizer's code) and one scalar result per element of each result, made of
`nn.partition` ops.

The analysis works on elements, with arrays:
- every tensor value is described element by element: data movement (reshapes,
  transposes, broadcasts, slices, concatenations, `index_select` gathers, which
  torch-mlir prints as a `linalg.generic` around `tensor.extract`) is composed away,
  so a value is either an element-wise computation (`Map`), a contraction with a
  constant operand (`Contract`: matmul, batch_matmul, mul-add reductions), a
  dequantization of codes (`Dequant`), codes, a constant, or unsupported;
- backwards from each quantizer, a boolean matrix per value says which of its elements
  each output element needs. Contraction terms whose constant weight is zero are not
  dependencies, so masks multiplied into weights (folded before) and per-partition
  weight tensors (NeuraLUT's batched einsum) give exactly the sparse connectivity;
- each output element becomes an `nn.partition` whose operands are the codes it needs
  and whose region is the needed part of the sub-network, on one-dimensional tensors
  (`nn.gather`, `nn.map`, `nn.contract`, see `dialects/nn.py`).

Errors (located, exit status 1): a partition whose table would be indexed by more than
`max-table-bits` bits (named by the quantizer, the element and the bit count; with
`wide=true` such a partition is kept, with the attribute `nn.wide` saying so, for
`convert-nn-to-arith`), an op
the analysis does not model inside a partition, a function argument used without a
quantizer, a result that is not the output of a quantizer.

The element model is `lutopt.analysis.nn_partition_model` (`build_model`) and the cones
`lutopt.analysis.nn_cones` (`compute_cones`); this module builds the partitions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects import arith, func, tensor
from xdsl.dialects.builtin import (
    FunctionType,
    StringAttr,
    IntegerType,
    ModuleOp,
    TensorType,
)
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass

from lutopt.analysis.nn_cones import Cones, compute_cones, numel
from lutopt.analysis.nn_partition_model import Code, Contract, Dequant, ElementModel, Map, Mix, Ref, build_model
from lutopt.ir.layer import layer_name, set_layer
from lutopt.diagnostics import LutoptError
from lutopt.dialects.nn import WIDE_ATTR
from lutopt.dialects.nn import (
    ContractOp,
    DequantizeOp,
    GatherOp,
    MapOp,
    PartitionOp,
    QuantizeOp,
    YieldOp,
    dense_f32,
    tensor_type,
    vector_type,
)
from lutopt.interpreters.common import Unsupported, shape_of

# --------------------------------------------------------------------- building partitions


def _code_width(v: SSAValue) -> int:
    t = v.type
    elt = t.get_element_type() if isinstance(t, TensorType) else t
    assert isinstance(elt, IntegerType)
    return elt.width.data


def _index_str(v: SSAValue, flat: int) -> str:
    shp = shape_of(v)
    return "(" + ", ".join(str(int(i)) for i in np.unravel_index(flat, shp)) + ")" if shp else "()"


def _clone_body(block: Block, keep: list[int]) -> Region:
    """A copy of a linalg body as an isolated `nn.map` body (outer constants cloned in),
    with the block arguments `keep` only (the others are not read)."""
    region = Region(Block(arg_types=[block.args[i].type for i in keep]))
    new = region.block
    mapping: dict[SSAValue, SSAValue] = {block.args[i]: a for i, a in zip(keep, new.args)}
    for op in block.ops:
        for v in op.operands:
            if v not in mapping:
                owner = v.owner
                if not isinstance(owner, arith.ConstantOp):
                    raise Unsupported("a body that reads a computed value from outside", op)
                c = owner.clone()
                new.add_op(c)
                mapping[v] = c.result
        if op.name == "linalg.yield":
            new.add_op(YieldOp(*[mapping[v] for v in op.operands]))
            continue
        c = op.clone(value_mapper=mapping)  # type: ignore[arg-type]
        new.add_op(c)
        for a, b in zip(op.results, c.results):
            mapping[a] = b
    return region


class _Builder:
    """Builds the region of one partition."""

    def __init__(self, m: ElementModel, cones: Cones, p: int, leaves: list[tuple[SSAValue, np.ndarray]]):
        self.m, self.cones, self.p = m, cones, p
        types = [IntegerType(_code_width(c)) for c, ids in leaves for _ in ids]
        self.block = Block(arg_types=types)
        self.vec: dict[SSAValue, tuple[SSAValue, np.ndarray]] = {}
        self.codes: dict[SSAValue, tuple[SSAValue, np.ndarray]] = {}
        self.consts: dict[bytes, SSAValue] = {}
        k = 0
        for c, ids in leaves:
            args = self.block.args[k : k + len(ids)]
            k += len(ids)
            fe = tensor.FromElementsOp.create(
                operands=args, result_types=[tensor_type(IntegerType(_code_width(c)), (len(ids),))]
            )
            self.block.add_op(fe)
            self.codes[c] = (fe.results[0], ids)

    def add(self, op: Operation) -> SSAValue:
        self.block.add_op(op)
        return op.results[0]

    def const(self, values: np.ndarray) -> SSAValue:
        v = np.ascontiguousarray(values, np.float32)
        key = v.tobytes()
        if key not in self.consts:
            attr = dense_f32(v)
            self.consts[key] = self.add(
                arith.ConstantOp.create(properties={"value": attr}, result_types=[attr.get_type()])
            )
        return self.consts[key]

    def vector(self, ref: Ref) -> SSAValue:
        """The elements `ref` (ids (C,)) as a one-dimensional tensor."""
        if ref.base is None:
            return self.const(ref.const)  # type: ignore[arg-type]
        v, e = self.vec[ref.base]
        pos = np.searchsorted(e, ref.ids)
        if len(pos) == len(e) and np.array_equal(pos, np.arange(len(e))):
            return v
        return self.add(GatherOp(v, pos))

    def node(self, b: SSAValue) -> None:
        node = self.m.nodes[b]
        E = self.cones.need[b].row(self.p)
        if isinstance(node, Dequant):
            cv, ce = self.codes[node.code]
            d = DequantizeOp(cv, float(node.op.scale_value), *node.op.bounds, vector_type(len(ce)))
            d.location = node.op.location
            v = self.add(d)
            pos = np.searchsorted(ce, node.ids[E])
            if not (len(pos) == len(ce) and np.array_equal(pos, np.arange(len(ce)))):
                v = self.add(GatherOp(v, pos))
            self.vec[b] = (v, E)
        elif isinstance(node, Map):
            keep = [i for i, a in enumerate(node.block.args) if a.uses]
            operands = [self.vector(node.refs[i].take(E)) for i in keep]
            mop = MapOp(operands, len(E), _clone_body(node.block, keep))
            mop.location = node.op.location
            self.vec[b] = (self.add(mop), E)
        elif isinstance(node, Contract):
            X, W = node.x.ids[E], node.w[E]
            valid = (X >= 0) & (W != 0)
            kp = max(1, int(valid.sum(axis=1).max()) if len(E) else 1)
            order = np.argsort(~valid, axis=1, kind="stable")[:, :kp]
            X = np.take_along_axis(X, order, axis=1)
            W = np.take_along_axis(W, order, axis=1)
            valid = np.take_along_axis(valid, order, axis=1)
            assert node.x.base is not None
            if node.x.base in self.vec:
                xv, xe = self.vec[node.x.base]
            else:  # no term with a non-zero weight: the result is the init
                xv, xe = self.const(np.zeros(1, np.float32)), np.zeros(1, np.int64)
            idx = np.where(valid, np.searchsorted(xe, np.where(valid, X, 0)), 0)
            W = np.where(valid, W, np.float32(0))
            init = self.vector(node.init.take(E))
            bias = None if node.bias is None else node.bias[E]
            c = ContractOp(xv, init, W, idx, node.fused, bias)
            c.location = node.op.location
            self.vec[b] = (self.add(c), E)
        elif isinstance(node, Mix):
            which = node.which[E]
            order = np.argsort(which, kind="stable")
            pieces = [self.vector(node.refs[i].take(E[which == i])) for i in np.unique(which)]
            if len(pieces) == 1:
                v = pieces[0]
            else:
                v = self.add(tensor.ConcatOp(pieces, 0, vector_type(len(E))))
                v.owner.location = node.op.location  # type: ignore[union-attr]
            inverse = np.empty(len(E), np.int64)
            inverse[order] = np.arange(len(E))
            if not np.array_equal(inverse, np.arange(len(E))):
                v = self.add(GatherOp(v, inverse))
            self.vec[b] = (v, E)
        else:  # pragma: no cover - cones only hold the kinds above
            raise AssertionError(node)

    def finish(self, q: QuantizeOp) -> Region:
        root = self.cones.root
        v = self.vector(root.take(np.array([self.p])))
        w = q.width
        qo = QuantizeOp(v, float(q.scale_value), *q.bounds, tensor_type(IntegerType(w), (1,)))
        qo.location = q.location
        self.add(qo)
        self.block.add_op(YieldOp(qo.output))
        return Region(self.block)


_RESHAPES = ("tensor.expand_shape", "tensor.collapse_shape", "tensor.reshape", "tensor.cast")


def partition_function(
    f: func.FuncOp, ctx: Context | None, max_table_bits: int, all_elements: bool = False, wide: bool = False
) -> func.FuncOp:
    m = build_model(f, ctx)
    block = f.body.block
    # Inputs: every argument is read by exactly one quantizer.
    input_quantizer: dict[SSAValue, QuantizeOp] = {}
    for i, a in enumerate(block.args):
        v: SSAValue = a
        while True:  # reshapes (row-major, element order unchanged) may come first
            users = [u.operation for u in v.uses]
            if not users:
                raise LutoptError(f"function argument #{i} is not used (inputs must be quantized)", f)
            u = users[0]
            if len(users) == 1 and u.name in _RESHAPES:
                v = u.results[0]
                continue
            if len(users) != 1 or not isinstance(u, QuantizeOp):
                raise LutoptError(
                    f"function argument #{i} is used without a quantizer (the model must start "
                    "with a quantizer on each input)",
                    next((w for w in users if not isinstance(w, QuantizeOp)), u),
                )
            break
        input_quantizer[a] = u  # type: ignore[assignment]
    # Outputs: every result is, element by element, a dequantized code.
    ret = block.last_op
    assert isinstance(ret, func.ReturnOp)
    outputs: list[tuple[SSAValue, np.ndarray]] = []

    def codes_of(r: Ref, i: int) -> list[tuple[SSAValue, np.ndarray]]:
        """The code elements that the elements `r` are (dequantized), in order."""
        node = m.nodes.get(r.base) if r.base is not None else None
        if isinstance(node, Dequant):
            return [(node.code, node.ids[r.ids])]
        if isinstance(node, Code):
            return [(r.base, r.ids)]  # type: ignore[list-item]
        if isinstance(node, Mix):  # e.g. torch.cat of several quantized outputs
            return [c for e in r.ids for c in codes_of(node.refs[int(node.which[e])].take(np.array([e])), i)]
        raise LutoptError(
            f"result #{i} is not the output of a quantizer (the model must end with a quantizer)",
            ret,
        )

    for i, v in enumerate(ret.operands):
        outputs += codes_of(m.resolve(v), i)
    quantizers = [op for op in block.ops if isinstance(op, QuantizeOp) and op not in input_quantizer.values()]
    # Cones and leaves for every element of every quantizer.
    cones: dict[QuantizeOp, Cones] = {}
    leaves: dict[QuantizeOp, list[list[tuple[SSAValue, np.ndarray]]]] = {}
    for q in quantizers:
        c = compute_cones(m, q)
        cones[q] = c
        code_bases = [b for b in c.bases if isinstance(m.nodes[b], Code)]
        P = numel(q.input)
        per = [[(b, c.need[b].row(p)) for b in code_bases] for p in range(P)]
        leaves[q] = [[(b, ids) for b, ids in lst if len(ids)] for lst in per]
    # Which elements are needed (backwards from the results).
    needed: dict[SSAValue, np.ndarray] = {}
    for q in quantizers:
        needed[q.output] = np.full(numel(q.output), all_elements, np.bool_)
    for code, ids in outputs:
        if code in needed:
            needed[code][ids] = True
    for q in reversed(quantizers):
        for p in np.flatnonzero(needed[q.output]):
            for b, ids in leaves[q][p]:
                if b in needed:
                    needed[b][ids] = True
    # The new function.
    arg_types: list[IntegerType] = []
    for a in block.args:
        q = input_quantizer[a]
        arg_types += [IntegerType(q.width)] * numel(a)
    new_block = Block(arg_types=arg_types)
    code_values: dict[SSAValue, list[SSAValue | None]] = {}
    k = 0
    for a in block.args:
        n = numel(a)
        code_values[input_quantizer[a].output] = list(new_block.args[k : k + n])
        k += n
    layer = 0  # the quantizers with a needed element, in program order, are the layers
    for q in quantizers:
        layer += bool(needed[q.output].any())
        vals: list[SSAValue | None] = [None] * numel(q.output)
        code_values[q.output] = vals
        for p in np.flatnonzero(needed[q.output]):
            lv = leaves[q][p]
            bits = sum(_code_width(b) * len(ids) for b, ids in lv)
            too_wide = None
            if bits > max_table_bits:
                codes = sum(len(ids) for _, ids in lv)
                too_wide = (
                    f"the partition of element {_index_str(q.input, int(p))} of this quantizer "
                    f"reads {codes} codes, {bits} bits: its table would have 2^{bits} entries, "
                    f"more than max-table-bits={max_table_bits} allows"
                )
                if not wide:
                    raise LutoptError(
                        too_wide + " (add quantizers, reduce the fan-in, or raise max-table-bits)", q
                    )
            b = _Builder(m, cones[q], int(p), lv)
            try:
                for base in cones[q].bases:
                    if isinstance(m.nodes[base], Code) or not len(cones[q].need[base].row(p)):
                        continue
                    b.node(base)
            except Unsupported as e:
                raise LutoptError(e.message, e.op)
            region = b.finish(q)
            operands = []
            for c, ids in lv:
                for i in ids:
                    v = code_values[c][int(i)]
                    assert v is not None
                    operands.append(v)
            part = PartitionOp(operands, IntegerType(q.width), region)
            part.location = q.location
            set_layer(part, layer_name(layer))
            if too_wide is not None:
                part.attributes[WIDE_ATTR] = StringAttr(too_wide)
            new_block.add_op(part)
            vals[int(p)] = part.output
    results: list[SSAValue] = []
    for code, ids in outputs:
        for i in ids:
            v = code_values[code][int(i)]
            assert v is not None
            results.append(v)
    new_block.add_op(func.ReturnOp(*results))
    new_f = func.FuncOp(f.sym_name.data, FunctionType.from_lists(arg_types, [r.type for r in results]), Region(new_block))
    new_f.location = f.location
    return new_f


@dataclass(frozen=True)
class NnPartition(ModulePass):
    """Splits every function of quantized tensors into `nn.partition` ops on codes."""

    name = "nn-partition"

    max_table_bits: int = 20
    all_elements: bool = False
    """Also make partitions for elements no result depends on (dead neurons); they are
    absorbed into tables nothing reads (for benchmarks that count every neuron)."""
    wide: bool = False
    """Keep partitions too wide for a table (attribute `nn.wide` says why) for
    convert-nn-to-arith, instead of failing (nn-to-lut sets it)."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if self.max_table_bits < 0 or self.max_table_bits > 30:
            raise LutoptError(f"nn-partition: max-table-bits must be between 0 and 30, got {self.max_table_bits}")
        for f in list(op.ops):
            if not isinstance(f, func.FuncOp) or not f.body.blocks:
                continue
            if not any(isinstance(o, QuantizeOp) for o in f.body.block.ops):
                if any(isinstance(a.type, TensorType) for a in f.body.block.args):
                    raise LutoptError(
                        "no quantizer found in this function (run nn-raise-quantizers first; the "
                        "model must start and end with quantizers)",
                        f,
                    )
                continue
            new_f = partition_function(f, ctx, self.max_table_bits, self.all_elements, self.wide)
            parent = f.parent_block()
            assert parent is not None
            parent.insert_op_before(new_f, f)
            f.detach()
            f.erase()
