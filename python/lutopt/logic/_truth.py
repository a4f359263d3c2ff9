"""Small truth tables as uint64 words (numba kernels shared by the mapper and the cover code).

A table over up to max(6, K) variables is a row of W = max(1, 2^K / 64) words; bit i of the
table (word i // 64, bit i % 64) is the function's value when variable j equals bit j of i.
Tables over fewer variables are kept *replicated*: they do not depend on the unused upper
variables, so the low 2^n bits are the n-variable table and every operation is uniform.
"""

from __future__ import annotations

import numpy as np
from numba import njit

# Swapping adjacent variables v and v+1 inside a word (v = 0..4): bits to keep, bits that
# move up by 2^v, bits that move down by 2^v.
SWAP_KEEP = np.array(
    [0x9999999999999999, 0xC3C3C3C3C3C3C3C3, 0xF00FF00FF00FF00F, 0xFF0000FFFF0000FF, 0xFFFF00000000FFFF],
    dtype=np.uint64,
)
SWAP_UP = np.array(
    [0x2222222222222222, 0x0C0C0C0C0C0C0C0C, 0x00F000F000F000F0, 0x0000FF000000FF00, 0x00000000FFFF0000],
    dtype=np.uint64,
)
SWAP_DOWN = np.array(
    [0x4444444444444444, 0x3030303030303030, 0x0F000F000F000F00, 0x00FF000000FF0000, 0x0000FFFF00000000],
    dtype=np.uint64,
)
# Positions where variable v (0..5) is 1.
VAR_MASK = np.array(
    [
        0xAAAAAAAAAAAAAAAA,
        0xCCCCCCCCCCCCCCCC,
        0xF0F0F0F0F0F0F0F0,
        0xFF00FF00FF00FF00,
        0xFFFF0000FFFF0000,
        0xFFFFFFFF00000000,
    ],
    dtype=np.uint64,
)
LO32 = np.uint64(0x00000000FFFFFFFF)
HI32 = np.uint64(0xFFFFFFFF00000000)
ONES = np.uint64(0xFFFFFFFFFFFFFFFF)


def words_for(k: int) -> int:
    """Words per table for up to `k` variables."""
    return max(1, (1 << k) // 64)


@njit(cache=True)
def popcount64(x):
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return np.int64((x * np.uint64(0x0101010101010101)) >> np.uint64(56))


@njit(cache=True)
def tt_swap(t, r, v, nw):
    """Swaps variables v and v+1 of table row t[r]."""
    if v < 5:
        keep = SWAP_KEEP[v]
        up = SWAP_UP[v]
        dn = SWAP_DOWN[v]
        s = np.uint64(1 << v)
        for w in range(nw):
            x = t[r, w]
            t[r, w] = (x & keep) | ((x & up) << s) | ((x & dn) >> s)
    elif v == 5:
        for w in range(0, nw, 2):
            lo = t[r, w]
            hi = t[r, w + 1]
            t[r, w] = (lo & LO32) | (hi << np.uint64(32))
            t[r, w + 1] = (lo >> np.uint64(32)) | (hi & HI32)
    else:
        a = v - 6
        step = 1 << a
        for w in range(nw):
            if ((w >> a) & 1) == 1 and ((w >> (a + 1)) & 1) == 0:
                j = w + step
                x = t[r, w]
                t[r, w] = t[r, j]
                t[r, j] = x


@njit(cache=True)
def tt_depends(t, r, v, nw):
    """Whether table row t[r] depends on variable v."""
    if v < 6:
        s = np.uint64(1 << v)
        m = ~VAR_MASK[v]
        for w in range(nw):
            x = t[r, w]
            if (((x >> s) ^ x) & m) != 0:
                return True
        return False
    step = 1 << (v - 6)
    for w in range(nw):
        if (w & step) == 0 and t[r, w] != t[r, w + step]:
            return True
    return False


@njit(cache=True)
def tt_stretch(t, r, pos, n, nw):
    """Moves variable i of row t[r] (an n-variable replicated table) to position pos[i];
    pos is increasing with pos[i] >= i."""
    for i in range(n - 1, -1, -1):
        for j in range(i, pos[i]):
            tt_swap(t, r, j, nw)


@njit(cache=True)
def tt_shrink(t, r, leaves, n, nw):
    """Removes the variables row t[r] does not depend on (and the matching entries of
    `leaves`, a 1-D array); returns the new number of variables."""
    i = 0
    while i < n:
        if tt_depends(t, r, i, nw):
            i += 1
            continue
        for j in range(i, n - 1):
            tt_swap(t, r, j, nw)
            leaves[j] = leaves[j + 1]
        n -= 1
    return n


@njit(cache=True)
def tt_var(t, r, v, nw):
    """Row t[r] := the table of variable v."""
    if v < 6:
        for w in range(nw):
            t[r, w] = VAR_MASK[v]
    else:
        a = v - 6
        for w in range(nw):
            t[r, w] = ONES if ((w >> a) & 1) == 1 else np.uint64(0)


@njit(cache=True)
def tt_gate(dst, rd, ta, ra, tb, rb, f, nw):
    """dst[rd] := gate function f (difflogic numbering) of rows ta[ra], tb[rb]."""
    for w in range(nw):
        a = ta[ra, w]
        b = tb[rb, w]
        x = np.uint64(0)
        if f & 8:
            x |= ~a & ~b
        if f & 4:
            x |= ~a & b
        if f & 2:
            x |= a & ~b
        if f & 1:
            x |= a & b
        dst[rd, w] = x


@njit(cache=True)
def tt_bit(t, r, i):
    return (t[r, i >> 6] >> np.uint64(i & 63)) & np.uint64(1)


@njit(cache=True)
def tt_flip(t, r, v, nw):
    """Complements variable v of row t[r] (swaps its two cofactors)."""
    if v < 6:
        s = np.uint64(1 << v)
        m = VAR_MASK[v]
        for w in range(nw):
            x = t[r, w]
            t[r, w] = ((x & m) >> s) | ((x & ~m) << s)
    else:
        step = 1 << (v - 6)
        for w in range(nw):
            if (w & step) == 0:
                x = t[r, w]
                t[r, w] = t[r, w + step]
                t[r, w + step] = x
