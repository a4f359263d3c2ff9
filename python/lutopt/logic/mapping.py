"""K-LUT technology mapping of a gate netlist: `lut_map(net, params) -> (LutCover, MapStats)`.

The algorithm is the priority-cut mapper of ABC's `if` (Mishchenko et al., "Combinational
and sequential mapping with priority cuts", ICCAD 2007) and mockturtle's `lut_map`, run on
the 16-function gate network directly (an XOR is one node, not three ANDs):

1. Normalisation: constants and single-input gates are folded, complemented fanins are
   absorbed into the gate functions, identical gates are merged (structural hashing) and
   dead gates dropped.
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

The kernels are compiled with numba (cached on disk after the first call).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from lutopt.logic.cover import LutCover
from lutopt.logic.netlist import GateNetlist

MIN_LUT_SIZE = 3
MAX_LUT_SIZE = 8


@dataclass(frozen=True)
class MapParams:
    """Knobs of `lut_map`, with their defaults."""

    lut_size: int = 6
    """K: the number of LUT inputs, 3..8."""
    cut_limit: int = 8
    """Priority cuts kept per node (besides the trivial cut). ABC's default is 8; more cuts
    cost time roughly linearly and usually save a few LUTs."""
    area_cut_limit: int = 0
    """Priority cuts per node in the area-recovery rounds (0: the same as `cut_limit`).
    The depth target is set by the delay rounds with `cut_limit` cuts."""
    delay_rounds_max: int = 6
    """Depth phase: delay-oriented rounds, alternately ordering cuts by (delay, leaves) and
    (delay, area flow), each keeping a node's cut unless the new one meets its required
    time, repeated while the depth improves (at most this many rounds)."""
    starts: tuple[str, ...] = ("abc", "delay", "delay2")
    """Starting mappings for area recovery; each is carried through the recovery rounds and
    the result with the fewest LUTs is kept (each start costs a full recovery). "delay": the
    last (delay, leaves) mapping of the depth phase, "delay2": the last (delay, area flow)
    one, "abc": that one followed by an area-flow round under the depth bound, which is
    where ABC's `if` starts its recovery."""
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
    progress: Callable[[MapRound], None] | None = field(default=None, compare=False)
    """Called after every round with its figures (the `gate-map-luts` status line)."""

    def check(self) -> str | None:
        if not (MIN_LUT_SIZE <= self.lut_size <= MAX_LUT_SIZE):
            return f"lut-size must be between {MIN_LUT_SIZE} and {MAX_LUT_SIZE}, got {self.lut_size}"
        if not (1 <= self.cut_limit <= 64):
            return f"cut limit must be between 1 and 64, got {self.cut_limit}"
        if self.flow_rounds < 0 or self.exact_rounds < 0 or self.depth_relax < 0:
            return "round counts and depth relaxation must not be negative"
        return None


@dataclass
class MapRound:
    name: str
    luts: int
    depth: int
    edges: int
    seconds: float


@dataclass
class MapStats:
    """What `lut_map` did: the result's size and depth, and the time of each phase."""

    luts: int = 0
    depth: int = 0
    edges: int = 0
    gates_in: int = 0
    gates_mapped: int = 0
    cuts_merged: int = 0
    rounds: list[MapRound] = field(default_factory=list)
    times: dict[str, float] = field(default_factory=dict)

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


