"""Variable orders of `lutopt.logic.decompose`: truth tables as bit rows, the order proxy
(`order_proxy`, with its NumPy reference), decision diagrams (`build_diagram`) and their
emission as two-input gates (`GateSink`), and the sifting search for orders
(`search_orders`). See the module docstring of `lutopt.logic.decompose`, steps 1 and 2."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lutopt.logic._decompose_params import DecomposeParams

# --------------------------------------------------------------------------- tables


def table_bits(values: np.ndarray, num_inputs: int, out_width: int) -> np.ndarray:
    """uint8[m, 2^n]: row k is output bit k, column i the entry for index i."""
    values = np.asarray(values, dtype=np.uint64).reshape(-1)
    if len(values) != 1 << num_inputs:
        raise ValueError(f"a table of {num_inputs} input bits has {1 << num_inputs} entries, got {len(values)}")
    shifts = np.arange(out_width, dtype=np.uint64)[:, None]
    return ((values[None, :] >> shifts) & np.uint64(1)).astype(np.uint8)


def _permute(bits: np.ndarray, order: Sequence[int]) -> np.ndarray:
    """bits (m, 2^n) in table index order -> (m, 2^n) with order[0] the most significant
    index bit and order[-1] the least (order lists table inputs, input 0 = MSB of the
    original index)."""
    m, size = bits.shape
    n = len(order)
    if n == 0:
        return bits
    # reshape (m, 2, ..., 2): axis 1 + j is table input j (input 0 most significant)
    return np.ascontiguousarray(bits.reshape((m,) + (2,) * n).transpose([0] + [1 + j for j in order])).reshape(m, size)


# --------------------------------------------------------------------------- proxy cost


def _unique_ids(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(unique keys, inverse) for a 1-d or 2-d (row) integer array."""
    if keys.ndim == 1:
        return np.unique(keys, return_inverse=True)
    view = np.ascontiguousarray(keys).view(np.dtype((np.void, keys.dtype.itemsize * keys.shape[1]))).reshape(-1)
    uniq, inv = np.unique(view, return_inverse=True)
    return uniq, inv.reshape(-1)


def _projection_rows(b: int) -> np.ndarray:
    """The 2^b-entry tables of the b bottom variables (index bit j), packed like the rows."""
    idx = np.arange(1 << b)
    rows = np.array([(idx >> j) & 1 for j in range(b)], dtype=np.uint8)
    return np.packbits(rows, axis=1, bitorder="little")


def _weights(order: Sequence[int]) -> np.ndarray:
    """Index weight of each order position in the original table (input j is bit n-1-j)."""
    n = len(order)
    return np.array([1 << (n - 1 - j) for j in order], dtype=np.int64)


def order_proxy(bits: np.ndarray, order: Sequence[int], k: int) -> tuple[float, int, int]:
    """Proxy cost of covering the table in this variable order: (cost, mu, upper nodes).

    mu is the number of distinct non-trivial cofactors (up to complement) over the last k
    variables of the order (one LUT each); upper nodes are the diagram nodes above them.
    """
    from lutopt.logic._decompose_kernels import order_proxy_kernel

    n = len(order)
    mu, upper = order_proxy_kernel(bits, _weights(order), min(k, n))
    return mu + upper * 2.0 / k, int(mu), int(upper)


