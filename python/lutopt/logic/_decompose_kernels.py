"""numba kernels of `lutopt.logic.decompose`: the order proxy and Ashenhurst-Curtis column
multiplicity, both over a table given as uint8[m, 2^n] (row = output bit, column = index
with table input 0 the most significant bit), with open-addressing hash tables on rows of
uint64 words. `order_proxy_reference` (in `_decompose_order.py`) and `column_classes` (in
`_decompose_ac.py`) are the NumPy equivalents the tests compare them with."""

from __future__ import annotations

import numpy as np
from numba import njit

_EMPTY = np.int64(-1)


@njit(cache=True, inline="always")
def _hash_words(keys, r, nw):
    h = np.uint64(0x9E3779B97F4A7C15)
    for w in range(nw):
        h ^= keys[r, w] + np.uint64(0x9E3779B97F4A7C15) + (h << np.uint64(6)) + (h >> np.uint64(2))
        h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(31)
    return h


@njit(cache=True)
def _intern_rows(rows, count, nw):
    """Ids of `rows[:count]` (equal rows get equal ids, numbered by first appearance);
    returns (ids, number of distinct rows, index of the first row of each id)."""
    cap = 1
    while cap < 2 * count + 2:
        cap *= 2
    slots = np.full(cap, _EMPTY, dtype=np.int64)
    ids = np.empty(count, dtype=np.int64)
    first = np.empty(count, dtype=np.int64)
    distinct = 0
    mask = np.uint64(cap - 1)
    for r in range(count):
        pos = _hash_words(rows, r, nw) & mask
        while True:
            s = slots[pos]
            if s == _EMPTY:
                slots[pos] = r
                ids[r] = distinct
                first[distinct] = r
                distinct += 1
                break
            same = True
            for w in range(nw):
                if rows[s, w] != rows[r, w]:
                    same = False
                    break
            if same:
                ids[r] = ids[s]
                break
            pos = (pos + np.uint64(1)) & mask
    return ids, distinct, first[:distinct]


@njit(cache=True)
def _offsets(weights, start, stop):
    """Index offsets of all assignments of the order positions start..stop-1 (position
    start the most significant bit of the assignment number)."""
    cnt = stop - start
    out = np.zeros(1 << cnt, dtype=np.int64)
    for a in range(1 << cnt):
        off = 0
        for i in range(cnt):
            if (a >> (cnt - 1 - i)) & 1:
                off += weights[start + i]
        out[a] = off
    return out


