"""Differential fuzzer of the nn level: random small quantized PyTorch models, end to end.

Each case draws a model (1-3 sparse linear layers of fan-in 1-4, 1-4-bit codes signed or
unsigned, scales that are powers of two, exact non-powers of two, not float32-exact (0.1,
16/7) or 1.0, optional BatchNorm in evaluation mode, ReLU and skip connections, quantizers
written in several of the forms users write), exports it with torch-mlir, compiles it with
`lower-to-rtl{lut-size=6}` (sometimes without lut-size, sometimes pipelined), simulates the
Verilog in Icarus on every input code combination (random ones beyond 14 input bits) and
compares every output code with PyTorch's (the oracle: the model itself, run on a batch).

The same model is compiled twice in the process and must print byte-identical Verilog; a
second fuzzer compiles the same model file with `lutopt` in subprocesses under different
PYTHONHASHSEEDs and compares the bytes.

Default run: a few fixed cases (well under two minutes); `bench/fuzz.py --level nn
--examples N` is the long run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field

import numpy as np
import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from .settings import fuzz_settings

torch = pytest.importorskip("torch", reason="torch is not installed (pip install torch==2.13.0)")
fx = pytest.importorskip("torch_mlir.fx", reason="torch-mlir is not installed (pip install torch-mlir)")
pytestmark = pytest.mark.skipif(shutil.which("iverilog") is None, reason="iverilog (Icarus Verilog) is not installed")

from lutopt.api import emit, make_context, parse_module, run_passes  # noqa: E402
from lutopt.sim.verilog_sim import simulate_verilog  # noqa: E402

BIN = os.path.dirname(sys.executable)
EXHAUSTIVE_BITS = 14
RANDOM_VECTORS = 1024
SCALES = [1.0, 0.5, 0.25, 2.0, 0.375, 0.75, 1.5, 0.1, 0.3, 16 / 7, 1 / 3, 0.7]
FORMS = ["clamp", "clamp", "clamp", "hardtanh", "module"]

# ----------------------------------------------------------------------------- models


@dataclass(frozen=True)
class Quant:
    scale: float
    lo: int
    hi: int
    form: str = "clamp"

    @property
    def width(self) -> int:
        if self.lo < 0:
            return max(1, max(self.hi, -self.lo - 1).bit_length() + 1)
        return max(1, self.hi.bit_length())


@dataclass(frozen=True)
class Layer:
    width: int
    fan_in: int
    bn: bool
    relu: bool
    skip: bool
    quant: Quant


@dataclass(frozen=True)
class Spec:
    n_in: int
    q_in: Quant
    layers: tuple[Layer, ...]
    seed: int
    lut_size: int | None = 6
    stages: int = 0
    notes: list[str] = field(default_factory=list, compare=False)


def quants(bits: int | None = None):
    @st.composite
    def q(draw):
        b = bits or draw(st.integers(1, 4))
        signed = draw(st.booleans()) and b > 1
        lo, hi = (-(1 << (b - 1)), (1 << (b - 1)) - 1) if signed else (0, (1 << b) - 1)
        return Quant(draw(st.sampled_from(SCALES)), lo, hi, draw(st.sampled_from(FORMS)))

    return q()


@st.composite
def specs(draw) -> Spec:
    n_in = draw(st.integers(1, 4))
    q_in = draw(quants())
    layers = []
    prev_w, prev_bits = n_in, q_in.width
    for _ in range(draw(st.integers(1, 3))):
        width = draw(st.integers(1, 4))
        skip = width == prev_w and draw(st.booleans())
        # Keep every table small: at most 12 operand bits per partition.
        max_fan = max(1, min(4, prev_w, 12 // prev_bits - (1 if skip else 0)))
        fan_in = draw(st.integers(1, max_fan))
        q = draw(quants())
        layers.append(Layer(width, fan_in, draw(st.booleans()), draw(st.booleans()), skip, q))
        prev_w, prev_bits = width, q.width
    lut_size = draw(st.sampled_from([6, 6, 6, 4, None]))
    stages = draw(st.sampled_from([0, 0, 0, 1, 2]))
    return Spec(n_in, q_in, tuple(layers), draw(st.integers(0, 2**31 - 1)), lut_size, stages)


def apply_quant(x, q: Quant, module=None):
    if q.form == "module":
        return module(x)
    if q.form == "hardtanh":
        return torch.nn.functional.hardtanh(torch.round(x / q.scale), q.lo, q.hi) * q.scale
    return torch.clamp(torch.round(x / q.scale), q.lo, q.hi) * q.scale


class Model(torch.nn.Module):
    def __init__(self, spec: Spec):
        super().__init__()
        from lutopt.nn import Quantizer

        self.spec = spec
        rng = np.random.default_rng(spec.seed)
        self.quantizers = torch.nn.ModuleList()
        self.bns = torch.nn.ModuleList()
        self.weights, self.biases = [], []
        prev_w, prev_q = spec.n_in, spec.q_in
        for q in [spec.q_in] + [layer.quant for layer in spec.layers]:
            # Learned scales are float32 tensors: the module holds float32(scale).
            self.quantizers.append(Quantizer(scale=q.scale, qmin=q.lo, qmax=q.hi, learn_scale=False))
        for layer in spec.layers:
            mask = np.zeros((layer.width, prev_w), np.float32)
            for r in range(layer.width):
                mask[r, rng.permutation(prev_w)[: layer.fan_in]] = 1
            # Weights so that the pre-activations spread over the output's code range.
            span = max(1, prev_q.hi - prev_q.lo) * prev_q.scale
            gain = (layer.quant.hi - layer.quant.lo + 1) * layer.quant.scale / span
            w = rng.normal(size=(layer.width, prev_w)).astype(np.float32) * np.float32(gain) * mask
            b = (rng.normal(size=layer.width) * layer.quant.scale * 2).astype(np.float32)
            self.weights.append(torch.tensor(w))
            self.biases.append(torch.tensor(b))
            bn = torch.nn.BatchNorm1d(layer.width)
            with torch.no_grad():
                bn.running_mean.copy_(torch.tensor(rng.normal(size=layer.width) * 0.5 * layer.quant.scale, dtype=torch.float32))
                bn.running_var.copy_(torch.tensor(rng.uniform(0.5, 2.0, size=layer.width), dtype=torch.float32))
                bn.weight.copy_(torch.tensor(rng.uniform(0.5, 1.5, size=layer.width), dtype=torch.float32))
                bn.bias.copy_(torch.tensor(rng.normal(size=layer.width) * 0.5 * layer.quant.scale, dtype=torch.float32))
            self.bns.append(bn)
            prev_w, prev_q = layer.width, layer.quant
        self.eval()

    def forward(self, x):
        x = apply_quant(x, self.spec.q_in, self.quantizers[0])
        for i, layer in enumerate(self.spec.layers):
            y = torch.nn.functional.linear(x, self.weights[i], self.biases[i])
            if layer.bn:
                y = self.bns[i](y)
            if layer.relu:
                y = torch.relu(y)
            if layer.skip:
                y = y + x
            x = apply_quant(y, layer.quant, self.quantizers[i + 1])
        return x


# ----------------------------------------------------------------------------- the oracle


def input_codes(spec: Spec, rng: np.random.Generator) -> np.ndarray:
    """Every input code combination (row-major, input 0 slowest), or random ones."""
    q = spec.q_in
    values = np.arange(q.lo, q.hi + 1)
    if spec.n_in * q.width <= EXHAUSTIVE_BITS:
        grids = np.meshgrid(*[values] * spec.n_in, indexing="ij")
        return np.stack([g.reshape(-1) for g in grids], axis=1)
    return rng.integers(q.lo, q.hi + 1, size=(RANDOM_VECTORS, spec.n_in))


def pytorch_codes(model: Model, spec: Spec, codes: np.ndarray) -> np.ndarray:
    """PyTorch's output codes for input codes (inputs on the codes' float32 values)."""
    s_in = np.float32(spec.q_in.scale)
    x = torch.tensor(codes.astype(np.float32) * s_in)
    with torch.no_grad():
        y = model(x).numpy()
    q = spec.layers[-1].quant
    out = np.rint(y / np.float32(q.scale)).astype(np.int64)
    assert out.min() >= q.lo and out.max() <= q.hi, "the oracle's outputs are not codes"
    return out


def export(spec: Spec) -> tuple[Model, str]:
    model = Model(spec)
    text = str(fx.export_and_import(model, torch.zeros(1, spec.n_in), output_type="linalg-on-tensors"))
    return model, text


def pipeline(spec: Spec) -> str:
    opts = []
    if spec.lut_size is not None:
        opts.append(f"lut-size={spec.lut_size}")
    if spec.stages:
        opts.append(f"pipeline-stages={spec.stages}")
    return "lower-to-rtl" + ("{" + " ".join(opts) + "}" if opts else "")


def compile_to_verilog(text: str, spec: Spec) -> str:
    ctx = make_context()
    module = parse_module(text, "model.mlir", ctx)
    run_passes(module, pipeline(spec), ctx)
    return emit(module, "verilog", ctx)


def check_model(spec: Spec, tmp_path) -> None:
    model, text = export(spec)
    note(f"pipeline: {pipeline(spec)}")
    verilog = compile_to_verilog(text, spec)
    assert compile_to_verilog(text, spec) == verilog, "compiling the same model twice gave different Verilog"
    path = tmp_path / "model.v"
    path.write_text(verilog)
    codes = input_codes(spec, np.random.default_rng(spec.seed))
    expect = pytorch_codes(model, spec, codes)
    mask_in = (1 << spec.q_in.width) - 1
    inputs = [(codes[:, i] & mask_in).astype(np.uint64) for i in range(spec.n_in)]
    outs = simulate_verilog(str(path), "main", inputs, simulator="iverilog")
    q = spec.layers[-1].quant
    got = np.stack([np.asarray(o, dtype=np.int64) for o in outs], axis=1)
    assert got.shape == expect.shape, f"{got.shape[1]} output ports, PyTorch has {expect.shape[1]} outputs"
    assert (got >= 0).all(), "the simulation has unknown (x/z) output bits"
    expect_bits = expect & ((1 << q.width) - 1)
    bad = np.argwhere(got != expect_bits)
    if len(bad):
        v, o = bad[0]
        raise AssertionError(
            f"{len(bad)} of {got.size} output codes differ from PyTorch; first: inputs {codes[v].tolist()} "
            f"output #{o}: Verilog {got[v, o]}, PyTorch {expect[v, o]} (bits {expect_bits[v, o]})"
        )


# ----------------------------------------------------------------------------- the fuzzers



@given(spec=specs())
@fuzz_settings(default_examples=8)
def test_fuzz_nn_models_match_pytorch_in_icarus(spec, tmp_path_factory, fuzz_count):
    note(repr(spec))
    check_model(spec, tmp_path_factory.mktemp("nn"))
    fuzz_count()


def _lutopt(*args: str, seed: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    return subprocess.run([os.path.join(BIN, "lutopt"), *args], capture_output=True, env=env, timeout=600)


@given(spec=specs())
@fuzz_settings(default_examples=1)
def test_fuzz_nn_compiles_byte_identically_across_processes(spec, tmp_path_factory, fuzz_count):
    """The same model file, compiled by two processes with different hash seeds."""
    note(repr(spec))
    fuzz_count()
    d = tmp_path_factory.mktemp("det")
    _, text = export(spec)
    src = d / "model.mlir"
    src.write_text(text)
    outs = []
    for seed in ("0", "12345"):
        out = d / f"out{seed}.v"
        proc = _lutopt(str(src), "-p", pipeline(spec), "-t", "verilog", "-o", str(out), seed=seed)
        assert proc.returncode == 0, proc.stderr.decode()
        outs.append(out.read_bytes())
    assert outs[0] == outs[1], "two processes printed different Verilog for the same model"


REPEATED_OPERANDS = Spec(
    n_in=2,
    q_in=Quant(0.7, 0, 15),
    layers=(
        Layer(4, 1, False, True, False, Quant(1.0, 0, 1)),
        Layer(3, 3, False, False, False, Quant(1.0, -8, 7)),
        Layer(2, 1, False, True, False, Quant(1.0, 0, 15)),
    ),
    seed=0,
)


def test_lut_decompose_repeated_operands_from_an_nn_model(tmp_path):
    """Found by the fuzzer above: lut-decompose raised 'a table's inputs must be distinct
    non-negative cover inputs' (four fan-in-1 neurons on two inputs give tables whose
    operands repeat); lut-decompose now reads repeated operands once."""
    model, text = export(REPEATED_OPERANDS)
    verilog = compile_to_verilog(text, REPEATED_OPERANDS)
    path = tmp_path / "model.v"
    path.write_text(verilog)
    codes = input_codes(REPEATED_OPERANDS, np.random.default_rng(0))
    expect = pytorch_codes(model, REPEATED_OPERANDS, codes) & 15
    outs = simulate_verilog(str(path), "main", [c.astype(np.uint64) for c in codes.T], simulator="iverilog")
    assert np.array_equal(np.stack([np.asarray(o, np.int64) for o in outs], axis=1), expect)
