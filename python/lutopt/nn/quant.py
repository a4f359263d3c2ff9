"""The quantizer: DESIGN.md's code semantics as a PyTorch module.

A quantizer with scale `s` and bounds `qmin..qmax` maps `x` to the code

    q = clamp(round_half_even(x / s), qmin, qmax)

and to the value `q * s`. In evaluation mode (and so in every export) the forward pass is
written exactly as

    torch.clamp(torch.round(x / s), qmin, qmax) * s

which torch-mlir prints as four elementwise `linalg.generic`s: `arith.divf` by the scale (a
0-d `tensor<f32>` constant), `math.roundeven`, the clamp (`arith.cmpf ult/ugt` +
`arith.select`), and `arith.mulf` by the scale. That chain is what lutopt recognises as
`nn.quantize`.

In training mode the rounding goes through a straight-through estimator (the gradient of
`round` is taken as 1), and the scale, when learned, gets LSQ's gradient. The training-mode
graph is never exported: `lutopt.nn.export.export_model` puts the model in evaluation mode
first, and torch.export resolves the `self.training` branch while tracing.

Codes are unsigned `i<w>` when `qmin >= 0`, two's complement otherwise, `w` being the
smallest width that holds `qmin..qmax` (-4..3 is `i3`, 0..3 is `i2`).
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from lutopt.nn.codes import bits_to_codes, code_range, code_width, codes_to_bits

__all__ = ["Quantizer", "bits_to_codes", "code_range", "code_width", "codes_to_bits"]


class _RoundSTE(torch.autograd.Function):
    """round_half_even in the forward pass, identity in the backward pass."""

    @staticmethod
    def forward(ctx, x):  # type: ignore[override]
        return torch.round(x)

    @staticmethod
    def backward(ctx, g):  # type: ignore[override]
        return g


class Quantizer(nn.Module):
    """Uniform quantizer with DESIGN.md's semantics.

    Args:
        bits: code width; the bounds are the full range of a `bits`-wide code unless
            `qmin`/`qmax` are given.
        signed: two's-complement codes (-2^(b-1)..2^(b-1)-1) rather than 0..2^b-1.
        scale: initial (or fixed) step size `s`, > 0.
        learn_scale: make `s` a trained parameter (LSQ gradient); otherwise a buffer.
        qmin, qmax: explicit bounds (e.g. -3..3, a symmetric `i3` code).
    """

    def __init__(
        self,
        bits: int = 2,
        signed: bool = False,
        scale: float = 1.0,
        learn_scale: bool = True,
        qmin: int | None = None,
        qmax: int | None = None,
    ):
        super().__init__()
        lo, hi = code_range(bits, signed)
        self.qmin = int(lo if qmin is None else qmin)
        self.qmax = int(hi if qmax is None else qmax)
        if self.qmin > self.qmax:
            raise ValueError(f"empty code range {self.qmin}..{self.qmax}")
        if not scale > 0:
            raise ValueError(f"the scale must be positive, got {scale}")
        self.signed = self.qmin < 0
        self.width = code_width(self.qmin, self.qmax)
        self.learn_scale = learn_scale
        self.float_mode = False
        s = torch.tensor(float(scale), dtype=torch.float32)
        if learn_scale:
            self.scale = nn.Parameter(s)
        else:
            self.register_buffer("scale", s)

    def extra_repr(self) -> str:
        kind = "i" if not self.signed else "si"
        return (f"codes={self.qmin}..{self.qmax} ({kind}{self.width}), "
                f"scale={self.scale.item():.6g}, learn_scale={self.learn_scale}")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.float_mode:
            # The float twin: the same range, no rounding (for a float baseline).
            return torch.clamp(x, self.qmin * self.scale, self.qmax * self.scale)
        if not self.training:
            # The exported form: exactly divf, roundeven, clamp, mulf.
            return torch.clamp(torch.round(x / self.scale), self.qmin, self.qmax) * self.scale
        if self.learn_scale:
            with torch.no_grad():
                self.scale.clamp_(min=1e-6)
            # LSQ: scale the step size's gradient by 1/sqrt(elements per step * qmax).
            g = 1.0 / math.sqrt(max(1, x[0].numel()) * max(1, abs(self.qmax), abs(self.qmin)))
            s = (self.scale - self.scale * g).detach() + self.scale * g
        else:
            s = self.scale
        return torch.clamp(_RoundSTE.apply(x / s), self.qmin, self.qmax) * s

    # -- conversions between floats and codes -------------------------------------------
    @torch.no_grad()
    def to_codes(self, x: torch.Tensor) -> torch.Tensor:
        """The integer codes (int64) of `x`: clamp(round_half_even(x / s), qmin, qmax)."""
        x = torch.as_tensor(x, dtype=torch.float32)
        return torch.clamp(torch.round(x / self.scale), self.qmin, self.qmax).to(torch.int64)

    @torch.no_grad()
    def from_codes(self, q: torch.Tensor) -> torch.Tensor:
        """The values (float32) of integer codes: q * s."""
        q = torch.as_tensor(q)
        return q.to(torch.float32) * self.scale

    def to_bits(self, q) -> np.ndarray:
        """Codes as the bit patterns a hardware port carries (two's complement, uint64)."""
        return codes_to_bits(np.asarray(q), self.width)

    def from_bits(self, bits) -> np.ndarray:
        """A port's bit patterns back to codes (int64)."""
        return bits_to_codes(bits, self.width, self.signed)
