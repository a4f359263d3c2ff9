"""nn-logic-to-gate on logic-gate networks written in plain PyTorch (issue 10, forms (a)-(e)
and mixes): exported with torch-mlir, compiled, and evaluated on thermometer codes, equal
to PyTorch's outputs (bits, GroupSum counts, argmax) on every input tried.

The reference is PyTorch; lutopt's side is the lutopt interpreter on the function after
`nn-to-lut` and after `lower-to-luts{lut-size=6}` (gate netlist mapped to 6-LUTs), and
Icarus on the Verilog for models whose results are bits (the GroupSum head lowers to
gates with convert-arith-to-gate, another branch)."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="torch is not installed (pip install torch==2.13.0)")
pytest.importorskip("torch_mlir.fx", reason="torch-mlir is not installed (pip install torch-mlir)")

import torch.nn as nn  # noqa: E402
from logic_models import (  # noqa: E402
    ArgMax,
    Binarize,
    BoolLayer,
    CoefficientLayer,
    GroupSum,
    LutLayer,
    RelaxedLayer,
    ScatterLayer,
    Thresholds,
    export,
    floats_for_codes,
)

from lutopt.api import parse_module, run_passes  # noqa: E402
from lutopt.interpreters.core import Interpreter  # noqa: E402

LUTOPT = os.path.join(os.path.dirname(sys.executable), "lutopt")


def compile_text(text: str, passes: str):
    module = parse_module(text, "model.mlir")
    run_passes(module, passes)
    return module


def codes_for(n_in: int, levels: int, limit: int = 4096, seed: int = 0) -> np.ndarray:
    """Every code vector when there are at most `limit`, else `limit` random ones."""
    if (levels + 1) ** n_in <= limit:
        return np.array(list(itertools.product(range(levels + 1), repeat=n_in)), dtype=np.int64)
    rng = np.random.default_rng(seed)
    return rng.integers(0, levels + 1, size=(limit, n_in))


def torch_out(model, x: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return model(torch.tensor(x)).numpy()


def lutopt_out(module, codes: np.ndarray) -> np.ndarray:
    outs = Interpreter(module).evaluate("main", [codes[:, i].astype(np.uint64) for i in range(codes.shape[1])])
    return np.stack(outs, axis=1).astype(np.int64)


def check(model, n_in, thresholds, passes="nn-to-lut", want=None, limit=4096):
    model.eval()
    text = export(model, torch.zeros(1, n_in))
    module = compile_text(text, passes)
    codes = codes_for(n_in, len(thresholds), limit)
    x = floats_for_codes(codes, thresholds)
    y = torch_out(model, x)
    got = lutopt_out(module, codes)
    expected = want(y) if want is not None else y.reshape(len(codes), -1).astype(np.int64)
    bad = np.argwhere(got != expected)
    assert len(bad) == 0, f"{len(bad)} of {expected.size} outputs differ, first for codes {codes[bad[0][0]]}: " \
                          f"{got[bad[0][0]]} vs PyTorch {expected[bad[0][0]]}"
    return module


def counts(tau):
    return lambda y: np.rint(y * tau).astype(np.int64)


# --------------------------------------------------------------------- forms


@pytest.mark.parametrize("gather", [True, False], ids=["x[:,idx]", "index_select"])
def test_relaxed_one_hot_form_with_groupsum(gather):
    model = nn.Sequential(Binarize(), RelaxedLayer(8, 12, 0, gather), RelaxedLayer(12, 12, 1, gather), GroupSum(3, 2.0))
    module = check(model, 8, [0.5], want=counts(2.0))
    f = next(iter(module.ops))
    assert f.attributes["lutopt.groupsum_divisor"].value.data == 2.0
    assert [t.width.data for t in f.function_type.outputs.data] == [3, 3, 3]  # groups of 4: 0..4


def test_relaxed_gate_functions_are_difflogic_numbering():
    """One layer of 16 gates, gate k computing function k: the netlist's functions are
    0..15 in DESIGN.md's numbering (a pinned table, not lutopt's own)."""
    from lutopt.dialects.gate import GateNetlistOp, netlist_of

    layer = RelaxedLayer(2, 16, 0)
    with torch.no_grad():
        layer.w.copy_(torch.eye(16) * 5)
        layer.ia.copy_(torch.zeros(16, dtype=torch.long))
        layer.ib.copy_(torch.ones(16, dtype=torch.long))
    model = nn.Sequential(Binarize(), layer)
    module = check(model, 2, [0.5])
    net = netlist_of(next(o for o in module.walk() if isinstance(o, GateNetlistOp)))
    f = next(iter(module.ops))
    truth = {0: (0, 0, 0, 0), 1: (0, 0, 0, 1), 6: (0, 1, 1, 0), 7: (0, 1, 1, 1), 8: (1, 0, 0, 0), 14: (1, 1, 1, 0)}
    interp = Interpreter(module)
    a = np.array([0, 0, 1, 1], np.uint64)
    b = np.array([0, 1, 0, 1], np.uint64)
    outs = interp.evaluate("main", [a, b])
    for k, tt in truth.items():
        assert tuple(int(v) for v in outs[k]) == tt, k
    assert net.num_gates <= 16 and len(f.function_type.outputs.data) == 16


def test_coefficient_form():
    model = nn.Sequential(Binarize(), CoefficientLayer(6, 9, 3), CoefficientLayer(9, 9, 4), GroupSum(3))
    check(model, 6, [0.5], want=counts(1.0))


def test_bool_form_on_i1():
    model = nn.Sequential(BoolLayer(5, 9, 2), GroupSum(3))
    check(model, 5, [0.5], want=counts(1.0))


def test_scatter_assembled_layer():
    model = nn.Sequential(Binarize(), ScatterLayer(6, 9, 5), ScatterLayer(9, 9, 6))
    text = export(model.eval(), torch.zeros(1, 6))
    assert "tm_tensor.scatter" in text
    check(model, 6, [0.5])


def test_thermometer_inputs_and_argmax():
    """(d) three thresholds per input (2-bit codes) and an argmax head."""
    th = [-0.5, 0.1, 0.7]
    model = nn.Sequential(Thresholds(th), RelaxedLayer(12, 18, 7, gather=False), GroupSum(3, 1.5), ArgMax())
    module = check(model, 4, th, want=lambda y: y.reshape(len(y), -1).astype(np.int64))
    f = next(iter(module.ops))
    assert [t.width.data for t in f.function_type.inputs.data] == [2] * 4
    assert [t.width.data for t in f.function_type.outputs.data] == [2]


def test_learned_lut_layer():
    model = nn.Sequential(Binarize(), LutLayer(7, 6, 4, 8), LutLayer(6, 6, 3, 9), GroupSum(2))
    check(model, 7, [0.5], want=counts(1.0))


def test_mixed_forms_after_lower_to_luts():
    th = [0.25, 0.75]
    model = nn.Sequential(
        Thresholds(th), RelaxedLayer(10, 16, 10), CoefficientLayer(16, 12, 11), LutLayer(12, 12, 3, 12),
        GroupSum(4, 3.0))
    check(model, 5, th, passes="lower-to-luts{lut-size=6}", want=counts(3.0), limit=2048)


# --------------------------------------------------------------------- Verilog


@pytest.mark.skipif(shutil.which("iverilog") is None, reason="iverilog (Icarus Verilog) is not installed")
def test_bits_model_in_icarus(tmp_path):
    from lutopt.sim.verilog_sim import simulate_verilog

    model = nn.Sequential(Binarize(), RelaxedLayer(6, 10, 13), ScatterLayer(10, 8, 14)).eval()
    src = tmp_path / "model.mlir"
    src.write_text(export(model, torch.zeros(1, 6)))
    out = tmp_path / "model.v"
    proc = subprocess.run([LUTOPT, str(src), "-p", "lower-to-rtl{lut-size=6}", "-t", "verilog", "-o", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    codes = codes_for(6, 1)
    got = np.stack(simulate_verilog(str(out), "main", [codes[:, i].astype(np.uint64) for i in range(6)],
                                    simulator="iverilog"), axis=1).astype(np.int64)
    want = torch_out(model, floats_for_codes(codes, [0.5])).astype(np.int64)
    assert np.array_equal(got, want)


@pytest.mark.skipif(shutil.which("iverilog") is None, reason="iverilog (Icarus Verilog) is not installed")
@pytest.mark.parametrize("head", ["groupsum", "argmax"])
def test_groupsum_and_argmax_heads_in_icarus(tmp_path, head):
    """The whole flow with the popcount head (convert-arith-to-gate): Icarus equals
    PyTorch's GroupSum counts (or argmax) on every input of a thermometer-coded model."""
    from lutopt.sim.verilog_sim import simulate_verilog

    th = [0.3, 0.6]
    layers = [Thresholds(th), RelaxedLayer(10, 12, 15), CoefficientLayer(12, 12, 16), GroupSum(3, 4.0)]
    if head == "argmax":
        layers.append(ArgMax())
    model = nn.Sequential(*layers).eval()
    src = tmp_path / "model.mlir"
    src.write_text(export(model, torch.zeros(1, 5)))
    out = tmp_path / "model.v"
    proc = subprocess.run([LUTOPT, str(src), "-p", "lower-to-rtl{lut-size=6}", "-t", "verilog", "-o", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    text = out.read_text()
    assert "// GroupSum divisor: 4.0" in text
    codes = codes_for(5, 2)  # all 243 code vectors
    got = np.stack(simulate_verilog(str(out), "main", [codes[:, i].astype(np.uint64) for i in range(5)],
                                    simulator="iverilog"), axis=1).astype(np.int64)
    y = torch_out(model, floats_for_codes(codes, th))
    want = y.reshape(len(codes), -1).astype(np.int64) if head == "argmax" else np.rint(y * 4.0).astype(np.int64)
    assert np.array_equal(got, want), f"{int(np.sum(np.any(got != want, axis=1)))} of {len(codes)} inputs differ"


# --------------------------------------------------------------------- errors


def test_quantized_model_is_left_to_the_table_path():
    """A model whose input goes to a quantizer is not a logic network: the pass leaves it."""
    class Q(nn.Module):
        def forward(self, x):
            return torch.clamp(torch.round(x / 0.5), -2, 1) * 0.5

    text = export(Q(), torch.zeros(1, 3))
    module = parse_module(text, "q.mlir")
    run_passes(module, "nn-fold-constants,nn-logic-to-gate")
    assert "gate.netlist" not in str(module)


def test_non_binary_result_is_a_located_error(tmp_path):
    class Sum2(nn.Module):
        def forward(self, x):
            b = (x > 0.5).float()
            return b[:, :2] + b[:, 2:]

    src = tmp_path / "m.mlir"
    src.write_text(export(Sum2(), torch.zeros(1, 4)))
    proc = subprocess.run([LUTOPT, str(src), "-p", "nn-to-lut", "-o", str(tmp_path / "o.mlir")],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "error: result #0 element 0 is not binary" in proc.stderr and "m.mlir:" in proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "o.mlir").exists()