def order_proxy_reference(bits: np.ndarray, order: Sequence[int], k: int) -> tuple[float, int, int]:
    """`order_proxy` in plain NumPy (the reference the kernel is tested against)."""
    m = bits.shape[0]
    n = len(order)
    perm = _permute(bits, order)
    b = min(k, n)
    rows = perm.reshape(-1, 1 << b)
    neg = rows[:, 0].astype(bool)
    rows = np.where(neg[:, None], 1 - rows, rows)
    packed = np.packbits(rows, axis=1, bitorder="little")
    if packed.shape[1] in (1, 2, 4, 8):
        keys = packed.view({1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}[packed.shape[1]]).reshape(-1)
        proj = _projection_rows(b).view(keys.dtype).reshape(-1)
        uniq, inv = np.unique(keys, return_inverse=True)
        trivial = int((uniq == 0).sum()) + int(np.isin(uniq, proj).sum())
    else:
        uniq, inv = _unique_ids(packed)
        proj = _projection_rows(b)
        pview = np.ascontiguousarray(proj).view(np.dtype((np.void, proj.shape[1]))).reshape(-1)
        zero = np.zeros(packed.shape[1], dtype=np.uint8).view(np.dtype((np.void, packed.shape[1])))
        trivial = int(np.isin(uniq, zero).sum()) + int(np.isin(uniq, pview).sum())
    mu = len(uniq) - trivial
    lits = (inv.astype(np.int64) << 1) | neg.astype(np.int64)
    upper = 0
    next_id = len(uniq)
    for _ in range(n - b):
        pairs = lits.reshape(-1, 2)
        lo, hi = pairs[:, 0], pairs[:, 1]
        same = lo == hi
        c = lo & 1
        key = ((lo ^ c) << 32) | (hi ^ c)
        u, inv2 = np.unique(key[~same], return_inverse=True)
        upper += len(u)
        nxt = lo.copy()
        nxt[~same] = (inv2.astype(np.int64) + next_id) * 2 + c[~same]
        next_id += len(u)
        lits = nxt
    del m
    return mu + upper * 2.0 / k, mu, upper


# --------------------------------------------------------------------------- diagrams


@dataclass
class Diagram:
    """A shared reduced ordered decision diagram with complemented edges, as arrays.

    Signals: 0 is constant false, 1..n are the variables (1 + table input j), n+1+i is node
    i. A literal is 2*signal + complement. Node i is `var[i] ? hi[i] : lo[i]` with `lo[i]`
    never complemented; nodes are in topological order (children first). `outputs` are the
    literals of the output bits.
    """

    num_vars: int
    var: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    outputs: np.ndarray

    @property
    def num_nodes(self) -> int:
        return len(self.var)


def build_diagram(bits: np.ndarray, order: Sequence[int]) -> Diagram:
    """The shared diagram of the m output bits (rows of `bits`) in the given order."""
    m = bits.shape[0]
    n = len(order)
    perm = _permute(bits, order)
    lits = perm.reshape(-1).astype(np.int64)  # literal 0 = false, 1 = true
    vars_, los, his = [], [], []
    next_sig = n + 1
    for level in range(n - 1, -1, -1):
        v = order[level]
        pairs = lits.reshape(-1, 2)
        lo, hi = pairs[:, 0], pairs[:, 1]
        same = lo == hi
        c = lo & 1
        lo_r, hi_r = lo ^ c, hi ^ c
        key = (lo_r << 32) | hi_r
        u, inv = np.unique(key[~same], return_inverse=True)
        u_lo, u_hi = u >> 32, u & 0xFFFFFFFF
        is_var = (u_lo == 0) & (u_hi == 1)
        ids = np.empty(len(u), dtype=np.int64)
        ids[is_var] = 1 + v
        fresh = ~is_var
        count = int(fresh.sum())
        ids[fresh] = next_sig + np.arange(count)
        next_sig += count
        vars_.append(np.full(count, 1 + v, dtype=np.int64))
        los.append(u_lo[fresh])
        his.append(u_hi[fresh])
        nxt = lo.copy()
        nxt[~same] = 2 * ids[inv] + c[~same]
        lits = nxt
    cat = lambda parts: np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    return Diagram(n, cat(vars_), cat(los), cat(his), lits.reshape(m))


