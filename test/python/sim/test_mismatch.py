"""One counterexample record (`lutopt.sim.mismatch.Mismatch`) for both checks: the
pass-by-pass check (`compare_functions`, `check_pass`) and the Verilog check
(`check_verilog`, which `lutopt-sim` prints)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lutopt.sim import parse_module
from lutopt.sim.check import compare_functions
from lutopt.sim.mismatch import Mismatch

ADD = """
hw.module @add(in %a : i2, in %b : i2, out sum : i2) {
  %s = comb.add %a, %b : i2
  hw.output %s : i2
}
"""

# The same ports, but `sum` is a - b: it differs from a + b first at a=0, b=1 (vector 1).
SUB_VERILOG = """module add(input [1:0] a, input [1:0] b, output [1:0] sum);
  assign sum = a - b;
endmodule
"""


def test_compare_functions_names_the_vector_and_the_output() -> None:
    m = compare_functions(parse_module(ADD), parse_module(ADD.replace("comb.add", "comb.sub")), "add")
    assert isinstance(m, Mismatch)
    assert (m.name, m.vector, m.inputs, m.output, m.output_name) == ("add", 1, [("a", 0), ("b", 1)], 0, "sum")
    assert (m.before, m.after) == (1, 3)
    assert m.describe() == "for inputs a=0, b=1 output #0 is 1 before and 3 after"


@pytest.mark.skipif(shutil.which("iverilog") is None, reason="iverilog not installed")
def test_check_verilog_reports_the_same_record(tmp_path: Path) -> None:
    from lutopt.sim.verilog_sim import check_verilog

    v = tmp_path / "add.v"
    v.write_text(SUB_VERILOG)
    report = check_verilog(parse_module(ADD), str(v), "add", simulator="iverilog", max_reported=16)
    assert report.mismatching_vectors == 8  # a - b == a + b (mod 4) only when b is 0 or 2
    first = report.mismatches[0]
    assert isinstance(first, Mismatch)
    assert (first.name, first.vector, first.inputs, first.output, first.output_name) == (
        "add", 1, [("a", 0), ("b", 1)], 0, "sum")
    assert (first.before, first.after) == (1, 3)
    assert first.describe("in the IR", "in the Verilog") == (
        "for inputs a=0, b=1 output #0 is 1 in the IR and 3 in the Verilog")
