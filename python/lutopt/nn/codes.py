"""Quantizer codes without torch: widths, ranges, and the bit patterns hardware ports carry.

Codes are unsigned `i<w>` when `qmin >= 0`, two's complement otherwise, `w` being the
smallest width that holds `qmin..qmax` (DESIGN.md: -4..3 is `i3`, 0..3 is `i2`).
"""

from __future__ import annotations

import numpy as np


def code_width(qmin: int, qmax: int) -> int:
    """Smallest bit width that holds every code in qmin..qmax (two's complement if qmin < 0)."""
    if qmin > qmax:
        raise ValueError(f"empty code range {qmin}..{qmax}")
    if qmin >= 0:
        return max(1, int(qmax).bit_length())
    w = 1
    while not (-(1 << (w - 1)) <= qmin and qmax <= (1 << (w - 1)) - 1):
        w += 1
    return w


def code_range(bits: int, signed: bool) -> tuple[int, int]:
    """The full code range of a `bits`-wide code: 0..2^b-1, or -2^(b-1)..2^(b-1)-1."""
    if bits < 1:
        raise ValueError(f"a code needs at least one bit, got {bits}")
    if signed:
        if bits < 2:
            raise ValueError("a signed code needs at least two bits")
        return -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    return 0, (1 << bits) - 1


def codes_to_bits(q, width: int) -> np.ndarray:
    """Codes (possibly negative) as their `width`-bit patterns (two's complement), uint64."""
    q = np.asarray(q, dtype=np.int64)
    return (q & ((1 << width) - 1)).astype(np.uint64)


def bits_to_codes(bits, width: int, signed: bool) -> np.ndarray:
    """Inverse of `codes_to_bits`: `width`-bit patterns back to codes, int64."""
    b = np.asarray(bits, dtype=np.int64) & ((1 << width) - 1)
    if signed:
        b = np.where(b >= (1 << (width - 1)), b - (1 << width), b)
    return b
