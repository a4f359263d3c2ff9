"""The rtl-level ops lutopt handles, each defined once.

`RTL_OPS` maps every `comb`/`hw`/`seq` op that the Verilog target prints and the
interpreter (`lutopt.interpreters.rtl`) runs to an `RtlOp`: how the printer writes it, whether it
is wiring (no logic: free for `rtl-pipeline`), and, for the arithmetic and bitwise ops,
the Verilog operator, which operands Verilog reads as signed, and the NumPy semantics the
interpreter runs. The printer supports exactly the ops of this table, and the interpreter
checks at import that it runs every one of them, so nothing is printed that cannot be
checked.

Semantics (CIRCT's, on `width`-bit two's-complement bit vectors; results modulo 2^width):

* `comb.shl`/`comb.shru` by `width` or more give 0; `comb.shrs` by `width` or more gives
  the sign in every bit.
* `comb.divu`/`comb.modu`: unsigned quotient and remainder. `comb.divs`/`comb.mods`:
  quotient rounded toward zero, remainder with the sign of the dividend (Verilog's `/`
  and `%` on `$signed` operands); the most negative value divided by -1 is itself.
* Division and remainder by zero: CIRCT leaves the result undefined and Verilog gives
  all `x`; lutopt's interpreter gives 0 (as Verilator does), which is one of the values
  an undefined result may take. Icarus shows `x` for those vectors.

`ICMP_PREDICATES` lists the predicates of `comb.icmp` and `arith.cmpi` (both number them
the same way) with their Verilog operator, signedness and NumPy comparison.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

_U64 = np.uint64
_ALL_ONES = np.uint64(0xFFFF_FFFF_FFFF_FFFF)


# ----------------------------------------------------------------------------- bit vectors


def mask(width: int) -> np.uint64:
    """The `width` low bits set, as a uint64."""
    return _ALL_ONES if width >= 64 else np.uint64((1 << width) - 1)


def to_signed(value: np.ndarray, width: int) -> np.ndarray:
    """Two's-complement reading of `width`-bit values held in uint64, as int64."""
    v = np.ascontiguousarray(value, dtype=_U64)
    if width >= 64:
        return v.view(np.int64)
    shift = _U64(64 - width)
    return (v << shift).view(np.int64) >> np.int64(64 - width)


def as_signed_int(x: int, width: int) -> int:
    """Two's-complement reading of a `width`-bit Python integer."""
    return x - (1 << width) if width and x >> (width - 1) else x


# ----------------------------------------------------------------------------- semantics
# narrow(a, b, w): uint64 arrays holding w-bit values (w <= 64), result masked to w bits.
# wide(x, y, w): Python integers in 0 .. 2^w-1; the result is taken modulo 2^w by the caller.


def _shl(a: np.ndarray, b: np.ndarray, w: int) -> np.ndarray:
    r = (a << np.minimum(b, _U64(63))) & mask(w)
    return np.where(b < _U64(w), r, _U64(0)).astype(_U64, copy=False)


def _shru(a: np.ndarray, b: np.ndarray, w: int) -> np.ndarray:
    r = a >> np.minimum(b, _U64(63))
    return np.where(b < _U64(w), r, _U64(0)).astype(_U64, copy=False)


def _shrs(a: np.ndarray, b: np.ndarray, w: int) -> np.ndarray:
    sh = np.minimum(b, _U64(max(w - 1, 0))).astype(np.int64)
    return (to_signed(a, w) >> sh).view(_U64) & mask(w)


def _divu(a: np.ndarray, b: np.ndarray, w: int) -> np.ndarray:
    zero = b == _U64(0)
    q = a // np.where(zero, _U64(1), b)
    return np.where(zero, _U64(0), q).astype(_U64, copy=False)


def _modu(a: np.ndarray, b: np.ndarray, w: int) -> np.ndarray:
    zero = b == _U64(0)
    r = a % np.where(zero, _U64(1), b)
    return np.where(zero, _U64(0), r).astype(_U64, copy=False)


