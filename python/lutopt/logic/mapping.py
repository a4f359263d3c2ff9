"""K-LUT technology mapping of a gate netlist: `lut_map(net, params, stats) -> (LutCover, MapStats)`.

The algorithm is the priority-cut mapper of ABC's `if` (Mishchenko et al., "Combinational
and sequential mapping with priority cuts", ICCAD 2007) and mockturtle's `lut_map`, run on
the 16-function gate network directly (an XOR is one node, not three ANDs):

1. Normalisation (`simplify.normalize`, the kernels the `gate-*` passes use): constants
   and single-input gates are folded, complemented fanins are absorbed into the gate
   functions, identical gates are merged (structural hashing) and dead gates dropped.
2. Cut enumeration in topological order, keeping at most `cut_limit` priority cuts per node
   (plus the trivial cut). Every cut carries its truth table (bit-parallel, on uint64
   words); leaves the function does not depend on are removed (`shrink_support`), so a
   LUT never has an unused input and smaller cuts dominate larger ones.
3. Depth-oriented rounds choose, for every node, the cut of least arrival time (unit LUT
   delay); the starting mappings in `starts` (ABC's three preprocessing rounds, a plain
   delay round) are each carried through area recovery and the best result is kept.
4. Area recovery under the required times of that depth: `flow_rounds` rounds of area flow
   (with fanout estimates blended over rounds) and `exact_rounds` rounds of exact local area
   (reference counting: the LUTs a cut adds to the current mapping), each followed, with
   `expand`, by a pass that moves every LUT's cut boundary down through nodes used only
   inside it when that does not add LUTs (ABC's expand step).
5. Extraction and clean-up: LUTs that turn out constant or equal to one of their leaves are
   folded into their users, complemented outputs go into the tables.

The interface is typed: `MapParams` (validated, with a clear `ValueError`), `MapStats`
(which the caller may pass in and read after the call), the enums `Cost`, `SortOrder` and
`Start` for the modes. The kernels are compiled with numba (cached on disk after the first
call): `_map_cuts` (cut costs and order), `_map_round` (one cut-selection round),
`_map_expand` (the expand step), `_map_extract` (the cover); their state is one
`_map_types.MapState` of arrays.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from lutopt.logic._map_types import BIG, DEPTH_PATTERN, STALL, Cost, MapState, Network, RoundConfig, SortOrder, Start
from lutopt.logic.cover import LutCover
from lutopt.logic.lut_size import MAX_LUT_SIZE, MIN_LUT_SIZE, lut_size_problem  # noqa: F401 (re-exported)
from lutopt.logic.netlist import GateNetlist

__all__ = ["Cost", "MapParams", "MapRound", "MapStats", "SortOrder", "Start", "lut_map"]

MAX_CUT_LIMIT = 64
_START_VALUES = frozenset(s.value for s in Start)


@dataclass
class MapRound:
    """The figures after one round (or expand step) of the mapper."""

    name: str
    luts: int
    depth: int
    edges: int
    seconds: float


@dataclass(frozen=True)
class MapParams:
    """Knobs of `lut_map`, with their defaults."""

    lut_size: int = 6
    """K: the number of LUT inputs, 3..8."""
    cut_limit: int = 8
    """Priority cuts kept per node (besides the trivial cut), 1..64. ABC's default is 8;
    more cuts cost time roughly linearly and usually save a few LUTs."""
    area_cut_limit: int = 0
    """Priority cuts per node in the area-recovery rounds (0: the same as `cut_limit`).
    The depth target is set by the delay rounds with `cut_limit` cuts."""
    delay_rounds_max: int = 6
    """Depth phase: delay-oriented rounds, alternately ordering cuts by (delay, leaves) and
    (delay, area flow), each keeping a node's cut unless the new one meets its required
    time, repeated while the depth improves (at most this many rounds, at least 1)."""
    starts: tuple[str | Start, ...] = (Start.ABC.value, Start.DELAY.value, Start.DELAY2.value)
    """Starting mappings for area recovery (`Start` members or their values); each is
    carried through the recovery rounds and the result with the fewest LUTs is kept (each
    start costs a full recovery). See `Start` for what each one is."""
    flow_rounds: int = 4
    """Area-flow recovery rounds (ABC's `if` does one; the fanout estimates blend over the
    rounds, and on large circuits four save about 0.5% more LUTs than one)."""
    exact_rounds: int = 3
    """Exact-local-area recovery rounds (ABC's default is 2)."""
    expand: bool = True
    """After each round, try to move each LUT's boundary down through nodes used only inside
    it (ABC's expand step)."""
    expand_cone_limit: int = 64
    """Skip the expand step for LUTs whose cone has more gates than this."""
    shrink_support: bool = True
    """Remove cut leaves the cut's function does not depend on."""
    depth_relax: int = 0
    """Extra LUT levels allowed above the optimum depth during area recovery (0: keep the
    optimum depth)."""
    verbose: bool = False
    """Print `MapStats.report()` on stderr when done."""
    progress: Callable[[MapRound], None] | None = field(default=None, compare=False)
    """Called after every round with its figures (the `gate-map-luts` status line)."""

    def check(self) -> str | None:
        """A description of the first invalid setting, or None."""
        for name in ("lut_size", "cut_limit", "area_cut_limit", "delay_rounds_max", "flow_rounds", "exact_rounds",
                     "expand_cone_limit", "depth_relax"):
            value = getattr(self, name)
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
                return f"{name} must be an integer, got {value!r}"
        if (problem := lut_size_problem(self.lut_size)) is not None:
            return problem
        if not (1 <= self.cut_limit <= MAX_CUT_LIMIT):
            return f"cut limit must be between 1 and {MAX_CUT_LIMIT}, got {self.cut_limit}"
        if not (0 <= self.area_cut_limit <= MAX_CUT_LIMIT):
            return (f"area cut limit must be between 0 (same as the cut limit) and {MAX_CUT_LIMIT}, "
                    f"got {self.area_cut_limit}")
        if self.delay_rounds_max < 1:
            return f"delay_rounds_max must be at least 1, got {self.delay_rounds_max}"
        if self.flow_rounds < 0 or self.exact_rounds < 0 or self.depth_relax < 0:
            return "round counts and depth relaxation must not be negative"
        if self.expand_cone_limit < 0:
            return f"expand_cone_limit must not be negative, got {self.expand_cone_limit}"
        for start in self.starts:
            if start not in _START_VALUES:
                return f"unknown mapping start '{start}' (expected one of {', '.join(s.value for s in Start)})"
        return None

    def validate(self) -> None:
        """Raises ValueError with `check()`'s description when a setting is invalid."""
        problem = self.check()
        if problem:
            raise ValueError(f"invalid mapper parameters: {problem}")


@dataclass
class MapStats:
    """What `lut_map` did: the result's size and depth, and the time of each phase. Pass one
    to `lut_map` to have it filled in (it is cleared first)."""

    luts: int = 0
    depth: int = 0
    edges: int = 0
    gates_in: int = 0
    gates_mapped: int = 0
    cuts_merged: int = 0
    rounds: list[MapRound] = field(default_factory=list)
    times: dict[str, float] = field(default_factory=dict)

    def clear(self) -> None:
        fresh = MapStats()
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(fresh, name))

    @property
    def total_time(self) -> float:
        return sum(self.times.values())

    def report(self) -> str:
        lines = [
            f"[lut_map] {self.gates_in} gates ({self.gates_mapped} after normalisation) -> "
            f"{self.luts} LUTs, depth {self.depth}, {self.edges} edges, {self.total_time:.2f} s",
        ]
        for r in self.rounds:
            lines.append(f"  {r.name:<14} luts {r.luts:>8}  depth {r.depth:>5}  edges {r.edges:>9}  {r.seconds:6.2f} s")
        lines.append("  times: " + ", ".join(f"{k} {v:.2f} s" for k, v in self.times.items()))
        return "\n".join(lines)


