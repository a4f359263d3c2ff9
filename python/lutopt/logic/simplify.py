"""Local logic optimisations on `GateNetlist`s: structural hashing, constant propagation,
removal of double inversions, removal of dead gates, recovery of XORs from AIG form.

Each is a plain function from netlist to netlist (the inputs and outputs keep their
order and names); the `gate-*` passes in `lowering/` apply them to every `gate.netlist`.
They do one thing each: constant propagation, for instance, leaves the gates that only
fed a folded gate in place, and `remove_dead_gates` is what deletes them. `normalize` is
the composition the K-LUT mapper starts from.

Structural hashing, constant propagation, inverter removal and liveness run on the numba
kernels of `_strash_kernels` (one implementation, shared with the mapper); they compute
what copying the netlist through a `NetlistBuilder` with the matching option computes.
"""

from __future__ import annotations

import numpy as np

from lutopt.logic.netlist import GateNetlist


def _rebuild(net: GateNetlist, options: int) -> GateNetlist:
    """`net` copied gate by gate with the `_strash_kernels.Rebuild` flags `options`."""
    from lutopt.logic._strash_kernels import rebuild_gates

    fn, a, b, out_lit = rebuild_gates(
        int(net.num_inputs),
        np.ascontiguousarray(net.fn, dtype=np.int64),
        np.ascontiguousarray(net.a, dtype=np.int64),
        np.ascontiguousarray(net.b, dtype=np.int64),
        np.ascontiguousarray(net.outputs, dtype=np.int64),
        np.ascontiguousarray(net.output_neg, dtype=np.bool_),
        int(options),
    )
    return GateNetlist(
        num_inputs=net.num_inputs,
        fn=fn,
        a=a,
        b=b,
        outputs=(out_lit >> 1).astype(np.int32),
        output_neg=(out_lit & 1).astype(bool),
        input_names=net.input_names,
        output_names=net.output_names,
    )


def strash(net: GateNetlist) -> GateNetlist:
    """Structural hashing: gates that compute the same function of the same fanin nodes,
    up to operand order and output complement, are merged. Every gate is normalised
    (fanins in increasing node order, f(0,0) = 0; a complement moves into the consumers'
    functions or the output flags), so `nand(x, y)` and `and(y, x)` become one gate.
    Gates without a two-input normal form (a constant fanin, one node twice, a function
    that ignores a fanin) reduce to the literal they compute, as in an AIG package."""
    from lutopt.logic._strash_kernels import Rebuild

    return _rebuild(net, Rebuild.STRASH)


def propagate_constants(net: GateNetlist) -> GateNetlist:
    """Constant propagation and trivial gates: a gate with a constant fanin, a gate whose
    function ignores a fanin (0, 3, 5, 10, 12, 15) or whose fanins are one node is
    replaced by the constant or the (possibly complemented) literal it computes;
    complements fold into the consumers' functions and the output flags."""
    from lutopt.logic._strash_kernels import Rebuild

    return _rebuild(net, Rebuild.SIMPLIFY)


def remove_double_inversions(net: GateNetlist) -> GateNetlist:
    """Removes inverters (functions 10 `~b` and 12 `~a`): each consumer takes the
    inverter's input with the complement folded into its own function (so NOT(NOT x) is
    x and `and(~x, y)` becomes one gate), and an output takes it as its complement flag."""
    from lutopt.logic._strash_kernels import Rebuild

    return _rebuild(net, Rebuild.FOLD_INVERTERS)


def live_gates(net: GateNetlist) -> np.ndarray:
    """bool[G]: the gates in the transitive fanin of some output."""
    from lutopt.logic._strash_kernels import live_nodes

    live = live_nodes(
        int(net.num_inputs),
        np.ascontiguousarray(net.a, dtype=np.int64),
        np.ascontiguousarray(net.b, dtype=np.int64),
        np.ascontiguousarray(net.outputs, dtype=np.int64),
    )
    return live[1 + net.num_inputs :].copy()


