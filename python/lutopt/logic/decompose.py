"""Truth tables to K-input LUTs: `decompose_tables(tables, params) -> (LutCover, DecomposeStats)`.

The input is one or more multi-output truth tables (n input bits, up to 20; m output bits;
entries as a uint64 array of 2^n, input 0 the *most* significant bit of the index, as in
`lut.table`). The output is a network of K-input single-output LUTs computing every output
bit (`lutopt.logic.cover.LutCover`), with sharing between the output bits of a table and
between tables.

The algorithm works on the tables themselves (no sum-of-products, no gate netlist from a
synthesis tool); it is Shannon decomposition with cofactor sharing, organised as a shared
reduced ordered decision diagram (a BDD with complemented edges) whose covering by LUTs is
chosen by a cut-based mapper:

1. **Cofactor sharing.** For a variable order, the distinct cofactors of all output bits are
   computed level by level on the packed tables (`numpy.unique` over (low, high) pairs of
   child ids): every sub-function, up to complement, exists once, however many outputs
   and paths reach it; constants and single variables are no nodes at all. This is the
   memo of sub-functions by their truth table, computed bottom-up and vectorised.
2. **Search for the split variables.** The cost of a cover depends mostly on the order in
   which variables are split off. The cut at K variables from the bottom is exactly a
   Shannon/Ashenhurst-Curtis decomposition: above it sit the selecting (free) variables,
   below it the distinct cofactors over the bound set, whose number is the column
   multiplicity mu of that bound set; each costs one K-LUT, while the nodes above pack
   about `K / 2` to a LUT. The search minimises `mu + upper_nodes * 2 / K` (a proxy
   that follows the mapped LUT count closely, correlation about 0.95 on neuron tables),
   by sifting (each variable moved through every position, kept where the proxy is least)
   from several starting orders (the table's own order, its reverse, variables by
   decreasing and increasing influence, random ones).
3. **Covering.** The best few orders are built as diagrams, each node a 2:1 multiplexer
   (three two-input gates), and mapped by lutopt's priority-cut K-LUT mapper
   (`lutopt.logic.mapping.lut_map`: depth-optimal cuts, then area flow and exact local
   area under that depth). A LUT thus covers any sub-diagram with at most K inputs: a
   multiplexer over up to K-2 select variables with shared data cofactors, a leaf
   cofactor over K variables, or a mix. The cheapest mapped order (LUTs, then depth) is
   kept. The tables are then mapped together in one call, so equal sub-functions of
   different tables (over the same input bits, in a compatible order) share LUTs.

`params.lut_size` is K (3..8). Tables of at most K inputs skip the search (each output bit is
one LUT at most). The cover's input i is `tables[t].inputs[j]` for input j of table t
(by default input j of every table is cover input j); its outputs are the output bits of
the tables in order, bit 0 of each table first.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from lutopt.logic.cover import LutCover

MIN_LUT_SIZE = 3
MAX_LUT_SIZE = 8
MAX_INPUT_BITS = 24
"""Tables indexed by more bits than this are rejected (2^24 entries is 16 Mi entries)."""


@dataclass(frozen=True)
class DecomposeParams:
    """Knobs of `decompose_tables`, with their defaults."""

    lut_size: int = 6
    """K: inputs per LUT, 3..8."""
    search_evaluations: int = 800
    """Variable orders evaluated by the proxy per table during the search (sifting and
    restarts), for tables of up to `full_search_bits` inputs. Each evaluation rebuilds the
    level structure of the table, so its cost is proportional to 2^n * m."""
    full_search_bits: int = 14
    """Above this many inputs the evaluation budget is divided by 2^(n - full_search_bits)
    (at least `min_search_evaluations`), so big tables take about as long as mid-sized ones."""
    min_search_evaluations: int = 24
    random_starts: int = 3
    """Random starting orders for sifting, besides the four heuristic ones."""
    map_candidates: int = 3
    """Distinct orders with the least proxy cost that are mapped for real; the cheapest
    mapped one is kept."""
    cut_limit: int = 12
    """Priority cuts per node in the mapper (`MapParams.cut_limit`)."""
    seed: int = 0
    """Seed of the random starting orders (the result is deterministic for a seed)."""
    verbose: bool = False

    def check(self) -> str | None:
        if not MIN_LUT_SIZE <= self.lut_size <= MAX_LUT_SIZE:
            return f"lut-size must be between {MIN_LUT_SIZE} and {MAX_LUT_SIZE}, got {self.lut_size}"
        if self.search_evaluations < 0 or self.min_search_evaluations < 0 or self.random_starts < 0:
            return "search budgets must not be negative"
        if self.map_candidates < 1:
            return f"map_candidates must be at least 1, got {self.map_candidates}"
        if not 1 <= self.cut_limit <= 64:
            return f"cut limit must be between 1 and 64, got {self.cut_limit}"
        return None


@dataclass
class TruthTable:
    """One multi-output table: `values[i]` is the output word for input index i (input 0 is
    the most significant bit of i); `inputs[j]` is the cover input that table input j is
    (default: j)."""

    values: np.ndarray
    num_inputs: int
    out_width: int
    inputs: Sequence[int] | None = None

    def input_ids(self) -> list[int]:
        return list(range(self.num_inputs)) if self.inputs is None else [int(x) for x in self.inputs]


@dataclass
class TableStats:
    inputs: int
    outputs: int
    order: list[int]
    """The chosen order, top (first split) first, as table input numbers."""
    proxy: float
    luts: int
    depth: int
    diagram_nodes: int
    evaluations: int
    seconds: float


@dataclass
class DecomposeStats:
    """What `decompose_tables` did: the cover's size and depth and the time of each phase."""

    luts: int = 0
    depth: int = 0
    edges: int = 0
    tables: list[TableStats] = field(default_factory=list)
    times: dict[str, float] = field(default_factory=dict)

    @property
    def total_time(self) -> float:
        return sum(self.times.values())

    def report(self) -> str:
        lines = [
            f"[decompose] {len(self.tables)} table(s) -> {self.luts} LUTs, depth {self.depth}, "
            f"{self.edges} edges, {self.total_time:.2f} s"
        ]
        for i, t in enumerate(self.tables[:20]):
            lines.append(
                f"  table {i}: {t.inputs} -> {t.outputs} bits, {t.diagram_nodes} diagram nodes, "
                f"{t.luts} LUTs alone, depth {t.depth}, {t.evaluations} orders tried, {t.seconds:.2f} s"
            )
        if len(self.tables) > 20:
            lines.append(f"  ... {len(self.tables) - 20} more tables")
        lines.append("  times: " + ", ".join(f"{k} {v:.2f} s" for k, v in self.times.items()))
        return "\n".join(lines)


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


