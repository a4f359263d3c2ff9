"""Sparse layers whose every output depends on a few inputs, so that lutopt can absorb each
output (with whatever floating-point computation leads to it) into one truth table.

- `SparseQuantLinear` (LogicNets): output neuron `o` is a weighted sum of `fan_in` inputs,
  `connectivity[o]`. Two forms, both understood by lutopt's partition analysis:
  `mode="mask"` multiplies a 0/1 mask into a dense weight (`F.linear(x, W * M, b)`), and
  `mode="gather"` gathers the inputs with `index_select` and applies per-neuron weights with
  `einsum`.
- `PartitionedMLP` (NeuraLUT): output neuron `o` is a small MLP (`depth` linear layers of
  `width`, ReLU, residual connections every two hidden layers, and a linear shortcut from the
  neuron's inputs to its output) over its `fan_in` gathered inputs. All neurons are computed
  at once with batched per-neuron weights (`einsum` over the gathered inputs).

A model is a sequence quantizer -> layer -> quantizer -> ... -> quantizer (`QuantSequential`,
or any `nn.Module` of that shape): the inputs of every table are quantized codes, and a
table's size is 2 ** (fan_in * input code width).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from lutopt.nn.quant import Quantizer


def random_connectivity(in_features: int, out_features: int, fan_in: int,
                        seed: int = 0, balanced: bool = False) -> torch.Tensor:
    """An (out_features, fan_in) int64 tensor: for each output, `fan_in` distinct inputs drawn
    at random (sorted), reproducibly from `seed`.

    `balanced` spreads the reads evenly: each output takes the least-read inputs so far
    (random among equals), so every input is read when out_features * fan_in >= in_features
    and no input is read more than once more than any other. Unbalanced draws leave inputs
    unread, and the neurons that compute them are dead hardware."""
    if not 1 <= fan_in <= in_features:
        raise ValueError(f"fan_in must be in 1..{in_features}, got {fan_in}")
    gen = torch.Generator().manual_seed(seed)
    if not balanced:
        rows = [torch.sort(torch.randperm(in_features, generator=gen)[:fan_in]).values
                for _ in range(out_features)]
        return torch.stack(rows).to(torch.int64)
    reads = torch.zeros(in_features)
    rows = []
    for _ in range(out_features):
        key = reads + 0.5 * torch.rand(in_features, generator=gen)
        pick = torch.argsort(key)[:fan_in]
        reads[pick] += 1
        rows.append(torch.sort(pick).values)
    return torch.stack(rows).to(torch.int64)


def _check_connectivity(conn, in_features: int, out_features: int) -> torch.Tensor:
    c = torch.as_tensor(conn, dtype=torch.int64)
    if c.dim() != 2 or c.shape[0] != out_features:
        raise ValueError(f"connectivity must have shape ({out_features}, fan_in), got {tuple(c.shape)}")
    if c.numel() and (c.min() < 0 or c.max() >= in_features):
        raise ValueError(f"connectivity refers to inputs outside 0..{in_features - 1}")
    for o in range(c.shape[0]):
        if len(set(c[o].tolist())) != c.shape[1]:
            raise ValueError(f"output {o} reads the same input twice: {c[o].tolist()}")
    return c


def _gather(x: torch.Tensor, conn: torch.Tensor) -> torch.Tensor:
    """(B, in) -> (B, out, fan_in): the inputs each output reads."""
    out_f, fan_in = conn.shape
    return torch.index_select(x, 1, conn.reshape(-1)).reshape(x.shape[0], out_f, fan_in)


class SparseQuantLinear(nn.Module):
    """A linear layer in which output `o` reads only inputs `connectivity[o]` (LogicNets).

    Args:
        in_features, out_features, fan_in: sizes; ignored fan_in when `connectivity` is given.
        connectivity: (out_features, fan_in) input indices; random (from `seed`, spread evenly
            over the inputs with `balanced`) when None.
        mode: "mask" (dense weight times a 0/1 mask buffer) or "gather" (index_select + einsum).
        bias: add a bias per output.
    """

    def __init__(self, in_features: int, out_features: int, fan_in: int = 4, *,
                 connectivity=None, seed: int = 0, balanced: bool = False, mode: str = "mask",
                 bias: bool = True):
        super().__init__()
        if mode not in ("mask", "gather"):
            raise ValueError(f"mode must be 'mask' or 'gather', got {mode!r}")
        if connectivity is None:
            conn = random_connectivity(in_features, out_features, fan_in, seed, balanced)
        else:
            conn = _check_connectivity(connectivity, in_features, out_features)
        self.in_features, self.out_features = in_features, out_features
        self.fan_in = int(conn.shape[1])
        self.mode = mode
        self.register_buffer("connectivity", conn)
        bound = 1.0 / math.sqrt(self.fan_in)
        if mode == "mask":
            mask = torch.zeros(out_features, in_features)
            mask.scatter_(1, conn, 1.0)
            self.register_buffer("mask", mask)
            w = torch.empty(out_features, in_features).uniform_(-bound, bound) * mask
        else:
            w = torch.empty(out_features, self.fan_in).uniform_(-bound, bound)
        self.weight = nn.Parameter(w)
        self.bias = nn.Parameter(torch.zeros(out_features)) if bias else None

    def extra_repr(self) -> str:
        return (f"in={self.in_features}, out={self.out_features}, fan_in={self.fan_in}, "
                f"mode={self.mode}, bias={self.bias is not None}")

    def dense_weight(self) -> torch.Tensor:
        """The (out, in) weight with zeros outside the connectivity."""
        if self.mode == "mask":
            return (self.weight * self.mask).detach()
        w = torch.zeros(self.out_features, self.in_features)
        return w.scatter(1, self.connectivity, self.weight.detach())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.mode == "mask":
            return F.linear(x, self.weight * self.mask, self.bias)
        y = torch.einsum("bof,of->bo", _gather(x, self.connectivity), self.weight)
        if self.bias is not None:
            y = y + self.bias
        return y


class PartitionedMLP(nn.Module):
    """Each output is a small MLP over its `fan_in` inputs (NeuraLUT).

    For output `o` with gathered inputs `g` (fan_in values):

        h_1 = relu(W_0 g + b_0)                         (fan_in -> width)
        h_k = relu(W_{k-1} h_{k-1} + b_{k-1}) [+ h_{k-2} every second layer]   (width -> width)
        y   = w_out . h_{depth-1} + b_out + w_skip . g  (the linear shortcut)

    `depth` counts the linear layers (>= 2). With depth 4, width 16: three hidden layers, one
    residual connection (h_3 += h_1) and the input shortcut: NeuraLUT's "4 layers, width 16,
    two skip connections".
    """

    def __init__(self, in_features: int, out_features: int, fan_in: int = 3, *,
                 depth: int = 4, width: int = 16, residual: bool = True,
                 input_shortcut: bool = True, connectivity=None, seed: int = 0,
                 balanced: bool = False):
        super().__init__()
        if depth < 2:
            raise ValueError(f"depth counts linear layers and must be >= 2, got {depth}")
        if connectivity is None:
            conn = random_connectivity(in_features, out_features, fan_in, seed, balanced)
        else:
            conn = _check_connectivity(connectivity, in_features, out_features)
        self.in_features, self.out_features = in_features, out_features
        self.fan_in, self.depth, self.width = int(conn.shape[1]), depth, width
        self.residual, self.input_shortcut = residual, input_shortcut
        self.register_buffer("connectivity", conn)
        o = out_features

        def init(*shape, fan):
            b = 1.0 / math.sqrt(fan)
            return nn.Parameter(torch.empty(*shape).uniform_(-b, b))

        self.w_in = init(o, self.fan_in, width, fan=self.fan_in)
        self.b_in = nn.Parameter(torch.zeros(o, width))
        self.w_hidden = nn.ParameterList([init(o, width, width, fan=width) for _ in range(depth - 2)])
        self.b_hidden = nn.ParameterList([nn.Parameter(torch.zeros(o, width)) for _ in range(depth - 2)])
        self.w_out = init(o, width, fan=width)
        self.b_out = nn.Parameter(torch.zeros(o))
        self.w_skip = init(o, self.fan_in, fan=self.fan_in) if input_shortcut else None

    def extra_repr(self) -> str:
        return (f"in={self.in_features}, out={self.out_features}, fan_in={self.fan_in}, "
                f"depth={self.depth}, width={self.width}, residual={self.residual}, "
                f"input_shortcut={self.input_shortcut}")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        g = _gather(x, self.connectivity)
        h = torch.relu(torch.einsum("bof,ofh->boh", g, self.w_in) + self.b_in)
        hs = [h]
        for k, (w, b) in enumerate(zip(self.w_hidden, self.b_hidden)):
            h = torch.relu(torch.einsum("boh,ohk->bok", h, w) + b)
            if self.residual and k % 2 == 1:
                h = h + hs[-2]
            hs.append(h)
        y = torch.einsum("boh,oh->bo", h, self.w_out) + self.b_out
        if self.w_skip is not None:
            y = y + torch.einsum("bof,of->bo", g, self.w_skip)
        return y


class QuantSequential(nn.Sequential):
    """quantizer -> layer -> quantizer -> ... -> quantizer, with access to the boundaries."""

    def __init__(self, *modules: nn.Module):
        super().__init__(*modules)
        if not modules or not isinstance(modules[0], Quantizer) or not isinstance(modules[-1], Quantizer):
            raise ValueError("a QuantSequential starts and ends with a Quantizer")

    @property
    def input_quantizer(self) -> Quantizer:
        return self[0]  # type: ignore[return-value]

    @property
    def output_quantizer(self) -> Quantizer:
        return self[-1]  # type: ignore[return-value]

    def table_input_bits(self) -> list[int]:
        """For each sparse layer, the address width of its tables: fan_in * input code width."""
        bits, last_q = [], None
        for m in self:
            if isinstance(m, Quantizer):
                last_q = m
            elif isinstance(m, (SparseQuantLinear, PartitionedMLP)):
                bits.append(m.fan_in * (last_q.width if last_q else 32))
        return bits

    @torch.no_grad()
    def output_codes(self, x: torch.Tensor) -> torch.Tensor:
        """The output quantizer's codes (int64) for float inputs `x` (evaluation mode)."""
        was = self.training
        self.eval()
        try:
            return self.output_quantizer.to_codes(self(x))
        finally:
            self.train(was)


