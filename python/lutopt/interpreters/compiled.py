"""Compiled bit-parallel evaluation of gate-level and mapped-LUT-level functions.

The NumPy interpreter (`lutopt.interpreters.core`) runs a function op by op on arrays of
lanes. For a function made only of bits -- `gate.netlist` ops, `lut.table` ops of few
input bits (the mapped level that `lower-to-luts` produces), `comb.extract`/`comb.concat`
at multi-bit ports, integer constants and bitwise `comb`/`arith` ops -- this module
compiles the whole function once into straight-line code over 64-bit words, each word
holding one bit of 64 input vectors, and runs it in native code:

1. `bit_program(module, name)` flattens the function into a `BitProgram`: every value is
   split into its bits; a `lut.table` becomes, per result bit, a small circuit of
   two-input gates and multiplexers (Shannon expansion on its truth table, choosing at
   each step the variable whose cofactors give the cheapest form); a `gate.netlist` is
   copied gate by gate. Constants are propagated and equal gates shared (structural
   hashing), and logic that no output reads is dropped.
2. A backend runs the program:
   - `"c"`: C source (one assignment per gate, GCC/Clang vector extensions so one
     operation covers `vector_bits` lanes) compiled with the system C compiler into a
     shared library loaded with ctypes. The library is cached on disk by a hash of its
     source and the compiler command (`$LUTOPT_CACHE_DIR`, default
     `~/.cache/lutopt/bitsim`), so a design is compiled once per machine.
   - `"numba"`: one generic kernel (compiled once by numba, `cache=True`) that
     interprets the program's arrays, block of words by block of words. No per-design
     compilation, slower per gate.
   `"auto"` is `"c"` when a C compiler is found, else `"numba"`.

Results are bit-exact with the NumPy interpreter (tests compare them on random designs).
Everything runs on the calling thread (single core).

Entry points: `compile_function(module, name, backend)` returns a `CompiledFunction`
whose `evaluate(inputs)` has the conventions of `Interpreter.evaluate` (one uint64 array
per input port, one value per lane), and whose `evaluate_packed(words)` takes and returns
bits already packed 64 vectors per word (`lutopt.logic.netlist.pack_bits`, or `pack_rows`
for one row of bits per vector), the fast path.
`Interpreter(module, backend="auto")` uses it for every function it can compile and the
NumPy interpreter for the others.

A function with another op raises `CompiledUnsupported` (a `SimulationUnsupported`)
naming the ops it does not compile.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from xdsl.dialects.builtin import IntegerAttr, IntegerType, ModuleOp
from xdsl.ir import Operation, SSAValue

from lutopt.interpreters.functions import (
    Signature,
    SimulationUnsupported,
    find_function,
    signature_of,
    sym_name,
)
from lutopt.dialects.lut import table_column
from lutopt.logic.netlist import pack_bits

MAX_TABLE_BITS = 12
"""A `lut.table` is compiled when its operands have at most this many bits in all (its
truth table is expanded into gates; mapped tables have at most 6)."""

MUX = 16
"""Program op code of a multiplexer `a ? b : c`; op codes 0..15 are the two-input gates
`f(a, b)` in DESIGN.md's numbering."""

FALSE, TRUE = 0, 1
"""The slots of the constants; the input bits follow, then one slot per instruction."""

BACKENDS = ("auto", "c", "numba")

_SYMMETRIC = frozenset({0, 1, 6, 7, 8, 9, 14, 15})


class CompiledUnsupported(SimulationUnsupported):
    """The function has ops (or tables) that the compiled evaluator does not handle."""


# --------------------------------------------------------------------------- programs


