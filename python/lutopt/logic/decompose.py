"""Truth tables to K-input LUTs: `decompose_tables(tables, params) -> (LutCover, DecomposeStats)`.

The input is one or more multi-output truth tables (n input bits, up to 20; m output bits;
entries as a uint64 array of 2^n, input 0 the *most* significant bit of the index, as in
`lut.table`). The output is a network of K-input single-output LUTs computing every output
bit (`lutopt.logic.cover.LutCover`), with sharing between the output bits of a table and
between tables.

The algorithm works on the tables themselves (no sum-of-products, no synthesis tool). Each
table gets a *plan*, a small tree of decompositions whose leaves are decision diagrams;
every plan is turned into two-input gates and covered by lutopt's cut-based mapper; the
plan that maps to the fewest LUTs wins.

1. **Decision diagrams: cofactor sharing.** For a variable order, the distinct cofactors of
   all output bits are computed level by level on the tables (`numpy.unique` over the
   (low, high) pairs of child ids): every sub-function, up to complement, exists once
   however many outputs and paths reach it, and constants and single variables are no
   nodes at all (a shared reduced ordered BDD with complemented edges, i.e. the memo of
   sub-functions by their truth table, computed bottom-up). Each node is a 2:1 mux.
2. **Search for the split order.** The cut K variables above the bottom is a Shannon /
   Ashenhurst-Curtis decomposition: below it are the distinct cofactors over the last K
   variables (mu of them, one K-LUT each), above it the mux nodes, which pack about K/2 to
   a LUT. Sifting (every variable moved through every position) from several starting
   orders minimises the proxy `mu + upper_nodes * 2 / K`, which follows the mapped LUT
   count closely (correlation about 0.95 on the neuron tables). A numba kernel evaluates
   an order in about 15 microseconds per output bit of a 12-input table.
3. **Functional decomposition** f = F(g(x_B), x_A). Every bound set B of 2..K inputs (or,
   when there are too many, windows of the best orders) is scored by its column
   multiplicity mu (the number of distinct cofactors f|x_B, all output bits together);
   those with ceil(log2 mu) < |B| save inputs. For the best few, the mu classes get codes
   (by column weight, or in column order; unused codes repeat a class), the encoder g is a
   table of |B| inputs and ceil(log2 mu) outputs, and F a table of the free inputs and the
   code bits, planned recursively (`ac_levels` deep). F is chosen together with its encoder
   (the code bits arrive one LUT later, so orders that split them first are candidates).
4. **Shannon expansion** f = x ? f1 : f0, with each cofactor planned on its own: a
   cofactor often has functional decompositions that f has not. Split variables are
   screened by short searches on both cofactors.
5. **Output groupings.** The output bits of a table are also planned in groups (every set
   partition up to four bits): a decomposition may exist for some bits and not for all.
6. **Covering.** A plan becomes a `GateNetlist` (each mux three gates) and is mapped by
   `lutopt.logic.mapping.lut_map` (depth-optimal priority cuts, then area recovery under
   that depth): a LUT covers any piece with at most K inputs, e.g. a mux over K-2 select
   variables with shared cofactors, a leaf cofactor, an encoder merged into its user.
   Candidate plans are compared by a quick mapping of each alone (LUTs, then depth) within
   a depth budget (`max_depth`, or the plain diagram's depth plus `depth_slack`); finally
   all tables are mapped together, so equal sub-functions of different tables share LUTs.

`params.lut_size` is K (3..8). The cover's input i is `tables[t].inputs[j]` for input j of
table t (by default input j of every table is cover input j); its outputs are the output
bits of the tables in order, bit 0 of each table first.

On the sixteen LogicNets neuron tables (12 inputs, 3 outputs; bench/map_neurons.py) this
gives about 1,190 6-LUTs in all at depth at most 6, against 5,327 for ABC's `collapse;
strash; dch -f; if -K 6; mfs2` and about 2,883 for a plain 64-cofactor Shannon split.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

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
    search_evaluations: int = 300
    """Variable orders evaluated by the proxy per table during the search (sifting and
    restarts), for tables of up to `full_search_bits` inputs. Each evaluation rebuilds the
    level structure of the table, so its cost is proportional to 2^n * m."""
    full_search_bits: int = 14
    """Above this many inputs the evaluation budget is divided by 2^(n - full_search_bits)
    (at least `min_search_evaluations`), so big tables take about as long as mid-sized ones."""
    min_search_evaluations: int = 24
    """The least evaluation budget of a big table."""
    random_starts: int = 3
    """Random starting orders for sifting, besides the four heuristic ones."""
    map_candidates: int = 2
    """Distinct orders with the least proxy cost that are mapped for real; the cheapest
    mapped one is kept."""
    ac_levels: int = 3
    """Functional (Ashenhurst-Curtis) decomposition f = F(g(x_B), x_A) is tried this many
    levels deep (F may be decomposed again); 0 turns it off."""
    ac_candidates: int = 6
    """Bound sets tried per level: those that save the most inputs, then least multiplicity."""
    ac_subset_limit: int = 3000
    """All bound sets of 2..K inputs are examined when there are at most this many; beyond,
    only windows of consecutive variables in the best orders."""
    ac_search_evaluations: int = 60
    """Proxy evaluations spent on F's order when comparing bound sets and encodings."""
    ac_margin: float = 1.05
    """A functional decomposition is mapped and compared when its proxy is below the plain
    diagram's times this factor."""
    shannon_levels: int = 1
    """Shannon expansions (f = x ? f1 : f0, each cofactor planned on its own, with its own
    functional decompositions) tried this many levels deep; 0 turns them off."""
    shannon_candidates: int = 2
    """Split variables planned in full per expansion (those whose cofactors look cheapest
    by `shannon_search_evaluations`-short searches)."""
    shannon_screen: int = 4
    """Split variables whose cofactors are estimated with functional decompositions too
    (the best by a plain-diagram estimate); 0 keeps every variable."""
    shannon_search_evaluations: int = 40
    """Proxy evaluations of each short search that screens the split variables."""
    split_outputs: bool = True
    """Also try covering groups of output bits separately (a functional decomposition may
    exist for some bits and not for all of them together); the grouping that maps to the
    fewest LUTs is kept."""
    output_partitions: int = 15
    """Every grouping is tried when there are at most this many (up to 4 output bits);
    otherwise only all bits together and each bit alone."""
    max_depth: int | None = None
    """Depth budget: decompositions deeper than this are not used (when nothing fits, the
    shallowest one is). None: the depth of the plain diagram of all output bits plus
    `depth_slack`."""
    depth_slack: int = 2
    """Levels allowed above the plain diagram's depth when `max_depth` is None."""
    compare_margin: float = 1.25
    """Candidate plans are mapped (to compare them) only when their proxy is within this
    factor of the least proxy among them (in tests the plan that won had a proxy within
    1.2 of the least in 99% of the comparisons)."""
    cut_limit: int = 12
    """Priority cuts per node in the mapper (`MapParams.cut_limit`)."""
    jobs: int = 1
    """Worker processes that plan tables in parallel (0: one per CPU). Tables are planned
    independently, so the result does not depend on this."""
    seed: int = 0
    """Seed of the random starting orders (the result is deterministic for a seed)."""
    verbose: bool = False
    """Print `DecomposeStats.report()` at the end."""
    progress: Callable[[int, int], None] | None = field(default=None, compare=False)
    """Called as `progress(done, total)` each time tables are planned (`done` of the
    `total` tables given, a table equal to an earlier one counting when that one is
    planned), and with `done == total` before the final mapping."""

    @classmethod
    def for_effort(cls, effort: int, **changes) -> DecomposeParams:
        """Presets by effort: 2 is the defaults; 1 drops Shannon expansions (about 4 times
        faster, about 20% more LUTs on the neuron tables); 0 keeps only the plain decision
        diagram in the best order found (about 30 times faster again, 25% more LUTs)."""
        if effort not in (0, 1, 2):
            raise ValueError(f"effort must be 0, 1 or 2, got {effort}")
        preset: dict = {}
        if effort <= 1:
            preset["shannon_levels"] = 0
        if effort == 0:
            preset.update(ac_levels=0, split_outputs=False)
        preset.update(changes)
        return cls(**preset)

    def check(self) -> str | None:
        if not MIN_LUT_SIZE <= self.lut_size <= MAX_LUT_SIZE:
            return f"lut-size must be between {MIN_LUT_SIZE} and {MAX_LUT_SIZE}, got {self.lut_size}"
        if self.search_evaluations < 0 or self.min_search_evaluations < 0 or self.random_starts < 0:
            return "search budgets must not be negative"
        if self.map_candidates < 1:
            return f"map_candidates must be at least 1, got {self.map_candidates}"
        if self.jobs < 0:
            return f"jobs must not be negative, got {self.jobs}"
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


