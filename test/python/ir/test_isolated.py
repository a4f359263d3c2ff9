"""lutopt's linear-time IsolatedFromAbove check gives xDSL's verdict on the same IR."""

from __future__ import annotations

import pytest
from xdsl.dialects import arith, func
from xdsl.dialects.builtin import IntegerAttr, ModuleOp, i1
from xdsl.ir import Block, Region
from xdsl.traits import IsolatedFromAbove
from xdsl.utils.exceptions import VerifyException

import lutopt
from lutopt.ir.isolated import _upstream_verify, verify_isolated

TEXT = """
func.func @a(%x: i1, %y: i1) -> i1 {
  %t = lut.table(%x, %y) [0, 1, 1, 0] : (i1, i1) -> i1
  %c = arith.constant true
  %u = lut.table(%t, %c) [0, 0, 0, 1] : (i1, i1) -> i1
  func.return %u : i1
}
func.func @b(%x: i1) -> i1 {
  func.return %x : i1
}
"""


def verdicts(op) -> tuple[str | None, str | None]:
    """(xDSL's message or None, ours or None)."""
    out = []
    for check in (_upstream_verify, verify_isolated):
        try:
            check(IsolatedFromAbove(), op)
            out.append(None)
        except VerifyException as e:
            out.append(str(e))
    return out[0], out[1]


def funcs(module: ModuleOp) -> list[func.FuncOp]:
    return [op for op in module.ops if isinstance(op, func.FuncOp)]


def test_the_driver_uses_the_linear_check() -> None:
    assert IsolatedFromAbove.verify is verify_isolated


def test_well_formed_ir_passes_both() -> None:
    module = lutopt.parse_module(TEXT, "t.mlir")
    for op in [module, *funcs(module)]:
        assert verdicts(op) == (None, None)


def test_a_value_from_another_function_fails_both_with_the_same_message() -> None:
    module = lutopt.parse_module(TEXT, "t.mlir")
    a, b = funcs(module)
    ret = b.body.block.last_op
    ret.operands = [a.body.block.args[1]]  # @b returns @a's %y
    upstream, ours = verdicts(b)
    assert upstream is not None and ours == upstream
    assert verdicts(a) == (None, None)  # @a itself is still isolated
    assert verdicts(module) == (None, None)  # %y is inside the module
    with pytest.raises(Exception, match="IsolatedFromAbove"):
        b.verify()


def test_a_use_inside_a_nested_region_is_checked() -> None:
    """An op with a region (not isolated) inside the function: its body's operands count."""
    module = lutopt.parse_module(TEXT, "t.mlir")
    a, b = funcs(module)
    outer = arith.ConstantOp(IntegerAttr(1, i1))
    module.body.block.add_op(outer)  # defined in the module, outside both functions
    inner_body = Block([func.ReturnOp(outer.result)])
    from xdsl.dialects.test import TestOp  # holds a region, not IsolatedFromAbove

    nested = TestOp.create(regions=[Region(inner_body)])
    b.body.block.insert_op_before(nested, b.body.block.last_op)
    upstream, ours = verdicts(b)
    assert upstream is not None and ours == upstream
    inner_body.last_op.operands = [b.body.block.args[0]]  # now defined inside @b
    assert verdicts(b) == (None, None)


def test_an_op_using_its_own_result_is_outside() -> None:
    """The isolated op's own results are not defined inside it (xDSL checks that too)."""
    module = lutopt.parse_module(TEXT, "t.mlir")
    from xdsl.dialects.test import TestOp

    inner = Block([func.ReturnOp()])
    nested = TestOp.create(regions=[Region(inner)], result_types=[i1])
    a = funcs(module)[0]
    a.body.block.insert_op_before(nested, a.body.block.last_op)
    inner.last_op.operands = [nested.results[0]]
    # from the function the use is inside; checked as if the test op were isolated, its
    # own result is outside it
    assert verdicts(a) == (None, None)
    upstream, ours = verdicts(nested)
    assert upstream is not None and ours == upstream
