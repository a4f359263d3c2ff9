"""Reductions, GroupSum counts, argmax and scatter for the logic path's reader
(`lutopt.analysis.logic_network`), as a mixin of its `_Reader`."""

from __future__ import annotations

import numpy as np
from xdsl.ir import Operation

from lutopt.analysis.logic_tables import Tables, canonical, expand, literals, materialize, sorted_unique, union_vars
from lutopt.analysis.logic_values import ArgMax, Count, NotLogic, Poison, Real, err as _err
from lutopt.diagnostics import LutoptError
from lutopt.interpreters.common import Unsupported, numpy_dtype, shape_of
from lutopt.interpreters.structured import reduction_order
from lutopt.interpreters.tensor import evaluate_structured, fma_f32


class ReductionsMixin:
    """Needs `env`, `arena`, `ctx`, `max_inputs`, `value`, `move`, `run_body`, `_fit`."""

    # ----------------------------------------------------------------- counts

    def scaled_count(self, op, body, rows, counts, dims, npoints):
        """A count multiplied or divided by a positive constant stays a count (the factor
        is recorded); None when the body is something else."""
        if len(counts) != 1 or len(body.ops) > 4:
            return None
        k = counts[0]
        cnt: Count = rows[k]  # type: ignore[assignment]
        others = [r for j, r in enumerate(rows) if j != k]
        if not all(isinstance(r, Tables) and r.is_constant for r in others):
            return None
        n = cnt.terms
        probe = np.arange(n + 1, dtype=np.float32) * np.float32(cnt.scale)
        args = []
        for j, r in enumerate(rows):
            if j == k:
                args.append(np.tile(probe, npoints))
            else:
                args.append(np.repeat(r.table[:, 0], n + 1))  # type: ignore[union-attr]
        try:
            outs = self.run_body(op, body, args, dims, n + 1, lambda o, g: None)
        except LutoptError:
            return None
        if len(outs) != 1:
            return None
        out = np.broadcast_to(np.asarray(outs[0], np.float64), (npoints * (n + 1),)).reshape(npoints, n + 1)
        if n == 0 or not np.all(out[:, 0] == 0):
            return None
        ratio = out[:, 1:] / probe[1:].astype(np.float64)
        r = ratio[0, 0]
        if not (r > 0 and np.allclose(ratio, r, rtol=1e-5) and np.all(np.diff(out, axis=1) > 0)):
            return None
        return [Count(cnt.lits, n, cnt.scale * float(r), (npoints,), None)]

    def reduction(self, view, op: Operation, operands, ids, dims, npoints) -> None:
        nin = len(view.inputs)
        order = reduction_order(view)
        red = [d for d, r in enumerate(view.reduction) if r]
        kred = int(np.prod([view.domain[d] for d in red]))
        npar = npoints // kred
        pids = [i[order].reshape(npar, kred) for i in ids]
        pdims = [d[order].reshape(npar, kred) for d in dims]
        ins = operands[:nin]
        inits = operands[nin:]
        if any(isinstance(o, Count) for o in ins):
            self.argmax(view, op, ins, inits, pids, npar, kred)
            return
        if any(isinstance(o, Real) for o in ins + inits):
            raise NotLogic("a reduction over inputs that are not binarised")
        if any(isinstance(o, ArgMax) for o in ins + inits):
            raise _err("a reduction over an argmax", op)
        if any(isinstance(o, Count) for o in inits):
            raise _err("a reduction that accumulates into a count", op)
        acc = [o.take(i[:, 0], (npar,)) for o, i in zip(inits, pids[nin:])]
        terms = [o.take(i.reshape(-1), (npar * kred,)) for o, i in zip(ins, pids[:nin])]
        allvars = [t.vars.reshape(npar, -1) for t in terms if t.k] + [a.vars for a in acc if a.k]
        uvars = sorted_unique(np.concatenate(allvars, axis=1)) if allvars else np.zeros((npar, 0), np.int64)
        body = view.body
        if uvars.shape[1] <= self.max_inputs:
            # Every term and the accumulator on the assignments of the union of all the
            # nodes of the reduction: one expansion, the body run kred times on arrays.
            nvals = 1 << uvars.shape[1]
            rep = np.repeat(uvars, kred, axis=0)
            tarr = [expand([t], rep)[0].reshape(npar, kred, nvals) for t in terms]
            aarr = [a.reshape(-1) for a in expand(acc, uvars)]
            for j in range(kred):
                args_j = [np.ascontiguousarray(t[:, j, :]).reshape(-1) for t in tarr]
                if body == "matmul":
                    aarr = [fma_f32(args_j[0], args_j[1], aarr[0])]
                else:
                    aarr = [np.broadcast_to(np.asarray(r), (npar * nvals,)) for r in
                            self.run_body(op, body, args_j + aarr, [d[:, j] for d in pdims], nvals, lambda o, g: None)]
            acc = [canonical(uvars, np.asarray(r).reshape(npar, nvals).copy(), (), presorted=True) for r in aarr]
            if len(acc) == 1 and not acc[0].binary_rows().all():
                cnt = self._as_count(op, body, terms, inits, pids, pdims, npar, kred, quiet=True)
                if cnt is not None:
                    cnt.tables = acc[0]
                    self._store(op, view, [cnt], pids, npar)
                    return
            self._store(op, view, acc, pids, npar)
            return
        cnt = self._as_count(op, body, terms, inits, pids, pdims, npar, kred, quiet=False)
        self._store(op, view, [cnt], pids, npar)

    def _store(self, op, view, results, pids, npar) -> None:
        nin = len(view.inputs)
        for r, res, oid in zip(results, op.results, pids[nin:]):
            out_ids = oid[:, 0]
            n = int(np.prod(shape_of(res)))
            order = np.empty(n, np.int64)
            order[out_ids] = np.arange(npar)
            self.env[res] = r.take(order, shape_of(res))

    def _step(self, op, body, operands: list[Tables], pdims) -> list[Tables]:
        uvars = self._fit(op, operands, len(pdims[0]) if pdims else operands[0].size)
        nvals = 1 << uvars.shape[1]
        arrays = [a.reshape(-1) for a in expand(operands, uvars)]
        npts = uvars.shape[0]
        if body == "matmul":
            outs = [fma_f32(arrays[0], arrays[1], arrays[2])]
        else:
            outs = self.run_body(op, body, arrays, pdims, nvals, lambda o, g: None)
        return [canonical(uvars, np.broadcast_to(np.asarray(r), (npts * nvals,)).reshape(npts, nvals).copy(), (),
                          presorted=True) for r in outs]

    def _as_count(self, op, body, terms, inits, pids, pdims, npar, kred, quiet: bool):
        """A sum of binary terms (each 0 or s, one s for all) as a Count; None (quiet) or a
        located error when the reduction is not such a sum."""
        def fail(msg):
            if quiet:
                return None
            raise _err(msg, op)

        if len(inits) != 1:
            return fail("a reduction of more than one result over many binary values")
        init = inits[0].take(pids[len(terms)][:, 0], (npar,))
        if not init.is_constant or np.any(init.table != 0):
            return fail("a sum of binary values that does not start from zero")
        n = npar * kred
        zero = Tables.constant(np.zeros(n, init.table.dtype))
        flat_dims = [d.reshape(-1) for d in pdims]
        g0 = self._step(op, body, terms + [zero], flat_dims)[0]
        for c in (1.0, 3.0):
            cc = Tables.constant(np.full(n, c, init.table.dtype))
            g = self._step(op, body, terms + [cc], flat_dims)[0]
            u = union_vars([g0, g])
            a, b = expand([g0, g], u)
            if not np.all(b - a == c):
                return fail("a reduction over many binary values that is not a sum")
        vals = g0.table
        nz = vals[vals != 0]
        s = float(nz.max()) if nz.size else 1.0
        if not np.all((vals == 0) | (vals == s)) or s <= 0:
            return fail("a sum over many values that are not binary (each term must be 0 or one positive constant)")
        bits = Tables(g0.vars, (g0.table != 0).astype(np.uint8), ())
        lits = literals(materialize(self.arena, bits)).reshape(npar, kred)
        return Count(lits, kred, s, (npar,))

    def argmax(self, view, op, ins, inits, pids, npar, kred) -> None:
        if len(ins) != 1 or len(op.results) != 2:
            raise _err("a reduction over GroupSum counts must be an argmax (or max with indices)", op)
        cnt: Count = ins[0]
        # The body must compute (max, first index of the max): checked on random counts with ties.
        rng = np.random.default_rng(0)
        shp = shape_of(view.inputs[0])
        data = rng.integers(0, 3, size=shp).astype(numpy_dtype(view.inputs[0].type.get_element_type()))
        inits_arr = [o.values() if isinstance(o, Tables) and o.is_constant else None for o in inits]
        if any(a is None for a in inits_arr):
            raise _err("an argmax whose initial values are not constants", op)
        try:
            res = evaluate_structured(view, [data, *inits_arr], self.ctx)
        except Unsupported as e:
            raise _err(e.message, op) from e
        vals = data.reshape(-1)[pids[0]]
        want_idx = np.argmax(vals, axis=1)
        got_max = np.asarray(res[0]).reshape(-1)[pids[1][:, 0]]
        got_idx = np.asarray(res[1]).reshape(-1)[pids[2][:, 0]]
        if not (np.array_equal(got_idx, want_idx) and np.array_equal(got_max, vals.max(axis=1))):
            raise _err("a reduction over GroupSum counts that is not an argmax (first index of the maximum)", op)
        am = ArgMax(cnt, pids[0], (npar,))
        n1 = int(np.prod(shape_of(op.results[1])))
        order = np.empty(n1, np.int64)
        order[pids[2][:, 0]] = np.arange(npar)
        self.env[op.results[1]] = am.take(order, shape_of(op.results[1]))
        self.env[op.results[0]] = Poison("the maximum of GroupSum counts")

    # ----------------------------------------------------------------- scatter

    def scatter(self, op: Operation, operands) -> None:
        body = op.region.block  # type: ignore[attr-defined]
        y = body.last_op
        if y is None or len(y.operands) != 1 or y.operands[0] is not body.args[0]:
            raise _err("a tm_tensor.scatter that combines values (only overwriting scatters are supported)", op)
        updates, indices, original = operands
        if not (isinstance(indices, Tables) and indices.is_constant):
            raise _err("a tm_tensor.scatter with indices that are not constant", op)
        idx = np.asarray(indices.values(), np.int64)
        oshape = shape_of(op.outputs[0])  # type: ignore[attr-defined]
        ushape = shape_of(op.inputs[0])  # type: ignore[attr-defined]
        dmap = op.dims  # type: ignore[attr-defined]
        nupd = ushape[0]
        slice_shape = list(ushape[1:])
        if len(slice_shape) < len(oshape):
            # Indexed dims dropped from the slice: they have size 1.
            full = []
            it = iter(slice_shape)
            for d in range(len(oshape)):
                full.append(1 if d in dmap and len(slice_shape) < len(oshape) - 0 and d in dmap else next(it))
            slice_shape = full
        grid = np.indices(slice_shape, dtype=np.int64).reshape(len(oshape), -1)  # [rank, S]
        S = grid.shape[1]
        coords = np.broadcast_to(grid[:, None, :], (len(oshape), nupd, S)).copy()
        idx = idx.reshape(nupd, -1)
        for c, d in enumerate(dmap):
            coords[d] += idx[:, c][:, None]
        target = np.ravel_multi_index(tuple(coords.reshape(len(oshape), -1)), oshape)
        n = int(np.prod(oshape))
        opn = np.ones(n, np.int64)
        src_ids = np.arange(n, dtype=np.int64)
        opn[target] = 0
        src_ids[target] = np.arange(nupd * S)
        self.env[op.results[0]] = self.move(op, [updates, original], opn, src_ids, oshape)


