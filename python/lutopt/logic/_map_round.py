"""The round kernel of the K-LUT mapper: priority-cut enumeration with truth tables and the
choice of every node's best cut; the mapping's references and required times (see
`lutopt.logic.mapping` for the algorithm, `_map_types` for the state and the modes).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from lutopt.logic._map_cuts import (
    area_exact,
    area_flow,
    ave_refs,
    compare_cuts,
    cut_delay,
    deref_cut,
    is_subset,
    merge_leaves,
    merged_truth,
    ref_cut,
    signature,
)
from lutopt.logic._map_types import BIG, Cost
from lutopt.logic._truth import popcount64, tt_shrink, tt_var

# The costs as plain integers (numba compares them with `cfg.cost`).
_DELAY = int(Cost.DELAY)
_AREA_FLOW = int(Cost.AREA_FLOW)
_AREA_EXACT = int(Cost.AREA_EXACT)


@njit(cache=True)
def map_round(net, st, cfg):
    """Enumerates the priority cuts of every gate of `net` (a `Network`) in topological
    order and picks a best cut, updating `st` (a `MapState`) as `cfg` (a `RoundConfig`)
    says. `Cost.DELAY`: arrival time first (area flow with structural fanout estimates as
    tie-break); `Cost.AREA_FLOW` and `Cost.AREA_EXACT` keep every node's arrival within its
    required time and maintain `refs` incrementally. With `cfg.preprocess` the previous
    best cut is not kept in the list and is replaced only by a cut that meets the required
    time (ABC's preprocessing rounds). Returns the number of cuts merged.
    """
    num_inputs, fa, fb, fn = net.num_inputs, net.fa, net.fb, net.fn
    cut_leaves, cut_size, cut_tt, cut_sig, cut_count = st.cut_leaves, st.cut_size, st.cut_tt, st.cut_sig, st.cut_count
    best_leaves, best_size, best_tt = st.best_leaves, st.best_size, st.best_tt
    arrival, best_area, best_edge = st.arrival, st.best_area, st.best_edge
    refs, est, required, stack = st.refs, st.est, st.required, st.stack
    cost, sort_order, preprocess, shrink, c_limit = cfg.cost, cfg.order, cfg.preprocess, cfg.shrink, cfg.cut_limit
    k = cut_leaves.shape[2]
    nw = cut_tt.shape[2]
    base = num_inputs + 1
    g_count = len(fn)
    slots = c_limit + 1
    cl = np.zeros((slots, k), dtype=np.int32)
    cs = np.zeros(slots, dtype=np.int32)
    ct = np.zeros((slots, nw), dtype=np.uint64)
    csg = np.zeros(slots, dtype=np.uint64)
    cd = np.zeros(slots, dtype=np.int32)
    ca = np.zeros(slots, dtype=np.float64)
    ce = np.zeros(slots, dtype=np.float64)
    cr = np.zeros(slots, dtype=np.float64)
    order = np.zeros(slots, dtype=np.int64)
    ta = np.zeros((1, nw), dtype=np.uint64)
    tb = np.zeros((1, nw), dtype=np.uint64)
    posa = np.zeros(k, dtype=np.int32)
    posb = np.zeros(k, dtype=np.int32)
    merged = 0
    for g in range(g_count):
        n = base + g
        a = fa[g]
        b = fb[g]
        f = fn[g]
        if cost == _DELAY:
            est[n] = refs[n]
        elif cost == _AREA_FLOW:
            est[n] = (2.0 * est[n] + refs[n]) / 3.0
        if cost != _DELAY and refs[n] > 0:
            deref_cut(best_leaves[n], best_size[n], refs, best_leaves, best_size, base, stack)
        for s in range(slots):
            order[s] = s
        nc = 0
        if best_size[n] >= 0:
            bsz = best_size[n]
            d = cut_delay(best_leaves[n], bsz, arrival)
            if cost == _AREA_EXACT:
                ar, ed = area_exact(best_leaves[n], bsz, refs, best_leaves, best_size, base, stack)
            else:
                ar, ed = area_flow(best_leaves[n], bsz, refs, est, best_area, best_edge)
            arrival[n] = d
            best_area[n] = ar
            best_edge[n] = ed
            if not preprocess:
                p = order[0]
                for i in range(bsz):
                    cl[p, i] = best_leaves[n, i]
                cs[p] = bsz
                for w in range(nw):
                    ct[p, w] = best_tt[n, w]
                csg[p] = signature(cl[p], bsz)
                cd[p] = d
                ca[p] = ar
                ce[p] = ed
                cr[p] = ave_refs(cl[p], bsz, refs) if cost != _DELAY else 0.0
                nc = 1
        req = required[n]
        for i in range(cut_count[a]):
            sa = cut_sig[a, i]
            na = cut_size[a, i]
            for j in range(cut_count[b]):
                sg = sa | cut_sig[b, j]
                if popcount64(sg) > k:
                    continue
                p = order[nc]
                nb = cut_size[b, j]
                sz = merge_leaves(cut_leaves[a, i], na, cut_leaves[b, j], nb, cl[p], posa, posb, k)
                if sz < 0:
                    continue
                merged += 1
                # truth table of the merged cut: needed now only when the cuts share leaves
                # (only then can the function ignore one of them); otherwise computed
                # when the cut is kept
                have_tt = False
                if shrink and na + nb > sz:
                    merged_truth(cut_tt, a, i, na, b, j, nb, posa, posb, ta, tb, ct, p, f, nw)
                    have_tt = True
                    sz2 = tt_shrink(ct, p, cl[p], sz, nw)
                    if sz2 != sz:
                        sz = sz2
                        sg = signature(cl[p], sz)
                cs[p] = sz
                csg[p] = sg
                # dominance filter
                dominated = False
                r = 0
                while r < nc:
                    q = order[r]
                    if cs[q] > sz:
                        if (csg[q] & sg) == sg and is_subset(cl[p], sz, cl[q], cs[q]):
                            for t in range(r, nc):
                                order[t] = order[t + 1]
                            order[nc] = q
                            nc -= 1
                            continue
                    else:
                        if (csg[q] & sg) == csg[q] and is_subset(cl[q], cs[q], cl[p], sz):
                            dominated = True
                            break
                    r += 1
                if dominated:
                    continue
                d = cut_delay(cl[p], sz, arrival)
                if cost != _DELAY and d > req:
                    continue
                if cost == _AREA_EXACT:
                    ar, ed = area_exact(cl[p], sz, refs, best_leaves, best_size, base, stack)
                else:
                    ar, ed = area_flow(cl[p], sz, refs, est, best_area, best_edge)
                cd[p] = d
                ca[p] = ar
                ce[p] = ed
                cr[p] = ave_refs(cl[p], sz, refs) if cost != _DELAY else 0.0
                # insert in priority order (a cut that falls off the end is dropped)
                t = nc
                while t > 0:
                    q = order[t - 1]
                    if compare_cuts(sort_order, cd[q], ca[q], ce[q], cr[q], cs[q], d, ar, ed, cr[p], sz) <= 0:
                        break
                    t -= 1
                if t >= c_limit:
                    continue
                if not have_tt:
                    merged_truth(cut_tt, a, i, na, b, j, nb, posa, posb, ta, tb, ct, p, f, nw)
                for u in range(nc, t, -1):
                    order[u] = order[u - 1]
                order[t] = p
                if nc < c_limit:
                    nc += 1
        # best cut
        p = order[0]
        if nc > 0 and (not preprocess or cd[p] <= req):
            sz = cs[p]
            for i in range(sz):
                best_leaves[n, i] = cl[p, i]
            best_size[n] = sz
            for w in range(nw):
                best_tt[n, w] = ct[p, w]
            arrival[n] = cd[p]
            best_area[n] = ca[p]
            best_edge[n] = ce[p]
        if cost != _DELAY and refs[n] > 0:
            ref_cut(best_leaves[n], best_size[n], refs, best_leaves, best_size, base, stack)
        # store the cut set, then the trivial cut
        for r in range(nc):
            q = order[r]
            sz = cs[q]
            for i in range(sz):
                cut_leaves[n, r, i] = cl[q, i]
            cut_size[n, r] = sz
            cut_sig[n, r] = csg[q]
            for w in range(nw):
                cut_tt[n, r, w] = ct[q, w]
        cut_leaves[n, nc, 0] = n
        cut_size[n, nc] = 1
        cut_sig[n, nc] = np.uint64(1) << np.uint64(n & 63)
        tt_var(cut_tt[n], nc, 0, nw)
        cut_count[n] = nc + 1
    return merged


@njit(cache=True)
def compute_mapping(net, st, target):
    """References (`st.refs`) and required times (`st.required`) of the mapping made of the
    current best cuts. The required time of the outputs is `target`, or the current depth
    when target < 0. Returns (LUTs, depth, edges)."""
    num_inputs, out_nodes = net.num_inputs, net.out_nodes
    best_leaves, best_size, arrival, refs, required = st.best_leaves, st.best_size, st.arrival, st.refs, st.required
    base = num_inputs + 1
    n_nodes = len(refs)
    for x in range(n_nodes):
        refs[x] = 0
        required[x] = BIG
    depth = 0
    for o in out_nodes:
        refs[o] += 1
        if arrival[o] > depth:
            depth = arrival[o]
    luts = 0
    edges = 0
    for n in range(n_nodes - 1, base - 1, -1):
        if refs[n] > 0:
            luts += 1
            edges += best_size[n]
            for i in range(best_size[n]):
                refs[best_leaves[n, i]] += 1
    req_out = depth if target < 0 else target
    for o in out_nodes:
        required[o] = req_out
    for n in range(n_nodes - 1, base - 1, -1):
        if refs[n] > 0:
            r = required[n] - 1
            for i in range(best_size[n]):
                x = best_leaves[n, i]
                if required[x] > r:
                    required[x] = r
    return luts, depth, edges


@njit(cache=True)
def structural_refs(net, n_nodes):
    """int32[n_nodes]: the fanout of every node in the gate network (outputs included)."""
    fa, fb, out_nodes = net.fa, net.fb, net.out_nodes
    refs = np.zeros(n_nodes, dtype=np.int32)
    for g in range(len(fa)):
        refs[fa[g]] += 1
        refs[fb[g]] += 1
    for o in out_nodes:
        refs[o] += 1
    return refs

