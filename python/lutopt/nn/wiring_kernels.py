"""The training-mode forward and backward of learned connections, as numba kernels.

A learned input n reads `v[b, n] = sum_k p[n, k] * x[b, c[n, k]]` (p: the softmax over its K
candidate wires c). Written with PyTorch ops this materialises (B, n, K) products and reduces
over the short K axis, which costs ~10 passes over B*n*K floats per layer; these loops keep
one row of x (a few KiB) in cache and touch each product once. `WeightedGather` is the
autograd function; the evaluation mode never uses it (it is a plain `index_select`, which is
what torch-mlir exports).
"""

from __future__ import annotations

import numba
import numpy as np
import torch


@numba.njit(cache=True)
def _forward(x, c, p):
    bsz, n, kk = x.shape[0], c.shape[0], c.shape[1]
    v = np.zeros((bsz, n), np.float32)
    for b in range(bsz):
        xb = x[b]
        for i in range(n):
            s = np.float32(0.0)
            for k in range(kk):
                s += p[i, k] * xb[c[i, k]]
            v[b, i] = s
    return v


@numba.njit(cache=True)
def _backward(x, c, p, gv, chunks):
    bsz, n, kk = x.shape[0], c.shape[0], c.shape[1]
    gx = np.zeros_like(x)
    gp = np.zeros((chunks, n, kk), np.float32)
    step = (bsz + chunks - 1) // chunks
    for t in range(chunks):
        for b in range(t * step, min(bsz, (t + 1) * step)):
            xb, gxb, gvb = x[b], gx[b], gv[b]
            for i in range(n):
                g = gvb[i]
                for k in range(kk):
                    j = c[i, k]
                    gxb[j] += p[i, k] * g
                    gp[t, i, k] += xb[j] * g
    return gx, gp.sum(0)


class WeightedGather(torch.autograd.Function):
    """(x (B, in) f32, c (n, K) int, p (n, K) f32) -> (B, n): sum_k p[n, k] * x[:, c[n, k]]."""

    @staticmethod
    def forward(ctx, x, c, p):  # type: ignore[override]
        xn = x.detach().contiguous().numpy()
        cn = c.to(torch.int32).contiguous().numpy()
        pn = p.detach().contiguous().numpy()
        ctx.save_for_backward(x, c, p)
        return torch.from_numpy(_forward(xn, cn, pn))

    @staticmethod
    def backward(ctx, gv):  # type: ignore[override]
        x, c, p = ctx.saved_tensors
        chunks = 1
        gx, gp = _backward(x.detach().contiguous().numpy(), c.to(torch.int32).contiguous().numpy(),
                           p.detach().contiguous().numpy(),
                           gv.detach().to(torch.float32).contiguous().numpy(), chunks)
        return torch.from_numpy(gx), None, torch.from_numpy(gp)


def weighted_gather(x: torch.Tensor, c: torch.Tensor, p: torch.Tensor) -> torch.Tensor:
    return WeightedGather.apply(x.to(torch.float32), c, p.to(torch.float32))


@numba.njit(cache=True)
def _gates_forward(x, c, q, coef):
    """y[b, o] = c1 + ca*a + cb*b' + cab*a*b', a and b' the q-weighted candidate sums."""
    bsz, out, kk = x.shape[0], c.shape[0], c.shape[2]
    y = np.empty((bsz, out), np.float32)
    va = np.empty((bsz, out), np.float32)
    vb = np.empty((bsz, out), np.float32)
    for b in range(bsz):
        xb = x[b]
        for o in range(out):
            a = np.float32(0.0)
            bb = np.float32(0.0)
            for k in range(kk):
                a += q[o, 0, k] * xb[c[o, 0, k]]
                bb += q[o, 1, k] * xb[c[o, 1, k]]
            va[b, o] = a
            vb[b, o] = bb
            y[b, o] = coef[o, 0] + coef[o, 1] * a + coef[o, 2] * bb + coef[o, 3] * a * bb
    return y, va, vb


@numba.njit(cache=True)
def _gates_backward(x, c, q, coef, va, vb, gy):
    bsz, out, kk = x.shape[0], c.shape[0], c.shape[2]
    gx = np.zeros_like(x)
    gq = np.zeros(q.shape, np.float32)
    gc = np.zeros(coef.shape, np.float32)
    for b in range(bsz):
        xb, gxb = x[b], gx[b]
        for o in range(out):
            g = gy[b, o]
            a = va[b, o]
            bb = vb[b, o]
            gc[o, 0] += g
            gc[o, 1] += g * a
            gc[o, 2] += g * bb
            gc[o, 3] += g * a * bb
            ga = g * (coef[o, 1] + coef[o, 3] * bb)
            gb = g * (coef[o, 2] + coef[o, 3] * a)
            for k in range(kk):
                j = c[o, 0, k]
                gxb[j] += q[o, 0, k] * ga
                gq[o, 0, k] += xb[j] * ga
                j = c[o, 1, k]
                gxb[j] += q[o, 1, k] * gb
                gq[o, 1, k] += xb[j] * gb
    return gx, gq, gc


class GateLayerTrain(torch.autograd.Function):
    """A LogicLayer's training forward fused: (x (B, in), c (out, 2, K) int, q (out, 2, K)
    candidate weights, coef (out, 4) mixed gate coefficients) -> (B, out)."""

    @staticmethod
    def forward(ctx, x, c, q, coef):  # type: ignore[override]
        xn = x.detach().to(torch.float32).contiguous().numpy()
        cn = c.to(torch.int32).contiguous().numpy()
        qn = q.detach().to(torch.float32).contiguous().numpy()
        fn = coef.detach().to(torch.float32).contiguous().numpy()
        y, va, vb = _gates_forward(xn, cn, qn, fn)
        ctx.arrays = (xn, cn, qn, fn, va, vb)
        return torch.from_numpy(y)

    @staticmethod
    def backward(ctx, gy):  # type: ignore[override]
        xn, cn, qn, fn, va, vb = ctx.arrays
        ctx.arrays = None
        gx, gq, gc = _gates_backward(xn, cn, qn, fn, va, vb,
                                     gy.detach().to(torch.float32).contiguous().numpy())
        return torch.from_numpy(gx), None, torch.from_numpy(gq), torch.from_numpy(gc)
