"""`gate-aig-opt`: a script of AIG optimisations on `gate.netlist` ops, in the spirit of
ABC's `resyn2`.

`script` lists steps separated by commas or spaces (`;` too from Python): `rw` cut
rewriting, `rwz` with zero-gain replacements, `rwd` depth-preserving, `rs`
resubstitution, `rsd` depth-preserving, `rs6` small windows (6 leaves, one new AND), `rf`
SOP refactoring, `rfz` with zero gain (all from aigverse / mockturtle), and `b` lutopt's
own `balance`. The default is `lutopt.logic.rewrite.DEFAULT_SCRIPT`, chosen by 6-LUTs
after mapping on the EPFL suite (bench/aig_rewrite.py). The netlist is converted once,
stays an aigverse AIG between the steps, and comes back as gates of the AND/OR family
with its XORs recovered (6, 9) and dead gates removed; a final `b` balances the gates.
`probe-gain=F` (a fraction, default 0: off) runs a probe first (one resubstitution step
on a copy): when it removes fewer than F of the AND gates the script is skipped, all but a
closing `b` (`lower-to-luts` uses 0.005, so networks that rewriting cannot shrink cost one
cheap step). Needs the Python package aigverse.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from lutopt.dialects.gate import GateNetlistOp, transform_netlists
from lutopt.logic.rewrite import DEFAULT_SCRIPT


@dataclass(frozen=True)
class GateAigOpt(ModulePass):
    """Runs a script of AIG rewriting, resubstitution, refactoring and balancing steps on
    every `gate.netlist`."""

    name = "gate-aig-opt"

    script: str = DEFAULT_SCRIPT.replace(";", ",")
    probe_gain: float = 0.0

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        from lutopt.diagnostics import LutoptError
        from lutopt.logic.aigverse_io import aigverse_module
        from lutopt.logic.rewrite import optimize, parse_script

        try:
            steps = " ".join(parse_script(self.script))
        except LutoptError as e:
            raise LutoptError(f"{self.name}: {e.message}") from None
        if not 0.0 <= self.probe_gain < 1.0:
            raise LutoptError(f"{self.name}: probe-gain must be a fraction in [0, 1), got {self.probe_gain}")
        if any(isinstance(o, GateNetlistOp) for o in op.walk()):
            aigverse_module(self.name)  # needed only when there is a netlist to optimise
            transform_netlists(op, lambda net: optimize(net, steps, probe_gain=self.probe_gain))
