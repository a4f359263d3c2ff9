"""The Verilog target (lutopt.target.verilog) and Verilog simulation (lutopt-sim).

Verilog printed from hand-written rtl IR and from lut-level functions lowered with
`lower-to-rtl` must be lint-clean under `verilator --lint-only -Wall`, compile with
`iverilog -g2001`, and simulate (with both simulators) to the same outputs as the
reference interpreter. Tests that need a missing tool are skipped with the reason.
"""

from __future__ import annotations

import io
import random
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from lutopt.diagnostics import LutoptError
from lutopt.target.verilog import (
    VERILOG_KEYWORDS,
    Namespace,
    PrepareForVerilog,
    VerilogTarget,
    constant_literal,
    print_verilog,
)
from lutopt.sim.parsing import make_context, parse_module
from lutopt.sim.verilog_sim import (
    check_verilog,
    choose_simulator,
    design_ports,
    read_latency,
    read_ports,
    simulate_verilog,
)
from lutopt.tools import lutopt_sim
from xdsl.dialects import hw
from xdsl.dialects.builtin import ArrayAttr, IntegerType, ModuleOp, StringAttr
from xdsl.ir import Block, Region

HAS_VERILATOR = shutil.which("verilator") is not None
HAS_IVERILOG = shutil.which("iverilog") is not None and shutil.which("vvp") is not None
needs_verilator = pytest.mark.skipif(not HAS_VERILATOR, reason="verilator is not installed (apt-get install verilator)")
needs_iverilog = pytest.mark.skipif(not HAS_IVERILOG, reason="Icarus Verilog is not installed (apt-get install iverilog)")

# A table column, keywords as names, an unused input.
TABLE = """
hw.module @table_top(in %a : i2, in %b : i2, in %reg : i3, out y : i1, out z : i2) {
  %0 = hw.constant 0x6996 : i16
  %1 = hw.bitcast %0 : (i16) -> !hw.array<16xi1>
  %idx = comb.concat %a, %b : i2, i2
  %y = hw.array_get %1[%idx] : !hw.array<16xi1>, i4
  %wire = comb.xor %a, %b : i2
  hw.output %y, %wire : i1, i2
}
"""

# Every comb op the rtl level uses (no division: x in Icarus for a zero divisor).
COMB = """
hw.module @comb_top(in %a : i4, in %b : i4, out y : i32, out z : i8) {
  %one = hw.constant 1 : i4
  %add = comb.add %a, %b, %one : i4
  %mul = comb.mul %a, %b : i4
  %sub = comb.sub %a, %b : i4
  %and = comb.and %a, %b : i4
  %or = comb.or %a, %b : i4
  %xor = comb.xor %a, %b : i4
  %shl = comb.shl %a, %b : i4
  %shru = comb.shru %a, %b : i4
  %shrs = comb.shrs %a, %b : i4
  %eq = comb.icmp eq %a, %b : i4
  %slt = comb.icmp slt %a, %b : i4
  %sge = comb.icmp sge %a, %b : i4
  %ult = comb.icmp ult %a, %b : i4
  %ugt = comb.icmp ugt %a, %b : i4
  %ne = comb.icmp ne %a, %b : i4
  %par = "comb.parity"(%a) : (i4) -> i1
  %rep = comb.replicate %par : (i1) -> i4
  %mux = comb.mux %slt, %add, %rep : i4
  %ext = comb.extract %mul from 1 : (i4) -> i2
  %cat = comb.concat %ext, %eq, %ult : i2, i1, i1
  %y = comb.concat %mux, %mul, %sub, %and, %or, %xor, %shl, %shrs : i4, i4, i4, i4, i4, i4, i4, i4
  %z = comb.concat %sge, %ugt, %ne, %par, %cat : i1, i1, i1, i1, i4
  hw.output %y, %z : i32, i8
}
"""

# Two ranks of registers, a register feeding back is avoided (latency must be fixed),
# arrays of 2-bit elements, a constant index.
PIPE = """
hw.module @pipe_top(in %clk : !seq.clock, in %a : i3, in %b : i3, out y : i2, out s : i3) attributes {lutopt.latency = 2 : i64} {
  %col = hw.constant 0xba98 : i16
  %pairs = hw.bitcast %col : (i16) -> !hw.array<8xi2>
  %sum = comb.add %a, %b : i3
  %r1 = seq.compreg %sum, %clk : i3
  %p = hw.array_get %pairs[%r1] : !hw.array<8xi2>, i3
  %k = hw.constant 5 : i3
  %q = hw.array_get %pairs[%k] : !hw.array<8xi2>, i3
  %x = comb.xor %p, %q : i2
  %r2 = seq.compreg %x, %clk : i2
  %rs = seq.compreg %r1, %clk : i3
  hw.output %r2, %rs : i2, i3
}
"""

