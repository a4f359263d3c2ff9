"""Numba kernels of the K-LUT mapper (see `lutopt.logic.mapping` for the algorithm).

Network arrays: node 0 is constant false, nodes 1..I the inputs, node I+1+g gate g with
fanins fa[g], fb[g] (earlier nodes) and function fn[g] (difflogic numbering).

Per node the mapper keeps a cut set (at most C priority cuts plus the trivial cut), each cut
with sorted leaves, a signature (one bit per leaf id mod 64) and its truth table (see
`_truth`), and one best cut with its arrival time, area (flow or exact) and edge cost.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numba import types
from numba.typed import Dict

from lutopt.logic._truth import popcount64, tt_flip, tt_gate, tt_shrink, tt_stretch, tt_var

BIG = 1 << 30
EPS = 0.005

# Sort modes of the priority-cut lists.
SORT_DELAY = 0  # delay, leaves, area, edge
SORT_AREA = 1  # area, edge, average fanin refs (more first), leaves, delay
SORT_DELAY_AREA = 2  # delay, area, edge, leaves

# ----------------------------------------------------------------------------------------
# Normalisation: constants and single-input gates folded away, complemented edges absorbed
# into gate functions, structural hashing, dead gates removed.


@njit(cache=True)
def _flip_a(f):
    # f(~a, b): f00<->f10 (bits 3,1), f01<->f11 (bits 2,0)
    return (((f >> 1) & 1) << 3) | ((f & 1) << 2) | (((f >> 3) & 1) << 1) | ((f >> 2) & 1)


@njit(cache=True)
def _flip_b(f):
    # f(a, ~b): f00<->f01 (bits 3,2), f10<->f11 (bits 1,0)
    return (((f >> 2) & 1) << 3) | (((f >> 3) & 1) << 2) | (((f >> 0) & 1) << 1) | (((f >> 1) & 1) << 0)


@njit(cache=True)
def _swap_ab(f):
    # f(b, a): f01<->f10 (bits 2,1)
    return (f & 0b1001) | (((f >> 2) & 1) << 1) | (((f >> 1) & 1) << 2)


@njit(cache=True)
def _single(g0, g1, x):
    """Literal of the one-input function (g(0), g(1)) of literal x."""
    if g0 == g1:
        return g0
    if g1 == 1:
        return x
    return x ^ 1


@njit(cache=True)
def normalize(num_inputs, fn, fa, fb, outputs, output_neg):
    """Returns (nfa, nfb, nfn, out_lit): a network whose gates depend on both of their two
    distinct, non-constant fanins, structurally hashed, without dead gates; out_lit[k] is
    2*node + complement for output k."""
    g_count = len(fn)
    base = num_inputs + 1
    n_nodes = base + g_count
    lit = np.empty(n_nodes, dtype=np.int64)
    lit[0] = 0
    for i in range(1, base):
        lit[i] = 2 * i
    nfa = np.empty(g_count, dtype=np.int64)
    nfb = np.empty(g_count, dtype=np.int64)
    nfn = np.empty(g_count, dtype=np.int64)
    table = Dict.empty(key_type=types.int64, value_type=types.int64)
    ng = 0
    for g in range(g_count):
        la = lit[fa[g]]
        lb = lit[fb[g]]
        f = np.int64(fn[g])
        if la & 1:
            f = _flip_a(f)
            la ^= 1
        if lb & 1:
            f = _flip_b(f)
            lb ^= 1
        na = la >> 1
        nb = lb >> 1
        f00 = (f >> 3) & 1
        f01 = (f >> 2) & 1
        f10 = (f >> 1) & 1
        f11 = f & 1
        if na == 0 and nb == 0:
            res = f00
        elif na == 0:
            res = _single(f00, f01, lb)
        elif nb == 0:
            res = _single(f00, f10, la)
        elif na == nb:
            res = _single(f00, f11, la)
        else:
            dep_a = f00 != f10 or f01 != f11
            dep_b = f00 != f01 or f10 != f11
            if not dep_a and not dep_b:
                res = f00
            elif not dep_a:
                res = _single(f00, f01, lb)
            elif not dep_b:
                res = _single(f00, f10, la)
            else:
                if na > nb:
                    f = _swap_ab(f)
                    na, nb = nb, na
                neg = 0
                if f & 8:
                    f = 15 - f
                    neg = 1
                key = (na * n_nodes + nb) * 16 + f
                if key in table:
                    res = table[key] ^ neg
                else:
                    node = base + ng
                    nfa[ng] = na
                    nfb[ng] = nb
                    nfn[ng] = f
                    ng += 1
                    table[key] = 2 * node
                    res = 2 * node ^ neg
        lit[base + g] = res
    out_lit = np.empty(len(outputs), dtype=np.int64)
    for k in range(len(outputs)):
        out_lit[k] = lit[outputs[k]] ^ (1 if output_neg[k] else 0)
    # Remove dead gates.
    live = np.zeros(base + ng, dtype=np.bool_)
    for k in range(len(out_lit)):
        live[out_lit[k] >> 1] = True
    for g in range(ng - 1, -1, -1):
        if live[base + g]:
            live[nfa[g]] = True
            live[nfb[g]] = True
    new_id = np.arange(base + ng)
    m = 0
    for g in range(ng):
        if live[base + g]:
            new_id[base + g] = base + m
            nfa[m] = new_id[nfa[g]]
            nfb[m] = new_id[nfb[g]]
            nfn[m] = nfn[g]
            m += 1
    for k in range(len(out_lit)):
        out_lit[k] = 2 * new_id[out_lit[k] >> 1] | (out_lit[k] & 1)
    return nfa[:m].copy(), nfb[:m].copy(), nfn[:m].copy(), out_lit


# ----------------------------------------------------------------------------------------
# Cut costs


@njit(cache=True)
def _cut_delay(leaves, size, arrival):
    d = 0
    for i in range(size):
        x = arrival[leaves[i]]
        if x > d:
            d = x
    return d + 1


@njit(cache=True)
def _area_flow(leaves, size, refs, est, best_area, best_edge):
    a = 1.0
    e = float(size)
    for i in range(size):
        x = leaves[i]
        if refs[x] == 0:
            a += best_area[x]
            e += best_edge[x]
        else:
            a += best_area[x] / est[x]
            e += best_edge[x] / est[x]
    return a, e


@njit(cache=True)
def _ave_refs(leaves, size, refs):
    if size == 0:
        return 0.0
    s = 0
    for i in range(size):
        s += refs[leaves[i]]
    return s / size


@njit(cache=True)
def _ref_cut(leaves, size, refs, best_leaves, best_size, base, stack):
    """References a cut (recursively the best cuts of leaves that become used);
    returns (LUTs added, edges added)."""
    area = 1
    edge = size
    top = 0
    for i in range(size):
        x = leaves[i]
        refs[x] += 1
        if refs[x] == 1 and x >= base:
            stack[top] = x
            top += 1
    while top > 0:
        top -= 1
        y = stack[top]
        area += 1
        sz = best_size[y]
        edge += sz
        for i in range(sz):
            x = best_leaves[y, i]
            refs[x] += 1
            if refs[x] == 1 and x >= base:
                stack[top] = x
                top += 1
    return area, edge


@njit(cache=True)
def _deref_cut(leaves, size, refs, best_leaves, best_size, base, stack):
    """Dereferences a cut (recursively the best cuts of leaves that become unused);
    returns (LUTs freed, edges freed)."""
    area = 1
    edge = size
    top = 0
    for i in range(size):
        x = leaves[i]
        refs[x] -= 1
        if refs[x] == 0 and x >= base:
            stack[top] = x
            top += 1
    while top > 0:
        top -= 1
        y = stack[top]
        area += 1
        sz = best_size[y]
        edge += sz
        for i in range(sz):
            x = best_leaves[y, i]
            refs[x] -= 1
            if refs[x] == 0 and x >= base:
                stack[top] = x
                top += 1
    return area, edge


@njit(cache=True)
def _area_exact(leaves, size, refs, best_leaves, best_size, base, stack):
    """Exact local area (LUTs and edges the cut would add) of a cut of a dereferenced node."""
    if size < 2:
        return 0.0, float(size)
    _ref_cut(leaves, size, refs, best_leaves, best_size, base, stack)
    a, e = _deref_cut(leaves, size, refs, best_leaves, best_size, base, stack)
    return float(a), float(e)


@njit(cache=True)
def _compare(sm, d0, a0, e0, r0, n0, d1, a1, e1, r1, n1):
    """-1 when cut 0 goes first, 1 when cut 1 does, 0 when they tie."""
    if sm == SORT_AREA:
        if a0 < a1 - EPS:
            return -1
        if a0 > a1 + EPS:
            return 1
        if e0 < e1 - EPS:
            return -1
        if e0 > e1 + EPS:
            return 1
        if r0 > r1:
            return -1
        if r0 < r1:
            return 1
        if n0 < n1:
            return -1
        if n0 > n1:
            return 1
        if d0 < d1:
            return -1
        if d0 > d1:
            return 1
        return 0
    if d0 < d1:
        return -1
    if d0 > d1:
        return 1
    if sm == SORT_DELAY:
        if n0 < n1:
            return -1
        if n0 > n1:
            return 1
    if a0 < a1 - EPS:
        return -1
    if a0 > a1 + EPS:
        return 1
    if e0 < e1 - EPS:
        return -1
    if e0 > e1 + EPS:
        return 1
    if n0 < n1:
        return -1
    if n0 > n1:
        return 1
    return 0


@njit(cache=True)
def _merge(la, na, lb, nb, out, posa, posb, k):
    """Sorted union of two sorted leaf lists into `out` with each list's positions in it;
    -1 when the union has more than k leaves."""
    i = 0
    j = 0
    c = 0
    while i < na or j < nb:
        if c == k:
            return -1
        if j >= nb or (i < na and la[i] < lb[j]):
            posa[i] = c
            out[c] = la[i]
            i += 1
        elif i >= na or lb[j] < la[i]:
            posb[j] = c
            out[c] = lb[j]
            j += 1
        else:
            posa[i] = c
            posb[j] = c
            out[c] = la[i]
            i += 1
            j += 1
        c += 1
    return c


@njit(cache=True)
def _subset(la, na, lb, nb):
    """Whether sorted leaf list a is contained in sorted list b."""
    j = 0
    for i in range(na):
        x = la[i]
        while j < nb and lb[j] < x:
            j += 1
        if j == nb or lb[j] != x:
            return False
        j += 1
    return True


@njit(cache=True)
def _signature(leaves, size):
    s = np.uint64(0)
    for i in range(size):
        s |= np.uint64(1) << np.uint64(leaves[i] & 63)
    return s


# ----------------------------------------------------------------------------------------
# One mapping round


@njit(cache=True)
def _merged_truth(cut_tt, a, i, na, b, j, nb, posa, posb, ta, tb, ct, p, f, nw):
    """ct[p] := f(cut i of node a, cut j of node b) over the merged leaves."""
    for w in range(nw):
        ta[0, w] = cut_tt[a, i, w]
        tb[0, w] = cut_tt[b, j, w]
    tt_stretch(ta, 0, posa, na, nw)
    tt_stretch(tb, 0, posb, nb, nw)
    tt_gate(ct, p, ta, 0, tb, 0, f, nw)


@njit(cache=True)
def map_round(
    mode,
    sortmode,
    preprocess,
    shrink,
    k,
    c_limit,
    nw,
    num_inputs,
    fa,
    fb,
    fn,
    cut_leaves,
    cut_size,
    cut_tt,
    cut_sig,
    cut_count,
    best_leaves,
    best_size,
    best_tt,
    arrival,
    best_area,
    best_edge,
    refs,
    est,
    required,
    stack,
):
    """Enumerates priority cuts of every gate in topological order and picks a best cut.

    mode 0: delay-oriented (area flow with structural fanout estimates as tie-break),
    mode 1: area flow, mode 2: exact local area; modes 1 and 2 keep every node's arrival
    within its required time and maintain `refs` incrementally. With `preprocess`, the
    previous best cut is not kept in the list and is replaced only by a cut that meets the
    required time (ABC's preprocessing rounds). Returns the number of cuts merged.
    """
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
        if mode == 0:
            est[n] = refs[n]
        elif mode == 1:
            est[n] = (2.0 * est[n] + refs[n]) / 3.0
        if mode > 0 and refs[n] > 0:
            _deref_cut(best_leaves[n], best_size[n], refs, best_leaves, best_size, base, stack)
        for s in range(slots):
            order[s] = s
        nc = 0
        if best_size[n] >= 0:
            bsz = best_size[n]
            d = _cut_delay(best_leaves[n], bsz, arrival)
            if mode == 2:
                ar, ed = _area_exact(best_leaves[n], bsz, refs, best_leaves, best_size, base, stack)
            else:
                ar, ed = _area_flow(best_leaves[n], bsz, refs, est, best_area, best_edge)
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
                csg[p] = _signature(cl[p], bsz)
                cd[p] = d
                ca[p] = ar
                ce[p] = ed
                cr[p] = _ave_refs(cl[p], bsz, refs) if mode > 0 else 0.0
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
                sz = _merge(cut_leaves[a, i], na, cut_leaves[b, j], nb, cl[p], posa, posb, k)
                if sz < 0:
                    continue
                merged += 1
                # truth table of the merged cut: needed now only when the cuts share leaves
                # (only then can the function ignore one of them); otherwise computed
                # when the cut is kept
                have_tt = False
                if shrink and na + nb > sz:
                    _merged_truth(cut_tt, a, i, na, b, j, nb, posa, posb, ta, tb, ct, p, f, nw)
                    have_tt = True
                    sz2 = tt_shrink(ct, p, cl[p], sz, nw)
                    if sz2 != sz:
                        sz = sz2
                        sg = _signature(cl[p], sz)
                cs[p] = sz
                csg[p] = sg
                # dominance filter
                dominated = False
                r = 0
                while r < nc:
                    q = order[r]
                    if cs[q] > sz:
                        if (csg[q] & sg) == sg and _subset(cl[p], sz, cl[q], cs[q]):
                            for t in range(r, nc):
                                order[t] = order[t + 1]
                            order[nc] = q
                            nc -= 1
                            continue
                    else:
                        if (csg[q] & sg) == csg[q] and _subset(cl[q], cs[q], cl[p], sz):
                            dominated = True
                            break
                    r += 1
                if dominated:
                    continue
                d = _cut_delay(cl[p], sz, arrival)
                if mode > 0 and d > req:
                    continue
                if mode == 2:
                    ar, ed = _area_exact(cl[p], sz, refs, best_leaves, best_size, base, stack)
                else:
                    ar, ed = _area_flow(cl[p], sz, refs, est, best_area, best_edge)
                cd[p] = d
                ca[p] = ar
                ce[p] = ed
                cr[p] = _ave_refs(cl[p], sz, refs) if mode > 0 else 0.0
                # insert in priority order (a cut that falls off the end is dropped)
                t = nc
                while t > 0:
                    q = order[t - 1]
                    if _compare(sortmode, cd[q], ca[q], ce[q], cr[q], cs[q], d, ar, ed, cr[p], sz) <= 0:
                        break
                    t -= 1
                if t >= c_limit:
                    continue
                if not have_tt:
                    _merged_truth(cut_tt, a, i, na, b, j, nb, posa, posb, ta, tb, ct, p, f, nw)
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
        if mode > 0 and refs[n] > 0:
            _ref_cut(best_leaves[n], best_size[n], refs, best_leaves, best_size, base, stack)
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
def init_cuts(num_inputs, cut_leaves, cut_size, cut_tt, cut_sig, cut_count, nw):
    """Trivial cuts of the constant and the inputs."""
    cut_count[0] = 1
    cut_size[0, 0] = 0
    cut_sig[0, 0] = np.uint64(0)
    for w in range(nw):
        cut_tt[0, 0, w] = np.uint64(0)
    for n in range(1, num_inputs + 1):
        cut_leaves[n, 0, 0] = n
        cut_size[n, 0] = 1
        cut_sig[n, 0] = np.uint64(1) << np.uint64(n & 63)
        tt_var(cut_tt[n], 0, 0, nw)
        cut_count[n] = 1


@njit(cache=True)
def compute_mapping(num_inputs, out_nodes, best_leaves, best_size, arrival, refs, required, target):
    """Mapping references and required times of the current best cuts. The required time of
    the outputs is `target`, or the current depth when target < 0. Returns (LUTs, depth,
    edges)."""
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
def structural_refs(num_inputs, fa, fb, out_nodes, n_nodes):
    refs = np.zeros(n_nodes, dtype=np.int32)
    for g in range(len(fa)):
        refs[fa[g]] += 1
        refs[fb[g]] += 1
    for o in out_nodes:
        refs[o] += 1
    return refs


# ----------------------------------------------------------------------------------------
# Expansion of the mapped cuts (ABC's "expand/reduce" improvement)


@njit(cache=True)
def _cone_truth(root, leaves, size, num_inputs, fa, fb, fn, nw, tt_work, slot_of, visit):
    """Truth table of node `root` over `leaves` (the cone between them); returns it in
    tt_work[0]. `slot_of` (int32[N], -1) and `visit` (int64 scratch) are restored."""
    base = num_inputs + 1
    for i in range(size):
        slot_of[leaves[i]] = 1 + i
        tt_var(tt_work, 1 + i, i, nw)
    # collect the cone in topological order with an explicit DFS
    top = 0
    nvis = 0
    visit_stack = visit
    order_start = len(visit) // 2
    nord = 0
    visit_stack[top] = root
    top += 1
    while top > 0:
        x = visit_stack[top - 1]
        if slot_of[x] >= 0:
            top -= 1
            continue
        g = x - base
        pa = fa[g]
        pb = fb[g]
        if slot_of[pa] < 0:
            visit_stack[top] = pa
            top += 1
            continue
        if slot_of[pb] < 0:
            visit_stack[top] = pb
            top += 1
            continue
        top -= 1
        s = 1 + size + nord
        slot_of[x] = s
        visit[order_start + nord] = x
        nord += 1
        tt_gate(tt_work, s, tt_work, slot_of[pa], tt_work, slot_of[pb], fn[g], nw)
    s = slot_of[root]
    for w in range(nw):
        tt_work[0, w] = tt_work[s, w]
    for i in range(size):
        slot_of[leaves[i]] = -1
    for t in range(nord):
        slot_of[visit[order_start + t]] = -1
    nvis += 0
    return nord


@njit(cache=True)
def expand_mapping(num_inputs, fa, fb, fn, k, nw, best_leaves, best_size, best_tt, arrival, refs, required,
                   stack, tt_work, slot_of, visit, mark, cone_limit):
    """For every mapped node in topological order, tries to move the cut boundary down
    through nodes whose only uses are inside the cut (frontier nodes with no other
    references), as ABC's `If_ManImproveExpand`; keeps the change when the exact area does
    not grow and the required time still holds. Returns the number of cuts changed."""
    base = num_inputs + 1
    n_nodes = len(refs)
    front = np.zeros(k + 2, dtype=np.int64)
    old = np.zeros(k, dtype=np.int32)
    cand = np.zeros(k, dtype=np.int32)
    changed = 0
    for n in range(base, n_nodes):
        if refs[n] == 0:
            continue
        sz = best_size[n]
        if sz < 2:
            continue
        # area with the cut referenced
        a_bef, _ = _deref_cut(best_leaves[n], sz, refs, best_leaves, best_size, base, stack)
        _ref_cut(best_leaves[n], sz, refs, best_leaves, best_size, base, stack)
        # mark the cone of the cut
        for i in range(sz):
            old[i] = best_leaves[n, i]
            front[i] = best_leaves[n, i]
            mark[best_leaves[n, i]] = 1
        nf = sz
        # mark internal nodes of the cone; give up when the cut is not a structural one
        # (support shrinking can drop a leaf the function ignores) or the cone is large
        top = 0
        stack[top] = n
        top += 1
        nmarked = 0
        ok = True
        while top > 0:
            top -= 1
            x = stack[top]
            if mark[x]:
                continue
            if x < base or nmarked >= cone_limit:
                ok = False
                break
            mark[x] = 2
            visit[nmarked] = x
            nmarked += 1
            g = x - base
            if not mark[fa[g]]:
                stack[top] = fa[g]
                top += 1
            if not mark[fb[g]]:
                stack[top] = fb[g]
                top += 1
        if not ok:
            for i in range(sz):
                mark[old[i]] = 0
            for t in range(nmarked):
                mark[visit[t]] = 0
            continue
        _deref_cut(best_leaves[n], sz, refs, best_leaves, best_size, base, stack)
        # compaction: replace a frontier gate by its fanins when that does not increase the
        # number of frontier nodes without outside references
        progress = True
        while progress:
            progress = False
            for pass_ in range(2):
                for i in range(nf):
                    x = front[i]
                    if x < base:
                        continue
                    g = x - base
                    pa = fa[g]
                    pb = fb[g]
                    grow = (mark[pa] == 0) and (mark[pb] == 0)
                    if pass_ == 0 and grow:
                        continue
                    cost = 0
                    if refs[x] == 0:
                        cost -= 1
                    if mark[pa] == 0 and refs[pa] == 0:
                        cost += 1
                    if mark[pb] == 0 and refs[pb] == 0:
                        cost += 1
                    if pass_ == 0 and cost > 0:
                        continue
                    if pass_ == 1 and (cost >= 0 or nf >= k):
                        continue
                    new_count = nf - 1 + (1 if mark[pa] == 0 else 0) + (1 if mark[pb] == 0 else 0)
                    if new_count > k:
                        continue
                    front[i] = front[nf - 1]
                    nf -= 1
                    if mark[pa] == 0:
                        mark[pa] = 1
                        visit[nmarked] = pa
                        nmarked += 1
                        front[nf] = pa
                        nf += 1
                    if mark[pb] == 0:
                        mark[pb] = 1
                        visit[nmarked] = pb
                        nmarked += 1
                        front[nf] = pb
                        nf += 1
                    progress = True
                    break
                if progress:
                    break
        _ref_cut(best_leaves[n], sz, refs, best_leaves, best_size, base, stack)
        for i in range(sz):
            mark[old[i]] = 0
        for t in range(nmarked):
            mark[visit[t]] = 0
        # same frontier?
        same = nf == sz
        if same:
            for i in range(nf):
                found = False
                for j in range(sz):
                    if old[j] == front[i]:
                        found = True
                if not found:
                    same = False
                    break
        if same:
            continue
        # sort the new frontier
        for i in range(nf):
            cand[i] = front[i]
        for i in range(1, nf):
            x = cand[i]
            j = i - 1
            while j >= 0 and cand[j] > x:
                cand[j + 1] = cand[j]
                j -= 1
            cand[j + 1] = x
        d = _cut_delay(cand, nf, arrival)
        if d > required[n]:
            continue
        _deref_cut(best_leaves[n], sz, refs, best_leaves, best_size, base, stack)
        a_aft, _ = _ref_cut(cand, nf, refs, best_leaves, best_size, base, stack)
        if a_aft > a_bef:
            _deref_cut(cand, nf, refs, best_leaves, best_size, base, stack)
            _ref_cut(best_leaves[n], sz, refs, best_leaves, best_size, base, stack)
            continue
        for i in range(nf):
            best_leaves[n, i] = cand[i]
        best_size[n] = nf
        arrival[n] = d
        _cone_truth(n, cand, nf, num_inputs, fa, fb, fn, nw, tt_work, slot_of, visit)
        for w in range(nw):
            best_tt[n, w] = tt_work[0, w]
        changed += 1
    return changed


# ----------------------------------------------------------------------------------------
# Extraction of the cover


@njit(cache=True)
def extract(num_inputs, out_lit, best_leaves, best_size, best_tt, refs, k, nw):
    """LUTs of the mapping (nodes with refs > 0) in topological order, renumbered: node 0
    constant, 1..I inputs, I+1+l LUT l. Returns (leaves[L, k] (-1 padded), sizes[L],
    tables[L, nw], out_node, out_neg)."""
    base = num_inputs + 1
    n_nodes = len(refs)
    new_id = np.full(n_nodes, -1, dtype=np.int64)
    for x in range(base):
        new_id[x] = x
    count = 0
    for n in range(base, n_nodes):
        if refs[n] > 0:
            new_id[n] = base + count
            count += 1
    leaves = np.full((count, k), -1, dtype=np.int32)
    sizes = np.zeros(count, dtype=np.int32)
    tables = np.zeros((count, nw), dtype=np.uint64)
    for n in range(base, n_nodes):
        if refs[n] > 0:
            l = new_id[n] - base
            sz = best_size[n]
            sizes[l] = sz
            for i in range(sz):
                leaves[l, i] = new_id[best_leaves[n, i]]
            for w in range(nw):
                tables[l, w] = best_tt[n, w]
    out_node = np.empty(len(out_lit), dtype=np.int64)
    out_neg = np.empty(len(out_lit), dtype=np.bool_)
    for o in range(len(out_lit)):
        out_node[o] = new_id[out_lit[o] >> 1]
        out_neg[o] = (out_lit[o] & 1) == 1
    return leaves, sizes, tables, out_node, out_neg


@njit(cache=True)
def finish_cover(num_inputs, leaves, sizes, tables, out_node, out_neg, k, nw):
    """Cleans up a cover: LUTs that are constants or (complemented) copies of one node are
    folded into their users, duplicate leaves merged, unused leaves removed, complemented
    outputs absorbed into the LUT tables when no other user sees the LUT (an inverter LUT
    otherwise), dead LUTs dropped. Returns (leaves, sizes, tables, out_node, out_neg) where
    out_neg is only set for constant outputs."""
    base = num_inputs + 1
    count = len(sizes)
    n_nodes = base + count
    alias = np.arange(n_nodes)  # literal 2*node + neg of each node
    for x in range(n_nodes):
        alias[x] = 2 * x
    tmp = np.zeros((2, nw), dtype=np.uint64)
    newl = np.zeros(k, dtype=np.int32)
    lit_of = np.zeros(k, dtype=np.int64)
    for l in range(count):
        sz = sizes[l]
        changed = False
        for i in range(sz):
            lit_of[i] = alias[leaves[l, i]]
            if lit_of[i] != 2 * leaves[l, i]:
                changed = True
        if changed:
            # new leaf list: distinct non-constant nodes
            nn = 0
            for i in range(sz):
                x = lit_of[i] >> 1
                if x == 0:
                    continue
                dup = False
                for j in range(nn):
                    if newl[j] == x:
                        dup = True
                if not dup:
                    newl[nn] = x
                    nn += 1
            # sort
            for i in range(1, nn):
                x = newl[i]
                j = i - 1
                while j >= 0 and newl[j] > x:
                    newl[j + 1] = newl[j]
                    j -= 1
                newl[j + 1] = x
            for w in range(nw):
                tmp[0, w] = np.uint64(0)
            for m in range(1 << nn):
                idx = 0
                for i in range(sz):
                    x = lit_of[i] >> 1
                    v = 0
                    if x != 0:
                        for j in range(nn):
                            if newl[j] == x:
                                v = (m >> j) & 1
                    v ^= lit_of[i] & 1
                    idx |= v << i
                bit = (tables[l, idx >> 6] >> np.uint64(idx & 63)) & np.uint64(1)
                if bit:
                    tmp[0, m >> 6] |= np.uint64(1) << np.uint64(m & 63)
            # replicate to the full table width
            span = 1 << nn
            total = 64 * nw if nw > 1 else 64
            for m in range(span, total):
                src = m & (span - 1)
                bit = (tmp[0, src >> 6] >> np.uint64(src & 63)) & np.uint64(1)
                if bit:
                    tmp[0, m >> 6] |= np.uint64(1) << np.uint64(m & 63)
                else:
                    tmp[0, m >> 6] &= ~(np.uint64(1) << np.uint64(m & 63))
            for i in range(nn):
                leaves[l, i] = newl[i]
            for i in range(nn, k):
                leaves[l, i] = -1
            for w in range(nw):
                tables[l, w] = tmp[0, w]
            sz = tt_shrink(tables, l, leaves[l], nn, nw)
            for i in range(sz, k):
                leaves[l, i] = -1
            sizes[l] = sz
        else:
            sz2 = tt_shrink(tables, l, leaves[l], sz, nw)
            if sz2 != sz:
                for i in range(sz2, k):
                    leaves[l, i] = -1
                sizes[l] = sz2
                sz = sz2
        node = base + l
        if sz == 0:
            alias[node] = np.int64(tables[l, 0] & np.uint64(1))
        elif sz == 1:
            b0 = tables[l, 0] & np.uint64(1)
            b1 = (tables[l, 0] >> np.uint64(1)) & np.uint64(1)
            alias[node] = 2 * leaves[l, 0] + (1 if b0 == 1 and b1 == 0 else 0)
    # users
    n_out = len(out_node)
    olit = np.empty(n_out, dtype=np.int64)
    for o in range(n_out):
        olit[o] = alias[out_node[o]] ^ (1 if out_neg[o] else 0)
    live = np.zeros(n_nodes, dtype=np.bool_)
    neg_use = np.zeros(n_nodes, dtype=np.bool_)
    for o in range(n_out):
        x = olit[o] >> 1
        live[x] = True
        if olit[o] & 1:
            neg_use[x] = True
    for l in range(count - 1, -1, -1):
        node = base + l
        if not live[node] or sizes[l] < 2 and alias[node] != 2 * node:
            continue
        for i in range(sizes[l]):
            live[leaves[l, i]] = True
    # complemented outputs: when every output that uses a LUT is complemented, the LUT
    # computes the complement (its LUT users complement the matching input); an inverter LUT
    # only when an output needs each polarity, or for a complemented primary input
    pos_out = np.zeros(n_nodes, dtype=np.bool_)
    for o in range(n_out):
        if (olit[o] & 1) == 0:
            pos_out[olit[o] >> 1] = True
    complement = np.zeros(n_nodes, dtype=np.bool_)
    inverter = np.zeros(n_nodes, dtype=np.bool_)
    n_inv = 0
    for x in range(1, n_nodes):
        if neg_use[x]:
            if x >= base and not pos_out[x]:
                complement[x] = True
            else:
                inverter[x] = True
                n_inv += 1
    for l in range(count):
        node = base + l
        if not live[node] or alias[node] != 2 * node:
            continue
        if complement[node]:
            for w in range(nw):
                tables[l, w] = ~tables[l, w]
        for i in range(sizes[l]):
            if complement[leaves[l, i]]:
                tt_flip(tables, l, i, nw)
    # renumber the live LUTs, inverters appended at the end
    new_id = np.full(n_nodes, -1, dtype=np.int64)
    for x in range(base):
        new_id[x] = x
    m = 0
    for l in range(count):
        node = base + l
        if live[node] and alias[node] == 2 * node:
            new_id[node] = base + m
            m += 1
    total = m + n_inv
    r_leaves = np.full((total, k), -1, dtype=np.int32)
    r_sizes = np.zeros(total, dtype=np.int32)
    r_tables = np.zeros((total, nw), dtype=np.uint64)
    for l in range(count):
        node = base + l
        if new_id[node] < 0 or node < base:
            continue
        r = new_id[node] - base
        r_sizes[r] = sizes[l]
        for i in range(sizes[l]):
            r_leaves[r, i] = new_id[leaves[l, i]]
        for w in range(nw):
            r_tables[r, w] = tables[l, w]
    inv_id = np.full(n_nodes, -1, dtype=np.int64)
    t = m
    for x in range(1, n_nodes):
        if inverter[x]:
            if x < base:
                # a complemented primary input: an inverter LUT
                r_sizes[t] = 1
                r_leaves[t, 0] = new_id[x]
                for w in range(nw):
                    r_tables[t, w] = np.uint64(0x5555555555555555)
            else:
                # a LUT needed in both polarities: a complemented copy (no extra level)
                src = new_id[x] - base
                r_sizes[t] = r_sizes[src]
                for i in range(k):
                    r_leaves[t, i] = r_leaves[src, i]
                for w in range(nw):
                    r_tables[t, w] = ~r_tables[src, w]
            inv_id[x] = base + t
            t += 1
    r_out = np.empty(n_out, dtype=np.int64)
    r_neg = np.zeros(n_out, dtype=np.bool_)
    for o in range(n_out):
        x = olit[o] >> 1
        neg = (olit[o] & 1) == 1
        if x == 0:
            r_out[o] = 0
            r_neg[o] = neg
        elif not neg:
            r_out[o] = new_id[x]
        elif complement[x]:
            r_out[o] = new_id[x]
        else:
            r_out[o] = inv_id[x]
    return r_leaves, r_sizes, r_tables, r_out, r_neg
