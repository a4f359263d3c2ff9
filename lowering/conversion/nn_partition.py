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
  (`nn.gather`, `nn.map`, `nn.contract`, see `dialects/nn.py`);
- with `group=true` (what nn-to-lut runs), the elements of a quantizer whose partitions
  have the same structure (a layer's neurons: the same ops and shapes, their own weights,
  gathers and operands) become one `nn.partition_group`: the body is built once, and
  the other partitions are only recorded as arrays (`_RecordOut`) and stacked. A layer
  is then one op instead of P regions of ~30 ops (creating and verifying those cost
  about 2 ms per partition).

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

import functools
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
    PartitionGroupOp,
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


@functools.lru_cache(maxsize=None)
def _int_type(width: int) -> IntegerType:
    """A cached `IntegerType` (building one verifies it: ~20 µs, per operand per partition)."""
    return IntegerType(width)


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


class _XdslOut:
    """Builds the region of one partition as xDSL ops (see `_Builder`)."""

    def __init__(self, arg_types: list[IntegerType]):
        self.block = Block(arg_types=arg_types)

    def add(self, op: Operation, loc=None) -> SSAValue:
        if loc is not None:
            op.location = loc
        self.block.add_op(op)
        return op.results[0]

    def codes(self, first: int, n: int, width: int) -> SSAValue:
        args = self.block.args[first : first + n]
        return self.add(tensor.FromElementsOp.create(operands=args, result_types=[tensor_type(IntegerType(width), (n,))]))

    def dequant(self, v: SSAValue, scale: float, lo: int, hi: int, n: int, loc) -> SSAValue:
        return self.add(DequantizeOp(v, scale, lo, hi, vector_type(n)), loc)

    def gather(self, v: SSAValue, pos: np.ndarray) -> SSAValue:
        return self.add(GatherOp(v, pos))

    def const(self, values: np.ndarray) -> SSAValue:
        attr = dense_f32(values)
        return self.add(arith.ConstantOp.create(properties={"value": attr}, result_types=[attr.get_type()]))

    def map(self, operands: list[SSAValue], length: int, block: Block, keep: list[int], loc) -> SSAValue:
        return self.add(MapOp(operands, length, _clone_body(block, keep)), loc)

    def contract(self, x, init, W, idx, fused, bias, loc) -> SSAValue:
        return self.add(ContractOp(x, init, W, idx, fused, bias), loc)

    def concat(self, pieces: list[SSAValue], n: int, loc) -> SSAValue:
        return self.add(tensor.ConcatOp(pieces, 0, vector_type(n)), loc)

    def finish(self, v: SSAValue, q: QuantizeOp) -> Region:
        qo = QuantizeOp(v, float(q.scale_value), *q.bounds, tensor_type(IntegerType(q.width), (1,)))
        self.add(qo, q.location)
        self.block.add_op(YieldOp(qo.output))
        return Region(self.block)


class _RecordOut:
    """Records one partition as a structure key and its arrays, without building ops, in
    the order `_XdslOut` builds them (so the arrays are the ones `body_arrays` lists)."""

    def __init__(self, arg_types: list[IntegerType]):
        self.items: list[tuple] = [tuple(t.width.data for t in arg_types)]
        self.data: list[np.ndarray] = []

    def _new(self, item: tuple) -> int:
        """Adds a value; its handle is its number (items[0] holds the operand widths)."""
        self.items.append(item)
        return len(self.items) - 2

    def codes(self, first: int, n: int, width: int) -> int:
        return self._new(("codes", first, n, width))

    def dequant(self, v: int, scale: float, lo: int, hi: int, n: int, loc) -> int:
        return self._new(("dequant", v, float(scale), lo, hi, n))

    def gather(self, v: int, pos: np.ndarray) -> int:
        self.data.append(np.asarray(pos, np.int64))
        return self._new(("gather", v, len(pos)))

    def const(self, values: np.ndarray) -> int:
        self.data.append(np.ascontiguousarray(values, np.float32).reshape(-1))
        return self._new(("const", values.shape))

    def map(self, operands: list[int], length: int, block: Block, keep: list[int], loc) -> int:
        return self._new(("map", tuple(operands), id(block), tuple(keep), length))

    def contract(self, x, init, W, idx, fused, bias, loc) -> int:
        self.data.append(np.ascontiguousarray(W, np.float32))
        self.data.append(np.ascontiguousarray(idx, np.int32))
        if bias is not None:
            self.data.append(np.ascontiguousarray(bias, np.float32))
        return self._new(("contract", x, init, W.shape, bool(fused), bias is not None))

    def concat(self, pieces: list[int], n: int, loc) -> int:
        return self._new(("concat", tuple(pieces), n))

    def finish(self, v: int, q: QuantizeOp) -> tuple:
        self.items.append(("quantize", v))
        return tuple(self.items)


