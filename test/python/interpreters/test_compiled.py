"""The compiled bit-parallel evaluator (`lutopt.interpreters.compiled`) against the NumPy
interpreter, and against PyTorch's GroupSum counts, on random and hand-written designs:
gate netlists (every gate function, operand orders, constants, repeated operands),
random lut-level functions (multi-bit tables of up to 12 input bits), the mapped level of
`lower-to-luts{lut-size=6}` with comb.extract/concat and constants, with both kernels (C
and numba), every vector width, cut into chunks, with lane counts that are not multiples
of the word; the refusal of other ops and the interpreter's fallback; the disk cache."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from xdsl.dialects.builtin import ModuleOp

from lutopt.api import parse_module, run_passes
from lutopt.interpreters import _compiled_c
from lutopt.interpreters.compiled import (
    CompiledUnsupported,
    bit_program,
    compile_function,
    pack_ports,
    pack_rows,
    unpack_ports,
)
from lutopt.interpreters.core import Interpreter
from lutopt.logic.exchange import netlist_function
from lutopt.logic.netlist import GateNetlist, pack_bits
from lutopt.logic.random_netlist import random_dag, random_layered, with_hidden_constants
from lutopt.testing import random_lut_function

HAS_CC = _compiled_c.find_compiler() is not None
KERNELS = [
    pytest.param("c", marks=pytest.mark.skipif(not HAS_CC, reason="no C compiler (cc, gcc or clang) found")),
    "numba",
]


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory, monkeypatch):
    """Compiled libraries in a directory of this test session, not the user's cache."""
    monkeypatch.setenv("LUTOPT_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "bitsim-cache"))


def netlist_module(net: GateNetlist, name: str = "f") -> ModuleOp:
    return ModuleOp([netlist_function(net, name)])


def random_inputs(widths, lanes, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 1 << w, lanes, dtype=np.uint64) if w < 64 else
            rng.integers(0, 2**63, lanes, dtype=np.uint64) * 2 + 1 for w in widths]


def assert_same(module, kernel, lanes=300, seed=0, name=None, **options):
    """The compiled function and the NumPy interpreter agree on `lanes` random vectors."""
    interp = Interpreter(module)
    sig = interp.signature(name)
    ins = random_inputs(sig.input_widths, lanes, seed)
    want = interp.evaluate(name, ins)
    got = compile_function(module, name, kernel, **options).evaluate(ins)
    assert len(got) == len(want)
    for k, (g, w) in enumerate(zip(got, want)):
        bad = np.flatnonzero(g != w)
        assert len(bad) == 0, f"output {k} differs on {len(bad)} of {lanes} vectors, first {bad[0]}: {g[bad[0]]} vs {w[bad[0]]}"


# --------------------------------------------------------------------------- gates


def gate_truth(fn, a, b):
    """DESIGN.md's numbering, pinned here: the truth table read as a 4-bit number with
    f(0,0) the most significant bit."""
    return (fn >> (3 - (2 * a + b))) & 1


@pytest.mark.parametrize("kernel", KERNELS)
def test_every_gate_in_every_operand_form(kernel):
    """Each of the 16 functions on (i0, i1), (i1, i0), (i0, i0), (false, i1), (i0, false),
    with every output also complemented: exhaustive on two inputs, against the pinned
    truth table."""
    forms = [(1, 2), (2, 1), (1, 1), (0, 2), (1, 0)]
    fn, a, b = [], [], []
    for f in range(16):
        for x, y in forms:
            fn.append(f)
            a.append(x)
            b.append(y)
    g = len(fn)
    outs = np.concatenate([3 + np.arange(g), 3 + np.arange(g)])
    neg = np.concatenate([np.zeros(g, bool), np.ones(g, bool)])
    net = GateNetlist(2, np.array(fn, np.uint8), np.array(a, np.int32), np.array(b, np.int32),
                      outs.astype(np.int32), neg)
    cf = compile_function(netlist_module(net), backend=kernel)
    x0, x1 = np.array([0, 0, 1, 1], np.uint64), np.array([0, 1, 0, 1], np.uint64)
    got = cf.evaluate([x0, x1])
    value = {0: np.zeros(4, int), 1: x0.astype(int), 2: x1.astype(int)}
    for k, (f, x, y) in enumerate(zip(fn, a, b)):
        want = np.array([gate_truth(f, p, q) for p, q in zip(value[x], value[y])])
        assert np.array_equal(got[k], want), (f, x, y)
        assert np.array_equal(got[g + k], 1 - want), (f, x, y)


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("seed", range(3))
def test_random_netlists_equal_the_interpreter(kernel, seed):
    nets = [
        random_layered(24, 400, width=40, seed=seed),
        random_dag(16, 300, 12, seed=seed),
        with_hidden_constants(random_dag(10, 120, 6, seed=seed + 7), 6, seed=seed),
    ]
    for k, net in enumerate(nets):
        assert_same(netlist_module(net), kernel, lanes=[1, 64, 200][k], seed=seed)