@dataclass
class BitProgram:
    """A function as straight-line code over bits.

    Slot 0 is constant false, slot 1 constant true, slots 2 .. 2+num_inputs-1 the input
    bits (ports in order, each least significant bit first), and instruction k writes slot
    `first_temp + k`: `op[k]` is a gate number 0..15 applied to slots `a[k]`, `b[k]`, or
    `MUX` (`a ? b : c`). Instructions only read earlier slots. Output bit j is slot
    `outputs[j]` (ports in order, least significant bit first).
    """

    name: str
    input_widths: tuple[int, ...]
    output_widths: tuple[int, ...]
    op: np.ndarray  # uint8[N]
    a: np.ndarray  # int32[N]
    b: np.ndarray  # int32[N]
    c: np.ndarray  # int32[N]
    outputs: np.ndarray  # int32[M]
    stats: dict[str, float] = field(default_factory=dict)

    @property
    def num_inputs(self) -> int:
        return sum(self.input_widths)

    @property
    def first_temp(self) -> int:
        return 2 + self.num_inputs

    @property
    def num_instructions(self) -> int:
        return len(self.op)

    def simulate(self, words: np.ndarray) -> np.ndarray:
        """A plain NumPy run of the program (for tests): uint64[num_inputs, W] packed bits
        to uint64[num_outputs, W]."""
        words = np.asarray(words, dtype=np.uint64)
        w = words.shape[1]
        v = np.zeros((self.first_temp + self.num_instructions, w), dtype=np.uint64)
        v[TRUE] = ~np.uint64(0)
        v[2 : self.first_temp] = words
        from lutopt.logic.netlist import apply_gate

        base = self.first_temp
        for k in range(self.num_instructions):
            x, y, z = v[self.a[k]], v[self.b[k]], v[self.c[k]]
            v[base + k] = z ^ (x & (y ^ z)) if self.op[k] == MUX else apply_gate(int(self.op[k]), x, y)
        return v[self.outputs]


class _Builder:
    """Emits instructions with constant propagation and structural hashing."""

    def __init__(self, first_temp: int):
        self.first = first_temp
        self.op: list[int] = []
        self.a: list[int] = []
        self.b: list[int] = []
        self.c: list[int] = []
        self.seen: dict[tuple[int, int, int, int], int] = {}
        self.negation: dict[int, int] = {FALSE: TRUE, TRUE: FALSE}

    def _emit(self, op: int, a: int, b: int, c: int = 0) -> int:
        key = (op, a, b, c)
        s = self.seen.get(key)
        if s is None:
            s = self.seen[key] = self.first + len(self.op)
            self.op.append(op)
            self.a.append(a)
            self.b.append(b)
            self.c.append(c)
        return s

    def not_(self, x: int) -> int:
        n = self.negation.get(x)
        if n is None:
            n = self._emit(12, x, x)
            self.negation[x] = n
            self.negation[n] = x
        return n

    def _unary(self, f0: int, f1: int, x: int) -> int:
        """The function of one variable with values f0 at x=0, f1 at x=1."""
        if f0 == f1:
            return TRUE if f0 else FALSE
        return x if f1 else self.not_(x)

    def gate(self, fn: int, x: int, y: int) -> int:
        """Gate `fn` (DESIGN.md's numbering) of slots x, y."""
        f = lambda p, q: (fn >> (3 - 2 * p - q)) & 1  # noqa: E731
        if x <= TRUE:
            return self._unary(f(x, 0), f(x, 1), y)
        if y <= TRUE:
            return self._unary(f(0, y), f(1, y), x)
        if x == y:
            return self._unary(f(0, 0), f(1, 1), x)
        if fn in (3, 12):
            return self._unary(f(0, 0), f(1, 0), x)
        if fn in (5, 10):
            return self._unary(f(0, 0), f(0, 1), y)
        if x > y:  # one order for both: swap the operands and the gate's middle entries
            x, y = y, x
            if fn not in _SYMMETRIC:
                fn = (fn & 0b1001) | ((fn & 0b0100) >> 1) | ((fn & 0b0010) << 1)
        return self._emit(fn, x, y)

    def mux(self, s: int, x1: int, x0: int) -> int:
        """`s ? x1 : x0`."""
        if s <= TRUE:
            return x1 if s == TRUE else x0
        if x1 == x0:
            return x1
        if x0 == FALSE:
            return self.gate(1, s, x1)
        if x0 == TRUE:
            return self.gate(13, s, x1)
        if x1 == FALSE:
            return self.gate(4, s, x0)
        if x1 == TRUE:
            return self.gate(7, s, x0)
        if self.negation.get(x0) == x1:
            return self.gate(6, s, x0)
        return self._emit(MUX, s, x1, x0)