# Modules and instances.
MULTI = """
hw.module @half(in %a : i1, in %b : i1, out c : i1, out s : i1) {
  %c = comb.and %a, %b : i1
  %s = comb.xor %a, %b : i1
  hw.output %c, %s : i1, i1
}
hw.module @multi_top(in %a : i1, in %b : i1, in %cin : i1, out sum : i1, out cout : i1) {
  %c1, %s1 = hw.instance "h1" @half(a: %a : i1, b: %b : i1) -> (c: i1, s: i1)
  %c2, %s2 = hw.instance "h2" @half(a: %s1 : i1, b: %cin : i1) -> (c: i1, s: i1)
  %cout = comb.or %c1, %c2 : i1
  hw.output %s2, %cout : i1, i1
}
"""

# A lut-level function (lowered with lower-to-rtl before printing).
LUT = """
func.func @lut_top(%a: i2, %b: i2, %c: i1) -> (i2, i1) {
  %y = lut.table(%a, %b) [0, 1, 3, 2, 0, 0, 1, 1, 2, 2, 3, 3, 1, 0, 0, 1] : (i2, i2) -> i2
  %z = lut.table(%y, %c) [0, 1, 1, 0, 1, 0, 0, 1] : (i2, i1) -> i1
  func.return %y, %z : i2, i1
}
"""

# More than 16 input bits: random vectors.
WIDE = """
hw.module @wide_top(in %clk : !seq.clock, in %a : i8, in %b : i8, in %c : i8, out y : i8, out t : i1) attributes {lutopt.latency = 1 : i64} {
  %m = comb.mul %a, %b : i8
  %s = comb.add %m, %c : i8
  %lt = comb.icmp slt %a, %c : i8
  %rs = seq.compreg %s, %clk : i8
  %rl = seq.compreg %lt, %clk : i1
  hw.output %rs, %rl : i8, i1
}
"""

RTL_DESIGNS = {"table_top": TABLE, "comb_top": COMB, "pipe_top": PIPE, "multi_top": MULTI, "wide_top": WIDE}


def lower(text: str, stages: int) -> ModuleOp:
    """`lower-to-rtl{pipeline-stages=stages}` applied to a lut-level module."""
    from lutopt.lowering.pipelines.lower_to_rtl import LowerToRtl

    module = parse_module(text)
    LowerToRtl(pipeline_stages=stages).apply(make_context(), module)
    return module


def emit(module: ModuleOp) -> str:
    out = io.StringIO()
    VerilogTarget().emit(make_context(), module, out)
    return out.getvalue()


def write_design(tmp_path: Path, top: str, text: str) -> tuple[ModuleOp, Path]:
    """Parses the reference, prints its Verilog to TOP.v; returns (a fresh reference, path)."""
    module = lower(LUT, 1) if text is LUT else parse_module(text)
    path = tmp_path / f"{top}.v"
    path.write_text(emit(module))
    return parse_module(text), path


# ----------------------------------------------------------------------------- printer


def test_namespace_avoids_keywords_and_repeats() -> None:
    ns = Namespace(["a"])
    assert ns.claim("a") == "a_0"
    assert ns.claim("a") == "a_1"
    assert ns.claim("reg") == "reg_0"
    assert ns.claim("9lives") == "_9lives"
    assert ns.claim("x.y-z") == "x_y_z"
    assert ns.claim("reg_0") == "reg_0_0"
    assert {"logic", "table", "always_ff", "xor"} <= VERILOG_KEYWORDS


def test_prepare_is_idempotent_and_the_printer_only_reads() -> None:
    module = parse_module(PIPE + MULTI)
    PrepareForVerilog().apply(make_context(), module)
    once = str(module)
    PrepareForVerilog().apply(make_context(), module)
    assert str(module) == once
    out1, out2 = io.StringIO(), io.StringIO()
    print_verilog(module, out1)
    assert str(module) == once
    print_verilog(module, out2)
    assert out1.getvalue() == out2.getvalue()


def test_prepare_stores_names_as_attributes_and_hints() -> None:
    module = parse_module(TABLE)
    PrepareForVerilog().apply(make_context(), module)
    (top,) = module.ops

    def strings(attr) -> list[str]:
        return [a.data for a in attr.data]

    assert strings(top.attributes["lutopt.verilog_ports"]) == ["a", "b", "reg_0", "y", "z"]
    assert strings(top.attributes["lutopt.verilog_unused"]) == ["reg_0"]
    ops = {op.name: op for op in top.body.block.ops}
    column = ops["hw.constant"]
    assert strings(column.attributes["lutopt.verilog_names"]) == ["y_table"]
    assert strings(column.attributes["lutopt.verilog_kinds"]) == ["param"]
    assert column.results[0].name_hint == "y_table"
    assert strings(ops["hw.bitcast"].attributes["lutopt.verilog_kinds"]) == ["alias"]
    assert strings(ops["hw.array_get"].attributes["lutopt.verilog_kinds"]) == ["port"]
    assert strings(ops["comb.xor"].attributes["lutopt.verilog_names"]) == ["z"]


