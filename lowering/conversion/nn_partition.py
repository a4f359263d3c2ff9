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
`max-table-bits` bits (named by the quantizer, the element and the bit count), an op
the analysis does not model inside a partition, a function argument used without a
quantizer, a result that is not the output of a quantizer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from xdsl.context import Context
from xdsl.dialects import arith, func, tensor
from xdsl.dialects.builtin import (
    FunctionType,
    IntegerType,
    ModuleOp,
    TensorType,
    f32,
)
from xdsl.ir import Block, BlockArgument, Operation, Region, SSAValue
from xdsl.passes import ModulePass

from lutopt.diagnostics import LutoptError, op_location
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
from lutopt.interpreters.structured import StructuredView, domain_points, flat_ids, reduction_order, structured_view
from lutopt.interpreters.tensor import SCALAR_OPS, constant_array, eval_body, evaluate_op, movement_ids

# --------------------------------------------------------------------- element-level model


@dataclass
class Ref:
    """Elements of a base value (`base`, flat `ids`), or constants (`base` None, `const`)."""

    base: SSAValue | None
    ids: np.ndarray
    const: np.ndarray | None = None

    def take(self, idx: np.ndarray) -> Ref:
        return Ref(self.base, self.ids[idx], None if self.const is None else self.const[idx])


@dataclass
class Map:
    op: Operation
    block: Block
    refs: list[Ref]  # one per block argument, each (n,)


@dataclass
class Contract:
    op: Operation
    x: Ref  # ids (n, K), -1 where the weight is zero
    w: np.ndarray  # (n, K) float32
    init: Ref  # (n,)
    fused: bool
    bias: np.ndarray | None = None  # (n,) float32: then + bias, rounded separately
    bias_op: Operation | None = None


@dataclass
class Mix:
    """Data movement from several origins (`torch.cat` of a computed tensor and another):
    element e comes from `refs[which[e]]`, element e (each ref has one entry per element)."""

    op: Operation
    which: np.ndarray
    refs: list[Ref]


@dataclass
class Dequant:
    op: DequantizeOp
    code: SSAValue
    ids: np.ndarray


@dataclass
class Code:
    op: QuantizeOp | None  # None for a function argument's codes (see `InputCodes`)


@dataclass
class Arg:
    index: int


@dataclass
class Bad:
    op: Operation
    message: str


Node = Map | Contract | Mix | Dequant | Code | Arg | Bad


@dataclass
class ElementModel:
    """What every value of a function is, element by element."""

    nodes: dict[SSAValue, Node] = field(default_factory=dict)
    aliases: dict[SSAValue, Ref] = field(default_factory=dict)
    consts: dict[SSAValue, np.ndarray] = field(default_factory=dict)
    order: list[SSAValue] = field(default_factory=list)  # bases in definition order

    def resolve(self, v: SSAValue) -> Ref:
        n = int(np.prod(shape_of(v))) if shape_of(v) else 1
        if v in self.consts:
            c = np.asarray(self.consts[v]).reshape(-1)
            return Ref(None, np.zeros(n, np.int64), c)
        if v in self.aliases:
            return self.aliases[v]
        return Ref(v, np.arange(n, dtype=np.int64))

    def add_node(self, v: SSAValue, node: Node) -> None:
        self.nodes[v] = node
        self.order.append(v)


def _gather_refs(refs: list[Ref], opn: np.ndarray, ids: np.ndarray, op: Operation) -> Ref:
    """Element e comes from operand opn[e], element ids[e]; all from one base (or constants)."""
    bases = {id(refs[i].base) for i in np.unique(opn)}
    if len(bases) != 1:
        if all(refs[i].base is None for i in np.unique(opn)):
            bases = {id(None)}
        else:
            raise Unsupported(f"'{op.name}' mixes values of different origins", op)
    first = refs[int(opn[0])] if len(opn) else refs[0]
    out_ids = np.zeros(len(ids), np.int64)
    out_const = None if first.base is not None else np.zeros(len(ids), np.float64)
    for i in np.unique(opn):
        sel = opn == i
        r = refs[int(i)]
        out_ids[sel] = r.ids[ids[sel]]
        if out_const is not None:
            out_const = out_const.astype(np.result_type(out_const, r.const))  # type: ignore[arg-type]
            out_const[sel] = r.const[ids[sel]]  # type: ignore[index]
    return Ref(first.base, out_ids, out_const)


