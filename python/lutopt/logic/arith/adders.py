"""Adders, compressor trees, popcount, comparators, multiplexers and shifts on a
`NetlistBuilder`.

A *bit vector* is a list of literals (see `lutopt.logic.builder`), bit 0 first. Every
function here takes the builder first and returns literals of that builder; the results
are exact modulo 2^width (two's complement). Constant literals (`FALSE`, `TRUE`) are
welcome anywhere: a builder made with `simplify=True` or `strash=True` folds them, so the
same code builds variable*constant circuits.

Multi-operand sums are *weighted bits*: `(literal, column, negative)` triples plus an
integer constant, the value being `const + sum(+-lit * 2^column)`. `sum_bits` reduces
them with a Dadda compressor tree of full and half adders to two rows, then one final
adder (ripple, or a Sklansky parallel-prefix adder). A negative bit `-x*2^i` is rewritten
`~x*2^i - 2^i` (the constants fold into one), which is the Baugh-Wooley way of adding
two's-complement numbers without sign extension.
"""

from __future__ import annotations

from collections.abc import Sequence

from lutopt.logic.builder import FALSE, TRUE, NetlistBuilder

WeightedBit = tuple[int, int, bool]
"""(literal, column, negative): the value `-lit * 2^column` when negative, else `+`."""


# ----------------------------------------------------------------------------- cells


def half_adder(b: NetlistBuilder, x: int, y: int) -> tuple[int, int]:
    """(sum, carry) of two bits."""
    return b.xor(x, y), b.and_(x, y)


def full_adder(b: NetlistBuilder, x: int, y: int, z: int) -> tuple[int, int]:
    """(sum, carry) of three bits: 5 gates."""
    t = b.xor(x, y)
    return b.xor(t, z), b.or_(b.and_(x, y), b.and_(t, z))


def const_bits(value: int, width: int) -> list[int]:
    """The constant `value` (modulo 2^width) as literals."""
    return [TRUE if value >> i & 1 else FALSE for i in range(width)]


def resize(x: Sequence[int], width: int, signed: bool = False) -> list[int]:
    """`x` truncated or extended (zero, or sign when `signed`) to `width` bits."""
    x = list(x)
    if len(x) >= width:
        return x[:width]
    fill = x[-1] if signed and x else FALSE
    return x + [fill] * (width - len(x))


# ----------------------------------------------------------------------------- two operands


def ripple_add(b: NetlistBuilder, x: Sequence[int], y: Sequence[int], width: int, cin: int = FALSE) -> list[int]:
    """x + y + cin modulo 2^width (operands zero-extended or truncated to `width`)."""
    x, y = resize(x, width), resize(y, width)
    out = []
    c = cin
    for i in range(width):
        if i == width - 1:
            out.append(b.xor(b.xor(x[i], y[i]), c))
        else:
            s, c = full_adder(b, x[i], y[i], c)
            out.append(s)
    return out


