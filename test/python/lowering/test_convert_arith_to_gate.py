"""convert-arith-to-gate's structure: sums of products are one compressor tree, narrow
(extended, shifted) operands enter at their own width, and every result is checked
against the interpreter (`check=True`, exhaustive up to 16 input bits)."""

from __future__ import annotations

from lutopt.api import parse_module, run_passes

SHIFT_ADD = """
func.func @sa(%a: i6, %b: i6) -> i14 {
  %x = arith.extsi %a : i6 to i14
  %y = arith.extsi %b : i6 to i14
  %c3 = arith.constant 3 : i14
  %c5 = arith.constant 5 : i14
  %x3 = arith.shli %x, %c3 : i14
  %y5 = arith.shli %y, %c5 : i14
  %s = arith.addi %x3, %y5 : i14
  %t = arith.subi %s, %x : i14
  func.return %t : i14
}
"""

DOT = """
func.func @dot(%a0: i4, %b0: i4, %a1: i4, %b1: i4) -> i10 {
  %x0 = arith.extsi %a0 : i4 to i10
  %y0 = arith.extsi %b0 : i4 to i10
  %x1 = arith.extsi %a1 : i4 to i10
  %y1 = arith.extsi %b1 : i4 to i10
  %p0 = arith.muli %x0, %y0 : i10
  %p1 = arith.muli %x1, %y1 : i10
  %s = arith.addi %p0, %p1 : i10
  func.return %s : i10
}
"""


def _gates(text: str) -> tuple[int, int]:
    """(netlists, gates) after the pass, checked by simulation."""
    module = parse_module(text)
    run_passes(module, "convert-arith-to-gate", check=True)
    nets = [op for op in module.walk() if op.name == "gate.netlist"]
    return len(nets), sum(op.num_gates for op in nets)


def test_shifted_sign_extended_operands_stay_narrow() -> None:
    # x*8 + y*32 - x on 6-bit signed operands: 13 + 11 + 6 weighted bits, no sign copies
    # (85 gates when the shifted values entered the tree at full width)
    nets, gates = _gates(SHIFT_ADD)
    assert nets == 1 and gates <= 61, gates


def test_a_dot_product_is_one_compressor_tree() -> None:
    nets, gates = _gates(DOT)
    assert nets == 1
    # two 4x4 signed products and their sum in one tree with one final adder: fewer
    # gates than the same function with the products also returned (so materialised,
    # each with its own final adder, then added)
    unfused = DOT.replace("-> i10 {", "-> (i10, i10, i10) {").replace(
        "func.return %s : i10", "func.return %s, %p0, %p1 : i10, i10, i10")
    _, separate = _gates(unfused)
    assert gates < separate, (gates, separate)