class GateSink:
    """Collects diagrams as two-input gates of one `GateNetlist` over the cover inputs.

    A diagram's variables are literals of nodes already in the sink (2*node + complement;
    node 1+i is cover input i). Node v of a diagram with select literal x becomes three
    gates: x & hi, ~x & lo, and their or.
    """

    def __init__(self, num_inputs: int):
        self.num_inputs = num_inputs
        self.next_node = 1 + num_inputs
        self.fn: list[np.ndarray] = []
        self.a: list[np.ndarray] = []
        self.b: list[np.ndarray] = []

    def add_diagram(self, d: Diagram, var_lits: Sequence[int]) -> np.ndarray:
        """Adds the diagram; returns the literals of its outputs."""
        n = d.num_vars
        vl = np.asarray(var_lits, dtype=np.int64)
        base = self.next_node

        def lit_of(lit: np.ndarray) -> np.ndarray:
            lit = np.asarray(lit, dtype=np.int64)
            sig, neg = lit >> 1, lit & 1
            res = neg.copy()  # constant: node 0
            var = (sig >= 1) & (sig <= n)
            res[var] = vl[sig[var] - 1] ^ neg[var]
            nd = sig > n
            res[nd] = 2 * (base + 3 * (sig[nd] - n - 1) + 2) + neg[nd]
            return res

        count = d.num_nodes
        x = lit_of(2 * d.var)
        hi = lit_of(d.hi)
        lo = lit_of(d.lo)
        xn, hn, ln = x & 1, hi & 1, lo & 1
        # AND with complemented inputs: fn of (a, b) for (a neg, b neg) = 1, 2, 4, 8
        and_fn = np.array([[1, 2], [4, 8]], dtype=np.uint8)
        fn = np.empty(3 * count, dtype=np.uint8)
        a = np.empty(3 * count, dtype=np.int32)
        b = np.empty(3 * count, dtype=np.int32)
        fn[0::3] = and_fn[xn, hn]  # x & hi
        a[0::3], b[0::3] = x >> 1, hi >> 1
        fn[1::3] = and_fn[1 - xn, ln]  # ~x & lo
        a[1::3], b[1::3] = x >> 1, lo >> 1
        fn[2::3] = 7  # or
        first = base + 3 * np.arange(count)
        a[2::3], b[2::3] = first, first + 1
        self.fn.append(fn)
        self.a.append(a)
        self.b.append(b)
        self.next_node += 3 * count
        return lit_of(d.outputs)

    def add_muxes(self, sel: int, hi: Sequence[int], lo: Sequence[int]) -> np.ndarray:
        """sel ? hi[i] : lo[i] for every i (literals); returns the literals of the muxes."""
        hi_l = np.asarray(hi, dtype=np.int64)
        lo_l = np.asarray(lo, dtype=np.int64)
        count = len(hi_l)
        base = self.next_node
        and_fn = np.array([[1, 2], [4, 8]], dtype=np.uint8)
        sn = sel & 1
        fn = np.empty(3 * count, dtype=np.uint8)
        a = np.empty(3 * count, dtype=np.int32)
        b = np.empty(3 * count, dtype=np.int32)
        fn[0::3] = and_fn[sn, hi_l & 1]
        a[0::3], b[0::3] = sel >> 1, hi_l >> 1
        fn[1::3] = and_fn[1 - sn, lo_l & 1]
        a[1::3], b[1::3] = sel >> 1, lo_l >> 1
        fn[2::3] = 7
        first = base + 3 * np.arange(count)
        a[2::3], b[2::3] = first, first + 1
        self.fn.append(fn)
        self.a.append(a)
        self.b.append(b)
        self.next_node += 3 * count
        return 2 * (first + 2)

    def netlist(self, outputs: Sequence[int]):
        from lutopt.logic.netlist import GateNetlist

        cat = lambda xs, t: np.concatenate(xs).astype(t) if xs else np.zeros(0, t)
        outs = np.asarray(outputs, dtype=np.int64).reshape(-1)
        return GateNetlist(
            self.num_inputs,
            cat(self.fn, np.uint8),
            cat(self.a, np.int32),
            cat(self.b, np.int32),
            (outs >> 1).astype(np.int32),
            (outs & 1).astype(bool),
        )


