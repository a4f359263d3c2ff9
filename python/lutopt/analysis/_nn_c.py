"""C kernels of the partition enumeration (`nn_enumerate`): one C function per program.

A group's `Program` (see `nn_enumerate.compile_partition`) becomes one C function that
evaluates the whole program, for a range of partitions and a range of table entries,
`LANES` entries at a time: every value of the program is an array `[elements][LANES]`
and every instruction a loop over its elements with an inner loop over the lanes, which
the compiler vectorises. The per-partition data (weights, indices, constants) is read
from the stacked arrays through pointers, the scales from an array of float32 (so a
retrained model of the same structure reuses the compiled library); shapes, bounds and
the scalar bodies of `nn.map` are in the source. The function is

    int lutopt_nnenum(int64_t p0, int64_t p1, int64_t n0, int64_t n1,
                      const int64_t *codes, int64_t cstride, int64_t cpstride,
                      const void *const *data, const int64_t *pstride, const float *scal,
                      uint64_t *out, int64_t ostride)     /* 0, or 1: no memory */

It writes `out[p * ostride + n]` for p0 <= p < p1, n0 <= n < n1: the code of entry n
(operand 0 in the most significant bits) of partition p, or with `codes` of the operand
codes `codes[p * cpstride + n * cstride + operand]` (cpstride 0: the same rows for every
partition). `data[k]` is the stacked array of data key k, `pstride[k]` its elements per
partition (0: shared).

Float semantics are those of the NumPy evaluation, bit for bit: float32 throughout,
`fmaf` for a fused contraction step (one rounding, as numba's `llvm.fma`), and the file is
compiled with `-ffp-contract=off` (never a fused multiply-add where the program rounds the
product) and without `-ffast-math`; division then `nearbyintf` (round half to even in the
default rounding mode) for `nn.quantize`, a NaN giving the lower bound as in
`quantize_codes`. Map bodies are translated op by op (`_OPS`); an op with no bit-exact C
form (transcendental functions: NumPy's `exp` and `tanh` are not the C library's) or a
program form this module does not know raises `NotCompilable`, and the caller falls
back to the NumPy/numba evaluation.
"""

from __future__ import annotations

import ctypes
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from xdsl.dialects import arith
from xdsl.dialects.builtin import Float32Type, IntegerType
from xdsl.ir import Block

from lutopt.interpreters.tensor import attr_array, cmpf_predicate

LANES = 64
"""Table entries evaluated together (the inner loop of every instruction). On the JSC
benchmark's partitions (3.4M entries, AMD EPYC with AVX-512, GCC 12) 64 lanes ran in 0.042
CPU-s, 32 in 0.050, 16 in 0.066: about one 512-bit FMA per cycle, the machine's peak."""
VECTORS = ((16, 2), (8, 1))
"""(lanes in one vector `vf`, output elements of a contraction accumulated together): 16
(64 bytes) where the compiler targets AVX-512, else 8 (32 bytes: AVX, or pairs of 16-byte
registers). On the JSC partitions (GCC 12, AMD EPYC): with AVX-512, 0.042 CPU-s (32 bytes:
0.058); with `-march=haswell` (AVX2), 0.062 (64 bytes: 0.257, the compiler splits them
badly)."""

FLAGS = ("-O2", "-march=native", "-ffp-contract=off", "-fno-math-errno")
"""`-ffp-contract=off`: GCC would otherwise contract `a * b + c` into a fused multiply-add
(it does by default in GNU C mode), which rounds once where the program rounds twice.
`-fno-math-errno` only lets `sqrtf` be one instruction (no `errno` for negative inputs);
no flag that changes a float result (`-ffast-math` and its parts) is used. `-O3` ran 25%
slower (it unrolls the loops over lanes and then vectorises across elements)."""
FALLBACK_FLAGS = None
"""None: a compiler that refuses `-march=native` gets no second try (the enumeration falls
back to numba): without it, x86-64 has no FMA instruction and `fmaf` is a call to the C
library (same results, 70 times slower)."""

_LIBS: dict[str, ctypes.CDLL] = {}  # loaded libraries by hash


class NotCompilable(Exception):
    """A program (or a map body) with no bit-exact C translation here: the reason."""


# --------------------------------------------------------------------- map bodies


