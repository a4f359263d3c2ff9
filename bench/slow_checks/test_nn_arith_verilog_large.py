"""Run on request (no simulator time limit: Verilator's C++ build of the 64x16 layer took
over 600 s on a loaded machine; Icarus takes about 10 minutes for 100 vectors of it):

    .venv/bin/pytest -q -rs bench/slow_checks/test_nn_arith_verilog_large.py

Issue 11's acceptance check at the Verilog level: models with layers too wide for a table
go through `lutopt MODEL.mlir -p 'lower-to-rtl{lut-size=6}' -t verilog`, and the Verilog,
simulated in Verilator (Icarus when Verilator is missing, with fewer vectors), gives
PyTorch's codes on random and edge inputs; with `multiplier=mitch-w6` it gives the codes of
the PyTorch emulation of Mitch-w6 products (`lutopt.nn.approx`)."""

from __future__ import annotations

import os
import shutil
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="torch is not installed (pip install torch==2.13.0)")
pytest.importorskip("torch_mlir.fx", reason="torch-mlir is not installed (pip install torch-mlir)")
if shutil.which("verilator"):
    SIMULATOR, VECTORS = "verilator", 3000
elif shutil.which("iverilog"):
    SIMULATOR, VECTORS = "iverilog", 100
else:
    pytest.skip("no Verilog simulator (verilator or iverilog) is installed", allow_module_level=True)

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "test", "python", "nn"))
from models_arith import (  # noqa: E402
    Dense,
    Mixed,
    check,
    compile_verilog,
    mitch_w_codes,
    pytorch_codes,
    sample_codes,
    simulate,
)


def test_dense_64x16_verilog_equals_pytorch(tmp_path):
    # 64 inputs of 8-bit codes, 16 outputs, integer weights, ReLU, 4-bit output codes.
    model = Dense(wmax=3).eval()
    path, err = compile_verilog(tmp_path, model, 64, "lower-to-rtl{lut-size=6}")
    assert "16 element(s) of this quantizer as integer arithmetic" in err
    codes = sample_codes(64, 0, 255, VECTORS)
    want = pytorch_codes(model, codes, model.s_in, model.s_out, 4)
    assert len(np.unique(want)) > 8
    check(simulate(path, codes, 8, SIMULATOR, timeout=None), want, codes)


def test_dense_64x16_mitch_w6_verilog_equals_the_emulation(tmp_path):
    model = Dense(wmax=3).eval()
    path, err = compile_verilog(tmp_path, model, 64, "lower-to-rtl{lut-size=6 multiplier=mitch-w6}")
    assert "multiplier=mitch-w6" in err
    codes = sample_codes(64, 0, 255, VECTORS, seed=1)
    want = mitch_w_codes(model, codes)
    check(simulate(path, codes, 8, SIMULATOR, timeout=None), want, codes)
    assert np.any(pytorch_codes(model, codes, model.s_in, model.s_out, 4) != want)


def test_mixed_model_verilog_equals_pytorch(tmp_path):
    model = Mixed().eval()
    path, err = compile_verilog(tmp_path, model, 48, "lower-to-rtl{lut-size=6}")
    assert "8 element(s)" in err and "2 element(s)" in err
    codes = sample_codes(48, -8, 7, VECTORS, seed=4)
    want = pytorch_codes(model, codes, 0.25, [0.25] * 4 + [0.5] * 2, [3] * 4 + [4] * 2)
    check(simulate(path, codes, 4, SIMULATOR, timeout=None), want, codes)
