"""examples/digits end to end: the bundled torch-mlir file through nn-to-lut gives PyTorch's
output codes on every test input (lut-level interpreter), and run.py's Verilog does too in
simulation. Neither needs torch: the bundle holds PyTorch's codes."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import lutopt
import numpy as np
import pytest
from lutopt.nn.codes import bits_to_codes, codes_to_bits
from repo_paths import REPO

EXAMPLE = REPO / "examples" / "digits"


def test_lut_level_equals_pytorch_on_the_test_set():
    from lutopt.sim import evaluate

    data = np.load(EXAMPLE / "testset.npz")
    x = data["input_codes"].astype(np.int64)
    expect = data["output_codes"].astype(np.int64)
    ctx = lutopt.make_context()
    module = lutopt.parse_module((EXAMPLE / "model.mlir").read_text(), "model.mlir", ctx)
    lutopt.run_passes(module, "nn-to-lut", ctx)
    tables = [op for op in module.walk() if op.name == "lut.table"]
    assert tables and all(sum(o.type.width.data for o in t.operands) <= 12 for t in tables)
    outs = evaluate(module, "digits", [codes_to_bits(x[:, i], 2) for i in range(x.shape[1])])
    got = np.stack([bits_to_codes(o, 4, True) for o in outs], axis=1)
    assert got.shape == expect.shape
    mismatched = np.flatnonzero((got != expect).any(1))
    assert len(mismatched) == 0, f"inputs {mismatched[:10].tolist()} differ from PyTorch"
    assert (got.argmax(1) == data["labels"]).mean() > 0.9


def test_run_script_hardware_equals_pytorch(tmp_path, capsys):
    # Whole tables (no K-LUT covering: that is tested on its own, and takes minutes here),
    # simulated with Icarus when it is installed (Verilator takes ~40 s to build this design).
    if shutil.which("iverilog") and shutil.which("vvp"):
        simulator = "iverilog"
    elif shutil.which("verilator"):
        simulator = "verilator"
    else:
        pytest.skip("no Verilog simulator (apt-get install iverilog or verilator)")
    spec = importlib.util.spec_from_file_location("digits_run", EXAMPLE / "run.py")
    run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run)
    status = run.main(["--build", str(tmp_path), "--lut-size", "0", "--simulator", simulator])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "output codes equal on 360/360 test inputs" in out
    hw = [line for line in out.splitlines() if "hardware accuracy" in line][-1].split()[-1]
    pt = [line for line in out.splitlines() if "PyTorch accuracy" in line][-1].split()[-1]
    assert hw == pt
