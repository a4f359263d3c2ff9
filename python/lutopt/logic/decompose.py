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
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from lutopt.logic._decompose_ac import ENCODINGS, column_classes, encode_classes
from lutopt.logic._decompose_order import (
    Diagram,
    GateSink,
    _weights,
    build_diagram,
    order_proxy,
    order_proxy_reference,
    search_orders,
    table_bits,
)
from lutopt.logic._decompose_params import (
    CONST_FALSE,
    CONST_TRUE,
    MAX_INPUT_BITS,
    MAX_LUT_SIZE,
    MIN_LUT_SIZE,
    DecomposeParams,
    DecomposeStats,
    TableStats,
    TruthTable,
    restrict_table,
)
from lutopt.logic._decompose_plans import _describe, _emit, _map_params, _plan_outputs, output_partitions
from lutopt.logic.cover import LutCover

__all__ = [
    "CONST_FALSE", "CONST_TRUE", "ENCODINGS", "MAX_INPUT_BITS", "MAX_LUT_SIZE", "MIN_LUT_SIZE", "DecomposeParams",
    "DecomposeStats", "Diagram", "GateSink", "TableStats", "TruthTable", "_weights", "build_diagram",
    "column_classes", "decompose_tables", "encode_classes", "order_proxy", "order_proxy_reference",
    "output_partitions", "restrict_table", "search_orders", "table_bits",
]


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
