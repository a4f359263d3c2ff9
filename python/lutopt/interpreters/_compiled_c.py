"""The C backend of the compiled bit-parallel evaluator (`lutopt.interpreters.compiled`).

The program becomes C over a word type of `vector_bits` bits (64: `uint64_t`; 128, 256
or 512: a GCC/Clang vector of `uint64_t`, which the compiler maps to SSE/AVX registers,
or splits where the machine has none), one assignment per instruction, cut into
functions of `CHUNK` instructions (see `c_source`), called by

    int lutopt_bitsim(const uint64_t *in, uint64_t *out, int64_t words)   /* 0, or 1: no memory */

`in` is uint64[inputs, words] and `out` uint64[outputs, words] (`pack_bits`'s layout,
64 vectors per word); `words` is a multiple of vector_bits / 64 (the caller pads). The
library is built with `$CC` (default `cc`) and `FLAGS` (plain `-O1` if the compiler
refuses them) and cached in `$LUTOPT_CACHE_DIR` (default `~/.cache/lutopt/bitsim`) under
a hash of the source, the command and the compiler's version, so each design is compiled
once per machine (and loaded once per process): `lutopt.cbuild`, which the C kernels of
the partition enumeration share.
"""

from __future__ import annotations

import ctypes
import time

import numpy as np

from lutopt.cbuild import cache_dir, find_compiler, load_library  # noqa: F401  (cache_dir: re-exported)
from lutopt.diagnostics import LutoptError

VECTOR_BITS = (64, 128, 256, 512)

CHUNK = 500
"""Instructions per generated C function (see `c_source`)."""

_GATE_C = {
    0: "Z", 1: "{a} & {b}", 2: "{a} & ~{b}", 3: "{a}", 4: "~{a} & {b}", 5: "{b}", 6: "{a} ^ {b}",
    7: "{a} | {b}", 8: "~({a} | {b})", 9: "~({a} ^ {b})", 10: "~{b}", 11: "{a} | ~{b}", 12: "~{a}",
    13: "~{a} | {b}", 14: "~({a} & {b})", 15: "~Z",
}

FLAGS = ("-O1", "-march=native", "--param=max-combine-insns=2", "-fno-tree-pta")
"""The compiler's flags: on straight-line code GCC's combiner and points-to analysis take
most of the time. On the MNIST example's 6-LUTs (functions of 250 instructions) these
compiled in 2.9 CPU-s and ran at 17 M vectors/s, `-O2 -march=native
--param=max-combine-insns=2` in 4.9 CPU-s at 20 M/s, plain `-O2 -march=native` in 9.3 s
(GCC 12, AVX-512 machine, load 7)."""
_LIBS: dict[str, ctypes.CDLL] = {}  # loaded libraries by hash


