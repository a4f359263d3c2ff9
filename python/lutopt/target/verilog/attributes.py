"""What `prepare-for-verilog` records on the IR for the printer: the attributes and their values."""

from __future__ import annotations

from collections.abc import Iterable

from xdsl.dialects.builtin import ArrayAttr, StringAttr
from xdsl.ir import Attribute

ATTR_MODULE_NAME = "lutopt.verilog_name"
"""On `hw.module`: its Verilog module name (StringAttr)."""
ATTR_PORTS = "lutopt.verilog_ports"
"""On `hw.module`: the Verilog names of its ports, in the order of its module type."""
ATTR_OUTPUT_REGS = "lutopt.verilog_output_regs"
"""On `hw.module`: the output ports driven directly by a register (`output reg`)."""
ATTR_UNUSED = "lutopt.verilog_unused"
"""On `hw.module`: the signals (ports, wires, regs) some of whose bits are never read."""
ATTR_NAMES = "lutopt.verilog_names"
"""On an op with results: the Verilog name of each result ("" for an inlined value)."""
ATTR_KINDS = "lutopt.verilog_kinds"
"""On an op with results: how each result is declared, one of `KINDS`."""
ATTR_INSTANCE_NAME = "lutopt.verilog_instance_name"
"""On `hw.instance` (and on an `hw.array_get` printed as a primitive): the Verilog instance name."""
ATTR_PRIMITIVE = "lutopt.verilog_primitive"
"""On an `hw.array_get` of a table column: the vendor LUT primitive it is printed as."""

PRIMITIVE_FAMILIES = ("none", "xilinx")
"""`xilinx`: a one-bit table of k <= 6 one-bit inputs becomes a `LUTk` primitive with
`INIT` = the table column (INIT bit i = f(I(k-1)..I0 = i), I0 the least significant bit of
the index, i.e. the last operand of the `lut.table`)."""

KINDS = ("inline", "param", "wire", "reg", "port", "alias")
"""inline: printed as a literal where used; param: `localparam`; wire: `wire` (assigned
where declared, or driven by an instance); reg: `reg` written by an `always` block; port:
the result drives the output port of the same name directly; alias: another name for the
operand's signal (`hw.bitcast`)."""


def strings(attr: Attribute | None) -> list[str]:
    """The strings of an array attribute ([] for anything else)."""
    if not isinstance(attr, ArrayAttr):
        return []
    return [a.data for a in attr.data if isinstance(a, StringAttr)]


def string_array(names: Iterable[str]) -> ArrayAttr[StringAttr]:
    return ArrayAttr([StringAttr(n) for n in names])
