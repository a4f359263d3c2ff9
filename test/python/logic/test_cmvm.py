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
