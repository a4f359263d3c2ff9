"""`lutopt-sim MODEL.mlir MODEL.v` on the nn-level model, as the README shows it.

The reference is torch-mlir's output (tensors of floats); lutopt-sim lowers it to codes
with nn-to-lut itself and compares the Verilog (Icarus) with the lut-level interpreter on
every input code combination. A flipped table bit in the Verilog is reported.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

torch = pytest.importorskip("torch", reason="torch is not installed (pip install torch==2.13.0)")
fx = pytest.importorskip("torch_mlir.fx", reason="torch-mlir is not installed (pip install torch-mlir)")
if shutil.which("iverilog") is None:
    pytest.skip("iverilog (Icarus Verilog) is not installed", allow_module_level=True)

BIN = os.path.dirname(sys.executable)


class Small(torch.nn.Module):
    def __init__(self):
        super().__init__()
        g = torch.Generator().manual_seed(3)
        self.w = torch.randn(3, 4, generator=g) * (torch.rand(3, 4, generator=g) < 0.6)
        self.b = torch.randn(3, generator=g) * 0.3

    def forward(self, x):
        x = torch.clamp(torch.round(x / 0.5), -2, 1) * 0.5
        return torch.clamp(torch.round((x @ self.w.T + self.b) / 0.1), 0, 7) * 0.1


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([os.path.join(BIN, args[0]), *args[1:]], capture_output=True, text=True)


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    d = tmp_path_factory.mktemp("simnn")
    src = d / "model.mlir"
    src.write_text(str(fx.export_and_import(Small(), torch.zeros(1, 4), output_type="linalg-on-tensors")))
    out = d / "model.v"
    proc = _run("lutopt", str(src), "-p", "lower-to-rtl{lut-size=6 pipeline-stages=2}", "-t", "verilog", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    return src, out


def test_lutopt_sim_takes_the_nn_level_model(compiled):
    src, out = compiled
    proc = _run("lutopt-sim", str(src), str(out), "--simulator", "iverilog")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert " 0 mismatches" in proc.stdout
    assert int(proc.stdout.split("lutopt-sim: ")[1].split()[0]) == 4**4  # every input code vector


def test_lutopt_sim_nn_level_catches_a_wrong_bit(compiled, tmp_path):
    src, out = compiled
    verilog = out.read_text()
    m = re.search(r"(\d+)'h([0-9A-Fa-f]+);", verilog)
    assert m, verilog
    width, digits = int(m.group(1)), m.group(2)
    flipped = format(int(digits, 16) ^ 1, "X").rjust(len(digits), "0")
    bad = tmp_path / "bad.v"
    bad.write_text(verilog.replace(m.group(0), f"{width}'h{flipped};", 1))
    proc = _run("lutopt-sim", str(src), str(bad), "--simulator", "iverilog")
    assert proc.returncode == 1 and "mismatch" in proc.stdout + proc.stderr, proc.stdout + proc.stderr
