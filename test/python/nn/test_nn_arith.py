"""Partitions too wide for a table become integer arithmetic (issue 11): the integer level
that nn-to-lut produces, run by the interpreter, against PyTorch's codes."""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="torch is not installed (pip install torch==2.13.0)")
pytest.importorskip("torch_mlir.fx", reason="torch-mlir is not installed (pip install torch-mlir)")

sys.path.insert(0, os.path.dirname(__file__))
from models_arith import Dense, Mixed, export, pytorch_codes, sample_codes  # noqa: E402

from lutopt.api import parse_module, run_passes  # noqa: E402
from lutopt.diagnostics import LutoptError  # noqa: E402
from lutopt.sim import evaluate  # noqa: E402


def compile_text(text: str, passes: str = "nn-to-lut"):
    module = parse_module(text, "model.mlir")
    run_passes(module, passes)
    return module


def run(module, codes: np.ndarray, w_in: int) -> np.ndarray:
    ins = [(codes[:, i] & ((1 << w_in) - 1)).astype(np.uint64) for i in range(codes.shape[1])]
    return np.stack(evaluate(module, "main", ins), axis=1).astype(np.uint64)


def ops_named(module, name: str) -> int:
    return sum(1 for o in module.walk() if o.name == name)


def test_dense_64x16_is_integer_arithmetic_equal_to_pytorch(capfd):
    model = Dense().eval()
    module = compile_text(export(model, 64))
    assert ops_named(module, "nn.partition") == 0 and ops_named(module, "lut.table") == 0
    assert ops_named(module, "arith.addi") + ops_named(module, "arith.subi") > 0
    assert ops_named(module, "arith.muli") == 0  # shift-and-add only
    err = capfd.readouterr().err
    assert "remark: 16 element(s) of this quantizer as integer arithmetic" in err
    assert "bit-exact" in err
    codes = sample_codes(64, 0, 255, 3000)
    want = pytorch_codes(model, codes, model.s_in, model.s_out, 4)
    got = run(module, codes, 8)
    bad = np.argwhere(got != want)
    assert len(bad) == 0, f"{len(bad)} of {want.size} codes differ, first at input {codes[bad[0][0]]}"
    # Inputs that put the sums on many different codes: not all outputs constant.
    assert len(np.unique(want)) > 8


def test_dense_64x16_through_the_gate_level():
    # convert-arith-to-gate on what convert-nn-to-arith writes: the gate level (bit-parallel
    # interpreter) still gives PyTorch's codes.
    model = Dense(wmax=3).eval()
    module = compile_text(export(model, 64), "nn-to-lut,convert-arith-to-gate")
    assert ops_named(module, "gate.netlist") >= 1 and ops_named(module, "arith.addi") == 0
    codes = sample_codes(64, 0, 255, 3000, seed=9)
    want = pytorch_codes(model, codes, model.s_in, model.s_out, 4)
    assert np.array_equal(run(module, codes, 8), want)


def test_mixed_absorbed_and_arithmetic_partitions(capfd):
    torch.manual_seed(0)
    model = Mixed().eval()
    module = compile_text(export(model, 48))
    assert ops_named(module, "lut.table") == 4  # the sparse layer: tables
    assert ops_named(module, "arith.cmpi") > 0
    err = capfd.readouterr().err
    assert "8 element(s)" in err and "2 element(s)" in err
    assert "4 partition(s) absorbed as tables, 10 too wide for a table" in err
    codes = sample_codes(48, -8, 7, 3000, seed=1)
    want = pytorch_codes(model, codes, 0.25, [0.25] * 4 + [0.5] * 2, [3] * 4 + [4] * 2)
    got = run(module, codes, 4)
    bad = np.argwhere(got != want)
    assert len(bad) == 0, f"{len(bad)} of {want.size} codes differ, first at input {codes[bad[0][0]]}"


def test_non_integer_weights_name_the_option():
    model = Dense(n_in=40, n_out=3).eval()
    with torch.no_grad():
        model.lin.weight.copy_(torch.randn(3, 40, generator=torch.Generator().manual_seed(5)))
    text = export(model, 40)
    with pytest.raises(LutoptError) as e:
        compile_text(text)
    msg = e.value.message
    assert "more than max-table-bits=20 allows" in msg
    assert "not integer multiples of one scale" in msg and "weight-bits=B" in msg
    assert e.value.location is not None and e.value.location.startswith("model.mlir:")