def prefix_add(b: NetlistBuilder, x: Sequence[int], y: Sequence[int], width: int, cin: int = FALSE) -> list[int]:
    """x + y + cin modulo 2^width with a Sklansky parallel-prefix carry network
    (depth log2(width) + 2 gate levels instead of the ripple adder's width)."""
    x, y = resize(x, width), resize(y, width)
    p = [b.xor(xi, yi) for xi, yi in zip(x, y)]
    g = [b.and_(xi, yi) for xi, yi in zip(x, y)]
    # fold the carry in at position 0: g0' = g0 | p0 & cin
    if width:
        g[0] = b.or_(g[0], b.and_(p[0], cin))
    G, P = list(g), list(p)
    span = 1
    while span < width:
        for i in range(width):
            if (i // span) % 2 == 1:  # Sklansky: combine with the last bit of the previous block
                j = (i // span) * span - 1
                G[i] = b.or_(G[i], b.and_(P[i], G[j]))
                P[i] = b.and_(P[i], P[j])
        span *= 2
    out = []
    for i in range(width):
        carry = cin if i == 0 else G[i - 1]
        out.append(b.xor(p[i], carry))
    return out


def add(b: NetlistBuilder, x: Sequence[int], y: Sequence[int], width: int, cin: int = FALSE,
        adder: str = "ripple") -> list[int]:
    """x + y + cin modulo 2^width with the named adder (`ripple` or `prefix`)."""
    if adder == "prefix":
        return prefix_add(b, x, y, width, cin)
    if adder != "ripple":
        raise ValueError(f"unknown adder {adder!r} (ripple or prefix)")
    return ripple_add(b, x, y, width, cin)


def subtract(b: NetlistBuilder, x: Sequence[int], y: Sequence[int], width: int, adder: str = "ripple") -> list[int]:
    """x - y modulo 2^width (x + ~y + 1)."""
    return add(b, x, [v ^ 1 for v in resize(y, width)], width, TRUE, adder)


def negate(b: NetlistBuilder, x: Sequence[int], width: int) -> list[int]:
    """-x modulo 2^width."""
    return subtract(b, [], x, width)


def conditional_negate(b: NetlistBuilder, x: Sequence[int], neg: int, width: int) -> list[int]:
    """-x when `neg` is 1, else x (modulo 2^width): (x ^ neg) + neg."""
    return ripple_add(b, [b.xor(v, neg) for v in resize(x, width)], [], width, neg)


# ----------------------------------------------------------------------------- many operands


def operand_bits(x: Sequence[int], signed: bool, negative: bool = False, shift: int = 0) -> tuple[list[WeightedBit], int]:
    """The weighted bits (and constant) of `+-x * 2^shift`, `x` read as unsigned or as
    two's complement (its top bit has weight -2^(n-1))."""
    n = len(x)
    bits = []
    for i, lit in enumerate(x):
        neg = (signed and i == n - 1) != negative
        bits.append((lit, i + shift, neg))
    return bits, 0


def sum_bits(
    b: NetlistBuilder,
    bits: Sequence[WeightedBit],
    const: int,
    width: int,
    adder: str = "ripple",
) -> list[int]:
    """`const + sum(+-lit * 2^column)` modulo 2^width: a Dadda tree of full and half
    adders down to two rows, then one final adder."""
    cols: list[list[int]] = [[] for _ in range(width)]
    for lit, col, neg in bits:
        if col >= width or lit == FALSE and not neg:
            continue
        if neg:  # -x*2^c = ~x*2^c - 2^c
            lit ^= 1
            const -= 1 << col
        if lit == TRUE:
            const += 1 << col
        elif lit != FALSE:
            cols[col].append(lit)
    const %= 1 << width
    for i in range(width):
        if const >> i & 1:
            cols[i].append(TRUE)
    return _dadda(b, cols, width, adder)


def _dadda(b: NetlistBuilder, cols: list[list[int]], width: int, adder: str) -> list[int]:
    heights = [2]
    while heights[-1] < max((len(c) for c in cols), default=0):
        heights.append(heights[-1] * 3 // 2)
    for d in reversed(heights[:-1]):
        nxt: list[list[int]] = [[] for _ in range(width)]
        for i in range(width):
            col = cols[i]
            h = len(col) + len(nxt[i])
            k = 0
            while h > d and len(col) - k >= 2:
                if h - d >= 2 and len(col) - k >= 3:
                    s, c = full_adder(b, col[k], col[k + 1], col[k + 2])
                    k += 3
                    h -= 2
                else:
                    s, c = half_adder(b, col[k], col[k + 1])
                    k += 2
                    h -= 1
                nxt[i].append(s)
                if i + 1 < width:
                    nxt[i + 1].append(c)
            nxt[i].extend(col[k:])
        cols = nxt
    row0 = [c[0] if len(c) > 0 else FALSE for c in cols]
    row1 = [c[1] if len(c) > 1 else FALSE for c in cols]
    assert all(len(c) <= 2 for c in cols)
    # Columns where only one row has bits need no adder cell until the first pair.
    first = next((i for i in range(width) if len(cols[i]) == 2), width)
    return row0[:first] + add(b, row0[first:], row1[first:], width - first, FALSE, adder)


def add_many(
    b: NetlistBuilder,
    operands: Sequence[tuple[Sequence[int], bool, bool]],
    width: int,
    const: int = 0,
    adder: str = "ripple",
) -> list[int]:
    """`const + sum(+-x)` modulo 2^width over `operands` given as (bits, signed,
    negative): one compressor tree, the narrow operands extended for free (a signed
    operand's top bit has a negative weight, not `width - n` copies)."""
    bits: list[WeightedBit] = []
    for x, signed, negative in operands:
        ob, oc = operand_bits(x, signed, negative)
        bits += ob
        const += oc
    return sum_bits(b, bits, const, width, adder)


def popcount(b: NetlistBuilder, bits: Sequence[int], width: int | None = None) -> list[int]:
    """The number of ones among `bits`, `ceil(log2(n + 1))` bits wide unless `width` is
    given (a compressor tree of full and half adders)."""
    n = len(bits)
    if width is None:
        width = max(1, n.bit_length())
    return sum_bits(b, [(lit, 0, False) for lit in bits], 0, width)


# ----------------------------------------------------------------------------- comparisons


def equal(b: NetlistBuilder, x: Sequence[int], y: Sequence[int]) -> int:
    """x == y (same widths)."""
    return b.and_tree([b.xor(u, v) ^ 1 for u, v in zip(x, y)])


def less_than(b: NetlistBuilder, x: Sequence[int], y: Sequence[int], signed: bool = False, or_equal: bool = False) -> int:
    """x < y (or x <= y), unsigned or two's complement: the carry chain of x - y.

    x >= y unsigned is the carry out of x + ~y + 1; x <= y is the carry out of
    y + ~x + 1. Signed comparisons flip the sign bits first."""
    n = max(len(x), len(y))
    x, y = resize(x, n), resize(y, n)
    if signed and n:
        x = x[:-1] + [x[-1] ^ 1]
        y = y[:-1] + [y[-1] ^ 1]
    if or_equal:  # x <= y  <=>  y >= x
        x, y = y, x
    c = TRUE  # the carry of x + ~y + 1 is x >= y
    for xi, yi in zip(x, y):
        yi ^= 1
        t = b.xor(xi, yi)
        c = b.or_(b.and_(xi, yi), b.and_(t, c))
    ge = c
    return ge if or_equal else ge ^ 1


def compare(b: NetlistBuilder, predicate: str, x: Sequence[int], y: Sequence[int]) -> int:
    """One literal for an `arith.cmpi` / `comb.icmp` predicate (`eq`, `ne`, `slt`, `sle`,
    `sgt`, `sge`, `ult`, `ule`, `ugt`, `uge`)."""
    if predicate == "eq":
        return equal(b, x, y)
    if predicate == "ne":
        return equal(b, x, y) ^ 1
    if len(predicate) != 3 or predicate[0] not in "su" or predicate[1:] not in ("lt", "le", "gt", "ge"):
        raise ValueError(f"unknown predicate {predicate!r}")
    signed = predicate[0] == "s"
    rel = predicate[1:]
    if rel in ("gt", "ge"):
        x, y = y, x
        rel = "lt" if rel == "gt" else "le"
    return less_than(b, x, y, signed, or_equal=rel == "le")


# ----------------------------------------------------------------------------- selection and shifts


def mux_bits(b: NetlistBuilder, sel: int, then: Sequence[int], other: Sequence[int]) -> list[int]:
    """`sel ? then : other`, bit by bit."""
    return [b.mux(sel, t, o) for t, o in zip(then, other)]


def shift_left_const(x: Sequence[int], k: int, width: int) -> list[int]:
    """x << k modulo 2^width (wiring only)."""
    return resize([FALSE] * k + list(x), width)


def shift_right_const(x: Sequence[int], k: int, signed: bool = False) -> list[int]:
    """x >> k, logical or arithmetic, as wide as x (wiring only)."""
    n = len(x)
    fill = x[-1] if signed and n else FALSE
    return [x[i + k] if i + k < n else fill for i in range(n)]


def barrel_shift(b: NetlistBuilder, x: Sequence[int], amount: Sequence[int], direction: str) -> list[int]:
    """x shifted by a variable amount (`left`, `right` logical or `right_arith`), with
    the semantics of `lutopt.ir.comb`: an amount of n or more gives 0 (or the sign)."""
    n = len(x)
    cur = list(x)
    signed = direction == "right_arith"
    stages = max(1, (n - 1).bit_length()) if n > 1 else 0
    for j, s in enumerate(amount[:stages]):
        k = 1 << j
        shifted = shift_left_const(cur, k, n) if direction == "left" else shift_right_const(cur, k, signed)
        cur = mux_bits(b, s, shifted, cur)
    # The low stages shift by up to 2^stages - 1 >= n - 1: a total of n or more already
    # moved every bit out. The upper amount bits weigh 2^stages >= n each.
    big = b.or_tree(list(amount[stages:]))
    fill = x[-1] if signed and n else FALSE
    return [b.mux(big, fill, v) for v in cur]
