"""Pass-by-pass equivalence checking (lutopt.sim.check)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from lutopt.diagnostics import LutoptError
from lutopt.sim import check_pass, evaluate, parse_module, random_or_exhaustive_vectors
from lutopt.sim.check import compare_functions

LUT_F = """
func.func @f(%a: i2, %b: i3) -> (i2, i1) {
  %y = lut.table(%a, %b) "0x0001020300010203010203000102030002030001020300010300010203000102" : (i2, i3) -> i2
  %c = arith.constant 1 : i2
  %z = lut.table(%y, %c) [0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 0, 0, 1, 1] : (i2, i2) -> i1
  func.return %y, %z : i2, i1
}
"""


def test_exhaustive_vectors_enumerate_in_table_order() -> None:
    a, b = random_or_exhaustive_vectors([2, 3])
    assert len(a) == 32
    assert [(int(x) << 3) | int(y) for x, y in zip(a, b)] == list(range(32))
    (only,) = random_or_exhaustive_vectors([16])
    assert len(only) == 65536


def test_random_vectors_are_seeded_and_in_range() -> None:
    v1 = random_or_exhaustive_vectors([9, 8, 64], num_vectors=1000, seed=5)
    v2 = random_or_exhaustive_vectors([9, 8, 64], num_vectors=1000, seed=5)
    v3 = random_or_exhaustive_vectors([9, 8, 64], num_vectors=1000, seed=6)
    assert all(np.array_equal(x, y) for x, y in zip(v1, v2))
    assert not all(np.array_equal(x, y) for x, y in zip(v1, v3))
    for col, w in zip(v1, [9, 8, 64]):
        assert col.dtype == np.uint64 and len(col) == 1000
        assert int(col.max()) < (1 << w)
        assert int(col[0]) == 0 and int(col[1]) == (1 << w) - 1  # the corners come first
    assert len(set(v1[2].tolist())) > 990


def test_identity_change_passes() -> None:
    before = parse_module(LUT_F)
    check_pass(before, before.clone(), "identity")


def test_broken_after_gives_a_counterexample() -> None:
    before = parse_module(LUT_F)
    # Entry 13 (a=1, b=5) of the first table changed from 2 to 3.
    broken = LUT_F.replace("0x00010203000102030102030001020300", "0x00010203000102030102030001030300")
    after = parse_module(broken, name="after.mlir")
    with pytest.raises(LutoptError) as info:
        check_pass(before, after, "break-it")
    msg = info.value.message
    assert msg == (
        "pass 'break-it' changed the function of @f: "
        "for inputs a=1, b=5 output #0 is 2 before and 3 after"
    )
    assert info.value.location == "after.mlir:2:1"
    # The counterexample is real.
    one = [np.array([1], np.uint64), np.array([5], np.uint64)]
    assert evaluate(before, "f", one)[0][0] == 2 and evaluate(after, "f", one)[0][0] == 3


def test_random_vectors_find_a_difference_in_a_wide_function() -> None:
    text = """
    hw.module @w(in %a : i32, in %b : i32, out y : i32) {
      %y = comb.add %a, %b : i32
      hw.output %y : i32
    }"""
    before = parse_module(text)
    check_pass(before, parse_module(text.replace("comb.add %a, %b", "comb.add %b, %a")), "commute")
    after = parse_module(text.replace("comb.add", "comb.xor"))
    with pytest.raises(LutoptError, match=r"pass 'p' changed the function of @w: for inputs a=\d+, b=\d+ output #0 is \d+ before and \d+ after"):
        check_pass(before, after, "p", num_vectors=64, seed=3)


def test_removed_function_and_changed_signature() -> None:
    before = parse_module(LUT_F + "func.func private @helper(%x: i1) -> i1 {\n  func.return %x : i1\n}\n")
    # A private function may disappear (inlined); a public one may not.
    check_pass(before, parse_module(LUT_F), "inline")
    with pytest.raises(LutoptError, match="pass 'drop' removed @f"):
        check_pass(before, parse_module("func.func @g() {\n  func.return\n}\n"), "drop")
    narrower = LUT_F.replace("%b: i3", "%b: i2").replace(": (i2, i3) -> i2", ": (i2, i2) -> i2")
    narrower = narrower.replace(
        '"0x0001020300010203010203000102030002030001020300010300010203000102"',
        "[0, 1, 2, 3, 0, 1, 2, 3, 1, 2, 3, 0, 1, 2, 3, 0]",
    )
    with pytest.raises(LutoptError, match=r"pass 'narrow' changed the signature of @f from \(i2, i3\) -> \(i2, i1\) to \(i2, i2\) -> \(i2, i1\)"):
        check_pass(before, parse_module(narrower), "narrow")


# A lut-level function and hand-written rtl versions of it: y = a + b (mod 16).
ADD_LUT = "func.func @add(%a: i4, %b: i4) -> i4 {\n  %y = lut.table(%a, %b) " + (
    '"0x' + bytes(((a + b) % 16) for a in range(16) for b in range(16)).hex() + '"'
) + " : (i4, i4) -> i4\n  func.return %y : i4\n}\n"

ADD_PIPELINED = """
hw.module @add(in %clk : !seq.clock, in %a : i4, in %b : i4, out y : i4) attributes {lutopt.latency = 2 : i64} {
  %ra = seq.compreg %a, %clk : i4
  %rb = seq.compreg %b, %clk : i4
  %s = comb.add %ra, %rb : i4
  %y = seq.compreg %s, %clk : i4
  hw.output %y : i4
}
"""


def test_pipelined_after_is_checked_cycle_by_cycle() -> None:
    before = parse_module(ADD_LUT)
    check_pass(before, parse_module(ADD_PIPELINED), "pipeline")
    # And the other way round (a pipelined `before`).
    check_pass(parse_module(ADD_PIPELINED), before, "unpipeline")


def test_wrong_latency_is_caught() -> None:
    before = parse_module(ADD_LUT)
    after = parse_module(ADD_PIPELINED.replace("lutopt.latency = 2", "lutopt.latency = 1"))
    with pytest.raises(LutoptError, match="pass 'pipeline' changed the function of @add"):
        check_pass(before, after, "pipeline")


def test_misaligned_pipeline_is_caught() -> None:
    """`b` crosses one register fewer than `a`: with inputs held constant it would look
    right, but on a random stream the sum mixes two different cycles."""
    before = parse_module(ADD_LUT)
    skewed = ADD_PIPELINED.replace("%s = comb.add %ra, %rb", "%s = comb.add %ra, %b")
    with pytest.raises(LutoptError, match="pass 'pipeline' changed the function of @add"):
        check_pass(before, parse_module(skewed), "pipeline")


def test_unsimulable_function_is_reported_not_passed() -> None:
    before = parse_module(
        """
        hw.module @d(in %a : i4, in %b : i4, out y : i4) {
          %y = arith.ceildivui %a, %b : i4
          hw.output %y : i4
        }"""
    )
    warnings: list[str] = []
    check_pass(before, before.clone(), "noop", warn=warnings.append)
    assert warnings == ["pass 'noop' not checked on @d: cannot simulate 'arith.ceildivui'"]


def test_compare_functions_returns_the_mismatch() -> None:
    before = parse_module(ADD_LUT)
    assert compare_functions(before, parse_module(ADD_PIPELINED), "add") is None
    bad = parse_module(ADD_PIPELINED.replace("comb.add", "comb.sub"))
    m = compare_functions(before, bad, "add")
    assert m is not None and m.output == 0
    a, b = (v for _, v in m.inputs)
    assert m.before == (a + b) % 16 and m.after == (a - b) % 16


# --------------------------------------------------------------------- the driver


def _lutopt() -> list[str]:
    """The installed driver, or (lutopt importable but its script not installed) its entry point."""
    exe = Path(sys.executable).with_name("lutopt")
    if exe.exists():
        return [str(exe)]
    return [sys.executable, "-c", "import sys; from lutopt.tools.lutopt_opt import main; sys.exit(main())"]


def _run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _lutopt() + args, capture_output=True, text=True, cwd=tmp_path, timeout=120, env=dict(os.environ), check=False
    )


@pytest.mark.parametrize("passes", ["lower-to-rtl", "lower-to-rtl{pipeline-stages=2}"])
def test_driver_check_passes_on_lowering(passes: str, tmp_path: Path) -> None:
    src = tmp_path / "f.mlir"
    src.write_text(LUT_F + ADD_LUT)
    out = tmp_path / "out.mlir"
    r = _run([str(src), "--check-passes", "-p", passes, "-o", str(out)], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "warning" not in r.stderr
    text = out.read_text()
    assert "hw.module @f" in text and "hw.module @add" in text
    # The output, read back, still computes the input's functions.
    check_pass(parse_module(LUT_F + ADD_LUT), parse_module(text), "round-trip")


def test_driver_check_passes_catches_a_broken_pass(tmp_path: Path) -> None:
    """A user pass (loaded with --load) that breaks every table is stopped by --check-passes."""
    plugin = tmp_path / "breaker.py"
    plugin.write_text(
        "from dataclasses import dataclass\n"
        "from xdsl.passes import ModulePass\n"
        "from lutopt.dialects.lut import TableOp, dense_table_attr\n"
        "from lutopt.registry import register_pass\n"
        "\n"
        "@register_pass\n"
        "@dataclass(frozen=True)\n"
        "class Breaker(ModulePass):\n"
        "    name = 'break-tables'\n"
        "    def apply(self, ctx, op):\n"
        "        for t in op.walk():\n"
        "            if isinstance(t, TableOp):\n"
        "                v = t.values().copy()\n"
        "                v[-1] ^= 1\n"
        "                t.properties['table'] = dense_table_attr(v, t.out_width)\n"
    )
    src = tmp_path / "f.mlir"
    src.write_text(ADD_LUT)
    out = tmp_path / "out.mlir"
    r = _run(["--load", str(plugin), str(src), "--check-passes", "-p", "break-tables", "-o", str(out)], tmp_path)
    assert r.returncode == 1
    assert re.search(
        r"f\.mlir:1:1: error: pass 'break-tables' changed the function of @add: "
        r"for inputs a=15, b=15 output #0 is 14 before and 15 after",
        r.stderr,
    ), r.stderr
    assert "Traceback" not in r.stderr
    assert not out.exists()
    # Without --check-passes the broken pass goes through.
    assert _run(["--load", str(plugin), str(src), "-p", "break-tables"], tmp_path).returncode == 0