# ------------------------------------------------------------------ truth tables to gates

_MASKS: dict[int, list[int]] = {}


def _var_masks(n: int) -> list[int]:
    """For each variable i of an n-variable truth table (index bit i), the table of the
    variable itself: the bits at indices with bit i set."""
    m = _MASKS.get(n)
    if m is None:
        idx = np.arange(1 << n, dtype=np.uint64)  # the table whose entry j is j
        m = [table_column(idx, i) for i in range(n)]
        _MASKS[n] = m
    return m


class _TableBuilder:
    """Shannon expansion of one truth table over the slots `variables` (index bit i is
    `variables[i]`), with the cofactors of one table shared."""

    def __init__(self, builder: _Builder, variables: Sequence[int]):
        self.b = builder
        self.vars = list(variables)
        n = len(self.vars)
        self.n = n
        self.full = (1 << (1 << n)) - 1
        self.m1 = _var_masks(n)
        self.m0 = [self.full ^ m for m in self.m1]
        self.memo: dict[int, int] = {}

    def _cofactors(self, tt: int, i: int) -> tuple[int, int]:
        s = 1 << i
        lo, hi = tt & self.m0[i], tt & self.m1[i]
        return lo | (lo << s), hi | (hi >> s)

    def _support(self, tt: int) -> list[int]:
        out = []
        for i in range(self.n):
            c0, c1 = self._cofactors(tt, i)
            if c0 != c1:
                out.append(i)
        return out

    def build(self, tt: int) -> int:
        if tt == 0:
            return FALSE
        if tt == self.full:
            return TRUE
        s = self.memo.get(tt)
        if s is None:
            s = self.memo[tt] = self._build(tt)
        return s

    def _build(self, tt: int) -> int:
        b, full = self.b, self.full
        support = self._support(tt)
        if len(support) == 1:
            (i,) = support
            return self.vars[i] if tt == self.m1[i] else b.not_(self.vars[i])
        if len(support) == 2:
            i, j = support
            # f(a, b) with a = variable j, b = variable i; the index of (a, b) is a<<j | b<<i.
            fn = 0
            for p in (0, 1):
                for q in (0, 1):
                    fn |= ((tt >> ((p << j) | (q << i))) & 1) << (3 - 2 * p - q)
            return b.gate(fn, self.vars[j], self.vars[i])
        best = None
        for i in support:
            c0, c1 = self._cofactors(tt, i)
            simple = c0 in (0, full) or c1 in (0, full) or c1 == c0 ^ full
            cost = (0 if simple else 1, len(self._support(c0)) + len(self._support(c1)))
            if best is None or cost < best[0]:
                best = (cost, i, c0, c1)
        assert best is not None
        _, i, c0, c1 = best
        x = self.vars[i]
        if c1 == c0 ^ full:
            return b.gate(6, x, self.build(c0))
        return b.mux(x, self.build(c1), self.build(c0))


def _table_bits(op: Operation, operand_bits: list[list[int]], builder: _Builder, width: int) -> list[int]:
    """The result bits of a `lut.table` whose operands have the bits `operand_bits`."""
    values = op.values()  # type: ignore[attr-defined]
    variables: list[int] = []
    for bits in reversed(operand_bits):  # the last operand is the least significant
        variables.extend(bits)
    if not variables:
        v = int(values[0])
        return [TRUE if (v >> k) & 1 else FALSE for k in range(width)]
    tb = _TableBuilder(builder, variables)
    out = []
    for k in range(width):
        out.append(tb.build(table_column(values, k)))
    return out


# ------------------------------------------------------------------------ front end

_BITWISE = {"comb.and": 1, "comb.or": 7, "comb.xor": 6, "arith.andi": 1, "arith.ori": 7, "arith.xori": 6}
_CONSTANTS = ("arith.constant", "hw.constant")


