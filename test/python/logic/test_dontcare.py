"""lutopt.logic.dontcare: don't-care values chosen for small covers never touch a cared
entry (randomised over many tables), and they do make covers smaller.

The oracles are written here: entries compared with NumPy, distinct cofactors counted
with Python sets, dependence on a variable checked by flipping its index bit.
"""

from __future__ import annotations

import numpy as np
import pytest

from lutopt.logic.dontcare import candidate_fills, choose_fill, fill_dont_cares, fill_in_order, reduce_support


def random_case(rng: np.random.Generator):
    n = int(rng.integers(1, 11))
    m = int(rng.integers(1, 4))
    values = rng.integers(0, 1 << m, size=1 << n).astype(np.uint64)
    density = float(rng.choice([0.0, 0.02, 0.1, 0.3, 0.7, 1.0]))
    care = rng.random(1 << n) < density
    return n, m, values, care


def kept_problem(values: np.ndarray, care: np.ndarray, filled: np.ndarray, m: int) -> str | None:
    """The oracle: None when `filled` keeps every cared entry and is a table of m-bit words."""
    if filled.shape != values.shape:
        return f"shape {filled.shape} instead of {values.shape}"
    if (filled >> np.uint64(m)).any():
        return "an entry wider than the output"
    bad = np.flatnonzero(care & (filled != values))
    if bad.size:
        i = int(bad[0])
        return f"cared entry {i} changed from {int(values[i])} to {int(filled[i])}"
    return None


def test_cared_entries_never_change_random_tables():
    rng = np.random.default_rng(2024)
    for case in range(50):
        n, m, values, care = random_case(rng)
        k = int(rng.integers(3, 7))
        if case % 5 == 0:  # the whole choice (covers each candidate: slower)
            filled, before, after, how = choose_fill(values, care, n, m, lut_size=k, effort=0)
            problem = kept_problem(values, care, filled, m)
            assert problem is None, f"case {case} (n={n}, m={m}, k={k}, {how}): {problem}"
            assert after <= before, f"case {case}: the fill made the cover larger ({before} -> {after})"
        for name, bits in candidate_fills(values, care, n, m, lut_size=k):
            words = (bits.astype(np.uint64) << np.arange(m, dtype=np.uint64)[:, None]).sum(axis=0)
            problem = kept_problem(values, care, words.astype(np.uint64), m)
            assert problem is None, f"case {case}, candidate {name}: {problem}"


def test_the_oracle_can_fail():
    """A fill that changes one cared entry is caught (the check above is not vacuous)."""
    rng = np.random.default_rng(7)
    values = rng.integers(0, 4, size=256).astype(np.uint64)
    care = np.zeros(256, dtype=bool)
    care[[3, 50, 200]] = True
    filled = fill_dont_cares(values, care, 8, 2, lut_size=4, effort=0)
    assert kept_problem(values, care, filled, 2) is None
    broken = filled.copy()
    broken[50] ^= np.uint64(1)
    assert "cared entry 50 changed" in kept_problem(values, care, broken, 2)


def distinct_bottom_cofactors(bits: np.ndarray, order: list[int], b: int) -> int:
    """Distinct non-constant cofactors over the last b variables of `order`, per output
    bit, up to complement (the oracle of the merge step)."""
    m, size = bits.shape
    n = len(order)
    seen = set()
    for o in range(m):
        for top in range(1 << (n - b)):
            row = []
            for low in range(1 << b):
                index = 0
                assignment = (top << b) | low  # order[0] most significant
                for p, var in enumerate(order):
                    if (assignment >> (n - 1 - p)) & 1:
                        index |= 1 << (n - 1 - var)
                row.append(int(bits[o, index]))
            if row[0]:
                row = [1 - x for x in row]
            if any(row):
                seen.add(tuple(row))
    return len(seen)


def test_merging_reduces_bottom_cofactors():
    """With a few cared entries, the rows of a random table merge into fewer classes."""
    rng = np.random.default_rng(3)
    n, m, b = 9, 2, 4
    bits = rng.integers(0, 2, size=(m, 1 << n)).astype(np.uint8)
    care = rng.random(1 << n) < 0.1
    order = [int(v) for v in rng.permutation(n)]
    filled = fill_in_order(bits, care, order, b)
    assert (filled[:, care] == bits[:, care]).all()
    assert distinct_bottom_cofactors(filled, order, b) < distinct_bottom_cofactors(bits, order, b) // 2


def depends_on(row: np.ndarray, n: int, var: int) -> bool:
    idx = np.arange(1 << n)
    return bool((row != row[idx ^ (1 << (n - 1 - var))]).any())


def test_support_reduction_finds_the_true_variables():
    """Cared entries of a function of inputs 1 and 4 only, among 8: both kept, the rest
    dropped, and the expanded fill depends on nothing else."""
    rng = np.random.default_rng(11)
    n = 8
    idx = np.arange(1 << n)
    x1, x4 = (idx >> (n - 2)) & 1, (idx >> (n - 5)) & 1
    row = (x1 ^ x4).astype(np.uint8)
    care = rng.random(1 << n) < 0.25
    kept, small, small_care = reduce_support(np.where(care, row, rng.integers(0, 2, 1 << n)).astype(np.uint8),
                                             care, n)
    assert kept == [1, 4]
    assert small_care.all() and list(small) == [0, 1, 1, 0]
    filled = fill_dont_cares(row.astype(np.uint64), care, n, 1, lut_size=4, effort=0)
    assert (filled[care] == row[care]).all()
    assert [v for v in range(n) if depends_on(filled, n, v)] == [1, 4]


@pytest.mark.parametrize("density", [0.02, 0.1])
def test_fill_saves_luts_on_sparse_care_sets(density):
    """A random 12-input table needs many 6-LUTs; with few cared entries, far fewer."""
    rng = np.random.default_rng(5)
    n, m = 12, 2
    values = rng.integers(0, 4, size=1 << n).astype(np.uint64)
    care = rng.random(1 << n) < density
    filled, before, after, how = choose_fill(values, care, n, m, lut_size=6, effort=0)
    assert kept_problem(values, care, filled, m) is None
    assert after < before / 2, (before, after, how)


def test_no_cared_entry_gives_a_constant_and_all_cared_keeps_the_table():
    wide = np.random.default_rng(1).integers(0, 4, size=256).astype(np.uint64)
    assert (fill_dont_cares(wide, np.zeros(256, bool), 8, 2, lut_size=4, effort=0) == 0).all()
    values = np.arange(16, dtype=np.uint64) % 4
    assert (fill_dont_cares(values, np.ones(16, bool), 4, 2, effort=0) == values).all()
    with pytest.raises(ValueError, match="16 entries"):
        fill_dont_cares(values[:8], np.ones(8, bool), 4, 2)
