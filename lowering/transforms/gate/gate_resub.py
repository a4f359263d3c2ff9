"""`gate-resub`: AIG resubstitution of `gate.netlist` ops (aigverse / mockturtle).

Each netlist becomes an AIG, and every node is re-expressed, where that frees logic, as
an existing node of its window or a function of existing nodes with at most
`max-inserts` new ANDs. The result is an AIG (gates 1, 2, 4, 8, and 6, 9 for recovered XORs), dead gates removed.
The algorithm is `lutopt.logic.rewrite.resubstitute`; it needs the Python package
aigverse.

Options (mockturtle's names and defaults): `max-pis` (window leaves, default 8),
`max-divisors` (default 150), `max-inserts` (default 2), `preserve-depth`,
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
class GateResub(ModulePass):
    """Resubstitutes the nodes of every `gate.netlist` as an AIG."""

    name = "gate-resub"

    max_pis: int = 8
    max_divisors: int = 150
    max_inserts: int = 2
    preserve_depth: bool = False
    use_dont_cares: bool = False

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        from lutopt.logic.aigverse_io import aigverse_module
        from lutopt.logic.rewrite import ResubParams, resubstitute

        aigverse_module(self.name)
        params = ResubParams(
            max_pis=self.max_pis,
            max_divisors=self.max_divisors,
            max_inserts=self.max_inserts,
            preserve_depth=self.preserve_depth,
            use_dont_cares=self.use_dont_cares,
        )
        problem = params.check()
        if problem:
            raise LutoptError(f"{self.name}: {problem}")
        transform_netlists(op, lambda net: resubstitute(net, params))
