"""Constant-matrix-vector products as shift-and-add graphs (multiplierless CMVM).

`y = M @ x` for a constant integer matrix `M` (outputs x inputs) and integer inputs `x`
with known ranges, computed with additions, subtractions and constant shifts only:

1. every weight is written in canonical signed digits (CSD: digits -1, 0, 1, no two
   adjacent non-zero digits, the fewest non-zero digits of any signed-digit form), so each
   output is a sum of terms `+-(x_j << s)`;
2. an output whose weight vector is close to another output's is computed from it
   (`y_c = y_p + (M_c - M_p) @ x`) when the difference has fewer CSD digits than the row
   itself (a spanning forest over the rows, cheapest edges first);
3. common subexpressions over the whole matrix: the pair of terms `(a << s), +-(b << s+d)`
   that occurs most often (in all outputs together) becomes a new node
   `v = a +- (b << d)`, every occurrence is replaced by `v << s`, and so on until no pair
   occurs twice (Hartley's method, generalised to matrices, with incremental pair counts);
4. what is left of each output is summed by a tree that adds the two narrowest terms
   first (short adders, logarithmic depth).

The result is an `AdderGraph`: nodes `v = (a << sa) +- (b << sb)` over the inputs, and per
output a node with a shift and a sign (or zero). `node_ranges` gives every node's exact
value interval, from which a lowering picks widths that cannot overflow.
Algorithm only: arrays in, arrays out, no IR (see `lowering/conversion/convert_nn_to_arith.py`).
"""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass, field

import numpy as np


def csd_digits(value: int) -> list[tuple[int, int]]:
    """The canonical signed digits of `value`: (shift, sign) pairs, lowest first."""
    out: list[tuple[int, int]] = []
    v = int(value)
    s = 0
    while v:
        if v & 1:
            d = 2 - (v & 3)  # +1 when v = 1 mod 4, -1 when v = 3 mod 4
            out.append((s, d))
            v -= d
        v >>= 1
        s += 1
    return out


def csd_matrix(m: np.ndarray) -> np.ndarray:
    """The number of non-zero CSD digits of every entry of an integer array."""
    flat = np.asarray(m, dtype=np.int64).reshape(-1)
    return np.array([len(csd_digits(int(v))) for v in flat], dtype=np.int64).reshape(np.shape(m))


@dataclass
class AdderGraph:
    """Nodes `0..n_inputs-1` are the inputs; node `n_inputs + i` is `ops[i]`:
    `(a, sa, b, sb, sign)` meaning `(v_a << sa) + sign * (v_b << sb)`.
    Output `c` is `out_sign[c] * (v[out_node[c]] << out_shift[c])`, or 0 when
    `out_node[c] < 0`."""

    n_inputs: int
    ops: list[tuple[int, int, int, int, int]] = field(default_factory=list)
    out_node: list[int] = field(default_factory=list)
    out_shift: list[int] = field(default_factory=list)
    out_sign: list[int] = field(default_factory=list)

    @property
    def adders(self) -> int:
        return len(self.ops)

    def node_ranges(self, lo: np.ndarray, hi: np.ndarray) -> list[tuple[int, int]]:
        """The exact interval of every node, from the inputs' intervals (Python integers)."""
        r = [(int(a), int(b)) for a, b in zip(lo, hi)]
        for a, sa, b, sb, sign in self.ops:
            alo, ahi = r[a][0] << sa, r[a][1] << sa
            blo, bhi = r[b][0] << sb, r[b][1] << sb
            if sign < 0:
                blo, bhi = -bhi, -blo
            r.append((alo + blo, ahi + bhi))
        return r

    def depth(self) -> int:
        d = [0] * self.n_inputs
        for a, _, b, _, _ in self.ops:
            d.append(1 + max(d[a], d[b]))
        return max((d[n] for n in self.out_node if n >= 0), default=0)

    def evaluate(self, x: np.ndarray) -> np.ndarray:
        """y for input rows `x` (vectors, inputs) as int64 (object arrays if asked to)."""
        x = np.asarray(x)
        v = [x[:, j] for j in range(self.n_inputs)]
        for a, sa, b, sb, sign in self.ops:
            v.append((v[a] << sa) + sign * (v[b] << sb))
        cols = []
        for n, s, g in zip(self.out_node, self.out_shift, self.out_sign):
            cols.append(np.zeros(x.shape[0], x.dtype) if n < 0 else g * (v[n] << s))
        return np.stack(cols, axis=1) if cols else np.zeros((x.shape[0], 0), x.dtype)


