"""numba kernels of the partition enumeration (`nn_enumerate.contract`), compiled on first
use and cached on disk (`cache=True`), so later runs load them in milliseconds. They are
serial and release the GIL (`nogil`): the enumeration runs chunks in parallel threads.

`contract_fused` rounds once per step (a true fused multiply-add, LLVM's `llvm.fma`),
`contract_plain` rounds the product and the sum separately; both accumulate over k in
order, starting from `init`. Arrays: x (1 or P, N, Cin), init (1 or P, 1 or N, C),
w (P, C, K) float32, idx (P, C, K) int32, bias (P, C) float32 (added after the
accumulation, rounded separately, when has_bias), out (P, N, C).
"""

from __future__ import annotations

import numpy as np
from numba import njit, types
from numba.extending import intrinsic


@intrinsic
def fma32(typingctx, a, b, c):
    sig = types.float32(types.float32, types.float32, types.float32)

    def codegen(context, builder, signature, args):
        return builder.fma(*args)

    return sig, codegen


@njit(cache=True, nogil=True, error_model="numpy")
def contract_fused(x, init, w, idx, bias, has_bias, out):
    P, N, C = out.shape
    K = w.shape[2]
    sx = 1 if x.shape[0] > 1 else 0
    sp = 1 if init.shape[0] > 1 else 0
    sn = 1 if init.shape[1] > 1 else 0
    for p in range(P):
        acc = np.empty(C, np.float32)
        for n in range(N):
            for c in range(C):
                acc[c] = init[p * sp, n * sn, c]
            # k outer, c inner: C independent accumulation chains (each still in order of k)
            for k in range(K):
                for c in range(C):
                    acc[c] = fma32(x[p * sx, n, idx[p, c, k]], w[p, c, k], acc[c])
            if has_bias:
                for c in range(C):
                    out[p, n, c] = acc[c] + bias[p, c]
            else:
                for c in range(C):
                    out[p, n, c] = acc[c]


@njit(cache=True, nogil=True, error_model="numpy")
def contract_plain(x, init, w, idx, bias, has_bias, out):
    P, N, C = out.shape
    K = w.shape[2]
    sx = 1 if x.shape[0] > 1 else 0
    sp = 1 if init.shape[0] > 1 else 0
    sn = 1 if init.shape[1] > 1 else 0
    for p in range(P):
        acc = np.empty(C, np.float32)
        for n in range(N):
            for c in range(C):
                acc[c] = init[p * sp, n * sn, c]
            # k outer, c inner: C independent accumulation chains (each still in order of k)
            for k in range(K):
                for c in range(C):
                    prod = x[p * sx, n, idx[p, c, k]] * w[p, c, k]
                    acc[c] = acc[c] + prod
            if has_bias:
                for c in range(C):
                    out[p, n, c] = acc[c] + bias[p, c]
            else:
                for c in range(C):
                    out[p, n, c] = acc[c]


@njit(cache=True, nogil=True, error_model="numpy")
def contract_dense_fused(x, init, wt, idx, bias, has_bias, out):
    """As `contract_fused` when every output element reads the same inputs (a dense layer):
    wt (P, K, C) is the weights transposed, idx (P, K); the loop over c vectorises."""
    P, N, C = out.shape
    K = wt.shape[1]
    sx = 1 if x.shape[0] > 1 else 0
    sp = 1 if init.shape[0] > 1 else 0
    sn = 1 if init.shape[1] > 1 else 0
    for p in range(P):
        acc = np.empty(C, np.float32)
        for n in range(N):
            for c in range(C):
                acc[c] = init[p * sp, n * sn, c]
            for k in range(K):
                xv = x[p * sx, n, idx[p, k]]
                for c in range(C):
                    acc[c] = fma32(xv, wt[p, k, c], acc[c])
            if has_bias:
                for c in range(C):
                    out[p, n, c] = acc[c] + bias[p, c]
            else:
                for c in range(C):
                    out[p, n, c] = acc[c]


@njit(cache=True, nogil=True, error_model="numpy")
def contract_dense_plain(x, init, wt, idx, bias, has_bias, out):
    """As `contract_plain` for a dense layer (see `contract_dense_fused`)."""
    P, N, C = out.shape
    K = wt.shape[1]
    sx = 1 if x.shape[0] > 1 else 0
    sp = 1 if init.shape[0] > 1 else 0
    sn = 1 if init.shape[1] > 1 else 0
    for p in range(P):
        acc = np.empty(C, np.float32)
        for n in range(N):
            for c in range(C):
                acc[c] = init[p * sp, n * sn, c]
            for k in range(K):
                xv = x[p * sx, n, idx[p, k]]
                for c in range(C):
                    prod = xv * wt[p, k, c]
                    acc[c] = acc[c] + prod
            if has_bias:
                for c in range(C):
                    out[p, n, c] = acc[c] + bias[p, c]
            else:
                for c in range(C):
                    out[p, n, c] = acc[c]
