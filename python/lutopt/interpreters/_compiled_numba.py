"""The numba backend of the compiled bit-parallel evaluator (`lutopt.interpreters.compiled`).

One kernel for every design (compiled by numba on first use and cached on disk): it walks
the program's instruction arrays once per block of `block_words` words, each instruction a
loop over the block. Slots are reused once their last reader has run, so the working set
stays in cache. No per-design compilation; slower per gate than the C backend, whose
compiler keeps values in registers.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from lutopt.interpreters.compiled import MUX


def allocate(program) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """Registers for the program's slots: each instruction writes a storage row freed once
    its last reader has run. Returns the remapped (dst, a, b, c, outputs, rows)."""
    first = program.first_temp
    n = program.num_instructions
    op = program.op
    a, b, c = program.a.astype(np.int64), program.b.astype(np.int64), program.c.astype(np.int64)
    last = np.full(first + n, -1, dtype=np.int64)
    idx = np.arange(n)
    for arr, sel in ((a, None), (b, None), (c, op == MUX)):
        k = idx if sel is None else idx[sel]
        np.maximum.at(last, arr[k], k)
    last[program.outputs] = n  # outputs live to the end
    row = np.arange(first + n, dtype=np.int64)
    free: list[int] = []
    rows = first
    dst = np.empty(n, dtype=np.int64)
    dying: list[list[int]] = [[] for _ in range(n + 1)]
    for s in range(first, first + n):
        if last[s] >= 0:
            dying[last[s]].append(s)
    for k in range(n):
        s = first + k
        # read operands before freeing; a row freed here may be the destination
        for d in dying[k]:
            if d >= first:
                free.append(int(row[d]))
        if free:
            r = free.pop()
        else:
            r = rows
            rows += 1
        row[s] = r
        dst[k] = r
    remap = lambda arr: row[arr]  # noqa: E731
    return dst, remap(a), remap(b), remap(np.where(op == MUX, c, 0)), remap(program.outputs.astype(np.int64)), rows


@njit(cache=True, nogil=True)
def _run(op, dst, a, b, c, outs, inputs, out, rows, block):  # pragma: no cover - numba
    n_in, words = inputs.shape
    v = np.zeros((rows, block), dtype=np.uint64)
    ones = ~np.uint64(0)
    for w in range(block):
        v[1, w] = ones
    for start in range(0, words, block):
        m = min(block, words - start)
        for i in range(n_in):
            for w in range(m):
                v[2 + i, w] = inputs[i, start + w]
        for k in range(op.shape[0]):
            f = op[k]
            d, x, y = dst[k], a[k], b[k]
            if f == 1:
                for w in range(m):
                    v[d, w] = v[x, w] & v[y, w]
            elif f == 6:
                for w in range(m):
                    v[d, w] = v[x, w] ^ v[y, w]
            elif f == 7:
                for w in range(m):
                    v[d, w] = v[x, w] | v[y, w]
            elif f == 16:
                z = c[k]
                for w in range(m):
                    v[d, w] = v[z, w] ^ (v[x, w] & (v[y, w] ^ v[z, w]))
            elif f == 2:
                for w in range(m):
                    v[d, w] = v[x, w] & ~v[y, w]
            elif f == 4:
                for w in range(m):
                    v[d, w] = ~v[x, w] & v[y, w]
            elif f == 12:
                for w in range(m):
                    v[d, w] = ~v[x, w]
            else:  # the other gates through their truth table
                m3 = ones if (f >> 3) & 1 else np.uint64(0)
                m2 = ones if (f >> 2) & 1 else np.uint64(0)
                m1 = ones if (f >> 1) & 1 else np.uint64(0)
                m0 = ones if f & 1 else np.uint64(0)
                for w in range(m):
                    p, q = v[x, w], v[y, w]
                    v[d, w] = (m3 & ~p & ~q) | (m2 & ~p & q) | (m1 & p & ~q) | (m0 & p & q)
        for j in range(outs.shape[0]):
            r = outs[j]
            for w in range(m):
                out[j, start + w] = v[r, w]


class NumbaKernel:
    def __init__(self, program, block_words: int = 64):
        import time

        t0 = time.perf_counter()
        self.dst, self.a, self.b, self.c, self.outs, self.rows = allocate(program)
        self.op = np.ascontiguousarray(program.op, dtype=np.uint8)
        self.block = int(block_words)
        self.num_inputs = program.num_inputs
        t1 = time.perf_counter()
        self.run(np.zeros((self.num_inputs, 1), dtype=np.uint64))  # numba's compilation or cache load
        self.stats = {"allocate_s": t1 - t0, "jit_s": time.perf_counter() - t1, "rows": float(self.rows)}

    def run(self, words: np.ndarray) -> np.ndarray:
        out = np.empty((len(self.outs), words.shape[1]), dtype=np.uint64)
        _run(self.op, self.dst, self.a, self.b, self.c, self.outs, words, out, self.rows, self.block)
        return out