def order_proxy(bits: np.ndarray, order: Sequence[int], k: int) -> tuple[float, int, int]:
    """Proxy cost of covering the table in this variable order: (cost, mu, upper nodes).

    mu is the number of distinct non-trivial cofactors (up to complement) over the last k
    variables of the order (one LUT each); upper nodes are the diagram nodes above them.
    """
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
    cat = lambda parts: np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)  # noqa: E731
    return Diagram(n, cat(vars_), cat(los), cat(his), lits.reshape(m))


def diagram_gates(d: Diagram, input_ids: Sequence[int], base_node: int, num_inputs: int):
    """The diagram as two-input gates for a `GateNetlist` whose inputs are the cover inputs:
    node i becomes three gates (x & hi, ~x & lo, their or) numbered from `base_node`.
    Returns (fn, a, b, out_node, out_neg)."""
    n = d.num_vars
    ids = np.asarray(input_ids, dtype=np.int64)

    def node_of(sig: np.ndarray) -> np.ndarray:
        sig = np.asarray(sig, dtype=np.int64)
        res = np.zeros_like(sig)
        var = (sig >= 1) & (sig <= n)
        res[var] = 1 + ids[sig[var] - 1]
        nd = sig > n
        res[nd] = base_node + 3 * (sig[nd] - n - 1) + 2
        return res

    count = d.num_nodes
    x = node_of(d.var)
    hi_node = node_of(d.hi >> 1)
    lo_node = node_of(d.lo >> 1)
    hi_neg = (d.hi & 1).astype(bool)
    fn = np.empty(3 * count, dtype=np.uint8)
    a = np.empty(3 * count, dtype=np.int32)
    b = np.empty(3 * count, dtype=np.int32)
    fn[0::3] = np.where(hi_neg, 2, 1)  # x & hi  /  x & ~hi
    a[0::3], b[0::3] = x, hi_node
    fn[1::3] = 4  # ~x & lo (lo is never complemented)
    a[1::3], b[1::3] = x, lo_node
    fn[2::3] = 7  # or
    first = base_node + 3 * np.arange(count)
    a[2::3], b[2::3] = first, first + 1
    del num_inputs
    return fn, a, b, node_of(d.outputs >> 1), (d.outputs & 1).astype(bool)


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
        key = tuple(order)
        hit = self.seen.get(key)
        if hit is not None:
            return hit
        self.evals += 1
        c = order_proxy(self.bits, key, self.k)[0]
        self.seen[key] = c
        return c

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
                cand_best, cand_order = best, order
                for p in range(n):
                    cand = rest[:p] + [v] + rest[p:]
                    if cand == order:
                        continue
                    c = self.cost(cand)
                    if c < cand_best - 1e-9:
                        cand_best, cand_order = c, cand
                    if self.exhausted():
                        break
                if cand_order is not order:
                    best, order = cand_best, cand_order
                    improved = True
        return best, order