@njit(cache=True)
def order_proxy_kernel(bits, weights, b):
    """(mu, upper) of the diagram in the order whose position p has original index weight
    weights[p]: mu = distinct non-constant, non-literal sub-functions (up to complement) of
    the last b variables; upper = diagram nodes above them."""
    m = bits.shape[0]
    n = len(weights)
    nt = n - b
    top = _offsets(weights, 0, nt)
    bot = _offsets(weights, nt, n)
    size = 1 << b
    nw = max(1, size // 64)
    rows = np.zeros((m * (1 << nt), nw), dtype=np.uint64)
    neg = np.zeros(m * (1 << nt), dtype=np.int64)
    full = np.uint64(0xFFFFFFFFFFFFFFFF) if size >= 64 else np.uint64((1 << size) - 1)
    r = 0
    for o in range(m):
        for t in range(1 << nt):
            base = top[t]
            for u in range(size):
                if bits[o, base + bot[u]]:
                    rows[r, u >> 6] |= np.uint64(1) << np.uint64(u & 63)
            if rows[r, 0] & np.uint64(1):
                neg[r] = 1
                for w in range(nw):
                    rows[r, w] = ~rows[r, w] & full
            r += 1
    ids, distinct, first = _intern_rows(rows, r, nw)
    # trivial rows: zero, or the projection of one bottom variable
    trivial = 0
    for d in range(distinct):
        f = first[d]
        zero = True
        for w in range(nw):
            if rows[f, w] != 0:
                zero = False
        if zero:
            trivial += 1
            continue
        for j in range(b):
            proj = True
            for w in range(nw):
                word = np.uint64(0)
                for q in range(min(64, size)):
                    if (((w * 64 + q) >> j) & 1) == 1:
                        word |= np.uint64(1) << np.uint64(q)
                if rows[f, w] != word:
                    proj = False
                    break
            if proj:
                trivial += 1
                break
    mu = distinct - trivial
    lits = np.empty(r, dtype=np.int64)
    for i in range(r):
        lits[i] = 2 * ids[i] + neg[i]
    upper = 0
    next_id = distinct
    count = r
    keys = np.zeros((count, 1), dtype=np.uint64)
    for _ in range(nt):
        half = count // 2
        nxt = np.empty(half, dtype=np.int64)
        kc = 0
        where = np.empty(half, dtype=np.int64)
        comp = np.empty(half, dtype=np.int64)
        for i in range(half):
            lo = lits[2 * i]
            hi = lits[2 * i + 1]
            if lo == hi:
                nxt[i] = lo
                where[i] = -1
            else:
                c = lo & 1
                keys[kc, 0] = (np.uint64(lo ^ c) << np.uint64(32)) | np.uint64(hi ^ c)
                where[i] = kc
                comp[i] = c
                kc += 1
        if kc:
            kid, kd, _ = _intern_rows(keys, kc, 1)
            for i in range(half):
                if where[i] >= 0:
                    nxt[i] = 2 * (next_id + kid[where[i]]) + comp[i]
            next_id += kd
            upper += kd
        lits = nxt
        count = half
    return mu, upper


@njit(cache=True)
def column_multiplicity(bits, weights, nb):
    """Number of distinct columns for the bound set at the last nb order positions: a
    column is every output's value over all assignments of the other positions."""
    m = bits.shape[0]
    n = len(weights)
    nf = n - nb
    free = _offsets(weights, 0, nf)
    bound = _offsets(weights, nf, n)
    length = m << nf
    nw = (length + 63) // 64
    cols = np.zeros((1 << nb, nw), dtype=np.uint64)
    for u in range(1 << nb):
        pos = 0
        for o in range(m):
            for t in range(1 << nf):
                if bits[o, free[t] + bound[u]]:
                    cols[u, pos >> 6] |= np.uint64(1) << np.uint64(pos & 63)
                pos += 1
    _, distinct, _ = _intern_rows(cols, 1 << nb, nw)
    return distinct


@njit(cache=True)
def bound_set_multiplicities(bits, n, min_size, max_size):
    """Column multiplicity of every bound set of min_size..max_size table inputs (input 0
    is the most significant index bit). Returns (sets as bit masks over the inputs, mu)."""
    total = 0
    for mask in range(1 << n):
        c = 0
        x = mask
        while x:
            c += x & 1
            x >>= 1
        if min_size <= c <= max_size:
            total += 1
    masks = np.empty(total, dtype=np.int64)
    mus = np.empty(total, dtype=np.int64)
    weights = np.empty(n, dtype=np.int64)
    i = 0
    for size in range(min_size, max_size + 1):
        for mask in range(1 << n):
            c = 0
            x = mask
            while x:
                c += x & 1
                x >>= 1
            if c != size:
                continue
            # free inputs first, then bound ones, each in table order
            p = 0
            for j in range(n):
                if not (mask >> j) & 1:
                    weights[p] = 1 << (n - 1 - j)
                    p += 1
            for j in range(n):
                if (mask >> j) & 1:
                    weights[p] = 1 << (n - 1 - j)
                    p += 1
            masks[i] = mask
            mus[i] = column_multiplicity(bits, weights, size)
            i += 1
    return masks, mus


@njit(cache=True)
def order_proxy_batch(bits, weights, b):
    """`order_proxy_kernel` for every row of weights (one order per row)."""
    count = weights.shape[0]
    mus = np.empty(count, dtype=np.int64)
    uppers = np.empty(count, dtype=np.int64)
    for i in range(count):
        mu, upper = order_proxy_kernel(bits, weights[i], b)
        mus[i] = mu
        uppers[i] = upper
    return mus, uppers
