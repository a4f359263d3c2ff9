"""BlifWriter.table's fast path for mapped LUTs (distinct, plain fanins; issue 8, the 256k
flow's BLIF export) writes the same `.names` as the general NumPy path, and leaves every
other table to it."""

from __future__ import annotations

import numpy as np
import pytest

from lutopt.logic.blif import BlifWriter


def general(fanins, table) -> tuple[tuple, list]:
    w = BlifWriter("m", ["a", "b", "c", "d", "e", "f"], [])
    w._plain_table = lambda *args: None  # the general path only
    return w.table(fanins, table), w._nodes


def fast(fanins, table) -> tuple[tuple, list]:
    w = BlifWriter("m", ["a", "b", "c", "d", "e", "f"], [])
    return w.table(fanins, table), w._nodes


@pytest.mark.parametrize("n", [3, 4, 5, 6])
def test_same_names_as_the_general_path(n: int) -> None:
    rng = np.random.default_rng(n)
    names = ["a", "b", "c", "d", "e", "f"][:n]
    fanins = [(x, 0) for x in names]
    for _ in range(300):
        t = rng.integers(0, 2, 1 << n).astype(np.uint8)
        if rng.random() < 0.3:  # a fanin the function ignores: the general path decides
            k = int(rng.integers(0, n))
            t = t.reshape([2] * n)
            t = np.stack([np.take(t, 0, axis=k)] * 2, axis=k).reshape(-1)
        if rng.random() < 0.1:
            t = np.full(1 << n, int(rng.integers(0, 2)), dtype=np.uint8)
        for table in (t, t.tobytes(), (t * 255).astype(np.uint64)):
            assert fast(fanins, table) == general(fanins, t)


def test_complemented_constant_or_repeated_fanins_take_the_general_path() -> None:
    t = np.array([0, 1, 1, 0, 1, 0, 0, 1], dtype=np.uint8)
    w = BlifWriter("m", ["a", "b", "c"], [])
    assert w._plain_table([("a", 0), ("b", 0), ("c", 0)], t) is not None
    for fanins in ([("a", 1), ("b", 0), ("c", 0)], [("", 0), ("b", 0), ("c", 0)], [("a", 0), ("a", 0), ("c", 0)]):
        assert w._plain_table(fanins, t) is None
        assert fast(fanins, t) == general(fanins, t)
