"""Numba kernels of the structural clean-ups of a gate netlist: one pass that rebuilds the
gates with constant folding, inverter folding and structural hashing, and the liveness of
nodes. `lutopt.logic.simplify` (the `gate-*` passes) and the mapper's normalisation
(`lutopt.logic.mapping`) both run on these, so they cannot drift apart.

The rebuild follows `lutopt.logic.builder.NetlistBuilder.gate` literal by literal (the
gate-by-gate builder used when netlists are constructed; `test/python/logic/test_strash_kernels.py`
checks that the two agree): a literal is 2 * node + complemented, complemented fanins are
folded into the gate function (difflogic numbering: bit 3 - (2a + b) of `fn` is f(a, b)).
"""

from __future__ import annotations

from enum import IntFlag

import numpy as np
from numba import njit, types
from numba.typed import Dict


class Rebuild(IntFlag):
    """What `rebuild_gates` does to each gate (the options of `NetlistBuilder`)."""

    SIMPLIFY = 1
    """A gate with a constant fanin, one node twice or a function that ignores a fanin
    becomes the literal it computes."""
    STRASH = 2
    """Structural hashing (implies SIMPLIFY's reductions): fanins in increasing node
    order, f(0, 0) = 0 with the complement moved to the literal, equal gates merged."""
    FOLD_INVERTERS = 4
    """Inverters (functions 10 and 12, also after folding complemented fanins) become a
    complemented literal."""


# the flags as plain integers, for the kernels
_SIMPLIFY = int(Rebuild.SIMPLIFY)
_STRASH = int(Rebuild.STRASH)
_FOLD_INVERTERS = int(Rebuild.FOLD_INVERTERS)


@njit(cache=True)
def _value(f, x, y):
    """f(x, y) of function number f."""
    return (f >> (3 - (2 * x + y))) & 1


@njit(cache=True)
def _fold(f, neg_a, neg_b):
    """The function of the fanin nodes when the fanin literals carry the given complements:
    f(~a, b) swaps f(0, y) and f(1, y); f(a, ~b) swaps f(x, 0) and f(x, 1)."""
    if neg_a:
        f = (((f >> 1) & 1) << 3) | ((f & 1) << 2) | (((f >> 3) & 1) << 1) | ((f >> 2) & 1)
    if neg_b:
        f = (((f >> 2) & 1) << 3) | (((f >> 3) & 1) << 2) | ((f & 1) << 1) | ((f >> 1) & 1)
    return f


@njit(cache=True)
def _swap(f):
    """f(b, a): f(0, 1) and f(1, 0) trade places."""
    return (f & 0b1001) | (((f >> 2) & 1) << 1) | (((f >> 1) & 1) << 2)


@njit(cache=True)
def _unary(u0, u1, x):
    """The literal of the one-input function (u(0), u(1)) applied to literal x."""
    if u0 == u1:
        return u0
    return x if u1 else x ^ 1


@njit(cache=True)
def _reduce(fn, la, lb):
    """The literal gate fn(la, lb) reduces to, or -1 when it is a real gate (both fanins
    non-constant, distinct nodes, and the function depends on both)."""
    na = la >> 1
    nb = lb >> 1
    if na == 0:
        va = la & 1
        return _unary(_value(fn, va, 0), _value(fn, va, 1), lb)
    if nb == 0:
        vb = lb & 1
        return _unary(_value(fn, 0, vb), _value(fn, 1, vb), la)
    f = _fold(fn, la & 1, lb & 1)
    if na == nb:
        return _unary((f >> 3) & 1, f & 1, 2 * na)
    ign_a = ((f >> 3) & 1) == ((f >> 1) & 1) and ((f >> 2) & 1) == (f & 1)
    ign_b = ((f >> 3) & 1) == ((f >> 2) & 1) and ((f >> 1) & 1) == (f & 1)
    if ign_a:
        return _unary((f >> 3) & 1, (f >> 2) & 1, 2 * nb)
    if ign_b:
        return _unary((f >> 3) & 1, (f >> 1) & 1, 2 * na)
    return -1


@njit(cache=True)
def rebuild_gates(num_inputs, fn, a, b, outputs, output_neg, options):
    """The netlist rebuilt gate by gate with the `Rebuild` flags in `options`. Returns
    (fn uint8[G'], a int32[G'], b int32[G'], out_lit int64[O]) where out_lit[k] is
    2 * node + complemented for output k. Gates that reduce to a literal are not kept;
    the others keep their order."""
    simplify = (options & (_SIMPLIFY | _STRASH)) != 0
    strash = (options & _STRASH) != 0
    fold_inv = (options & _FOLD_INVERTERS) != 0
    g_count = len(fn)
    base = num_inputs + 1
    n_nodes = base + g_count
    lit = np.empty(n_nodes, dtype=np.int64)
    for i in range(base):
        lit[i] = 2 * i
    nfn = np.empty(g_count, dtype=np.uint8)
    nfa = np.empty(g_count, dtype=np.int32)
    nfb = np.empty(g_count, dtype=np.int32)
    table = Dict.empty(key_type=types.int64, value_type=types.int64)
    ng = 0
    for g in range(g_count):
        la = lit[a[g]]
        lb = lit[b[g]]
        f0 = np.int64(fn[g])
        if simplify:
            r = _reduce(f0, la, lb)
            if r >= 0:
                lit[base + g] = r
                continue
        if fold_inv:
            if f0 == 12:
                lit[base + g] = la ^ 1
                continue
            if f0 == 10:
                lit[base + g] = lb ^ 1
                continue
        f = _fold(f0, la & 1, lb & 1)
        x = la >> 1
        y = lb >> 1
        if fold_inv and (f == 10 or f == 12):
            # a buffer whose fanin is complemented is an inverter too
            lit[base + g] = 2 * x + 1 if f == 12 else 2 * y + 1
            continue
        if not strash:
            nfn[ng] = f
            nfa[ng] = x
            nfb[ng] = y
            lit[base + g] = 2 * (base + ng)
            ng += 1
            continue
        if x > y:
            x, y = y, x
            f = _swap(f)
        neg = f >> 3  # f(0, 0) = 1: store the complement
        if neg:
            f ^= 15
        key = (x * n_nodes + y) * 16 + f
        if key in table:
            node = table[key]
        else:
            node = base + ng
            table[key] = node
            nfn[ng] = f
            nfa[ng] = x
            nfb[ng] = y
            ng += 1
        lit[base + g] = 2 * node + neg
    out_lit = np.empty(len(outputs), dtype=np.int64)
    for k in range(len(outputs)):
        out_lit[k] = lit[outputs[k]] ^ (1 if output_neg[k] else 0)
    return nfn[:ng].copy(), nfa[:ng].copy(), nfb[:ng].copy(), out_lit


@njit(cache=True)
def live_nodes(num_inputs, a, b, outputs):
    """bool[num_nodes]: the nodes in the transitive fanin of some output (outputs included)."""
    base = num_inputs + 1
    live = np.zeros(base + len(a), dtype=np.bool_)
    for k in range(len(outputs)):
        live[outputs[k]] = True
    for g in range(len(a) - 1, -1, -1):
        if live[base + g]:
            live[a[g]] = True
            live[b[g]] = True
    return live