def _out_order(view: StructuredView, npoints: int, dims: list[np.ndarray]) -> np.ndarray:
    """For an all-parallel op: the domain point of every output element (a permutation)."""
    out = view.outputs[0]
    oids = flat_ids(view.maps[len(view.inputs)], dims, shape_of(out), npoints)
    n = int(np.prod(shape_of(out))) if shape_of(out) else 1
    if len(oids) != n or not np.array_equal(np.sort(oids), np.arange(n)):
        raise Unsupported("an output map that is not a permutation", view.op)
    inv = np.empty(n, np.int64)
    inv[oids] = np.arange(n)
    return inv


def _model_structured(m: ElementModel, view: StructuredView, result: SSAValue) -> None:
    op = view.op
    operands = view.inputs + view.outputs
    refs = [m.resolve(v) for v in operands]
    npoints = int(np.prod(view.domain)) if view.domain else 1
    dims = domain_points(view.domain)
    ids = [flat_ids(mp, dims, shape_of(v), npoints) for v, mp in zip(operands, view.maps)]
    nin = len(view.inputs)
    if len(view.outputs) != 1:
        raise Unsupported("linalg ops with several results are not supported", op)
    if not any(view.reduction):
        point = _out_order(view, npoints, dims)
        if view.body == "copy":
            m.aliases[result] = refs[0].take(ids[0][point])
            return
        block = view.body
        assert isinstance(block, Block)
        term = block.last_op
        assert term is not None
        yielded = term.operands[0]
        if isinstance(yielded, BlockArgument) and yielded.block is block:
            k = yielded.index
            m.aliases[result] = refs[k].take(ids[k][point])
            return
        if isinstance(yielded.owner, tensor.ExtractOp) and yielded.owner.parent_block() is block:
            ext = yielded.owner
            src = ext.operands[0]
            if src not in m.consts:
                captured: dict[str, np.ndarray] = {}

                def extract(e, t, idx):
                    shp = shape_of(t)
                    flat = np.zeros(np.broadcast(*idx).shape if idx else (), np.int64)
                    for size, i in zip(shp, idx):
                        i = np.asarray(i, np.int64)
                        if np.any(i < 0) or np.any(i >= size):
                            raise Unsupported("'tensor.extract' index out of range", e)
                        flat = flat * size + i
                    captured["ids"] = np.broadcast_to(flat, (npoints,))
                    return np.zeros(npoints, np.float32)

                vals = [
                    np.full(npoints, 0.0, np.float32) if r.base is not None else r.const[i]  # type: ignore[index]
                    for r, i in zip(refs, ids)
                ]
                eval_body(
                    block,
                    vals,
                    lambda v: _outer(m, v, op),
                    index=lambda d: dims[d],
                    extract=extract,
                )
                m.aliases[result] = m.resolve(src).take(captured["ids"][point])
                return
        for a in block.args:
            if a.type != f32:
                raise Unsupported(f"element-wise body on {a.type} values is not supported", op)
        for inner in block.ops:
            if inner.name not in SCALAR_OPS and inner.name not in ("arith.constant", "linalg.yield"):
                raise Unsupported(f"'{inner.name}' is not supported inside a partition", inner)
        m.add_node(result, Map(op, block, [r.take(i[point]) for r, i in zip(refs, ids)]))
        return
    # Reductions: contractions with one constant operand, and sums.
    order = reduction_order(view)
    red = [d for d, r in enumerate(view.reduction) if r]
    k = int(np.prod([view.domain[d] for d in red]))
    npar = npoints // k
    rows = [i[order].reshape(npar, k) for i in ids]
    out_ids = rows[nin][:, 0]
    n_out = int(np.prod(shape_of(view.outputs[0])))
    if not np.array_equal(np.sort(out_ids), np.arange(n_out)):
        raise Unsupported("a reduction whose output map is not a permutation", op)
    perm = np.argsort(out_ids)
    rows = [r[perm] for r in rows]
    init = refs[nin].take(rows[nin][:, 0])
    if view.body == "matmul":
        kind, a_idx, b_idx, fused = "mul", 0, 1, True
    else:
        kind, a_idx, b_idx = _reduction_kind(view.body, op)  # type: ignore[arg-type]
        fused = False
    if kind == "sum":
        x = refs[a_idx].take(rows[a_idx])
        if x.base is None:
            raise Unsupported("a reduction of constants that was not folded", op)
        m.add_node(result, Contract(op, x, np.ones(x.ids.shape, np.float32), init, fused))
        return
    ra, rb = refs[a_idx].take(rows[a_idx]), refs[b_idx].take(rows[b_idx])
    if (ra.base is None) == (rb.base is None):
        raise Unsupported(
            "a contraction of two computed tensors (one operand must be constant weights)", op
        )
    x, w = (ra, rb) if rb.base is None else (rb, ra)
    weights = np.asarray(w.const, np.float32)
    xids = np.where(weights != 0, x.ids, -1)
    m.add_node(result, Contract(op, Ref(x.base, xids), weights, init, fused))


