"""`gate-strash`: structural hashing of `gate.netlist` ops.

Gates that compute the same function of the same fanin nodes, up to operand order and
output complement, are merged into one. Each gate is normalised first (fanins in
increasing node order, function with f(0,0) = 0, the complement moving into the
consumers' functions and the output flags), so `nand(x, y)` and `and(y, x)` merge.
Gates that have no two-input normal form -- a constant fanin, the same node twice, a
function that ignores a fanin -- reduce to the literal they compute while hashing, as
they do when an AIG package builds its nodes.
Gates that become unused are dropped with the duplicates; other dead gates stay (see
`gate-dce`). The algorithm is `lutopt.logic.simplify.strash`.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from lutopt.dialects.gate import transform_netlists
from lutopt.logic.simplify import strash


@dataclass(frozen=True)
class GateStrash(ModulePass):
    """Merges structurally identical gates in every `gate.netlist`."""

    name = "gate-strash"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        transform_netlists(op, strash)
