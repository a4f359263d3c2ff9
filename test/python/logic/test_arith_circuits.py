"""The arithmetic circuits of `lutopt.logic.arith`, simulated gate by gate and compared
with integer arithmetic written here (exhaustive over small widths), and the
approximate multipliers compared, over all 8-bit pairs, with the DESIGN.md semantics
written here as a plain Python loop and with the tensor emulation `lutopt.nn.approx`."""

from __future__ import annotations

import numpy as np
import pytest
from lutopt.logic import arith as A
from lutopt.logic.builder import FALSE, NetlistBuilder
from lutopt.logic.netlist import pack_bits, unpack_bits


def signed(x: int, w: int) -> int:
    return x - (1 << w) if w and x >> (w - 1) & 1 else x


class Circuit:
    """A builder with integer inputs of given widths; `run` simulates its outputs."""

    def __init__(self, *widths: int):
        self.widths = widths
        self.b = NetlistBuilder(sum(widths), strash=True)
        self.ins = []
        k = 0
        for w in widths:
            self.ins.append([NetlistBuilder.input(k + i) for i in range(w)])
            k += w

    def run(self, outputs: list[list[int]], values: list[np.ndarray]) -> list[np.ndarray]:
        flat = [lit for out in outputs for lit in out]
        net = self.b.build(flat)
        rows = []
        for v, w in zip(values, self.widths):
            for i in range(w):
                rows.append((np.asarray(v, dtype=np.int64) >> i) & 1)
        bits = unpack_bits(net.simulate(pack_bits(np.array(rows))), len(values[0]))
        res, pos = [], 0
        for out in outputs:
            acc = np.zeros(len(values[0]), dtype=object)
            for i in range(len(out)):
                acc = acc + (bits[pos + i].astype(object) << i)
            res.append(acc)
            pos += len(out)
        return res


def grid(wa: int, wb: int) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.meshgrid(np.arange(1 << wa), np.arange(1 << wb), indexing="ij")
    return a.ravel(), b.ravel()


def test_adders_subtractor_and_compares() -> None:
    c = Circuit(5, 5)
    x, y = c.ins
    b = c.b
    preds = ["eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule", "ugt", "uge"]
    outs = [
        A.ripple_add(b, x, y, 6),
        A.prefix_add(b, x, y, 6),
        A.prefix_add(b, x, y, 5, cin=1),  # TRUE carry in
        A.subtract(b, x, y, 5),
        A.subtract(b, x, y, 5, adder="prefix"),
        A.negate(b, x, 5),
        A.mux_bits(b, y[0], x, y),
    ] + [[A.compare(b, p, x, y)] for p in preds]
    av, bv = grid(5, 5)
    got = c.run(outs, [av, bv])
    pairs = list(zip(av.tolist(), bv.tolist()))
    assert got[0].tolist() == [p + q for p, q in pairs]
    assert got[1].tolist() == [p + q for p, q in pairs]
    assert got[2].tolist() == [(p + q + 1) % 32 for p, q in pairs]
    assert got[3].tolist() == [(p - q) % 32 for p, q in pairs]
    assert got[4].tolist() == [(p - q) % 32 for p, q in pairs]
    assert got[5].tolist() == [(-p) % 32 for p, q in pairs]
    assert got[6].tolist() == [p if q & 1 else q for p, q in pairs]
    ref = {
        "eq": lambda p, q: p == q, "ne": lambda p, q: p != q,
        "slt": lambda p, q: signed(p, 5) < signed(q, 5), "sle": lambda p, q: signed(p, 5) <= signed(q, 5),
        "sgt": lambda p, q: signed(p, 5) > signed(q, 5), "sge": lambda p, q: signed(p, 5) >= signed(q, 5),
        "ult": lambda p, q: p < q, "ule": lambda p, q: p <= q, "ugt": lambda p, q: p > q, "uge": lambda p, q: p >= q,
    }
    for k, p in enumerate(preds):
        assert got[7 + k].tolist() == [int(ref[p](u, v)) for u, v in pairs], p


