"""The lut/rtl interpreter (lutopt.interpreters) against plain-Python references."""

from __future__ import annotations

import numpy as np
import pytest
from lutopt.diagnostics import LutoptError
from lutopt.sim import (
    Interpreter,
    evaluate,
    function_signature,
    parse_module,
    random_or_exhaustive_vectors,
    simulate_cycles,
)

# --------------------------------------------------------------------- helpers


def table_text(values: list[int], out_width: int) -> str:
    """The table in list form when small, hex form (bytes per entry) otherwise."""
    if len(values) <= 64:
        return "[" + ", ".join(str(v) for v in values) + "]"
    nbytes = 1 if out_width <= 8 else 2 if out_width <= 16 else 4 if out_width <= 32 else 8
    data = b"".join(v.to_bytes(nbytes, "little") for v in values)
    return '"0x' + data.hex().upper() + '"'


def ref_table(values: list[int], widths: list[int], args: list[int]) -> int:
    """Pure-Python table lookup: the index is the operands concatenated, operand 0 high."""
    index = 0
    for w, a in zip(widths, args):
        index = (index << w) | a
    return values[index]


def as_signless(value: int, width: int) -> int:
    value &= (1 << width) - 1
    return value - (1 << width) if width > 1 and value >> (width - 1) else value


def rows(vectors: list[np.ndarray]) -> list[list[int]]:
    return [list(map(int, r)) for r in zip(*vectors)]


# --------------------------------------------------------------------- lut level


