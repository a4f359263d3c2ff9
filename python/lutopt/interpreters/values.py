"""The values of the lut/rtl interpreter (`lutopt.interpreters.core`) and their lanes.

Every SSA value holds one entry per *lane* (an independent input vector):

- an integer of at most 64 bits is a uint64 NumPy array of shape `(lanes,)`, masked to its
  width; a value that is the same in every lane (a constant) has shape `(1,)` and
  broadcasts;
- a wider integer (a table column as one `hw.constant`, or a wide `comb.concat`) is a
  `Bits`: a uint8 array of shape `(lanes, width)` holding one bit per byte, bit 0 first;
- an `!hw.array<N x iK>` is an `ArrayValue`: an array of shape `(lanes, N)`, element 0
  first;
- a `!seq.clock` is the `CLOCK` token (all registers share one clock).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from xdsl.dialects.builtin import IntegerType
from xdsl.ir import Attribute

_U64 = np.uint64

@dataclass
class Bits:
    """An integer wider than 64 bits: `bits[lane, i]` is bit `i` (uint8, 0 or 1)."""

    bits: np.ndarray

    @property
    def lanes(self) -> int:
        return self.bits.shape[0]


@dataclass
class ArrayValue:
    """An `!hw.array<N x iK>`: `elems[lane, i]` is element `i` (as an unsigned integer)."""

    elems: np.ndarray
    elem_width: int

    @property
    def lanes(self) -> int:
        return self.elems.shape[0]


class _Clock:
    def __repr__(self) -> str:
        return "CLOCK"


CLOCK = _Clock()
"""The value of a `!seq.clock`."""

Value = Any  # np.ndarray | Bits | ArrayValue | _Clock


def lanes_of(value: Value) -> int:
    if isinstance(value, np.ndarray):
        return value.shape[0]
    if isinstance(value, (Bits, ArrayValue)):
        return value.lanes
    return 1


def to_bits(value: Value, width: int) -> np.ndarray:
    """The bits of an integer value as a uint8 array of shape (lanes, width), bit 0 first."""
    if isinstance(value, Bits):
        return value.bits
    shifts = np.arange(width, dtype=_U64)
    return ((value[:, None] >> shifts) & _U64(1)).astype(np.uint8)


def from_bits(bits: np.ndarray, width: int) -> Value:
    """The integer value whose bits (shape (lanes, width), bit 0 first) are given."""
    if width > 64:
        return Bits(np.ascontiguousarray(bits, dtype=np.uint8))
    lanes = bits.shape[0]
    packed = np.packbits(bits.astype(np.uint8, copy=False), axis=1, bitorder="little")
    buf = np.zeros((lanes, 8), dtype=np.uint8)
    buf[:, : packed.shape[1]] = packed
    return buf.view("<u8").reshape(lanes).astype(_U64)


def int_to_bits(value: int, width: int) -> np.ndarray:
    """A Python integer (taken modulo 2^width) as a bit array of shape (1, width)."""
    value &= (1 << width) - 1
    raw = np.frombuffer(value.to_bytes((width + 7) // 8, "little"), dtype=np.uint8)
    return np.unpackbits(raw, bitorder="little")[:width].reshape(1, width)


def to_pyints(value: Value, width: int) -> list[int]:
    """One Python integer per lane."""
    if not isinstance(value, Bits):
        return [int(x) for x in value]
    packed = np.packbits(value.bits, axis=1, bitorder="little")
    return [int.from_bytes(row.tobytes(), "little") for row in packed]


def from_pyints(values: Sequence[int], width: int) -> Value:
    m = (1 << width) - 1
    if width <= 64:
        return np.array([v & m for v in values], dtype=_U64)
    return Bits(np.concatenate([int_to_bits(v, width) for v in values], axis=0))


def constant(value: int, width: int) -> Value:
    """A constant value (one lane) of an integer type."""
    if width <= 64:
        return np.array([value & ((1 << width) - 1)], dtype=_U64)
    return Bits(int_to_bits(value, width))


def broadcast_lanes(values: Sequence[Value]) -> int:
    lanes = 1
    for v in values:
        n = lanes_of(v)
        if n != 1:
            if lanes != 1 and n != lanes:
                raise ValueError(f"lane counts {lanes} and {n} do not match")
            lanes = n
    return lanes


def pyint_lanes(values: Sequence[Value], width: int) -> tuple[int, list[list[int]]]:
    lanes = broadcast_lanes(values)
    cols = []
    for v in values:
        ints = to_pyints(v, width)
        cols.append(ints * lanes if len(ints) == 1 and lanes != 1 else ints)
    return lanes, cols


def select(cond: np.ndarray, a: Value, b: Value) -> Value:
    """`a` where `cond` is nonzero, else `b` (any value kind)."""
    c = cond != 0
    if isinstance(a, np.ndarray):
        return np.where(c, a, b).astype(_U64, copy=False)
    if isinstance(a, Bits):
        return Bits(np.where(c[:, None], a.bits, b.bits).astype(np.uint8, copy=False))
    if isinstance(a, ArrayValue):
        dtype = np.result_type(a.elems.dtype, b.elems.dtype)
        return ArrayValue(np.where(c[:, None], a.elems, b.elems).astype(dtype, copy=False), a.elem_width)
    return a


def zero_of(type_: Attribute) -> Value:
    """The all-zero value of a type (a register's initial content)."""
    from xdsl.dialects.hw import ArrayType
    from xdsl.dialects.seq import ClockType

    if isinstance(type_, IntegerType):
        return constant(0, type_.width.data)
    if isinstance(type_, ArrayType):
        elt = type_.get_element_type()
        if not isinstance(elt, IntegerType) or elt.width.data > 64:
            raise ValueError(f"unsupported array element type {elt}")
        return ArrayValue(np.zeros((1, len(type_)), dtype=_U64), elt.width.data)
    if isinstance(type_, ClockType):
        return CLOCK
    raise ValueError(f"unsupported type {type_}")
