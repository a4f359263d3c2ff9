"""`gate-const-prop`: constant propagation in `gate.netlist` ops.

A gate with a constant fanin, a gate whose function ignores a fanin (0 false, 3 a, 5 b,
10 ~b, 12 ~a, 15 true) and a gate whose two fanins are the same node reduce to the
constant or the (possibly complemented) literal they compute; a complement folds into
each consumer's function or the output's complement flag. The gates that only fed a
folded gate stay (see `gate-dce`). The algorithm is
`lutopt.logic.simplify.propagate_constants`.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from lutopt.dialects.gate import transform_netlists
from lutopt.logic.simplify import propagate_constants


@dataclass(frozen=True)
class GateConstProp(ModulePass):
    """Folds constants and trivial gates in every `gate.netlist`."""

    name = "gate-const-prop"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        transform_netlists(op, propagate_constants)