# --------------------------------------------------------------------- the solver


def _tie(k: tuple) -> tuple:
    """Among equally frequent pairs: the narrowest adder first, then the newest nodes
    (building on shared sums already made)."""
    return (k[2] + k[3], -k[1], -k[0])


class _Counts:
    """Pair counts, with a lazy max-heap (entries are checked against the counts when
    popped), so the most frequent pair is found in O(log n)."""

    def __init__(self, initial: dict[tuple, int]) -> None:
        self.count = initial
        self.heap = [(-c, _tie(k), k) for k, c in initial.items() if c >= 2]
        heapq.heapify(self.heap)

    def add(self, key: tuple, delta: int) -> None:
        c = self.count.get(key, 0) + delta
        if c > 0:
            self.count[key] = c
            if c >= 2:  # a fresh entry: older ones are stale now
                heapq.heappush(self.heap, (-c, _tie(key), key))
        else:
            self.count.pop(key, None)

    def best(self) -> tuple | None:
        """The most frequent pair (the narrowest among equals), if it occurs twice."""
        while self.heap:
            nc, _, key = self.heap[0]
            if self.count.get(key, 0) == -nc:
                return key
            heapq.heappop(self.heap)
        return None


def _pair_key(t1: tuple[int, int], g1: int, t2: tuple[int, int], g2: int) -> tuple[tuple, int, int]:
    """(key, base shift, base sign) of the pair of signed terms t1, t2 ((node, shift) each)."""
    if t2 < t1:
        t1, g1, t2, g2 = t2, g2, t1, g1
    m = min(t1[1], t2[1])
    return (t1[0], t2[0], t1[1] - m, t2[1] - m, g1 * g2), m, g1


class _Builder:
    def __init__(self, n_inputs: int, lo: np.ndarray, hi: np.ndarray):
        self.g = AdderGraph(n_inputs)
        self.ranges: list[tuple[int, int]] = [(int(a), int(b)) for a, b in zip(lo, hi)]

    def node(self, a: int, sa: int, b: int, sb: int, sign: int) -> int:
        self.g.ops.append((a, sa, b, sb, sign))
        alo, ahi = self.ranges[a][0] << sa, self.ranges[a][1] << sa
        blo, bhi = self.ranges[b][0] << sb, self.ranges[b][1] << sb
        if sign < 0:
            blo, bhi = -bhi, -blo
        self.ranges.append((alo + blo, ahi + bhi))
        return self.g.n_inputs + len(self.g.ops) - 1

    def width(self, term: tuple[int, int]) -> int:
        lo, hi = self.ranges[term[0]]
        return max(abs(lo), abs(hi)).bit_length() + term[1]

    def combine(self, t1: tuple[int, int], g1: int, t2: tuple[int, int], g2: int) -> tuple[tuple[int, int], int]:
        """A node for g1*t1 + g2*t2; returns the new term and its sign."""
        if g1 < 0 and g2 > 0:
            t1, g1, t2, g2 = t2, g2, t1, g1
        m = min(t1[1], t2[1])
        v = self.node(t1[0], t1[1] - m, t2[0], t2[1] - m, g1 * g2)
        return (v, m), g1