def _float_literal(v: float) -> str:
    if math.isnan(v):
        return '__builtin_nanf("")'
    if math.isinf(v):
        return "__builtin_inff()" if v > 0 else "(-__builtin_inff())"
    return f"({float(v).hex()}f)"


def _cmpf(pred: str, a: str, b: str) -> str:
    """arith.cmpf as NumPy evaluates it (`tensor._cmpf`): C's comparisons are the ordered
    ones (false on NaN); an unordered predicate is the negation of an ordered one."""
    return {
        "false": "0",
        "oeq": f"({a} == {b})",
        "ogt": f"({a} > {b})",
        "oge": f"({a} >= {b})",
        "olt": f"({a} < {b})",
        "ole": f"({a} <= {b})",
        "one": f"(({a} < {b}) | ({a} > {b}))",
        "ord": f"(({a} == {a}) & ({b} == {b}))",
        "ueq": f"!(({a} < {b}) | ({a} > {b}))",
        "ugt": f"!({a} <= {b})",
        "uge": f"!({a} < {b})",
        "ult": f"!({a} >= {b})",
        "ule": f"!({a} > {b})",
        "une": f"({a} != {b})",
        "uno": f"(({a} != {a}) | ({b} != {b}))",
        "true": "1",
    }[pred]


# NumPy's results, signed zeros included: np.maximum/np.minimum propagate a NaN and return
# the second operand when the two compare equal (maxps); np.fmax/np.fmin return the other
# operand of a NaN (NumPy's own scalar loop, used for short arrays and tails, returns the
# first operand of equal zeros where its vector loop returns the second: the vector loop's
# choice is taken here).
_OPS: dict[str, Callable[..., str]] = {
    "arith.addf": lambda op, a, b: f"{a} + {b}",
    "arith.subf": lambda op, a, b: f"{a} - {b}",
    "arith.mulf": lambda op, a, b: f"{a} * {b}",
    "arith.divf": lambda op, a, b: f"{a} / {b}",
    "arith.negf": lambda op, a: f"-{a}",
    "arith.maximumf": lambda op, a, b: f"({a} != {a}) ? {a} : ({b} != {b}) ? {b} : ({a} > {b}) ? {a} : {b}",
    "arith.minimumf": lambda op, a, b: f"({a} != {a}) ? {a} : ({b} != {b}) ? {b} : ({a} < {b}) ? {a} : {b}",
    "arith.maxnumf": lambda op, a, b: f"({b} != {b}) ? {a} : ({a} != {a}) ? {b} : ({a} > {b}) ? {a} : {b}",
    "arith.minnumf": lambda op, a, b: f"({b} != {b}) ? {a} : ({a} != {a}) ? {b} : ({a} < {b}) ? {a} : {b}",
    "math.absf": lambda op, a: f"fabsf({a})",
    "math.roundeven": lambda op, a: f"nearbyintf({a})",
    # NumPy's formula, sign(a) * floor(|a| + 0.5) (np.sign of +-0 is +0, of NaN NaN)
    "math.round": lambda op, a: (
        f"(({a} > 0.0f) ? 1.0f : ({a} < 0.0f) ? -1.0f : ({a} != {a}) ? {a} : 0.0f) * floorf(fabsf({a}) + 0.5f)"
    ),
    "math.floor": lambda op, a: f"floorf({a})",
    "math.ceil": lambda op, a: f"ceilf({a})",
    "math.trunc": lambda op, a: f"truncf({a})",
    "math.sqrt": lambda op, a: f"sqrtf({a})",
    "arith.cmpf": lambda op, a, b: _cmpf(cmpf_predicate(op), a, b),
    "arith.select": lambda op, c, a, b: f"{c} ? {a} : {b}",
}


def _c_type(t) -> str:
    if isinstance(t, Float32Type):
        return "float"
    if isinstance(t, IntegerType) and t.width.data == 1:
        return "int"
    raise NotCompilable(f"a map body value of type {t}")


