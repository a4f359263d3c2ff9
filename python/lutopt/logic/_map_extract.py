"""Extraction of the K-LUT mapper's result: the LUTs of the final mapping, renumbered, then
cleaned up (constant and copy LUTs folded into their users, complemented outputs moved into
the tables); see `lutopt.logic.mapping`.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from lutopt.logic._truth import tt_flip, tt_shrink


@njit(cache=True)
def extract(num_inputs, out_lit, st):
    """The LUTs of the mapping in `st` (a `MapState`: the nodes with refs > 0) in
    topological order, renumbered: node 0 constant, 1..I inputs, I+1+l LUT l. `out_lit[o]`
    is 2 * node + complemented for output o. Returns (leaves[L, K] (-1 padded), sizes[L],
    tables[L, W], out_node, out_neg)."""
    best_leaves, best_size, best_tt, refs = st.best_leaves, st.best_size, st.best_tt, st.refs
    k = best_leaves.shape[1]
    nw = best_tt.shape[1]
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
def finish_cover(num_inputs, leaves, sizes, tables, out_node, out_neg):
    """Cleans up a cover: LUTs that are constants or (complemented) copies of one node are
    folded into their users, duplicate leaves merged, unused leaves removed, complemented
    outputs absorbed into the LUT tables when no other user sees the LUT (an inverter LUT
    otherwise), dead LUTs dropped. Returns (leaves, sizes, tables, out_node, out_neg) where
    out_neg is only set for constant outputs."""
    k = leaves.shape[1]
    nw = tables.shape[1]
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
