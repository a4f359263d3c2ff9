"""`lutopt-sim --evaluator`: a mapped-LUT reference (random tables through
`lower-to-luts{lut-size=4}`) checked against its Verilog (Icarus) with the reference
evaluated by the compiled code (numba, the default, and C) and by the NumPy interpreter;
all pass on the right Verilog and all report a flipped table bit."""

from __future__ import annotations

import re
import shutil

import numpy as np
import pytest

from lutopt.api import emit, parse_module, run_passes
from lutopt.interpreters import _compiled_c
from lutopt.sim.verilog_sim import check_verilog
from lutopt.testing import random_lut_function
from lutopt.tools import lutopt_sim

if shutil.which("iverilog") is None:
    pytest.skip("iverilog (Icarus Verilog) is not installed", allow_module_level=True)

EVALUATORS = [
    "numba",
    pytest.param("c", marks=pytest.mark.skipif(_compiled_c.find_compiler() is None, reason="no C compiler (cc, gcc or clang) found")),
    "numpy",
]


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("LUTOPT_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "bitsim-cache"))


def mapped_reference(tmp_path):
    text = random_lut_function(np.random.default_rng(4), name="top", num_args=3, num_tables=5, max_bits=8,
                               max_width=3, num_results=2)
    module = parse_module(text)
    run_passes(module, "lower-to-luts{lut-size=4}")
    assert {op.name for op in module.walk()} & {"lut.table"}
    ref = tmp_path / "top.mlir"
    ref.write_text(emit(module))
    rtl = parse_module(ref.read_text())
    run_passes(rtl, "lower-to-rtl{lut-size=4}")
    design = tmp_path / "top.v"
    design.write_text(emit(rtl, "verilog"))
    return ref, design


@pytest.mark.parametrize("evaluator", EVALUATORS)
def test_evaluators_pass_and_find_a_flipped_bit(tmp_path, capsys, evaluator):
    ref, design = mapped_reference(tmp_path)
    report = check_verilog(parse_module(ref.read_text()), str(design), simulator="iverilog", evaluator=evaluator)
    assert report.ok and report.evaluator == evaluator, report.summary()
    args = [str(ref), str(design), "--simulator", "iverilog", "--evaluator", evaluator]
    assert lutopt_sim.main(args) == 0
    assert re.fullmatch(r"lutopt-sim: \d+ vectors, 0 mismatches \(iverilog\)", capsys.readouterr().out.strip())
    text = design.read_text()
    m = re.search(r"(\d+'h)([0-9a-fA-F])", text)
    assert m is not None, "no hex table constant in the Verilog"
    design.write_text(text[: m.start(2)] + format(int(m.group(2), 16) ^ 1, "x") + text[m.end(2):])
    assert lutopt_sim.main(args) == 1
    assert re.search(r"[1-9]\d* mismatches", capsys.readouterr().out)
