"""The divisor of a GroupSum head: the `lutopt.groupsum_divisor` attribute and its Verilog
comment.

A logic network's GroupSum outputs are integer counts (DESIGN.md); when the model divides
them by a constant (`/ tau`), nn-logic-to-gate records it on the function as
`lutopt.groupsum_divisor = TAU : f64`, convert-lut-to-rtl carries it to the `hw.module`,
and the Verilog target writes it just above the module as `// GroupSum divisor: TAU (the
count outputs are the model's outputs times TAU)`.
"""

from __future__ import annotations

from xdsl.dialects.builtin import FloatAttr, f64
from xdsl.ir import Operation

DIVISOR_ATTR = "lutopt.groupsum_divisor"


def set_divisor(op: Operation, divisor: float) -> None:
    op.attributes[DIVISOR_ATTR] = FloatAttr(float(divisor), f64)


def divisor_of(op: Operation) -> float | None:
    attr = op.attributes.get(DIVISOR_ATTR)
    return float(attr.value.data) if isinstance(attr, FloatAttr) else None


def divisor_comment(divisor: float) -> str:
    return f"// GroupSum divisor: {divisor!r} (the count outputs are the model's outputs times {divisor!r})"
