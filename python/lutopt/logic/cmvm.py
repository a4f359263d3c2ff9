"""Constant-matrix-vector products as shift-and-add graphs (multiplierless CMVM).

`y = M @ x` for a constant integer matrix `M` (outputs x inputs) and integer inputs `x`
with known ranges, computed with additions, subtractions and constant shifts only:

1. every weight is written in canonical signed digits (CSD: digits -1, 0, 1, no two
   adjacent non-zero digits, the fewest non-zero digits of any signed-digit form), so each
   output is a sum of terms `+-(x_j << s)`;
2. an output whose weight vector is close to another output's (or to its negation) is
   computed from it (`y_c = +-y_p + (M_c -+ M_p) @ x`) when the difference has fewer CSD
   digits than the row itself (a spanning forest over the rows, cheapest edges first);
3. common subexpressions over the whole matrix: the pair of terms `(a << s), +-(b << s+d)`
   that occurs most often (in all outputs together) becomes a new node
   `v = a +- (b << d)`, every occurrence is replaced by `v << s`, and so on until no pair
   occurs twice (Hartley's method, generalised to matrices, with incremental pair counts);
   among equally frequent pairs, those of the newest nodes first;
4. what is left of each output is summed by a tree that adds the two shallowest terms
   first (the least depth), the lowest and narrowest among equals.

A difference subtracts the operand of the higher shift, so that the other operand's low
bits are copied rather than negated (lutopt's 6-LUT mapper: 29 LUTs for `(a << 6) - b`,
20 for `a - (b << 6)`, a and b of 12 bits), and comes out negated if need be, except a
row's last sum, which comes out positive when its operands' signs differ. Several variants of
steps 2-3 (`VARIANTS`: the forest's depth and threshold, the tie-break) are solved and
the graph of the fewest adder bits is kept (`AdderGraph.bit_cost`).

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
    """The number of non-zero CSD digits of every entry of an integer array (|v| < 2^62)."""
    v = np.abs(np.asarray(m, dtype=np.int64))
    # the non-adjacent form of v (the CSD digits): with h = v >> 1 and c = h ^ (v + h),
    # the digit at bit i is non-zero exactly where c has bit i set
    h = v >> 1
    c = h ^ (v + h)
    n = np.zeros(v.shape, np.int64)
    while np.any(c):
        n += c & 1
        c >>= 1
    return n


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

    def bit_cost(self, lo: np.ndarray, hi: np.ndarray) -> tuple[int, int]:
        """(logic bits, full-adder bits) of the adders at the exact widths of their
        intervals. A sum `(a << sa) + (b << sb)` copies the lower operand's bits below the
        higher operand's lowest bit; its logic bits are those from there to the top bit
        of the sum (a difference whose lower operand is subtracted negates those bits:
        they count too), its full-adder bits those where both operands have bits. A
        negated output counts as logic bits of its width."""
        r = self.node_ranges(lo, hi)
        w = [signed_width(a, b) for a, b in r]
        logic = full = 0
        for i, (a, sa, b, sb, sign) in enumerate(self.ops):
            low = sb if sign < 0 and sb < sa else max(sa, sb)  # (a << sa) - b negates b's low bits
            logic += w[self.n_inputs + i] - low
            full += max(0, min(sa + w[a], sb + w[b]) - max(sa, sb))
        for n, g in zip(self.out_node, self.out_sign):
            if n >= 0 and g < 0:
                logic += w[n]  # a negated output
        return logic, full

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


def signed_width(lo: int, hi: int) -> int:
    """The fewest bits of a two's-complement number that holds every integer of [lo, hi]."""
    return max(int(hi), -int(lo) - 1, 0).bit_length() + 1


