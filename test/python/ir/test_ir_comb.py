"""One table of rtl ops (lutopt.ir.comb): what the Verilog target prints, the interpreter
runs, and the two agree with Icarus Verilog.

The modules below are generated from the table, so an op added to it is tested here. The
oracle is Icarus (a missing simulator skips, with the reason). Division and remainder by
zero: Verilog gives `x` (Icarus), the interpreter 0 (Verilator's value; CIRCT leaves it
undefined): the vectors with a zero divisor are checked to be `x` in Icarus, 0 in the
interpreter, and the others bit for bit; Verilator agrees on every vector.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import numpy as np
import pytest
from lutopt.ir.comb import BINARY_OPS, EXPRESSION_OPS, ICMP_PREDICATES, RTL_OPS, WIRING_OPS, logic_weight
from lutopt.interpreters import core as interp
from lutopt.sim import Interpreter
from lutopt.sim.parsing import make_context, parse_module
from lutopt.sim.verilog_sim import check_verilog, simulate_verilog
from lutopt.target.verilog import SUPPORTED_OPS, VerilogTarget

HAS_IVERILOG = shutil.which("iverilog") is not None and shutil.which("vvp") is not None
HAS_VERILATOR = shutil.which("verilator") is not None
needs_verilator = pytest.mark.skipif(not HAS_VERILATOR, reason="verilator is not installed (apt-get install verilator)")
needs_iverilog = pytest.mark.skipif(not HAS_IVERILOG, reason="Icarus Verilog is not installed (apt-get install iverilog)")

DIVISIONS = ("comb.divu", "comb.modu", "comb.divs", "comb.mods")


def test_the_printer_supports_exactly_the_table() -> None:
    assert SUPPORTED_OPS == frozenset(RTL_OPS)
    assert set(DIVISIONS) <= SUPPORTED_OPS


def test_the_interpreter_runs_every_op_of_the_table() -> None:
    for name in RTL_OPS:
        assert name in interp.RUN_BY_THE_PLAN or interp._op_kind(name) is not None, name


def test_wiring_and_weights() -> None:
    assert WIRING_OPS == {"comb.concat", "comb.extract", "hw.bitcast", "comb.replicate", "hw.array_create"}
    assert logic_weight("hw.constant") == 0 and logic_weight("comb.extract") == 0
    assert logic_weight("comb.and") == 1 and logic_weight("hw.array_get") == 1
    assert logic_weight("some.unknown_op") == 1
    assert {"comb.icmp", "comb.mux", "hw.array_get"} <= EXPRESSION_OPS
    assert "hw.bitcast" not in EXPRESSION_OPS


def test_predicates_are_numbered_as_mlir() -> None:
    assert [p.name for p in ICMP_PREDICATES] == ["eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule", "ugt", "uge"]


def _module(name: str, body: str, outs: list[tuple[str, int]]) -> str:
    ports = ", ".join(f"out {n} : i{w}" for n, w in outs)
    values = ", ".join(f"%{n}" for n, _ in outs)
    types = ", ".join(f"i{w}" for _, w in outs)
    return (
        f"hw.module @{name}(in %a : i4, in %b : i4, {ports}) {{\n{body}"
        f"  hw.output {values} : {types}\n}}\n"
    )


# Wide operands (72 bits, the interpreter's per-lane path): `a` repeated, `b` sign-extended.
_WIDE_OPERANDS = """\
  %wa = comb.replicate %a : (i4) -> i72
  %bs = comb.extract %b from 3 : (i4) -> i1
  %bx = comb.replicate %bs : (i1) -> i68
  %wb = comb.concat %bx, %b : i68, i4