CONST_FALSE = -1
"""A `TruthTable.inputs` entry: this table input is the constant 0."""
CONST_TRUE = -2
"""A `TruthTable.inputs` entry: this table input is the constant 1."""


def restrict_table(t: TruthTable) -> TruthTable:
    """The same function over distinct, non-constant cover inputs: constant inputs
    (`CONST_FALSE`, `CONST_TRUE`) are substituted and an input that appears more than once
    is read once (the entries where its copies agree). Inputs stay in first-appearance
    order; a table without repeated or constant inputs is returned as it is."""
    ids = t.input_ids()
    if len(ids) != t.num_inputs:
        raise ValueError(f"a table of {t.num_inputs} input bits lists {len(ids)} inputs")
    if any(i < CONST_TRUE for i in ids):
        raise ValueError("a table's inputs must be cover inputs (>= 0), CONST_FALSE or CONST_TRUE")
    kept = list(dict.fromkeys(i for i in ids if i >= 0))
    if len(kept) == len(ids):
        return t
    n, m = len(ids), len(kept)
    pos = {x: p for p, x in enumerate(kept)}
    new_index = np.arange(1 << m, dtype=np.int64)
    old_index = np.zeros(1 << m, dtype=np.int64)
    for j, x in enumerate(ids):  # table input j is bit n-1-j of the old index
        if x >= 0:
            bit = (new_index >> (m - 1 - pos[x])) & 1
        else:
            bit = np.int64(1 if x == CONST_TRUE else 0)
        old_index |= bit << (n - 1 - j)
    values = np.asarray(t.values, dtype=np.uint64).reshape(-1)
    if len(values) != 1 << n:
        raise ValueError(f"a table of {n} input bits has {1 << n} entries, got {len(values)}")
    return TruthTable(values[old_index], m, t.out_width, kept)