def build_model(in_features: int, layer_sizes: Sequence[int], fan_ins: Sequence[int], *,
                input_bits: int = 2, input_signed: bool = False, input_scale: float = 1.0,
                hidden_bits: int = 2, output_bits: int = 4, kind: str = "sparse",
                mode: str = "mask", depth: int = 4, width: int = 16, seed: int = 0,
                balanced: bool = False, learn_input_scale: bool = False,
                batch_norm: bool = False) -> QuantSequential:
    """A QuantSequential of sparse layers (`kind` "sparse": SparseQuantLinear, "mlp":
    PartitionedMLP) with quantizers between them. Hidden codes are unsigned (they follow a
    ReLU-free layer, so the quantizer's clamp at 0 is the activation); outputs are signed.
    With `batch_norm`, a `BatchNorm1d` comes between each layer and its quantizer (as in
    LogicNets); in evaluation mode it is an affine map that the tables absorb."""
    if len(layer_sizes) != len(fan_ins):
        raise ValueError("layer_sizes and fan_ins differ in length")
    mods: list[nn.Module] = [Quantizer(input_bits, input_signed, input_scale, learn_input_scale)]
    prev = in_features
    for i, (n, f) in enumerate(zip(layer_sizes, fan_ins)):
        if kind == "sparse":
            mods.append(SparseQuantLinear(prev, n, f, seed=seed + i, balanced=balanced, mode=mode))
        elif kind == "mlp":
            mods.append(PartitionedMLP(prev, n, f, depth=depth, width=width, seed=seed + i,
                                      balanced=balanced))
        else:
            raise ValueError(f"kind must be 'sparse' or 'mlp', got {kind!r}")
        if batch_norm:
            mods.append(nn.BatchNorm1d(n))
        last = i == len(layer_sizes) - 1
        mods.append(Quantizer(output_bits, True, 0.5) if last else Quantizer(hidden_bits, False, 0.5))
        prev = n
    return QuantSequential(*mods)