"""


def binary_module(name: str, op: str) -> str:
    body = (
        f"  %y = {op} %a, %b : i4\n"
        + _WIDE_OPERANDS
        + f"  %w = {op} %wa, %wb : i72\n"
        "  %lo = comb.extract %w from 0 : (i72) -> i64\n"
        "  %hi = comb.extract %w from 64 : (i72) -> i8\n"
    )
    return _module(name, body, [("y", 4), ("lo", 64), ("hi", 8)])


def icmp_module(name: str) -> str:
    lines = []
    outs = []
    for p in ICMP_PREDICATES:
        lines.append(f"  %{p.name} = comb.icmp {p.name} %a, %b : i4\n")
        lines.append(f"  %w{p.name} = comb.icmp {p.name} %wa, %wb : i72\n")
        outs += [(p.name, 1), ("w" + p.name, 1)]
    return _module(name, _WIDE_OPERANDS + "".join(lines), outs)


def _verilog(text: str) -> str:
    out = io.StringIO()
    VerilogTarget().emit(make_context(), parse_module(text), out)
    return out.getvalue()


ALL_VECTORS = [np.repeat(np.arange(16, dtype=np.uint64), 16), np.tile(np.arange(16, dtype=np.uint64), 16)]


def _wide_operands(a: int, b: int) -> tuple[int, int]:
    """The 72-bit operands of `_WIDE_OPERANDS`."""
    wa = int(format(a, "04b") * 18, 2)
    wb = b | (((1 << 68) - 1) << 4 if b & 8 else 0)
    return wa, wb


@needs_iverilog
@pytest.mark.parametrize("op", sorted(BINARY_OPS))
def test_binary_op_agrees_with_icarus(tmp_path: Path, op: str) -> None:
    text = binary_module("t", op)
    path = tmp_path / "t.v"
    path.write_text(_verilog(text))
    got = simulate_verilog(str(path), "t", ALL_VECTORS, simulator="iverilog")
    expected = Interpreter(parse_module(text)).evaluate("t", ALL_VECTORS)
    got = [[int(x) for x in g] for g in got]
    expected = [[int(x) for x in e] for e in expected]
    if op not in DIVISIONS:
        assert got == expected
        return
    for lane, (a, b) in enumerate(zip(ALL_VECTORS[0].tolist(), ALL_VECTORS[1].tolist())):
        if b == 0:
            assert [g[lane] for g in got] == [-1, -1, -1]  # x in Icarus
            assert [e[lane] for e in expected] == [0, 0, 0]  # 0 in the interpreter
            continue
        assert got[0][lane] == expected[0][lane], (op, a, b)
        # Icarus 11 divides some 72-bit values wrongly (72'h888888888888888888 / 1 is 0),
        # so the wide path is checked against the definition (and Verilator, below).
        wa, wb = _wide_operands(a, b)
        w = _verilog_division(op, wa, wb, 72)
        assert [expected[1][lane], expected[2][lane]] == [w & ((1 << 64) - 1), w >> 64], (op, a, b)


@needs_verilator
def test_division_agrees_with_verilator(tmp_path: Path) -> None:
    """Verilator gives 0 for a zero divisor, as the interpreter does: every vector agrees,
    narrow and wide."""
    body, outs = _WIDE_OPERANDS, []
    for i, op in enumerate(DIVISIONS):
        body += (
            f"  %y{i} = {op} %a, %b : i4\n"
            f"  %w{i} = {op} %wa, %wb : i72\n"
            f"  %lo{i} = comb.extract %w{i} from 0 : (i72) -> i64\n"
            f"  %hi{i} = comb.extract %w{i} from 64 : (i72) -> i8\n"
        )
        outs += [(f"y{i}", 4), (f"lo{i}", 64), (f"hi{i}", 8)]
    text = _module("t", body, outs)
    path = tmp_path / "t.v"
    path.write_text(_verilog(text))
    report = check_verilog(parse_module(text), str(path), "t", simulator="verilator")
    assert report.ok and report.vectors == 256, [vars(m) for m in report.mismatches[:3]]


@needs_iverilog
def test_icmp_agrees_with_icarus(tmp_path: Path) -> None:
    text = icmp_module("t")
    path = tmp_path / "t.v"
    path.write_text(_verilog(text))
    got = simulate_verilog(str(path), "t", ALL_VECTORS, simulator="iverilog")
    expected = Interpreter(parse_module(text)).evaluate("t", ALL_VECTORS)
    for g, e in zip(got, expected):
        assert g.tolist() == e.tolist()


def _signed(x: int, w: int) -> int:
    return x - (1 << w) if x >> (w - 1) else x


def _verilog_division(op: str, a: int, b: int, w: int) -> int:
    """Verilog's / and % (truncating, remainder with the dividend's sign), 0 for b == 0."""
    if op in ("comb.divs", "comb.mods"):
        a, b = _signed(a, w), _signed(b, w)
    if b == 0:
        return 0
    q = abs(a) // abs(b)
    if (a < 0) != (b < 0):
        q = -q
    r = a - q * b
    return (q if "div" in op else r) % (1 << w)


@pytest.mark.parametrize("op", DIVISIONS)
@pytest.mark.parametrize("width", [1, 7, 64])
def test_division_corners(op: str, width: int) -> None:
    """Both paths of the table (NumPy words and Python integers) against the definition,
    on the corners: zero divisor, the most negative value divided by -1."""
    entry = BINARY_OPS[op]
    m = (1 << width) - 1
    corners = [0, 1, 2, m, m - 1, 1 << (width - 1), (1 << (width - 1)) - 1, (1 << (width - 1)) + 1]
    rng = np.random.default_rng(1)
    values = sorted({c & m for c in corners} | {int(x) & m for x in rng.integers(0, 2**63, 20, dtype=np.int64)})
    pairs = [(a, b) for a in values for b in values]
    a = np.array([p[0] for p in pairs], dtype=np.uint64)
    b = np.array([p[1] for p in pairs], dtype=np.uint64)
    narrow = entry.narrow(a, b, width)  # type: ignore[misc]
    for (x, y), n in zip(pairs, narrow.tolist()):
        want = _verilog_division(op, x, y, width)
        assert n == want, (op, width, x, y)
        assert entry.wide(x, y, width) % (1 << width) == want, (op, width, x, y)  # type: ignore[misc]
