"""`gate-double-inversion`: removes the inverters of a `gate.netlist`.

Every inverter (function 12 `~a` or 10 `~b`) disappears: each consumer takes the
inverter's input with the complement folded into its own function, and an output takes
it as its complement flag. So NOT(NOT x) becomes x, `and(not_a(x), y)` becomes
`not_a_and_b(x, y)`, and NOT(nand(x, y)) feeding an output becomes the nand with the
output complemented. The algorithm is `lutopt.logic.simplify.remove_double_inversions`.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from lutopt.dialects.gate import transform_netlists
from lutopt.logic.simplify import remove_double_inversions


@dataclass(frozen=True)
class GateDoubleInversion(ModulePass):
    """Folds inverters into their consumers in every `gate.netlist`."""

    name = "gate-double-inversion"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        transform_netlists(op, remove_double_inversions)
