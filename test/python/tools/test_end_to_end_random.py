"""Issue 2's acceptance check: random lut-level functions (tables of 1 to 4 operands,
1 to 12 input bits, chains and DAGs) go through the command line
`lutopt IN.mlir -p lower-to-rtl -t verilog -o OUT.v` (and with pipeline-stages=2), and
the Verilog simulated in Icarus equals the table semantics on every input vector (the
functions have at most 16 input bits, so every vector is tried)."""

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from lutopt.testing import random_lut_function

BIN = os.path.dirname(sys.executable)
pytestmark = pytest.mark.skipif(shutil.which("iverilog") is None, reason="iverilog (Icarus Verilog) is not installed")


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([os.path.join(BIN, args[0]), *args[1:]], capture_output=True, text=True)


@pytest.mark.parametrize("stages", [0, 2])
@pytest.mark.parametrize("seed", range(6))
def test_random_function_in_icarus(tmp_path, seed, stages):
    rng = np.random.default_rng(1000 + seed)
    text = random_lut_function(
        rng,
        num_args=4,
        max_width=4,  # at most 16 input bits: the simulation is exhaustive
        num_tables=int(rng.integers(2, 9)),
        max_operands=4,
        max_bits=12,
        chain=seed % 2 == 1,
        num_results=int(rng.integers(1, 4)),
    )
    src = tmp_path / "f.mlir"
    src.write_text(text)
    out = tmp_path / "f.v"
    proc = _run("lutopt", str(src), "-p", f"lower-to-rtl{{pipeline-stages={stages}}}", "-t", "verilog", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    proc = _run("lutopt-sim", str(src), str(out), "--simulator", "iverilog")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert " 0 mismatches" in proc.stdout
    n_vectors = int(proc.stdout.split("lutopt-sim: ")[1].split()[0])
    fn_bits = sum(int(a.split(": i")[1]) for a in text.split("(", 1)[1].split(")")[0].split(", "))
    assert n_vectors == 1 << fn_bits  # every vector


def test_a_wrong_table_bit_is_caught(tmp_path):
    """The check can fail: flip one bit of a table in the Verilog and Icarus disagrees."""
    text = random_lut_function(np.random.default_rng(7), num_args=3, max_width=3, num_tables=3)
    src = tmp_path / "f.mlir"
    src.write_text(text)
    out = tmp_path / "f.v"
    assert _run("lutopt", str(src), "-p", "lower-to-rtl", "-t", "verilog", "-o", str(out)).returncode == 0
    verilog = out.read_text()
    import re

    m = re.search(r"(\d+)'h([0-9A-Fa-f]+);", verilog)
    assert m, verilog
    width, digits = int(m.group(1)), m.group(2)
    flipped = format(int(digits, 16) ^ 1, "X").rjust(len(digits), "0")
    out.write_text(verilog.replace(m.group(0), f"{width}'h{flipped};", 1))
    proc = _run("lutopt-sim", str(src), str(out), "--simulator", "iverilog")
    assert proc.returncode == 1 and "mismatch" in proc.stdout + proc.stderr