def lut_map(net: GateNetlist, params: MapParams | None = None) -> tuple[LutCover, MapStats]:
    """Maps `net` to K-input LUTs; see the module docstring."""
    from lutopt.logic import _map_kernels as kern
    from lutopt.logic._truth import words_for

    params = params or MapParams()
    problem = params.check()
    if problem:
        raise ValueError(problem)
    problem = net.check()
    if problem:
        raise ValueError(f"malformed netlist: {problem}")
    stats = MapStats(gates_in=net.num_gates)
    k = params.lut_size
    nw = words_for(k)
    climit = params.cut_limit
    alimit = params.area_cut_limit or climit
    ni = int(net.num_inputs)
    base = ni + 1

    t0 = time.perf_counter()
    fa, fb, fn, out_lit = kern.normalize(
        ni,
        np.ascontiguousarray(net.fn, dtype=np.int64),
        np.ascontiguousarray(net.a, dtype=np.int64),
        np.ascontiguousarray(net.b, dtype=np.int64),
        np.ascontiguousarray(net.outputs, dtype=np.int64),
        np.ascontiguousarray(net.output_neg, dtype=np.bool_),
    )
    stats.gates_mapped = len(fn)
    n_nodes = base + len(fn)
    out_nodes = (out_lit >> 1).astype(np.int64)
    stats.times["normalize"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    st = _State(n_nodes, k, nw, max(climit, alimit), params.expand_cone_limit)
    struct_refs = kern.structural_refs(ni, fa, fb, out_nodes, n_nodes)
    stats.times["setup"] = time.perf_counter() - t0

    for start in params.starts:
        if start not in STARTS:
            raise ValueError(f"unknown mapping start '{start}' (expected one of {', '.join(STARTS)})")
    ctx = _Context(params, stats, ni, fa, fb, fn, out_nodes, struct_refs, climit, alimit)
    st.reset(ni)
    # 1. depth: delay rounds (delay/leaves and delay/area-flow priorities, alternating) while
    #    the depth improves; each later round keeps a node's cut unless the new one meets
    #    the node's required time, so the depth never gets worse
    snaps = {}
    best_depth = None
    stall = 0
    for r in range(params.delay_rounds_max):
        is_delay = DEPTH_PATTERN[r % len(DEPTH_PATTERN)] == "d"
        name, sortmode = ("delay", kern.SORT_DELAY) if is_delay else ("delay-2", kern.SORT_DELAY_AREA)
        _luts, depth = _round(st, ctx, "depth", name, 0, sortmode, True)
        snaps["delay" if is_delay else "delay2"] = st.snapshot()
        if best_depth is None or depth < best_depth:
            best_depth = depth
            stall = 0
        else:
            stall += 1
        if r >= 1 and stall >= STALL:
            break
    # snapshots at a worse depth than the final one cannot start a recovery
    snaps = {key: snap for key, snap in snaps.items() if snap["depth"] <= st.target}
    # 2. area recovery from each starting mapping; keep the best result
    best = None
    best_snap = None
    for start in params.starts:
        key = "delay2" if start == "abc" else start
        if key not in snaps:
            key = next(iter(snaps))
        st.restore(snaps[key])
        _update(st, ctx)
        if start == "abc":
            _round(st, ctx, start, "area-0", 0, kern.SORT_AREA, True)
        if params.expand:
            _expand(st, ctx, start)
        for _ in range(params.flow_rounds):
            _round(st, ctx, start, "flow", 1, kern.SORT_AREA, False)
            if params.expand:
                _expand(st, ctx, start)
        for _ in range(params.exact_rounds):
            before = st.last[0]
            _round(st, ctx, start, "exact", 2, kern.SORT_AREA, False)
            if params.expand:
                _expand(st, ctx, start)
            if st.last[0] >= before:
                break  # converged
        luts, depth, _ = st.last
        if best is None or (depth, luts) < best:
            best = (depth, luts)
            best_snap = st.snapshot() if len(params.starts) > 1 else None
    if best_snap is not None:
        st.restore(best_snap)
    kern.compute_mapping(ni, out_nodes, st.best_leaves, st.best_size, st.arrival, st.refs, st.required, st.target)
    best_leaves, best_size, best_tt, refs = st.best_leaves, st.best_size, st.best_tt, st.refs

    t0 = time.perf_counter()
    leaves, sizes, tables, onode, oneg = kern.extract(ni, out_lit, best_leaves, best_size, best_tt, refs, k, nw)
    leaves, sizes, tables, onode, oneg = kern.finish_cover(ni, leaves, sizes, tables, onode, oneg, k, nw)
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
        print(stats.report())
    return cover, stats


STARTS = ("abc", "delay", "delay2")
DEPTH_PATTERN = "dee"
STALL = 3


class _Context:
    def __init__(self, params, stats, ni, fa, fb, fn, out_nodes, struct_refs, climit, alimit):
        self.params, self.stats = params, stats
        self.ni, self.fa, self.fb, self.fn = ni, fa, fb, fn
        self.out_nodes, self.struct_refs = out_nodes, struct_refs
        self.climit, self.alimit = climit, alimit


class _State:
    """The mapper's arrays: per-node cut sets and best cuts."""

    def __init__(self, n_nodes: int, k: int, nw: int, climit: int, cone_limit: int):
        slots = climit + 1
        self.k, self.nw = k, nw
        self.cut_leaves = np.zeros((n_nodes, slots, k), dtype=np.int32)
        self.cut_size = np.zeros((n_nodes, slots), dtype=np.int32)
        self.cut_tt = np.zeros((n_nodes, slots, nw), dtype=np.uint64)
        self.cut_sig = np.zeros((n_nodes, slots), dtype=np.uint64)
        self.cut_count = np.zeros(n_nodes, dtype=np.int32)
        self.best_leaves = np.zeros((n_nodes, k), dtype=np.int32)
        self.best_size = np.full(n_nodes, -1, dtype=np.int32)
        self.best_tt = np.zeros((n_nodes, nw), dtype=np.uint64)
        self.arrival = np.zeros(n_nodes, dtype=np.int32)
        self.best_area = np.zeros(n_nodes, dtype=np.float64)
        self.best_edge = np.zeros(n_nodes, dtype=np.float64)
        self.est = np.ones(n_nodes, dtype=np.float64)
        self.refs = np.zeros(n_nodes, dtype=np.int32)
        self.required = np.zeros(n_nodes, dtype=np.int32)
        self.stack = np.zeros(n_nodes + 1, dtype=np.int64)
        # expand-step scratch
        self.tt_work = np.zeros((2 * k + cone_limit + 4, nw), dtype=np.uint64)
        self.slot_of = np.full(n_nodes, -1, dtype=np.int32)
        self.visit = np.zeros(2 * n_nodes + 2, dtype=np.int64)
        self.mark = np.zeros(n_nodes, dtype=np.int8)
        self.target = -1
        self.last = (0, 0, 0)

    def reset(self, ni: int) -> None:
        from lutopt.logic import _map_kernels as kern

        kern.init_cuts(ni, self.cut_leaves, self.cut_size, self.cut_tt, self.cut_sig, self.cut_count, self.nw)
        self.best_size[:] = -1
        self.best_size[: ni + 1] = 0  # inputs and constant: free, no leaves
        self.arrival[:] = 0
        self.best_area[:] = 0
        self.best_edge[:] = 0
        self.est[:] = 1
        self.required[:] = kern.BIG
        self.target = -1

    _KEEP = ("best_leaves", "best_size", "best_tt", "arrival")

    def snapshot(self):
        snap = {name: getattr(self, name).copy() for name in self._KEEP}
        snap["depth"] = self.last[1]
        return snap

    def restore(self, snap) -> None:
        for name in self._KEEP:
            getattr(self, name)[...] = snap[name]


def _update(st: _State, ctx: _Context) -> tuple[int, int, int]:
    """Mapping references and required times; the depth target follows the best depth."""
    from lutopt.logic import _map_kernels as kern

    args = (ctx.ni, ctx.out_nodes, st.best_leaves, st.best_size, st.arrival, st.refs, st.required)
    luts, depth, edges = kern.compute_mapping(*args, st.target)
    relax = ctx.params.depth_relax
    if st.target < 0 or depth + relax < st.target:
        st.target = int(depth) + relax
        luts, depth, edges = kern.compute_mapping(*args, st.target)
    st.last = (int(luts), int(depth), int(edges))
    return st.last


def _round(st: _State, ctx: _Context, label: str, name: str, mode: int, sortmode: int, pre: bool) -> tuple[int, int]:
    from lutopt.logic import _map_kernels as kern

    t0 = time.perf_counter()
    if mode == 0:
        st.refs[:] = ctx.struct_refs
    merged = kern.map_round(
        mode, sortmode, pre, ctx.params.shrink_support, st.k, ctx.climit if mode == 0 else ctx.alimit, st.nw,
        ctx.ni, ctx.fa, ctx.fb, ctx.fn,
        st.cut_leaves, st.cut_size, st.cut_tt, st.cut_sig, st.cut_count,
        st.best_leaves, st.best_size, st.best_tt, st.arrival, st.best_area, st.best_edge,
        st.refs, st.est, st.required, st.stack,
    )
    ctx.stats.cuts_merged += int(merged)
    luts, depth, edges = _update(st, ctx)
    seconds = time.perf_counter() - t0
    ctx.stats.rounds.append(MapRound(f"{label}:{name}", luts, depth, edges, seconds))
    if ctx.params.progress is not None:
        ctx.params.progress(ctx.stats.rounds[-1])
    ctx.stats.times[name] = ctx.stats.times.get(name, 0.0) + seconds
    return luts, depth


def _expand(st: _State, ctx: _Context, label: str) -> None:
    from lutopt.logic import _map_kernels as kern

    t0 = time.perf_counter()
    kern.expand_mapping(
        ctx.ni, ctx.fa, ctx.fb, ctx.fn, st.k, st.nw, st.best_leaves, st.best_size, st.best_tt, st.arrival,
        st.refs, st.required, st.stack, st.tt_work, st.slot_of, st.visit, st.mark, ctx.params.expand_cone_limit,
    )
    luts, depth, edges = _update(st, ctx)
    seconds = time.perf_counter() - t0
    ctx.stats.rounds.append(MapRound(f"{label}:expand", luts, depth, edges, seconds))
    if ctx.params.progress is not None:
        ctx.params.progress(ctx.stats.rounds[-1])
    ctx.stats.times["expand"] = ctx.stats.times.get("expand", 0.0) + seconds