def test_weight_bits_rounds_the_weights_and_says_so(capfd):
    g = torch.Generator().manual_seed(5)
    model = Dense(n_in=40, n_out=3).eval()
    with torch.no_grad():
        model.lin.weight.copy_(torch.randn(3, 40, generator=g))
    module = compile_text(export(model, 40), "nn-to-lut{weight-bits=6}")
    assert "weights rounded to 6-bit integers" in capfd.readouterr().err
    # The reference: the same model with its weights rounded per output row in NumPy.
    w = model.lin.weight.detach().numpy().astype(np.float64) * (1 / 64)  # times the input scale
    unit = np.abs(w).max(axis=1, keepdims=True) / 31
    n = np.rint(w / unit)
    codes = sample_codes(40, 0, 255, 2000, seed=2)
    acc = codes @ n.T
    y = (acc * unit.T).astype(np.float32) + model.lin.bias.detach().numpy()
    y = np.maximum(y, np.float32(0))
    want = np.clip(np.rint(y / np.float32(0.5)), 0, 15).astype(np.uint64)
    got = run(module, codes, 8)
    assert np.mean(got == want) > 0.999, np.mean(got == want)


def test_two_layers_without_a_quantizer_between_are_refused():
    class Two(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.a = torch.nn.Linear(32, 4)
            self.b = torch.nn.Linear(4, 2)

        def forward(self, x):
            x = torch.clamp(torch.round(x / 0.25), 0, 15) * 0.25
            y = self.b(torch.relu(self.a(x)))
            return torch.clamp(torch.round(y / 0.5), 0, 3) * 0.5

    with pytest.raises(LutoptError, match="not integer arithmetic: .*no quantizer between them"):
        compile_text(export(Two().eval(), 32))


def test_approximate_multiplier_leaves_products_as_muli():
    model = Dense(n_in=32, n_out=4).eval()
    module = compile_text(export(model, 32), "nn-to-lut{multiplier=mitch-w6}")
    muls = [o for o in module.walk() if o.name == "arith.muli"]
    assert len(muls) == int((model.lin.weight != 0).sum())
    assert all(m.operands[1].owner.name == "arith.constant" for m in muls)
    # The interpreter's muli is exact: with exact products the function is the model.
    codes = sample_codes(32, 0, 255, 500)
    want = pytorch_codes(model, codes, model.s_in, model.s_out, 4)
    assert np.array_equal(run(module, codes, 8), want)


def test_bad_multiplier_option():
    with pytest.raises(LutoptError, match="multiplier must be exact, mitchell or mitch-w<W>"):
        compile_text(export(Dense(n_in=32, n_out=2).eval(), 32), "nn-to-lut{multiplier=booth}")


def test_scales_that_are_not_powers_of_two(capfd):
    # Input scale 1/255 and weights n * 0.05: the unit is (1/255) * 0.05, not a power of two.
    model = Dense(n_in=40, n_out=4, s_in=1 / 255, s_out=0.25, wmax=9, seed=7).eval()
    with torch.no_grad():
        n = model.lin.weight.clone()
        model.lin.weight.copy_(n * 0.05)
    module = compile_text(export(model, 40))
    assert "the scales are not powers of two" in capfd.readouterr().err
    codes = sample_codes(40, 0, 255, 2000, seed=3)
    got = run(module, codes, 8)
    # The documented semantics: the exact integer sum times the unit, rounded to float32
    # once, then the bias, ReLU and the output quantizer in float32 (a NumPy reference).
    s_in = np.float64(np.float32(1 / 255))
    s_w = np.float64(np.float32(0.05))
    acc = codes @ n.numpy().astype(np.int64).T
    y = (acc * (s_in * s_w)).astype(np.float32) + model.lin.bias.detach().numpy()
    want = np.clip(np.rint(np.maximum(y, np.float32(0)) / np.float32(0.25)), 0, 15).astype(np.uint64)
    assert np.array_equal(got, want)
    # PyTorch's float32 sums round; its codes agree except near a quantizer step.
    torch_codes = pytorch_codes(model, codes, 1 / 255, 0.25, 4)
    assert np.mean(torch_codes == got) > 0.995