def test_compressor_tree_sum_of_signed_unsigned_and_negated_operands() -> None:
    c = Circuit(4, 3, 5)
    x, y, z = c.ins
    out = A.add_many(c.b, [(x, True, False), (y, False, True), (z, True, True), (x, False, False)], 9, const=-7)
    rng = np.random.default_rng(0)
    xs, ys, zs = (rng.integers(0, 1 << w, 3000) for w in (4, 3, 5))
    got = c.run([out], [xs, ys, zs])[0].tolist()
    want = [(signed(p, 4) - q - signed(r, 5) + p - 7) % 512 for p, q, r in zip(xs.tolist(), ys.tolist(), zs.tolist())]
    assert got == want


@pytest.mark.parametrize("n", [1, 3, 7, 8, 20])
def test_popcount(n: int) -> None:
    c = Circuit(*([1] * n))
    out = A.popcount(c.b, [v[0] for v in c.ins])
    assert len(out) == n.bit_length()
    rng = np.random.default_rng(n)
    vals = [rng.integers(0, 2, 2000) for _ in range(n)]
    got = c.run([out], vals)[0]
    assert got.tolist() == np.sum(vals, axis=0).tolist()


def test_shifts() -> None:
    c = Circuit(6, 4)
    x, s = c.ins
    b = c.b
    outs = [A.barrel_shift(b, x, s, "left"), A.barrel_shift(b, x, s, "right"), A.barrel_shift(b, x, s, "right_arith"),
            A.shift_left_const(x, 2, 6), A.shift_right_const(x, 2), A.shift_right_const(x, 2, signed=True)]
    av, sv = grid(6, 4)
    got = c.run(outs, [av, sv])
    pairs = list(zip(av.tolist(), sv.tolist()))
    assert got[0].tolist() == [(p << q) % 64 if q < 6 else 0 for p, q in pairs]
    assert got[1].tolist() == [p >> q if q < 6 else 0 for p, q in pairs]
    assert got[2].tolist() == [(signed(p, 6) >> min(q, 5)) % 64 for p, q in pairs]
    assert got[3].tolist() == [(p << 2) % 64 for p, q in pairs]
    assert got[4].tolist() == [p >> 2 for p, q in pairs]
    assert got[5].tolist() == [(signed(p, 6) >> 2) % 64 for p, q in pairs]


@pytest.mark.parametrize("xs,ys", [(False, False), (True, True), (True, False)])
def test_exact_multipliers(xs: bool, ys: bool) -> None:
    c = Circuit(6, 5)
    x, y = c.ins
    out = A.multiply(c.b, x, xs, y, ys, 11)
    low = A.multiply(c.b, x, xs, y, ys, 7)
    av, bv = grid(6, 5)
    got, got_low = c.run([out, low], [av, bv])
    want = [((signed(p, 6) if xs else p) * (signed(q, 5) if ys else q)) for p, q in zip(av.tolist(), bv.tolist())]
    assert got.tolist() == [w % 2048 for w in want]
    assert got_low.tolist() == [w % 128 for w in want]


def test_csd_digits_and_constant_multipliers() -> None:
    for v in [0, 1, 7, 15, 100, -3, -128, 255, 0b1011011101]:
        d = A.csd_digits(v)
        assert sum(di << i for i, di in enumerate(d)) == v
        assert all(not (d[i] and d[i + 1]) for i in range(len(d) - 1))
    assert A.csd_digits(7) == [-1, 0, 0, 1]
    for const in [0, 1, 3, 7, 45, 127, 200, 255, -5]:
        for sx in (False, True):
            c = Circuit(8)
            out = A.multiply_const(c.b, c.ins[0], sx, const, 16)
            xs = np.arange(256)
            got = c.run([out], [xs])[0].tolist()
            assert got == [((signed(p, 8) if sx else p) * const) % 65536 for p in range(256)], (const, sx)


# ----------------------------------------------------------------------------- Mitch-w