def _width(v: SSAValue) -> int | None:
    t = v.type
    return t.width.data if isinstance(t, IntegerType) else None


def _function_op(module: ModuleOp | Operation, name: str | None) -> Operation:
    if isinstance(module, ModuleOp):
        return find_function(module, name)
    return module


def unsupported_ops(fn: Operation) -> dict[str, list[Operation]]:
    """The ops of `fn` the compiled evaluator does not handle, by name (empty when it
    compiles)."""
    bad: dict[str, list[Operation]] = {}
    if fn.name != "func.func":
        return {fn.name: [fn]}
    if not fn.regions or len(fn.regions[0].blocks) != 1:
        return {"a function without exactly one block": [fn]}
    for op in fn.regions[0].block.ops:
        why = _why_unsupported(op)
        if why is not None:
            bad.setdefault(why, []).append(op)
    return bad


def _constant_value(op: Operation):
    attr = op.properties.get("value")  # not `or`: an IntegerAttr of 0 is false
    return attr if attr is not None else op.attributes.get("value")


def _why_unsupported(op: Operation) -> str | None:
    name = op.name
    if any(_width(v) is None for v in (*op.operands, *op.results)) or op.regions:
        return name
    if name == "lut.table":
        if sum(_width(v) or 0 for v in op.operands) > MAX_TABLE_BITS:
            return f"lut.table of more than {MAX_TABLE_BITS} input bits"
        return None
    if name in ("gate.netlist", "comb.extract", "comb.concat", "func.return") or name in _BITWISE:
        return None
    if name in _CONSTANTS:
        return None if isinstance(_constant_value(op), IntegerAttr) else name
    return name


def bit_program(module: ModuleOp | Operation, name: str | None = None) -> BitProgram:
    """The function `name` of `module` (or the `func.func` op itself) as a `BitProgram`.

    Raises `CompiledUnsupported` naming the ops that the compiled evaluator does not
    handle."""
    t0 = time.perf_counter()
    fn = _function_op(module, name)
    bad = unsupported_ops(fn)
    if bad:
        names = ", ".join(f"'{k}' ({len(v)})" for k, v in bad.items())
        first = next(iter(bad.values()))[0]
        raise CompiledUnsupported(
            f"cannot compile @{sym_name(fn)} to bit-parallel code: it has ops other than gate.netlist, "
            f"lut.table (at most {MAX_TABLE_BITS} input bits), comb.extract/concat/and/or/xor, "
            f"arith.andi/ori/xori and integer constants: {names}",
            first,
        )
    sig: Signature = signature_of(fn)
    block = fn.regions[0].block
    first_temp = 2 + sig.input_bits
    builder = _Builder(first_temp)
    bits: dict[SSAValue, list[int]] = {}
    slot = 2
    for arg, w in zip(block.args, sig.input_widths):
        bits[arg] = list(range(slot, slot + w))
        slot += w
    outputs: list[int] = []
    for op in block.ops:
        name_ = op.name
        ins = [bits[v] for v in op.operands]
        if name_ == "func.return":
            for o in ins:
                outputs.extend(o)
        elif name_ == "lut.table":
            bits[op.results[0]] = _table_bits(op, ins, builder, _width(op.results[0]) or 0)
        elif name_ == "gate.netlist":
            for r, s in zip(op.results, _netlist_bits(op, ins, builder)):
                bits[r] = [s]
        elif name_ == "comb.extract":
            low = op.low_bit.value.data  # type: ignore[attr-defined]
            bits[op.results[0]] = ins[0][low : low + (_width(op.results[0]) or 0)]
        elif name_ == "comb.concat":
            bits[op.results[0]] = [s for o in reversed(ins) for s in o]
        elif name_ in _CONSTANTS:
            attr = _constant_value(op)
            assert isinstance(attr, IntegerAttr)
            v, w = attr.value.data, _width(op.results[0]) or 0
            bits[op.results[0]] = [TRUE if (v >> k) & 1 else FALSE for k in range(w)]
        else:  # bitwise
            g = _BITWISE[name_]
            acc = ins[0]
            for o in ins[1:]:
                acc = [builder.gate(g, x, y) for x, y in zip(acc, o)]
            bits[op.results[0]] = acc
    t1 = time.perf_counter()
    prog = _live_program(sig, builder, outputs)
    prog.stats["frontend_s"] = t1 - t0
    prog.stats["instructions_before_dce"] = len(builder.op)
    return prog


