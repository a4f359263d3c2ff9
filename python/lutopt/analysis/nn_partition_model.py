"""The element model behind `nn-partition`: what every value of a function is, element by
element (`build_model(f, ctx) -> ElementModel`).

Data movement (reshapes, transposes, broadcasts, slices, concatenations, `index_select`
gathers, which torch-mlir prints as a `linalg.generic` around `tensor.extract`) is
composed away, so a value is either an element-wise computation (`Map`), a contraction
with a constant operand (`Contract`: matmul, batch_matmul, mul-add reductions), data
movement from several origins (`Mix`), a dequantization of codes (`Dequant`), codes
(`Code`), a function argument (`Arg`), a constant, or unsupported (`Bad`, with the
reason). Elements are referred to by `Ref`s (a base value and flat element ids, or
constants). The cones of each quantizer are computed on this model
(`lutopt.analysis.nn_cones`); the pass is `lowering/conversion/nn_partition.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from xdsl.context import Context
from xdsl.dialects import arith, func, tensor
from xdsl.dialects.builtin import f32
from xdsl.ir import Block, BlockArgument, Operation, SSAValue

from lutopt.dialects.nn import DequantizeOp, QuantizeOp
from lutopt.interpreters.common import Unsupported, shape_of
from lutopt.interpreters.structured import StructuredView, domain_points, flat_ids, reduction_order, structured_view
from lutopt.interpreters.tensor import SCALAR_OPS, constant_array, eval_body, evaluate_op, movement_ids

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
