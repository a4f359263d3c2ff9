"""A pass that marks the module unchanged is not verified again; every other pass is."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from xdsl.passes import ModulePass

import lutopt
from lutopt import api
from lutopt.diagnostics import LutoptError
from lutopt.ir.unchanged import mark_unchanged

TEXT = """
func.func @f(%w: i1, %x: i1, %y: i1, %z: i1) -> i1 {
  %t = lut.table(%w, %x, %y, %z) [0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1] : (i1, i1, i1, i1) -> i1
  func.return %t : i1
}
"""


@dataclass(frozen=True)
class Breaks(ModulePass):
    """Makes the module invalid (a table whose entry count does not match its inputs)."""

    name = "test-breaks"
    mark: bool = False

    def apply(self, ctx, op) -> None:
        from xdsl.dialects.builtin import DenseIntOrFPElementsAttr, TensorType, i1

        table = next(o for o in op.walk() if o.name == "lut.table")
        table.properties["table"] = DenseIntOrFPElementsAttr.from_list(TensorType(i1, [2]), [0, 1])
        if self.mark:
            mark_unchanged(op)


def test_an_unmarked_pass_is_verified() -> None:
    module = lutopt.parse_module(TEXT, "t.mlir")
    with pytest.raises(LutoptError, match="after pass 'test-breaks'"):
        api.run_passes(module, [Breaks()])


def test_a_marked_pass_is_not_verified_and_the_mark_is_used_once() -> None:
    module = lutopt.parse_module(TEXT, "t.mlir")
    api.run_passes(module, [Breaks(mark=True)])  # the lie is believed: no verification
    with pytest.raises(LutoptError, match="after pass 'test-breaks'"):
        api.run_passes(module, [Breaks()])


def test_lut_decompose_marks_only_when_every_table_fits(monkeypatch) -> None:
    module = lutopt.parse_module(TEXT, "t.mlir")
    calls = []
    real = api.verify_located
    monkeypatch.setattr(api, "verify_located", lambda m, *a: (calls.append(1), real(m, *a)))
    api.run_passes(module, "lut-decompose{lut-size=4}")  # the 4-input table fits
    assert calls == []
    api.run_passes(module, "lut-decompose{lut-size=3}")  # it must be covered
    assert calls == [1]
    assert sum(o.name == "lut.table" for o in module.walk()) > 1
