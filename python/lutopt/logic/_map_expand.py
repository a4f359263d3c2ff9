"""The expand step of the K-LUT mapper (ABC's `If_ManImproveExpand`): a mapped LUT's
boundary moves down through nodes used only inside it when that does not add LUTs (see
`lutopt.logic.mapping`, and `_map_types` for the state).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from lutopt.logic._map_cuts import cut_delay, deref_cut, ref_cut
from lutopt.logic._truth import tt_gate, tt_var


@njit(cache=True)
def _cone_truth(root, leaves, size, net, tt_work, slot_of, visit):
    """Truth table of node `root` over `leaves` (the cone between them); returns it in
    tt_work[0]. `slot_of` (int32[N], -1) and `visit` (int64 scratch) are restored."""
    num_inputs, fa, fb, fn = net.num_inputs, net.fa, net.fb, net.fn
    nw = tt_work.shape[1]
    base = num_inputs + 1
    for i in range(size):
        slot_of[leaves[i]] = 1 + i
        tt_var(tt_work, 1 + i, i, nw)
    # collect the cone in topological order with an explicit DFS
    top = 0
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
    return nord


@njit(cache=True)
def expand_mapping(net, st, cone_limit):
    """For every mapped node of `net` (a `Network`) in topological order, tries to move the
    cut boundary in `st` (a `MapState`) down through nodes whose only uses are inside the
    cut (frontier nodes with no other references), as ABC's `If_ManImproveExpand`; keeps
    the change when the exact area does not grow and the required time still holds. Cones
    of more than `cone_limit` gates are skipped. Returns the number of cuts changed."""
    num_inputs, fa, fb, fn = net.num_inputs, net.fa, net.fb, net.fn
    best_leaves, best_size, best_tt, arrival = st.best_leaves, st.best_size, st.best_tt, st.arrival
    refs, required, stack = st.refs, st.required, st.stack
    tt_work, slot_of, visit, mark = st.tt_work, st.slot_of, st.visit, st.mark
    k = best_leaves.shape[1]
    nw = best_tt.shape[1]
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
        a_bef, _ = deref_cut(best_leaves[n], sz, refs, best_leaves, best_size, base, stack)
        ref_cut(best_leaves[n], sz, refs, best_leaves, best_size, base, stack)
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
        deref_cut(best_leaves[n], sz, refs, best_leaves, best_size, base, stack)
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
        ref_cut(best_leaves[n], sz, refs, best_leaves, best_size, base, stack)
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
        d = cut_delay(cand, nf, arrival)
        if d > required[n]:
            continue
        deref_cut(best_leaves[n], sz, refs, best_leaves, best_size, base, stack)
        a_aft, _ = ref_cut(cand, nf, refs, best_leaves, best_size, base, stack)
        if a_aft > a_bef:
            deref_cut(cand, nf, refs, best_leaves, best_size, base, stack)
            ref_cut(best_leaves[n], sz, refs, best_leaves, best_size, base, stack)
            continue
        for i in range(nf):
            best_leaves[n, i] = cand[i]
        best_size[n] = nf
        arrival[n] = d
        _cone_truth(n, cand, nf, net, tt_work, slot_of, visit)
        for w in range(nw):
            best_tt[n, w] = tt_work[0, w]
        changed += 1
    return changed