def c_source(program, vector_bits: int = 256, chunk: int = CHUNK) -> str:
    """The C source of `program` (see the module docstring).

    The instructions are cut into functions of `chunk` instructions: compilers take time
    superlinear in the size of one basic block (GCC 12 at -O1 took 44 CPU-seconds on one
    block of 18,123 instructions, and about 3 with `FLAGS` on 37 functions of 500). A value read by a
    later chunk is stored in a per-block array `v` (rows reused once no later chunk reads
    them; on the heap); values read within their chunk are local; an output is stored by
    the function that computes it (those that are inputs or constants by functions of
    `chunk` stores)."""
    if vector_bits not in VECTOR_BITS:
        raise ValueError(f"vector_bits must be one of {VECTOR_BITS}, got {vector_bits}")
    if chunk < 1:
        raise ValueError(f"chunk must be positive, got {chunk}")
    lanes = vector_bits // 64
    first = program.first_temp
    n = program.num_instructions
    ops, aa, bb, cc = (x.tolist() for x in (program.op, program.a, program.b, program.c))
    outputs = program.outputs.tolist()
    nchunks = max(1, -(-n // chunk))
    # The last chunk that reads each temporary; outputs are written by the chunk that
    # computes them, and those of inputs and constants by functions of their own.
    last = [-1] * n
    for k in range(n):
        ch = k // chunk
        for s in (aa[k], bb[k]) + ((cc[k],) if ops[k] == 16 else ()):
            if s >= first and last[s - first] < ch:
                last[s - first] = ch
    stores: dict[int, list[int]] = {}
    direct: list[tuple[int, int]] = []  # (output, slot) of outputs that are inputs or constants
    for j, s in enumerate(outputs):
        if s >= first:
            stores.setdefault(s - first, []).append(j)
        else:
            direct.append((j, s))
    # Rows of v for values that leave their chunk: free once their last reader chunk ends.
    row: dict[int, int] = {}
    free: list[int] = []
    rows = 0
    dying: list[list[int]] = [[] for _ in range(nchunks + 1)]
    for ch in range(nchunks):
        for k in range(ch * chunk, min(n, (ch + 1) * chunk)):
            if last[k] > ch:
                if free:
                    row[k] = free.pop()
                else:
                    row[k] = rows
                    rows += 1
                dying[last[k]].append(k)
        # rows whose last reader is this chunk are free for the next chunk's values
        free.extend(row[k] for k in dying[ch])

    lines = [
        f"/* lutopt bit-parallel evaluator of @{program.name}: {program.num_inputs} input bits, "
        f"{len(outputs)} output bits, {n} instructions in {nchunks} chunks */",
        "#include <stdint.h>",
        "#include <string.h>",
    ]
    if lanes == 1:
        lines.append("typedef uint64_t w_t;")
    else:
        lines.append(f"typedef uint64_t w_t __attribute__((vector_size({vector_bits // 8})));")
    lines.append("#include <stdlib.h>")
    lines.append("#define LD(i) ({ w_t x_; memcpy(&x_, in + (int64_t)(i) * words + k, sizeof(w_t)); x_; })")
    lines.append("#define ST(j, x) do { w_t y_ = (x); memcpy(out + (int64_t)(j) * words + k, &y_, sizeof(w_t)); } while (0)")
    args = "const uint64_t *restrict in, uint64_t *restrict out, int64_t words, int64_t k, w_t *restrict v"
    calls: list[str] = []

    for ch in range(nchunks):
        lo, hi = ch * chunk, min(n, (ch + 1) * chunk)
        local: set[int] = set()
        body = []
        inputs_read: dict[int, None] = {}

        def name(s: int) -> str:
            if s == 0:
                return "Z"
            if s == 1:
                return "(~Z)"
            if s < first:
                inputs_read[s - 2] = None
                return f"x{s - 2}"
            t = s - first
            return f"t{t}" if t in local else f"v[{row[t]}]"

        for k in range(lo, hi):
            op = ops[k]
            if op == 16:
                x, y, z = name(aa[k]), name(bb[k]), name(cc[k])
                expr = f"{z} ^ ({x} & ({y} ^ {z}))"
            else:
                expr = _GATE_C[op].format(a=name(aa[k]), b=name(bb[k]))
            body.append(f"  w_t t{k} = {expr};")
            local.add(k)
            if last[k] > ch:
                body.append(f"  v[{row[k]}] = t{k};")
            body += [f"  ST({j}, t{k});" for j in stores.get(k, ())]
        if lo >= hi:
            continue
        lines.append(f"static __attribute__((noinline)) void chunk{ch}({args}) {{")
        lines.append("  const w_t Z = {0}; (void)Z;")
        lines += [f"  const w_t x{i} = LD({i});" for i in inputs_read]
        lines += body
        lines.append("}")
        calls.append(f"chunk{ch}")
    for m in range(0, len(direct), chunk):
        lines.append(f"static __attribute__((noinline)) void outputs{m // chunk}({args}) {{")
        lines.append("  const w_t Z = {0}; (void)Z; (void)v;")
        for j, s in direct[m : m + chunk]:
            lines.append(f"  ST({j}, {'Z' if s == 0 else '~Z' if s == 1 else f'LD({s - 2})'});")
        lines.append("}")
        calls.append(f"outputs{m // chunk}")

    # v lives on the heap (a wide layer may need megabytes), aligned for the vector type
    vbytes = -(-max(rows, 1) * (vector_bits // 8) // 64) * 64
    lines += [
        "int lutopt_bitsim(const uint64_t *restrict in, uint64_t *restrict out, int64_t words) {",
        f"  w_t *v = aligned_alloc(64, {vbytes});",
        "  if (!v) return 1;",
        f"  for (int64_t k = 0; k < words; k += {lanes}) {{",
    ]
    lines += [f"    {c}(in, out, words, k, v);" for c in calls]
    lines += ["  }", "  free(v);", "  return 0;", "}", ""]
    return "\n".join(lines)


def build(source: str, cc: str | None = None, flags: tuple[str, ...] = FLAGS) -> tuple[ctypes.CDLL, bool, float]:
    """Compiles `source` into a shared library (or takes it from the cache) and loads it:
    (library, taken from the cache, seconds spent compiling)."""
    cc = cc or find_compiler()
    if cc is None:
        raise LutoptError("no C compiler found for the compiled simulator (set CC, or use backend='numba')")
    lib, cached, seconds = load_library(
        source, cc, tuple(flags), ("-O1",), prefix="bitsim", what="the bit-parallel simulator", memo=_LIBS
    )
    lib.lutopt_bitsim.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64]
    lib.lutopt_bitsim.restype = ctypes.c_int
    return lib, cached, seconds


class CKernel:
    """A program compiled to a shared library (see the module docstring)."""

    def __init__(
        self, program, vector_bits: int = 256, cc: str | None = None, chunk: int = CHUNK,
        flags: tuple[str, ...] = FLAGS,
    ):
        t0 = time.perf_counter()
        self.source = c_source(program, vector_bits, chunk)
        t1 = time.perf_counter()
        self.lanes = vector_bits // 64
        self.num_outputs = len(program.outputs)
        lib, cached, seconds = build(self.source, cc, tuple(flags))
        self._fn = lib.lutopt_bitsim
        self.stats = {
            "codegen_s": t1 - t0,
            "cc_s": seconds,
            "cached": float(cached),
            "vector_bits": float(vector_bits),
            "source_bytes": float(len(self.source)),
        }

    def run(self, words: np.ndarray) -> np.ndarray:
        n = words.shape[1]
        padded = -(-n // self.lanes) * self.lanes if n else 0
        if padded != n:
            w = np.zeros((words.shape[0], padded), dtype=np.uint64)
            w[:, :n] = words
            words = w
        out = np.empty((self.num_outputs, padded), dtype=np.uint64)
        if padded and self._fn(words.ctypes.data, out.ctypes.data, padded) != 0:
            raise MemoryError("the compiled simulator could not allocate its value buffer")
        return out[:, :n] if padded != n else out