def solve_cmvm(m: np.ndarray, lo: np.ndarray, hi: np.ndarray, share_rows: bool = True) -> AdderGraph:
    """An adder graph computing `m @ x` for integer `x` with `lo <= x <= hi` (element-wise)."""
    M = np.asarray(m, dtype=np.int64)
    if M.ndim != 2:
        raise ValueError("the matrix must be two-dimensional")
    C, N = M.shape
    b = _Builder(N, np.asarray(lo), np.asarray(hi))
    # Terms of every output: {(node, shift): sign}.
    rows: list[dict[tuple[int, int], int]] = []
    for c in range(C):
        terms: dict[tuple[int, int], int] = {}
        for j in np.flatnonzero(M[c]):
            for s, d in csd_digits(int(M[c, j])):
                terms[(int(j), s)] = d
        rows.append(terms)
    # Rows computed from other rows: y_c = y_p + (M_c - M_p) x when that is cheaper.
    parent = [-1] * C
    if share_rows and C > 1:
        parent = _row_forest(M)
        for c in range(C):
            if parent[c] >= 0:
                diff = M[c] - M[parent[c]]
                terms = {}
                for j in np.flatnonzero(diff):
                    for s, d in csd_digits(int(diff[j])):
                        terms[(int(j), s)] = d
                rows[c] = terms
    # Common subexpressions over all rows.
    initial: Counter = Counter()
    for terms in rows:
        items = list(terms.items())
        initial.update(
            _pair_key(t1, g1, t2, g2)[0] for i, (t1, g1) in enumerate(items) for t2, g2 in items[i + 1 :]
        )
    counts = _Counts(dict(initial))
    while True:
        key = counts.best()
        if key is None:
            break
        a, bn, da, db, rs = key
        v = b.node(a, da, bn, db, rs)
        replaced = 0
        for terms in rows:
            # occurrences of (a, m+da, g) and (bn, m+db, g*rs), non-overlapping
            for (node, s) in [t for t in terms if t[0] == a]:
                mm = s - da
                t1, t2 = (a, s), (bn, mm + db)
                if mm < 0 or t1 not in terms or t2 not in terms or t1 == t2:
                    continue
                g1, g2 = terms[t1], terms[t2]
                if g1 * g2 != rs:
                    continue
                # remove t1, t2 and their pairs; add (v, mm) with sign g1
                del terms[t1]
                del terms[t2]
                counts.add(_pair_key(t1, g1, t2, g2)[0], -1)
                for u, gu in terms.items():
                    counts.add(_pair_key(t1, g1, u, gu)[0], -1)
                    counts.add(_pair_key(t2, g2, u, gu)[0], -1)
                tv = (v, mm)
                for u, gu in terms.items():
                    counts.add(_pair_key(tv, g1, u, gu)[0], 1)
                terms[tv] = g1
                replaced += 1
        if replaced == 0:  # an overcounted pair (overlapping occurrences): drop it
            counts.add(key, -counts.count.get(key, 0))
            b.g.ops.pop()
            b.ranges.pop()
    # Sum what is left of every row, narrowest terms first; rows with a parent add it.
    done: dict[int, tuple[tuple[int, int], int] | None] = {}

    def finish(c: int) -> tuple[tuple[int, int], int] | None:
        if c in done:
            return done[c]
        items = [(t, g) for t, g in rows[c].items()]
        if parent[c] >= 0:
            p = finish(parent[c])
            if p is not None:
                items.append(p)
        while len(items) > 1:
            items.sort(key=lambda tg: (b.width(tg[0]), tg[0]))
            (t1, g1), (t2, g2) = items[0], items[1]
            items = items[2:] + [b.combine(t1, g1, t2, g2)]
        done[c] = items[0] if items else None
        return done[c]

    for c in range(C):
        r = finish(c)
        if r is None:
            b.g.out_node.append(-1)
            b.g.out_shift.append(0)
            b.g.out_sign.append(1)
        else:
            (node, s), g = r
            b.g.out_node.append(node)
            b.g.out_shift.append(s)
            b.g.out_sign.append(g)
    return b.g


def _row_forest(M: np.ndarray) -> list[int]:
    """A parent per row (or -1): a row is computed as its parent plus a difference when
    the difference has fewer CSD digits than the row itself. A minimum spanning forest
    (Prim's algorithm from a virtual root whose edge to each row costs the row's digits)."""
    C = M.shape[0]
    own = csd_matrix(M).sum(axis=1)
    diff = np.zeros((C, C), np.int64)
    for c in range(C):
        diff[c] = csd_matrix(M - M[c]).sum(axis=1)
    parent = [-1] * C
    best = own.astype(np.int64).copy()
    via = np.full(C, -1)
    in_tree = np.zeros(C, bool)
    for _ in range(C):
        cand = np.where(in_tree, np.iinfo(np.int64).max, best)
        c = int(np.argmin(cand))
        in_tree[c] = True
        parent[c] = int(via[c])
        better = (~in_tree) & (diff[c] + 1 < best)  # the parent costs one more adder
        best = np.where(better, diff[c] + 1, best)
        via = np.where(better, c, via)
    return parent
