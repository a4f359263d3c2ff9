"""Widths and constants of rtl values as Verilog sees them (flat bit vectors)."""

from __future__ import annotations

from xdsl.dialects import hw, seq
from xdsl.dialects.builtin import IntegerType
from xdsl.ir import Attribute, Operation, OpResult, SSAValue

from lutopt.diagnostics import LutoptError


def bit_width(t: Attribute) -> int | None:
    """The number of bits of a value of type `t` in Verilog, or None if it has none."""
    if isinstance(t, IntegerType):
        return t.width.data
    if isinstance(t, hw.ArrayType):
        inner = bit_width(t.get_element_type())
        return None if inner is None else inner * len(t)
    if isinstance(t, seq.ClockType):
        return 1
    return None


def width_of(value: SSAValue, op: Operation) -> int:
    """The width of `value`; a located error (at `op`) if Verilog cannot hold it."""
    w = bit_width(value.type)
    if w is None:
        raise LutoptError(f"cannot emit a value of type {value.type} as Verilog", op)
    if w == 0:
        raise LutoptError("cannot emit a zero-width value as Verilog", op)
    return w


def constant_bits(op: hw.ConstantOp) -> tuple[int, int]:
    """(width, value as an unsigned bit pattern) of a `hw.constant`."""
    width = width_of(op.result, op)
    return width, op.value.value.data & ((1 << width) - 1)


def constant_index(op: hw.ArrayGetOp) -> int | None:
    """The index of an `hw.array_get` if it is a constant (a zero-width index is 0)."""
    if bit_width(op.index.type) == 0:
        return 0
    index = op.index
    if isinstance(index, OpResult) and isinstance(index.op, hw.ConstantOp):
        return constant_bits(index.op)[1]
    return None


def module_ports(module: Operation) -> list[hw.ModulePort]:
    """The ports of an `hw.module` or `hw.module.extern`, in the order of its type."""
    mtype = module.properties.get("module_type") or module.attributes.get("module_type")
    assert isinstance(mtype, hw.ModuleType)
    return list(mtype.ports.data)
