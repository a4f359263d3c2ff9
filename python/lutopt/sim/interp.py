"""A vectorised interpreter for the lut and rtl levels.

It runs `func.func` functions at the lut level (`lut.table`, `arith.constant`,
`func.call`, `func.return`) and `hw.module` modules at the rtl level (`hw.constant`,
`hw.bitcast`, `hw.array_get`, `hw.array_create`, `hw.instance`, `hw.output`, the `comb`
ops and `seq.compreg`) on many input vectors at once.

Values. Every SSA value holds one entry per *lane* (an independent input vector):

- an integer of at most 64 bits is a uint64 NumPy array of shape `(lanes,)`, masked to its
  width; a value that is the same in every lane (a constant) has shape `(1,)` and
  broadcasts;
- a wider integer (a table column as one `hw.constant`, or a wide `comb.concat`) is a
  `Bits`: a uint8 array of shape `(lanes, width)` holding one bit per byte, bit 0 first;
- an `!hw.array<N x iK>` is an `ArrayValue`: an array of shape `(lanes, N)`, element 0
  first (`hw.bitcast` from an integer puts bit `i*K` at the bottom of element `i`;
  `hw.array_create` lists its operands from the last element down, as CIRCT does);
- a `!seq.clock` is the `CLOCK` token (all registers share one clock).

Compilation. The first evaluation of a function turns each op into a closure, in a
topological order of the block (hw.module bodies are graph regions, so a value may be used
before it is defined; a register's output is available from the start of a cycle).
An op whose operands are all constants runs once, then and there, so a 2^20-bit table
column is converted to a bit array once per `Interpreter` and every later evaluation is a
NumPy gather.

Cycles. `simulate_cycles` evaluates the combinational logic once per cycle with the
registers' current contents (all registers start at 0, or at their `powerOn` value), reads
the outputs, then loads every register with its input. Registers inside `hw.instance`s
keep their own state per instance path. `evaluate` on a pipelined module (a clock port and
`lutopt.latency = N`) gives the inputs at cycle 0 and reads the outputs at cycle N, so it
returns the combinational function the pipeline implements.

The comb ops' semantics, the icmp predicates, the order of a graph region and the
`lutopt.latency` attribute are those of `lutopt.ir` (shared with the Verilog target and
`rtl-pipeline`); the interpreter runs every op the Verilog target prints.

Other levels can add their ops with `register_op`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from xdsl.dialects.builtin import IntegerAttr, IntegerType, ModuleOp
from xdsl.ir import Attribute, Operation, SSAValue

from lutopt.diagnostics import LutoptError
from lutopt.ir.comb import BINARY_OPS, RTL_OPS, RtlOp, as_signed_int, icmp_predicate, mask, to_signed
from lutopt.ir.latency import LATENCY_ATTR, latency_of
from lutopt.ir.order import is_register, topological_order

MAX_PORT_WIDTH = 64
"""Function inputs and outputs are at most this wide (one uint64 per lane)."""

_U64 = np.uint64


# --------------------------------------------------------------------- value kinds


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


def _broadcast_lanes(values: Sequence[Value]) -> int:
    lanes = 1
    for v in values:
        n = lanes_of(v)
        if n != 1:
            if lanes != 1 and n != lanes:
                raise ValueError(f"lane counts {lanes} and {n} do not match")
            lanes = n
    return lanes


def _pyint_lanes(values: Sequence[Value], width: int) -> tuple[int, list[list[int]]]:
    lanes = _broadcast_lanes(values)
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


# --------------------------------------------------------------------- signatures


@dataclass(frozen=True)
class Signature:
    """The interface of a top-level function as the interpreter sees it."""

    name: str
    input_widths: tuple[int, ...]
    output_widths: tuple[int, ...]
    input_names: tuple[str, ...]
    output_names: tuple[str, ...]
    latency: int = 0
    is_hw_module: bool = False
    has_clock: bool = False
    """An hw.module with a `!seq.clock` port (the port is not among the inputs)."""

    @property
    def input_bits(self) -> int:
        return sum(self.input_widths)

    @property
    def pipelined(self) -> bool:
        return self.has_clock


def _is_clock(type_: Attribute) -> bool:
    from xdsl.dialects.seq import ClockType

    return isinstance(type_, ClockType)


def _function_ops(module: ModuleOp) -> list[Operation]:
    return [op for op in module.ops if op.name in ("func.func", "hw.module")]


def function_names(module: ModuleOp) -> list[str]:
    """Names of the top-level functions (func.func and hw.module), in order."""
    return [_sym_name(op) for op in _function_ops(module)]


def _sym_name(op: Operation) -> str:
    return op.sym_name.data  # type: ignore[attr-defined]


def find_function(module: ModuleOp, name: str | None = None) -> Operation:
    ops = _function_ops(module)
    if name is None:
        if not ops:
            raise LutoptError("no func.func or hw.module to simulate", module)
        return ops[0]
    for op in ops:
        if _sym_name(op) == name:
            return op
    raise LutoptError(f"no function named @{name}", module)


def _port_width(type_: Attribute, what: str, op: Operation) -> int:
    if not isinstance(type_, IntegerType) or type_.width.data > MAX_PORT_WIDTH:
        raise SimulationUnsupported(
            f"cannot simulate @{_sym_name(op)}: {what} has type {type_}; "
            f"only integers of at most {MAX_PORT_WIDTH} bits are supported",
            op,
        )
    return type_.width.data


def signature_of(op: Operation) -> Signature:
    """The `Signature` of a func.func or hw.module op."""
    name = _sym_name(op)
    if op.name == "hw.module":
        from xdsl.dialects.hw import Direction

        ins: list[tuple[str, Attribute]] = []
        outs: list[tuple[str, Attribute]] = []
        for port in op.module_type.ports.data:  # type: ignore[attr-defined]
            entry = (port.port_name.data, port.type)
            (ins if port.dir.data == Direction.INPUT else outs).append(entry)
        has_clock = any(_is_clock(t) for _, t in ins)
        data_ins = [(n, t) for n, t in ins if not _is_clock(t)]
        in_widths = tuple(_port_width(t, f"input '{n}'", op) for n, t in data_ins)
        out_widths = tuple(_port_width(t, f"output '{n}'", op) for n, t in outs)
        return Signature(
            name,
            in_widths,
            out_widths,
            tuple(n for n, _ in data_ins),
            tuple(n for n, _ in outs),
            latency_of(op),
            True,
            has_clock,
        )
    if op.name == "func.func":
        ftype = op.function_type  # type: ignore[attr-defined]
        args = op.body.block.args if op.regions and op.body.blocks else ()  # type: ignore[attr-defined]
        in_names = tuple(
            (args[i].name_hint if i < len(args) and args[i].name_hint else f"arg{i}")
            for i in range(len(ftype.inputs.data))
        )
        in_widths = tuple(
            _port_width(t, f"argument #{i}", op) for i, t in enumerate(ftype.inputs.data)
        )
        out_widths = tuple(
            _port_width(t, f"result #{i}", op) for i, t in enumerate(ftype.outputs.data)
        )
        return Signature(
            name,
            in_widths,
            out_widths,
            in_names,
            tuple(f"result{i}" for i in range(len(out_widths))),
            latency_of(op),
            False,
            False,
        )
    raise SimulationUnsupported(f"cannot simulate '{op.name}' as a function", op)


def function_signature(module: ModuleOp, name: str | None = None) -> Signature:
    """The signature of the function `name` (default: the first top-level function)."""
    return signature_of(find_function(module, name))


# --------------------------------------------------------------------- op registry

Closure = Callable[[list[Value], "_Env"], list[Value]]
Compiler = Callable[[Operation, "Interpreter"], Closure]


@dataclass
class _OpKind:
    compile: Compiler
    pure: bool = True  # may be folded when its operands are constants


_OPS: dict[str, _OpKind] = {}


def _op(*names: str, pure: bool = True) -> Callable[[Compiler], Compiler]:
    def wrap(fn: Compiler) -> Compiler:
        for n in names:
            _OPS[n] = _OpKind(fn, pure)
        return fn

    return wrap


def register_op(
    name: str, compile: Callable[[Operation], Callable[[list[Value]], list[Value]]], pure: bool = True
) -> None:
    """Teaches the interpreter another op.

    `compile(op)` is called once per op and returns a function from the operand values
    (uint64 arrays of shape (lanes,) or (1,) for integers of at most 64 bits, see the
    module docstring for the others) to the list of result values.
    """

    def compiler(op: Operation, interp: Interpreter) -> Closure:
        fn = compile(op)
        return lambda args, env: fn(args)

    _OPS[name] = _OpKind(compiler, pure)


_LAZY_OPS = {
    "gate.netlist": "lutopt.dialects.gate:compile_netlist_op",
    "nn.partition": "lutopt.analysis.nn_enumerate:compile_partition_op",
}
"""Ops whose evaluator lives with their dialect: `module:function`, where `function(op)`
returns a function from operand values to result values (as for `register_op`)."""

_REGION_OPS = {"nn.partition"}
"""Ops with a region that their evaluator runs itself."""


def _op_kind(name: str) -> _OpKind | None:
    kind = _OPS.get(name)
    if kind is not None or name not in _LAZY_OPS:
        return kind
    import importlib

    module_name, fn_name = _LAZY_OPS[name].split(":")
    try:
        compile_fn = getattr(importlib.import_module(module_name), fn_name)
    except (ImportError, AttributeError):
        return None
    register_op(name, compile_fn)
    return _OPS[name]


def _width(value: SSAValue) -> int:
    t = value.type
    if not isinstance(t, IntegerType):
        raise TypeError(f"expected an integer type, got {t}")
    return t.width.data


class SimulationUnsupported(LutoptError):
    """The interpreter does not know an op or a type (as opposed to a broken design)."""


def _unsupported(op: Operation, why: str = "") -> LutoptError:
    return SimulationUnsupported(f"cannot simulate '{op.name}'" + (f": {why}" if why else ""), op)


# ----- constants


@_op("hw.constant", "arith.constant")
def _compile_constant(op: Operation, interp: Interpreter) -> Closure:
    attr = op.properties.get("value")
    if attr is None:
        attr = op.attributes.get("value")
    rtype = op.results[0].type
    if not isinstance(attr, IntegerAttr) or not isinstance(rtype, IntegerType):
        raise _unsupported(op, "only integer constants are supported")
    value = constant(attr.value.data, rtype.width.data)
    return lambda args, env: [value]


# ----- lut


@_op("lut.table")
def _compile_table(op: Operation, interp: Interpreter) -> Closure:
    values = op.values()  # type: ignore[attr-defined]
    widths = [_width(v) for v in op.operands]
    if not widths:
        entry = values[:1].copy()
        return lambda args, env: [entry]
    shifts = []
    pos = sum(widths)
    for w in widths:
        pos -= w
        shifts.append(_U64(pos))

    def run(args: list[Value], env: _Env) -> list[Value]:
        index = args[0] << shifts[0]
        for a, s in zip(args[1:], shifts[1:]):
            index = index | (a << s)
        return [values[index.astype(np.intp)]]

    return run


# ----- comb: bitwise and structural


def _variadic(fn: Callable[[np.ndarray, np.ndarray], np.ndarray], op: Operation) -> Closure:
    width = _width(op.results[0])
    if width <= 64:
        return lambda args, env: [functools.reduce(fn, args)]

    def wide(args: list[Value], env: _Env) -> list[Value]:
        return [Bits(functools.reduce(fn, [to_bits(a, width) for a in args]))]

    return wide


@_op("comb.concat")
def _compile_concat(op: Operation, interp: Interpreter) -> Closure:
    widths = [_width(v) for v in op.operands]
    total = sum(widths)
    if total <= 64:
        shifts = []
        pos = total
        for w in widths:
            pos -= w
            shifts.append(_U64(pos))

        def narrow(args: list[Value], env: _Env) -> list[Value]:
            r = args[0] << shifts[0]
            for a, s in zip(args[1:], shifts[1:]):
                r = r | (a << s)
            return [r]

        return narrow

    def wide(args: list[Value], env: _Env) -> list[Value]:
        lanes = _broadcast_lanes(args)
        parts = [
            np.broadcast_to(to_bits(a, w), (lanes, w)) for a, w in zip(reversed(args), reversed(widths))
        ]
        return [Bits(np.concatenate(parts, axis=1))]

    return wide


@_op("comb.extract")
def _compile_extract(op: Operation, interp: Interpreter) -> Closure:
    low = op.low_bit.value.data  # type: ignore[attr-defined]
    w_in = _width(op.operands[0])
    w_out = _width(op.results[0])
    if w_in <= 64:
        s, m = _U64(low), mask(w_out)
        return lambda args, env: [(args[0] >> s) & m]
    return lambda args, env: [from_bits(to_bits(args[0], w_in)[:, low : low + w_out], w_out)]


@_op("comb.replicate")
def _compile_replicate(op: Operation, interp: Interpreter) -> Closure:
    w_in = _width(op.operands[0])
    w_out = _width(op.results[0])
    if w_in == 0 or w_out % w_in:
        raise _unsupported(op, f"i{w_out} is not a multiple of i{w_in}")
    n = w_out // w_in
    if w_out <= 64:
        s = _U64(w_in)

        def narrow(args: list[Value], env: _Env) -> list[Value]:
            r = args[0]
            for _ in range(n - 1):
                r = (r << s) | args[0]
            return [r]

        return narrow
    return lambda args, env: [Bits(np.tile(to_bits(args[0], w_in), (1, n)))]


@_op("comb.mux", "arith.select")
def _compile_mux(op: Operation, interp: Interpreter) -> Closure:
    return lambda args, env: [select(args[0], args[1], args[2])]


@_op("comb.parity")
def _compile_parity(op: Operation, interp: Interpreter) -> Closure:
    w = _width(op.operands[0])
    if w <= 64:
        return lambda args, env: [(np.bitwise_count(args[0]) & 1).astype(_U64)]
    return lambda args, env: [(args[0].bits.sum(axis=1, dtype=np.int64) & 1).astype(_U64)]


# ----- comb: arithmetic and bitwise (semantics from lutopt.ir.comb)


def _binary(
    op: Operation,
    narrow: Callable[[np.ndarray, np.ndarray, int], np.ndarray],
    wide: Callable[[int, int, int], int],
) -> Closure:
    """A two-operand op on `width`-bit integers, vectorised below 65 bits, per lane above."""
    width = _width(op.operands[0])
    if width <= 64:
        return lambda args, env: [narrow(args[0], args[1], width)]

    def slow(args: list[Value], env: _Env) -> list[Value]:
        _, (a, b) = _pyint_lanes(args, width)
        return [from_pyints([wide(x, y, width) for x, y in zip(a, b)], _width(op.results[0]))]

    return slow


def _fold_binary(op: Operation, binary: Closure) -> Closure:
    """A variadic op (comb.add, comb.mul) as a chain of binary ones."""

    def run(args: list[Value], env: _Env) -> list[Value]:
        r = args[0]
        for a in args[1:]:
            r = binary([r, a], env)[0]
        return [r]

    return run


def _table_compiler(entry: RtlOp) -> Compiler:
    """The compiler of an arithmetic or bitwise op of `lutopt.ir.comb.BINARY_OPS`."""
    assert entry.narrow is not None and entry.wide is not None
    narrow, wide = entry.narrow, entry.wide

    def compile_binary(op: Operation, interp: Interpreter) -> Closure:
        if entry.bitwise is not None:
            return _variadic(entry.bitwise, op)
        binary = _binary(op, narrow, wide)
        return _fold_binary(op, binary) if entry.variadic else binary

    return compile_binary


for _entry in BINARY_OPS.values():
    _op(_entry.name, *_entry.arith)(_table_compiler(_entry))


@_op("comb.icmp", "arith.cmpi")
def _compile_icmp(op: Operation, interp: Interpreter) -> Closure:
    code = op.predicate.value.data  # type: ignore[attr-defined]
    pred = icmp_predicate(code)
    if pred is None:
        raise _unsupported(op, f"predicate {code}")
    signed = pred.signed
    width = _width(op.operands[0])
    if width <= 64:
        cmp = pred.numpy
        if signed:
            return lambda args, env: [
                cmp(to_signed(args[0], width), to_signed(args[1], width)).astype(_U64)
            ]
        return lambda args, env: [cmp(args[0], args[1]).astype(_U64)]
    pycmp = pred.python

    def slow(args: list[Value], env: _Env) -> list[Value]:
        _, (a, b) = _pyint_lanes(args, width)
        if signed:
            a = [as_signed_int(x, width) for x in a]
            b = [as_signed_int(y, width) for y in b]
        return [np.array([pycmp(x, y) for x, y in zip(a, b)], dtype=_U64)]

    return slow


@_op("arith.extui", "arith.trunci")
def _compile_zext_trunc(op: Operation, interp: Interpreter) -> Closure:
    w_in, w_out = _width(op.operands[0]), _width(op.results[0])
    if max(w_in, w_out) > 64:
        raise _unsupported(op, "integers wider than 64 bits")
    m = mask(w_out)
    return lambda args, env: [args[0] & m]


@_op("arith.extsi")
def _compile_sext(op: Operation, interp: Interpreter) -> Closure:
    w_in, w_out = _width(op.operands[0]), _width(op.results[0])
    if max(w_in, w_out) > 64:
        raise _unsupported(op, "integers wider than 64 bits")
    m = mask(w_out)
    return lambda args, env: [to_signed(args[0], w_in).view(_U64) & m]


# ----- hw arrays


def _array_type(type_: Attribute, op: Operation) -> tuple[int, int]:
    """(number of elements, element width) of an array of integers."""
    from xdsl.dialects.hw import ArrayType

    if not isinstance(type_, ArrayType):
        raise _unsupported(op, f"expected an !hw.array, got {type_}")
    elt = type_.get_element_type()
    if not isinstance(elt, IntegerType) or elt.width.data > 64:
        raise _unsupported(op, f"arrays of {elt} (only integers of at most 64 bits)")
    return len(type_), elt.width.data


@_op("hw.bitcast")
def _compile_bitcast(op: Operation, interp: Interpreter) -> Closure:
    src, dst = op.operands[0].type, op.results[0].type
    if isinstance(src, IntegerType) and isinstance(dst, IntegerType):
        if src.width.data != dst.width.data:
            raise _unsupported(op, f"{src} and {dst} differ in width")
        return lambda args, env: [args[0]]
    if isinstance(src, IntegerType):
        n, k = _array_type(dst, op)
        w = src.width.data
        if n * k != w:
            raise _unsupported(op, f"{src} and {dst} differ in width")

        def to_array(args: list[Value], env: _Env) -> list[Value]:
            bits = to_bits(args[0], w)
            lanes = bits.shape[0]
            if k == 1:
                return [ArrayValue(bits, 1)]
            elems = from_bits(bits.reshape(lanes * n, k), k)
            return [ArrayValue(elems.reshape(lanes, n), k)]

        return to_array
    if isinstance(dst, IntegerType):
        n, k = _array_type(src, op)
        w = dst.width.data
        if n * k != w:
            raise _unsupported(op, f"{src} and {dst} differ in width")

        def from_array(args: list[Value], env: _Env) -> list[Value]:
            elems = args[0].elems
            lanes = elems.shape[0]
            bits = to_bits(elems.reshape(lanes * n).astype(_U64), k).reshape(lanes, n * k)
            return [from_bits(bits, w)]

        return from_array
    raise _unsupported(op, f"bitcast from {src} to {dst}")


@_op("hw.array_get")
def _compile_array_get(op: Operation, interp: Interpreter) -> Closure:
    n, _ = _array_type(op.operands[0].type, op)
    iw = _width(op.operands[1])
    in_bounds = iw < 63 and n >= (1 << iw)

    def run(args: list[Value], env: _Env) -> list[Value]:
        elems, idx = args[0].elems, args[1]
        if not in_bounds:
            ok = idx < _U64(n)
            idx = np.where(ok, idx, _U64(0))
        ii = idx.astype(np.intp)
        if elems.shape[0] == 1:
            r = elems[0, ii]
        elif ii.shape[0] == 1:
            r = elems[:, ii[0]]
        else:
            r = elems[np.arange(elems.shape[0]), ii]
        r = r.astype(_U64)
        if not in_bounds:
            r = np.where(ok, r, _U64(0))  # CIRCT leaves it undefined; we read 0
        return [r]

    return run


@_op("hw.array_create")
def _compile_array_create(op: Operation, interp: Interpreter) -> Closure:
    _, k = _array_type(op.results[0].type, op)

    def run(args: list[Value], env: _Env) -> list[Value]:
        lanes = _broadcast_lanes(args)
        cols = [np.broadcast_to(a, (lanes,)) for a in reversed(args)]  # element 0 is the last operand
        return [ArrayValue(np.stack(cols, axis=1), k)]

    return run


# ----- hierarchy


@_op("func.call", pure=False)
def _compile_call(op: Operation, interp: Interpreter) -> Closure:
    callee = op.callee.root_reference.data  # type: ignore[attr-defined]
    return interp._call_closure(op, callee)


@_op("hw.instance", pure=False)
def _compile_instance(op: Operation, interp: Interpreter) -> Closure:
    callee = op.module_name.root_reference.data  # type: ignore[attr-defined]
    return interp._call_closure(op, callee)


RUN_BY_THE_PLAN = frozenset({"seq.compreg", "hw.output"})
"""Ops that `_Plan` runs itself (registers, the terminator) rather than a compiler."""

# The Verilog target prints the ops of lutopt.ir.comb.RTL_OPS: every one must run here.
if set(RTL_OPS) - set(_OPS) - RUN_BY_THE_PLAN:
    raise ImportError(f"the interpreter cannot run {sorted(set(RTL_OPS) - set(_OPS) - RUN_BY_THE_PLAN)}")


# --------------------------------------------------------------------- plans


@dataclass
class _Register:
    key: int
    out: int  # slot of the register's output
    inp: int  # slot of its input
    init: Value
    reset: int | None = None
    reset_value: int | None = None


@dataclass
class _Plan:
    op: Operation
    nslots: int
    arg_slots: list[int]
    out_slots: list[int]
    initial: list[Value]  # constants prefilled
    steps: list[tuple[Closure, list[int], list[int]]]
    regs: list[_Register]
    has_state: bool = False  # registers here or in a callee


@dataclass
class _Env:
    state: dict[tuple, Value] = field(default_factory=dict)
    next_state: dict[tuple, Value] = field(default_factory=dict)
    path: tuple = ()

    def child(self, key: int) -> _Env:
        return _Env(self.state, self.next_state, self.path + (key,))


class Interpreter:
    """Evaluates the functions of one module; compiled functions and folded constants are
    cached, so build one `Interpreter` and call it many times.

    The module must not change while the interpreter is in use.
    """

    def __init__(self, module: ModuleOp):
        self.module = module
        self.functions: dict[str, Operation] = {}
        for op in module.ops:
            name = getattr(op, "sym_name", None)
            if name is not None and hasattr(name, "data"):
                self.functions.setdefault(name.data, op)
        self._plans: dict[Operation, _Plan] = {}
        self._compiling: set[Operation] = set()

    # ----------------------------------------------------------------- public API
    def signature(self, name: str | None = None) -> Signature:
        return signature_of(self._function(name))

    def evaluate(self, name: str | None, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
        """The function's outputs for a batch of input vectors (one uint64 array per input).

        A pipelined module (one with a clock port) is run for `latency + 1` cycles with
        the inputs at cycle 0 (and their complement afterwards, so that a pipeline that
        mixes cycles shows up) and its outputs are read at cycle `latency`.
        """
        op = self._function(name)
        sig = signature_of(op)
        ins = _check_inputs(sig, inputs)
        lanes = ins[0].shape[0] if ins else 1
        if not sig.has_clock:
            plan = self._plan(op)
            outs = self._run(plan, self._with_clock(op, ins), _Env())
            return [_full(o, lanes) for o in outs]
        cycles = sig.latency + 1
        streams = []
        for x, w in zip(ins, sig.input_widths):
            s = np.empty((cycles, lanes), dtype=_U64)
            s[0] = x
            s[1:] = x ^ mask(w)
            streams.append(s)
        outs = self.simulate_cycles(sig.name, streams, lanes=lanes, cycles=cycles)
        return [o[sig.latency].copy() for o in outs]

    def simulate_cycles(
        self,
        name: str | None,
        input_streams: Sequence[np.ndarray],
        lanes: int | None = None,
        cycles: int | None = None,
    ) -> list[np.ndarray]:
        """Cycle-by-cycle simulation; each input stream has shape (cycles, lanes).

        Returns one array of shape (cycles, lanes) per output: the output during each cycle
        (after the inputs of that cycle are applied, before the clock edge that ends it).
        `lanes` and `cycles` are only used when the function has no inputs.
        """
        op = self._function(name)
        sig = signature_of(op)
        if len(input_streams) != len(sig.input_widths):
            raise ValueError(
                f"@{sig.name} has {len(sig.input_widths)} inputs, got {len(input_streams)} streams"
            )
        streams = [np.asarray(s) for s in input_streams]
        for s in streams:
            if s.ndim != 2:
                raise ValueError("input streams must have shape (cycles, lanes)")
        if streams:
            cycles, lanes = streams[0].shape
            if any(s.shape != (cycles, lanes) for s in streams):
                raise ValueError("all input streams must have the same shape")
        else:
            cycles, lanes = cycles or 1, lanes or 1
        streams = [(s.astype(_U64) & mask(w)) for s, w in zip(streams, sig.input_widths)]
        plan = self._plan(op)
        env = _Env()
        outs = [np.zeros((cycles, lanes), dtype=_U64) for _ in sig.output_widths]
        for t in range(cycles):
            args = self._with_clock(op, [s[t] for s in streams])
            env.next_state = {}
            values = self._run(plan, args, env)
            for o, v in zip(outs, values):
                o[t] = v
            env.state = env.next_state
        return outs

    # ----------------------------------------------------------------- internals
    def _function(self, name: str | None) -> Operation:
        if name is None:
            return find_function(self.module)
        op = self.functions.get(name)
        if op is None or op.name not in ("func.func", "hw.module"):
            raise LutoptError(f"no function named @{name}", self.module)
        return op

    def _with_clock(self, op: Operation, ins: list[np.ndarray]) -> list[Value]:
        """The block arguments: the inputs with the clock token at the clock ports."""
        if op.name != "hw.module":
            return list(ins)
        it = iter(ins)
        return [CLOCK if _is_clock(a.type) else next(it) for a in op.body.block.args]  # type: ignore[attr-defined]

    def _call_closure(self, op: Operation, callee: str) -> Closure:
        target = self.functions.get(callee)
        if target is None:
            raise LutoptError(f"cannot simulate '{op.name}': no function named @{callee}", op)
        if target.name not in ("func.func", "hw.module") or not target.regions or not target.regions[0].blocks:
            raise SimulationUnsupported(
                f"cannot simulate '{op.name}': @{callee} is a '{target.name}' without a body", op
            )
        plan = self._plan(target)
        key = id(op)
        run = self._run

        def call(args: list[Value], env: _Env) -> list[Value]:
            return run(plan, args, env.child(key) if plan.has_state else env)

        call.has_state = plan.has_state  # type: ignore[attr-defined]
        return call

    def _plan(self, fn: Operation) -> _Plan:
        plan = self._plans.get(fn)
        if plan is not None:
            return plan
        if fn in self._compiling:
            raise LutoptError(f"cannot simulate recursive @{_sym_name(fn)}", fn)
        self._compiling.add(fn)
        try:
            plan = self._compile(fn)
        finally:
            self._compiling.discard(fn)
        self._plans[fn] = plan
        return plan

    def _compile(self, fn: Operation) -> _Plan:
        if not fn.regions or not fn.regions[0].blocks:
            raise SimulationUnsupported(f"cannot simulate @{_sym_name(fn)}: it has no body", fn)
        if len(fn.regions[0].blocks) != 1:
            raise SimulationUnsupported(f"cannot simulate @{_sym_name(fn)}: more than one block", fn)
        block = fn.regions[0].block
        terminator = block.last_op
        if terminator is None or terminator.name not in ("func.return", "hw.output"):
            raise LutoptError(f"cannot simulate @{_sym_name(fn)}: no func.return or hw.output", fn)

        slots: dict[SSAValue, int] = {}

        def slot(v: SSAValue) -> int:
            s = slots.get(v)
            if s is None:
                s = slots[v] = len(slots)
            return s

        arg_slots = [slot(a) for a in block.args]
        body = [op for op in block.ops if op is not terminator]
        regs_ops = [op for op in body if op.name == "seq.compreg"]
        for op in body:
            if op.name != "seq.compreg" and _op_kind(op.name) is None:
                raise _unsupported(op)
            if op.regions and op.name not in _REGION_OPS:
                raise _unsupported(op, "ops with regions")
        operands_of = {op: tuple(op.operands) for op in body}
        order = [
            op
            for op in topological_order(block, body, loop_error=_loop_error)
            if not is_register(op)
        ]

        consts: dict[int, Value] = {}
        for a in block.args:
            if _is_clock(a.type):
                consts[slot(a)] = CLOCK
        steps: list[tuple[Closure, list[int], list[int]]] = []
        has_state = bool(regs_ops)
        for op in order:
            kind = _OPS[op.name]
            closure = kind.compile(op, self)
            ins = [slot(v) for v in operands_of[op]]
            outs = [slot(r) for r in op.results]
            has_state |= bool(getattr(closure, "has_state", False))
            if kind.pure and all(i in consts for i in ins):
                try:
                    results = closure([consts[i] for i in ins], _Env())
                except LutoptError:
                    raise
                except Exception as e:
                    raise LutoptError(f"cannot simulate '{op.name}': {e}", op) from e
                for s, r in zip(outs, results):
                    consts[s] = r
                continue
            steps.append((_located(closure, op), ins, outs))

        regs = []
        for op in regs_ops:
            from xdsl.dialects.seq import CompRegOp

            assert isinstance(op, CompRegOp)
            init = zero_of(op.data.type) if _simulable_type(op.data.type) else None
            if init is None:
                raise _unsupported(op, f"registers of type {op.data.type}")
            if op.power_on_value is not None:
                s = slot(op.power_on_value)
                if s not in consts:
                    raise _unsupported(op, "a powerOn value that is not a constant")
                init = consts[s]
            reg = _Register(id(op), slot(op.data), slot(op.input), init)
            if op.reset is not None and op.reset_value is not None:
                reg.reset, reg.reset_value = slot(op.reset), slot(op.reset_value)
            regs.append(reg)

        out_slots = [slot(v) for v in terminator.operands]
        initial: list[Value] = [None] * len(slots)
        for s, v in consts.items():
            initial[s] = v
        return _Plan(fn, len(slots), arg_slots, out_slots, initial, steps, regs, has_state)

    def _run(self, plan: _Plan, args: list[Value], env: _Env) -> list[Value]:
        vals = list(plan.initial)
        for s, v in zip(plan.arg_slots, args):
            vals[s] = v
        regs = plan.regs
        if regs:
            state, path = env.state, env.path
            for r in regs:
                vals[r.out] = state.get((path, r.key), r.init)
        for closure, ins, outs in plan.steps:
            results = closure([vals[i] for i in ins], env)
            for s, v in zip(outs, results):
                vals[s] = v
        if regs:
            nxt, path = env.next_state, env.path
            for r in regs:
                v = vals[r.inp]
                if r.reset is not None:
                    v = select(vals[r.reset], vals[r.reset_value], v)
                nxt[(path, r.key)] = v
        return [vals[s] for s in plan.out_slots]


def _simulable_type(type_: Attribute) -> bool:
    try:
        zero_of(type_)
    except ValueError:
        return False
    return True


def _located(closure: Closure, op: Operation) -> Closure:
    """Turns unexpected failures inside an op's closure into a located error."""

    def run(args: list[Value], env: _Env) -> list[Value]:
        try:
            return closure(args, env)
        except LutoptError:
            raise
        except Exception as e:
            raise LutoptError(f"cannot simulate '{op.name}': {type(e).__name__}: {e}", op) from e

    run.has_state = getattr(closure, "has_state", False)  # type: ignore[attr-defined]
    return run


