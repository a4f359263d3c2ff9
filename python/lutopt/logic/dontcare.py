"""Don't-care values of a truth table chosen so that its K-LUT cover is small.

    filled = fill_dont_cares(values, care, num_inputs, out_width, lut_size=6)

`values[i]` is the output word for index i (input 0 the most significant bit, as in
`lut.table`), `care[i]` says whether entry i must keep its value; the result equals
`values` wherever `care` is set, and elsewhere holds values chosen so that
`lutopt.logic.decompose` covers the table with fewer LUTs (the idea of ReducedLUT, 2024:
entries that real inputs never reach are free).

How the values are chosen. `lut-decompose` covers a table with a decision diagram in some
variable order: below the cut K variables above the bottom lie the distinct cofactors of
the output bits over the last K variables (one K-LUT each, unless a cofactor is a constant
or a single variable, possibly complemented), above it the mux nodes between them. For a
variable order:

1. **Merging compatible cofactors.** Every cofactor over the last K variables (one row per
   output bit and assignment of the other variables) is a partial function: its cared
   entries are fixed, the others free. Two partial functions are *compatible* when they
   agree wherever both are cared (or, up to complement, when one agrees with the other's
   complement). Rows are taken most-constrained first and each joins the first compatible
   class -- the free functions (constant 0, the K variables; up to complement: constant
   1 and the negated variables) first, then the classes made so far -- whose
   representative takes the row's cared entries; a row compatible with none starts a new
   class (entries no member cares about keep the values of the row that started it).
   Every row then gets its class's values: cared entries never change, and the
   number of distinct non-trivial cofactors (the mu of `lutopt.logic.decompose`) is the
   number of classes.
2. **Free subtrees.** A row with no cared entry joins no class. Bottom-up over the
   variables above the cut, a sub-table one half of which is entirely free gets the other
   half's values in it, so its node disappears (the variable is redundant there).
3. **The order.** Candidate orders are the identity and the best orders that
   `search_orders` finds for the table as given and with its free entries 0; each is
   filled and scored by the order search on the filled table (the decomposer's proxy);
   the best one is refined once (filled again in the best order found for it). A fill is
   kept only if its proxy is below the unchanged table's, so the table never gets worse by
   that measure.

`lutopt.lowering.transforms.lut.lut_dont_care` (the pass `lut-dont-care`) applies this to
every table of a design with the entries a data set reaches as the cared ones
(`lutopt.analysis.reached_codes`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lutopt.logic._decompose_order import _permute, search_orders, table_bits
from lutopt.logic._decompose_params import DecomposeParams

_ALL = np.uint64(0xFFFF_FFFF_FFFF_FFFF)


def _pack(rows: np.ndarray) -> np.ndarray:
    """uint8[r, 2^b] of 0/1 -> uint64[r, W] (entry e is bit e % 64 of word e // 64)."""
    r, size = rows.shape
    width = max(64, size)
    padded = np.zeros((r, width), dtype=np.uint8)
    padded[:, :size] = rows
    return np.packbits(padded, axis=1, bitorder="little").view("<u8").reshape(r, width // 64).astype(np.uint64)


def _unpack(words: np.ndarray, size: int) -> np.ndarray:
    r = words.shape[0]
    raw = np.ascontiguousarray(words.astype("<u8")).view(np.uint8).reshape(r, -1)
    return np.unpackbits(raw, axis=1, bitorder="little")[:, :size]


def _free_functions(b: int) -> np.ndarray:
    """Packed rows of the functions that cost no LUT: constant 0 and each of the b bottom
    variables (position p is bit p of the entry's number within the row)."""
    idx = np.arange(1 << b)
    rows = [np.zeros(1 << b, dtype=np.uint8)] + [((idx >> p) & 1).astype(np.uint8) for p in range(b)]
    return _pack(np.array(rows, dtype=np.uint8))


def _merge_rows(vals: np.ndarray, cares: np.ndarray, b: int, original: np.ndarray | None = None
                ) -> tuple[np.ndarray, np.ndarray]:
    """Step 1 of the module docstring on packed rows (uint64[r, W] values and care masks;
    value bits outside the care mask are 0). Returns the filled rows and which rows had no
    cared entry (left as they are, for step 2)."""
    r, w = vals.shape
    size = 1 << b
    full = np.zeros(w, dtype=np.uint64)
    for e in range(0, size, 64):
        n = min(64, size - e)
        full[e // 64] = _ALL if n == 64 else np.uint64((1 << n) - 1)
    free_rows = ~cares.any(axis=1)
    keys = np.concatenate([vals, cares], axis=1)
    uniq, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    u_vals, u_cares = uniq[:, :w], uniq[:, w:]
    seeds = _free_functions(b)
    cls_vals = [s for s in seeds]
    cls_cares = [full.copy() for _ in seeds]
    weight = np.array([sum(bin(int(x)).count("1") for x in row) for row in u_cares])
    cls_of = np.full(len(uniq), -1, dtype=np.int64)
    neg_of = np.zeros(len(uniq), dtype=bool)
    for u in np.argsort(-weight, kind="stable"):
        v, c = u_vals[u], u_cares[u]
        if not c.any():
            continue
        cv, cc = np.array(cls_vals), np.array(cls_cares)
        both = cc & c
        same = ~((cv ^ v) & both).any(axis=1)
        flipped = ~((cv ^ v ^ full) & both).any(axis=1)
        hits = np.flatnonzero(same | flipped)
        if hits.size == 0:
            cls_of[u] = len(cls_vals)
            cls_vals.append(v.copy())
            cls_cares.append(c.copy())
            continue
        i = int(hits[0])
        neg = not bool(same[i])
        cls_of[u], neg_of[u] = i, neg
        if i >= len(seeds):
            mine = ((v ^ full) & c) if neg else v
            cls_vals[i] = cls_vals[i] | (mine & ~cls_cares[i])
            cls_cares[i] = cls_cares[i] | c
    # Each row takes its class's final representative (complemented when it matched the
    # complement); rows without cared entries keep their (zero) values.
    # A class's entries that no member cares about keep the values of the row that
    # started it in `original` (the table as it was: the cover does not get larger, and
    # inputs outside the data set see the function they saw before more often).
    founder: dict[int, int] = {}
    for u in np.argsort(-weight, kind="stable"):
        if cls_of[u] >= len(seeds):
            founder.setdefault(int(cls_of[u]), int(first[u]))
    if original is not None:
        for i, row in founder.items():
            cls_vals[i] = (cls_vals[i] & cls_cares[i]) | (original[row] & ~cls_cares[i] & full)
    out = u_vals.copy()
    for u in np.flatnonzero(cls_of >= 0):
        rep = cls_vals[int(cls_of[u])]
        out[u] = (rep ^ full) if neg_of[u] else rep
    return out[inverse], free_rows


def _fill_free_subtrees(rows: np.ndarray, free: np.ndarray, m: int, levels: int) -> np.ndarray:
    """Step 2: rows (uint64[m * 2^levels, W], output bit major) whose column (assignment of
    the variables above the cut) is `free` get the values of the sibling half, bottom-up."""
    cols = 1 << levels
    rows = rows.reshape(m, cols, -1).copy()
    free = free.reshape(m, cols)[0].copy()  # the same columns are free for every output bit
    s = 1
    while s < cols:
        blocks = free.reshape(-1, 2, s)
        lo_free = blocks[:, 0, :].all(axis=1)
        hi_free = blocks[:, 1, :].all(axis=1)
        view = rows.reshape(m, -1, 2, s, rows.shape[2])
        take_hi = np.flatnonzero(lo_free & ~hi_free)
        take_lo = np.flatnonzero(hi_free & ~lo_free)
        view[:, take_hi, 0] = view[:, take_hi, 1]
        view[:, take_lo, 1] = view[:, take_lo, 0]
        blocks[take_hi, 0, :] = False
        blocks[take_lo, 1, :] = False
        s *= 2
    return rows.reshape(m * cols, -1)


def fill_in_order(bits: np.ndarray, care: np.ndarray, order: Sequence[int], lut_size: int) -> np.ndarray:
    """The table (uint8[m, 2^n] bit rows) with its free entries (`care` False) chosen for
    a decision diagram in `order` (steps 1 and 2 of the module docstring)."""
    m, size = bits.shape
    n = len(order)
    b = min(lut_size, n)
    perm_bits = _permute(bits, order)
    perm_care = _permute(care.reshape(1, size).astype(np.uint8), order)[0].astype(bool)
    rows = (perm_bits & perm_care[None, :]).reshape(m * (size >> b), 1 << b)
    cares = np.broadcast_to(perm_care.reshape(1, size >> b, 1 << b), (m, size >> b, 1 << b)).reshape(-1, 1 << b)
    filled, free = _merge_rows(_pack(rows), _pack(cares.astype(np.uint8)), b,
                               _pack(perm_bits.reshape(m * (size >> b), 1 << b)))
    filled = _fill_free_subtrees(filled, free, m, n - b)
    out_perm = _unpack(filled, 1 << b).reshape(m, size)
    where = _permute(np.arange(size, dtype=np.int64).reshape(1, size), order)[0]
    out = np.empty_like(bits)
    out[:, where] = out_perm
    return out


def _score(bits: np.ndarray, n: int, params: DecomposeParams, budget: int) -> tuple[float, list[int]]:
    orders, proxies, _ = search_orders(bits, n, params, budget=budget)
    return proxies[0], orders[0]


def _drop_problems(vals: np.ndarray, care: np.ndarray, n: int) -> list[tuple[bool, int, np.ndarray, np.ndarray]]:
    """For each variable j of a one-bit table (vals, care as uint8/bool arrays of shape
    (2,)*n): (whether the cared entries allow a function independent of j, cared pairs
    merged, merged values, merged care)."""
    res = []
    for j in range(n):
        a, b = np.take(vals, 0, axis=j), np.take(vals, 1, axis=j)
        ca, cb = np.take(care, 0, axis=j), np.take(care, 1, axis=j)
        both = ca & cb
        ok = not bool((both & (a != b)).any())
        res.append((ok, int(both.sum()), np.where(ca, a, b), ca | cb))
    return res


def reduce_support(vals: np.ndarray, care: np.ndarray, n: int) -> tuple[list[int], np.ndarray, np.ndarray]:
    """Step 0: a small set of variables a partial function (entries `vals`, one bit or
    whole output words, cared where `care`) can depend on. Variables are dropped one at a
    time while the cared entries allow it, each time the one that leaves the most other
    variables droppable (then merges the fewest cared entries). Returns (the kept
    variables, in table order; their values (the dtype of `vals`) and bool care over the
    2^len(kept) assignments, kept[0] most significant)."""
    kept = list(range(n))
    v = vals.reshape((2,) * n) if n else vals.reshape(())
    c = care.reshape((2,) * n) if n else care.reshape(())
    while kept:
        probs = _drop_problems(v, c, len(kept))
        options = [j for j, p in enumerate(probs) if p[0]]
        if not options:
            break
        if len(options) > 1 and len(kept) <= 14:
            def after(j: int) -> tuple[int, int]:
                nv, nc = probs[j][2], probs[j][3]
                return (-sum(p[0] for p in _drop_problems(nv, nc, len(kept) - 1)), probs[j][1])
            j = min(options, key=after)
        else:
            j = min(options, key=lambda j: probs[j][1])
        v, c = probs[j][2], probs[j][3]
        del kept[j]
    return kept, np.asarray(v, dtype=vals.dtype).reshape(-1), np.asarray(c, dtype=bool).reshape(-1)


def _fill_best_order(bits: np.ndarray, care: np.ndarray, n: int, params: DecomposeParams, budget: int):
    """The fill (steps 1-2) in the best of the candidate orders of step 3, by the proxy;
    (cost, filled bits). The table as given is the first candidate."""
    zeroed = bits & care[None, :].astype(np.uint8)
    base_cost, base_order = _score(bits, n, params, budget)
    best_cost, best_bits = base_cost, bits
    tried: set[tuple[int, ...]] = set()
    refine: list[int] | None = None
    for order in [list(range(n)), base_order, _score(zeroed, n, params, budget)[1], None]:
        if order is None:
            if refine is None:
                break
            order = refine
        if tuple(order) in tried:
            continue
        tried.add(tuple(order))
        filled = fill_in_order(bits, care, order, params.lut_size)
        cost, found = _score(filled, n, params, budget)
        if cost < best_cost - 1e-9:
            best_cost, best_bits, refine = cost, filled, found
    return best_cost, best_bits


def _expand(small: np.ndarray, kept: Sequence[int], n: int) -> np.ndarray:
    """A function of the variables `kept` (kept[0] most significant) as a 2^n-entry row."""
    idx = np.arange(1 << n, dtype=np.int64)
    sub = np.zeros(1 << n, dtype=np.int64)
    for p, j in enumerate(kept):
        sub |= ((idx >> (n - 1 - j)) & 1) << (len(kept) - 1 - p)
    return small[sub]


def candidate_fills(
    values: np.ndarray, care: np.ndarray, num_inputs: int, out_width: int, lut_size: int = 6,
    search_evaluations: int = 120,
) -> list[tuple[str, np.ndarray]]:
    """The fills that `fill_dont_cares` chooses from, as (name, bit rows uint8[m, 2^n]):
    "merge" (steps 1-3 on all output bits together), "support" (each output bit on its
    own: step 0, then steps 1-3 on the variables kept) and, for several output bits,
    "joint-support" (step 0 on the output words, then steps 1-3)."""
    n, m = num_inputs, out_width
    params = DecomposeParams(lut_size=lut_size)
    bits = table_bits(values, n, m)
    result = [("merge", _fill_best_order(bits, care, n, params, search_evaluations)[1])]
    rows = []
    for o in range(m):
        kept, v, c = reduce_support(bits[o], care, n)
        if not kept:
            rows.append(np.full(1 << n, v[0] if c[0] else 0, dtype=np.uint8))
            continue
        _, small = _fill_best_order(v.reshape(1, -1), c, len(kept), params, search_evaluations)
        rows.append(_expand(small[0], kept, n))
    result.append(("support", np.array(rows, dtype=np.uint8)))
    if m > 1:
        kept, v, c = reduce_support(np.asarray(values, dtype=np.uint64), care, n)
        small_bits = table_bits(v, len(kept), m)
        if kept:
            _, small = _fill_best_order(small_bits, c, len(kept), params, search_evaluations)
            result.append(("joint-support", np.array([_expand(r, kept, n) for r in small], dtype=np.uint8)))
        else:
            result.append(("joint-support", np.repeat(small_bits, 1 << n, axis=1)))
    return result


def _words(bits: np.ndarray) -> np.ndarray:
    m = bits.shape[0]
    weights = (np.uint64(1) << np.arange(m, dtype=np.uint64))[:, None]
    return (bits.astype(np.uint64) * weights).sum(axis=0).astype(np.uint64)


def choose_fill(
    values: np.ndarray, care: np.ndarray, num_inputs: int, out_width: int, lut_size: int = 6,
    effort: int = 1, search_evaluations: int = 120,
) -> tuple[np.ndarray, int, int, str]:
    """(filled values, LUTs of the table as given, LUTs of the filled table, the candidate
    chosen: "given", "merge", "support", "constant"), each covered alone by
    `decompose_tables` at `effort`. The candidates of `candidate_fills` and the table as
    given are compared by LUTs, then depth; the table as given wins a tie."""
    from lutopt.logic.decompose import TruthTable, decompose_tables

    n, m = num_inputs, out_width
    values = np.asarray(values, dtype=np.uint64).reshape(-1)
    care = np.asarray(care, dtype=bool).reshape(-1)
    if len(values) != 1 << n or len(care) != 1 << n:
        raise ValueError(f"a table of {n} input bits has {1 << n} entries, got {len(values)} values and "
                         f"{len(care)} care flags")
    params = DecomposeParams.for_effort(effort, lut_size=lut_size)
    options: list[tuple[str, np.ndarray]] = [("given", values)]
    if m and not care.all():
        if care.any():
            options += [(name, _words(b)) for name, b in candidate_fills(values, care, n, m, lut_size,
                                                                         search_evaluations)]
        else:
            options.append(("constant", np.zeros_like(values)))
    best = None
    given = 0
    for i, (name, filled) in enumerate(options):
        _, st = decompose_tables([TruthTable(filled, n, m)], params)
        if i == 0:
            given = st.luts
        key = (st.luts, st.depth, i)
        if best is None or key < best[0]:
            best = (key, filled, name)
    assert best is not None
    return best[1], given, best[0][0], best[2]


def fill_dont_cares(
    values: np.ndarray, care: np.ndarray, num_inputs: int, out_width: int, lut_size: int = 6,
    effort: int = 1, search_evaluations: int = 120,
) -> np.ndarray:
    """`values` (uint64[2^n]) with the entries where `care` is False chosen to make the
    K-LUT cover small (`choose_fill`); equal to `values` wherever `care` is True. See the
    module docstring."""
    return choose_fill(values, care, num_inputs, out_width, lut_size, effort, search_evaluations)[0]
