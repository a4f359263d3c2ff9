"""The latency of a pipelined module: the `lutopt.latency` attribute and its Verilog comment.

A module whose outputs at cycle t+N are the function of its inputs at cycle t carries
`lutopt.latency = N : i64` (written by `rtl-pipeline`). A module without the attribute has
latency 0 (a combinational module). Anything but a non-negative integer is an error,
located at the module.

The Verilog target writes the latency as a comment just above the module,
`// latency: N cycles`, and `lutopt-sim` reads it back from there: the format and its
parser are both here.
"""

from __future__ import annotations

import re

from xdsl.dialects.builtin import IntegerAttr, IntegerType
from xdsl.ir import Operation

from lutopt.diagnostics import LutoptError

LATENCY_ATTR = "lutopt.latency"
"""The attribute that gives a pipelined module's latency in cycles."""


def has_latency(op: Operation) -> bool:
    """Whether `op` declares a latency (valid or not: `latency_of` checks it)."""
    return LATENCY_ATTR in op.attributes


def latency_of(op: Operation) -> int:
    """The latency of `op` in cycles: 0 when it has no `lutopt.latency`; a located
    `LutoptError` when the attribute is not a non-negative integer."""
    attr = op.attributes.get(LATENCY_ATTR)
    if attr is None:
        return 0
    if not isinstance(attr, IntegerAttr) or attr.value.data < 0:
        raise LutoptError(f"'{LATENCY_ATTR}' must be a non-negative integer", op)
    return attr.value.data


def set_latency(op: Operation, cycles: int) -> None:
    """Declares the latency of `op` (as `lutopt.latency = N : i64`)."""
    if cycles < 0:
        raise ValueError(f"a latency is a non-negative number of cycles, got {cycles}")
    op.attributes[LATENCY_ATTR] = IntegerAttr(cycles, IntegerType(64))


# ----------------------------------------------------------------------------- Verilog

COMBINATIONAL_COMMENT = "// combinational"
"""The header comment of a module without a clock or a latency."""

_LATENCY_COMMENT = re.compile(r"//\s*latency:\s*(\d+)\s*cycles?\b")


def latency_comment(cycles: int) -> str:
    """The Verilog comment that declares a module's latency (written above the module)."""
    return f"// latency: {cycles} cycles"


def read_latency_comment(text: str, top: str) -> int | None:
    """The latency in the `// latency: N cycles` comment just above `module top` in Verilog
    source `text` (after the previous `endmodule`), or None if there is none."""
    m = re.search(rf"\bmodule\s+{re.escape(top)}\b", text)
    if m is None:
        return None
    header = text[: m.start()]
    previous = header.rfind("endmodule")
    header = header[previous + len("endmodule") :] if previous >= 0 else header
    found = _LATENCY_COMMENT.findall(header)
    return int(found[-1]) if found else None
