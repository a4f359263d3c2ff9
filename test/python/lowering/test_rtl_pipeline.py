"""rtl-pipeline on a graph region: an `hw.module` body may use a value before the op that
defines it, so logic levels and stages follow the one topological order of
`lutopt.ir.order`, not the text order."""

from __future__ import annotations

import pytest
from xdsl.dialects import hw

from lutopt.api import parse_module, run_passes
from lutopt.diagnostics import LutoptError
from lutopt.lowering.transforms.rtl.rtl_pipeline import logic_levels
from lutopt.sim.check import check_pass

# %y reads %x, which is defined after it.
USED_BEFORE_DEFINED = """
hw.module @f(in %a : i1, in %b : i1, in %c : i1, out y : i1) {
  %y = comb.and %x, %c : i1
  %x = comb.xor %a, %b : i1
  hw.output %y : i1
}
"""

# A chain of three levels (%p) and a level-1 value %x defined after its use: with two
# parts, %x is in stage 0 and %y in stage 1, so %x must pass through a register.
LATE_SHORT_PATH = """
hw.module @g(in %a : i1, in %b : i1, in %c : i1, out y : i1) {
  %p1 = comb.xor %a, %b : i1
  %p2 = comb.xor %p1, %c : i1
  %p = comb.xor %p2, %a : i1
  %y = comb.and %p, %x : i1
  %x = comb.or %a, %c : i1
  hw.output %y : i1
}
"""


def _module(m, name: str) -> hw.HWModuleOp:
    return next(op for op in m.ops if isinstance(op, hw.HWModuleOp) and op.sym_name.data == name)


def test_logic_levels_follow_uses_not_text_order():
    m = parse_module(USED_BEFORE_DEFINED)
    f = _module(m, "f")
    level, depth = logic_levels(f)
    ops = list(f.body.block.ops)
    y, x = ops[0].results[0], ops[1].results[0]
    assert (level[x], level[y], depth) == (1, 2, 2)


def test_pipelining_a_value_used_before_its_definition_keeps_the_function():
    before = parse_module(LATE_SHORT_PATH)
    after = before.clone()
    run_passes(after, "rtl-pipeline{stages=1}")
    check_pass(before, after, "rtl-pipeline")  # raises on a path that misses its register
    regs = [op for op in _module(after, "g").body.block.ops if op.name == "seq.compreg"]
    assert len(regs) == 3  # %p2 and %a into %p (stage 1), %x into %y (stage 1)


def test_combinational_loop_is_a_located_error():
    loop = """
hw.module @h(in %a : i1, out y : i1) {
  %y = comb.and %a, %z : i1
  %z = comb.xor %y, %a : i1
  hw.output %y : i1
}
"""
    m = parse_module(loop, "loop.mlir")
    with pytest.raises(LutoptError, match="combinational loop") as info:
        run_passes(m, "rtl-pipeline{stages=1}")
    assert info.value.location is not None and info.value.location.startswith("loop.mlir:")