class _Builder:
    """Builds one partition through `out`: its region (`_XdslOut`) or its structure and
    arrays (`_RecordOut`)."""

    def __init__(self, m: ElementModel, cones: Cones, p: int, leaves: list[tuple[SSAValue, np.ndarray]], out):
        self.m, self.cones, self.p = m, cones, p
        types = [_int_type(_code_width(c)) for c, ids in leaves for _ in ids]
        self.out = out(types)
        self.vec: dict[SSAValue, tuple[object, np.ndarray]] = {}
        self.codes: dict[SSAValue, tuple[object, np.ndarray]] = {}
        self.consts: dict[bytes, object] = {}
        k = 0
        for c, ids in leaves:
            self.codes[c] = (self.out.codes(k, len(ids), _code_width(c)), ids)
            k += len(ids)

    def const(self, values: np.ndarray):
        v = np.ascontiguousarray(values, np.float32)
        key = v.tobytes()
        if key not in self.consts:
            self.consts[key] = self.out.const(v)
        return self.consts[key]

    def vector(self, ref: Ref):
        """The elements `ref` (ids (C,)) as a one-dimensional tensor."""
        if ref.base is None:
            return self.const(ref.const)  # type: ignore[arg-type]
        v, e = self.vec[ref.base]
        pos = np.searchsorted(e, ref.ids)
        if len(pos) == len(e) and np.array_equal(pos, np.arange(len(e))):
            return v
        return self.out.gather(v, pos)

    def node(self, b: SSAValue) -> None:
        node = self.m.nodes[b]
        E = self.cones.need[b].row(self.p)
        out = self.out
        if isinstance(node, Dequant):
            cv, ce = self.codes[node.code]
            v = out.dequant(cv, float(node.op.scale_value), *node.op.bounds, len(ce), node.op.location)
            pos = np.searchsorted(ce, node.ids[E])
            if not (len(pos) == len(ce) and np.array_equal(pos, np.arange(len(ce)))):
                v = out.gather(v, pos)
            self.vec[b] = (v, E)
        elif isinstance(node, Map):
            keep = [i for i, a in enumerate(node.block.args) if a.uses]
            operands = [self.vector(node.refs[i].take(E)) for i in keep]
            self.vec[b] = (out.map(operands, len(E), node.block, keep, node.op.location), E)
        elif isinstance(node, Contract):
            X, W = node.x.ids[E], node.w[E]
            valid = (X >= 0) & (W != 0)
            dense = X.size > 0 and bool(valid.all())  # every term kept: no reordering
            if not dense:
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
            if dense:
                idx = np.searchsorted(xe, X)
            else:
                idx = np.where(valid, np.searchsorted(xe, np.where(valid, X, 0)), 0)
                W = np.where(valid, W, np.float32(0))
            init = self.vector(node.init.take(E))
            bias = None if node.bias is None else node.bias[E]
            self.vec[b] = (out.contract(xv, init, W, idx, node.fused, bias, node.op.location), E)
        elif isinstance(node, Mix):
            which = node.which[E]
            order = np.argsort(which, kind="stable")
            pieces = [self.vector(node.refs[i].take(E[which == i])) for i in np.unique(which)]
            if len(pieces) == 1:
                v = pieces[0]
            else:
                v = out.concat(pieces, len(E), node.op.location)
            inverse = np.empty(len(E), np.int64)
            inverse[order] = np.arange(len(E))
            if not np.array_equal(inverse, np.arange(len(E))):
                v = out.gather(v, inverse)
            self.vec[b] = (v, E)
        else:  # pragma: no cover - cones only hold the kinds above
            raise AssertionError(node)

    def build(self, q: QuantizeOp):
        """Every node of the partition's cone, then its quantizer: `out.finish`'s result."""
        for base in self.cones.bases:
            if isinstance(self.m.nodes[base], Code) or not len(self.cones.need[base].row(self.p)):
                continue
            self.node(base)
        root = self.cones.root
        return self.out.finish(self.vector(root.take(np.array([self.p]))), q)


