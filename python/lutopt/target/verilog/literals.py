"""Verilog literals and ranges."""

from __future__ import annotations

LITERAL_CHUNK_BITS = 4096
"""Wider constants are printed as a concatenation of literals of this many bits, one per
line: Icarus' lexer rejects tokens longer than about 16,000 characters, and Verilator
literals wider than its `--max-num-width` (65536 bits by default)."""


def hex_literal(width: int, value: int, pad: bool = False) -> str:
    """A sized Verilog literal, e.g. `16'h6996`; linear time in the width."""
    digits = format(value, f"0{(width + 3) // 4}x" if pad else "x")
    return f"{width}'h{digits}"


def constant_literal(width: int, value: int) -> str:
    """A constant as one padded hex literal or, when wider than `LITERAL_CHUNK_BITS`, a
    concatenation of such literals, one per line, most significant first."""
    if width <= LITERAL_CHUNK_BITS:
        return hex_literal(width, value, pad=True)
    digits = format(value, f"0{(width + 3) // 4}x")
    chunk_digits = LITERAL_CHUNK_BITS // 4
    first_bits = width % LITERAL_CHUNK_BITS or LITERAL_CHUNK_BITS
    first_digits = (first_bits + 3) // 4
    chunks = [f"{first_bits}'h{digits[:first_digits]}"]
    for start in range(first_digits, len(digits), chunk_digits):
        chunks.append(f"{LITERAL_CHUNK_BITS}'h{digits[start:start + chunk_digits]}")
    return "{\n    " + ",\n    ".join(chunks) + "\n  }"


def range_decl(width: int) -> str:
    """The range of a declaration, `[w-1:0] ` (nothing for one bit)."""
    return f"[{width - 1}:0] " if width > 1 else ""