def _netlist_bits(op: Operation, ins: list[list[int]], builder: _Builder) -> list[int]:
    net = op.netlist()  # type: ignore[attr-defined]
    slots = [FALSE] + [o[0] for o in ins]
    gate = builder.gate
    for f, x, y in zip(net.fn.tolist(), net.a.tolist(), net.b.tolist()):
        slots.append(gate(f, slots[x], slots[y]))
    return [
        builder.not_(slots[node]) if neg else slots[node]
        for node, neg in zip(net.outputs.tolist(), net.output_neg.tolist())
    ]


def _live_program(sig: Signature, builder: _Builder, outputs: list[int]) -> BitProgram:
    """The builder's instructions that the outputs read, renumbered in order."""
    first = builder.first
    n = len(builder.op)
    op = np.array(builder.op, dtype=np.uint8)
    a = np.array(builder.a, dtype=np.int64)
    b = np.array(builder.b, dtype=np.int64)
    c = np.array(builder.c, dtype=np.int64)
    live = np.zeros(n, dtype=bool)
    for s in outputs:
        if s >= first:
            live[s - first] = True
    is_mux = op == MUX
    for k in range(n - 1, -1, -1):  # fanins are earlier, so one backward sweep
        if live[k]:
            for s in (a[k], b[k]) + ((c[k],) if is_mux[k] else ()):
                if s >= first:
                    live[s - first] = True
    new = np.full(first + n, -1, dtype=np.int64)
    new[:first] = np.arange(first)
    keep = np.flatnonzero(live)
    new[first + keep] = first + np.arange(len(keep))
    c_keep = np.where(is_mux[keep], new[c[keep]], 0)
    return BitProgram(
        sig.name,
        sig.input_widths,
        sig.output_widths,
        op[keep],
        new[a[keep]].astype(np.int32),
        new[b[keep]].astype(np.int32),
        c_keep.astype(np.int32),
        new[np.asarray(outputs, dtype=np.int64)].astype(np.int32) if outputs else np.zeros(0, np.int32),
    )


# ------------------------------------------------------------------------ evaluation


def pack_ports(inputs: Sequence[np.ndarray], widths: Sequence[int]) -> tuple[np.ndarray, int]:
    """Per-port values (one uint64 per lane) as packed bits: uint64[sum(widths), W] with
    W = ceil(lanes / 64), and the number of lanes."""
    arrays = [np.asarray(x).reshape(-1).astype(np.uint64, copy=False) for x in inputs]
    lanes = len(arrays[0]) if arrays else 1
    rows = sum(widths)
    bits = np.empty((rows, lanes), dtype=np.uint8)
    r = 0
    for x, w in zip(arrays, widths):
        if len(x) != lanes:
            raise ValueError("all inputs must have the same number of vectors")
        if w == 1:
            bits[r] = x & np.uint64(1)
        else:
            bits[r : r + w] = (x[None, :] >> np.arange(w, dtype=np.uint64)[:, None]) & np.uint64(1)
        r += w
    return pack_bits(bits), lanes


def pack_rows(bits: np.ndarray) -> np.ndarray:
    """0/1 values of shape (V, n), one row per vector as data sets store them (bool or
    uint8), as packed bits uint64[n, ceil(V / 64)] (`pack_bits` of the transpose, without
    transposing the large array: eight rows are gathered into bytes first)."""
    b = np.asarray(bits)
    if b.dtype != np.bool_:
        b = (b & 1).astype(np.bool_)
    v, n = b.shape
    pad = -v % 64
    if pad:
        b = np.concatenate([b, np.zeros((pad, n), dtype=np.bool_)])
    rows = b.view(np.uint8).reshape(-1, 8, n)
    packed = rows[:, 0, :].copy()
    for j in range(1, 8):
        packed |= rows[:, j, :] << np.uint8(j)
    return np.ascontiguousarray(packed.T).view("<u8").astype(np.uint64, copy=False)