def _code_list(lv: list[tuple[SSAValue, np.ndarray]], code_values: dict[SSAValue, list[SSAValue | None]]) -> list[SSAValue]:
    """The scalar values of the elements `ids` of each code `c` of `lv`, in order (a
    partition's operands, the function's results)."""
    operands = []
    for c, ids in lv:
        for i in ids:
            v = code_values[c][int(i)]
            assert v is not None
            operands.append(v)
    return operands


def _add_group(
    m: ElementModel,
    cones: Cones,
    q: QuantizeOp,
    leaves: list[list[tuple[SSAValue, np.ndarray]]],
    members: list[tuple[int, list[SSAValue], list[np.ndarray]]],
    layer: int,
    block: Block,
    vals: list[SSAValue | None],
) -> None:
    """The partitions `members` of one structure (p, operands, arrays): one `nn.partition`,
    or one `nn.partition_group` whose body is the first member's."""
    p0, ops0, _ = members[0]
    region = _Builder(m, cones, p0, leaves[p0], _XdslOut).build(q)
    if len(members) == 1:
        op: Operation = PartitionOp(ops0, IntegerType(q.width), region)
    else:
        index: dict[SSAValue, int] = {}
        operands: list[SSAValue] = []
        reads = np.empty((len(members), len(ops0)), np.int32)
        for j, (_, ops, _) in enumerate(members):
            for a, v in enumerate(ops):
                k = index.get(v)
                if k is None:
                    k = index[v] = len(operands)
                    operands.append(v)
                reads[j, a] = k
        data = [np.stack([mem[2][k] for mem in members]) for k in range(len(members[0][2]))]
        op = PartitionGroupOp(operands, reads, data, IntegerType(q.width), region)
    op.location = q.location
    set_layer(op, layer_name(layer))
    block.add_op(op)
    for j, (p, _, _) in enumerate(members):
        vals[p] = op.results[j]


_RESHAPES = ("tensor.expand_shape", "tensor.collapse_shape", "tensor.reshape", "tensor.cast")


def partition_function(
    f: func.FuncOp,
    ctx: Context | None,
    max_table_bits: int,
    all_elements: bool = False,
    wide: bool = False,
    group: bool = False,
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
        groups: dict[tuple, list[tuple[int, list[SSAValue], list[np.ndarray]]]] = {}
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
            try:
                if group and too_wide is None:
                    rb = _Builder(m, cones[q], int(p), lv, _RecordOut)
                    key = rb.build(q)
                    groups.setdefault(key, []).append((int(p), _code_list(lv, code_values), rb.out.data))
                    continue
                region = _Builder(m, cones[q], int(p), lv, _XdslOut).build(q)
            except Unsupported as e:
                raise LutoptError(e.message, e.op)
            part = PartitionOp(_code_list(lv, code_values), IntegerType(q.width), region)
            part.location = q.location
            set_layer(part, layer_name(layer))
            if too_wide is not None:
                part.attributes[WIDE_ATTR] = StringAttr(too_wide)
            new_block.add_op(part)
            vals[int(p)] = part.output
        for members in groups.values():
            _add_group(m, cones[q], q, leaves[q], members, layer, new_block, vals)
    results = _code_list(outputs, code_values)
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
    group: bool = False
    """Partitions of a quantizer computed by the same sub-network (a layer's neurons) become
    one `nn.partition_group` (one body, the partitions' arrays stacked) instead of one
    `nn.partition` region each: far fewer ops for large layers (nn-to-lut sets it)."""

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
            new_f = partition_function(f, ctx, self.max_table_bits, self.all_elements, self.wide, self.group)
            parent = f.parent_block()
            assert parent is not None
            parent.insert_op_before(new_f, f)
            f.detach()
            f.erase()