def lut_map(net: GateNetlist, params: MapParams | None = None, stats: MapStats | None = None,
            ) -> tuple[LutCover, MapStats]:
    """Maps `net` to K-input LUTs (see the module docstring). Returns the cover and the
    statistics: `stats` when given (cleared, then filled in), else a new `MapStats`.
    Raises ValueError on invalid parameters or a malformed netlist."""
    from lutopt.logic import _map_extract, _map_round
    from lutopt.logic._truth import words_for
    from lutopt.logic.simplify import normalize

    params = params or MapParams()
    params.validate()
    problem = net.check()
    if problem:
        raise ValueError(f"malformed netlist: {problem}")
    if stats is None:
        stats = MapStats()
    else:
        stats.clear()
    stats.gates_in = net.num_gates
    k = params.lut_size
    ni = int(net.num_inputs)

    t0 = time.perf_counter()
    norm = normalize(net)
    out_lit = 2 * norm.outputs.astype(np.int64) + norm.output_neg.astype(np.int64)
    network = Network(ni, norm.a.astype(np.int64), norm.b.astype(np.int64), norm.fn.astype(np.int64),
                      norm.outputs.astype(np.int64))
    stats.gates_mapped = norm.num_gates
    n_nodes = norm.num_nodes
    stats.times["normalize"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    alimit = params.area_cut_limit or params.cut_limit
    state = MapState.allocate(n_nodes, k, words_for(k), max(params.cut_limit, alimit), params.expand_cone_limit)
    struct_refs = _map_round.structural_refs(network, n_nodes)
    stats.times["setup"] = time.perf_counter() - t0

    _Mapper(params, stats, network, state, struct_refs).run()

    t0 = time.perf_counter()
    leaves, sizes, tables, onode, oneg = _map_extract.extract(ni, out_lit, state)
    leaves, sizes, tables, onode, oneg = _map_extract.finish_cover(ni, leaves, sizes, tables, onode, oneg)
    cover = LutCover(
        num_inputs=ni,
        leaves=leaves,
        sizes=sizes,
        tables=tables,
        outputs=onode,
        output_neg=oneg,
        lut_size=k,
        input_names=net.input_names,
        output_names=net.output_names,
    )
    stats.luts = cover.num_luts
    stats.depth = cover.depth()
    stats.edges = cover.edges()
    stats.times["extract"] = time.perf_counter() - t0
    if params.verbose:
        print(stats.report(), file=sys.stderr)
    return cover, stats


# The arrays a snapshot of the mapping keeps (enough to restart recovery from it).
_SNAPSHOT_FIELDS = ("best_leaves", "best_size", "best_tt", "arrival")


class _Mapper:
    """One run of the mapper on a normalised network: the state arrays, the depth target
    and the figures of the last round, and the phases (depth, then area recovery from each
    start) as methods."""

    def __init__(self, params: MapParams, stats: MapStats, net: Network, state: MapState, struct_refs: np.ndarray):
        self.params, self.stats = params, stats
        self.net, self.st, self.struct_refs = net, state, struct_refs
        self.cut_limit = params.cut_limit
        self.area_cut_limit = params.area_cut_limit or params.cut_limit
        self.target = -1  # required time of the outputs; -1 until the first round
        self.last = (0, 0, 0)  # LUTs, depth, edges after the last round

    def run(self) -> None:
        """Leaves the chosen mapping in the state, with its references."""
        from lutopt.logic import _map_round

        self.reset()
        snaps = self.depth_phase()
        best = None
        best_snap = None
        for start in self.params.starts:
            luts, depth = self.recover(Start(start), snaps)
            if best is None or (depth, luts) < best:
                best = (depth, luts)
                best_snap = self.snapshot() if len(self.params.starts) > 1 else None
        if best_snap is not None:
            self.restore(best_snap)
        _map_round.compute_mapping(self.net, self.st, self.target)

    def depth_phase(self) -> dict[Start, dict]:
        """Delay rounds ((delay, leaves) and (delay, area flow) orders as `DEPTH_PATTERN`
        says) while the depth improves; each later round keeps a node's cut unless the new
        one meets the node's required time, so the depth never gets worse. Returns the
        last mapping of each order that is at the final depth, as a recovery start."""
        snaps = {}
        best_depth = None
        stall = 0
        for r in range(self.params.delay_rounds_max):
            order = DEPTH_PATTERN[r % len(DEPTH_PATTERN)]
            name, key = ("delay", Start.DELAY) if order == SortOrder.DELAY else ("delay-2", Start.DELAY2)
            _luts, depth = self.round("depth", name, Cost.DELAY, order, True)
            snaps[key] = self.snapshot()
            if best_depth is None or depth < best_depth:
                best_depth = depth
                stall = 0
            else:
                stall += 1
            if r >= 1 and stall >= STALL:
                break
        # snapshots at a worse depth than the final one cannot start a recovery
        return {key: snap for key, snap in snaps.items() if snap["depth"] <= self.target}

    def recover(self, start: Start, snaps: dict[Start, dict]) -> tuple[int, int]:
        """Area recovery from one starting mapping; returns its (LUTs, depth)."""
        key = Start.DELAY2 if start == Start.ABC else start
        if key not in snaps:
            key = next(iter(snaps))
        self.restore(snaps[key])
        self.update()
        label = start.value
        if start == Start.ABC:
            self.round(label, "area-0", Cost.DELAY, SortOrder.AREA, True)
        if self.params.expand:
            self.expand(label)
        for _ in range(self.params.flow_rounds):
            self.round(label, "flow", Cost.AREA_FLOW, SortOrder.AREA, False)
            if self.params.expand:
                self.expand(label)
        for _ in range(self.params.exact_rounds):
            before = self.last[0]
            self.round(label, "exact", Cost.AREA_EXACT, SortOrder.AREA, False)
            if self.params.expand:
                self.expand(label)
            if self.last[0] >= before:
                break  # converged
        luts, depth, _ = self.last
        return luts, depth

    # ------------------------------------------------------------------ state

    def reset(self) -> None:
        from lutopt.logic import _map_cuts

        ni, st = self.net.num_inputs, self.st
        _map_cuts.init_cuts(ni, st)
        st.best_size[:] = -1
        st.best_size[: ni + 1] = 0  # inputs and constant: free, no leaves
        st.arrival[:] = 0
        st.best_area[:] = 0
        st.best_edge[:] = 0
        st.est[:] = 1
        st.required[:] = BIG
        self.target = -1

    def snapshot(self) -> dict:
        snap = {name: getattr(self.st, name).copy() for name in _SNAPSHOT_FIELDS}
        snap["depth"] = self.last[1]
        return snap

    def restore(self, snap: dict) -> None:
        for name in _SNAPSHOT_FIELDS:
            getattr(self.st, name)[...] = snap[name]

    def update(self) -> tuple[int, int, int]:
        """Mapping references and required times; the depth target follows the best depth."""
        from lutopt.logic import _map_round

        luts, depth, edges = _map_round.compute_mapping(self.net, self.st, self.target)
        relax = self.params.depth_relax
        if self.target < 0 or depth + relax < self.target:
            self.target = int(depth) + relax
            luts, depth, edges = _map_round.compute_mapping(self.net, self.st, self.target)
        self.last = (int(luts), int(depth), int(edges))
        return self.last

    # ------------------------------------------------------------------ rounds

    def round(self, label: str, name: str, cost: Cost, order: SortOrder, preprocess: bool) -> tuple[int, int]:
        """One cut-selection round; returns (LUTs, depth) after it."""
        from lutopt.logic import _map_round

        t0 = time.perf_counter()
        if cost == Cost.DELAY:
            self.st.refs[:] = self.struct_refs
        limit = self.cut_limit if cost == Cost.DELAY else self.area_cut_limit
        cfg = RoundConfig(int(cost), int(order), bool(preprocess), bool(self.params.shrink_support), int(limit))
        merged = _map_round.map_round(self.net, self.st, cfg)
        self.stats.cuts_merged += int(merged)
        luts, depth, _ = self._record(f"{label}:{name}", name, t0)
        return luts, depth

    def expand(self, label: str) -> None:
        from lutopt.logic import _map_expand

        t0 = time.perf_counter()
        _map_expand.expand_mapping(self.net, self.st, self.params.expand_cone_limit)
        self._record(f"{label}:expand", "expand", t0)

    def _record(self, round_name: str, time_key: str, t0: float) -> tuple[int, int, int]:
        """Updates the mapping figures, appends the round to the stats and reports it."""
        luts, depth, edges = self.update()
        seconds = time.perf_counter() - t0
        self.stats.rounds.append(MapRound(round_name, luts, depth, edges, seconds))
        if self.params.progress is not None:
            self.params.progress(self.stats.rounds[-1])
        self.stats.times[time_key] = self.stats.times.get(time_key, 0.0) + seconds
        return luts, depth, edges
