"""Parameters, table records and statistics of `lutopt.logic.decompose`: `DecomposeParams`
(with its effort presets), `TruthTable` and its input restriction (`restrict_table`:
constant and repeated inputs), `TableStats` and `DecomposeStats`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from lutopt.logic.lut_size import MAX_LUT_SIZE, MIN_LUT_SIZE, lut_size_problem  # noqa: F401 (re-exported)
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
        if (problem := lut_size_problem(self.lut_size)) is not None:
            return problem
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
