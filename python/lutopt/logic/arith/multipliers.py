"""Multipliers on a `NetlistBuilder`: exact (partial products into one compressor tree,
two's complement the Baugh-Wooley way), by a constant (canonical signed digits, one
compressor tree), and the approximate logarithmic multipliers `mitchell` and
`mitch-w<W>` with the bit-exact semantics of DESIGN.md ("Integer arithmetic and
multipliers"):

- a = 0 or b = 0 gives 0;
- k = position of the leading one, f = the F bits right below it, truncated;
- s = (k_a + k_b) * 2^F + f_a + f_b, c = floor(s / 2^F), m = 2^F + (s mod 2^F);
- the product is floor(m * 2^(c - F)).

`mitch-w<W>` has F = W - 1; `mitchell` keeps every bit (F = operand width - 1). Signed
operands: the unsigned core on the magnitudes, negated when the signs differ. The
hardware is a leading-one detector per operand (one-hot, then encoded), the fraction
selected by the one-hot (an AND-OR per bit), one adder, and a barrel shifter.
`lutopt.nn.approx` is the same arithmetic on tensors.

Bit vectors are lists of literals, bit 0 first (see `lutopt.logic.arith.adders`). With a
builder made with `strash=True` (or `simplify=True`), constant operands fold, so the
same functions build variable*constant multipliers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from lutopt.logic.arith.adders import (
    WeightedBit,
    add,
    conditional_negate,
    const_bits,
    operand_bits,
    resize,
    shift_left_const,
    sum_bits,
    mux_bits,
)
from lutopt.logic.builder import FALSE, TRUE, NetlistBuilder


# ----------------------------------------------------------------------------- the option


@dataclass(frozen=True)
class Multiplier:
    """A multiplier kind: `exact`, `mitchell` or `mitch-w<W>` (`frac_bits` = W - 1)."""

    kind: str  # "exact" | "mitchell" | "mitch-w"
    frac_bits: int | None = None

    @property
    def name(self) -> str:
        return f"mitch-w{self.frac_bits + 1}" if self.kind == "mitch-w" else self.kind

    def fraction_bits(self, operand_width: int) -> int:
        """F for operands of `operand_width` bits (magnitudes)."""
        if self.kind == "mitch-w":
            assert self.frac_bits is not None
            return self.frac_bits
        return max(operand_width - 1, 0)


def parse_multiplier(text: str) -> Multiplier:
    """`exact`, `mitchell` or `mitch-w<W>` (W >= 1); raises ValueError otherwise."""
    if text in ("exact", "mitchell"):
        return Multiplier(text)
    m = re.fullmatch(r"mitch-w(\d+)", text)
    if m and int(m.group(1)) >= 1:
        return Multiplier("mitch-w", int(m.group(1)) - 1)
    raise ValueError(f"unknown multiplier '{text}' (exact, mitchell or mitch-w<W> with W >= 1, e.g. mitch-w6)")


# ----------------------------------------------------------------------------- exact


def product_bits(x: Sequence[int], x_signed: bool, y: Sequence[int], y_signed: bool, width: int,
                 and_: "callable") -> list[WeightedBit]:
    """The partial products of x*y below column `width` as weighted bits (a bit of
    negative weight in each operand: the signed operand's top bit)."""
    xb, _ = operand_bits(x, x_signed)
    yb, _ = operand_bits(y, y_signed)
    out = []
    for lx, cx, nx in xb:
        for ly, cy, ny in yb:
            if cx + cy < width:
                out.append((and_(lx, ly), cx + cy, nx != ny))
    return out


def multiply(b: NetlistBuilder, x: Sequence[int], x_signed: bool, y: Sequence[int], y_signed: bool,
             width: int, adder: str = "ripple") -> list[int]:
    """x * y modulo 2^width, each operand unsigned or two's complement: the partial
    products into one Dadda tree, then one adder."""
    return sum_bits(b, product_bits(x, x_signed, y, y_signed, width, b.and_), 0, width, adder)


def csd_digits(c: int) -> list[int]:
    """The canonical signed digits of `c` (any sign), digit 0 first, each -1, 0 or 1, no
    two adjacent nonzero."""
    digits = []
    while c:
        if c & 1:
            d = 2 - (c & 3)  # 1 when c = 1 mod 4, -1 when c = 3 mod 4
            c -= d
        else:
            d = 0
        digits.append(d)
        c >>= 1
    return digits


def constant_digits(c: int, width: int) -> list[int]:
    """Signed digits of `c` modulo 2^width with the fewest nonzero digits (the CSD of the
    unsigned or of the negative reading, digits at or above `width` dropped)."""
    c %= 1 << width
    best = None
    for v in (c, c - (1 << width)):
        d = csd_digits(v)[:width]
        if best is None or sum(map(abs, d)) < sum(map(abs, best)):
            best = d
    return best or []


def multiply_const_bits(x: Sequence[int], x_signed: bool, c: int, width: int) -> list[WeightedBit]:
    """The weighted bits of x * c modulo 2^width (shift-and-add on the signed digits)."""
    bits: list[WeightedBit] = []
    for i, d in enumerate(constant_digits(c, width)):
        if d:
            ob, _ = operand_bits(x, x_signed, negative=d < 0, shift=i)
            bits += [t for t in ob if t[1] < width]
    return bits


def multiply_const(b: NetlistBuilder, x: Sequence[int], x_signed: bool, c: int, width: int,
                   adder: str = "ripple") -> list[int]:
    """x * c modulo 2^width for a constant c: one compressor tree over the shifted copies
    of x named by the canonical signed digits of c."""
    return sum_bits(b, multiply_const_bits(x, x_signed, c, width), 0, width, adder)


# ----------------------------------------------------------------------------- Mitchell


def leading_one(b: NetlistBuilder, x: Sequence[int]) -> tuple[list[int], list[int], int]:
    """(one-hot position of the leading one, its position k in binary, x == 0)."""
    n = len(x)
    onehot = [FALSE] * n
    above = FALSE  # OR of the bits above i
    for i in range(n - 1, -1, -1):
        onehot[i] = b.and_(x[i], above ^ 1)
        above = b.or_(above, x[i])
    kw = max(1, (n - 1).bit_length())
    k = [b.or_tree([onehot[i] for i in range(n) if i >> t & 1]) for t in range(kw)]
    return onehot, k, above ^ 1


def log_fraction(b: NetlistBuilder, x: Sequence[int], onehot: Sequence[int], frac_bits: int) -> list[int]:
    """The F bits right below the leading one, truncated (bit 0 first)."""
    f = []
    for j in range(frac_bits):
        terms = [b.and_(onehot[i], x[i - frac_bits + j]) for i in range(len(x)) if 0 <= i - frac_bits + j < i]
        f.append(b.or_tree(terms))
    return f


def mitchell_unsigned(b: NetlistBuilder, x: Sequence[int], y: Sequence[int], frac_bits: int,
                      adder: str = "ripple") -> list[int]:
    """The Mitch-w core on unsigned operands of n bits (the wider of x and y): 2n
    result bits. `frac_bits` is F."""
    n = max(len(x), len(y), 1)
    x, y = resize(x, n), resize(y, n)
    F = frac_bits
    ohx, kx, zx = leading_one(b, x)
    ohy, ky, zy = leading_one(b, y)
    fx = log_fraction(b, x, ohx, F)
    fy = log_fraction(b, y, ohy, F)
    sw = F + len(kx) + 1
    s = add(b, fx + kx, fy + ky, sw, FALSE, adder)
    m = s[:F] + [TRUE]
    c = s[F:]
    out_w = 2 * n
    # floor(m * 2^(c - F)): m shifted left by c, the F low bits dropped
    cur = resize(m, F + out_w)
    for t, ct in enumerate(c):
        k = 1 << t
        if k >= F + out_w:
            cur = [b.and_(v, ct ^ 1) for v in cur]
        else:
            cur = mux_bits(b, ct, shift_left_const(cur, k, F + out_w), cur)
    p = cur[F:F + out_w]
    nz = b.or_(zx, zy) ^ 1
    return [b.and_(v, nz) for v in p]


def magnitude(b: NetlistBuilder, x: Sequence[int], signed: bool) -> tuple[list[int], int]:
    """(|x| as an unsigned vector as wide as x, the sign literal)."""
    if not signed or not x:
        return list(x), FALSE
    sign = x[-1]
    return conditional_negate(b, x, sign, len(x)), sign


def mitchell_multiply(b: NetlistBuilder, x: Sequence[int], x_signed: bool, y: Sequence[int], y_signed: bool,
                      width: int, multiplier: Multiplier, adder: str = "ripple") -> list[int]:
    """The approximate product modulo 2^width: the unsigned core on the magnitudes (an
    unsigned operand mixed with a signed one is one bit wider, so its magnitude is
    itself), negated when the signs differ."""
    if x_signed != y_signed:  # make both signed: the unsigned one gets a zero top bit
        if not x_signed:
            x, x_signed = list(x) + [FALSE], True
        else:
            y, y_signed = list(y) + [FALSE], True
    mx, sx = magnitude(b, x, x_signed)
    my, sy = magnitude(b, y, y_signed)
    n = max(len(mx), len(my), 1)
    p = mitchell_unsigned(b, mx, my, multiplier.fraction_bits(n), adder)
    if not x_signed:
        return resize(p, width)
    neg = b.xor(sx, sy)
    return conditional_negate(b, resize(p, width), neg, width)


def multiply_with(b: NetlistBuilder, multiplier: Multiplier, x: Sequence[int], x_signed: bool,
                  y: Sequence[int], y_signed: bool, width: int, adder: str = "ripple") -> list[int]:
    """x * y modulo 2^width with the given multiplier kind."""
    if multiplier.kind == "exact":
        return multiply(b, x, x_signed, y, y_signed, width, adder)
    return mitchell_multiply(b, x, x_signed, y, y_signed, width, multiplier, adder)


def multiply_by_constant_with(b: NetlistBuilder, multiplier: Multiplier, x: Sequence[int], x_signed: bool,
                              c: int, c_width: int, c_signed: bool, width: int, adder: str = "ripple") -> list[int]:
    """x * c for a constant c of `c_width` bits: shift-and-add on its signed digits when
    exact, the Mitchell core with constant literals (folded by the builder) otherwise."""
    if multiplier.kind == "exact":
        return multiply_const(b, x, x_signed, c, width, adder)
    return mitchell_multiply(b, x, x_signed, const_bits(c, c_width), c_signed, width, multiplier, adder)