def unpack_ports(words: np.ndarray, widths: Sequence[int], lanes: int) -> list[np.ndarray]:
    """The inverse of `pack_ports`."""
    words = np.ascontiguousarray(words, dtype="<u8")
    bits = np.unpackbits(words.view(np.uint8), axis=1, bitorder="little")[:, :lanes]
    out = []
    r = 0
    for w in widths:
        if w == 1:
            out.append(bits[r].astype(np.uint64))
        else:
            weights = np.uint64(1) << np.arange(w, dtype=np.uint64)
            out.append((bits[r : r + w].astype(np.uint64) * weights[:, None]).sum(axis=0, dtype=np.uint64))
        r += w
    return out


class CompiledFunction:
    """A function compiled to bit-parallel native code (see the module docstring).

    `stats` holds `frontend_s` (IR to program), `backend_s` (C compilation or kernel
    loading; 0 when the library came from the cache), `instructions`, `cached`."""

    def __init__(self, program: BitProgram, backend: str = "auto", **options: object):
        if backend not in BACKENDS:
            raise ValueError(f"unknown backend '{backend}' (expected one of {', '.join(BACKENDS)})")
        if backend == "auto":
            from lutopt.interpreters import _compiled_c

            backend = "c" if _compiled_c.find_compiler() is not None else "numba"
        self.program = program
        self.backend = backend
        self.input_widths = program.input_widths
        self.output_widths = program.output_widths
        t0 = time.perf_counter()
        if backend == "c":
            from lutopt.interpreters._compiled_c import CKernel

            self._kernel = CKernel(program, **options)  # type: ignore[arg-type]
        else:
            from lutopt.interpreters._compiled_numba import NumbaKernel

            self._kernel = NumbaKernel(program, **options)  # type: ignore[arg-type]
        self.stats: dict[str, float] = dict(program.stats)
        self.stats["backend_s"] = time.perf_counter() - t0
        self.stats["instructions"] = program.num_instructions
        self.stats.update(self._kernel.stats)

    def evaluate_packed(self, words: np.ndarray) -> np.ndarray:
        """uint64[input bits, W] (64 vectors per word, `pack_bits`'s layout) to
        uint64[output bits, W]; input bits are the ports in order, least significant bit
        first, and so are output bits."""
        words = np.ascontiguousarray(words, dtype=np.uint64)
        if words.ndim != 2 or words.shape[0] != self.program.num_inputs:
            raise ValueError(
                f"expected packed inputs of shape ({self.program.num_inputs}, words), got {words.shape}"
            )
        return self._kernel.run(words)

    def evaluate(self, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
        """One uint64 array per input port (a value per lane, masked to the port's width)
        to one uint64 array per output port, as `Interpreter.evaluate`."""
        if len(inputs) != len(self.input_widths):
            raise ValueError(f"@{self.program.name} has {len(self.input_widths)} inputs, got {len(inputs)}")
        words, lanes = pack_ports(inputs, self.input_widths)
        if not self.input_widths:
            words = np.zeros((0, 1), dtype=np.uint64)
        out = self.evaluate_packed(words)
        return unpack_ports(out, self.output_widths, lanes)


def compile_function(
    module: ModuleOp | Operation, name: str | None = None, backend: str = "auto", **options: object
) -> CompiledFunction:
    """Compiles function `name` of `module` (default: its one top-level function), or the
    `func.func` op given, for bit-parallel evaluation. `options` go to the backend
    (`vector_bits` and `cc` for C, `block_words` for numba)."""
    return CompiledFunction(bit_program(module, name), backend, **options)


__all__ = [
    "BACKENDS",
    "MAX_TABLE_BITS",
    "BitProgram",
    "CompiledFunction",
    "CompiledUnsupported",
    "bit_program",
    "compile_function",
    "pack_ports",
    "pack_rows",
    "unpack_ports",
    "unsupported_ops",
]
