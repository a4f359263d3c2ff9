"""Models written by hand in plain PyTorch, shared by the pytest files that compile them
(`nn/test_nn_to_lut.py` against PyTorch at the lut level, `nn/test_nn_verilog.py` in Icarus).

Import it after `pytest.importorskip("torch", ...)`: it needs torch.
"""

from __future__ import annotations

import torch

nn = torch.nn


def q(x, s, lo, hi):
    return torch.clamp(torch.round(x / s), lo, hi) * s


class Masked(nn.Module):
    """LogicNets style: dense layers with a 0/1 mask multiplied into the weights."""

    def __init__(self, n_in=4, hidden=5, n_out=3, fan_in=2, seed=0):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        self.l1 = nn.Linear(n_in, hidden)
        self.l2 = nn.Linear(hidden, n_out)
        for layer, fi in ((self.l1, fan_in), (self.l2, 3)):
            mask = torch.zeros_like(layer.weight)
            for r in range(mask.shape[0]):
                mask[r, torch.randperm(mask.shape[1], generator=g)[:fi]] = 1
            layer.register_buffer("mask", mask)
            with torch.no_grad():
                layer.weight.copy_(torch.randn(layer.weight.shape, generator=g))
                layer.bias.copy_(torch.randn(layer.bias.shape, generator=g) * 0.5)

    def forward(self, x):
        x = q(x, 0.25, -4, 3)
        y = torch.nn.functional.linear(x, self.l1.weight * self.l1.mask, self.l1.bias)
        y = q(torch.relu(y), 0.5, 0, 3)
        z = torch.nn.functional.linear(y, self.l2.weight * self.l2.mask, self.l2.bias)
        return q(z, 0.25, -4, 3)


class Gathered(nn.Module):
    """NeuraLUT style: index_select gathers, per-partition MLPs with einsum, a skip connection."""

    def __init__(self, n_in=5, parts=4, fan_in=2, width=8, seed=1):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        self.register_buffer("idx", torch.stack([torch.randperm(n_in, generator=g)[:fan_in] for _ in range(parts)]).reshape(-1))
        self.parts, self.fan_in = parts, fan_in
        self.w1 = nn.Parameter(torch.randn(parts, fan_in, width, generator=g))
        self.b1 = nn.Parameter(torch.randn(parts, width, generator=g) * 0.3)
        self.w2 = nn.Parameter(torch.randn(parts, width, width, generator=g) / width**0.5)
        self.w3 = nn.Parameter(torch.randn(parts, width, 1, generator=g) / width**0.5)
        self.b3 = nn.Parameter(torch.randn(parts, generator=g) * 0.3)

    def forward(self, x):
        x = q(x, 0.5, -2, 1)
        gth = x.index_select(1, self.idx).view(-1, self.parts, self.fan_in)
        h = torch.relu(torch.einsum("bpf,pfh->bph", gth, self.w1) + self.b1)
        h = h + torch.relu(torch.einsum("bph,phk->bpk", h, self.w2))
        o = torch.einsum("bph,phk->bpk", h, self.w3).squeeze(-1) + self.b3
        return q(o, 0.25, 0, 7)
