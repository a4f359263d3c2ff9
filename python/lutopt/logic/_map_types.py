"""The K-LUT mapper's modes, constants and state records, shared by its driver
(`lutopt.logic.mapping`) and its numba kernels (`_map_cuts`, `_map_round`, `_map_expand`,
`_map_extract`). No numba here: importing this module compiles nothing.

The kernels take the state as a few NamedTuples of arrays (numba passes a NamedTuple as
one argument and reads its fields statically) and the modes as plain integers; the enums
below give those integers their names, in one place.
"""

from __future__ import annotations

from enum import Enum, IntEnum
from typing import NamedTuple

import numpy as np

BIG = 1 << 30
"""'No requirement': the required time of a node no output depends on."""
EPS = 0.005
"""Tolerance when cut areas and edge counts (floats) are compared."""


class Cost(IntEnum):
    """How a round prices a cut (and whether it must meet the required times)."""

    DELAY = 0
    """Depth rounds: arrival time first; area flow with structural fanout estimates as
    the tie-break; required times are not enforced (except with `preprocess`)."""
    AREA_FLOW = 1
    """Area flow (fanout estimates blended over rounds), within the required times."""
    AREA_EXACT = 2
    """Exact local area (the LUTs the cut adds to the current mapping, by reference
    counting), within the required times."""


class SortOrder(IntEnum):
    """The order of a node's priority-cut list (the first cut becomes the node's best)."""

    DELAY = 0
    """delay, leaves, area, edges."""
    AREA = 1
    """area, edges, average fanin references (more first), leaves, delay."""
    DELAY_AREA = 2
    """delay, area, edges, leaves."""


class Start(str, Enum):
    """The starting mappings of area recovery (`MapParams.starts` takes these or their
    values)."""

    ABC = "abc"
    """The last (delay, area flow) mapping followed by one area-flow round under the
    depth bound: where ABC's `if` starts its recovery."""
    DELAY = "delay"
    """The last (delay, leaves) mapping of the depth phase."""
    DELAY2 = "delay2"
    """The last (delay, area flow) mapping of the depth phase."""


DEPTH_PATTERN = (SortOrder.DELAY, SortOrder.DELAY_AREA, SortOrder.DELAY_AREA)
"""The cut orders of the depth phase's rounds, repeated."""
STALL = 3
"""The depth phase stops after this many rounds without a better depth."""


class Network(NamedTuple):
    """The normalised gate network (see `simplify.normalize`): node 0 is constant false,
    nodes 1..I the inputs, node I+1+g gate g with fanins fa[g], fb[g] (earlier nodes)
    and function fn[g] (difflogic numbering)."""

    num_inputs: int
    fa: np.ndarray  # int64[G]
    fb: np.ndarray  # int64[G]
    fn: np.ndarray  # int64[G]
    out_nodes: np.ndarray  # int64[O]: the node of each output


class MapState(NamedTuple):
    """Every per-node array of the mapper (N nodes, K leaves, C cut slots, W table words).

    Per node a cut set (at most C - 1 priority cuts plus the trivial cut), each cut with
    sorted leaves, a signature (one bit per leaf id mod 64) and its truth table (see
    `_truth`), and one best cut with its arrival time, area (flow or exact) and edge cost.
    """

    cut_leaves: np.ndarray  # int32[N, C, K]
    cut_size: np.ndarray  # int32[N, C]
    cut_tt: np.ndarray  # uint64[N, C, W]
    cut_sig: np.ndarray  # uint64[N, C]
    cut_count: np.ndarray  # int32[N]
    best_leaves: np.ndarray  # int32[N, K]
    best_size: np.ndarray  # int32[N]: -1 before the node has a cut
    best_tt: np.ndarray  # uint64[N, W]
    arrival: np.ndarray  # int32[N]
    best_area: np.ndarray  # float64[N]
    best_edge: np.ndarray  # float64[N]
    est: np.ndarray  # float64[N]: fanout estimates of area flow
    refs: np.ndarray  # int32[N]: references in the current mapping
    required: np.ndarray  # int32[N]
    stack: np.ndarray  # int64[N + 1]: scratch of the reference counting
    # scratch of the expand step
    tt_work: np.ndarray  # uint64[2K + cone limit + 4, W]
    slot_of: np.ndarray  # int32[N], -1
    visit: np.ndarray  # int64[2N + 2]
    mark: np.ndarray  # int8[N]

    @staticmethod
    def allocate(n_nodes: int, k: int, nw: int, cut_limit: int, cone_limit: int) -> MapState:
        slots = cut_limit + 1
        return MapState(
            cut_leaves=np.zeros((n_nodes, slots, k), dtype=np.int32),
            cut_size=np.zeros((n_nodes, slots), dtype=np.int32),
            cut_tt=np.zeros((n_nodes, slots, nw), dtype=np.uint64),
            cut_sig=np.zeros((n_nodes, slots), dtype=np.uint64),
            cut_count=np.zeros(n_nodes, dtype=np.int32),
            best_leaves=np.zeros((n_nodes, k), dtype=np.int32),
            best_size=np.full(n_nodes, -1, dtype=np.int32),
            best_tt=np.zeros((n_nodes, nw), dtype=np.uint64),
            arrival=np.zeros(n_nodes, dtype=np.int32),
            best_area=np.zeros(n_nodes, dtype=np.float64),
            best_edge=np.zeros(n_nodes, dtype=np.float64),
            est=np.ones(n_nodes, dtype=np.float64),
            refs=np.zeros(n_nodes, dtype=np.int32),
            required=np.zeros(n_nodes, dtype=np.int32),
            stack=np.zeros(n_nodes + 1, dtype=np.int64),
            tt_work=np.zeros((2 * k + cone_limit + 4, nw), dtype=np.uint64),
            slot_of=np.full(n_nodes, -1, dtype=np.int32),
            visit=np.zeros(2 * n_nodes + 2, dtype=np.int64),
            mark=np.zeros(n_nodes, dtype=np.int8),
        )


class RoundConfig(NamedTuple):
    """One cut-selection round (`_map_round.map_round`)."""

    cost: int  # a Cost
    order: int  # a SortOrder
    preprocess: bool
    """The previous best cut is not kept in the list and is replaced only by a cut that
    meets the required time (ABC's preprocessing rounds)."""
    shrink: bool
    """Remove cut leaves the cut's function does not depend on."""
    cut_limit: int
    """Priority cuts kept per node (at most the slots of `MapState` minus one)."""
