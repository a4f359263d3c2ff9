"""Logic-gate networks written in plain PyTorch, in the forms users write them (issue 10):
the relaxed difflogic form in eval mode (an argmax over constant weights gives a one-hot
row that mixes the 16 relaxations, or the coefficients C1 + Ca*a + Cb*b + Cab*a*b),
boolean `i1` logic, gathers by constant index tensors (`x[:, idx]`, `index_select`), a
layer assembled from per-gate-type pieces by indexed assignment (tm_tensor.scatter),
threshold / thermometer binarisation, learned K-input tables, a GroupSum head (optionally
divided by tau) and an argmax.

`export(model, x)` prints the model with torch-mlir; gathers through buffers
(`x[:, self.idx]`) need `experimental_support_mutation=True`, which `export` passes."""

from __future__ import annotations

import itertools

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# The 16 relaxations in DESIGN.md's (difflogic's) numbering.
def relaxations(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    ab = a * b
    return torch.stack([
        torch.zeros_like(a), ab, a - ab, a, b - ab, b, a + b - 2 * ab, a + b - ab,
        1 - (a + b - ab), 1 - (a + b - 2 * ab), 1 - b, 1 - b + ab, 1 - a, 1 - a + ab, 1 - ab, torch.ones_like(a),
    ], -1)


# Rows: gate function k as C1 + Ca*a + Cb*b + Cab*a*b.
COEFFICIENTS = torch.tensor([
    [0, 0, 0, 0], [0, 0, 0, 1], [0, 1, 0, -1], [0, 1, 0, 0], [0, 0, 1, -1], [0, 0, 1, 0], [0, 1, 1, -2],
    [0, 1, 1, -1], [1, -1, -1, 1], [1, -1, -1, 2], [1, 0, -1, 0], [1, 0, -1, 1], [1, -1, 0, 0], [1, -1, 0, 1],
    [1, 0, 0, -1], [1, 0, 0, 0]], dtype=torch.float32)


class Thresholds(nn.Module):
    """(d): every input element compared with the same sorted thresholds (thermometer)."""

    def __init__(self, thresholds):
        super().__init__()
        self.register_buffer("t", torch.tensor(thresholds, dtype=torch.float32))

    def forward(self, x):
        return (x.unsqueeze(-1) > self.t).float().flatten(1)


class Binarize(nn.Module):
    """(d) with one threshold and no thermometer axis."""

    def __init__(self, t=0.5):
        super().__init__()
        self.t = t

    def forward(self, x):
        return (x > self.t).float()


class RelaxedLayer(nn.Module):
    """(a): difflogic in eval mode, the one-hot of the argmax mixing the relaxations;
    inputs gathered with `x[:, idx]` (gather=True) or `index_select`."""

    def __init__(self, nin, nout, seed, gather=True):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        self.w = nn.Parameter(torch.randn(nout, 16, generator=g))
        self.register_buffer("ia", torch.randint(0, nin, (nout,), generator=g))
        self.register_buffer("ib", torch.randint(0, nin, (nout,), generator=g))
        self.gather = gather

    def forward(self, x):
        if self.gather:
            a, b = x[:, self.ia], x[:, self.ib]
        else:
            a, b = x.index_select(1, self.ia), x.index_select(1, self.ib)
        oh = F.one_hot(self.w.argmax(-1), 16).float()
        return (relaxations(a, b) * oh).sum(-1)

    def functions(self):
        return self.w.argmax(-1).tolist()


class CoefficientLayer(RelaxedLayer):
    """(a) in the coefficient form: c = onehot @ C; c1 + ca*a + cb*b + cab*a*b."""

    def __init__(self, nin, nout, seed, gather=False):
        super().__init__(nin, nout, seed, gather)
        self.register_buffer("C", COEFFICIENTS.clone())

    def forward(self, x):
        a, b = x.index_select(1, self.ia), x.index_select(1, self.ib)
        c = F.one_hot(self.w.argmax(-1), 16).float() @ self.C
        return c[:, 0] + c[:, 1] * a + c[:, 2] * b + c[:, 3] * a * b


class BoolLayer(nn.Module):
    """(b): boolean ops on i1 tensors (and, xor, nor with a constant splat)."""

    def __init__(self, nin, nout, seed):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        self.register_buffer("ia", torch.randint(0, nin, (nout,), generator=g))
        self.register_buffer("ib", torch.randint(0, nin, (nout,), generator=g))

    def forward(self, x):
        xb = x > 0.5
        a, b = xb[:, self.ia], xb[:, self.ib]
        n = a.shape[1] // 3
        return torch.cat([a[:, :n] & b[:, :n], a[:, n:2 * n] ^ b[:, n:2 * n], ~(a[:, 2 * n:] | b[:, 2 * n:])], 1).float()


class ScatterLayer(nn.Module):
    """(c): a layer assembled from per-gate-type pieces by indexed assignment."""

    def __init__(self, nin, nout, seed):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        self.register_buffer("ia", torch.randint(0, nin, (nout,), generator=g))
        self.register_buffer("ib", torch.randint(0, nin, (nout,), generator=g))
        perm = torch.randperm(nout, generator=g)
        k = nout // 3
        self.register_buffer("p_and", perm[:k].clone())
        self.register_buffer("p_xor", perm[k:2 * k].clone())
        self.register_buffer("p_or", perm[2 * k:].clone())
        self.nout = nout

    def forward(self, x):
        a, b = x[:, self.ia], x[:, self.ib]
        out = torch.zeros(x.shape[0], self.nout)
        out[:, self.p_and] = (a * b)[:, self.p_and]
        out[:, self.p_xor] = (a + b - 2 * a * b)[:, self.p_xor]
        out[:, self.p_or] = (a + b - a * b)[:, self.p_or]
        return out


class LutLayer(nn.Module):
    """A learned K-input table per node (LUTNet / DWN style) in eval mode: the table's
    entries binarised, the inputs' minterms as products of x and 1 - x."""

    def __init__(self, nin, nout, k, seed):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        self.table = nn.Parameter(torch.randn(nout, 1 << k, generator=g))
        self.register_buffer("idx", torch.stack([torch.randperm(nin, generator=g)[:k] for _ in range(nout)]))
        bits = torch.tensor(list(itertools.product([0, 1], repeat=k)), dtype=torch.float32)  # [2^k, k]
        self.register_buffer("bits", bits)
        self.k = k

    def forward(self, x):
        xs = x[:, self.idx]  # [B, nout, k]
        m = xs.unsqueeze(2) * self.bits + (1 - xs.unsqueeze(2)) * (1 - self.bits)  # [B, nout, 2^k, k]
        minterm = m.prod(-1)
        return (minterm * (self.table > 0).float()).sum(-1)


class GroupSum(nn.Module):
    """(e)."""

    def __init__(self, k, tau=1.0):
        super().__init__()
        self.k, self.tau = k, tau

    def forward(self, x):
        return x.reshape(x.shape[0], self.k, -1).sum(-1) / self.tau


class ArgMax(nn.Module):
    def forward(self, x):
        return x.argmax(-1)


def export(model: nn.Module, x: torch.Tensor) -> str:
    from torch_mlir import fx

    model.eval()
    return str(fx.export_and_import(model, x, output_type="linalg-on-tensors", experimental_support_mutation=True))


def floats_for_codes(codes: np.ndarray, thresholds) -> np.ndarray:
    """Input values with the given thermometer codes (the number of sorted thresholds
    exceeded): below the first, between two, above the last."""
    t = np.sort(np.asarray(thresholds, dtype=np.float64))
    pts = np.concatenate([[t[0] - 1.0], (t[:-1] + t[1:]) / 2, [t[-1] + 1.0]])
    return pts[codes].astype(np.float32)
