"""Issue 4's acceptance check at the Verilog level: models written by hand in plain
PyTorch (masks multiplied into weights; index_select gathers with per-partition einsum
weights and a skip connection) go through the command line
`lutopt MODEL.mlir -p lower-to-rtl -t verilog -o MODEL.v`, and the Verilog simulated in
Icarus gives PyTorch's output codes on every input code combination."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="torch is not installed (pip install torch==2.13.0)")
fx = pytest.importorskip("torch_mlir.fx", reason="torch-mlir is not installed (pip install torch-mlir)")
if shutil.which("iverilog") is None:
    pytest.skip("iverilog (Icarus Verilog) is not installed", allow_module_level=True)

from torch_models import Gathered, Masked  # noqa: E402  (the hand-written models)

from lutopt.sim.verilog_sim import simulate_verilog  # noqa: E402

LUTOPT = os.path.join(os.path.dirname(sys.executable), "lutopt")


def pytorch_codes(model, codes, s_in, s_out, w_out):
    with torch.no_grad():
        y = model(torch.tensor(codes, dtype=torch.float32) * s_in).numpy()
    return (np.rint(y / np.float32(s_out)).astype(np.int64) & ((1 << w_out) - 1)).astype(np.uint64)


@pytest.mark.parametrize(
    "make, n_in, s_in, lo, hi, w_in, s_out, w_out",
    [
        (lambda: Masked(), 4, 0.25, -4, 3, 3, 0.25, 3),
        (lambda: Gathered(), 5, 0.5, -2, 1, 2, 0.25, 3),
    ],
    ids=["masked", "gathered"],
)
@pytest.mark.parametrize("passes", ["lower-to-rtl", "lower-to-rtl{lut-size=6 pipeline-stages=1}"])
def test_hand_written_model_in_icarus(tmp_path, make, n_in, s_in, lo, hi, w_in, s_out, w_out, passes):
    torch.manual_seed(0)
    model = make().eval()
    src = tmp_path / "model.mlir"
    src.write_text(str(fx.export_and_import(model, torch.zeros(1, n_in), output_type="linalg-on-tensors")))
    out = tmp_path / "model.v"
    proc = subprocess.run([LUTOPT, str(src), "-p", passes, "-t", "verilog", "-o", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    codes = np.array(list(itertools.product(range(lo, hi + 1), repeat=n_in)), dtype=np.int64)
    ins = [(codes[:, i] & ((1 << w_in) - 1)).astype(np.uint64) for i in range(n_in)]
    got = np.stack(simulate_verilog(str(out), "main", ins, simulator="iverilog"), axis=1).astype(np.uint64)
    want = pytorch_codes(model, codes, s_in, s_out, w_out)
    bad = np.argwhere(got != want)
    assert len(bad) == 0, f"{len(bad)} of {want.size} codes differ, first at input {codes[bad[0][0]]}"
