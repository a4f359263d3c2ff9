"""Tensors of small Boolean functions, and the gate netlist they are built into.

The logic path (`nn-logic-to-gate`) evaluates a tensor program symbolically: every element
of a tensor that depends on the binarised inputs is a function of a few netlist nodes.
`Tables` holds such a tensor as two arrays, all elements at once:

- `vars`: int64[N, k], the nodes each element depends on (node 0, constant false, pads);
- `table`: [N, 2^k], the element's value for every assignment of its nodes, var 0 the
  most significant bit of the index (as `lut.table` and DESIGN.md's gate numbering).

A constant tensor is `Tables` with k = 0. Elementwise computations are evaluated on the
2^u assignments of the union of the operands' nodes (`combine`), for all elements at
once, and the result is canonicalised (repeated nodes merged, nodes the element does not
depend on dropped). A binary element (values 0 and 1) of k >= 2 nodes becomes one new
node by `materialize`: a gate for k = 2 (its table read as difflogic's function number),
Shannon expansion into gates for more.

`Arena` collects the netlist: input nodes (the thermometer bits of the inputs) and gates,
allocated in any order; `finish` renumbers them into a `GateNetlist` (inputs first).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from lutopt.logic.netlist import GateNetlist

MAX_VARS = 16
"""No table over more than this many nodes is ever enumerated."""


# --------------------------------------------------------------------- the netlist


class Arena:
    """Nodes of a netlist under construction. Node 0 is constant false; other nodes are
    inputs or gates, numbered in creation order (gates read only earlier nodes)."""

    def __init__(self) -> None:
        self.count = 1
        self._is_input: list[np.ndarray] = []
        self._gates: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        self._layers: list[tuple[int, int]] = []  # the nodes of each layer (see `mark_layer`)
        self.gate_layers: np.ndarray = np.zeros(0, np.int32)
        """After `finish`: the layer of every gate of the netlist (1, 2, ...; 0: none)."""

    def mark_layer(self, start: int) -> None:
        """The nodes made since node `start` (when there are any) are one layer of the
        model: the values of one tensor made gates at once by `materialize`."""
        if self.count > start:
            self._layers.append((start, self.count))

    def new_inputs(self, n: int) -> np.ndarray:
        ids = np.arange(self.count, self.count + n, dtype=np.int64)
        self.count += n
        self._is_input.append(ids)
        return ids

    def new_gates(self, fn: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        n = len(fn)
        ids = np.arange(self.count, self.count + n, dtype=np.int64)
        self.count += n
        self._gates.append((ids, np.asarray(fn, np.uint8), np.asarray(a, np.int64), np.asarray(b, np.int64)))
        return ids

    def define(self, nodes: np.ndarray, fn: np.ndarray, a: np.ndarray, b: np.ndarray) -> None:
        """Makes existing nodes (allocated as inputs) gates of other nodes, which may be
        newer: `finish` orders gates by logic level."""
        nodes = np.asarray(nodes, np.int64)
        self._gates.append((nodes, np.asarray(fn, np.uint8), np.asarray(a, np.int64), np.asarray(b, np.int64)))

    @property
    def num_gates(self) -> int:
        return sum(len(g[0]) for g in self._gates)

    def finish(self, input_order: np.ndarray, output_literals: np.ndarray) -> GateNetlist:
        """The netlist with `input_order` (node ids) as its inputs 0.. and the given
        output literals (`2 * node + complemented`, in this arena's numbering). Gates are
        ordered by logic level, then by creation."""
        new = np.zeros(self.count, dtype=np.int64)
        n_in = len(input_order)
        new[np.asarray(input_order, np.int64)] = 1 + np.arange(n_in)
        if self._gates:
            ids = np.concatenate([g[0] for g in self._gates])
            fn = np.concatenate([g[1] for g in self._gates])
            a = np.concatenate([g[2] for g in self._gates])
            b = np.concatenate([g[3] for g in self._gates])
            level = np.zeros(self.count, dtype=np.int64)
            for _ in range(len(ids) + 1):
                nl = np.maximum(level[a], level[b]) + 1
                if np.array_equal(nl, level[ids]):
                    break
                level[ids] = nl
            order = np.lexsort((ids, level[ids]))
            ids, fn, a, b = ids[order], fn[order], a[order], b[order]
            layer_of = np.zeros(self.count, np.int32)  # gates made outside `materialize`: 0
            for k, (lo, hi) in enumerate(self._layers, start=1):
                layer_of[lo:hi] = k
            self.gate_layers = layer_of[ids]
            new[ids] = 1 + n_in + np.arange(len(ids))
        else:
            fn = np.zeros(0, np.uint8)
            a = b = np.zeros(0, np.int64)
        lits = np.asarray(output_literals, np.int64)
        return GateNetlist(
            num_inputs=n_in,
            fn=fn.astype(np.uint8),
            a=new[a].astype(np.int32),
            b=new[b].astype(np.int32),
            outputs=new[lits >> 1].astype(np.int32),
            output_neg=(lits & 1).astype(bool),
        )


# --------------------------------------------------------------------- tables


def _bits(k: int) -> np.ndarray:
    """bits[j, m]: the value of var j (var 0 most significant) in assignment m of k vars."""
    m = np.arange(1 << k, dtype=np.int64)
    return ((m[None, :] >> (k - 1 - np.arange(k, dtype=np.int64))[:, None]) & 1).astype(np.int64)


def is_identity(ids: np.ndarray, n: int) -> bool:
    """Whether `ids` is 0, 1, ..., n - 1 (a reshape, not a gather)."""
    return len(ids) == n and (n == 0 or (ids[0] == 0 and ids[-1] == n - 1 and bool(np.all(np.diff(ids) == 1))))


class Tables:
    """A tensor whose elements are functions of few netlist nodes (see the module doc)."""

    __slots__ = ("vars", "table", "shape")

    def __init__(self, vars: np.ndarray, table: np.ndarray, shape: Sequence[int]):
        self.vars = vars
        self.table = table
        self.shape = tuple(shape)

    @staticmethod
    def constant(values: np.ndarray) -> Tables:
        a = np.asarray(values)
        return Tables(np.zeros((a.size, 0), np.int64), a.reshape(-1, 1), a.shape)

    @staticmethod
    def nodes(ids: np.ndarray, shape: Sequence[int], dtype=np.float32) -> Tables:
        """Each element is its node (table [0, 1])."""
        ids = np.asarray(ids, np.int64).reshape(-1, 1)
        table = np.broadcast_to(np.array([0, 1], dtype=dtype), (len(ids), 2)).copy()
        return Tables(ids, table, shape)

    @property
    def k(self) -> int:
        return self.vars.shape[1]

    @property
    def size(self) -> int:
        return self.vars.shape[0]

    @property
    def is_constant(self) -> bool:
        return self.k == 0

    def take(self, ids: np.ndarray, shape: Sequence[int]) -> Tables:
        """Elements `ids` (flat, row-major) in a tensor of `shape`."""
        ids = np.asarray(ids, np.int64).reshape(-1)
        if is_identity(ids, self.size):
            return Tables(self.vars, self.table, shape)
        return Tables(self.vars[ids], self.table[ids], shape)

    def reshape(self, shape: Sequence[int]) -> Tables:
        return Tables(self.vars, self.table, shape)

    def values(self) -> np.ndarray:
        assert self.is_constant
        return self.table[:, 0].reshape(self.shape)

    def binary_rows(self) -> np.ndarray:
        """Whether each element takes only the values 0 and 1."""
        t = self.table
        return np.all((t == 0) | (t == 1), axis=1)

    def widened(self, k: int) -> Tables:
        """The same functions over k vars (padded with node 0, whose bit is ignored)."""
        if k == self.k:
            return self
        pad = k - self.k
        vars = np.concatenate([self.vars, np.zeros((self.size, pad), np.int64)], axis=1)
        table = np.repeat(self.table, 1 << pad, axis=1)
        return Tables(vars, table, self.shape)


def concat_rows(parts: Sequence[Tables], shape: Sequence[int]) -> Tables:
    k = max(p.k for p in parts)
    ws = [p.widened(k) for p in parts]
    dtype = np.result_type(*[p.table.dtype for p in ws])
    return Tables(
        np.concatenate([p.vars for p in ws]),
        np.concatenate([p.table.astype(dtype, copy=False) for p in ws]),
        shape,
    )


def _equal(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    eq = a == b
    if a.dtype.kind == "f":
        eq |= np.isnan(a) & np.isnan(b)
    return eq


_PAD = np.iinfo(np.int64).max


def sorted_unique(vars: np.ndarray) -> np.ndarray:
    """Per row, the distinct non-zero nodes in increasing order, padded with node 0."""
    n = vars.shape[0]
    if vars.shape[1] == 0:
        return vars
    srt = np.sort(np.where(vars == 0, _PAD, vars), axis=1)
    if srt.shape[1] > 1:
        dup = np.zeros_like(srt, dtype=bool)
        dup[:, 1:] = srt[:, 1:] == srt[:, :-1]
        if dup.any():
            srt = np.sort(np.where(dup, _PAD, srt), axis=1)
    real = srt != _PAD
    u = int(real.sum(axis=1).max()) if n else 0
    return np.where(real[:, :u], srt[:, :u], 0)


def canonical(vars: np.ndarray, table: np.ndarray, shape: Sequence[int], presorted: bool = False) -> Tables:
    """Merges repeated nodes, drops the nodes an element does not depend on, and puts the
    remaining nodes first in increasing order (pads, node 0, last). `presorted`: the
    caller's vars are already distinct and sorted (as `sorted_unique` makes them)."""
    n, k = vars.shape
    if k == 0:
        return Tables(vars, table, shape)
    if presorted:
        uvars = vars
    else:
        uvars = sorted_unique(vars)
        table = _reindex(vars, table, uvars)
    u = uvars.shape[1]
    # Drop the nodes each element does not depend on.
    dep = _depends(table, u) & (uvars != 0)
    if not dep.all():
        keep_key = np.where(dep, 0, 1) * (u + 1) + np.arange(u)[None, :]
        order = np.argsort(keep_key, axis=1, kind="stable")
        nv = np.take_along_axis(np.where(dep, uvars, 0), order, axis=1)
        u2 = int(dep.sum(axis=1).max()) if n else 0
        nv = nv[:, :u2]
        table = _reindex(uvars, table, nv)
        uvars = nv
    return Tables(uvars, table, shape)


def _depends(table: np.ndarray, k: int) -> np.ndarray:
    """dep[n, j]: whether element n's table depends on var j."""
    n = table.shape[0]
    dep = np.zeros((n, k), dtype=bool)
    for j in range(k):
        t = table.reshape(n, 1 << j, 2, 1 << (k - 1 - j))
        dep[:, j] = ~np.all(_equal(t[:, :, 0, :], t[:, :, 1, :]), axis=(1, 2))
    return dep


def _reindex(old_vars: np.ndarray, table: np.ndarray, new_vars: np.ndarray) -> np.ndarray:
    """The tables over `new_vars` of functions given over `old_vars` (every non-zero old
    var must be among the new vars of its row; old vars that are node 0 read 0)."""
    n, k_old = old_vars.shape
    k_new = new_vars.shape[1]
    if k_new == 0:
        return table[:, :1].copy()
    if k_old == k_new and np.array_equal(old_vars, new_vars):
        return table
    bits = _bits(k_new)  # [k_new, 2^k_new]
    match = (new_vars[:, None, :] == old_vars[:, :, None]) & (old_vars[:, :, None] != 0)  # [n, k_old, k_new]
    pos = np.argmax(match, axis=2)
    b = bits[pos] * match.any(axis=2)[:, :, None]  # [n, k_old, 2^k_new]
    shifts = (k_old - 1 - np.arange(k_old, dtype=np.int64))[None, :, None]
    idx = np.bitwise_or.reduce(b << shifts, axis=1) if k_old > 1 else b[:, 0] << shifts[0, 0, 0]
    return np.take_along_axis(table, idx, axis=1)


def union_vars(operands: Sequence[Tables]) -> np.ndarray:
    """Per element, the sorted union of the operands' nodes (padded with node 0)."""
    nonconst = [o.vars for o in operands if o.k]
    if not nonconst:
        n = operands[0].size if operands else 0
        return np.zeros((n, 0), np.int64)
    return sorted_unique(np.concatenate(nonconst, axis=1))


def union_size(operands: Sequence[Tables]) -> int:
    return union_vars(operands).shape[1]


def expand(operands: Sequence[Tables], uvars: np.ndarray) -> list[np.ndarray]:
    """Each operand's values at the 2^u assignments of `uvars`: arrays [N, 2^u]."""
    out = []
    for o in operands:
        if o.k == 0:
            out.append(np.broadcast_to(o.table, (o.size, 1 << uvars.shape[1])))
        else:
            out.append(_reindex(o.vars, o.table, uvars))
    return out


def combine(
    operands: Sequence[Tables], fn: Callable[[list[np.ndarray]], list[np.ndarray]], shape: Sequence[int],
    uvars: np.ndarray | None = None,
) -> list[Tables]:
    """Applies `fn` (on arrays [N, 2^u], one per operand) to aligned operands; returns its
    results as canonical Tables."""
    if uvars is None:
        uvars = union_vars(operands)
    if uvars.shape[1] > MAX_VARS:
        raise ValueError(f"an element depends on {uvars.shape[1]} nodes")
    arrays = expand(operands, uvars)
    results = fn(arrays)
    n = uvars.shape[0]
    return [canonical(uvars, np.broadcast_to(r, (n, 1 << uvars.shape[1])).copy(), shape, presorted=True)
            for r in results]


# --------------------------------------------------------------------- to gates


def materialize(arena: Arena, t: Tables) -> Tables:
    """Binary elements of k >= 2 nodes become one node each (the caller checked that
    they are binary); returns Tables of at most one node per element, as 0/1 values in
    the original dtype."""
    if t.k <= 1:
        return t
    dtype = t.table.dtype
    bits = (t.table != 0).astype(np.uint8)
    start = arena.count
    vars, table = _to_literals(arena, t.vars, bits)
    arena.mark_layer(start)
    return Tables(vars, table.astype(dtype), t.shape)


def _to_literals(arena: Arena, vars: np.ndarray, table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Canonical 0/1 tables (vars [N, k], real vars first) to tables of <= 1 var."""
    n, k = vars.shape
    if k <= 1:
        return vars, table
    nreal = (vars != 0).sum(axis=1)
    out_v = np.zeros((n, 1), np.int64)
    out_t = np.zeros((n, 2), np.uint8)
    small = nreal <= 1
    if small.any():  # pads are last and ignored: the first var and its cofactor
        idx = np.flatnonzero(small)
        out_v[idx, 0] = vars[idx, 0]
        half = 1 << (k - 1)
        out_t[idx, 0] = table[idx, 0]
        out_t[idx, 1] = table[idx, half]
    if k == 2:
        idx = np.flatnonzero(~small)
        if len(idx):
            t = table[idx]
            fn = (t[:, 0] << 3) | (t[:, 1] << 2) | (t[:, 2] << 1) | t[:, 3]
            out_v[idx, 0] = arena.new_gates(fn, vars[idx, 0], vars[idx, 1])
            out_t[idx] = (0, 1)
        return out_v, out_t
    idx = np.flatnonzero(~small)
    if len(idx):
        # Shannon expansion on var 0: x ? f1 : f0, the cofactors built first.
        x = Tables(vars[idx, :1], np.tile(np.array([0, 1], np.uint8), (len(idx), 1)), ())
        half = 1 << (k - 1)
        sub = vars[idx, 1:]
        f0 = canonical(sub, table[idx, :half], (), presorted=True)
        f1 = canonical(sub, table[idx, half:], (), presorted=True)
        l0 = Tables(*_to_literals(arena, f0.vars, f0.table), ())
        l1 = Tables(*_to_literals(arena, f1.vars, f1.table), ())
        hi = _gate2(arena, [x, l1], lambda a: [a[0] & a[1]])
        lo = _gate2(arena, [x, l0], lambda a: [(1 - a[0]) & a[1]])
        r = _gate2(arena, [hi, lo], lambda a: [a[0] | a[1]])
        out_v[idx] = r.vars if r.k else 0
        out_t[idx] = r.table if r.k else np.repeat(r.table, 2, axis=1)
    return out_v, out_t


def _gate2(arena: Arena, ops: Sequence[Tables], fn) -> Tables:
    """A function of two literal-form operands, as a literal-form Tables (width 1)."""
    (r,) = combine(ops, lambda arrs: fn([a.astype(np.uint8) for a in arrs]), ())
    v, t = _to_literals(arena, r.vars, r.table.astype(np.uint8))
    if v.shape[1] == 0:
        return Tables(np.zeros((len(v), 1), np.int64), np.repeat(t, 2, axis=1), ())
    return Tables(v, t, ())


def literals(t: Tables) -> np.ndarray:
    """Literals (`2 * node + complemented`; 0 false, 1 true) of binary elements of at
    most one node."""
    assert t.k <= 1
    if t.k == 0:
        return (t.table[:, 0] != 0).astype(np.int64)
    v = t.vars[:, 0]
    f0 = (t.table[:, 0] != 0).astype(np.int64)
    f1 = (t.table[:, 1] != 0).astype(np.int64)
    # node 0 (a pad): the constant f0; f0 == f1: constant; (0, 1): the node; (1, 0): its complement.
    const = (v == 0) | (f0 == f1)
    return np.where(const, f0, 2 * v + f0)
