"""CIRCT accepts the rtl IR lutopt prints.

The rtl level is meant to be CIRCT's `hw`/`comb`/`seq` subset, so CIRCT's own parser,
`lower-seq-to-sv` (for the registers) and ExportVerilog must take what lutopt prints; and
the Verilog CIRCT writes for it must simulate like lutopt's reference interpreter.
Skipped (with the reason) when the `circt` Python bindings are not installed.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from lutopt.lowering.pipelines.lower_to_rtl import LowerToRtl
from lutopt.sim.parsing import make_context, parse_module
from xdsl.dialects.builtin import ModuleOp
from xdsl.printer import Printer

circt = pytest.importorskip("circt", reason="the CIRCT Python bindings are not installed (pip install circt)")

LUT = """
func.func @neuron(%a: i2, %b: i2, %c: i1) -> (i2, i1) {
  %y = lut.table(%a, %b) [0, 1, 3, 2, 0, 0, 1, 1, 2, 2, 3, 3, 1, 0, 0, 1] : (i2, i2) -> i2
  %z = lut.table(%y, %c) [0, 1, 1, 0, 1, 0, 0, 1] : (i2, i1) -> i1
  func.return %y, %z : i2, i1
}
"""

# Hand-written rtl with every op of the subset the printer and the lowering use.
RTL = """
hw.module @half(in %a : i1, in %b : i1, out c : i1, out s : i1) {
  %c = comb.and %a, %b : i1
  %s = comb.xor %a, %b : i1
  hw.output %c, %s : i1, i1
}
hw.module @ops(in %clk : !seq.clock, in %a : i4, in %b : i4, out y : i4, out z : i1, out w : i2) attributes {lutopt.latency = 1 : i64} {
  %col = hw.constant 0x6996 : i16
  %arr = hw.bitcast %col : (i16) -> !hw.array<16xi1>
  %idx = comb.concat %a : i4
  %bit = hw.array_get %arr[%idx] : !hw.array<16xi1>, i4
  %sum = comb.add %a, %b : i4
  %dif = comb.sub %a, %b : i4
  %prd = comb.mul %a, %b : i4
  %sh = comb.shru %a, %b : i4
  %lt = comb.icmp ult %a, %b : i4
  %m = comb.mux %lt, %sum, %dif : i4
  %x = comb.xor %m, %prd, %sh : i4
  %two = comb.extract %x from 1 : (i4) -> i2
  %rep = comb.replicate %bit : (i1) -> i2
  %o = comb.or %two, %rep : i2
  %c1, %s1 = hw.instance "h" @half(a: %bit : i1, b: %lt : i1) -> (c: i1, s: i1)
  %zz = comb.and %c1, %s1 : i1
  %ry = seq.compreg %x, %clk : i4
  %rz = seq.compreg %zz, %clk : i1
  %rw = seq.compreg %o, %clk : i2
  hw.output %ry, %rz, %rw : i4, i1, i2
}
"""


def printed(module: ModuleOp) -> str:
    out = io.StringIO()
    Printer(stream=out).print_op(module)
    return out.getvalue()


def export_with_circt(text: str) -> str:
    """Parses `text` with CIRCT, lowers registers to sv, and exports Verilog."""
    from circt.ir import Context, Module
    from circt.passmanager import PassManager

    with Context() as ctx:
        circt.register_dialects(ctx)
        module = Module.parse(text)
        if "seq.compreg" in text:
            PassManager.parse("builtin.module(lower-seq-to-sv)").run(module.operation)
        out = io.StringIO()
        circt.export_verilog(module, out)
        return out.getvalue()


def lowered(stages: int) -> ModuleOp:
    module = parse_module(LUT)
    LowerToRtl(pipeline_stages=stages).apply(make_context(), module)
    return module


@pytest.mark.parametrize("stages", [0, 2])
def test_circt_exports_the_lowered_rtl(stages: int) -> None:
    verilog = export_with_circt(printed(lowered(stages)))
    assert re.search(r"module neuron\(", verilog)
    if stages:
        assert "always_ff @(posedge clk)" in verilog
        assert re.search(r"input\s+clk", verilog)


def test_circt_exports_hand_written_rtl() -> None:
    verilog = export_with_circt(printed(parse_module(RTL)))
    assert re.search(r"module ops\(", verilog) and re.search(r"module half\(", verilog)


def test_circt_exports_a_wide_column() -> None:
    """A 2^12-bit column prints as a long decimal constant that CIRCT must parse."""
    bits = 1 << 12
    value = int.from_bytes(bytes(range(256)) * (bits // 8 // 256), "little")
    signless = value - (1 << bits) if value >> (bits - 1) else value
    text = (
        f"hw.module @col(in %i : i12, out y : i1) {{\n"
        f"  %c = hw.constant {signless} : i{bits}\n"
        f"  %t = hw.bitcast %c : (i{bits}) -> !hw.array<{bits}xi1>\n"
        f"  %y = hw.array_get %t[%i] : !hw.array<{bits}xi1>, i12\n"
        f"  hw.output %y : i1\n}}\n"
    )
    verilog = export_with_circt(printed(parse_module(text)))
    assert "module col(" in verilog


@pytest.mark.skipif(shutil.which("verilator") is None, reason="verilator is not installed (apt-get install verilator)")
def test_circt_verilog_simulates_like_the_interpreter(tmp_path: Path) -> None:
    """CIRCT's Verilog of the pipelined lowering, run by lutopt-sim against the lut level."""
    from lutopt.sim.verilog_sim import check_verilog

    path = tmp_path / "neuron.v"
    path.write_text(export_with_circt(printed(lowered(2))))
    report = check_verilog(parse_module(LUT), str(path), "neuron", simulator="verilator", latency=2)
    assert report.ok and report.vectors == 32, [vars(m) for m in report.mismatches]
