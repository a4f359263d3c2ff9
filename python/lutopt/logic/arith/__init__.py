"""Arithmetic circuits on the gate builder (`lutopt.logic.builder.NetlistBuilder`):
adders (ripple, Sklansky parallel-prefix), subtractors, multi-operand sums as Dadda
compressor trees, popcount, comparators, multiplexers, shifts, exact multipliers,
multiplication by constants (canonical signed digits) and the approximate logarithmic
multipliers `mitchell` and `mitch-w<W>` (DESIGN.md). Bit vectors are lists of literals,
bit 0 first."""

from lutopt.logic.arith.adders import (
    WeightedBit,
    add,
    add_many,
    barrel_shift,
    compare,
    conditional_negate,
    const_bits,
    equal,
    full_adder,
    half_adder,
    less_than,
    mux_bits,
    negate,
    operand_bits,
    popcount,
    prefix_add,
    resize,
    ripple_add,
    shift_left_const,
    shift_right_const,
    subtract,
    sum_bits,
)
from lutopt.logic.arith.multipliers import (
    Multiplier,
    csd_digits,
    constant_digits,
    leading_one,
    mitchell_multiply,
    mitchell_unsigned,
    multiply,
    multiply_by_constant_with,
    multiply_const,
    multiply_with,
    parse_multiplier,
)

__all__ = [name for name in dir() if not name.startswith("_")]