def body_c(block: Block, args: Sequence[str], prefix: str) -> tuple[list[str], str]:
    """The statements of a map body on the scalar C expressions `args`, and the C
    expression of its result; local names start with `prefix`."""
    env = {a: name for a, name in zip(block.args, args)}
    lines: list[str] = []
    for i, op in enumerate(block.ops):
        if op.name in ("nn.yield", "linalg.yield"):
            if len(op.operands) != 1 or op.operands[0] not in env:
                raise NotCompilable("a map body that does not yield one value of its own")
            return lines, env[op.operands[0]]
        if len(op.results) != 1:
            raise NotCompilable(f"'{op.name}' in a map body")
        t = _c_type(op.results[0].type)
        if isinstance(op, arith.ConstantOp):
            a = attr_array(op.value)
            if a is None or a.shape != ():
                raise NotCompilable("a map body constant that is not a scalar")
            if t == "float" and a.dtype == np.float32:
                expr = _float_literal(float(a))
            elif t == "int" and a.dtype == np.bool_:
                expr = "1" if bool(a) else "0"
            else:
                raise NotCompilable(f"a map body constant of type {op.results[0].type}")
        else:
            fn = _OPS.get(op.name)
            if fn is None:
                raise NotCompilable(f"'{op.name}' in a map body has no bit-exact C form here")
            for v in op.operands:
                if v not in env:
                    raise NotCompilable(f"'{op.name}' in a map body reads a value from outside")
                _c_type(v.type)
            expr = fn(op, *[env[v] for v in op.operands])
        name = f"{prefix}{i}"
        lines.append(f"const {t} {name} = {expr};")
        env[op.results[0]] = name
    raise NotCompilable("a map body without a terminator")


# --------------------------------------------------------------------- programs


def _contract_c(
    dst: str, x: str, init: str, w: str, ix: str, b: str | None, C: int, K: int, fused: bool, cblock: int, nv: int
) -> list[str]:
    """An `nn.contract` on the lanes, `cblock` output elements at a time: the accumulators
    are vectors (`vf`, `VL` lanes each) held in registers, `cblock * L / VL` independent
    chains of multiply-adds that hide each other's latency, each in order of k."""
    out = []
    full = C - C % cblock
    blocks = ([(f"c0 < {full}", cblock, f"c0 += {cblock}", "0")] if full else []) + (
        [("c0 == " + str(full), C % cblock, "c0++", str(full))] if C % cblock else []
    )
    for cond, n, inc, start in blocks:
        acc = [(j, u) for j in range(n) for u in range(nv)]
        out.append(f"for (int c0 = {start}; {cond}; {inc}) {{")
        for j, u in acc:
            out.append(f"  vf a{j}_{u} = VLOAD({init}[c0 + {j}], {u});")
        out.append(f"  for (int k = 0; k < {K}; k++) {{")
        for j in range(n):
            out.append(f"    const float *x{j} = {x}[{ix}[(c0 + {j}) * {K} + k]]; const vf w{j} = SPLAT({w}[(c0 + {j}) * {K} + k]);")
        for j, u in acc:
            if fused:
                out.append(f"    a{j}_{u} = vfma(VLOAD(x{j}, {u}), w{j}, a{j}_{u});")
            else:
                out.append(f"    a{j}_{u} = a{j}_{u} + VLOAD(x{j}, {u}) * w{j};")
        out.append("  }")
        for j in range(n):
            if b is not None:
                out.append(f"  const vf b{j} = SPLAT({b}[c0 + {j}]);")
            for u in range(nv):
                out.append(f"  VSTORE({dst}[c0 + {j}], {u}, a{j}_{u}{'' if b is None else f' + b{j}'});")
        out.append("}")
    return out


@dataclass
class CSource:
    source: str
    scales: list[float]
    """The float32 scalars the function reads (`scal`), in order."""
    dtypes: dict[int, type]
    """The dtype of each data key (the stacked arrays are converted to it)."""
    index_checks: list[tuple[int, int]]
    """(data key, bound): indices that must lie in [0, bound)."""


