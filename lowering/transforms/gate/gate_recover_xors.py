"""`gate-recover-xors`: XORs that an AIG spells as three ANDs become one XOR gate again.

An AIG has no XOR: `x ^ y` is `~(x & y) & ~(~x & ~y)` (or another phase of it), so an
AIGER file of a netlist with XORs comes back with three AND gates for each. This pass
turns every such triple into one `xor`/`xnor` gate of x and y (the inner ANDs stay for
their other consumers, or become dead: run `gate-dce` after it). The mapper then works on
the smaller netlist: on a 256,000-gate difflogic-like network read from AIGER it maps in
about half the time to 0.8% fewer 6-LUTs. Gates must be in AIG form (functions and, nor
and the two and-not functions); run it before `gate-strash`, which normalises them. The
algorithm is `lutopt.logic.simplify.recover_xors`.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from lutopt.dialects.gate import transform_netlists
from lutopt.logic.simplify import recover_xors


@dataclass(frozen=True)
class GateRecoverXors(ModulePass):
    """Turns three-AND XORs back into XOR gates in every `gate.netlist`."""

    name = "gate-recover-xors"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        transform_netlists(op, recover_xors)
