"""`gate-rewrite`: AIG cut rewriting of `gate.netlist` ops (aigverse / mockturtle).

Each netlist becomes an AIG (XOR and XNOR as three ANDs), every node's 4-input cuts are
matched against a database of optimal AIGs of the 4-input NPN classes, and a cut is
replaced when that saves ANDs. The result is an AIG again: gates with functions 1, 2, 4
and 8, plus XOR/XNOR gates where three ANDs form one (`recover_xors`), dead gates
removed, inputs and outputs in place. The algorithm is
`lutopt.logic.rewrite.rewrite`; it needs the Python package aigverse.

Options (mockturtle's names and defaults): `cut-size` (2..4, default 4), `cut-limit`
(cuts per node, default 8), `allow-zero-gain`, `preserve-depth`, `use-dont-cares`
(all false by default).
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from lutopt.diagnostics import LutoptError
from lutopt.dialects.gate import transform_netlists


@dataclass(frozen=True)
class GateRewrite(ModulePass):
    """Rewrites every `gate.netlist` as an AIG by NPN-class cut rewriting."""

    name = "gate-rewrite"

    cut_size: int = 4
    cut_limit: int = 8
    allow_zero_gain: bool = False
    preserve_depth: bool = False
    use_dont_cares: bool = False

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        from lutopt.logic.aigverse_io import aigverse_module
        from lutopt.logic.rewrite import RewriteParams, rewrite

        aigverse_module(self.name)
        params = RewriteParams(
            cut_size=self.cut_size,
            cut_limit=self.cut_limit,
            allow_zero_gain=self.allow_zero_gain,
            preserve_depth=self.preserve_depth,
            use_dont_cares=self.use_dont_cares,
        )
        problem = params.check()
        if problem:
            raise LutoptError(f"{self.name}: {problem}")
        transform_netlists(op, lambda net: rewrite(net, params))
