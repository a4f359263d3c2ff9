"""The C kernel of the partition enumeration (`lutopt.analysis._nn_c`) against the numba
and NumPy kernels, entry for entry: MLPs with skip connections (the JSC benchmark's form),
plain contractions with gathers, concatenations and constants, every map-body op on
NaN, infinities and signed zeros, every cmpf predicate; the fallbacks and the disk cache."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from lutopt.analysis import _nn_c
from lutopt.analysis import nn_enumerate as ne
from lutopt.api import parse_module
from lutopt.cbuild import find_compiler
from lutopt.api import run_passes
from lutopt.dialects.nn import MapOp, PartitionGroupOp, PartitionOp
from lutopt.interpreters.common import Unsupported
from repo_paths import INPUTS

HAS_CC = find_compiler() is not None
needs_cc = pytest.mark.skipif(not HAS_CC, reason="no C compiler (cc, gcc or clang) found")

try:
    import numba  # noqa: F401

    ARRAYS = ["numba", "numpy"]
except ImportError:  # pragma: no cover
    ARRAYS = ["numpy"]


# --------------------------------------------------------------------- building partitions


def f32(v) -> str:
    return f"{float(np.float32(v)):.9e}"


def dense(a: np.ndarray, elt: str = "f32") -> str:
    a = np.asarray(a)
    fmt = f32 if elt == "f32" else (lambda v: str(int(v)))

    def nested(x):
        return "[" + ", ".join(nested(y) for y in x) + "]" if x.ndim else fmt(x)

    return f"dense<{nested(a)}> : tensor<{'x'.join(map(str, a.shape))}x{elt}>"


def vt(n: int) -> str:
    return f"tensor<{n}xf32>"


class Body:
    """The text of one partition, value by value."""

    def __init__(self, args: list[tuple[str, str]]):
        self.args = args
        self.lines: list[str] = []
        self.n = 0

    def add(self, text: str) -> str:
        name = f"%v{self.n}"
        self.n += 1
        self.lines.append(f"{name} = {text}")
        return name

    def map(self, inputs: list[tuple[str, int]], body: list[str], result: str) -> str:
        n = inputs[0][1] if inputs else 1
        args = ", ".join(f"%e{i}: f32" for i in range(len(inputs)))
        ops = "\n".join("      " + line for line in body)
        return self.add(
            f"nn.map({', '.join(v for v, _ in inputs)}) : ({', '.join(vt(k) for _, k in inputs)}) -> {vt(n)} {{\n"
            f"    ^bb0({args}):\n{ops}\n      nn.yield {result} : f32\n    }}"
        )

    def contract(self, x: str, nx: int, init: str, w: np.ndarray, idx: np.ndarray, bias=None, fused=True) -> str:
        b = "" if bias is None else f" bias({dense(np.asarray(bias, np.float32))})"
        return self.add(
            f"nn.contract {x}, {init} weights({dense(w)}) indices({dense(idx, 'i32')}){b}{' fused' if fused else ''} "
            f": ({vt(nx)}, {vt(w.shape[0])}) -> {vt(w.shape[0])}"
        )

    def text(self, result: str, out_width: int) -> str:
        ins = ", ".join(f"%{a}" for a, _ in self.args)
        types = ", ".join(t for _, t in self.args)
        bb = ", ".join(f"%{a}: {t}" for a, t in self.args)
        body = "\n".join("    " + line for line in self.lines)
        return (
            f"  %p{{n}} = nn.partition({ins}) : ({types}) -> i{out_width} {{\n  ^bb0({bb}):\n{body}\n"
            f"    nn.yield {result} : tensor<1xi{out_width}>\n  }}"
        )


RELU = ["%z = arith.constant 0.000000e+00 : f32", "%c = arith.cmpf ugt, %e0, %z : f32", "%r = arith.select %c, %e0, %z : f32"]


def mlp_partition(rng: np.random.Generator, operands: int, width: int, hidden: int, fused: bool = True) -> str:
    """A 3-layer MLP with a skip connection (the JSC benchmark's form, smaller)."""
    b = Body([(f"x{i}", f"i{width}") for i in range(operands)])
    lo, hi = -(1 << (width - 1)), (1 << (width - 1)) - 1
    codes = b.add(f"tensor.from_elements {', '.join(f'%x{i}' for i in range(operands))} : tensor<{operands}xi{width}>")
    d = b.add(f"nn.dequantize {codes} scale(2.5e-01) range({lo}, {hi}) : tensor<{operands}xi{width}> -> {vt(operands)}")
    z = b.add(f"arith.constant dense<0.0> : {vt(hidden)}")
    idx1 = np.array([rng.permutation(operands) for _ in range(hidden)])
    h1 = b.contract(d, operands, z, rng.normal(0, 1, (hidden, operands)).astype(np.float32), idx1,
                    rng.normal(0, 0.1, hidden), fused)
    r1 = b.map([(h1, hidden)], RELU, "%r")
    h2 = b.contract(r1, hidden, z, rng.normal(0, 0.5, (hidden, hidden)).astype(np.float32),
                    np.tile(np.arange(hidden), (hidden, 1)), rng.normal(0, 0.1, hidden), fused)
    r2 = b.map([(h2, hidden)], RELU, "%r")
    s = b.map([(r2, hidden), (r1, hidden)], ["%r = arith.addf %e0, %e1 : f32"], "%r")
    z1 = b.add(f"arith.constant dense<0.0> : {vt(1)}")
    o = b.contract(s, hidden, z1, rng.normal(0, 0.5, (1, hidden)).astype(np.float32), np.arange(hidden)[None, :],
                   rng.normal(0, 0.1, 1), fused)
    q = b.add(f"nn.quantize {o} scale(2.5e-01) range(-8, 7) : {vt(1)} -> tensor<1xi4>")
    return b.text(q, 4)


def module(partitions: list[str], widths: list[list[str]]) -> str:
    """A function that holds the partitions, each on arguments of its own."""
    args, bodies, results = [], [], []
    k = 0
    for j, (p, ws) in enumerate(zip(partitions, widths)):
        names = [f"%a{k + i}" for i in range(len(ws))]
        args += [f"{n}: {w}" for n, w in zip(names, ws)]
        k += len(ws)
        # the partition's operands are the function's arguments
        head, rest = p.split(" = nn.partition(", 1)
        rest = rest.split(")", 1)[1]
        bodies.append(f"  %p{j} = nn.partition({', '.join(names)}){rest}")
        results.append(f"%p{j}")
    out = ", ".join(p.split(" -> ")[1].split(" ")[0] for p in bodies)
    return (
        f"func.func @main({', '.join(args)}) -> ({out}) {{\n" + "\n".join(bodies)
        + f"\n  func.return {', '.join(results)} : {out}\n}}\n"
    )


def parse_parts(text: str) -> list[PartitionOp]:
    m = parse_module(text, "parts.mlir")
    return [op for op in m.walk() if isinstance(op, PartitionOp)]


def all_kernels_agree(parts: list[PartitionOp], **params) -> list[np.ndarray]:
    """The tables of every kernel, checked equal entry for entry; the C kernel's."""
    runs = {}
    for k in (["c"] if HAS_CC else []) + ARRAYS:
        tables, stats = ne.enumerate_partitions(parts, ne.EnumerateParams(kernel=k, **params))
        assert stats.kernel == k
        runs[k] = tables
    first = next(iter(runs.values()))
    for k, tables in runs.items():
        assert len(tables) == sum(len(op.results) for op in parts)
        for i, (a, b) in enumerate(zip(first, tables)):
            assert a.dtype == b.dtype == np.uint64
            bad = np.flatnonzero(a != b)
            assert bad.size == 0, f"partition {i}: {k} differs at entries {bad[:10]}: {a[bad[:10]]} vs {b[bad[:10]]}"
    return first


# --------------------------------------------------------------------- the kernels agree


def test_mlp_partitions_in_two_groups():
    rng = np.random.default_rng(5)
    parts = [mlp_partition(rng, 2, 4, 8) for _ in range(5)] + [mlp_partition(rng, 3, 3, 8) for _ in range(3)]
    widths = [["i4"] * 2] * 5 + [["i3"] * 3] * 3
    tables = all_kernels_agree(parse_parts(module(parts, widths)), threads=2)
    assert [len(t) for t in tables] == [256] * 5 + [512] * 3
    assert len({t.tobytes() for t in tables}) == 8 and all(len(np.unique(t)) > 2 for t in tables)


def test_plain_contractions_gathers_concatenations_constants_and_clamps():
    rng = np.random.default_rng(7)
    parts, widths = [], []
    for out_lo, out_hi, w in ((0, 3, 2), (-16, 15, 5)):
        for _ in range(3):
            b = Body([("x", "i3"), ("y", "i2"), ("z", "i3")])
            t1 = b.add("tensor.from_elements %x, %z : tensor<2xi3>")
            t2 = b.add("tensor.from_elements %y : tensor<1xi2>")
            d1 = b.add(f"nn.dequantize {t1} scale(3.75e-01) range(-4, 3) : tensor<2xi3> -> {vt(2)}")
            d2 = b.add(f"nn.dequantize {t2} scale(7.0e-01) range(0, 3) : tensor<1xi2> -> {vt(1)}")
            k = b.add(f"arith.constant {dense(rng.normal(0, 1, 2).astype(np.float32))}")
            cat = b.add(f"tensor.concat dim(0) {d1}, {d2}, {k} : ({vt(2)}, {vt(1)}, {vt(2)}) -> {vt(5)}")
            g = b.add(f"nn.gather {cat} [{', '.join(map(str, rng.integers(0, 5, 6)))}] : {vt(5)} -> {vt(6)}")
            init = b.add(f"arith.constant {dense(rng.normal(0, 1, 4).astype(np.float32))}")
            idx = np.array([rng.choice(6, 3, replace=False) for _ in range(4)])
            h = b.contract(g, 6, init, rng.normal(0, 1, (4, 3)).astype(np.float32), idx, rng.normal(0, 1, 4), fused=False)
            z1 = b.add(f"arith.constant dense<0.0> : {vt(1)}")
            o = b.contract(h, 4, z1, rng.normal(0, 1, (1, 4)).astype(np.float32), np.array([[3, 1, 0, 2]]), fused=False)
            q = b.add(f"nn.quantize {o} scale(1.0e-01) range({out_lo}, {out_hi}) : {vt(1)} -> tensor<1xi{w}>")
            parts.append(b.text(q, w))
            widths.append(["i3", "i2", "i3"])
    tables = all_kernels_agree(parse_parts(module(parts, widths)))
    # the narrow quantizer clamps at both ends
    assert {0, 3} <= set(np.concatenate(tables[:3]).tolist())
    assert any(int(t.max()) > 16 for t in tables[3:])  # negative codes of 5 bits


def test_fused_and_plain_steps_round_as_specified():
    """x = q / 2^12 and w = 1 + 2^-12: x * w has bits below float32's precision, so a fused
    step (one rounding) and a plain one (the product rounded first) differ; at q = 4097
    the fused sum is exactly 2^-24 (code 4 at scale 2^-26) and the plain one 0 (the product
    rounds half to even). The compiler must not contract the plain step (-ffp-contract=off)."""
    parts, widths = [], []
    for fused in (True, False):
        b = Body([("x", "i14")])
        t = b.add("tensor.from_elements %x : tensor<1xi14>")
        d = b.add(f"nn.dequantize {t} scale({f32(2.0**-12)}) range(0, 16383) : tensor<1xi14> -> {vt(1)}")
        init = b.add(f"arith.constant {dense(np.array([-1 - 2.0**-11], np.float32))}")
        o = b.contract(d, 1, init, np.array([[1 + 2.0**-12]], np.float32), np.array([[0]]), fused=fused)
        q = b.add(f"nn.quantize {o} scale({f32(2.0**-26)}) range(-8, 7) : {vt(1)} -> tensor<1xi4>")
        parts.append(b.text(q, 4))
        widths.append(["i14"])
    fused, plain = all_kernels_agree(parse_parts(module(parts, widths)))
    assert fused[4097] == 4 and plain[4097] == 0
    assert np.flatnonzero(fused != plain).tolist() == [4097]


UNARY = ["arith.negf", "math.absf", "math.roundeven", "math.round", "math.floor", "math.ceil", "math.trunc", "math.sqrt"]
BINARY = ["arith.addf", "arith.subf", "arith.mulf", "arith.divf", "arith.maximumf", "arith.minimumf"]
# NumPy's own scalar loop (short arrays, tails) returns the other zero of two equal zeros
# than its vector loop for fmax/fmin, so their sign of zero is not compared (no 1 / r).
NUMF = ["arith.maxnumf", "arith.minnumf"]
PREDICATES = ["false", "oeq", "ogt", "oge", "olt", "ole", "one", "ord", "ueq", "ugt", "uge", "ult", "ule", "une", "uno", "true"]


def special_values_partitions() -> str:
    """One program: u = x / y and w = -x / (y - 1.5) on signed x and unsigned y (all of
    +-0, +-inf, NaN and halves), every op applied to them (and 1 / r, which tells the
    zeros apart), concatenated; partition j quantizes element j (a gather index)."""
    values: list[tuple[str, int]] = []

    def build() -> Body:
        b = Body([("x", "i3"), ("y", "i3")])
        tx = b.add("tensor.from_elements %x : tensor<1xi3>")
        ty = b.add("tensor.from_elements %y : tensor<1xi3>")
        dx = b.add(f"nn.dequantize {tx} scale(5.0e-01) range(-4, 3) : tensor<1xi3> -> {vt(1)}")
        dy = b.add(f"nn.dequantize {ty} scale(5.0e-01) range(0, 7) : tensor<1xi3> -> {vt(1)}")
        u = b.map([(dx, 1), (dy, 1)], ["%r = arith.divf %e0, %e1 : f32"], "%r")
        w = b.map([(dx, 1), (dy, 1)], [
            "%n = arith.negf %e0 : f32", "%h = arith.constant 1.500000e+00 : f32",
            "%s = arith.subf %e1, %h : f32", "%r = arith.divf %n, %s : f32"], "%r")
        out = [u, w]

        def with_inverse(r: str) -> None:
            out.append(r)
            out.append(b.map([(r, 1)], ["%o = arith.constant 1.000000e+00 : f32", "%r = arith.divf %o, %e0 : f32"], "%r"))

        for op in UNARY:
            for a in (u, w):
                with_inverse(b.map([(a, 1)], [f"%r = {op} %e0 : f32"], "%r"))
        for op in BINARY + NUMF:
            for a, c in ((u, w), (w, u)):
                r = b.map([(a, 1), (c, 1)], [f"%r = {op} %e0, %e1 : f32"], "%r")
                if op in NUMF:
                    out.append(r)
                else:
                    with_inverse(r)
        for pred in PREDICATES:
            out.append(b.map([(u, 1), (w, 1)], [
                f"%c = arith.cmpf {pred}, %e0, %e1 : f32", "%p = arith.constant 1.000000e+00 : f32",
                "%m = arith.constant -2.000000e+00 : f32", "%r = arith.select %c, %p, %m : f32"], "%r"))
            out.append(b.map([(u, 1), (w, 1)], [f"%c = arith.cmpf {pred}, %e0, %e1 : f32", "%r = arith.select %c, %e0, %e1 : f32"], "%r"))
        # constants: NaN, +inf, -0, true
        out.append(b.map([(u, 1)], [
            "%nan = arith.constant 0x7FC00000 : f32", "%inf = arith.constant 0x7F800000 : f32",
            "%mz = arith.constant -0.000000e+00 : f32", "%t = arith.constant true",
            "%a = arith.minimumf %e0, %inf : f32", "%b = arith.maxnumf %a, %nan : f32",
            "%c = arith.select %t, %b, %nan : f32", "%r = arith.addf %c, %mz : f32"], "%r"))
        # no inputs: a map of constants only
        out.append(b.map([], ["%r = arith.constant -1.250000e+00 : f32"], "%r"))
        values[:] = [(v, 1) for v in out]
        return b

    build()
    parts, widths = [], []
    for j in range(len(values)):
        b = build()
        cat = b.add(f"tensor.concat dim(0) {', '.join(v for v, _ in values)} : ({', '.join(vt(1) for _ in values)}) -> {vt(len(values))}")
        g = b.add(f"nn.gather {cat} [{j}] : {vt(len(values))} -> {vt(1)}")
        q = b.add(f"nn.quantize {g} scale(2.5e-01) range(-8, 7) : {vt(1)} -> tensor<1xi4>")
        parts.append(b.text(q, 4))
        widths.append(["i3", "i3"])
    return module(parts, widths)


def test_every_map_op_and_predicate_on_nan_infinities_and_signed_zeros():
    parts = parse_parts(special_values_partitions())
    assert len({ne.compile_partition(p).key for p in parts}) == 1  # one group, one C function
    tables = all_kernels_agree(parts)
    # the ops see every special value: 1/-0 and 1/+0 both occur (clamped to 8 and 7)
    assert {0, 7, 8} <= set(np.concatenate(tables).tolist())


def test_partition_groups_and_per_partition_codes():
    """nn.partition_group (one body, stacked data) as nn-to-lut builds it, and codes of
    shape (partitions, rows, operands): each partition on its own operands' codes (the
    simulator's evaluator of a group)."""
    m = parse_module((INPUTS / "masked-linear.torch.mlir").read_text(), "m.mlir")
    run_passes(m, "nn-fold-constants,nn-raise-quantizers,nn-partition{group=true}")
    ops = [op for op in m.walk() if isinstance(op, (PartitionOp, PartitionGroupOp))]
    group = next(op for op in ops if isinstance(op, PartitionGroupOp))
    tables = all_kernels_agree(ops)
    assert len(tables) == sum(len(op.results) for op in ops)
    prog = ne.compile_partition(group)
    bodies = {ne.body_key(o.body.block): o.body.block for o in group.body.walk() if isinstance(o, MapOp)}
    stacked = group.data_arrays()
    P = stacked[0].shape[0]
    codes = np.random.default_rng(0).integers(0, 4, (P, 70, len(prog.widths))).astype(np.int64)
    got = {}
    for k in (["c"] if HAS_CC else []) + ARRAYS:
        got[k] = ne.run_program(prog, stacked, bodies, ne.EnumerateParams(kernel=k), ne.EnumerateStats(), codes)
        assert got[k].shape == (P, 70)
    for k in got:
        assert np.array_equal(got[k], next(iter(got.values())))
    # the same as the tables, row by row
    first = sum(len(op.results) for op in ops[: ops.index(group)])
    index = (codes[..., 0] << 4) | (codes[..., 1] << 2) | codes[..., 2]
    for p in range(P):
        assert np.array_equal(got[ARRAYS[0]][p], tables[first + p][index[p]])


# --------------------------------------------------------------------- the C kernel itself


def _mlp_group(seed: int = 3, count: int = 4):
    rng = np.random.default_rng(seed)
    parts = parse_parts(module([mlp_partition(rng, 2, 5, 8) for _ in range(count)], [["i5"] * 2] * count))
    bodies: dict = {}
    progs = [ne.compile_partition(p, bodies) for p in parts]
    stacked = [np.stack([q.data[k] for q in progs]) for k in range(len(progs[0].data))]
    return progs[0], stacked, bodies


@needs_cc
def test_c_kernel_on_any_range_of_partitions_and_entries():
    prog, stacked, bodies = _mlp_group()
    kernel = ne.c_kernel(prog, bodies, ne.EnumerateStats(), forced=True)
    want = ne.run_arrays(prog, stacked, bodies, ne.EnumerateParams(), ne.EnumerateStats())
    prepared = kernel.prepare(stacked)
    out = np.zeros(want.shape, np.uint64)
    N = want.shape[1]
    for p0, p1, n0, n1 in [(0, 1, 0, 1), (0, 1, 1, 100), (0, 1, 100, N), (1, 3, 0, 77), (1, 3, 77, N), (3, 4, 0, N)]:
        kernel.run(prepared, out, p0, p1, n0, n1)
    assert np.array_equal(out, want)
    assert ne._tiles(5, 1000, 300) == [(p, p + 1, n, min(1000, n + 320)) for p in range(5) for n in (0, 320, 640, 960)]
    assert ne._tiles(5, 100, 300) == [(0, 3, 0, 100), (3, 5, 0, 100)]


@needs_cc
@pytest.mark.parametrize("rows", [1, 63, 64, 65, 200])
def test_c_kernel_on_operand_codes(rows):
    """run_program with `codes` (the simulator's evaluator of nn.partition): any number of rows."""
    prog, stacked, bodies = _mlp_group()
    codes = np.random.default_rng(rows).integers(0, 1 << 5, (rows, 2)).astype(np.int64)
    stats = ne.EnumerateStats()
    got = ne.run_program(prog, stacked, bodies, ne.EnumerateParams(kernel="c", threads=2), stats, codes)
    assert stats.kernel == "c"
    for k in ARRAYS:
        want = ne.run_program(prog, stacked, bodies, ne.EnumerateParams(kernel=k), ne.EnumerateStats(), codes)
        assert np.array_equal(got, want)
    full = ne.run_program(prog, stacked, bodies, ne.EnumerateParams(kernel="c"), ne.EnumerateStats())
    assert np.array_equal(got, full[:, codes[:, 0] * 32 + codes[:, 1]])


@needs_cc
def test_c_kernel_checks_indices_of_stacked_data():
    prog, stacked, bodies = _mlp_group()
    kernel = ne.c_kernel(prog, bodies, ne.EnumerateStats(), forced=True)
    key = next(k for k, bound in kernel.source.index_checks)
    bad = [a.copy() for a in stacked]
    bad[key][0].flat[0] = 99
    with pytest.raises(IndexError, match="out of range"):
        kernel.prepare(bad)


EXP = """func.func @main(%a: i3) -> i3 {
  %p = nn.partition(%a) : (i3) -> i3 {
  ^bb0(%x: i3):
    %t = tensor.from_elements %x : tensor<1xi3>
    %v = nn.dequantize %t scale(0.5) range(-4, 3) : tensor<1xi3> -> tensor<1xf32>
    %m = nn.map(%v) : (tensor<1xf32>) -> tensor<1xf32> {
    ^bb1(%e: f32):
      %r = math.exp %e : f32
      nn.yield %r : f32
    }
    %q = nn.quantize %m scale(0.5) range(-4, 3) : tensor<1xf32> -> tensor<1xi3>
    nn.yield %q : tensor<1xi3>
  }
  func.return %p : i3
}
"""


@needs_cc
def test_an_op_without_an_exact_c_form_falls_back():
    parts = parse_parts(EXP)
    tables, stats = ne.enumerate_partitions(parts, ne.EnumerateParams())
    assert stats.kernel == ARRAYS[0] and "'math.exp'" in stats.fallback
    assert "no C kernel: no C form: 'math.exp'" in stats.report()
    with pytest.raises(Unsupported, match="C kernel .* 'math.exp'"):
        ne.enumerate_partitions(parts, ne.EnumerateParams(kernel="c"))
    assert np.array_equal(tables[0], ne.enumerate_partitions(parts, ne.EnumerateParams(kernel="numpy"))[0][0])


def test_without_a_compiler_the_arrays_kernel_runs(monkeypatch):
    monkeypatch.setattr(ne, "_C_KERNELS", {})
    monkeypatch.setenv("CC", "/nonexistent/cc")
    parts = parse_parts(module([mlp_partition(np.random.default_rng(1), 2, 3, 4)], [["i3"] * 2]))
    tables, stats = ne.enumerate_partitions(parts, ne.EnumerateParams())
    assert stats.kernel == ARRAYS[0] and stats.fallback == "no C compiler found (set CC)"
    with pytest.raises(Unsupported, match="no C compiler"):
        ne.enumerate_partitions(parts, ne.EnumerateParams(kernel="c"))


def test_the_kernel_is_chosen_by_the_environment(monkeypatch):
    parts = parse_parts(module([mlp_partition(np.random.default_rng(2), 2, 3, 4)], [["i3"] * 2]))
    monkeypatch.setenv(ne.KERNEL_ENV, "numpy")
    assert ne.enumerate_partitions(parts)[1].kernel == "numpy"
    assert ne.enumerate_partitions(parts, ne.EnumerateParams(kernel="auto"))[1].kernel == ("c" if HAS_CC else ARRAYS[0])
    monkeypatch.setenv(ne.KERNEL_ENV, "fast")
    with pytest.raises(ValueError, match="enumeration kernel 'fast'"):
        ne.enumerate_partitions(parts)


@needs_cc
def test_c_library_is_compiled_once_then_loaded_from_the_disk_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("LUTOPT_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(ne, "_C_KERNELS", {})
    monkeypatch.setattr(_nn_c, "_LIBS", {})
    # weights and scales are data: partitions of another model with the same structure
    # (other weights, other scales) use the same library
    text = module([mlp_partition(np.random.default_rng(11), 2, 4, 8)], [["i4"] * 2])
    first, stats = ne.enumerate_partitions(parse_parts(text), ne.EnumerateParams(kernel="c"))
    assert stats.compile_seconds > 0 and len(list(tmp_path.glob("nnenum_*.so"))) == 1
    assert "C compiled in" in stats.report()
    monkeypatch.setattr(ne, "_C_KERNELS", {})  # as a new process
    monkeypatch.setattr(_nn_c, "_LIBS", {})
    other = text.replace("scale(2.5e-01) range(-8, 7) : tensor<1xf32>", "scale(1.25e-01) range(-8, 7) : tensor<1xf32>")
    assert other != text
    second, stats = ne.enumerate_partitions(parse_parts(other), ne.EnumerateParams(kernel="c"))
    assert stats.compile_seconds == 0 and "C from the cache" in stats.report()
    assert len(list(tmp_path.glob("nnenum_*.so"))) == 1
    assert not np.array_equal(first[0], second[0])


@needs_cc
def test_the_c_path_does_not_import_numba(tmp_path):
    rng = np.random.default_rng(4)
    path = tmp_path / "m.mlir"
    path.write_text(module([mlp_partition(rng, 2, 3, 4)], [["i3"] * 2]))
    code = (
        "import sys\n"
        "from lutopt.api import parse_module, run_passes\n"
        f"m = parse_module(open({str(path)!r}).read(), 'm.mlir')\n"
        "run_passes(m, 'nn-absorb-partitions')\n"
        "assert 'lut.table' in str(m)\n"
        "print('numba' in sys.modules)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={"LUTOPT_STATS": "1", **_env()})
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "False" and "kernel: c" in r.stderr


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != ne.KERNEL_ENV}


def test_map_bodies_in_c():
    """The C of a map body, op by op (what the kernel compiles)."""
    parts = parse_parts(EXP.replace("math.exp %e", "arith.maximumf %e, %e"))
    body = next(op for op in parts[0].walk() if isinstance(op, MapOp)).body.block
    lines, res = _nn_c.body_c(body, ["x"], "t")
    assert lines == ["const float t0 = (x != x) ? x : (x != x) ? x : (x > x) ? x : x;"] and res == "t0"
    assert _nn_c._float_literal(-0.0) == "(-0x0.0p+0f)" and _nn_c._float_literal(float("-inf")) == "(-__builtin_inff())"
