"""`-t aiger`: binary AIGER (`-t 'aiger{ascii=true}'` the ASCII form), as
`lutopt-translate --export-aiger` writes it, from the gate or mapped lut level (one
function; `-t 'aiger{function=NAME}'` picks one of several)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.utils.target import Target


@dataclass(frozen=True)
class AigerTarget(Target):
    """`-t aiger`: the module's function as binary AIGER (`.aig`), or ASCII AIGER (`.aag`)
    with `-t 'aiger{ascii=true}'`; LUTs are expanded into AND gates, exactly as
    `lutopt-translate --export-aiger` does."""

    name = "aiger"

    function: str = ""
    """The function to write when the module has several (default: its only one)."""

    ascii: bool = False
    """Write the ASCII form (aag) instead of the binary one (aig)."""

    @property
    def binary(self) -> bool:
        return not self.ascii

    def emit_bytes(self, ctx: Context, module: ModuleOp) -> bytes:
        from lutopt.logic.aiger import write_aiger
        from lutopt.logic.exchange import function_netlist, select_function

        f = select_function(module, self.function or None, how="-t 'aiger{function=NAME}'")
        return write_aiger(function_netlist(f), binary=not self.ascii)

    def emit(self, ctx: Context, module: ModuleOp, output: IO[str]) -> None:
        data = self.emit_bytes(ctx, module)
        if not self.ascii:
            buffer = getattr(output, "buffer", None)
            if buffer is None:
                from lutopt.diagnostics import LutoptError

                raise LutoptError("binary AIGER needs a binary output; use -t 'aiger{ascii=true}' for text")
            output.flush()
            buffer.write(data)
            return
        output.write(data.decode("utf-8", "replace"))