@pytest.mark.parametrize("seed", range(12))
def test_random_tables_match_python_reference(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_ops = int(rng.integers(1, 5))
    total = int(rng.integers(n_ops, 13))  # 1..12 input bits, at least one per operand
    cuts = sorted(rng.choice(np.arange(1, total), size=n_ops - 1, replace=False)) if n_ops > 1 else []
    widths = [b - a for a, b in zip([0, *cuts], [*cuts, total])]
    out_w = int(rng.choice([1, 2, 3, 5, 8, 13, 33, 64]))
    values = [int(v) for v in rng.integers(0, 1 << min(out_w, 63), size=1 << total)]
    if out_w == 64:
        values = [v | (1 << 63) if i % 3 == 0 else v for i, v in enumerate(values)]
    args = ", ".join(f"%x{i}: i{w}" for i, w in enumerate(widths))
    operands = ", ".join(f"%x{i}" for i in range(n_ops))
    types = ", ".join(f"i{w}" for w in widths)
    text = f"""
    func.func @f({args}) -> i{out_w} {{
      %y = lut.table({operands}) {table_text(values, out_w)} : ({types}) -> i{out_w}
      func.return %y : i{out_w}
    }}"""
    module = parse_module(text)
    vectors = random_or_exhaustive_vectors(widths)
    assert len(vectors[0]) == 1 << total
    (got,) = evaluate(module, "f", vectors)
    expected = [ref_table(values, widths, r) for r in rows(vectors)]
    assert got.dtype == np.uint64
    assert [int(v) for v in got] == expected


def test_generic_form_signed_entries_and_constant_operand() -> None:
    # `3` and `-1` are the same i2 entry; the constant operand selects the upper half.
    module = parse_module(
        """
        func.func @f(%a: i2) -> i2 {
          %c = arith.constant -1 : i1
          %y = "lut.table"(%c, %a) <{table = dense<[0, 0, 0, 0, 3, -1, 2, 1]> : tensor<8xi2>}> : (i1, i2) -> i2
          func.return %y : i2
        }"""
    )
    (got,) = evaluate(module, "f", [np.arange(4, dtype=np.uint64)])
    assert got.tolist() == [3, 3, 2, 1]


def test_calls_and_multiple_results() -> None:
    module = parse_module(
        """
        func.func @inc(%x: i3) -> i3 {
          %y = lut.table(%x) [1, 2, 3, 4, 5, 6, 7, 0] : (i3) -> i3
          func.return %y : i3
        }
        func.func @f(%a: i3, %b: i1) -> (i3, i3, i1) {
          %p = func.call @inc(%a) : (i3) -> i3
          %q = func.call @inc(%p) : (i3) -> i3
          %k = arith.constant 5 : i3
          func.return %q, %k, %b : i3, i3, i1
        }"""
    )
    sig = function_signature(module, "f")
    assert sig.input_widths == (3, 1) and sig.output_widths == (3, 3, 1)
    assert sig.input_names == ("a", "b") and sig.latency == 0 and not sig.has_clock
    a, b = random_or_exhaustive_vectors([3, 1])
    q, k, bb = evaluate(module, "f", [a, b])
    assert q.tolist() == [(int(x) + 2) % 8 for x in a]
    assert k.tolist() == [5] * 16
    assert bb.tolist() == b.tolist()


def test_default_function_is_the_first() -> None:
    module = parse_module(
        """
        func.func @first(%a: i1) -> i1 {
          %y = lut.table(%a) [1, 0] : (i1) -> i1
          func.return %y : i1
        }
        func.func @second(%a: i1) -> i1 {
          func.return %a : i1
        }"""
    )
    assert function_signature(module).name == "first"
    assert evaluate(module, None, [np.array([0, 1], dtype=np.uint64)])[0].tolist() == [1, 0]


def test_table_of_2_to_16_entries_on_65536_vectors() -> None:
    rng = np.random.default_rng(7)
    values = rng.integers(0, 256, size=1 << 16).astype(np.uint64)
    hex_table = '"0x' + values.astype(np.uint8).tobytes().hex() + '"'
    module = parse_module(
        f"""
        func.func @big(%a: i7, %b: i9) -> i8 {{
          %y = lut.table(%a, %b) {hex_table} : (i7, i9) -> i8
          func.return %y : i8
        }}"""
    )
    a, b = random_or_exhaustive_vectors([7, 9])
    assert len(a) == 65536
    (got,) = evaluate(module, "big", [a, b])
    table = values.tolist()
    expected = [ref_table(table, [7, 9], [x, y]) for x, y in zip(a.tolist(), b.tolist())]
    assert got.tolist() == expected


# --------------------------------------------------------------------- rtl level: comb ops

MASK64 = (1 << 64) - 1


def _signed(x: int, w: int) -> int:
    return x - (1 << w) if x >> (w - 1) else x


BINARY_REFS = {
    "comb.add": lambda x, y, w: x + y,
    "comb.sub": lambda x, y, w: x - y,
    "comb.mul": lambda x, y, w: x * y,
    "comb.and": lambda x, y, w: x & y,
    "comb.or": lambda x, y, w: x | y,
    "comb.xor": lambda x, y, w: x ^ y,
    "comb.shl": lambda x, y, w: x << y if y < w else 0,
    "comb.shru": lambda x, y, w: x >> y if y < w else 0,
    "comb.shrs": lambda x, y, w: _signed(x, w) >> min(y, w - 1),
}

ICMP_REFS = {
    "eq": lambda x, y, w: x == y,
    "ne": lambda x, y, w: x != y,
    "ult": lambda x, y, w: x < y,
    "ule": lambda x, y, w: x <= y,
    "ugt": lambda x, y, w: x > y,
    "uge": lambda x, y, w: x >= y,
    "slt": lambda x, y, w: _signed(x, w) < _signed(y, w),
    "sle": lambda x, y, w: _signed(x, w) <= _signed(y, w),
    "sgt": lambda x, y, w: _signed(x, w) > _signed(y, w),
    "sge": lambda x, y, w: _signed(x, w) >= _signed(y, w),
}


def _operands(w: int, n: int, rng: np.random.Generator) -> tuple[list[int], list[int]]:
    """Two random operand columns of width w, with small values mixed in (for shifts)."""
    cols = []
    for _ in range(2):
        col = [int.from_bytes(rng.bytes((w + 7) // 8), "little") & ((1 << w) - 1) for _ in range(n)]
        for i in range(0, n, 4):
            col[i] = int(rng.integers(0, w + 3)) & ((1 << w) - 1)
        cols.append(col)
    return cols[0], cols[1]


@pytest.mark.parametrize("width", [1, 3, 8, 63, 64, 100])
@pytest.mark.parametrize("opname", sorted(BINARY_REFS))
def test_binary_comb_ops(opname: str, width: int) -> None:
    """Each op on random operands; for widths over 64 the operands and the result are
    passed through comb.extract so that the ports stay at most 64 bits wide."""
    rng = np.random.default_rng(width * 31 + len(opname))
    n = 256
    xs, ys = _operands(width, n, rng)
    ref = BINARY_REFS[opname]
    expected = [ref(x, y, width) & ((1 << width) - 1) for x, y in zip(xs, ys)]
    if width <= 64:
        module = parse_module(
            f"""
            hw.module @t(in %x : i{width}, in %y : i{width}, out r : i{width}) {{
              %r = {opname} %x, %y : i{width}
              hw.output %r : i{width}
            }}"""
        )
        (got,) = evaluate(module, "t", [np.array(xs, dtype=np.uint64), np.array(ys, dtype=np.uint64)])
        assert got.tolist() == expected
        return
    # Wide: build each operand from a 64-bit low part and a (width-64)-bit high part.
    hi = width - 64
    module = parse_module(
        f"""
        hw.module @t(in %xh : i{hi}, in %xl : i64, in %yh : i{hi}, in %yl : i64,
                     out rh : i{hi}, out rl : i64) {{
          %x = comb.concat %xh, %xl : i{hi}, i64
          %y = comb.concat %yh, %yl : i{hi}, i64
          %r = {opname} %x, %y : i{width}
          %rh = comb.extract %r from 64 : (i{width}) -> i{hi}
          %rl = comb.extract %r from 0 : (i{width}) -> i64
          hw.output %rh, %rl : i{hi}, i64
        }}"""
    )
    u = lambda vals: np.array(vals, dtype=np.uint64)
    rh, rl = evaluate(
        module,
        "t",
        [u([x >> 64 for x in xs]), u([x & MASK64 for x in xs]), u([y >> 64 for y in ys]), u([y & MASK64 for y in ys])],
    )
    assert [(int(h) << 64) | int(lo) for h, lo in zip(rh, rl)] == expected


@pytest.mark.parametrize("width", [1, 4, 64, 70])
@pytest.mark.parametrize("pred", sorted(ICMP_REFS))
def test_icmp(pred: str, width: int) -> None:
    rng = np.random.default_rng(width + 7 * len(pred))
    n = 200
    xs, ys = _operands(width, n, rng)
    for i in range(0, n, 5):
        ys[i] = xs[i]  # equal operands are interesting
    expected = [int(ICMP_REFS[pred](x, y, width)) for x, y in zip(xs, ys)]
    if width <= 64:
        module = parse_module(
            f"""
            hw.module @t(in %x : i{width}, in %y : i{width}, out r : i1) {{
              %r = comb.icmp {pred} %x, %y : i{width}
              hw.output %r : i1
            }}"""
        )
        (got,) = evaluate(module, "t", [np.array(xs, dtype=np.uint64), np.array(ys, dtype=np.uint64)])
    else:
        hi = width - 64
        module = parse_module(
            f"""
            hw.module @t(in %xh : i{hi}, in %xl : i64, in %yh : i{hi}, in %yl : i64, out r : i1) {{
              %x = comb.concat %xh, %xl : i{hi}, i64
              %y = comb.concat %yh, %yl : i{hi}, i64
              %r = comb.icmp {pred} %x, %y : i{width}
              hw.output %r : i1
            }}"""
        )
        u = lambda vals: np.array(vals, dtype=np.uint64)
        (got,) = evaluate(
            module,
            "t",
            [u([x >> 64 for x in xs]), u([x & MASK64 for x in xs]), u([y >> 64 for y in ys]), u([y & MASK64 for y in ys])],
        )
    assert got.tolist() == expected


def test_structural_ops() -> None:
    """concat, extract, replicate, mux, variadic and/or/xor/add, parity, on narrow and wide values."""
    module = parse_module(
        """
        hw.module @t(in %a : i3, in %b : i5, in %c : i1, in %d : i64,
                     out cat : i8, out ext : i2, out rep : i9, out mux : i5, out and3 : i5,
                     out add3 : i5, out par : i1, out wpar : i1, out wext : i64, out wmux : i8) {
          %cat = comb.concat %a, %b : i3, i5
          %ext = comb.extract %b from 2 : (i5) -> i2
          %rep = comb.replicate %a : (i3) -> i9
          %mux = comb.mux %c, %b, %ext5 : i5
          %ext5 = comb.concat %a, %ext : i3, i2
          %and3 = comb.and %b, %ext5, %b : i5
          %add3 = comb.add %b, %ext5, %b : i5
          %par = "comb.parity"(%b) : (i5) -> i1
          %w = comb.concat %d, %a, %d : i64, i3, i64
          %wpar = "comb.parity"(%w) : (i131) -> i1
          %wext = comb.extract %w from 60 : (i131) -> i64
          %wrep = comb.replicate %w : (i131) -> i262
          %wm = comb.mux %c, %w, %wrep2 : i131
          %wrep2 = comb.extract %wrep from 131 : (i262) -> i131
          %wmux = comb.extract %wm from 62 : (i131) -> i8
          hw.output %cat, %ext, %rep, %mux, %and3, %add3, %par, %wpar, %wext, %wmux : i8, i2, i9, i5, i5, i5, i1, i1, i64, i8
        }"""
    )
    rng = np.random.default_rng(3)
    n = 300
    a = rng.integers(0, 8, n, dtype=np.uint64)
    b = rng.integers(0, 32, n, dtype=np.uint64)
    c = rng.integers(0, 2, n, dtype=np.uint64)
    d = rng.integers(0, 2**64 - 1, n, dtype=np.uint64, endpoint=True)
    outs = evaluate(module, "t", [a, b, c, d])
    for i in range(n):
        A, B, C, D = int(a[i]), int(b[i]), int(c[i]), int(d[i])
        ext = (B >> 2) & 3
        ext5 = (A << 2) | ext
        w = (D << 67) | (A << 64) | D
        expected = [
            (A << 5) | B,
            ext,
            (A << 6) | (A << 3) | A,
            B if C else ext5,
            B & ext5,
            (B + ext5 + B) & 31,
            B.bit_count() & 1,
            w.bit_count() & 1,
            (w >> 60) & MASK64,
            (w >> 62) & 0xFF,  # both mux arms are w
        ]
        assert [int(o[i]) for o in outs] == expected, i


def test_signature_of_hw_module_with_clock() -> None:
    module = parse_module(
        """
        hw.module @p(in %clk : !seq.clock, in %a : i2, in %b : i3, out y : i2, out z : i3)
            attributes {lutopt.latency = 3 : i64} {
          hw.output %a, %b : i2, i3
        }"""
    )
    sig = function_signature(module, "p")
    assert sig.input_widths == (2, 3) and sig.output_widths == (2, 3)
    assert sig.input_names == ("a", "b") and sig.output_names == ("y", "z")
    assert sig.latency == 3 and sig.is_hw_module and sig.has_clock


# --------------------------------------------------------------------- rtl level: arrays


def _signless_decimal(value: int, width: int) -> str:
    return str(as_signless(value, width))


@pytest.mark.parametrize("index_bits", [1, 4, 12, 16])
def test_wide_constant_column_bitcast_and_array_get(index_bits: int) -> None:
    """A table column as one wide hw.constant (element i of the array is bit i)."""
    n = 1 << index_bits
    rng = np.random.default_rng(index_bits)
    bits = rng.integers(0, 2, n)
    bits[-1] = 1  # the top bit set: the constant prints negative
    column = int("".join(str(int(x)) for x in bits[::-1]), 2)
    module = parse_module(
        f"""
        hw.module @col(in %i : i{index_bits}, out y : i1) {{
          %c = hw.constant {_signless_decimal(column, n)} : i{n}
          %arr = hw.bitcast %c : (i{n}) -> !hw.array<{n}xi1>
          %y = hw.array_get %arr[%i] : !hw.array<{n}xi1>, i{index_bits}
          hw.output %y : i1
        }}"""
    )
    (idx,) = random_or_exhaustive_vectors([index_bits])
    (got,) = evaluate(module, "col", [idx])
    assert got.tolist() == [int(bits[k]) for k in idx.tolist()]


def test_constant_is_converted_once_per_interpreter() -> None:
    n = 1 << 10
    module = parse_module(
        f"""
        hw.module @col(in %i : i10, out y : i1) {{
          %c = hw.constant 12345678901234567890 : i{n}
          %arr = hw.bitcast %c : (i{n}) -> !hw.array<{n}xi1>
          %y = hw.array_get %arr[%i] : !hw.array<{n}xi1>, i10
          hw.output %y : i1
        }}"""
    )
    interp = Interpreter(module)
    interp.evaluate("col", [np.arange(1024, dtype=np.uint64)])
    plan = next(iter(interp._plans.values()))
    # Only the array_get is left to run; the constant and its bitcast were folded.
    assert len(plan.steps) == 1
    (got,) = interp.evaluate("col", [np.arange(64, dtype=np.uint64)])
    assert got.tolist() == [(12345678901234567890 >> k) & 1 for k in range(64)]


def test_array_create_bitcast_and_out_of_range_index() -> None:
    module = parse_module(
        """
        hw.module @t(in %a : i2, in %b : i2, in %c : i2, in %i : i2, in %w : i6,
                     out g : i2, out back : i6, out e : i2) {
          %arr = hw.array_create %a, %b, %c : i2
          %g = hw.array_get %arr[%i] : !hw.array<3xi2>, i2
          %warr = hw.bitcast %w : (i6) -> !hw.array<3xi2>
          %e = hw.array_get %warr[%i] : !hw.array<3xi2>, i2
          %back = hw.bitcast %arr : (!hw.array<3xi2>) -> i6
          hw.output %g, %back, %e : i2, i6, i2
        }"""
    )
    vecs = random_or_exhaustive_vectors([2, 2, 2, 2, 6], num_vectors=500, seed=1)
    g, back, e = evaluate(module, "t", vecs)
    for (a, b, c, i, w), gg, bb, ee in zip(rows(vecs), g.tolist(), back.tolist(), e.tolist()):
        elems = [c, b, a]  # element 0 is the last operand (CIRCT)
        assert gg == (elems[i] if i < 3 else 0)
        assert bb == (a << 4) | (b << 2) | c
        assert ee == (((w >> (2 * i)) & 3) if i < 3 else 0)


# --------------------------------------------------------------------- hierarchy and cycles

PIPELINED = """
hw.module @sub(in %clk : !seq.clock, in %x : i4, out y : i4) attributes {lutopt.latency = 1 : i64} {
  %one = hw.constant 1 : i4
  %s = comb.add %x, %one : i4
  %r = seq.compreg %s, %clk : i4
  hw.output %r : i4
}
hw.module @top(in %clk : !seq.clock, in %a : i4, in %b : i4, out y : i4, out d : i4)
    attributes {lutopt.latency = 2 : i64} {
  // Two instances of @sub: each keeps its own register.
  %pa = hw.instance "ua" @sub(clk: %clk: !seq.clock, x: %a: i4) -> (y: i4)
  %pb = hw.instance "ub" @sub(clk: %clk: !seq.clock, x: %b: i4) -> (y: i4)
  %x = comb.xor %pa, %pb : i4
  %y = seq.compreg %x, %clk : i4
  // b delayed by two cycles, through a register chain written out of order.
  %d = seq.compreg %d1, %clk : i4
  %d1 = seq.compreg %b, %clk : i4
  hw.output %y, %d : i4, i4
}
"""


def test_pipelined_module_cycle_by_cycle() -> None:
    module = parse_module(PIPELINED)
    rng = np.random.default_rng(0)
    cycles, lanes = 10, 7
    a = rng.integers(0, 16, (cycles, lanes), dtype=np.uint64)
    b = rng.integers(0, 16, (cycles, lanes), dtype=np.uint64)
    y, d = simulate_cycles(module, "top", [a, b])
    assert y.shape == (cycles, lanes)
    # Registers start at 0: at cycle 0 both instance outputs are 0; at cycle 1 y is their xor.
    assert y[0].tolist() == [0] * lanes
    assert y[1].tolist() == [0] * lanes
    assert d[0].tolist() == [0] * lanes and d[1].tolist() == [0] * lanes
    for t in range(cycles - 2):
        assert y[t + 2].tolist() == (((a[t] + 1) % 16) ^ ((b[t] + 1) % 16)).tolist()
        assert d[t + 2].tolist() == b[t].tolist()


def test_evaluate_pipelined_module_gives_the_combinational_function() -> None:
    module = parse_module(PIPELINED)
    a, b = random_or_exhaustive_vectors([4, 4])
    y, d = evaluate(module, "top", [a, b])
    assert y.tolist() == (((a + 1) % 16) ^ ((b + 1) % 16)).tolist()
    assert d.tolist() == b.tolist()
    (sy,) = evaluate(module, "sub", [a])
    assert sy.tolist() == ((a + 1) % 16).tolist()


def test_register_with_reset_and_power_on_value() -> None:
    module = parse_module(
        """
        hw.module @cnt(in %clk : !seq.clock, in %rst : i1, out q : i3) {
          %one = hw.constant 1 : i3
          %five = hw.constant 5 : i3
          %zero = hw.constant 0 : i3
          %n = comb.add %q, %one : i3
          %q = seq.compreg %n, %clk reset %rst, %zero powerOn %five : i3
          hw.output %q : i3
        }"""
    )
    rst = np.array([[0], [0], [1], [0], [0], [0], [0], [0], [0], [0]], dtype=np.uint64)
    (q,) = simulate_cycles(module, "cnt", [rst])
    assert q[:, 0].tolist() == [5, 6, 7, 0, 1, 2, 3, 4, 5, 6]


def test_graph_region_use_before_definition() -> None:
    module = parse_module(
        """
        hw.module @t(in %a : i4, out y : i4) {
          %y = comb.xor %n, %a : i4
          %n = comb.add %a, %a : i4
          hw.output %y : i4
        }"""
    )
    a = np.arange(16, dtype=np.uint64)
    assert evaluate(module, "t", [a])[0].tolist() == [((2 * x) % 16) ^ x for x in range(16)]


# --------------------------------------------------------------------- errors


def test_unsupported_op_is_a_located_error() -> None:
    module = parse_module(
        """
        hw.module @t(in %a : i4, in %b : i4, out y : i4) {
          %y = arith.ceildivui %a, %b : i4
          hw.output %y : i4
        }""",
        name="div.mlir",
    )
    with pytest.raises(LutoptError) as info:
        evaluate(module, "t", [np.zeros(1, np.uint64), np.ones(1, np.uint64)])
    assert info.value.message == "cannot simulate 'arith.ceildivui'"
    assert info.value.location == "div.mlir:3:11"


def test_combinational_loop_is_an_error() -> None:
    module = parse_module(
        """
        hw.module @t(in %a : i4, out y : i4) {
          %y = comb.xor %z, %a : i4
          %z = comb.and %y, %a : i4
          hw.output %y : i4
        }"""
    )
    with pytest.raises(LutoptError, match="combinational loop"):
        evaluate(module, "t", [np.zeros(1, np.uint64)])


def test_wide_ports_are_rejected() -> None:
    module = parse_module(
        """
        hw.module @t(in %a : i65, out y : i65) {
          hw.output %a : i65
        }"""
    )
    with pytest.raises(LutoptError, match="at most 64 bits"):
        function_signature(module, "t")


def test_gate_netlist_inside_a_function() -> None:
    """gate.netlist is evaluated by the gate dialect's own evaluator (found lazily)."""
    module = parse_module(
        """
        func.func @fa(%a: i1, %b: i1, %c: i1) -> (i1, i1) {
          %s, %co = gate.netlist(%a, %b, %c) {
            g0 = xor i0, i1
            g1 = xor g0, i2
            g2 = and i0, i1
            g3 = and g0, i2
            g4 = or g2, g3
            output g1, g4
          } : (i1, i1, i1) -> (i1, i1)
          func.return %s, %co : i1, i1
        }"""
    )
    vecs = random_or_exhaustive_vectors([1, 1, 1])
    s, co = evaluate(module, "fa", vecs)
    total = [a + b + c for a, b, c in rows(vecs)]
    assert s.tolist() == [t & 1 for t in total] and co.tolist() == [t >> 1 for t in total]