def search_orders(bits: np.ndarray, n: int, params: DecomposeParams) -> tuple[list[list[int]], int]:
    """Candidate variable orders (table inputs, top first), best proxy first; and the number
    of proxy evaluations."""
    k = params.lut_size
    if n <= k:
        return [list(range(n))], 0
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
    ranked = sorted(search.seen.items(), key=lambda kv: kv[1])
    return [list(o) for o, _ in ranked[: params.map_candidates]], search.evals


# --------------------------------------------------------------------------- driver


def _normalise(tables) -> list[TruthTable]:
    res = []
    for t in tables:
        if isinstance(t, TruthTable):
            res.append(t)
        else:
            values, n, m = t[:3]
            res.append(TruthTable(np.asarray(values), int(n), int(m), t[3] if len(t) > 3 else None))
    return res


def _map_gates(parts, num_inputs: int, num_gates_before: int, params: DecomposeParams):
    from lutopt.logic.mapping import MapParams, lut_map
    from lutopt.logic.netlist import GateNetlist

    if parts:
        fn = np.concatenate([p[0] for p in parts])
        a = np.concatenate([p[1] for p in parts])
        b = np.concatenate([p[2] for p in parts])
        outs = np.concatenate([p[3] for p in parts]).astype(np.int32)
        neg = np.concatenate([p[4] for p in parts])
    else:
        fn = np.zeros(0, np.uint8)
        a = b = np.zeros(0, np.int32)
        outs = np.zeros(0, np.int32)
        neg = np.zeros(0, bool)
    del num_gates_before
    net = GateNetlist(num_inputs, fn, a, b, outs, neg)
    return lut_map(net, MapParams(lut_size=params.lut_size, cut_limit=params.cut_limit))


def decompose_tables(tables, params: DecomposeParams | None = None) -> tuple[LutCover, DecomposeStats]:
    """Covers the output bits of `tables` by K-input LUTs; see the module docstring.

    `tables` are `TruthTable`s or tuples (values, num_inputs, out_width[, inputs]).
    """
    params = params or DecomposeParams()
    problem = params.check()
    if problem:
        raise ValueError(problem)
    tabs = _normalise(tables)
    stats = DecomposeStats()
    num_inputs = 0
    for t in tabs:
        if t.num_inputs > MAX_INPUT_BITS:
            raise ValueError(f"a table of {t.num_inputs} input bits is too large (at most {MAX_INPUT_BITS})")
        ids = t.input_ids()
        if len(ids) != t.num_inputs or len(set(ids)) != len(ids) or min(ids, default=0) < 0:
            raise ValueError("a table's inputs must be distinct non-negative cover inputs, one per input bit")
        num_inputs = max(num_inputs, max(ids, default=-1) + 1)

    parts = []
    base_node = 1 + num_inputs
    for t in tabs:
        t0 = time.perf_counter()
        bits = table_bits(t.values, t.num_inputs, t.out_width)
        orders, evals = search_orders(bits, t.num_inputs, params)
        t1 = time.perf_counter()
        stats.times["search"] = stats.times.get("search", 0.0) + t1 - t0
        best = None
        for order in orders:
            d = build_diagram(bits, order)
            if len(orders) == 1:
                best = (0, 0, order, d)
                break
            part = diagram_gates(d, t.input_ids(), 1 + num_inputs, num_inputs)
            _, mstats = _map_gates([part], num_inputs, 0, params)
            key = (mstats.luts, mstats.depth)
            if best is None or key < best[:2]:
                best = (mstats.luts, mstats.depth, order, d)
        assert best is not None
        luts, depth, order, d = best
        t2 = time.perf_counter()
        stats.times["candidates"] = stats.times.get("candidates", 0.0) + t2 - t1
        part = diagram_gates(d, t.input_ids(), base_node, num_inputs)
        base_node += 3 * d.num_nodes
        parts.append(part)
        proxy = order_proxy(bits, order, params.lut_size)[0] if t.num_inputs else 0.0
        stats.tables.append(
            TableStats(t.num_inputs, t.out_width, list(order), proxy, luts, depth, d.num_nodes, evals, t2 - t0)
        )
    t0 = time.perf_counter()
    cover, mstats = _map_gates(parts, num_inputs, 0, params)
    stats.times["map"] = time.perf_counter() - t0
    # Single tables: the lone-mapping figures are the final ones.
    for ts in stats.tables:
        if ts.luts == 0 and len(tabs) == 1:
            ts.luts, ts.depth = cover.num_luts, cover.depth()
    stats.luts = cover.num_luts
    stats.depth = cover.depth()
    stats.edges = cover.edges()
    if params.verbose:
        print(stats.report())
    return cover, stats
