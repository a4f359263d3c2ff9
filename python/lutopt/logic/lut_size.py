"""The LUT sizes lutopt maps and decomposes to, defined once: K from 3 to 8 (a cut's or a
LUT's truth table is at most 256 bits, four 64-bit words). The mapper, the table
decomposition and the pipelines all check K with `lut_size_problem`."""

from __future__ import annotations

MIN_LUT_SIZE = 3
MAX_LUT_SIZE = 8


def lut_size_problem(k: int) -> str | None:
    """The message for a LUT size out of range, or None when `k` is one lutopt supports."""
    if not MIN_LUT_SIZE <= k <= MAX_LUT_SIZE:
        return f"lut-size must be between {MIN_LUT_SIZE} and {MAX_LUT_SIZE}, got {k}"
    return None
