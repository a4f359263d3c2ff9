"""Differential fuzzing of the compiled bit-parallel evaluator against the NumPy
interpreter: random lut-level functions (`lutopt.testing.random_lut_function`: tables of
1 to 12 input bits and 1 to 6 result bits, chains and DAGs, optionally mapped to K-LUTs
by `lower-to-luts`) and random gate netlists (`lutopt.logic.random_netlist`, layered,
unstructured, with constants hidden in them), on random vectors, with the C and numba
kernels and the C kernel's vector widths and chunk sizes.

Long run: `bench/fuzz.py` (LUTOPT_FUZZ_EXAMPLES=N).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from xdsl.dialects.builtin import ModuleOp

from lutopt.api import parse_module, run_passes
from lutopt.interpreters import _compiled_c
from lutopt.interpreters.compiled import compile_function
from lutopt.interpreters.core import Interpreter
from lutopt.logic.exchange import netlist_function
from lutopt.logic.random_netlist import random_dag, random_layered, with_hidden_constants
from lutopt.testing import random_lut_function

from .settings import fuzz_settings

KERNELS = ["numba"] + (["c"] if _compiled_c.find_compiler() is not None else [])


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("LUTOPT_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "bitsim-cache"))


def _compare(module, kernel, options, lanes, seed):
    interp = Interpreter(module)
    sig = interp.signature()
    rng = np.random.default_rng(seed)
    ins = [rng.integers(0, 1 << w, lanes, dtype=np.uint64) for w in sig.input_widths]
    want = interp.evaluate(None, ins)
    got = compile_function(module, None, kernel, **options).evaluate(ins)
    for k, (g, w) in enumerate(zip(got, want)):
        bad = np.flatnonzero(g != w)
        assert len(bad) == 0, f"output {k}, vector {bad[0]}: {g[bad[0]]} vs interpreter {w[bad[0]]}"


def _options(draw, kernel):
    if kernel != "c":
        return {}
    return {"vector_bits": draw(st.sampled_from([64, 128, 256, 512])), "chunk": draw(st.integers(1, 600))}


@given(data=st.data())
@fuzz_settings(default_examples=12)
def test_random_lut_functions(data, fuzz_count):
    seed = data.draw(st.integers(0, 2**32 - 1), label="seed")
    rng = np.random.default_rng(seed)
    text = random_lut_function(
        rng,
        num_args=data.draw(st.integers(1, 5), label="args"),
        num_tables=data.draw(st.integers(1, 10), label="tables"),
        max_operands=data.draw(st.integers(1, 4), label="operands"),
        max_bits=data.draw(st.integers(1, 12), label="bits"),
        max_width=data.draw(st.integers(1, 6), label="width"),
        chain=data.draw(st.booleans(), label="chain"),
        num_results=data.draw(st.integers(1, 3), label="results"),
    )
    module = parse_module(text, "fuzz.mlir")
    k = data.draw(st.sampled_from([0, 3, 4, 6]), label="lut-size (0: unmapped)")
    if k:
        run_passes(module, f"lower-to-luts{{lut-size={k} effort=0}}")
    note(text)
    kernel = data.draw(st.sampled_from(KERNELS), label="kernel")
    _compare(module, kernel, _options(data.draw, kernel), data.draw(st.integers(1, 700), label="lanes"), seed)
    fuzz_count()


@given(data=st.data())
@fuzz_settings(default_examples=12)
def test_random_netlists(data, fuzz_count):
    seed = data.draw(st.integers(0, 2**32 - 1), label="seed")
    n_in = data.draw(st.integers(1, 40), label="inputs")
    gates = data.draw(st.integers(1, 600), label="gates")
    kind = data.draw(st.sampled_from(["layered", "dag", "hidden"]), label="kind")
    if kind == "layered":
        net = random_layered(n_in, gates, width=data.draw(st.integers(1, 60)), seed=seed % 2**31)
    else:
        net = random_dag(n_in, gates, data.draw(st.integers(1, 20)), seed=seed % 2**31)
        if kind == "hidden":
            net = with_hidden_constants(net, data.draw(st.integers(1, 8)), seed=seed % 2**31)
    kernel = data.draw(st.sampled_from(KERNELS), label="kernel")
    _compare(ModuleOp([netlist_function(net, "f")]), kernel, _options(data.draw, kernel), data.draw(st.integers(1, 700), label="lanes"), seed)
    fuzz_count()