@dataclass(frozen=True)
class CmvmOptions:
    """One variant of the solver. `solve_cmvm` runs the `VARIANTS` and keeps the graph
    of the fewest adder bits."""

    share_rows: bool = True
    """Compute a row as a similar row plus (or minus) a difference when that has fewer
    CSD digits (a spanning forest over the rows)."""
    negated_parents: bool = True
    """The forest may also use `y_c = -y_p + (M_c + M_p) @ x`."""
    edge_penalty: int = 1
    """A row takes a parent when the difference has at least this many digits fewer than
    the row (the parent costs one adder more)."""
    forest_depth: int = -1
    """The longest chain of rows computed from rows (-1: unbounded)."""
    tie: str = "new"
    """Among equally frequent pairs, which becomes a node first: `new` the one of the
    newest nodes, then the narrowest (common sums grow from the last one made);
    `new-first` the one whose newer node is the newest, then the narrowest; `narrow`
    the narrowest, then the newest."""
    order: str = "depth"
    """How the terms left in a row are summed: `depth` the two shallowest terms first
    (then the lowest, then the narrowest: a balanced tree), `narrow` the two narrowest
    first (the fewest adder bits, a deeper tree)."""


VARIANTS: tuple[CmvmOptions, ...] = (
    CmvmOptions(),
    CmvmOptions(forest_depth=2),
    CmvmOptions(edge_penalty=2),
    CmvmOptions(tie="new-first", edge_penalty=2),
    CmvmOptions(tie="new-first", forest_depth=1),
)
"""The variants `solve_cmvm` tries by default (on the benchmark's nine matrices each is
the best of these on some matrix; see docs/nn-level.md)."""

FULL_SEARCH_DIGITS = 4096
"""`solve_cmvm` tries all `VARIANTS` on matrices of at most this many CSD digits, only the
first one on larger ones (each variant takes about as long: 0.9 s for a 16x64 matrix of
int8 weights, 2,828 digits; 10 s for 32x128, 11,380 digits)."""


def _tie_key(tie: str):
    if tie == "new":
        return lambda k: (-k[1], -k[0], k[2] + k[3])
    if tie == "new-first":
        return lambda k: (-k[1], k[2] + k[3], -k[0])
    if tie == "narrow":
        return lambda k: (k[2] + k[3], -k[1], -k[0])
    raise ValueError(f"unknown tie-break {tie!r}")


class _Counts:
    """Pair counts, with a lazy max-heap, so the most frequent pair is found in O(log n).
    Every pair that occurs twice has an entry whose count is at least its count: a rise
    pushes a fresh entry, a fall pushes nothing (an entry found too high when popped is
    pushed again with the count of the moment)."""

    def __init__(self, initial: dict[tuple, int], tie) -> None:
        self.count = initial
        self.tie = tie
        self.heap = [(-c, tie(k), k) for k, c in initial.items() if c >= 2]
        heapq.heapify(self.heap)

    def add(self, key: tuple, delta: int) -> None:
        c = self.count.get(key, 0) + delta
        if c > 0:
            self.count[key] = c
            if delta > 0 and c >= 2:
                heapq.heappush(self.heap, (-c, self.tie(key), key))
        else:
            self.count.pop(key, None)

    def best(self) -> tuple | None:
        """The most frequent pair (by the tie-break among equals), if it occurs twice."""
        heap = self.heap
        while heap:
            nc, tb, key = heap[0]
            c = self.count.get(key, 0)
            if c == -nc:
                return key
            if 2 <= c < -nc:
                heapq.heapreplace(heap, (-c, tb, key))
            else:
                heapq.heappop(heap)
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
        self.depths = [0] * n_inputs

    def node(self, a: int, sa: int, b: int, sb: int, sign: int) -> int:
        self.g.ops.append((a, sa, b, sb, sign))
        alo, ahi = self.ranges[a][0] << sa, self.ranges[a][1] << sa
        blo, bhi = self.ranges[b][0] << sb, self.ranges[b][1] << sb
        if sign < 0:
            blo, bhi = -bhi, -blo
        self.ranges.append((alo + blo, ahi + bhi))
        self.depths.append(1 + max(self.depths[a], self.depths[b]))
        return self.g.n_inputs + len(self.g.ops) - 1

    def pop(self) -> None:
        self.g.ops.pop()
        self.ranges.pop()
        self.depths.pop()

    def width(self, term: tuple[int, int]) -> int:
        lo, hi = self.ranges[term[0]]
        return max(abs(lo), abs(hi)).bit_length() + term[1]

    def combine(
        self, t1: tuple[int, int], g1: int, t2: tuple[int, int], g2: int, final: bool = False
    ) -> tuple[tuple[int, int], int]:
        """A node for g1*t1 + g2*t2; returns the new term and its sign. A difference
        subtracts the operand of the higher shift (the other one's low bits are copied,
        not negated) and comes out negated if need be, except for a row's `final` sum,
        which comes out positive (a negated output costs a negation)."""
        if g1 < 0 and g2 > 0:
            t1, g1, t2, g2 = t2, g2, t1, g1
        if g1 > 0 > g2 and t2[1] < t1[1] and not final:
            t1, g1, t2, g2 = t2, g2, t1, g1  # -(t2 - t1)
        m = min(t1[1], t2[1])
        v = self.node(t1[0], t1[1] - m, t2[0], t2[1] - m, g1 * g2)
        return (v, m), g1

    def sum_narrow(self, items: list) -> tuple | None:
        """The sum of signed terms, the two narrowest first."""
        while len(items) > 1:
            items.sort(key=lambda tg: (self.width(tg[0]), tg[0]))
            (t1, g1), (t2, g2) = items[0], items[1]
            items = items[2:] + [self.combine(t1, g1, t2, g2, len(items) == 2)]
        return items[0] if items else None

    def sum_shallow(self, items: list) -> tuple | None:
        """The sum of signed terms, the two shallowest first, then the lowest, then the
        narrowest (a tree of the least depth over the terms' depths)."""

        def entry(t: tuple[int, int], g: int) -> tuple:
            return (self.depths[t[0]], t[1], self.width(t), t, g)

        heap = [entry(t, g) for t, g in items]
        heapq.heapify(heap)
        while len(heap) > 1:
            t1, g1 = heapq.heappop(heap)[3:]
            t2, g2 = heapq.heappop(heap)[3:]
            heapq.heappush(heap, entry(*self.combine(t1, g1, t2, g2, not heap)))
        return tuple(heap[0][3:]) if heap else None