def c_source(prog, bodies: dict[tuple, Block], lanes: int = LANES, cblock: int | None = None) -> CSource:
    """The C source of `prog` (an `nn_enumerate.Program`, its map bodies in `bodies` by
    key); raises NotCompilable."""
    if lanes % 16 or (cblock is not None and cblock < 1):
        raise ValueError("lanes must be a multiple of 16 and cblock positive")
    L = lanes
    nops = len(prog.widths)
    shifts = [int(s) for s in np.cumsum([0] + prog.widths[::-1])[:-1][::-1]]
    kind: dict[int, str] = {}  # slot -> 'i' (int32 codes), 'u' (uint64 quantized codes), 'f' (float32)
    length: dict[int, int] = {}
    dtypes: dict[int, type] = {}
    checks: list[tuple[int, int]] = []
    scales: list[float] = []
    pre: list[str] = []  # per partition: data pointers
    body: list[str] = []  # per block of lanes
    result: int | None = None

    def v(s: int) -> str:
        return f"V->v{s}"

    def loop(n: int, stmts: list[str]) -> None:
        body.append(f"for (int c = 0; c < {n}; c++) for (int l = 0; l < L; l++) {{")
        body.extend("  " + s for s in stmts)
        body.append("}")

    def data(key: int, dtype: type, ctype: str) -> str:
        if key in dtypes:
            if dtypes[key] is not dtype:
                raise NotCompilable("a data array read with two types")
            return f"d{key}"
        dtypes[key] = dtype
        pre.append(f"const {ctype} *restrict d{key} = (const {ctype} *)data[{key}] + p * pstride[{key}];")
        return f"d{key}"

    def need(s: int, k: str, what: str) -> None:
        if kind.get(s) != k:
            raise NotCompilable(f"{what} of a value of another type")

    if any(w > 30 for w in prog.widths):
        raise NotCompilable("an operand of more than 30 bits")  # codes are int32 here
    for ins in prog.instrs:
        op = ins[0]
        if op == "codes":
            _, dst, pos = ins
            kind[dst], length[dst] = "i", len(pos)
            if pos:
                body.append("if (codes) {")
                for j, a in enumerate(pos):
                    mask = (1 << prog.widths[a]) - 1
                    body.append(
                        f"  for (int l = 0; l < L; l++) {v(dst)}[{j}][l] = "
                        f"(int32_t)(codes[p * cpstride + (n + (l < m ? l : m - 1)) * cstride + {a}] & {mask}LL);"
                    )
                body.append("} else {")
                for j, a in enumerate(pos):
                    mask = (1 << prog.widths[a]) - 1
                    body.append(f"  for (int l = 0; l < L; l++) {v(dst)}[{j}][l] = (int32_t)(((n + l) >> {shifts[a]}) & {mask}LL);")
                body.append("}")
        elif op == "dequant":
            _, dst, src, scale, width, signed = ins
            need(src, "i", "'nn.dequantize'")
            kind[dst], length[dst] = "f", length[src]
            s = len(scales)
            scales.append(scale)
            conv = f"q >= {1 << (width - 1)} ? q - {1 << width} : q" if signed else "q"
            loop(length[dst], [f"const int32_t q = {v(src)}[c][l];", f"{v(dst)}[c][l] = (float)({conv}) * scal[{s}];"])
        elif op == "gather":
            _, dst, src, key, shape = ins
            need(src, "f", "'nn.gather'")
            kind[dst], length[dst] = "f", int(shape[0])
            d = data(key, np.int64, "int64_t")
            checks.append((key, length[src]))
            body.append(f"for (int c = 0; c < {length[dst]}; c++) {{")
            body.append(f"  const int64_t i = {d}[c];")
            body.append(f"  for (int l = 0; l < L; l++) {v(dst)}[c][l] = {v(src)}[i][l];")
            body.append("}")
        elif op == "concat":
            _, dst, srcs = ins
            kinds = {kind.get(s) for s in srcs}
            if len(kinds) != 1 or None in kinds:
                raise NotCompilable("a concatenation of values of different types")
            kind[dst], length[dst] = kinds.pop(), sum(length[s] for s in srcs)  # type: ignore[assignment]
            off = 0
            for s in srcs:
                loop(length[s], [f"{v(dst)}[{off} + c][l] = {v(s)}[c][l];"])
                off += length[s]
        elif op == "const":
            _, dst, key, shape = ins
            kind[dst], length[dst] = "f", int(shape[0])
            d = data(key, np.float32, "float")
            loop(length[dst], [f"{v(dst)}[c][l] = {d}[c];"])
        elif op == "map":
            _, dst, srcs, bkey, n = ins
            for s in srcs:
                need(s, "f", "'nn.map'")
                if length[s] != n:
                    raise NotCompilable("a map of values of other lengths")
            kind[dst], length[dst] = "f", int(n)
            stmts, res = body_c(bodies[bkey], [f"{v(s)}[c][l]" for s in srcs], "t")
            loop(length[dst], stmts + [f"{v(dst)}[c][l] = {res};"])
        elif op == "contract":
            _, dst, x, init, wk, ik, wshape, fused, bk = ins
            need(x, "f", "'nn.contract'")
            need(init, "f", "'nn.contract'")
            C, K = int(wshape[0]), int(wshape[1])
            if length[init] != C:
                raise NotCompilable("a contraction whose init has another length")
            kind[dst], length[dst] = "f", C
            w = data(wk, np.float32, "float")
            ix = data(ik, np.int32, "int32_t")
            checks.append((ik, length[x]))
            b = None if bk is None else data(bk, np.float32, "float")
            # the vector width is the machine's (AVX-512 or not): one form per width
            for i, (vl, cb) in enumerate(VECTORS):
                body.append(("#if" if i == 0 else "#elif") + f" VL == {vl}")
                body.extend(_contract_c(v(dst), v(x), v(init), w, ix, b, C, K, fused, cb if cblock is None else cblock, L // vl))
            body.append("#endif")
        elif op == "quantize":
            _, dst, src, scale, lo, hi, width = ins
            need(src, "f", "'nn.quantize'")
            if width > 32:
                raise NotCompilable("a quantizer of more than 32 bits")
            kind[dst], length[dst] = "u", length[src]
            s = len(scales)
            scales.append(scale)
            # the bounds as float32, as NumPy compares and assigns them (exact below 2^24)
            flo, fhi = _float_literal(float(np.float32(lo))), _float_literal(float(np.float32(hi)))
            conv = "(int64_t)(int32_t)q" if -(2**24) <= lo and hi <= 2**24 else "(int64_t)q"  # int32: vectorises
            loop(
                length[dst],
                [
                    f"float q = nearbyintf({v(src)}[c][l] / scal[{s}]);",
                    f"q = q >= {flo} ? q : {flo};",  # NaN too
                    f"q = q > {fhi} ? {fhi} : q;",
                    f"{v(dst)}[c][l] = (uint64_t){conv} & {(1 << width) - 1}ULL;",
                ],
            )
        elif op == "yield":
            need(ins[1], "u", "'nn.yield'")
            result = ins[1]
        else:
            raise NotCompilable(f"instruction '{op}'")
    if result is None:
        raise NotCompilable("a program without a result")

    ctype = {"i": "int32_t", "u": "uint64_t", "f": "float"}
    fields = [f"  {ctype[kind[s]]} v{s}[{max(1, length[s])}][L] __attribute__((aligned(64)));" for s in sorted(kind)]
    lines = [
        f"/* lutopt partition enumeration: {nops} operands ({sum(prog.widths)} bits), "
        f"{len(prog.instrs)} instructions, {L} lanes */",
        "#include <math.h>",
        "#include <stdint.h>",
        "#include <stdlib.h>",
        f"#define L {L}",
        "#ifdef __AVX512F__",
        f"#define VL {VECTORS[0][0]}",
        "#else",
        f"#define VL {VECTORS[1][0]}",
        "#endif",
        "typedef float vf __attribute__((vector_size(VL * 4)));",
        "#define VLOAD(row, u) (*(const vf *)((row) + (u) * VL))",
        "#define VSTORE(row, u, x) (*(vf *)((row) + (u) * VL) = (x))",
        "#define INLINE static inline __attribute__((always_inline))",
        "INLINE vf SPLAT(float s) { vf r; for (int i = 0; i < VL; i++) r[i] = s; return r; }",
        "INLINE vf vfma(vf a, vf b, vf c) { vf r; for (int i = 0; i < VL; i++) r[i] = fmaf(a[i], b[i], c[i]); return r; }",
        "struct values {",
        *fields,
        "};",
        "int lutopt_nnenum(int64_t p0, int64_t p1, int64_t n0, int64_t n1, const int64_t *restrict codes,",
        "                  int64_t cstride, int64_t cpstride, const void *const *data, const int64_t *pstride,",
        "                  const float *restrict scal, uint64_t *restrict out, int64_t ostride) {",
        "  struct values *V = aligned_alloc(64, (sizeof(struct values) + 63) / 64 * 64);",
        "  if (!V) return 1;",
        "  for (int64_t p = p0; p < p1; p++) {",
        *("    " + s for s in pre),
        "    for (int64_t n = n0; n < n1; n += L) {",
        "      const int64_t m = n1 - n < L ? n1 - n : L;",
        "      (void)m;",
        *("      " + s for s in body),
        f"      for (int64_t l = 0; l < m; l++) out[p * ostride + n + l] = {v(result)}[0][l];",
        "    }",
        "  }",
        "  free(V);",
        "  return 0;",
        "}",
        "",
    ]
    return CSource("\n".join(lines), scales, dtypes, checks)


class CKernel:
    """A program's C function, compiled (or loaded from the cache) and ready to run.

    `stats`: codegen_s, cc_s (0 when the library came from the cache), cached."""

    def __init__(self, prog, bodies: dict[tuple, Block], cc: str):
        from lutopt.cbuild import load_library

        t0 = time.perf_counter()
        src = c_source(prog, bodies)
        t1 = time.perf_counter()
        lib, cached, seconds = load_library(
            src.source, cc, FLAGS, FALLBACK_FLAGS, prefix="nnenum", what="the partition enumeration", memo=_LIBS
        )
        fn = lib.lutopt_nnenum
        fn.argtypes = [ctypes.c_int64] * 4 + [ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64] + [ctypes.c_void_p] * 4 + [ctypes.c_int64]
        fn.restype = ctypes.c_int
        self._fn = fn
        self.source = src
        self.nops = len(prog.widths)
        self.bits = sum(prog.widths)
        self.scal = np.array(src.scales, dtype=np.float32)
        self.stats = {"codegen_s": t1 - t0, "cc_s": seconds, "cached": float(cached)}

    def prepare(self, stacked: Sequence[np.ndarray]) -> tuple[list[np.ndarray], np.ndarray, np.ndarray, int]:
        """The stacked data as the function reads it: (arrays, pointers, per-partition
        strides, partitions). Raises IndexError for an index out of range."""
        arrays = []
        strides = np.zeros(max(1, len(stacked)), dtype=np.int64)
        P = max([a.shape[0] for a in stacked] + [1])
        for k, a in enumerate(stacked):
            dt = self.source.dtypes.get(k)
            a = np.ascontiguousarray(a, dtype=dt) if dt is not None else np.ascontiguousarray(a)
            if a.shape[0] not in (1, P):
                raise ValueError(f"stacked array {k} has {a.shape[0]} partitions, others {P}")
            strides[k] = a[0].size if a.shape[0] > 1 else 0
            arrays.append(a)
        for k, bound in self.source.index_checks:
            a = arrays[k]
            if a.size and (a.min() < 0 or a.max() >= bound):
                raise IndexError(f"an index of data array {k} is out of range [0, {bound})")
        ptrs = np.array([a.ctypes.data for a in arrays] or [0], dtype=np.uintp)
        return arrays, ptrs, strides, P

    def run(
        self,
        prepared: tuple[list[np.ndarray], np.ndarray, np.ndarray, int],
        out: np.ndarray,
        p0: int,
        p1: int,
        n0: int,
        n1: int,
        codes: np.ndarray | None = None,
    ) -> None:
        """Writes entries n0..n1 of partitions p0..p1 into `out` (uint64[P, N], C order);
        `codes`: int64[N, operands] or int64[P, N, operands], C order (None: the entries are
        the table indices)."""
        _arrays, ptrs, strides, _P = prepared
        if codes is None:
            cptr, cstride, cpstride = None, 0, 0
        else:
            cptr, cstride = codes.ctypes.data, codes.shape[-1]
            cpstride = codes.shape[1] * codes.shape[2] if codes.ndim == 3 and codes.shape[0] > 1 else 0
        r = self._fn(p0, p1, n0, n1, cptr, cstride, cpstride, ptrs.ctypes.data, strides.ctypes.data,
                     self.scal.ctypes.data, out.ctypes.data, out.shape[1])
        if r != 0:
            raise MemoryError("the enumeration kernel could not allocate its values")
