"""Sequential kernels of the AIGER writer (numba)."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def aig_from_gates(num_inputs, fn, fa, fb):
    """AIG literal of every node of a gate netlist and the AND gates that realise them.

    Returns (lit[num_nodes], lhs[A], rhs0[A], rhs1[A]) with rhs0 >= rhs1 and lhs increasing,
    as binary AIGER requires. XOR/XNOR take three ANDs, the AND/OR family one, constants and
    single-input functions none.
    """
    g_count = len(fn)
    lit = np.zeros(1 + num_inputs + g_count, dtype=np.int64)
    for i in range(1, num_inputs + 1):
        lit[i] = 2 * i
    cap = 3 * g_count
    lhs = np.empty(cap, dtype=np.int64)
    r0 = np.empty(cap, dtype=np.int64)
    r1 = np.empty(cap, dtype=np.int64)
    na = 0
    var = num_inputs + 1
    base = num_inputs + 1
    for g in range(g_count):
        la = lit[fa[g]]
        lb = lit[fb[g]]
        f = fn[g]
        out = 0
        if f == 0:
            out = 0
        elif f == 15:
            out = 1
        elif f == 3:
            out = la
        elif f == 12:
            out = la ^ 1
        elif f == 5:
            out = lb
        elif f == 10:
            out = lb ^ 1
        elif f == 6 or f == 9:
            # a ^ b = ~(a & b) & ~(~a & ~b)
            x, y = la, lb
            lhs[na] = 2 * var
            r0[na] = max(x, y)
            r1[na] = min(x, y)
            t1 = 2 * var
            na += 1
            var += 1
            x, y = la ^ 1, lb ^ 1
            lhs[na] = 2 * var
            r0[na] = max(x, y)
            r1[na] = min(x, y)
            t2 = 2 * var
            na += 1
            var += 1
            x, y = t1 ^ 1, t2 ^ 1
            lhs[na] = 2 * var
            r0[na] = max(x, y)
            r1[na] = min(x, y)
            out = 2 * var
            na += 1
            var += 1
            if f == 9:
                out ^= 1
        else:
            # AND family: 1 a&b, 2 a&~b, 4 ~a&b, 8 ~a&~b and their complements 14, 13, 11, 7.
            neg = 0
            h = f
            if f == 14 or f == 13 or f == 11 or f == 7:
                h = 15 - f
                neg = 1
            x = la
            y = lb
            if h == 2:
                y = lb ^ 1
            elif h == 4:
                x = la ^ 1
            elif h == 8:
                x = la ^ 1
                y = lb ^ 1
            lhs[na] = 2 * var
            r0[na] = max(x, y)
            r1[na] = min(x, y)
            out = (2 * var) ^ neg
            na += 1
            var += 1
        lit[base + g] = out
    return lit, lhs[:na].copy(), r0[:na].copy(), r1[:na].copy()
