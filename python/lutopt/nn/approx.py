"""Approximate multipliers on integer tensors, bit-exact with the hardware that
`convert-arith-to-gate{multiplier=...}` builds (`lutopt.logic.arith.multipliers`), so a
model's accuracy with approximate products can be measured in PyTorch before compiling.

DESIGN.md's semantics (Mitch-w, Kim et al.), for unsigned a, b:

- if a = 0 or b = 0 the product is 0;
- k = the position of the leading one of a, f = the F bits right below it, truncated
  (f = floor((a - 2^k) * 2^F / 2^k)); the same for b;
- s = (k_a + k_b) * 2^F + f_a + f_b; c = floor(s / 2^F); m = 2^F + (s mod 2^F);
- the product is floor(m * 2^(c - F)).

`mitch_w_mul(a, b, w)` has F = w - 1; `mitchell_mul(a, b)` truncates nothing (F = the
operand width - 1; any F at least every k gives the same product, so no width is
needed). Signed operands: the unsigned core on the magnitudes, negated when the signs
differ. Inputs are integer NumPy arrays or torch tensors (any integer dtype, values of
magnitude below 2^31); the result is int64 of the same kind, the full product (the
hardware's result is this modulo 2^width of the `muli`).

Check values: Mitch-w6 of 3*3 is 8, of 100*200 is 18432, of 255*255 is 63488.
"""

from __future__ import annotations

from typing import Any

import numpy as np

MAX_MAGNITUDE_BITS = 31


class _Ops:
    """The few array operations the core needs, for NumPy or torch."""

    def __init__(self, like: Any):
        try:
            import torch
        except ImportError:  # pragma: no cover - torch is optional
            torch = None
        self.torch = torch if torch is not None and isinstance(like, torch.Tensor) else None

    def int64(self, x: Any) -> Any:
        if self.torch is not None:
            return x.to(self.torch.int64)
        return np.asarray(x).astype(np.int64)

    def where(self, c: Any, x: Any, y: Any) -> Any:
        if self.torch is not None:
            return self.torch.where(c, x, y)
        return np.where(c, x, y)

    def clip_low(self, x: Any, low: int) -> Any:
        if self.torch is not None:
            return self.torch.clamp(x, min=low)
        return np.maximum(x, low)

    def full_like(self, x: Any, v: int) -> Any:
        if self.torch is not None:
            return self.torch.full_like(x, v)
        return np.full_like(x, v)


def _leading_one(ops: _Ops, x: Any) -> Any:
    """floor(log2(x)) for x >= 1 (0 for x = 0)."""
    k = x * 0
    for t in range(1, MAX_MAGNITUDE_BITS + 1):
        k = k + ((x >> t) != 0).to(k.dtype) if ops.torch is not None else k + ((x >> t) != 0)
    return k


def _core(ops: _Ops, a: Any, b: Any, frac_bits: int | None) -> Any:
    """The unsigned core on non-negative int64 values (`frac_bits` None: no truncation)."""
    one = ops.full_like(a, 1)
    ka, kb = _leading_one(ops, a), _leading_one(ops, b)
    if frac_bits is None:
        F = ops.clip_low(ops.where(ka > kb, ka, kb), 0)
    else:
        F = ops.full_like(a, frac_bits)
    fa = ((a - (one << ka)) << F) >> ka
    fb = ((b - (one << kb)) << F) >> kb
    s = ((ka + kb) << F) + fa + fb
    c = s >> F
    m = (one << F) + (s & ((one << F) - 1))
    up = m << ops.clip_low(c - F, 0)
    down = m >> ops.clip_low(F - c, 0)
    p = ops.where(c >= F, up, down)
    return ops.where((a == 0) | (b == 0), a * 0, p)


def _signed_product(a: Any, b: Any, frac_bits: int | None) -> Any:
    ops = _Ops(a)
    a, b = ops.int64(a), ops.int64(b)
    if frac_bits is not None and frac_bits > 30:
        raise ValueError(f"at most 30 fraction bits are supported, got {frac_bits}")
    neg = (a < 0) ^ (b < 0)
    ma = ops.where(a < 0, -a, a)
    mb = ops.where(b < 0, -b, b)
    if bool((ma >> MAX_MAGNITUDE_BITS).any()) or bool((mb >> MAX_MAGNITUDE_BITS).any()):
        raise ValueError(f"operand magnitudes must be below 2^{MAX_MAGNITUDE_BITS}")
    p = _core(ops, ma, mb, frac_bits)
    return ops.where(neg, -p, p)


def mitch_w_mul(a: Any, b: Any, w: int) -> Any:
    """The Mitch-w<w> product of integer arrays or tensors (F = w - 1 fraction bits)."""
    if w < 1:
        raise ValueError(f"Mitch-w needs w >= 1, got {w}")
    return _signed_product(a, b, w - 1)


def mitchell_mul(a: Any, b: Any) -> Any:
    """Mitchell's logarithmic product (no truncation) of integer arrays or tensors."""
    return _signed_product(a, b, None)


def approx_mul(a: Any, b: Any, multiplier: str) -> Any:
    """The product with the multiplier named as in the pass option: `exact`,
    `mitchell` or `mitch-w<W>`."""
    from lutopt.logic.arith.multipliers import parse_multiplier

    m = parse_multiplier(multiplier)
    if m.kind == "exact":
        ops = _Ops(a)
        return ops.int64(a) * ops.int64(b)
    if m.kind == "mitchell":
        return mitchell_mul(a, b)
    assert m.frac_bits is not None
    return mitch_w_mul(a, b, m.frac_bits + 1)