@dataclass
class TableStats:
    inputs: int
    outputs: int
    plan: str
    """The decomposition chosen: a diagram in an order (table inputs, first split first), or
    F(g(bound), free) with the plan of F."""
    proxy: float
    evaluations: int
    mapped: int
    """Candidate decompositions mapped to compare them."""
    seconds: float


@dataclass
class DecomposeStats:
    """What `decompose_tables` did: the cover's size and depth and the time of each phase."""

    luts: int = 0
    depth: int = 0
    edges: int = 0
    gates: int = 0
    tables: list[TableStats] = field(default_factory=list)
    times: dict[str, float] = field(default_factory=dict)

    @property
    def total_time(self) -> float:
        return sum(self.times.values())

    def report(self) -> str:
        lines = [
            (
                f"[decompose] {len(self.tables)} table(s) -> {self.luts} LUTs, depth {self.depth}, "
                f"{self.edges} edges, {self.total_time:.2f} s"
            )
        ]
        for i, t in enumerate(self.tables[:20]):
            lines.append(
                f"  table {i}: {t.inputs} -> {t.outputs} bits, {t.evaluations} orders tried, "
                f"{t.mapped} plans mapped, {t.seconds:.2f} s: {t.plan}"
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


# --------------------------------------------------------------------------- functional decomposition


def column_classes(bits: np.ndarray, bound: Sequence[int]) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Ashenhurst-Curtis classes of the bound set: (columns, class of each bound assignment,
    free inputs). A column is the value of every output for every assignment of the free
    inputs, for one assignment of the bound inputs (bound[0] the most significant bit of
    the assignment's number); equal columns form a class."""
    m = bits.shape[0]
    n = int(np.log2(bits.shape[1])) if bits.shape[1] > 1 else 0
    free = [j for j in range(n) if j not in bound]
    nb = len(bound)
    perm = _permute(bits, free + list(bound)).reshape(m, 1 << len(free), 1 << nb)
    cols = np.ascontiguousarray(perm.transpose(2, 0, 1).reshape(1 << nb, -1))
    packed = np.packbits(cols, axis=1)
    view = np.ascontiguousarray(packed).view(np.dtype((np.void, packed.shape[1]))).reshape(-1)
    _, first, cls = np.unique(view, return_index=True, return_inverse=True)
    return cols[first], cls.reshape(-1), free


def _bound_set_candidates(
    bits: np.ndarray, n: int, k: int, orders: list[list[int]], params: DecomposeParams, limit: int = 1 << 30
):
    """Bound sets whose column multiplicity mu needs fewer code bits than the set has
    variables, best (most inputs saved, then least mu) first, at most `limit` of them:
    (saved, mu, bound)."""
    from math import comb

    from lutopt.logic._decompose_kernels import bound_set_multiplicities, column_multiplicity

    top = min(k, n - 1)
    if top < 2:
        return []
    found = []
    if sum(comb(n, b) for b in range(2, top + 1)) <= params.ac_subset_limit:
        masks, mus = bound_set_multiplicities(bits, n, 2, top)
        sizes = np.zeros(len(masks), dtype=np.int64)
        for j in range(n):
            sizes += (masks >> j) & 1
        code = np.ceil(np.log2(np.maximum(mus, 1))).astype(np.int64)
        code[mus == 2] = 1
        saved = sizes - code
        good = np.flatnonzero(saved > 0)
        good = good[np.lexsort((masks[good], mus[good], -saved[good]))][:limit]
        for i in good:
            bound = [j for j in range(n) if (int(masks[i]) >> j) & 1]
            found.append((int(saved[i]), int(mus[i]), bound))
        return found
    else:
        seen = set()
        for order in orders:
            for b in range(2, top + 1):
                for i in range(n - b + 1):
                    key = tuple(sorted(order[i : i + b]))
                    if key in seen:
                        continue
                    seen.add(key)
                    bound = list(key)
                    free = [j for j in range(n) if j not in bound]
                    mu = int(column_multiplicity(bits, _weights(free + bound), b))
                    code = max(1, int(np.ceil(np.log2(mu)))) if mu > 1 else 0
                    if code < b:
                        found.append((b - code, mu, bound))
    found.sort(key=lambda t: (-t[0], t[1], sum(1 << j for j in t[2])))
    return found[:limit]


ENCODINGS = ("weight", "lex")


def encode_classes(bits: np.ndarray, bound: Sequence[int], encoding: str):
    """f = F(g(x_bound), x_free): returns (F bits over free inputs then code bits, code of
    every bound assignment, code width). Codes are given to classes in order of column
    weight ("weight") or of the columns' order ("lex"); unused codes repeat the last class."""
    m = bits.shape[0]
    cols, cls, free = column_classes(bits, bound)
    mu = len(cols)
    width = max(1, int(np.ceil(np.log2(mu))))
    if encoding == "weight":
        rank = np.lexsort((np.arange(mu), cols.sum(axis=1)))
    elif encoding == "lex":
        rank = np.arange(mu)
    else:
        raise ValueError(f"unknown encoding '{encoding}'")
    code_of_class = np.empty(mu, dtype=np.int64)
    code_of_class[rank] = np.arange(mu)
    class_of_code = np.concatenate([rank, np.full((1 << width) - mu, rank[-1])])
    # F[o, free, code] = column of class_of_code[code]
    nf = len(free)
    table = cols[class_of_code].reshape(1 << width, m, 1 << nf).transpose(1, 2, 0)
    return np.ascontiguousarray(table).reshape(m, -1), code_of_class[cls], width


# --------------------------------------------------------------------------- plans


@dataclass
class _Plain:
    """One diagram over the table's inputs, in `order`."""

    bits: np.ndarray
    order: list[int]
    proxy: float


@dataclass
class _Functional:
    """f = F(g(x_bound), x_free): `encoder` covers the code bits g over the bound inputs,
    `rest` covers F over the free inputs (in table order) followed by the code bits (most
    significant first)."""

    bound: list[int]
    free: list[int]
    encoder: _Plan
    rest: _Plan
    proxy: float


@dataclass
class _Split:
    """The output bits in groups, each group covered by its own plan (`groups[i]` lists the
    output bits of `plans[i]`)."""

    groups: list[list[int]]
    plans: list[_Plan]
    proxy: float


@dataclass
class _Shannon:
    """f = var ? f1 : f0 (Shannon expansion on table input `var`): `plans[c]` covers the
    cofactor var = c, a table over the other inputs in order."""

    var: int
    plans: list[_Plan]
    proxy: float


_Plan = _Plain | _Functional | _Split | _Shannon


def output_partitions(m: int, limit: int) -> list[list[list[int]]]:
    """Ways to group m output bits: all set partitions when there are at most `limit` of
    them, else all bits together and every bit alone."""
    together = [list(range(m))]
    alone = [[o] for o in range(m)]
    if m <= 1:
        return [together]

    def partitions(items: list[int]):
        if not items:
            yield []
            return
        first, rest = items[0], items[1:]
        for p in partitions(rest):
            yield [[first]] + p
            for i in range(len(p)):
                yield p[:i] + [[first] + p[i]] + p[i + 1 :]

    bell = [1, 1, 2, 5, 15, 52, 203, 877, 4140]
    if m < len(bell) and bell[m] <= limit:
        return [sorted(sorted(g) for g in p) for p in partitions(list(range(m)))]
    return [together, alone]


def _emit(plan: _Plan, var_lits: Sequence[int], sink: GateSink) -> list[int]:
    if isinstance(plan, _Split):
        outs = [0] * sum(len(g) for g in plan.groups)
        for group, sub in zip(plan.groups, plan.plans):
            for o, lit in zip(group, _emit(sub, var_lits, sink)):
                outs[o] = lit
        return outs
    if isinstance(plan, _Shannon):
        rest = [lit for j, lit in enumerate(var_lits) if j != plan.var]
        lo = _emit(plan.plans[0], rest, sink)
        hi = _emit(plan.plans[1], rest, sink)
        return [int(x) for x in sink.add_muxes(var_lits[plan.var], hi, lo)]
    if isinstance(plan, _Plain):
        d = build_diagram(plan.bits, plan.order)
        return [int(x) for x in sink.add_diagram(d, var_lits)]
    codes = _emit(plan.encoder, [var_lits[j] for j in plan.bound], sink)
    width = len(codes)
    return _emit(plan.rest, [var_lits[j] for j in plan.free] + [codes[width - 1 - i] for i in range(width)], sink)


def _describe(plan: _Plan) -> str:
    if isinstance(plan, _Split):
        return "; ".join(f"bits {g}: {_describe(p)}" for g, p in zip(plan.groups, plan.plans))
    if isinstance(plan, _Shannon):
        return f"x{plan.var} ? ({_describe(plan.plans[1])}) : ({_describe(plan.plans[0])})"
    if isinstance(plan, _Plain):
        return f"diagram{plan.order}"
    return f"F(g({plan.bound}), {plan.free}) with {_describe(plan.rest)}"


def _map_params(params: DecomposeParams, light: bool):
    """Mapper settings: the final mapping uses lut_map's defaults with our K and cut limit;
    the comparisons of candidate plans a cheaper schedule (one start, two delay rounds, one
    exact round: the same choices on the neuron tables, 15% faster)."""
    from dataclasses import fields

    from lutopt.logic.mapping import MapParams

    known = {f.name for f in fields(MapParams)}
    kw: dict = {"lut_size": params.lut_size, "cut_limit": params.cut_limit}
    if light:
        kw["cut_limit"] = min(params.cut_limit, 8)
        for name, value in (("starts", ("abc",)), ("exact_rounds", 1), ("delay_rounds_max", 2)):
            if name in known:
                kw[name] = value
    return MapParams(**kw)


def _map_alone(plan: _Plan, n: int, params: DecomposeParams) -> tuple[int, int]:
    from lutopt.logic.mapping import lut_map

    sink = GateSink(n)
    outs = _emit(plan, [2 * (1 + j) for j in range(n)], sink)
    _, st = lut_map(sink.netlist(outs), _map_params(params, light=True))
    return st.luts, st.depth


def _search(bits: np.ndarray, n: int, params: DecomposeParams, counters: dict, budget: int | None = None):
    """`search_orders`, remembered per table and budget for the duration of one call."""
    cache = counters.setdefault("search_cache", {})
    key = (bits.shape, bits.tobytes(), budget)
    hit = cache.get(key)
    if hit is None:
        orders, proxies, evals = search_orders(bits, n, params, budget=budget)
        counters["evaluations"] = counters.get("evaluations", 0) + evals
        hit = cache[key] = (orders, proxies)
    return hit


def _bound_sets(bits: np.ndarray, n: int, orders: list[list[int]], params: DecomposeParams, counters: dict, limit: int):
    """`_bound_set_candidates`, remembered per table for the duration of one call."""
    cache = counters.setdefault("bound_cache", {})
    key = (bits.shape, bits.tobytes(), tuple(tuple(o) for o in orders), limit)
    hit = cache.get(key)
    if hit is None:
        hit = cache[key] = _bound_set_candidates(bits, n, params.lut_size, orders, params, limit)
    return hit


def _choose(plans: list[_Plan], n: int, params: DecomposeParams, counters: dict, budget: int | None) -> _Plan:
    """The plan with the fewest LUTs (then least depth) when mapped alone, among those within
    the depth budget; the shallowest one when none is."""
    if len(plans) > 1:
        # Candidates whose proxy is far above the best one's rarely win; the first (the best
        # plain diagram) is always kept as the depth fallback.
        floor = min(p.proxy for p in plans) * params.compare_margin
        plans = [p for i, p in enumerate(plans) if i == 0 or p.proxy <= floor]
    if len(plans) == 1:
        return plans[0]
    scored = []
    for plan in plans:
        luts, depth = _map_alone(plan, n, params)
        counters["mapped"] = counters.get("mapped", 0) + 1
        scored.append((budget is not None and depth > budget, depth if budget is not None and depth > budget else 0,
                       luts, depth, len(scored)))
    return plans[min(scored)[-1]]


def _plan_outputs(bits: np.ndarray, n: int, params: DecomposeParams, counters: dict) -> _Plan:
    """The best grouping of the output bits (each group planned by `_plan_table`), by the
    mapped LUT count of the groups' plans together, within the depth budget: `max_depth`,
    or else `depth_slack` levels more than the plain diagram of all bits needs."""
    m = bits.shape[0]
    budget = params.max_depth
    if n > params.lut_size and (params.ac_levels or params.split_outputs) and budget is None:
        orders, proxies = _search(bits, n, params, counters)
        _, depth = _map_alone(_Plain(bits, orders[0], proxies[0]), n, params)
        budget = depth + params.depth_slack
    parts = output_partitions(m, params.output_partitions) if params.split_outputs and n > params.lut_size else [[list(range(m))]]
    memo: dict[tuple[int, ...], _Plan] = {}
    plans = []
    for part in parts:
        subs = []
        for group in part:
            key = tuple(group)
            if key not in memo:
                memo[key] = _plan_table(bits[list(group)], n, params, 0, counters, budget)
            subs.append(memo[key])
        plans.append(subs[0] if len(part) == 1 else _Split(part, subs, sum(p.proxy for p in subs)))
    return _choose(plans, n, params, counters, budget)


def _plan_table(
    bits: np.ndarray, n: int, params: DecomposeParams, level: int, counters: dict, budget: int | None
) -> _Plan:
    """The plan for one table: the plain diagram in the best order found, or a functional
    decomposition, whichever maps to fewer LUTs (then less depth) within the budget."""
    return _choose(_candidates(bits, n, params, level, counters, budget), n, params, counters, budget)


def _candidates(
    bits: np.ndarray, n: int, params: DecomposeParams, level: int, counters: dict, budget: int | None,
    late: Sequence[int] = (), shannon: int = 0,
) -> list[_Plan]:
    """Candidate plans for a table: plain diagrams in the best orders found (and, when some
    inputs arrive `late` -- the code bits of an enclosing decomposition -- the best order
    with those inputs split first, nearest the output), and the best functional
    decomposition, whose F is chosen by mapping it together with its encoder."""
    k = params.lut_size
    orders, proxies = _search(bits, n, params, counters)
    plans: list[_Plan] = [_Plain(bits, o, c) for o, c in zip(orders, proxies)]
    if late and n > k:
        first = [v for v in orders[0] if v in late] + [v for v in orders[0] if v not in late]
        if first not in orders:
            plans.append(_Plain(bits, first, order_proxy(bits, first, k)[0]))
    if n > k and level < params.ac_levels:
        best_ac = None
        for saved, mu, bound in _bound_sets(bits, n, orders, params, counters, params.ac_candidates):
            for enc in ENCODINGS:
                fbits, codes, width = encode_classes(bits, bound, enc)
                nf = n - len(bound) + width
                _, fprox = _search(fbits, nf, params, counters, params.ac_search_evaluations)
                total = width + fprox[0]
                if best_ac is None or total < best_ac[0]:
                    best_ac = (total, bound, enc)
        if best_ac is not None and best_ac[0] < proxies[0] * params.ac_margin:
            _, bound, enc = best_ac
            fbits, codes, width = encode_classes(bits, bound, enc)
            nf = n - len(bound) + width
            enc_bits = table_bits(codes.astype(np.uint64), len(bound), width)
            enc_plan = _plan_table(enc_bits, len(bound), params, params.ac_levels, counters, None)
            free = [j for j in range(n) if j not in bound]
            rests = _candidates(fbits, nf, params, level + 1, counters, None if budget is None else budget - 1,
                                late=list(range(nf - width, nf)), shannon=params.shannon_levels)
            options: list[_Plan] = [_Functional(list(bound), free, enc_plan, r, width + r.proxy) for r in rests]
            plans.append(_choose(options, n, params, counters, budget))
    if n > k + 1 and shannon < params.shannon_levels:
        plans += _shannon_candidates(bits, n, params, level, counters, budget, shannon)
    return plans


def _quick_estimate(bits: np.ndarray, n: int, params: DecomposeParams, counters: dict, with_ac: bool) -> float:
    """A cheap proxy of a table's cost: the least of a short order search and (with_ac) the
    best functional decomposition among the two most promising bound sets."""
    k = params.lut_size
    _, proxies = _search(bits, n, params, counters, params.shannon_search_evaluations)
    best = proxies[0]
    if with_ac and n > k and params.ac_levels:
        for _, _, bound in _bound_sets(bits, n, [], params, counters, 2):
            fbits, _, width = encode_classes(bits, bound, "weight")
            nf = n - len(bound) + width
            _, fprox = _search(fbits, nf, params, counters, params.shannon_search_evaluations)
            best = min(best, width + fprox[0])
    return best


def _shannon_candidates(
    bits: np.ndarray, n: int, params: DecomposeParams, level: int, counters: dict, budget: int | None, shannon: int
) -> list[_Plan]:
    """Shannon expansions on the inputs whose two cofactors look cheapest together (each
    cofactor planned on its own: its functional decompositions may not exist for f)."""
    m = bits.shape[0]
    shaped = bits.reshape((m,) + (2,) * n)
    scored = []
    for var in range(n):
        cof = [np.ascontiguousarray(np.take(shaped, c, axis=1 + var)).reshape(m, -1) for c in (0, 1)]
        est = sum(_quick_estimate(c, n - 1, params, counters, False) for c in cof)
        scored.append((est, var, cof))
    scored.sort(key=lambda t: (t[0], t[1]))
    if params.ac_levels:
        # Screened by plain diagrams; the best few re-estimated with functional decompositions.
        scored = scored[: params.shannon_screen or n]
        scored = [(sum(_quick_estimate(c, n - 1, params, counters, True) for c in cof), var, cof)
                  for _, var, cof in scored]
        scored.sort(key=lambda t: (t[0], t[1]))
    plans: list[_Plan] = []
    sub_budget = None if budget is None else budget - 1
    for est, var, cof in scored[: params.shannon_candidates]:
        subs = [
            _choose(_candidates(c, n - 1, params, level, counters, sub_budget, shannon=shannon + 1), n - 1, params,
                    counters, sub_budget)
            for c in cof
        ]
        plans.append(_Shannon(var, subs, est + 1))
    return plans


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


def _plan_one(key: tuple[int, int, bytes], params: DecomposeParams):
    """(plan, proxy evaluations, plans mapped, seconds) for one table."""
    n, m, raw = key
    t0 = time.perf_counter()
    counters: dict = {}
    plan = _plan_outputs(table_bits(np.frombuffer(raw, dtype=np.uint64), n, m), n, params, counters)
    return plan, counters.get("evaluations", 0), counters.get("mapped", 0), time.perf_counter() - t0


def _plan_all(keys: list[tuple[int, int, bytes]], params: DecomposeParams,
              planned: Callable[[int], None] = lambda i: None) -> list:
    """The plans of the distinct tables `keys`, in order; `planned(i)` is called when the
    plan of `keys[i]` is known."""
    jobs = params.jobs if params.jobs > 0 else (os.cpu_count() or 1)
    jobs = min(jobs, len(keys))
    params = replace(params, progress=None)  # the callback stays in this process
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        results = []
        for i, key in enumerate(keys):
            results.append(_plan_one(key, params))
            planned(i)
        return results
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        results = []
        for i, result in enumerate(pool.map(_plan_one, keys, [params] * len(keys), chunksize=1)):
            results.append(result)
            planned(i)
        return results


def decompose_tables(tables, params: DecomposeParams | None = None) -> tuple[LutCover, DecomposeStats]:
    """Covers the output bits of `tables` by K-input LUTs; see the module docstring.

    `tables` are `TruthTable`s or tuples (values, num_inputs, out_width[, inputs]).
    """
    from lutopt.logic.mapping import lut_map

    params = params or DecomposeParams()
    problem = params.check()
    if problem:
        raise ValueError(problem)
    tabs = _normalise(tables)
    for t in tabs:
        if t.num_inputs > MAX_INPUT_BITS:
            raise ValueError(f"a table of {t.num_inputs} input bits is too large (at most {MAX_INPUT_BITS})")
    tabs = [restrict_table(t) for t in tabs]
    stats = DecomposeStats()
    num_inputs = 0
    for t in tabs:
        num_inputs = max(num_inputs, max(t.input_ids(), default=-1) + 1)

    # Plan every distinct table once (in worker processes with `jobs`), then emit in order.
    t0 = time.perf_counter()
    keys = [(t.num_inputs, t.out_width, np.asarray(t.values, dtype=np.uint64).tobytes()) for t in tabs]
    copies: dict[tuple[int, int, bytes], int] = {}
    for key in keys:
        copies[key] = copies.get(key, 0) + 1
    distinct = list(copies)
    done = 0

    def report(i: int) -> None:
        nonlocal done
        done += copies[distinct[i]]
        if params.progress is not None:
            params.progress(done, len(keys))

    planned = dict(zip(distinct, _plan_all(distinct, params, report)))
    stats.times["plan"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    sink = GateSink(num_inputs)
    outputs: list[int] = []
    for t, key in zip(tabs, keys):
        plan, evals, mapped, seconds = planned[key]
        outputs += _emit(plan, [2 * (1 + j) for j in t.input_ids()], sink)
        stats.tables.append(TableStats(t.num_inputs, t.out_width, _describe(plan), plan.proxy, evals, mapped, seconds))
    stats.times["diagrams"] = time.perf_counter() - t1
    t0 = time.perf_counter()
    net = sink.netlist(outputs)
    cover, _ = lut_map(net, _map_params(params, light=False))
    stats.times["map"] = time.perf_counter() - t0
    stats.gates = net.num_gates
    stats.luts = cover.num_luts
    stats.depth = cover.depth()
    stats.edges = cover.edges()
    if params.verbose:
        print(stats.report())
    return cover, stats
