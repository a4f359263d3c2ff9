"""Numba kernels of the K-LUT mapper: cut costs, priority order, leaf-list merging and the
trivial cuts (see `lutopt.logic.mapping` for the algorithm, `_map_types` for the state).

A cut is a sorted list of leaf nodes with a signature (one bit per leaf id mod 64) and its
truth table over the leaves (uint64 words, see `_truth`).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from lutopt.logic._map_types import EPS, SortOrder
from lutopt.logic._truth import tt_gate, tt_stretch, tt_var

# The sort orders as plain integers (numba compares them with its `order` argument).
_DELAY = int(SortOrder.DELAY)
_AREA = int(SortOrder.AREA)

# ----------------------------------------------------------------------------------------
# Cut costs


@njit(cache=True)
def cut_delay(leaves, size, arrival):
    d = 0
    for i in range(size):
        x = arrival[leaves[i]]
        if x > d:
            d = x
    return d + 1


@njit(cache=True)
def area_flow(leaves, size, refs, est, best_area, best_edge):
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
def ave_refs(leaves, size, refs):
    if size == 0:
        return 0.0
    s = 0
    for i in range(size):
        s += refs[leaves[i]]
    return s / size


@njit(cache=True)
def ref_cut(leaves, size, refs, best_leaves, best_size, base, stack):
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
def deref_cut(leaves, size, refs, best_leaves, best_size, base, stack):
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
def area_exact(leaves, size, refs, best_leaves, best_size, base, stack):
    """Exact local area (LUTs and edges the cut would add) of a cut of a dereferenced node."""
    if size < 2:
        return 0.0, float(size)
    ref_cut(leaves, size, refs, best_leaves, best_size, base, stack)
    a, e = deref_cut(leaves, size, refs, best_leaves, best_size, base, stack)
    return float(a), float(e)


@njit(cache=True)
def compare_cuts(order, d0, a0, e0, r0, n0, d1, a1, e1, r1, n1):
    """-1 when cut 0 goes first, 1 when cut 1 does, 0 when they tie."""
    if order == _AREA:
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
    if order == _DELAY:
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
def merge_leaves(la, na, lb, nb, out, posa, posb, k):
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
def is_subset(la, na, lb, nb):
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
def signature(leaves, size):
    s = np.uint64(0)
    for i in range(size):
        s |= np.uint64(1) << np.uint64(leaves[i] & 63)
    return s



@njit(cache=True)
def merged_truth(cut_tt, a, i, na, b, j, nb, posa, posb, ta, tb, ct, p, f, nw):
    """ct[p] := f(cut i of node a, cut j of node b) over the merged leaves."""
    for w in range(nw):
        ta[0, w] = cut_tt[a, i, w]
        tb[0, w] = cut_tt[b, j, w]
    tt_stretch(ta, 0, posa, na, nw)
    tt_stretch(tb, 0, posb, nb, nw)
    tt_gate(ct, p, ta, 0, tb, 0, f, nw)


@njit(cache=True)
def init_cuts(num_inputs, st):
    """The trivial cuts of the constant and the inputs in `st` (a `MapState`)."""
    cut_leaves, cut_size, cut_tt, cut_sig, cut_count = st.cut_leaves, st.cut_size, st.cut_tt, st.cut_sig, st.cut_count
    nw = cut_tt.shape[2]
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

