"""`-t blif`: the logic-synthesis exchange format BLIF.

`-t blif` prints the gate or mapped lut level (one function) as BLIF, exactly as
`lutopt-translate --export-blif` does, but without printing and re-parsing the IR in
between: `lutopt net.mlir -p 'lower-to-luts{lut-size=6}' -t blif -o net.blif`.
`-t blif{function=NAME}` picks one function of several. (`-t aiger`: target/aiger.py.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.utils.target import Target


@dataclass(frozen=True)
class BlifTarget(Target):
    """`-t blif`: the module's function as BLIF (one `.names` per LUT or gate)."""

    name = "blif"

    function: str = ""
    """The function to write when the module has several (default: its only one)."""

    def emit(self, ctx: Context, module: ModuleOp, output: IO[str]) -> None:
        from lutopt.logic.exchange import function_blif, select_function

        f = select_function(module, self.function or None, how="-t 'blif{function=NAME}'")
        output.write(function_blif(f))
