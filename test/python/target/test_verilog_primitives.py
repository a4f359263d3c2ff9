"""Xilinx LUT primitives (`-t verilog{primitives=xilinx}`) checked by simulation with a
small behavioural model of the primitives: INIT bit i = f(I5..I0 = i)."""

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from lutopt.api import parse_module, run_passes
from lutopt.sim.check import random_or_exhaustive_vectors
from lutopt.sim import evaluate
from lutopt.sim.verilog_sim import simulate_verilog
from repo_paths import REPO

pytestmark = pytest.mark.skipif(shutil.which("iverilog") is None, reason="iverilog (Icarus Verilog) is not installed")

BIN = os.path.dirname(sys.executable)
EXAMPLE = str(REPO / "examples" / "lut" / "tiny_net.mlir")


def primitive_models() -> str:
    """LUT1..LUT6 as the vendor documents them, written independently of lutopt's printer."""
    mods = []
    for k in range(1, 7):
        ins = ", ".join(f"input I{j}" for j in range(k))
        index = "{" + ", ".join(f"I{j}" for j in reversed(range(k))) + "}"
        mods.append(
            f"module LUT{k} #(parameter [{(1 << k) - 1}:0] INIT = 0) (output O, {ins});\n"
            f"  assign O = INIT[{index}];\nendmodule\n"
        )
    return "\n".join(mods)


@pytest.mark.parametrize("k", [3, 4, 6])
def test_mapped_network_as_primitives(tmp_path, k):
    out = tmp_path / "net.v"
    proc = subprocess.run(
        [os.path.join(BIN, "lutopt"), EXAMPLE, "-p", f"lower-to-rtl{{lut-size={k} effort=0}}",
         "-t", "verilog{primitives=xilinx}", "-o", str(out)],
        capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stderr
    text = out.read_text()
    assert text.count(f"LUT{k} #") > 0
    lib = tmp_path / "unisims.v"
    lib.write_text(primitive_models())
    with open(EXAMPLE) as f:
        module = parse_module(f.read(), EXAMPLE)
    ins = random_or_exhaustive_vectors([2] * 8, 4096, 0)
    want = evaluate(module, "tiny_net", ins)
    got = simulate_verilog([str(out), str(lib)], "tiny_net", ins, simulator="iverilog")
    for w, g in zip(want, got):
        assert np.array_equal(np.asarray(w, dtype=np.uint64), np.asarray(g, dtype=np.uint64))


def test_a_wrong_init_is_caught(tmp_path):
    """The model is strict: an INIT with one bit flipped changes the simulated outputs."""
    module = parse_module(open(EXAMPLE).read(), EXAMPLE)
    run_passes(module, "lower-to-rtl{lut-size=6 effort=0}")
    from lutopt.api import emit

    text = emit(module, "verilog")
    assert "LUT" not in text  # the default prints constants, not primitives
    out = tmp_path / "net.v"
    subprocess.run([os.path.join(BIN, "lutopt"), EXAMPLE, "-p", "lower-to-rtl{lut-size=6 effort=0}",
                    "-t", "verilog{primitives=xilinx}", "-o", str(out)], check=True)
    v = out.read_text()
    i = v.index("64'h") + 4
    digit = v[i]
    v = v[:i] + format(int(digit, 16) ^ 1, "X") + v[i + 1:]
    out.write_text(v)
    lib = tmp_path / "unisims.v"
    lib.write_text(primitive_models())
    ins = random_or_exhaustive_vectors([2] * 8, 4096, 0)
    want = evaluate(parse_module(open(EXAMPLE).read(), EXAMPLE), "tiny_net", ins)
    got = simulate_verilog([str(out), str(lib)], "tiny_net", ins, simulator="iverilog")
    assert any(not np.array_equal(np.asarray(w, dtype=np.uint64), np.asarray(g, dtype=np.uint64)) for w, g in zip(want, got))