def _reduction_kind(block: Block, op: Operation) -> tuple[str, int, int]:
    """('mul', a, b) for `out + in_a * in_b`, ('sum', a, -1) for `out + in_a`."""
    ops = list(block.ops)
    out = block.args[-1]
    term = ops[-1]
    y = term.operands[0]
    add = y.owner
    if isinstance(add, arith.AddfOp):
        lhs, rhs = add.lhs, add.rhs
        other = rhs if lhs is out else lhs if rhs is out else None
        if other is not None:
            if isinstance(other, BlockArgument) and other.block is block:
                return "sum", other.index, -1
            mul = other.owner
            if isinstance(mul, arith.MulfOp) and all(
                isinstance(v, BlockArgument) and v.block is block for v in mul.operands
            ):
                return "mul", mul.lhs.index, mul.rhs.index  # type: ignore[union-attr]
    raise Unsupported("a reduction other than a sum or a multiply-accumulate", op)


def _outer(m: ElementModel, v: SSAValue, op: Operation) -> np.ndarray:
    if v in m.consts:
        return np.asarray(m.consts[v])
    raise Unsupported("a body that reads a computed value from outside", op)


def build_model(f: func.FuncOp, ctx: Context | None) -> ElementModel:
    m = ElementModel()
    for i, a in enumerate(f.body.block.args):
        m.add_node(a, Arg(i))
    for op in f.body.block.ops:
        if isinstance(op, func.ReturnOp):
            continue
        if isinstance(op, arith.ConstantOp):
            a = constant_array(op, ctx)
            if a is not None:
                m.consts[op.result] = a
                continue
        if isinstance(op, tensor.EmptyOp):
            m.consts[op.results[0]] = evaluate_op(op, [], ctx)[0]  # type: ignore[index]
            continue
        if isinstance(op, QuantizeOp):
            m.add_node(op.output, Code(op))
            continue
        if isinstance(op, DequantizeOp):
            owner = op.input.owner
            if not isinstance(owner, QuantizeOp):
                m.add_node(op.output, Bad(op, "'nn.dequantize' of codes that are not an 'nn.quantize' result"))
                continue
            n = int(np.prod(shape_of(op.input)))
            m.add_node(op.output, Dequant(op, op.input, np.arange(n, dtype=np.int64)))
            continue
        if not op.results:
            continue
        try:
            if op.operands and all(v in m.consts for v in op.operands):
                try:
                    vals = evaluate_op(op, [m.consts[v] for v in op.operands], ctx)
                except Unsupported:
                    vals = None  # e.g. a gather from a computed tensor
                if vals is not None:
                    for r, a in zip(op.results, vals):
                        m.consts[r] = a
                    continue
            view = structured_view(op)
            if view is not None:
                _model_structured(m, view, op.results[0])
                continue
            mv = movement_ids(op)
            if mv is not None:
                opn, ids = mv[0]
                refs = [m.resolve(v) for v in op.operands]
                used = [int(i) for i in np.unique(opn)]
                bases = {id(refs[i].base) for i in used}
                if len(bases) == 1:
                    m.aliases[op.results[0]] = _gather_refs(refs, opn, ids, op)
                else:
                    parts = []
                    for i, r in enumerate(refs):
                        sel = np.where(opn == i, ids, 0)
                        parts.append(r.take(np.minimum(sel, len(r.ids) - 1)) if len(r.ids) else r)
                    m.add_node(op.results[0], Mix(op, opn, parts))
                continue
            raise Unsupported(f"'{op.name}' is not supported inside a partition", op)
        except Unsupported as e:
            for r in op.results:
                m.add_node(r, Bad(e.op, e.message))
    _fuse_bias_adds(m, f)
    return m


