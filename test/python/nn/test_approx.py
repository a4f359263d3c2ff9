"""`lutopt.nn.approx` on torch tensors equals DESIGN.md's Mitch-w semantics (written here
as a plain loop) on signed and unsigned operands; the hardware comparison over all 8-bit
pairs is in test/python/logic/test_arith_circuits.py."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="torch is not installed (pip install 'lutopt[torch]')")

from lutopt.nn.approx import approx_mul, mitch_w_mul, mitchell_mul  # noqa: E402


def reference(a: int, b: int, F: int | None) -> int:
    x, y = abs(a), abs(b)
    if x == 0 or y == 0:
        return 0
    kx, ky = x.bit_length() - 1, y.bit_length() - 1
    if F is None:  # no truncation
        F = max(kx, ky)
    fx = (x - (1 << kx)) * (1 << F) // (1 << kx)
    fy = (y - (1 << ky)) * (1 << F) // (1 << ky)
    s = (kx + ky) * (1 << F) + fx + fy
    c, m = s // (1 << F), (1 << F) + s % (1 << F)
    p = m * (1 << c) // (1 << F)
    return -p if (a < 0) != (b < 0) else p


def test_check_values_and_torch_matches_reference() -> None:
    assert mitch_w_mul(torch.tensor([3, 100, 255]), torch.tensor([3, 200, 255]), 6).tolist() == [8, 18432, 63488]
    rng = np.random.default_rng(0)
    a = rng.integers(-(1 << 15), 1 << 15, 4000)
    b = rng.integers(-(1 << 15), 1 << 15, 4000)
    ta, tb = torch.tensor(a), torch.tensor(b, dtype=torch.int32)
    for w in (1, 4, 6, 16):
        got = mitch_w_mul(ta, tb, w)
        assert got.dtype == torch.int64
        assert got.tolist() == [reference(int(x), int(y), w - 1) for x, y in zip(a, b)]
    assert mitchell_mul(ta, tb).tolist() == [reference(int(x), int(y), None) for x, y in zip(a, b)]
    assert approx_mul(ta, tb, "exact").tolist() == (a * b).tolist()


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        mitch_w_mul(np.array([1]), np.array([1]), 0)
    with pytest.raises(ValueError):
        mitchell_mul(np.array([1 << 40]), np.array([1]))
    with pytest.raises(ValueError):
        approx_mul(np.array([1]), np.array([1]), "booth")
