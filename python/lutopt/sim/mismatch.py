"""A counterexample: one input vector on which an implementation differs from its reference.

The one record of a difference that lutopt's checks report: `lutopt --check-passes`
(`lutopt.sim.check`) and `lutopt-sim` (`lutopt.sim.verilog_sim`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Mismatch:
    """One input vector on which an implementation differs from its reference.

    `before` is the reference's value (the function before a pass, the IR a Verilog
    design is checked against), `after` the implementation's (after the pass, the
    simulated Verilog; None for an output that is not 0 or 1, `x`). `check_pass`,
    `compare_functions` and `lutopt.sim.verilog_sim.check_verilog` all report this."""

    name: str
    """The function (or top module) compared."""
    inputs: list[tuple[str, int]]
    """The input vector: (input name, value) in argument order."""
    output: int
    """The number of an output that differs (`--check-passes` reports the first)."""
    before: int
    after: int | None
    vector: int = 0
    """The vector's index among those tried."""
    output_name: str = ""

    def describe(self, before: str = "before", after: str = "after") -> str:
        if self.inputs:
            ins = "for inputs " + ", ".join(f"{n}={v}" for n, v in self.inputs)
        else:
            ins = "with no inputs"
        got = "x" if self.after is None else self.after
        return f"{ins} output #{self.output} is {self.before} {before} and {got} {after}"
