"""A logic network read from torch-mlir's output: symbolic evaluation over netlist nodes.

`read_logic_network(func, ctx, max_inputs)` evaluates a function at the tensor level
(what torch-mlir prints) on arrays whose elements are small Boolean functions of netlist
nodes (`lutopt.analysis.logic_tables`), one op at a time and all elements of a tensor at
once, and returns a `LogicNetwork`: the gate netlist, the input ports (thermometer codes)
and the output ports (bits, GroupSum counts, argmax class indices).

What each value may be:
- `Tables`: every element a function of at most `max_inputs` nodes (constants have none);
- `Real`: elements of a function argument, not yet binarised; they may only move
  (reshapes, slices, gathers) and be compared with constants (`cmpf`): each comparison
  `x > t` (or `>=`, `<`, `<=`) with a constant t is a thermometer bit of that input
  element, a new input node;
- `Count`: a sum of binary values (GroupSum), as literals per element and a scale (the
  product of the constant factors applied after the sum, e.g. 1 / tau);
- `ArgMax`: the index of the largest count over groups (lowest index on ties).

Data movement (reshapes, slices, concatenations, transposes, broadcasts, gathers by
constant indices inside a `linalg.generic`, `tm_tensor.scatter`) moves elements. An
elementwise `linalg.generic` is evaluated on the 2^u assignments of the nodes its
operands depend on (u <= max_inputs; binary operands become gates first when u would be
larger). A reduction is evaluated the same way term by term when its result depends on
few nodes; a sum of many binary terms becomes a `Count`. Values read through a gather
(`tensor.extract` of a computed tensor) become gates first: that is where a network's
connections are, so every node of the model becomes one gate or table of its inputs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from xdsl.context import Context
from xdsl.dialects import arith, func, tensor
from xdsl.dialects.builtin import TensorType
from xdsl.ir import Block, Operation, SSAValue

from lutopt.analysis.logic_tables import (
    Arena,
    Tables,
    canonical,
    concat_rows,
    expand,
    materialize,
    union_vars,
)
from lutopt.interpreters.common import Unsupported, numpy_dtype, shape_of
from lutopt.interpreters.tensor import (
    SCALAR_OPS,
    attr_array,
    cmpf_predicate,
    constant_array,
    evaluate_op,
    movement_ids,
)
from lutopt.interpreters.structured import domain_points, flat_ids, structured_view
from lutopt.ir.comb import icmp_predicate

from lutopt.analysis.logic_reductions import ReductionsMixin
from lutopt.analysis.logic_values import (
    ArgMax,
    Count,
    InputPort,
    LogicNetwork,
    NotLogic,
    Real,
    err as _err,
)


class _Reader(ReductionsMixin):
    def __init__(self, fn: func.FuncOp, ctx: Context | None, max_inputs: int):
        self.fn = fn
        self.ctx = ctx
        self.max_inputs = max_inputs
        self.arena = Arena()
        self.env: dict[SSAValue, object] = {}
        self.inputs = [InputPort(tuple(shape_of(a))) for a in fn.body.block.args]
        for p in self.inputs:
            p.thresholds = [{} for _ in range(int(np.prod(p.shape)))]
        self.gathered: dict[SSAValue, Tables] = {}  # materialised values (gather sources)

    # ----------------------------------------------------------------- driver

    def run(self) -> LogicNetwork:
        block = self.fn.body.block
        for i, a in enumerate(block.args):
            if not isinstance(a.type, TensorType):
                raise NotLogic(f"argument {i} is not a tensor")
            shp = tuple(shape_of(a))
            self.env[a] = Real(i, np.arange(int(np.prod(shp)), dtype=np.int64), shp)
        outputs: list = []
        ret: Operation | None = None
        for op in block.ops:
            if isinstance(op, func.ReturnOp):
                ret = op
                outputs = [self.value(v, op) for v in op.operands]
                break
            self.visit(op)
        if ret is None:
            raise NotLogic("no return")
        if any(isinstance(o, Real) for o in outputs):
            raise NotLogic("an input reaches a result")
        if not any(p.levels for p in self.inputs):
            raise NotLogic("no thresholds")
        checked = []
        for k, o in enumerate(outputs):
            if isinstance(o, Tables):
                bad = ~o.binary_rows()
                if bad.any():
                    e = int(np.flatnonzero(bad)[0])
                    raise _err(
                        f"result #{k} element {e} is not binary (values {np.unique(o.table[e])[:8].tolist()}): a logic "
                        "network's results are bits, GroupSum counts or an argmax", ret)
                o = materialize(self.arena, o)
            checked.append(o)
        return LogicNetwork(self.arena, self.inputs, checked, [ret])

    def value(self, v: SSAValue, user: Operation):
        r = self.env.get(v)
        if r is None:
            arr = constant_array(v, self.ctx)
            if arr is None:
                raise _err(f"'{user.name}' reads a value the logic path does not model", user)
            r = Tables.constant(arr)
            self.env[v] = r
        return r

    def visit(self, op: Operation) -> None:
        if isinstance(op, arith.ConstantOp):
            arr = constant_array(op.result, self.ctx)
            if arr is None:
                raise _err("unsupported constant", op)
            self.env[op.result] = Tables.constant(np.asarray(arr))
            return
        if isinstance(op, tensor.EmptyOp):
            t = op.results[0].type
            self.env[op.results[0]] = Tables.constant(
                np.zeros(shape_of(op.results[0]), dtype=numpy_dtype(t.get_element_type())))  # type: ignore[attr-defined]
            return
        if op.name == "cf.assert":
            return
        operands = [self.value(v, op) for v in op.operands]
        if all(isinstance(o, Tables) and o.is_constant for o in operands) and not self._reads_symbolic(op):
            try:
                res = evaluate_op(op, [o.values() for o in operands], self.ctx)  # type: ignore[union-attr]
            except Unsupported as e:
                raise _err(e.message, e.op or op) from e
            if res is not None:
                for r, v in zip(res, op.results):
                    self.env[v] = Tables.constant(np.asarray(r))
                return
        if op.name == "tm_tensor.scatter":
            self.scatter(op, operands)
            return
        view = structured_view(op)
        if view is not None:
            self.structured(view, op)
            return
        mv = movement_ids(op)
        if mv is not None:
            opn, ids = mv[0]
            self.env[op.results[0]] = self.move(op, operands, opn, ids, shape_of(op.results[0]))
            return
        if any(isinstance(o, Real) for o in operands):
            raise NotLogic(f"an input is used by '{op.name}'")
        raise _err(f"'{op.name}' is not supported in a logic network", op)

    def _reads_symbolic(self, op: Operation) -> bool:
        for inner in op.walk():
            if inner is op:
                continue
            for v in inner.operands:
                o = self.env.get(v)
                if o is not None and not (isinstance(o, Tables) and o.is_constant):
                    return True
        return False

    # ----------------------------------------------------------------- movement

    def move(self, op: Operation, operands: Sequence, opn: np.ndarray, ids: np.ndarray, shape) -> object:
        used = sorted(set(np.unique(opn).tolist()))
        kinds = {type(operands[i]) for i in used}
        if len(kinds) > 1 and kinds != {Tables}:
            if kinds <= {Tables, Count}:
                # A count next to constants: only constant zeros may pad it.
                pass
            raise _err(f"'{op.name}' mixes inputs, counts and binary values", op)
        first = operands[used[0]]
        if len(used) == 1:
            return first.take(ids, shape)  # type: ignore[union-attr]
        if isinstance(first, Tables):
            parts = [operands[i] for i in used]
            allrows = concat_rows(parts, ())
            offsets = np.cumsum([0] + [p.size for p in parts])
            where = np.searchsorted(np.array(used), opn)
            return allrows.take(offsets[where] + ids, shape)
        if isinstance(first, Real):
            if len({operands[i].arg for i in used}) > 1:  # type: ignore[union-attr]
                raise _err(f"'{op.name}' mixes elements of two inputs before they are binarised", op)
            allids = np.concatenate([operands[i].ids.reshape(-1) for i in used])  # type: ignore[union-attr]
            offsets = np.cumsum([0] + [operands[i].ids.size for i in used])  # type: ignore[union-attr]
            where = np.searchsorted(np.array(used), opn)
            return Real(first.arg, allids[offsets[where] + ids], tuple(shape))
        raise _err(f"'{op.name}' concatenates counts: not supported", op)

    # ----------------------------------------------------------------- structured ops

    def structured(self, view, op: Operation) -> None:
        npoints = int(np.prod(view.domain)) if view.domain else 1
        dims = domain_points(view.domain)
        vals = view.inputs + view.outputs
        ids = [flat_ids(m, dims, shape_of(v), npoints) for v, m in zip(vals, view.maps)]
        operands = [self.value(v, op) for v in vals]
        nin = len(view.inputs)
        if not any(view.reduction):
            if view.body == "copy":
                out_ids = ids[nin]
                src = operands[0]
                order = np.empty(npoints, np.int64)
                order[out_ids] = np.arange(npoints)
                self.env[op.results[0]] = src.take(ids[0][order], shape_of(op.results[0]))  # type: ignore[union-attr]
                return
            results = self.elementwise(op, view.body, operands, ids, dims, npoints)
            for r, res, oid in zip(results, op.results, ids[nin:]):
                order = np.empty(npoints, np.int64)
                order[oid] = np.arange(npoints)
                self.env[res] = r.take(order, shape_of(res))
            return
        self.reduction(view, op, operands, ids, dims, npoints)

    # ----------------------------------------------------------------- elementwise

    def _rows(self, o, ids: np.ndarray):
        return o.take(ids, (len(ids),))

    def elementwise(self, op: Operation, body: Block, operands, ids, dims, npoints) -> list:
        rows = [self._rows(o, i) for o, i in zip(operands, ids)]
        counts = [k for k, r in enumerate(rows) if isinstance(r, Count)]
        if counts:
            res = self.scaled_count(op, body, rows, counts, dims, npoints)
            if res is not None:
                return res
            for k in counts:
                t = rows[k].tables  # type: ignore[union-attr]
                if t is None:
                    raise _err("a GroupSum count is used by an operation other than a multiplication or division by a "
                               "positive constant, an argmax or the result", op)
                rows[k] = t
        if any(isinstance(r, ArgMax) for r in rows):
            raise _err("an argmax is used by another operation; it may only be a result", op)
        real_args = {body.args[k]: r for k, r in enumerate(rows) if isinstance(r, Real)}
        sym_extracts = [o for o in body.walk() if o.name == "tensor.extract" and self._symbolic(o.operands[0])]
        late: dict[Operation, Tables] = {}
        tabs = [r for r in rows if isinstance(r, Tables)]
        if real_args or sym_extracts:
            self._discover(op, body, rows, real_args, sym_extracts, late, dims, npoints)
        operands_t = tabs + list(late.values())
        uvars = self._fit(op, operands_t, npoints)
        # Re-read after materialisation (same order).
        tabs, late_vals = operands_t[: len(tabs)], operands_t[len(tabs):]
        late = dict(zip(late.keys(), late_vals))
        nvals = 1 << uvars.shape[1]
        arrays = expand(tabs + late_vals, uvars)
        flat = [a.reshape(-1) for a in arrays]
        it = iter(flat[: len(tabs)])
        args = []
        for r in rows:
            if isinstance(r, Tables):
                args.append(next(it))
            else:
                args.append(np.zeros(npoints * nvals, np.float32))  # never read (see _discover)
        late_flat = dict(zip(late.keys(), flat[len(tabs):]))

        def special(o: Operation, get):
            if o in late_flat:
                a = late_flat[o]
                return a.astype(bool) if o.name == "arith.cmpf" else a
            return None

        outs = self.run_body(op, body, args, dims, nvals, special)
        return [canonical(uvars, np.broadcast_to(np.asarray(r).reshape(npoints, -1) if np.ndim(r) else r,
                                                 (npoints, nvals)).copy(), (npoints,), presorted=True) for r in outs]

    def _symbolic(self, v: SSAValue) -> bool:
        o = self.env.get(v)
        return o is not None and not (isinstance(o, Tables) and o.is_constant)

    def _fit(self, op: Operation, operands: list[Tables], npoints: int) -> np.ndarray:
        """The union of the operands' nodes per element, after turning binary operands of
        several nodes into gates when the union is larger than max_inputs."""
        uvars = union_vars(operands) if operands else np.zeros((npoints, 0), np.int64)
        if uvars.shape[1] <= self.max_inputs:
            return uvars
        for k, o in enumerate(operands):
            if o.k >= 2 and o.binary_rows().all():
                operands[k] = materialize(self.arena, o)
        uvars = union_vars(operands)
        if uvars.shape[1] > self.max_inputs:
            raise _err(
                f"an element of this operation depends on {uvars.shape[1]} binary values through operands that are not "
                f"binary; the logic path enumerates at most max-inputs={self.max_inputs}", op)
        return uvars

    def _discover(self, op, body, rows, real_args, sym_extracts, late, dims, npoints) -> None:
        """Evaluates the body once to find the gathered elements (`tensor.extract` of a
        computed tensor at constant indices) and the thresholds (`cmpf` of an input with
        a constant); each becomes an extra operand of the evaluation proper."""
        tabs = [r for r in rows if isinstance(r, Tables)]
        uvars = union_vars(tabs) if tabs else np.zeros((npoints, 0), np.int64)
        if uvars.shape[1] > self.max_inputs:
            uvars = self._fit(op, tabs, npoints)
        nvals = 1 << uvars.shape[1]
        arrays = [a.reshape(-1) for a in expand(tabs, uvars)] if tabs else []
        it = iter(arrays)
        args = [next(it) if isinstance(r, Tables) else np.zeros(npoints * nvals, np.float32) for r in rows]
        arg_of = {a: k for k, a in enumerate(body.args)}

        def constant_along(a, what: str, o: Operation) -> np.ndarray:
            a = np.broadcast_to(np.asarray(a), (npoints * nvals,)).reshape(npoints, nvals)
            if nvals > 1 and not np.all(a == a[:, :1]):
                raise _err(f"{what} depends on a binary value", o)
            return a[:, 0]

        def special(o: Operation, get):
            if o in sym_extracts:
                idx = [constant_along(get(v), "the index of this gather", o).astype(np.int64) for v in o.operands[1:]]
                src = self.env[o.operands[0]]
                shp = shape_of(o.operands[0])
                flat = np.ravel_multi_index(tuple(idx), shp) if shp else np.zeros(npoints, np.int64)
                if isinstance(src, Tables):
                    src = self._gather_source(o.operands[0], src, o)
                    late[o] = src.take(flat, (npoints,))
                    dt = src.table.dtype
                    return np.zeros(npoints * nvals, dt)
                if isinstance(src, Real):
                    raise NotLogic("a gather of input elements inside a computation")
                raise _err("a gather of GroupSum counts is not supported", o)
            if any(v in real_args for v in o.operands):
                if o.name == "arith.extf":  # exact: x > t in f64 (a Python float threshold)
                    real_args[o.results[0]] = real_args[o.operands[0]]
                    return np.zeros(npoints * nvals, np.float64)
                if o.name != "arith.cmpf":
                    raise NotLogic(f"an input is used by '{o.name}'")
                x_first = o.operands[0] in real_args
                xv, tv = (o.operands[0], o.operands[1]) if x_first else (o.operands[1], o.operands[0])
                if tv in real_args:
                    raise NotLogic("two inputs compared")
                t = constant_along(get(tv), "the threshold of this comparison", o)
                pred = cmpf_predicate(o)  # type: ignore[arg-type]
                late[o] = self._thresholds(o, real_args[xv], t, pred, x_first, npoints)
                return np.zeros(npoints * nvals, bool)
            return None

        self.run_body(op, body, args, dims, nvals, special, discovering=True)
        del arg_of

    def _gather_source(self, v: SSAValue, src: Tables, o: Operation) -> Tables:
        """A computed tensor read through a gather: its binary elements become gates."""
        got = self.gathered.get(v)
        if got is None:
            if src.k >= 2:
                bad = ~src.binary_rows() & (src.vars[:, 1] != 0)
                if bad.any():
                    raise _err(f"a gather reads element {int(np.flatnonzero(bad)[0])} of a tensor that is not binary", o)
            # Other users keep the tables over the original nodes: a gate is a new
            # node, and a function of it and of its fanins would look non-binary.
            got = materialize(self.arena, src)
            self.gathered[v] = got
        return got

    def _thresholds(self, o: Operation, real: Real, t: np.ndarray, pred: str, x_first: bool, npoints: int) -> Tables:
        """Input nodes for `x <pred> t` (or `t <pred> x`) at every point; a complement
        for `x < t` / `x <= t`."""
        p = pred[1:] if pred[0] in "ou" else pred
        if not x_first:
            p = {"gt": "lt", "lt": "gt", "ge": "le", "le": "ge"}.get(p, p)
        if p not in ("gt", "ge", "lt", "le"):
            raise NotLogic(f"comparison '{pred}' of an input")
        strict = p in ("gt", "le")  # x > t, and x <= t = not (x > t)
        neg = p in ("lt", "le")
        port = self.inputs[real.arg]
        elems = np.broadcast_to(real.ids.reshape(-1), (npoints,))
        nodes = np.empty(npoints, np.int64)
        tt = np.asarray(t, dtype=np.float64)
        for i, (e, th) in enumerate(zip(elems.tolist(), tt.tolist())):
            d = port.thresholds[e]
            key = (float(th), strict)
            node = d.get(key)
            if node is None:
                node = int(self.arena.new_inputs(1)[0])
                d[key] = node
            nodes[i] = node
        table = np.tile(np.array([1, 0] if neg else [0, 1], np.uint8), (npoints, 1))
        return Tables(nodes.reshape(-1, 1), table, (npoints,))

    def run_body(self, op, body: Block, args, dims, nvals: int, special, discovering: bool = False) -> list:
        """The scalar body on arrays of points x assignments (one flat array per value)."""
        env: dict[SSAValue, np.ndarray] = dict(zip(body.args, args))

        def get(v: SSAValue):
            if v in env:
                return env[v]
            o = self.env.get(v)
            if o is None:
                arr = constant_array(v, self.ctx)
                if arr is None:
                    raise _err("the body reads a value that is not a constant", op)
                env[v] = arr
                return arr
            if isinstance(o, Tables) and o.is_constant:
                env[v] = o.values()
                return env[v]
            raise _err("the body reads a computed tensor other than through 'tensor.extract'", op)

        for o in body.ops:
            name = o.name
            if name in ("linalg.yield", "tm_tensor.yield"):
                return [get(v) for v in o.operands]
            s = special(o, get)
            if s is not None:
                env[o.results[0]] = s
                continue
            if isinstance(o, arith.ConstantOp):
                a = attr_array(o.value)
                if a is None:
                    raise _err("unsupported constant in a body", o)
                env[o.result] = a
            elif name == "linalg.index":
                env[o.results[0]] = np.repeat(dims[o.dim.value.data], nvals)  # type: ignore[attr-defined]
            elif name == "tensor.extract":
                src = get(o.operands[0])
                idx = tuple(np.asarray(get(v), np.int64) for v in o.operands[1:])
                env[o.results[0]] = np.asarray(src)[idx] if idx else np.asarray(src)
            elif name == "arith.cmpi":
                a, b = get(o.operands[0]), get(o.operands[1])
                pred = icmp_predicate(o.predicate.value.data)  # type: ignore[attr-defined]
                if pred is None:
                    raise _err("unsupported predicate", o)
                if pred.name[0] == "u":
                    a, b = np.asarray(a).astype(np.uint64), np.asarray(b).astype(np.uint64)
                env[o.results[0]] = pred.numpy(a, b)
            else:
                fn = SCALAR_OPS.get(name)
                if fn is None:
                    raise _err(f"'{name}' is not supported in a logic network", o)
                with np.errstate(all="ignore"):
                    env[o.results[0]] = fn(o, *[get(v) for v in o.operands])
        raise _err("body without a terminator", op)

def read_logic_network(fn: func.FuncOp, ctx: Context | None, max_inputs: int = 6) -> LogicNetwork:
    """The logic network of `fn`; raises `NotLogic` when `fn` is not one (its inputs are
    not binarised by constant thresholds), a located `LutoptError` for what it cannot read."""
    return _Reader(fn, ctx, max_inputs).run()


__all__ = ["ArgMax", "Count", "InputPort", "LogicNetwork", "NotLogic", "Real", "read_logic_network"]