def _fuse_bias_adds(m: ElementModel, f: func.FuncOp) -> None:
    """`contract + constant` (a matmul's bias) becomes one `Contract` with a bias.

    The sum is still rounded after the accumulation, as `mm + b` is; this only saves ops.
    The contraction must have no other reader.
    """
    uses: dict[int, int] = {}

    def count(r: Ref) -> None:
        if r.base is not None:
            uses[id(r.base)] = uses.get(id(r.base), 0) + 1

    for node in m.nodes.values():
        if isinstance(node, Map):
            for i, r in enumerate(node.refs):
                if node.block.args[i].uses:
                    count(r)
        elif isinstance(node, Contract):
            count(node.x)
            count(node.init)
        elif isinstance(node, Dequant):
            uses[id(node.code)] = uses.get(id(node.code), 0) + 1
        elif isinstance(node, Mix):
            for r in node.refs:
                count(r)
    ret = f.body.block.last_op
    for v in ret.operands if ret is not None else []:
        count(m.resolve(v))
    for v in list(m.nodes):
        node = m.nodes[v]
        if not isinstance(node, Map):
            continue
        ops = list(node.block.ops)
        if len(ops) != 2 or not isinstance(ops[0], arith.AddfOp):
            continue
        add = ops[0]
        if ops[1].operands[0] is not add.result:
            continue
        args = [a for a in (add.lhs, add.rhs) if isinstance(a, BlockArgument) and a.block is node.block]
        if len(args) != 2 or args[0] is args[1]:
            continue
        r0, r1 = node.refs[args[0].index], node.refs[args[1].index]
        if r0.base is None:
            r0, r1 = r1, r0
        if r0.base is None or r1.base is not None:
            continue
        c = m.nodes.get(r0.base)
        if not isinstance(c, Contract) or c.bias is not None or uses.get(id(r0.base), 0) != 1:
            continue
        rows = r0.ids  # the contraction's rows in the order of the map's elements
        m.nodes[v] = Contract(
            c.op, c.x.take(rows), c.w[rows], c.init.take(rows), c.fused, np.asarray(r1.const, np.float32), node.op
        )
        uses[id(r0.base)] = 0


# --------------------------------------------------------------------- cones


class Need:
    """Which elements of one value each output element needs: the sorted, distinct keys
    `p * numel + e` (sparse, so memory follows the cones' sizes, not outputs x elements)."""

    def __init__(self, numel: int):
        self.numel = numel
        self.keys = np.empty(0, np.int64)
        self._parts: list[np.ndarray] = []

    def add(self, p: np.ndarray, e: np.ndarray) -> None:
        if len(p):
            self._parts.append(p.astype(np.int64) * self.numel + e.astype(np.int64))

    def finish(self) -> None:
        if self._parts:
            self.keys = np.unique(np.concatenate([self.keys, *self._parts]))
            self._parts = []

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        return self.keys // self.numel, self.keys % self.numel

    def row(self, p: int) -> np.ndarray:
        """The elements output element `p` needs, sorted."""
        lo, hi = np.searchsorted(self.keys, [p * self.numel, (p + 1) * self.numel])
        return self.keys[lo:hi] - p * self.numel


@dataclass
class Cones:
    """For one quantizer: which elements of every base value each output element needs."""

    quantizer: QuantizeOp
    root: Ref
    need: dict[SSAValue, Need]
    bases: list[SSAValue]  # bases with a need, in definition order


def _numel(v: SSAValue) -> int:
    s = shape_of(v)
    return int(np.prod(s)) if s else 1


