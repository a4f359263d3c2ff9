"""Quantizers in the forms hand-written models give torch-mlir, end to end against PyTorch.

`torch.clamp(torch.round(x / s), qmin, qmax) * s` with a Python float `s` that float32
cannot hold (0.1, 16/7) is printed as `arith.truncf` of an f64 constant; with `s = 1.0`
the division and multiplication disappear; `hardtanh`/`maximum`/`minimum` clamp with 0-d
tensor bounds. Each model is exported with torch-mlir, compiled with `nn-to-lut`, and the
lut level (run by the interpreter) must give PyTorch's output code on every input code.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="torch is not installed (pip install torch==2.13.0)")
fx = pytest.importorskip("torch_mlir.fx", reason="torch-mlir is not installed (pip install torch-mlir)")

from lutopt.api import parse_module, run_passes  # noqa: E402
from lutopt.sim import evaluate  # noqa: E402


def quant(x, s, lo, hi):
    return torch.clamp(torch.round(x / s), lo, hi) * s


def hardtanh_quant(x, s, lo, hi):
    return torch.nn.functional.hardtanh(torch.round(x / s), lo, hi) * s


def minmax_quant(x, s, lo, hi):
    return torch.minimum(torch.maximum(torch.round(x / s), torch.tensor(float(lo))), torch.tensor(float(hi))) * s


def reciprocal_quant(x, s, lo, hi):
    return torch.clamp(torch.round(x * (1 / s)), lo, hi) * s


class TwoLayer(torch.nn.Module):
    """in (n codes) -> linear with a sparse mask -> relu -> quantizer -> linear -> quantizer."""

    def __init__(self, q_in, q_mid, q_out, n=3, hidden=3, seed=0, scales=(0.5, 0.25, 0.5)):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        self.q_in, self.q_mid, self.q_out = q_in, q_mid, q_out
        self.scales = scales
        self.w1 = torch.randn(hidden, n, generator=g) * (torch.rand(hidden, n, generator=g) < 0.7)
        self.b1 = torch.randn(hidden, generator=g) * 0.5
        self.w2 = torch.randn(2, hidden, generator=g)
        self.b2 = torch.randn(2, generator=g) * 0.5

    def forward(self, x):
        (qi, si, li, hi_), (qm, sm, lm, hm), (qo, so, lo, ho) = self.q_in, self.q_mid, self.q_out
        x = qi(x, si, li, hi_)
        h = qm(torch.relu(x @ self.w1.T + self.b1), sm, lm, hm)
        return qo(h @ self.w2.T + self.b2, so, lo, ho)


def _width(lo, hi):
    return max(1, (max(hi, -lo - 1)).bit_length() + (1 if lo < 0 else 0))


def check_against_pytorch(model, n, q_in, q_out):
    _, s_in, lo_in, hi_in = q_in
    _, s_out, lo_out, hi_out = q_out
    text = str(fx.export_and_import(model, torch.zeros(1, n), output_type="linalg-on-tensors"))
    module = parse_module(text, "model.mlir")
    run_passes(module, "nn-to-lut")
    codes = np.array(list(itertools.product(range(lo_in, hi_in + 1), repeat=n)), dtype=np.int64)
    with torch.no_grad():
        # Inputs exactly on the codes' values (float32(q) * float32(s)), as the hardware sees codes.
        y = model(torch.tensor(codes, dtype=torch.float32) * torch.tensor(np.float32(s_in))).numpy()
    expect_codes = np.rint(y / np.float32(s_out)).astype(np.int64)
    assert expect_codes.min() >= lo_out and expect_codes.max() <= hi_out
    w_in, w_out = _width(lo_in, hi_in), _width(lo_out, hi_out)
    ins = [(codes[:, i] & ((1 << w_in) - 1)).astype(np.uint64) for i in range(n)]
    got = np.stack(evaluate(module, "main", ins), axis=1).astype(np.int64)
    if lo_out < 0:
        got = np.where(got >= 1 << (w_out - 1), got - (1 << w_out), got)
    bad = np.argwhere(got != expect_codes)
    assert len(bad) == 0, f"{len(bad)} of {got.size} codes differ, first at input {codes[bad[0][0]]}"


@pytest.mark.parametrize("s", [0.1, 16 / 7, 0.3])
def test_scales_float32_cannot_hold(s):
    q_in, q_mid, q_out = (quant, s, -2, 1), (quant, s, 0, 3), (quant, s, -4, 3)
    check_against_pytorch(TwoLayer(q_in, q_mid, q_out, seed=1), 3, q_in, q_out)


@pytest.mark.parametrize("lo,hi", [(-2, 1), (0, 3), (-4, 3)])
def test_scale_one_everywhere(lo, hi):
    q_in, q_mid, q_out = (quant, 1.0, lo, hi), (quant, 1.0, 0, 3), (quant, 1.0, lo, hi)
    check_against_pytorch(TwoLayer(q_in, q_mid, q_out, seed=2), 3, q_in, q_out)


def test_scale_one_mixed_with_other_scales():
    q_in, q_mid, q_out = (quant, 1.0, 0, 3), (quant, 0.1, 0, 7), (quant, 1.0, -2, 1)
    check_against_pytorch(TwoLayer(q_in, q_mid, q_out, seed=3), 3, q_in, q_out)


@pytest.mark.parametrize("form", [hardtanh_quant, minmax_quant, reciprocal_quant])
def test_clamp_and_division_forms(form):
    q_in, q_mid, q_out = (form, 0.5, -2, 1), (form, 0.25, 0, 3), (form, 0.125, -4, 3)
    check_against_pytorch(TwoLayer(q_in, q_mid, q_out, seed=4), 3, q_in, q_out)


def test_float64_scale_buffer():
    class M(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("s", torch.tensor(16 / 7, dtype=torch.float64))
            g = torch.Generator().manual_seed(5)
            self.w = torch.randn(2, 3, generator=g) * 3

        def forward(self, x):
            x = torch.clamp(torch.round(x / self.s), -2, 1) * self.s
            return torch.clamp(torch.round((x @ self.w.T) / self.s), -4, 3) * self.s

    q = (None, float(np.float32(16 / 7)), -2, 1)
    check_against_pytorch(M(), 3, q, (None, q[1], -4, 3))
