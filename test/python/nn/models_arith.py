"""PyTorch models with layers too wide for a table (issue 11), shared by the arith tests."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import torch

nn = torch.nn


def q(x, s, lo, hi):
    return torch.clamp(torch.round(x / s), lo, hi) * s


class Dense(nn.Module):
    """64 inputs with 8-bit codes, 16 outputs, integer weights, ReLU, 4-bit output codes."""

    def __init__(self, n_in=64, n_out=16, s_in=1 / 64, s_out=0.5, wmax=7, seed=0, bias_step=0.25):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        self.lin = nn.Linear(n_in, n_out)
        with torch.no_grad():
            self.lin.weight.copy_(torch.randint(-wmax, wmax + 1, (n_out, n_in), generator=g).float())
            self.lin.bias.copy_(torch.randint(-40, 40, (n_out,), generator=g).float() * bias_step)
        self.s_in, self.s_out = s_in, s_out
        self.n_in, self.n_out = n_in, n_out

    def forward(self, x):
        x = q(x, self.s_in, 0, 255)
        return q(torch.relu(self.lin(x)), self.s_out, 0, 15)


class Mixed(nn.Module):
    """An arithmetic layer (48 signed 4-bit codes, integer weights times a weight scale that is
    not a power of two, folded BatchNorm, a clamp), then a sparse layer that fits tables
    (each output reads 2 codes), with an arithmetic layer next to it on the same codes."""

    def __init__(self, n_in=48, hidden=8, seed=3):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        self.l1 = nn.Linear(n_in, hidden)
        self.bn = nn.BatchNorm1d(hidden)
        self.l2 = nn.Linear(hidden, 4)
        self.l3 = nn.Linear(hidden, 2)
        with torch.no_grad():
            self.l1.weight.copy_(torch.randint(-8, 8, (hidden, n_in), generator=g).float() * 0.125)
            self.l1.bias.copy_(torch.randn(hidden, generator=g))
            self.bn.running_mean.copy_(torch.randn(hidden, generator=g))
            self.bn.running_var.copy_(torch.rand(hidden, generator=g) + 0.5)
            self.bn.weight.copy_(torch.rand(hidden, generator=g) + 0.5)
            self.bn.bias.copy_(torch.randn(hidden, generator=g) * 0.1)
            mask = torch.zeros(4, hidden)
            for r in range(4):
                mask[r, torch.randperm(hidden, generator=g)[:2]] = 1
            self.l2.weight.copy_(torch.randn(4, hidden, generator=g) * mask)
            self.l3.weight.copy_(torch.randint(-3, 4, (2, hidden), generator=g).float())
            self.l3.bias.copy_(torch.zeros(2))
        self.n_in, self.n_out = n_in, 6

    def forward(self, x):
        x = q(x, 0.25, -8, 7)
        h = torch.clamp(self.bn(self.l1(x)), -1.0, 1.0)
        h = q(h, 0.125, -8, 7)
        a = q(self.l2(h), 0.25, -4, 3)
        b = q(self.l3(h), 0.5, -8, 7)
        return torch.cat([a, b], dim=1)


def export(model, n_in: int) -> str:
    fx = __import__("torch_mlir.fx", fromlist=["export_and_import"])
    return str(fx.export_and_import(model.eval(), torch.zeros(1, n_in), output_type="linalg-on-tensors"))


def pytorch_codes(model, codes: np.ndarray, s_in: float, s_out, w_out) -> np.ndarray:
    """PyTorch's output codes (bit patterns) for input codes, evaluated on a batch."""
    with torch.no_grad():
        y = model(torch.tensor(codes, dtype=torch.float32) * np.float32(s_in)).numpy()
    s_out = np.broadcast_to(np.asarray(s_out, np.float32), y.shape[1:])
    w_out = np.broadcast_to(np.asarray(w_out), y.shape[1:])
    c = np.rint(y / s_out).astype(np.int64)
    return (c & ((1 << w_out) - 1)).astype(np.uint64)


def sample_codes(n_in: int, lo: int, hi: int, n: int, seed: int = 0) -> np.ndarray:
    """Random codes plus edge vectors (all lowest, all highest, alternating, one-hot)."""
    rng = np.random.default_rng(seed)
    edges = [np.full(n_in, lo), np.full(n_in, hi), np.where(np.arange(n_in) % 2, lo, hi),
             np.where(np.arange(n_in) % 2, hi, lo)]
    for i in range(0, n_in, max(1, n_in // 8)):
        e = np.full(n_in, lo)
        e[i] = hi
        edges.append(e)
    return np.concatenate([np.array(edges), rng.integers(lo, hi + 1, size=(n, n_in))]).astype(np.int64)


# Compiling a model to Verilog and simulating it (shared by the default 24x4 check and the
# large checks in bench/slow_checks).

LUTOPT = os.path.join(os.path.dirname(sys.executable), "lutopt")


def compile_verilog(tmp_path, model, n_in: int, passes: str) -> tuple[str, str]:
    src = tmp_path / "model.mlir"
    src.write_text(export(model, n_in))
    out = tmp_path / "model.v"
    proc = subprocess.run([LUTOPT, str(src), "-p", passes, "-t", "verilog", "-o", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return str(out), proc.stderr


def simulate(path: str, codes: np.ndarray, w_in: int, simulator: str = "iverilog",
             timeout: float | None = 600) -> np.ndarray:
    ins = [(codes[:, i] & ((1 << w_in) - 1)).astype(np.uint64) for i in range(codes.shape[1])]
    from lutopt.sim.verilog_sim import simulate_verilog

    return np.stack(simulate_verilog(path, "main", ins, simulator=simulator, timeout=timeout), axis=1).astype(np.uint64)


def mitch_w_codes(model, codes: np.ndarray, w: int = 6) -> np.ndarray:
    """A `Dense` layer's output codes with Mitch-w products (the PyTorch emulation,
    `lutopt.nn.approx`): Mitch-w products of the codes by the integer weights, exact sums,
    then the layer's scale, bias, ReLU and 4-bit output quantizer in float32, as PyTorch
    would."""
    import torch

    from lutopt.nn.approx import mitch_w_mul

    q = torch.tensor(codes)
    weights = model.lin.weight.detach().to(torch.int64)
    prods = mitch_w_mul(q[:, None, :], weights[None, :, :], w)
    acc = prods.sum(dim=2).to(torch.float32) * np.float32(model.s_in)
    y = torch.relu(acc + model.lin.bias.detach())
    return torch.clamp(torch.round(y / model.s_out), 0, 15).numpy().astype(np.uint64)


def check(got: np.ndarray, want: np.ndarray, codes: np.ndarray) -> None:
    bad = np.argwhere(got != want)
    assert len(bad) == 0, f"{len(bad)} of {want.size} codes differ, first at input {codes[bad[0][0]]}"
