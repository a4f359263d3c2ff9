"""The shift-and-add solver for constant-matrix-vector products (lutopt.logic.cmvm)."""

from __future__ import annotations

import numpy as np
import pytest

from lutopt.logic.cmvm import csd_digits, csd_matrix, solve_cmvm


def test_csd_digits_value_and_canonical_form():
    for v in range(-600, 601):
        d = csd_digits(v)
        assert sum(sign << s for s, sign in d) == v
        shifts = [s for s, _ in d]
        # no two adjacent non-zero digits
        assert all(b - a >= 2 for a, b in zip(shifts, shifts[1:]))
    assert csd_digits(7) == [(0, -1), (3, 1)]  # 8 - 1
    assert csd_matrix(np.array([[0, 1, 3, 7, -7, 85]])).tolist() == [[0, 1, 2, 2, 2, 4]]


@pytest.mark.parametrize("shape,share", [((8, 8), True), ((16, 64), True), ((12, 5), False), ((1, 9), True)])
def test_graph_computes_the_product(shape, share):
    rng = np.random.default_rng(sum(shape))
    C, N = shape
    M = rng.integers(-128, 128, size=shape)
    M[rng.random(shape) < 0.2] = 0
    lo = rng.integers(-128, 1, size=N)
    hi = lo + rng.integers(0, 256, size=N)
    g = solve_cmvm(M, lo, hi, share_rows=share)
    x = np.concatenate([rng.integers(lo, hi + 1, size=(500, N)), lo[None], hi[None]])
    assert np.array_equal(g.evaluate(x), x @ M.T)  # NumPy's product is the oracle
    # The exact intervals bound every node.
    r = g.node_ranges(lo, hi)
    vals = [x[:, j] for j in range(N)]
    for a, sa, b, sb, s in g.ops:
        vals.append((vals[a] << sa) + s * (vals[b] << sb))
    for v, (l, h) in zip(vals, r):
        assert l <= v.min() and v.max() <= h


def test_sharing_saves_adders():
    # Every row has the same pattern 5*x0 + 3*x1: shared, one adder chain for all rows.
    M = np.array([[5, 3, 0], [5, 3, 1], [10, 6, 0], [5, 3, -1]])
    g = solve_cmvm(M, np.zeros(3, np.int64), np.full(3, 15))
    digits = int(csd_matrix(M).sum())
    assert g.adders < digits - len(M)  # fewer adders than CSD digits minus one per row
    x = np.array(np.meshgrid(*[np.arange(16)] * 3)).reshape(3, -1).T
    assert np.array_equal(g.evaluate(x), x @ M.T)


def test_zero_rows_and_single_terms():
    M = np.array([[0, 0], [4, 0], [0, -1]])
    g = solve_cmvm(M, np.zeros(2, np.int64), np.full(2, 3))
    assert g.out_node[0] < 0 and g.adders == 0
    x = np.array([[1, 2], [3, 3]])
    assert np.array_equal(g.evaluate(x), x @ M.T)


# ------------------------------------------------------------------ variants and selection


def _matrices():
    """Random integer matrices with the awkward cases: zero rows and columns, a single
    non-zero weight, all-negative rows, wide weights, equal and negated rows."""
    rng = np.random.default_rng(7)
    out = []
    for C, N, w in [(6, 5, 8), (9, 12, 8), (5, 7, 16), (3, 1, 8), (1, 6, 12)]:
        M = rng.integers(-(1 << (w - 1)), 1 << (w - 1), size=(C, N))
        M[rng.random((C, N)) < 0.25] = 0
        out.append(M)
    M = rng.integers(-128, 128, size=(8, 10))
    M[2] = 0  # a zero row
    M[:, 3] = 0  # a zero column
    M[4] = -np.abs(M[4])  # a negative row
    M[5] = M[1]  # an equal row
    M[6] = -M[0]  # a negated row
    M[6, 0] += 1
    M[7] = 0
    M[7, 9] = -(1 << 20) + 3  # a single wide non-zero
    out.append(M)
    return out


@pytest.mark.parametrize("k", range(6))
def test_every_variant_is_exact(k):
    from lutopt.logic.cmvm import VARIANTS, CmvmOptions

    M = _matrices()[k]
    C, N = M.shape
    rng = np.random.default_rng(k)
    lo = rng.integers(-100, 1, size=N)
    hi = lo + rng.integers(0, 300, size=N)
    x = np.concatenate([rng.integers(lo, hi + 1, size=(300, N)), lo[None], hi[None]])
    variants = list(VARIANTS) + [CmvmOptions(order="narrow"), CmvmOptions(tie="narrow", negated_parents=False),
                                 CmvmOptions(share_rows=False, order="narrow")]
    # without sharing, every row with d digits takes d - 1 adders at most
    bound = int(np.maximum(csd_matrix(M).sum(axis=1) - 1, 0).sum())
    for v in variants:
        g = solve_cmvm(M, lo, hi, options=v)
        assert np.array_equal(g.evaluate(x), x @ M.T), v
        assert g.adders <= bound, v
    g = solve_cmvm(M, lo, hi)
    assert np.array_equal(g.evaluate(x), x @ M.T)
    assert g.adders <= bound