def keep_gates(net: GateNetlist, keep: np.ndarray) -> GateNetlist:
    """The netlist of the gates in `keep` (bool[G]), renumbered in order. Every fanin of a
    kept gate and every output must be a kept gate, an input or the constant."""
    base = 1 + net.num_inputs
    remap = np.arange(net.num_nodes, dtype=np.int64)
    remap[base:][keep] = base + np.arange(int(keep.sum()))
    return GateNetlist(
        num_inputs=net.num_inputs,
        fn=net.fn[keep].astype(np.uint8),
        a=remap[net.a[keep]].astype(np.int32),
        b=remap[net.b[keep]].astype(np.int32),
        outputs=remap[net.outputs].astype(np.int32),
        output_neg=np.asarray(net.output_neg, dtype=bool).copy(),
        input_names=net.input_names,
        output_names=net.output_names,
    )


def remove_dead_gates(net: GateNetlist) -> GateNetlist:
    """Removes the gates that no output depends on."""
    return keep_gates(net, live_gates(net))


def normalize(net: GateNetlist) -> GateNetlist:
    """The form the K-LUT mapper works on: `strash` (every gate depends on both of its
    two distinct, non-constant fanins; equal gates merged; f(0, 0) = 0), then
    `remove_dead_gates`."""
    return remove_dead_gates(strash(net))


def node_levels(net: GateNetlist) -> np.ndarray:
    """int32[num_nodes]: logic level of every node (constant and inputs at 0)."""
    level = [0] * net.num_nodes
    base = 1 + net.num_inputs
    for g, (x, y) in enumerate(zip(net.a.tolist(), net.b.tolist())):
        lx, ly = level[x], level[y]
        level[base + g] = (lx if lx > ly else ly) + 1
    return np.array(level, dtype=np.int32)


def depth(net: GateNetlist) -> int:
    """The largest level of an output (0 when every output is an input or constant)."""
    if not net.num_outputs:
        return 0
    return int(node_levels(net)[net.outputs].max())


_XOR_FN = np.array([6, 9], dtype=np.uint8)


def recover_xors(net: GateNetlist) -> GateNetlist:
    """The netlist with every AND of two complemented ANDs that is an XOR of their common
    fanins, `~(x' & y') & ~(~x' & ~y')` with x' = x ^ cx, y' = y ^ cy, turned into one
    XOR (or XNOR) gate of x and y: the three-AND form in which AIGs (AIGER files, AIG
    packages) carry XORs. Gates must be in AIG form (functions 1, 2, 4, 8) to be
    recognised, so run it before `strash`. Vectorised; no gate is added or removed (the
    inner ANDs may become dead)."""
    base = 1 + net.num_inputs
    fn, a, b = net.fn, net.a.astype(np.int64), net.b.astype(np.int64)
    # complement of each fanin of an AND-family gate with f(0,0) = 0 (functions 1, 2, 4, 8)
    comp_a = np.isin(fn, (4, 8)).astype(np.int64)
    comp_b = np.isin(fn, (2, 8)).astype(np.int64)
    and_like = np.isin(fn, (1, 2, 4, 8))
    cand = np.flatnonzero((fn == 8) & (a >= base) & (b >= base))
    if len(cand) == 0:
        return net
    p, q = a[cand] - base, b[cand] - base
    ok = and_like[p] & and_like[q]
    pa, pb, qa, qb = a[p], b[p], a[q], b[q]
    same = ((pa == qa) & (pb == qb)) | ((pa == qb) & (pb == qa))
    swapped = pa != qa  # q's fanins in the other order (only when they differ)
    q_ca = np.where(swapped, comp_b[q], comp_a[q])
    q_cb = np.where(swapped, comp_a[q], comp_b[q])
    opposite = (comp_a[p] != q_ca) & (comp_b[p] != q_cb) & (pa != pb)
    hit = ok & same & opposite
    g = cand[hit]
    out_fn = fn.copy()
    out_a, out_b = net.a.copy(), net.b.copy()
    out_fn[g] = _XOR_FN[(comp_a[p[hit]] ^ comp_b[p[hit]])]
    out_a[g] = pa[hit]
    out_b[g] = pb[hit]
    return GateNetlist(net.num_inputs, out_fn.astype(np.uint8), out_a, out_b, net.outputs, net.output_neg,
                       net.input_names, net.output_names)
