"""`gate-dce`: removes the gates of a `gate.netlist` that no output depends on.

The remaining gates keep their order and are renumbered. The algorithm is
`lutopt.logic.simplify.remove_dead_gates`.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from lutopt.dialects.gate import transform_netlists
from lutopt.logic.simplify import remove_dead_gates


@dataclass(frozen=True)
class GateDce(ModulePass):
    """Removes dead gates from every `gate.netlist`."""

    name = "gate-dce"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        transform_netlists(op, remove_dead_gates)