def test_netlist_equals_the_netlists_own_simulation():
    """A second oracle, `GateNetlist.simulate` (level by level), on packed words."""
    net = random_layered(30, 600, width=50, seed=3)
    prog = bit_program(netlist_module(net))
    rng = np.random.default_rng(1)
    words = rng.integers(0, 2**63, (30, 5), dtype=np.uint64) * 3
    assert np.array_equal(prog.simulate(words), net.simulate(words))


# --------------------------------------------------------------------------- lut level


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("seed", range(6))
def test_random_lut_functions_equal_the_interpreter(kernel, seed):
    """Tables of several multi-bit operands (up to 12 input bits) and results of 1 to 5
    bits, in DAGs and chains."""
    rng = np.random.default_rng(seed)
    text = random_lut_function(rng, num_args=4, num_tables=8, max_operands=4, max_bits=12,
                               max_width=5, chain=seed % 2 == 1, num_results=3)
    assert_same(parse_module(text, "rand.mlir"), kernel, lanes=333, seed=seed)


MAPPED = """
func.func @m(%x: i4, %y: i2, %c: i1) -> (i3, i1, i4, i2) {
  %x0 = comb.extract %x from 0 : (i4) -> i1
  %x1 = comb.extract %x from 1 : (i4) -> i1
  %x3 = comb.extract %x from 3 : (i4) -> i1
  %hi = comb.extract %x from 2 : (i4) -> i2
  %y1 = comb.extract %y from 1 : (i2) -> i1
  %one = hw.constant true
  %zero = arith.constant false
  %k = arith.constant 5 : i3
  %t0 = lut.table(%x0, %x1, %y1, %c, %x3, %one) [0, 1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 1, 1, 0, 0, 0, 0, 1, 0, 1, 1, 0, 1, 1, 0, 0, 1, 1, 0, 1, 0, 1] : (i1, i1, i1, i1, i1, i1) -> i1
  %t1 = lut.table(%t0, %x0, %x0) [1, 0, 0, 1, 0, 1, 1, 1] : (i1, i1, i1) -> i1
  %t2 = lut.table(%zero, %t1) [0, 1, 1, 0] : (i1, i1) -> i1
  %t3 = lut.table() [1] : () -> i1
  %w = comb.concat %t2, %t3, %t0 : i1, i1, i1
  %z = comb.xor %w, %k : i3
  %a = comb.and %x, %x : i4
  %r = comb.concat %x0, %one : i1, i1
  func.return %z, %c, %a, %r : i3, i1, i4, i2
}
"""


@pytest.mark.parametrize("kernel", KERNELS)
def test_mapped_form_with_ports_constants_and_repeated_operands(kernel):
    module = parse_module(MAPPED, "mapped.mlir")
    interp = Interpreter(module)
    ins = [np.array(v, np.uint64) for v in zip(*itertools.product(range(16), range(4), range(2)))]
    want = interp.evaluate("m", ins)
    got = compile_function(module, "m", kernel).evaluate(ins)
    for g, w in zip(got, want):
        assert np.array_equal(g, w)


@pytest.mark.skipif(not HAS_CC, reason="no C compiler (cc, gcc or clang) found")
@pytest.mark.parametrize("vector_bits,chunk", [(64, 7), (128, 1), (256, 500), (512, 50)])
def test_c_vector_widths_and_chunks(vector_bits, chunk):
    """Values crossing the generated functions' boundaries (rows of `v`, reused) and
    padding of the words to the vector width."""
    net = random_layered(20, 500, width=40, seed=11)
    assert_same(netlist_module(net), "c", lanes=777, vector_bits=vector_bits, chunk=chunk)


@pytest.mark.parametrize("vectors", [1, 63, 64, 200])
def test_pack_rows_is_pack_bits_of_the_transpose(vectors):
    bits = np.random.default_rng(vectors).integers(0, 2, (vectors, 13)).astype(np.uint8)
    assert np.array_equal(pack_rows(bits), pack_bits(bits.T))
    assert np.array_equal(pack_rows(bits.astype(bool)), pack_bits(bits.T))


def test_pack_and_unpack_ports_round_trip():
    widths = (1, 7, 64, 3)
    ins = random_inputs(widths, 130, seed=5)
    words, lanes = pack_ports(ins, widths)
    assert words.shape == (75, 3) and lanes == 130
    assert all(np.array_equal(a, b) for a, b in zip(unpack_ports(words, widths, lanes), ins))
    # bit j of port 1 is row 1 + j, vector v is bit v % 64 of word v // 64
    assert (int(words[1 + 2, 1]) >> 5) & 1 == (int(ins[1][69]) >> 2) & 1


# --------------------------------------------------------------------------- models