def test_table_prints_as_hex_localparam_and_index() -> None:
    v = emit(parse_module(TABLE))
    assert "localparam [15:0] y_table = 16'h6996;" in v
    assert "wire [3:0] idx = {a, b};" in v
    assert "assign y = y_table[idx];" in v
    assert "assign z = a ^ b;" in v
    # The unused input, and nothing else, is wrapped in lint_off/lint_on.
    assert v.count("lint_off") == 1
    assert "/* verilator lint_off UNUSEDSIGNAL */\n  input [2:0] reg_0,\n  /* verilator lint_on UNUSEDSIGNAL */" in v


def column_module(bits: int, value: int) -> ModuleOp:
    n = bits.bit_length() - 1
    ports = [
        hw.ModulePort(StringAttr("i"), IntegerType(n), hw.DirectionAttr(hw.Direction.INPUT)),
        hw.ModulePort(StringAttr("y"), IntegerType(1), hw.DirectionAttr(hw.Direction.OUTPUT)),
    ]
    block = Block(arg_types=[IntegerType(n)])
    signless = value - (1 << bits) if value >> (bits - 1) else value
    c = hw.ConstantOp(signless, bits)
    arr = hw.BitcastOp(c, hw.ArrayType(IntegerType(1), bits))
    get = hw.ArrayGetOp(arr, block.args[0])
    block.add_ops([c, arr, get, hw.OutputOp([get.results[0]])])
    module = hw.HWModuleOp(StringAttr("column"), hw.ModuleType(ArrayAttr(ports)), Region(block))
    return ModuleOp([module])


def test_wide_column_prints_fast_and_compactly() -> None:
    rng = random.Random(3)
    value = rng.getrandbits(1 << 20)
    module = column_module(1 << 20, value)
    start = time.perf_counter()
    v = emit(module)
    elapsed = time.perf_counter() - start
    assert elapsed < 2.0, f"printing a 2^20-bit column took {elapsed:.2f} s"
    assert len(v.splitlines()) < 300
    m = re.search(r"localparam \[1048575:0\] tbl = \{(.*?)\};", v, re.DOTALL)
    assert m is not None
    chunks = [c.strip() for c in m.group(1).split(",")]
    assert len(chunks) == 256 and all(c.startswith("4096'h") for c in chunks)
    assert int("".join(c[len("4096'h") :] for c in chunks), 16) == value


def test_constant_literal_chunks() -> None:
    assert constant_literal(16, 0x6996) == "16'h6996"
    assert constant_literal(8, 1) == "8'h01"
    wide = constant_literal(4096 + 5, (0b10101 << 4096) | 7)
    assert wide.startswith("{\n    5'h15,\n    4096'h000")
    assert wide.endswith("007\n  }")


def test_unsupported_op_is_a_located_error() -> None:
    module = parse_module(
        "hw.module @f(in %a : i2, out y : i2) {\n  %y = arith.addi %a, %a : i2\n  hw.output %y : i2\n}"
    )
    with pytest.raises(LutoptError, match="cannot emit 'arith.addi' as Verilog") as e:
        emit(module)
    assert e.value.location == "<text>:2:3"


# ----------------------------------------------------------------------------- lint and compile