def _digit_terms(row: np.ndarray) -> dict[tuple[int, int], int]:
    """The signed CSD terms {(input, shift): sign} of a weight vector."""
    terms: dict[tuple[int, int], int] = {}
    for j in np.flatnonzero(row):
        for s, d in csd_digits(int(row[j])):
            terms[(int(j), s)] = d
    return terms


def solve_cmvm(
    m: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    share_rows: bool = True,
    options: CmvmOptions | tuple[CmvmOptions, ...] | None = None,
) -> AdderGraph:
    """An adder graph computing `m @ x` for integer `x` with `lo <= x <= hi` (element-wise).

    `options`: one variant, or several (the graph of the fewest adder bits is kept: logic
    plus full-adder bits, see `AdderGraph.bit_cost`, then the fewest adders); by default
    the `VARIANTS`, or only the first one when `m` has more than `FULL_SEARCH_DIGITS` CSD
    digits (without sharing rows unless `share_rows`)."""
    if isinstance(options, CmvmOptions):
        return _solve(m, lo, hi, options)
    if options is None:
        full = int(csd_matrix(m).sum()) <= FULL_SEARCH_DIGITS
        variants = VARIANTS if full else VARIANTS[:1]
    else:
        variants = options
    if not share_rows:
        variants = tuple(dict.fromkeys(CmvmOptions(**{**v.__dict__, "share_rows": False}) for v in variants))
    best, best_key = None, None
    for v in variants:
        g = _solve(m, lo, hi, v)
        key = (sum(g.bit_cost(np.asarray(lo), np.asarray(hi))), g.adders)
        if best_key is None or key < best_key:
            best, best_key = g, key
    if best is None:
        raise ValueError("no solver variant given")
    return best