def test_groupsum_counts_equal_pytorch_at_the_mapped_and_gate_levels():
    """A thermometer-coded logic network with a GroupSum head, exported by torch-mlir:
    the compiled evaluator's count outputs equal PyTorch's counts on every input, after
    `lower-to-luts{lut-size=6}` and at the gate level (`nn-to-lut,convert-arith-to-gate`)."""
    torch = pytest.importorskip("torch", reason="torch is not installed (pip install torch==2.13.0)")
    pytest.importorskip("torch_mlir.fx", reason="torch-mlir is not installed (pip install torch-mlir)")
    from logic_models import CoefficientLayer, GroupSum, RelaxedLayer, Thresholds, export, floats_for_codes

    th = [0.3, 0.6]
    model = torch.nn.Sequential(Thresholds(th), RelaxedLayer(10, 24, 15), CoefficientLayer(24, 24, 16),
                                GroupSum(3, 4.0)).eval()
    text = export(model, torch.zeros(1, 5))
    codes = np.array(list(itertools.product(range(3), repeat=5)), dtype=np.int64)
    with torch.no_grad():
        y = model(torch.tensor(floats_for_codes(codes, th))).numpy()
    want = np.rint(y * 4.0).astype(np.int64)
    assert want.max() > 1  # counts, not bits
    for passes in ("lower-to-luts{lut-size=6}", "nn-to-lut,convert-arith-to-gate"):
        module = parse_module(text, "model.mlir")
        run_passes(module, passes)
        ops = {op.name for op in module.walk()}
        assert ("lut.table" in ops) if "luts" in passes else ("gate.netlist" in ops), ops
        for kernel in ["c", "numba"] if HAS_CC else ["numba"]:
            cf = compile_function(module, "main", kernel)
            got = np.stack(cf.evaluate([codes[:, i].astype(np.uint64) for i in range(5)]), 1).astype(np.int64)
            assert np.array_equal(got, want), (passes, kernel)


# --------------------------------------------------------------------------- refusal, fallback, cache

ARITH = """
func.func @g(%a: i4, %b: i4) -> i4 {
  %s = arith.addi %a, %b : i4
  %t = lut.table(%s) [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] : (i4) -> i4
  func.return %t : i4
}
"""


def test_unsupported_ops_are_named_and_the_interpreter_falls_back():
    module = parse_module(ARITH, "arith.mlir")
    with pytest.raises(CompiledUnsupported, match=r"'arith\.addi' \(1\)"):
        bit_program(module, "g")
    interp = Interpreter(module, backend="compiled")
    assert interp.compiled_function("g") is None
    a, b = np.arange(16, dtype=np.uint64), np.arange(16, dtype=np.uint64)[::-1].copy()
    (got,) = interp.evaluate("g", [a, b])
    assert np.array_equal(got, (a + b) % 16)


def test_wide_tables_are_refused():
    text = "func.func @w(%a: i7, %b: i6) -> i1 {\n" \
           '  %t = "lut.table"(%a, %b) <{table = dense<0> : tensor<8192xi1>}> : (i7, i6) -> i1\n' \
           "  func.return %t : i1\n}\n"
    with pytest.raises(CompiledUnsupported, match="more than 12 input bits"):
        bit_program(parse_module(text, "w.mlir"))


@pytest.mark.parametrize("backend", ["compiled", "numba"] + (["c"] if HAS_CC else []))
def test_interpreter_backend_uses_the_compiled_function(backend):
    module = parse_module(random_lut_function(np.random.default_rng(9), max_bits=8), "r.mlir")
    interp = Interpreter(module, backend=backend)
    cf = interp.compiled_function()
    assert cf is not None and cf.backend == ({"compiled": "c" if HAS_CC else "numba"}.get(backend, backend))
    ins = random_inputs(interp.signature().input_widths, 100)
    want = Interpreter(module).evaluate(None, ins)
    assert all(np.array_equal(g, w) for g, w in zip(interp.evaluate(None, ins), want))
    assert Interpreter(module).compiled_function() is None  # the default stays NumPy


@pytest.mark.skipif(not HAS_CC, reason="no C compiler (cc, gcc or clang) found")
def test_c_library_is_cached_on_disk(tmp_path, monkeypatch):
    monkeypatch.setenv("LUTOPT_CACHE_DIR", str(tmp_path))
    module = netlist_module(random_layered(8, 50, seed=4))
    first = compile_function(module, backend="c")
    assert first.stats["cached"] == 0 and len(list(tmp_path.glob("bitsim_*.so"))) == 1
    monkeypatch.setattr(_compiled_c, "_LIBS", {})  # as a new process
    second = compile_function(module, backend="c")
    assert second.stats["cached"] == 1 and second.stats["cc_s"] == 0
    words = pack_bits(np.random.default_rng(0).integers(0, 2, (8, 100)))
    assert np.array_equal(first.evaluate_packed(words), second.evaluate_packed(words))