def mitch_reference(a: int, b: int, F: int) -> int:
    """DESIGN.md, line by line, for unsigned a, b."""
    if a == 0 or b == 0:
        return 0
    ka, kb = a.bit_length() - 1, b.bit_length() - 1
    fa = (a - (1 << ka)) * (1 << F) // (1 << ka)
    fb = (b - (1 << kb)) * (1 << F) // (1 << kb)
    s = (ka + kb) * (1 << F) + fa + fb
    c = s >> F
    m = (1 << F) + s % (1 << F)
    return m << (c - F) if c >= F else m >> (F - c)


def mitch_signed_reference(a: int, b: int, F: int) -> int:
    p = mitch_reference(abs(a), abs(b), F)
    return -p if (a < 0) != (b < 0) else p


def test_design_check_values() -> None:
    assert mitch_reference(3, 3, 5) == 8
    assert mitch_reference(100, 200, 5) == 18432
    assert mitch_reference(255, 255, 5) == 63488


def test_parse_multiplier() -> None:
    assert A.parse_multiplier("mitch-w6").frac_bits == 5
    assert A.parse_multiplier("mitchell").fraction_bits(8) == 7
    assert A.parse_multiplier("exact").kind == "exact"
    for bad in ("mitch-w0", "mitch", "booth", "mitch-w"):
        with pytest.raises(ValueError):
            A.parse_multiplier(bad)


@pytest.mark.parametrize("name,F", [("mitch-w6", 5), ("mitchell", 7), ("mitch-w3", 2)])
def test_mitchell_hardware_all_8bit_pairs(name: str, F: int) -> None:
    from lutopt.nn.approx import approx_mul

    c = Circuit(8, 8)
    x, y = c.ins
    out = A.mitchell_multiply(c.b, x, False, y, False, 16, A.parse_multiplier(name))
    av, bv = grid(8, 8)
    got = c.run([out], [av, bv])[0].astype(np.int64)
    want = np.array([mitch_reference(p, q, F) for p, q in zip(av.tolist(), bv.tolist())])
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(approx_mul(av, bv, name), want)


def test_mitchell_hardware_signed_and_mixed() -> None:
    from lutopt.nn.approx import mitch_w_mul

    av, bv = grid(6, 6)
    sa = np.array([signed(v, 6) for v in av.tolist()])
    sb = np.array([signed(v, 6) for v in bv.tolist()])
    m = A.parse_multiplier("mitch-w4")
    c = Circuit(6, 6)
    x, y = c.ins
    ss = A.mitchell_multiply(c.b, x, True, y, True, 12, m)
    us = A.mitchell_multiply(c.b, x, False, y, True, 13, m)
    got_ss, got_us = c.run([ss, us], [av, bv])
    want_ss = [mitch_signed_reference(p, q, 3) for p, q in zip(sa.tolist(), sb.tolist())]
    want_us = [mitch_signed_reference(p, q, 3) for p, q in zip(av.tolist(), sb.tolist())]
    assert got_ss.tolist() == [w % 4096 for w in want_ss]
    assert got_us.tolist() == [w % 8192 for w in want_us]
    assert mitch_w_mul(sa, sb, 4).tolist() == want_ss


@pytest.mark.parametrize("const", [0, 1, 3, 100, 255])
def test_mitchell_by_a_constant(const: int) -> None:
    m = A.parse_multiplier("mitch-w6")
    c = Circuit(8)
    out = A.multiply_by_constant_with(c.b, m, c.ins[0], False, const, 8, False, 16)
    xs = np.arange(256)
    got = c.run([out], [xs])[0].tolist()
    assert got == [mitch_reference(p, const, 5) for p in range(256)]


def test_mitch_w6_is_smaller_than_exact() -> None:
    c = Circuit(8, 8)
    x, y = c.ins
    A.multiply(c.b, x, False, y, False, 16)
    exact = c.b.num_gates
    d = Circuit(8, 8)
    A.mitchell_multiply(d.b, d.ins[0], False, d.ins[1], False, 16, A.parse_multiplier("mitch-w6"))
    assert d.b.num_gates < exact
