"""`gate-refactor`: SOP refactoring of `gate.netlist` ops (aigverse / mockturtle).

Each netlist becomes an AIG; the function of each node's window of up to `max-pis`
leaves is collapsed to a sum of products, factored and rebuilt where that saves ANDs.
The result is an AIG (gates 1, 2, 4, 8, and 6, 9 for recovered XORs), dead gates removed. The algorithm is
`lutopt.logic.rewrite.refactor`; it needs the Python package aigverse.

Options (mockturtle's names and defaults): `max-pis` (default 6), `allow-zero-gain`,
`use-dont-cares` (false by default).
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from lutopt.diagnostics import LutoptError
from lutopt.dialects.gate import transform_netlists


@dataclass(frozen=True)
class GateRefactor(ModulePass):
    """Refactors every `gate.netlist` as an AIG."""

    name = "gate-refactor"

    max_pis: int = 6
    allow_zero_gain: bool = False
    use_dont_cares: bool = False

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        from lutopt.logic.aigverse_io import aigverse_module
        from lutopt.logic.rewrite import RefactorParams, refactor

        aigverse_module(self.name)
        params = RefactorParams(
            max_pis=self.max_pis, allow_zero_gain=self.allow_zero_gain, use_dont_cares=self.use_dont_cares
        )
        problem = params.check()
        if problem:
            raise LutoptError(f"{self.name}: {problem}")
        transform_netlists(op, lambda net: refactor(net, params))