# --------------------------------------------------------------------------- search


def _influence(bits: np.ndarray, n: int) -> np.ndarray:
    """For each table input, the number of (entry, output) pairs whose value flips with it."""
    m = bits.shape[0]
    res = np.zeros(n, dtype=np.int64)
    shaped = bits.reshape((m,) + (2,) * n)
    for j in range(n):
        lo = np.take(shaped, 0, axis=1 + j)
        hi = np.take(shaped, 1, axis=1 + j)
        res[j] = int(np.count_nonzero(lo != hi))
    return res


class _Search:
    def __init__(self, bits: np.ndarray, n: int, k: int, budget: int):
        self.bits, self.n, self.k, self.budget = bits, n, k, budget
        self.evals = 0
        self.seen: dict[tuple[int, ...], float] = {}

    def cost(self, order: Sequence[int]) -> float:
        return self.costs([order])[0]

    def costs(self, orders: Sequence[Sequence[int]]) -> list[float]:
        """Proxy costs of several orders (one kernel call for those not seen yet)."""
        from lutopt.logic._decompose_kernels import order_proxy_batch

        keys = [tuple(o) for o in orders]
        todo = list(dict.fromkeys(key for key in keys if key not in self.seen))
        if todo:
            n = self.n
            weights = np.left_shift(1, n - 1 - np.array(todo, dtype=np.int64).reshape(len(todo), n))
            mus, uppers = order_proxy_batch(self.bits, weights, min(self.k, n))
            for key, mu, up in zip(todo, mus, uppers):
                self.seen[key] = float(mu) + float(up) * 2.0 / self.k
            self.evals += len(todo)
        return [self.seen[key] for key in keys]

    def exhausted(self) -> bool:
        return self.evals >= self.budget

    def sift(self, order: list[int]) -> tuple[float, list[int]]:
        best = self.cost(order)
        n = self.n
        improved = True
        while improved and not self.exhausted():
            improved = False
            for v in list(order):
                if self.exhausted():
                    break
                rest = [x for x in order if x != v]
                cands = [rest[:p] + [v] + rest[p:] for p in range(n)]
                cands = [c for c in cands if c != order]
                costs = self.costs(cands)
                i = int(np.argmin(costs)) if costs else -1
                if i >= 0 and costs[i] < best - 1e-9:
                    best, order = costs[i], cands[i]
                    improved = True
        return best, order


def search_orders(
    bits: np.ndarray, n: int, params: DecomposeParams, budget: int | None = None
) -> tuple[list[list[int]], list[float], int]:
    """Candidate variable orders (table inputs, top first), least proxy first; their proxy
    costs; and the number of proxy evaluations."""
    k = params.lut_size
    if n <= k:
        return [list(range(n))], [float(bits.shape[0])], 0
    if budget is None:
        budget = params.search_evaluations
    if n > params.full_search_bits:
        budget = max(params.min_search_evaluations, budget >> (n - params.full_search_bits))
    search = _Search(bits, n, k, budget)
    infl = _influence(bits, n)
    starts = [
        list(range(n)),
        list(range(n))[::-1],
        [int(j) for j in np.argsort(-infl, kind="stable")],
        [int(j) for j in np.argsort(infl, kind="stable")],
    ]
    rng = np.random.default_rng(params.seed)
    for _ in range(params.random_starts):
        starts.append([int(j) for j in rng.permutation(n)])
    # Cheapest starts first, each sifted while budget remains.
    starts.sort(key=search.cost)
    for s in starts:
        if search.exhausted():
            break
        search.sift(list(s))
    ranked = sorted(search.seen.items(), key=lambda kv: kv[1])[: params.map_candidates]
    return [list(o) for o, _ in ranked], [c for _, c in ranked], search.evals
