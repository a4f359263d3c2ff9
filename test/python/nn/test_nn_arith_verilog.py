"""Issue 11's acceptance check at the Verilog level, small enough for the default run: a
24x4 layer with `multiplier=mitch-w6` goes through `lutopt MODEL.mlir -p 'lower-to-rtl{...}'
-t verilog`, and the Verilog simulated in Icarus gives the codes of the PyTorch emulation
of Mitch-w6 products (`lutopt.nn.approx`). The 64x16 dense layer and the mixed model are
checked by bench/slow_checks/test_nn_arith_verilog_large.py (in Verilator when it is
installed: Icarus takes about 10 minutes for 100 vectors of the 64x16 layer); at the
gate level they are checked in test_nn_arith.py."""

from __future__ import annotations

import os
import shutil
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="torch is not installed (pip install torch==2.13.0)")
pytest.importorskip("torch_mlir.fx", reason="torch-mlir is not installed (pip install torch-mlir)")
if shutil.which("iverilog") is None:
    pytest.skip("iverilog (Icarus Verilog) is not installed", allow_module_level=True)

sys.path.insert(0, os.path.dirname(__file__))
from models_arith import Dense, check, compile_verilog, mitch_w_codes, pytorch_codes, sample_codes, simulate  # noqa: E402


def test_mitch_w6_verilog_equals_the_pytorch_emulation(tmp_path):
    model = Dense(n_in=24, n_out=4, wmax=7, seed=2).eval()
    path, err = compile_verilog(tmp_path, model, 24, "lower-to-rtl{lut-size=6 multiplier=mitch-w6}")
    assert "multiplier=mitch-w6" in err
    codes = sample_codes(24, 0, 255, 400, seed=5)
    want = mitch_w_codes(model, codes)
    got = simulate(path, codes, 8)
    check(got, want, codes)
    # The approximation is visible: exact products give other codes somewhere.
    exact = pytorch_codes(model, codes, model.s_in, model.s_out, 4)
    assert np.any(exact != want)