def _loop_error(op: Operation) -> LutoptError:
    return LutoptError(f"cannot simulate: combinational loop through '{op.name}'", op)


def _check_inputs(sig: Signature, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
    if len(inputs) != len(sig.input_widths):
        raise ValueError(f"@{sig.name} has {len(sig.input_widths)} inputs, got {len(inputs)}")
    ins = [np.asarray(x).reshape(-1).astype(_U64) & mask(w) for x, w in zip(inputs, sig.input_widths)]
    if ins and any(x.shape != ins[0].shape for x in ins):
        raise ValueError("all inputs must have the same number of vectors")
    return ins


def _full(value: Value, lanes: int) -> np.ndarray:
    if not isinstance(value, np.ndarray):
        raise TypeError(f"expected an integer output, got {value!r}")
    return np.broadcast_to(value, (lanes,)).astype(_U64)


# --------------------------------------------------------------------- module-level API


def evaluate(module: ModuleOp, name: str | None, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Evaluates function `name` of `module` on a batch of vectors (see `Interpreter.evaluate`)."""
    return Interpreter(module).evaluate(name, inputs)


def simulate_cycles(
    module: ModuleOp, name: str | None, input_streams: Sequence[np.ndarray]
) -> list[np.ndarray]:
    """Cycle-by-cycle simulation (see `Interpreter.simulate_cycles`)."""
    return Interpreter(module).simulate_cycles(name, input_streams)


__all__ = [
    "CLOCK",
    "LATENCY_ATTR",
    "ArrayValue",
    "Bits",
    "Interpreter",
    "Signature",
    "SimulationUnsupported",
    "evaluate",
    "find_function",
    "function_names",
    "function_signature",
    "register_op",
    "signature_of",
    "simulate_cycles",
]