def _terms(ids: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For rows `e` of a contraction's (n, K) input ids (-1: a zero weight): for every
    non-zero term of every row, (position in `e`, input id)."""
    valid = ids >= 0
    counts = valid.sum(axis=1)
    flat = ids[valid]  # row-major: grouped by row
    starts = np.cumsum(counts) - counts
    reps = counts[e]
    which = np.repeat(np.arange(len(e)), reps)
    offset = np.arange(int(reps.sum())) - np.repeat(np.cumsum(reps) - reps, reps)
    return which, flat[np.repeat(starts[e], reps) + offset]


def compute_cones(m: ElementModel, q: QuantizeOp) -> Cones:
    root = m.resolve(q.input)
    P = _numel(q.input)
    need: dict[SSAValue, Need] = {}
    if root.base is None:
        return Cones(q, root, need, [])
    pos = {v: i for i, v in enumerate(m.order)}
    todo: list[SSAValue] = []

    def add(base: SSAValue, p: np.ndarray, e: np.ndarray) -> None:
        if base not in need:
            need[base] = Need(_numel(base))
            todo.append(base)
            todo.sort(key=lambda v: pos[v])
        need[base].add(p, e)

    add(root.base, np.arange(P), root.ids)
    done: list[SSAValue] = []
    # Walk bases from the last definition backwards: every consumer of a base comes after it.
    while todo:
        b = todo.pop()
        nb = need[b]
        nb.finish()
        if not len(nb.keys):
            continue
        done.append(b)
        p, e = nb.pairs()
        node = m.nodes[b]
        if isinstance(node, Map):
            for i, r in enumerate(node.refs):
                if r.base is not None and node.block.args[i].uses:
                    add(r.base, p, r.ids[e])
        elif isinstance(node, Contract):
            if node.x.base is not None:
                k, ids = _terms(node.x.ids, e)
                add(node.x.base, p[k], ids)
            if node.init.base is not None:
                add(node.init.base, p, node.init.ids[e])
        elif isinstance(node, Dequant):
            add(node.code, p, node.ids[e])
        elif isinstance(node, Mix):
            src = node.which[e]
            for i, r in enumerate(node.refs):
                sel = src == i
                if r.base is not None and sel.any():
                    add(r.base, p[sel], r.ids[e[sel]])
        elif isinstance(node, Code):
            pass
        elif isinstance(node, Arg):
            raise LutoptError(
                f"this quantizer's input depends on function argument #{node.index} without "
                "a quantizer in between (models must quantize their inputs)",
                q,
            )
        elif isinstance(node, Bad):
            raise LutoptError(
                f"{node.message} (inside the partition of the quantizer at {op_location(q)})",
                node.op,
            )
    done.sort(key=lambda v: pos[v])
    return Cones(q, root, need, done)


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
    f: func.FuncOp, ctx: Context | None, max_table_bits: int, all_elements: bool = False
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
        P = _numel(q.input)
        per = [[(b, c.need[b].row(p)) for b in code_bases] for p in range(P)]
        leaves[q] = [[(b, ids) for b, ids in lst if len(ids)] for lst in per]
    # Which elements are needed (backwards from the results).
    needed: dict[SSAValue, np.ndarray] = {}
    for q in quantizers:
        needed[q.output] = np.full(_numel(q.output), all_elements, np.bool_)
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
        arg_types += [IntegerType(q.width)] * _numel(a)
    new_block = Block(arg_types=arg_types)
    code_values: dict[SSAValue, list[SSAValue | None]] = {}
    k = 0
    for a in block.args:
        n = _numel(a)
        code_values[input_quantizer[a].output] = list(new_block.args[k : k + n])
        k += n
    for q in quantizers:
        vals: list[SSAValue | None] = [None] * _numel(q.output)
        code_values[q.output] = vals
        for p in np.flatnonzero(needed[q.output]):
            lv = leaves[q][p]
            bits = sum(_code_width(b) * len(ids) for b, ids in lv)
            if bits > max_table_bits:
                codes = sum(len(ids) for _, ids in lv)
                raise LutoptError(
                    f"the partition of element {_index_str(q.input, int(p))} of this quantizer "
                    f"reads {codes} codes, {bits} bits: its table would have 2^{bits} entries, "
                    f"more than max-table-bits={max_table_bits} allows (add quantizers, reduce "
                    "the fan-in, or raise max-table-bits)",
                    q,
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
            new_f = partition_function(f, ctx, self.max_table_bits, self.all_elements)
            parent = f.parent_block()
            assert parent is not None
            parent.insert_op_before(new_f, f)
            f.detach()
            f.erase()