def _truncated_division(a: np.ndarray, b: np.ndarray, w: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(quotient, remainder, divisor is zero) of the signed w-bit values, as int64 arrays
    (wrapping: the most negative 64-bit value divided by -1 is itself)."""
    sa, sb = to_signed(a, w), to_signed(b, w)
    sa, sb = np.broadcast_arrays(sa, sb)
    zero = sb == 0
    d = np.where(zero, np.int64(1), sb)
    with np.errstate(over="ignore", divide="ignore"):
        q = sa // d  # floor
        r = sa - q * d  # the sign of d
        fix = (r != 0) & ((sa < 0) != (d < 0))
        q = np.where(fix, q + 1, q)
        r = np.where(fix, r - d, r)
    return q, r, zero


def _divs(a: np.ndarray, b: np.ndarray, w: int) -> np.ndarray:
    q, _, zero = _truncated_division(a, b, w)
    return np.where(zero, _U64(0), q.view(_U64) & mask(w)).astype(_U64, copy=False)


def _mods(a: np.ndarray, b: np.ndarray, w: int) -> np.ndarray:
    _, r, zero = _truncated_division(a, b, w)
    return np.where(zero, _U64(0), r.view(_U64) & mask(w)).astype(_U64, copy=False)


def _wide_divs(x: int, y: int, w: int) -> int:
    sx, sy = as_signed_int(x, w), as_signed_int(y, w)
    if sy == 0:
        return 0
    q = abs(sx) // abs(sy)
    return -q if (sx < 0) != (sy < 0) else q


def _wide_mods(x: int, y: int, w: int) -> int:
    sx, sy = as_signed_int(x, w), as_signed_int(y, w)
    if sy == 0:
        return 0
    r = abs(sx) % abs(sy)
    return -r if sx < 0 else r


# ----------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class RtlOp:
    """What lutopt knows about one rtl-level op."""

    name: str
    printed_as: str
    """`expression` (a `wire` assigned an expression, or an output port), `constant`,
    `alias` (another name for its operand's bits), `instance`, `register`, `output`."""
    wiring: bool = False
    """Moves, copies or selects bits by constant positions: no logic (weight 0)."""
    verilog: str | None = None
    """The infix Verilog operator of an arithmetic or bitwise op."""
    signed: str = ""
    """Which operands Verilog reads with `$signed`: "" none, "lhs", "both"."""
    variadic: bool = False
    """Takes any number of operands (folded left to right)."""
    narrow: Callable[[np.ndarray, np.ndarray, int], np.ndarray] | None = None
    """The semantics on uint64 arrays of w <= 64 bits (result masked to w bits)."""
    wide: Callable[[int, int, int], int] | None = None
    """The semantics on Python integers of any width (taken modulo 2^w by the caller)."""
    bitwise: np.ufunc | None = None
    """For a bitwise op: the NumPy ufunc, which applies to uint64 words and bit arrays alike."""
    arith: tuple[str, ...] = ()
    """`arith` ops with the same semantics (the interpreter runs them the same way)."""

    @property
    def logic_weight(self) -> int:
        """Levels of logic the op adds (0 for wiring and constants)."""
        return 0 if self.wiring or self.printed_as == "constant" else 1


def _binary(name: str, verilog: str, narrow, wide, signed: str = "", arith: tuple[str, ...] = (), variadic: bool = False) -> RtlOp:
    return RtlOp(name, "expression", verilog=verilog, signed=signed, variadic=variadic,
                 narrow=narrow, wide=wide, arith=arith)


def _bitwise(name: str, verilog: str, ufunc: np.ufunc, py: Callable[[int, int], int], arith: str) -> RtlOp:
    return RtlOp(name, "expression", verilog=verilog, variadic=True,
                 narrow=lambda a, b, w: ufunc(a, b), wide=lambda x, y, w: py(x, y),
                 bitwise=ufunc, arith=(arith,))


_TABLE = (
    # arithmetic and bitwise: printed as `a OP b`
    _binary("comb.add", "+", lambda a, b, w: (a + b) & mask(w), lambda x, y, w: x + y,
            arith=("arith.addi",), variadic=True),
    _binary("comb.mul", "*", lambda a, b, w: (a * b) & mask(w), lambda x, y, w: x * y,
            arith=("arith.muli",), variadic=True),
    _bitwise("comb.and", "&", np.bitwise_and, operator.and_, "arith.andi"),
    _bitwise("comb.or", "|", np.bitwise_or, operator.or_, "arith.ori"),
    _bitwise("comb.xor", "^", np.bitwise_xor, operator.xor, "arith.xori"),
    _binary("comb.sub", "-", lambda a, b, w: (a - b) & mask(w), lambda x, y, w: x - y,
            arith=("arith.subi",)),
    _binary("comb.shl", "<<", _shl, lambda x, y, w: x << y if y < w else 0, arith=("arith.shli",)),
    _binary("comb.shru", ">>", _shru, lambda x, y, w: x >> y if y < w else 0, arith=("arith.shrui",)),
    _binary("comb.shrs", ">>>", _shrs, lambda x, y, w: as_signed_int(x, w) >> min(y, w - 1),
            signed="lhs", arith=("arith.shrsi",)),
    _binary("comb.divu", "/", _divu, lambda x, y, w: x // y if y else 0),
    _binary("comb.modu", "%", _modu, lambda x, y, w: x % y if y else 0),
    _binary("comb.divs", "/", _divs, _wide_divs, signed="both"),
    _binary("comb.mods", "%", _mods, _wide_mods, signed="both"),
    # other expressions, each printed in its own form
    RtlOp("comb.icmp", "expression"),
    RtlOp("comb.parity", "expression"),
    RtlOp("comb.mux", "expression"),
    RtlOp("hw.array_get", "expression"),
    RtlOp("comb.concat", "expression", wiring=True),
    RtlOp("comb.replicate", "expression", wiring=True),
    RtlOp("comb.extract", "expression", wiring=True),
    RtlOp("hw.array_create", "expression", wiring=True),
    # declarations
    RtlOp("hw.constant", "constant"),
    RtlOp("hw.bitcast", "alias", wiring=True),
    RtlOp("hw.instance", "instance"),
    RtlOp("seq.compreg", "register"),
    RtlOp("hw.output", "output"),
)

RTL_OPS: dict[str, RtlOp] = {op.name: op for op in _TABLE}
"""Every rtl-level op lutopt prints and runs, by name."""

BINARY_OPS: dict[str, RtlOp] = {op.name: op for op in _TABLE if op.verilog is not None}
"""The arithmetic and bitwise ops (printed as `a OP b`, run from `narrow`/`wide`)."""

EXPRESSION_OPS = frozenset(op.name for op in _TABLE if op.printed_as == "expression")
"""The ops printed as an expression (assigned to a wire or an output port)."""

WIRING_OPS = frozenset(op.name for op in _TABLE if op.wiring)
"""The ops that only move bits: no logic."""


def logic_weight(name: str) -> int:
    """Levels of logic an op adds: 0 for wiring and constants, 1 for any other op."""
    entry = RTL_OPS.get(name)
    return 1 if entry is None else entry.logic_weight


# ----------------------------------------------------------------------------- comparisons


@dataclass(frozen=True)
class Predicate:
    """A `comb.icmp` / `arith.cmpi` predicate."""

    name: str
    """As MLIR writes it: `eq`, `slt`, `uge`, ..."""
    verilog: str
    """The Verilog operator."""
    signed: bool
    """Whether the operands are compared as two's-complement (`$signed` in Verilog)."""
    numpy: np.ufunc
    """The NumPy comparison (on int64 readings when signed, uint64 otherwise)."""
    python: Callable[[int, int], bool]
    """The comparison on Python integers (signed readings when signed)."""


def _predicate(name: str, verilog: str, signed: bool, numpy: np.ufunc, python: Callable[[int, int], bool]) -> Predicate:
    return Predicate(name, verilog, signed, numpy, python)


ICMP_PREDICATES: tuple[Predicate, ...] = (
    _predicate("eq", "==", False, np.equal, operator.eq),
    _predicate("ne", "!=", False, np.not_equal, operator.ne),
    _predicate("slt", "<", True, np.less, operator.lt),
    _predicate("sle", "<=", True, np.less_equal, operator.le),
    _predicate("sgt", ">", True, np.greater, operator.gt),
    _predicate("sge", ">=", True, np.greater_equal, operator.ge),
    _predicate("ult", "<", False, np.less, operator.lt),
    _predicate("ule", "<=", False, np.less_equal, operator.le),
    _predicate("ugt", ">", False, np.greater, operator.gt),
    _predicate("uge", ">=", False, np.greater_equal, operator.ge),
)
"""Indexed by the predicate's number (as `comb.icmp` and `arith.cmpi` number them)."""


def icmp_predicate(code: int) -> Predicate | None:
    """The predicate numbered `code`, or None for a number lutopt does not know."""
    return ICMP_PREDICATES[code] if 0 <= code < len(ICMP_PREDICATES) else None