def _solve(m: np.ndarray, lo: np.ndarray, hi: np.ndarray, opt: CmvmOptions) -> AdderGraph:
    M = np.asarray(m, dtype=np.int64)
    if M.ndim != 2:
        raise ValueError("the matrix must be two-dimensional")
    C, N = M.shape
    b = _Builder(N, np.asarray(lo), np.asarray(hi))
    # Terms of every output: {(node, shift): sign}.
    rows = [_digit_terms(M[c]) for c in range(C)]
    # Rows computed from other rows: y_c = s * y_p + (M_c - s * M_p) x when that is cheaper.
    parent, psign = [-1] * C, [1] * C
    if opt.share_rows and C > 1:
        parent, psign = _row_forest(M, opt.negated_parents, opt.forest_depth, opt.edge_penalty)
        for c in range(C):
            if parent[c] >= 0:
                rows[c] = _digit_terms(M[c] - psign[c] * M[parent[c]])
    # Common subexpressions over all rows.
    initial: Counter = Counter()
    for terms in rows:
        items = list(terms.items())
        initial.update(
            _pair_key(t1, g1, t2, g2)[0] for i, (t1, g1) in enumerate(items) for t2, g2 in items[i + 1 :]
        )
    counts = _Counts(dict(initial), _tie_key(opt.tie))
    while True:
        key = counts.best()
        if key is None:
            break
        a, bn, da, db, rs = key
        # a difference subtracts the operand of the higher shift (see _Builder.combine)
        flip = rs < 0 and da > db
        v = b.node(bn, db, a, da, rs) if flip else b.node(a, da, bn, db, rs)
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
                tv, gv = (v, mm), -g1 if flip else g1
                for u, gu in terms.items():
                    counts.add(_pair_key(tv, gv, u, gu)[0], 1)
                terms[tv] = gv
                replaced += 1
        if replaced == 0:  # an overcounted pair (overlapping occurrences): drop it
            counts.add(key, -counts.count.get(key, 0))
            b.pop()
    # Sum what is left of every row; rows with a parent add it (with its sign).
    if opt.order == "depth":
        total = b.sum_shallow
    elif opt.order == "narrow":
        total = b.sum_narrow
    else:
        raise ValueError(f"unknown summation order {opt.order!r}")
    done: dict[int, tuple[tuple[int, int], int] | None] = {}

    def finish(c: int) -> tuple[tuple[int, int], int] | None:
        if c in done:
            return done[c]
        items = [(t, g) for t, g in rows[c].items()]
        if parent[c] >= 0:
            p = finish(parent[c])
            if p is not None:
                items.append((p[0], p[1] * psign[c]))
        done[c] = total(items)
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


def _row_forest(
    M: np.ndarray, negated: bool = True, max_depth: int = -1, penalty: int = 1
) -> tuple[list[int], list[int]]:
    """A parent and a sign per row (parent -1: none): row c is computed as sign times its
    parent plus a difference when the difference has at least `penalty` CSD digits fewer
    than the row itself, in chains of at most `max_depth` rows (-1: any). A minimum
    spanning forest (Prim's algorithm from a virtual root whose edge to each row costs the
    row's digits); with `negated`, an edge costs the digits of the difference or of the
    sum, whichever is fewer."""
    C = M.shape[0]
    own = csd_matrix(M).sum(axis=1)
    diff = np.zeros((C, C), np.int64)  # diff[p, c]: the digits of M_c - M_p
    dsign = np.ones((C, C), np.int64)
    for p in range(C):
        diff[p] = csd_matrix(M - M[p]).sum(axis=1)
        if negated:
            summed = csd_matrix(M + M[p]).sum(axis=1)
            dsign[p] = np.where(summed < diff[p], -1, 1)
            diff[p] = np.minimum(diff[p], summed)
    parent, psign = [-1] * C, [1] * C
    best = own.astype(np.int64).copy()
    via = np.full(C, -1)
    in_tree = np.zeros(C, bool)
    depth = np.zeros(C, np.int64)
    for _ in range(C):
        cand = np.where(in_tree, np.iinfo(np.int64).max, best)
        c = int(np.argmin(cand))
        in_tree[c] = True
        parent[c] = int(via[c])
        if parent[c] >= 0:
            psign[c] = int(dsign[parent[c], c])
            depth[c] = depth[parent[c]] + 1
        if 0 <= max_depth <= depth[c]:
            continue  # no row hangs from c
        better = (~in_tree) & (diff[c] + penalty < best)
        best = np.where(better, diff[c] + penalty, best)
        via = np.where(better, c, via)
    return parent, psign