@needs_verilator
@pytest.mark.parametrize("top", [*RTL_DESIGNS, "lut_top"])
def test_verilator_lint_is_clean(tmp_path: Path, top: str) -> None:
    _, path = write_design(tmp_path, top, RTL_DESIGNS.get(top, LUT))
    proc = subprocess.run(
        ["verilator", "--lint-only", "-Wall", "--top-module", top, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr


@needs_verilator
def test_verilator_lint_sees_a_real_problem(tmp_path: Path) -> None:
    """The lint check can fail: an unused input without its lint_off comment warns."""
    _, path = write_design(tmp_path, "table_top", TABLE)
    text = path.read_text().replace("/* verilator lint_off UNUSEDSIGNAL */", "")
    path.write_text(text)
    proc = subprocess.run(
        ["verilator", "--lint-only", "-Wall", str(path)], capture_output=True, text=True, check=False
    )
    assert proc.returncode != 0 and "UNUSEDSIGNAL" in proc.stderr


@needs_iverilog
@pytest.mark.parametrize("top", [*RTL_DESIGNS, "lut_top"])
def test_iverilog_compiles(tmp_path: Path, top: str) -> None:
    _, path = write_design(tmp_path, top, RTL_DESIGNS.get(top, LUT))
    proc = subprocess.run(
        ["iverilog", "-g2001", "-s", top, "-o", str(tmp_path / "a.vvp"), str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr


# ----------------------------------------------------------------------------- simulation


def test_reading_ports_and_latency() -> None:
    text = (
        "// latency: 3 cycles\nmodule m (\n  input clk,\n  /* c */ input [7:0] a, b,\n"
        "  output reg [0:3] y, // d\n  output z\n);\nendmodule\n// latency: 1 cycles\nmodule n; endmodule\n"
    )
    assert [(p.name, p.direction, p.width) for p in read_ports(text, "m")] == [
        ("clk", "input", 1),
        ("a", "input", 8),
        ("b", "input", 8),
        ("y", "output", 4),
        ("z", "output", 1),
    ]
    assert read_latency(text, "m") == 3
    assert read_latency(text, "n") == 1
    ports = design_ports(text, "m", 2)
    assert ports.clock == "clk" and [p.name for p in ports.inputs] == ["a", "b"]
    with pytest.raises(LutoptError, match="no module 'q'"):
        read_ports(text, "q")


def test_no_simulator_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(LutoptError, match="no Verilog simulator found: install Verilator"):
        choose_simulator("auto")
    with pytest.raises(LutoptError, match="simulator 'iverilog' is not installed"):
        choose_simulator("iverilog")


SIMULATED = [
    pytest.param(top, sim, marks=mark)
    for sim, mark in (("iverilog", needs_iverilog), ("verilator", needs_verilator))
    for top in (["table_top", "comb_top", "pipe_top", "multi_top", "wide_top", "lut_top"] if sim == "iverilog" else ["comb_top"])
]


@pytest.mark.parametrize(("top", "simulator"), SIMULATED)
def test_simulation_matches_the_interpreter(tmp_path: Path, top: str, simulator: str) -> None:
    reference, path = write_design(tmp_path, top, RTL_DESIGNS.get(top, LUT))
    report = check_verilog(reference, str(path), top, num_vectors=2000, simulator=simulator)
    assert report.ok, [vars(m) for m in report.mismatches]
    assert report.simulator == simulator
    expected_vectors = {"wide_top": 2000, "comb_top": 256, "pipe_top": 64, "lut_top": 32}.get(top)
    if expected_vectors:
        assert report.vectors == expected_vectors
    if top == "pipe_top":
        assert report.latency == 2


@needs_iverilog
def test_simulate_verilog_returns_outputs_in_port_order(tmp_path: Path) -> None:
    import numpy as np

    _, path = write_design(tmp_path, "multi_top", MULTI)
    a = np.array([0, 1, 1, 1], dtype=np.uint64)
    b = np.array([0, 0, 1, 1], dtype=np.uint64)
    c = np.array([0, 1, 0, 1], dtype=np.uint64)
    total, carry = simulate_verilog(str(path), "multi_top", [a, b, c], simulator="iverilog")
    assert total.tolist() == [0, 0, 0, 1] and carry.tolist() == [0, 1, 1, 1]


def _flip_one_table_bit(text: str) -> str:
    m = re.search(r"(localparam \[15:0\] \w+ = 16'h)([0-9a-f])", text)
    assert m is not None
    flipped = format(int(m.group(2), 16) ^ 1, "x")
    return text[: m.start(2)] + flipped + text[m.end(2) :]


@pytest.mark.parametrize(
    "simulator",
    [pytest.param("iverilog", marks=needs_iverilog), pytest.param("verilator", marks=needs_verilator)],
)
def test_lutopt_sim_detects_a_flipped_table_bit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], simulator: str
) -> None:
    ref = tmp_path / "lut_top.mlir"
    ref.write_text(LUT)
    _, path = write_design(tmp_path, "lut_top", LUT)
    args = [str(ref), str(path), "--simulator", simulator]
    assert lutopt_sim.main(args) == 0
    assert capsys.readouterr().out.strip() == f"lutopt-sim: 32 vectors, 0 mismatches ({simulator})"
    path.write_text(_flip_one_table_bit(path.read_text()))
    assert lutopt_sim.main(args) == 1
    out = capsys.readouterr().out
    assert re.match(rf"lutopt-sim: 32 vectors, [1-9]\d* mismatches \({simulator}\)", out), out
    assert re.search(r"vector \d+: a=\d+ b=\d+ c=\d+: out\d = \d+, expected \d+", out), out


@needs_iverilog
def test_chunked_column_simulates(tmp_path: Path) -> None:
    """A 2^14-bit column (four 4096-bit literal chunks) reads back every bit."""
    value = random.Random(5).getrandbits(1 << 14)
    path = tmp_path / "column.v"
    path.write_text(emit(column_module(1 << 14, value)))
    assert path.read_text().count("4096'h") == 4
    report = check_verilog(column_module(1 << 14, value), str(path), "column", simulator="iverilog")
    assert report.ok and report.vectors == 1 << 14, [vars(m) for m in report.mismatches]