def _bit_cost(g, lo, hi):
    """AdderGraph.bit_cost recomputed: the interval of every node (the widths the Verilog
    of an adder graph takes), logic bits from the higher operand's lowest bit to the sum's
    top bit, full-adder bits where both operands have bits, negated outputs."""
    N = g.n_inputs
    box = [(int(a), int(b)) for a, b in zip(lo, hi)]
    for a, sa, b, sb, s in g.ops:
        ends = [x * 2**sa + s * y * 2**sb for x in box[a] for y in box[b]]
        box.append((min(ends), max(ends)))

    def width(n):  # two's-complement bits of node n
        l, h = box[n]
        return next(w for w in range(1, 200) if -(2 ** (w - 1)) <= l and h < 2 ** (w - 1))

    logic = full = 0
    for i, (a, sa, b, sb, s) in enumerate(g.ops):
        # bits below `low` are copied from the operand of the lower shift, unless that
        # operand is subtracted (then they are negated)
        low = max(sa, sb) if s > 0 or sb >= sa else sb
        logic += width(N + i) - low
        full += max(0, min(sa + width(a), sb + width(b)) - max(sa, sb))
    for n, sg in zip(g.out_node, g.out_sign):
        if n >= 0 and sg < 0:
            logic += width(n)
    return logic, full


def test_the_cheapest_variant_is_kept():
    from lutopt.logic.cmvm import VARIANTS

    rng = np.random.default_rng(3)
    M = rng.integers(-128, 128, size=(6, 4))
    lo, hi = np.array([0, -3, 0, -8]), np.array([7, 3, 15, 7])
    costs = []
    for v in VARIANTS:
        g = solve_cmvm(M, lo, hi, options=v)
        assert g.bit_cost(lo, hi) == _bit_cost(g, lo, hi)
        costs.append((sum(g.bit_cost(lo, hi)), g.adders))
    g = solve_cmvm(M, lo, hi)
    assert (sum(_bit_cost(g, lo, hi)), g.adders) == min(costs)


def test_balanced_sums():
    # One row of 16 terms with no common pair: the default sums them in a balanced tree
    # (depth 4); the two narrowest first makes a chain here (each sum is the widest yet).
    M = np.array([[1 << j for j in range(16)]])
    lo, hi = np.zeros(16, np.int64), np.full(16, 255)
    g = solve_cmvm(M, lo, hi)
    assert g.adders == 15 and g.depth() == 4
    from lutopt.logic.cmvm import CmvmOptions

    assert solve_cmvm(M, lo, hi, options=CmvmOptions(order="narrow")).depth() == 15
    x = np.random.default_rng(0).integers(0, 256, size=(100, 16))
    assert np.array_equal(g.evaluate(x), x @ M.T)


def test_negated_rows_share():
    from lutopt.logic.cmvm import _row_forest

    M = np.array([[85, 51, -77], [-85, -51, 78], [3, 0, 0]])
    parent, sign = _row_forest(M)
    # y0 = -y1 + x2 (y1 has the fewer digits, so it is the root)
    assert parent[:2] == [1, -1] and sign[0] == -1
    assert parent[2] < 0
    parent, sign = _row_forest(M, negated=False)
    assert parent == [-1, -1, -1]
    parent, sign = _row_forest(M, max_depth=0)
    assert parent == [-1, -1, -1]


def test_csd_matrix_wide_values():
    v = np.array([0, 1, -1, 3, -3, 2**40 + 2**20 + 1, -(2**61) + 3, 2**61 - 1, 0x5555555555555])
    assert csd_matrix(v).tolist() == [len(csd_digits(int(x))) for x in v]


def test_large_matrices_solve_one_variant(monkeypatch):
    import lutopt.logic.cmvm as cmvm

    rng = np.random.default_rng(12)
    M = rng.integers(-128, 128, size=(12, 10))
    lo, hi = np.zeros(10, np.int64), np.full(10, 255)
    graphs = [solve_cmvm(M, lo, hi, options=v) for v in cmvm.VARIANTS]
    # the variants differ here, and the default keeps another one than the first
    assert solve_cmvm(M, lo, hi).ops != graphs[0].ops
    monkeypatch.setattr(cmvm, "FULL_SEARCH_DIGITS", int(csd_matrix(M).sum()) - 1)
    assert solve_cmvm(M, lo, hi).ops == graphs[0].ops
