"""The Python API: parse, run passes (with the simulation check), emit; located errors."""

import numpy as np
import pytest

import lutopt
from lutopt.dialects.lut import TableOp
from lutopt.sim import evaluate
from lutopt.testing import random_lut_function

XOR = """
func.func @f(%a: i1, %b: i1) -> i1 {
  %y = lut.table(%a, %b) [0, 1, 1, 0] : (i1, i1) -> i1
  func.return %y : i1
}
"""


def test_parse_run_emit_mlir():
    module = lutopt.parse_module(XOR, "xor.mlir")
    tables = [op for op in module.walk() if isinstance(op, TableOp)]
    assert len(tables) == 1 and list(tables[0].values()) == [0, 1, 1, 0]
    lutopt.run_passes(module, "convert-lut-to-rtl")
    text = lutopt.emit(module)
    assert "hw.module @f(in %a: i1, in %b: i1, out out0: i1)" in text
    assert "lut.table" not in text


def test_named_pipeline_with_options_and_check():
    module = lutopt.parse_module(XOR)
    lutopt.run_passes(module, "lower-to-rtl{pipeline-stages=1}", check=True)
    text = lutopt.emit(module)
    assert "seq.compreg" in text and "lutopt.latency = 1" in text


def test_errors_are_located():
    bad = XOR.replace("[0, 1, 1, 0]", "[0, 1, 1]")
    with pytest.raises(lutopt.LutoptError) as info:
        lutopt.parse_module(bad, "bad.mlir")
    assert info.value.format().startswith("bad.mlir:3:3: error: 'lut.table' op 'table' has 3 entries")


def test_unknown_pass():
    module = lutopt.parse_module(XOR)
    with pytest.raises(lutopt.LutoptError, match="unknown pass 'nope'"):
        lutopt.run_passes(module, "nope")


@pytest.mark.parametrize("seed", range(8))
def test_lowering_preserves_random_functions(seed):
    """The rtl the lowering produces computes the lut-level function (interpreters on both)."""
    rng = np.random.default_rng(seed)
    text = random_lut_function(rng, num_tables=int(rng.integers(1, 7)), chain=bool(seed % 2))
    lut_level = lutopt.parse_module(text)
    rtl = lutopt.run_passes(lutopt.parse_module(text), "lower-to-rtl")
    fn = [op for op in lut_level.walk() if op.name == "func.func"][0]
    widths = [a.type.width.data for a in fn.body.block.args]
    ins = [rng.integers(0, 1 << w, 500).astype(np.uint64) for w in widths]
    want = evaluate(lut_level, "f", ins)
    got = evaluate(rtl, "f", ins)
    for w, g in zip(want, got):
        assert np.array_equal(np.asarray(w, dtype=np.uint64), np.asarray(g, dtype=np.uint64))
