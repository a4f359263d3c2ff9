"""BLIF exchange: `read_blif` from a combinational BLIF model to a `GateNetlist`, and
`write_blif` back (one `.names` per gate); `BlifWriter` writes any network of named
single-output covers, which is how the mapped lut level exports one `.names` per LUT.

Reading accepts one `.model` with `.inputs`, `.outputs`, `.names` (covers of any size,
on-set or off-set rows), `.end`, comments and `\\` continuation lines, in any order of
definition. A two-input cover becomes one gate of the matching function; a wider cover
becomes its sum of products (balanced AND trees of the cube literals, a balanced OR tree
of the cubes, complemented for an off-set cover). Timing and annotation commands
(`.area`, `.delay`, `.input_arrival`, ...) are ignored. Sequential and hierarchical
constructs (`.latch`, `.subckt`, `.gate`, ...) are rejected: lutopt reads combinational
logic only. Every problem raises `BlifError` (a `LutoptError`) located at `file:line:col`.

See https://www.cs.uic.edu/~jlillis/courses/cs594/spring05/blif.pdf for the format.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lutopt.diagnostics import LutoptError
from lutopt.ir.names import free_prefix
from lutopt.logic.builder import FALSE, FOLD, NetlistBuilder, gc_paused
from lutopt.logic.netlist import GateNetlist


class BlifError(LutoptError, ValueError):
    """A malformed or unsupported BLIF file."""


_IGNORED = frozenset(
    {
        ".area", ".delay", ".wire_load_slope", ".wire", ".input_arrival", ".output_required",
        ".default_input_arrival", ".default_output_required", ".input_drive", ".default_input_drive",
        ".output_load", ".default_output_load", ".cname", ".attr", ".param", ".max_input_load",
        ".default_max_input_load",
    }
)
_UNSUPPORTED = {
    ".latch": "'.latch' is not supported: lutopt reads combinational BLIF only (no registers)",
    ".mlatch": "'.mlatch' is not supported: lutopt reads combinational BLIF only (no registers)",
    ".clock": "'.clock' is not supported: lutopt reads combinational BLIF only (no registers)",
    ".subckt": "'.subckt' is not supported: hierarchical BLIF must be flattened first",
    ".gate": "'.gate' is not supported: mapped BLIF with a cell library cannot be read",
    ".search": "'.search' is not supported: the model must be in one file",
    ".exdc": "'.exdc' (external don't cares) is not supported",
    ".fsm": "'.fsm' is not supported: lutopt reads combinational BLIF only",
    ".start_kiss": "'.start_kiss' is not supported: lutopt reads combinational BLIF only",
}


class _Line:
    """A logical line: its tokens, the number of its first physical line, and (computed
    only for error messages) the 1-based column of each token on its physical line."""

    __slots__ = ("number", "tokens", "_raws")

    def __init__(self, number: int, tokens: list[str], raws: list[str]):
        self.number = number
        self.tokens = tokens
        self._raws = raws

    @property
    def columns(self) -> list[int]:
        return [m.start() + 1 for raw in self._raws for m in re.finditer(r"\S+", raw)]


@dataclass
class _Names:
    fanins: list[str]
    output: str
    rows: list[tuple[str, int, int]]  # (plane, value, line)
    src: _Line

    @property
    def line(self) -> int:
        return self.src.number

    @property
    def columns(self) -> list[int]:
        """Columns of the signals (fanins, then the output)."""
        return self.src.columns[1:]


@dataclass
class BlifModel:
    name: str
    netlist: GateNetlist


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    pending: _Line | None = None
    for number, raw in enumerate(text.split("\n"), start=1):
        if "#" in raw:
            raw = raw[: raw.index("#")]
        cont = raw.rstrip().endswith("\\")
        if cont:
            raw = raw.rstrip()[:-1]
        tokens = raw.split()
        if pending is None:
            if not tokens and not cont:
                continue
            pending = _Line(number, tokens, [raw])
        else:
            pending.tokens += tokens
            pending._raws.append(raw)
        if not cont:
            if pending.tokens:
                out.append(pending)
            pending = None
    if pending is not None and pending.tokens:
        out.append(pending)
    return out


def parse_blif(data: bytes | str, name: str = "<blif>") -> BlifModel:
    """Reads a combinational BLIF model (see the module docstring)."""
    with gc_paused():
        return _parse_blif(data, name)


def _parse_blif(data: bytes | str, name: str) -> BlifModel:
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            line = data.count(b"\n", 0, e.start) + 1
            raise BlifError("BLIF input is not UTF-8 text", location=f"{name}:{line}:1") from None
    else:
        text = data

    def error(message: str, line: int, col: int = 1) -> BlifError:
        return BlifError(message, location=f"{name}:{line}:{col}")

    model: str | None = None
    inputs: list[tuple[str, _Line, int]] = []
    outputs: list[tuple[str, _Line, int]] = []
    names: list[_Names] = []
    current: _Names | None = None
    ended = False
    for ln in _lines(text):
        head = ln.tokens[0]
        if not head.startswith("."):
            if current is None:
                raise error(f"unexpected '{head}' outside a '.names' cover", ln.number, ln.columns[0])
            n = len(current.fanins)
            if n == 0:
                if len(ln.tokens) != 1 or ln.tokens[0] not in ("0", "1"):
                    raise error("a constant '.names' row must be '0' or '1'", ln.number, ln.columns[0])
                current.rows.append(("", int(ln.tokens[0]), ln.number))
                continue
            if len(ln.tokens) < 2:
                raise error(
                    f"a cover row needs {n} input values and an output value", ln.number, ln.columns[0]
                )
            plane, value = "".join(ln.tokens[:-1]), ln.tokens[-1]
            if len(plane) != n:
                raise error(
                    f"cover row has {len(plane)} input values but '.names' has {n} inputs",
                    ln.number,
                    ln.columns[0],
                )
            bad = next((i for i, c in enumerate(plane) if c not in "01-"), None)
            if bad is not None:
                raise error(f"cover row input values must be 0, 1 or -, found '{plane[bad]}'", ln.number, ln.columns[0])
            if value not in ("0", "1"):
                raise error(f"cover row output value must be 0 or 1, found '{value}'", ln.number, ln.columns[-1])
            current.rows.append((plane, int(value), ln.number))
            continue
        current = None
        if ended:
            if head == ".model":
                raise error("more than one '.model': hierarchical BLIF is not supported", ln.number, ln.columns[0])
            raise error(f"'{head}' after '.end'", ln.number, ln.columns[0])
        args = [(t, ln, k) for k, t in enumerate(ln.tokens) if k]
        if head == ".model":
            if model is not None:
                raise error("more than one '.model': hierarchical BLIF is not supported", ln.number, ln.columns[0])
            model = ln.tokens[1] if len(ln.tokens) > 1 else ""
        elif head == ".inputs":
            inputs += args
        elif head == ".outputs":
            outputs += args
        elif head == ".names":
            if len(ln.tokens) < 2:
                raise error("'.names' needs at least an output signal", ln.number, ln.columns[0])
            current = _Names(ln.tokens[1:-1], ln.tokens[-1], [], ln)
            names.append(current)
        elif head == ".end":
            ended = True
        elif head in _UNSUPPORTED:
            raise error(_UNSUPPORTED[head], ln.number, ln.columns[0])
        elif head in _IGNORED:
            continue
        else:
            raise error(f"unknown BLIF command '{head}'", ln.number, ln.columns[0])
    if model is None and not (inputs or outputs or names):
        raise BlifError("not a BLIF file: no '.model', '.inputs', '.outputs' or '.names'", location=name)
    net = _build(inputs, outputs, names, error)
    return BlifModel(model or "", net)


def read_blif(data: bytes | str, name: str = "<blif>") -> GateNetlist:
    """The netlist of a combinational BLIF model (see the module docstring)."""
    return parse_blif(data, name).netlist


def _build(inputs, outputs, names: list[_Names], error) -> GateNetlist:
    # Definitions: each signal is an input or the output of exactly one '.names'.
    input_index: dict[str, int] = {}
    for sig, ln, k in inputs:
        if sig in input_index:
            raise error(f"input '{sig}' is declared twice", ln.number, ln.columns[k])
        input_index[sig] = len(input_index)
    driver: dict[str, _Names] = {}
    for nm in names:
        sig = nm.output
        if sig in input_index:
            raise error(f"'{sig}' is an input and cannot be driven by '.names'", nm.line, nm.columns[-1])
        if sig in driver:
            first = driver[sig].line
            raise error(f"signal '{sig}' is driven twice (first on line {first})", nm.line, nm.columns[-1])
        driver[sig] = nm
        values = {v for _, v, _ in nm.rows}
        if len(values) > 1:
            raise error(
                f"the cover of '{sig}' mixes on-set (1) and off-set (0) rows", nm.rows[0][2]
            )
    for nm in names:
        for k, sig in enumerate(nm.fanins):
            if sig not in driver and sig not in input_index:
                raise error(
                    f"unknown signal '{sig}' (not an input and not driven by any '.names')",
                    nm.line,
                    nm.columns[k],
                )
    seen_out: set[str] = set()
    for sig, ln, k in outputs:
        if sig not in driver and sig not in input_index:
            raise error(
                f"output '{sig}' is never driven (not an input and not driven by any '.names')",
                ln.number,
                ln.columns[k],
            )
        if sig in seen_out:
            raise error(f"output '{sig}' is declared twice", ln.number, ln.columns[k])
        seen_out.add(sig)

    # Topological order of the '.names' (iterative DFS; a grey node reached again is a cycle).
    order: list[_Names] = []
    state: dict[str, int] = {}  # 1 visiting, 2 done
    for root in names:
        if state.get(root.output):
            continue
        stack: list[tuple[_Names, int]] = [(root, 0)]
        state[root.output] = 1
        while stack:
            nm, k = stack[-1]
            if k < len(nm.fanins):
                stack[-1] = (nm, k + 1)
                sig = nm.fanins[k]
                child = driver.get(sig)
                if child is None:
                    continue
                st = state.get(sig)
                if st == 1:
                    path = [s.output for s, _ in stack]
                    cycle = path[path.index(sig):] + [sig]
                    raise error(
                        f"combinational cycle: {' -> '.join(reversed(cycle))}", child.line, child.columns[-1]
                    )
                if st is None:
                    state[sig] = 1
                    stack.append((child, 0))
            else:
                stack.pop()
                state[nm.output] = 2
                order.append(nm)

    builder = NetlistBuilder(len(input_index))
    lit: dict[str, int] = {sig: NetlistBuilder.input(k) for sig, k in input_index.items()}
    for nm in order:
        fan = [lit[s] for s in nm.fanins]
        lit[nm.output] = _cover(builder, fan, nm.rows)
    outs = [lit[sig] for sig, _, _ in outputs]
    return builder.build(outs, list(input_index), [sig for sig, _, _ in outputs])


def _cover(builder: NetlistBuilder, fan: list[int], rows) -> int:
    """The literal of a cover over fanin literals `fan`."""
    if not rows:
        return FALSE
    offset = rows[0][1] == 0
    if len(fan) == 2:
        # One gate of the matching function (so a gate netlist round-trips unchanged).
        onset = set()
        for plane, _, _ in rows:
            for x in (0, 1):
                for y in (0, 1):
                    if plane[0] in ("-", str(x)) and plane[1] in ("-", str(y)):
                        onset.add((x, y))
        fn = sum(1 << (3 - (2 * x + y)) for x, y in onset)
        if offset:
            fn ^= 15
        if fn not in (0, 3, 5, 10, 12, 15):
            return builder.gate(fn, fan[0], fan[1])
    # Sum of products, with trivial cases (buffers, constants, x & ~x) folded.
    builder.simplify = True
    try:
        cubes = []
        for plane, _, _ in rows:
            lits = [fan[i] ^ (c == "0") for i, c in enumerate(plane) if c != "-"]
            cubes.append(builder.and_tree(lits))
        result = builder.or_tree(cubes)
    finally:
        builder.simplify = False
    return result ^ 1 if offset else result


# --------------------------------------------------------------------- writing


def _primes(fn: int) -> list[str]:
    """The prime implicants of a two-input function as cover planes ('1-', '01', ...)."""
    cubes = [x + y for x in "01-" for y in "01-"]

    def points(c: str) -> set[tuple[int, int]]:
        return {(x, y) for x in (0, 1) for y in (0, 1) if c[0] in ("-", str(x)) and c[1] in ("-", str(y))}

    on = {(x, y) for x in (0, 1) for y in (0, 1) if (fn >> (3 - (2 * x + y))) & 1}
    implicants = [c for c in cubes if points(c) <= on]
    return [c for c in implicants if not any(d != c and points(c) < points(d) for d in implicants)]


GATE_COVERS: tuple[tuple[str, ...], ...] = tuple(tuple(_primes(fn)) for fn in range(16))
"""The cover rows (planes of on-set cubes) used for a two-input `.names` of each function."""

Signal = tuple[str, int]
"""A signal of the network being written: (name, complemented). The name "" is the
constant, whose value is then the complement flag."""

CONST0: Signal = ("", 0)
CONST1: Signal = ("", 1)


def blif_name(name: str) -> str:
    """`name` as a BLIF signal name: no whitespace, comment or continuation characters
    (AIGER symbols may contain spaces); an empty name becomes `_`."""
    return re.sub(r"[\s#\\]", "_", name) or "_"


def signal_prefix(names: Sequence[str], base: str = "n") -> str:
    """A prefix p such that no name in `names` is p followed by digits (`_` is put in
    front of `base` until none is)."""
    return free_prefix(names, base, pad="_", at_start=True, numbered=True)


_ENTRY_BIT = bytes(ord("01"[b & 1]) for b in range(256))
"""bytes.translate table: an entry byte to '0' or '1' (its low bit)."""


@functools.cache
def _cofactor_mask(n: int, p: int) -> int:
    """The truth-table positions (of 2^n) whose index has bit p clear."""
    return sum(1 << i for i in range(1 << n) if not (i >> p) & 1)


@functools.cache
def _rows(n: int) -> tuple[str, ...]:
    """Every n-bit index as a BLIF plane (most significant bit first)."""
    return tuple(format(i, f"0{n}b") for i in range(1 << n))


class BlifWriter:
    """Writes a BLIF model of single-output covers over named signals.

    `table()` adds a node from a truth table over signals (complemented and constant
    fanins are folded into the table, so no inverters appear), `output()` binds an
    output name to a signal (the node that drives it takes the output's name when it
    can, else a buffer, inverter or constant is added), `text()` gives the file.
    """

    def __init__(self, model: str, inputs: Sequence[str], outputs: Sequence[str]):
        self.model = blif_name(model) if model else "top"
        # BLIF needs distinct port names; AIGER symbols (and `lutopt.name`s) need not be
        # distinct, and cleaning can merge two. A name already taken gets the first free
        # suffix `_1`, `_2`, ... (ports keep their order). An output named like an input
        # keeps the name only when it is that input (decided in `text`).
        self._taken = {blif_name(n) for n in [*inputs, *outputs]}
        self.inputs = self._distinct([blif_name(n) for n in inputs], set())
        self._input_set = set(self.inputs)
        self.outputs = self._distinct([blif_name(n) for n in outputs], set())
        self._prefix = signal_prefix(self.inputs + self.outputs)
        self._count = 0
        self._nodes: list[tuple[list[str], str, list[str], int]] = []
        self._driven: dict[str, int] = {}  # node signal name -> index in _nodes
        self._bound: dict[int, str] = {}  # output index -> signal name driving it

    def _distinct(self, names: list[str], used: set[str]) -> list[str]:
        out = []
        for n in names:
            if n in used:
                n = self._unused(n)
            used.add(n)
            out.append(n)
        return out

    def _unused(self, base: str) -> str:
        k = 1
        while f"{base}_{k}" in self._taken:
            k += 1
        name = f"{base}_{k}"
        self._taken.add(name)
        return name

    def input(self, k: int) -> Signal:
        return (self.inputs[k], 0)

    def fresh(self) -> str:
        name = f"{self._prefix}{self._count}"
        self._count += 1
        return name

    def names(self, fanins: Sequence[str], planes: Sequence[str], value: int = 1, output: str | None = None) -> str:
        """Adds a `.names` whose rows are `planes` (one char per fanin) with output `value`;
        returns its signal name. An empty cover is written without fanins (ABC rejects
        empty covers that have fanins)."""
        output = output or self.fresh()
        self._driven[output] = len(self._nodes)
        self._nodes.append((list(fanins) if planes else [], output, list(planes), value))
        return output

    def table(self, fanins: Sequence[Signal], table: np.ndarray) -> Signal:
        """The signal of a truth table over `fanins` (entry i is the value for fanin
        values with fanin 0 as the most significant bit of i). Constant, complemented and
        repeated fanins are folded into the table; a table that reduces to a constant, a
        fanin or its complement adds nothing; a two-input function is written as its prime
        cover, a wider one as on-set or off-set minterms, whichever are fewer."""
        n = len(fanins)
        if n >= 3:
            plain = self._plain_table(fanins, table)
            if plain is not None:
                return plain
        if isinstance(table, bytes):
            table = np.frombuffer(table, dtype=np.uint8)
        t = (np.asarray(table, dtype=np.uint8).reshape(-1) & 1).reshape([2] * n if n else [1])
        if t.size != 1 << n:
            raise ValueError(f"a table over {n} fanins needs {1 << n} entries, got {t.size}")
        names: list[str] = []
        for k, (name, neg) in enumerate(fanins):
            axis = len(names)
            if name == "":
                t = np.take(t, neg, axis=axis)
                continue
            if neg:
                t = np.flip(t, axis=axis)
            if name in names:
                j = names.index(name)
                t = np.moveaxis(np.diagonal(t, axis1=j, axis2=axis), -1, j)
                continue
            names.append(name)
        # Fanins the function does not depend on.
        for axis in range(len(names) - 1, -1, -1):
            if np.array_equal(np.take(t, 0, axis=axis), np.take(t, 1, axis=axis)):
                t = np.take(t, 0, axis=axis)
                del names[axis]
        flat = t.reshape(-1)
        n = len(names)
        if n == 0:
            return ("", int(flat[0]))
        if n == 1:
            return (names[0], 0) if flat[1] else (names[0], 1)
        if n == 2:
            fn = int(flat[0]) << 3 | int(flat[1]) << 2 | int(flat[2]) << 1 | int(flat[3])
            return (self.names(names, GATE_COVERS[fn]), 0)
        ones = np.flatnonzero(flat)
        value, rows = (1, ones) if 2 * len(ones) <= len(flat) else (0, np.flatnonzero(flat == 0))
        return (self.names(names, [format(int(i), f"0{n}b") for i in rows], value), 0)

    def _plain_table(self, fanins: Sequence[Signal], table: np.ndarray | bytes) -> Signal | None:
        """`table`'s signal without NumPy when its fanins are distinct named signals, none
        complemented, and it depends on every one (a mapped LUT): the same `.names` as
        the general path, about ten times faster. None when the general path is needed."""
        n = len(fanins)
        names = [name for name, _ in fanins]
        if any(neg or not name for name, neg in fanins) or len(set(names)) != n:
            return None
        if not isinstance(table, bytes):
            table = (np.asarray(table, dtype=np.uint8).reshape(-1) & 1).tobytes()
        if len(table) != 1 << n:
            return None  # the general path says what is wrong
        bits = table.translate(_ENTRY_BIT).decode()  # character i: entry i's low bit
        tt = int(bits[::-1], 2)
        for p in range(n):  # index bit p is fanin n-1-p
            low = _cofactor_mask(n, p)
            if (tt & low) == ((tt >> (1 << p)) & low):
                return None  # a fanin the function ignores
        ones = bits.count("1")
        value, char = (1, "1") if 2 * ones <= len(bits) else (0, "0")
        rows = _rows(n)
        return (self.names(names, [rows[i] for i, c in enumerate(bits) if c == char], value), 0)

    def gate(self, fn: int, a: Signal, b: Signal) -> Signal:
        """The signal of gate `fn(a, b)`: `table` for two fanins, without NumPy."""
        (na, ca), (nb, cb) = a, b
        if na == "" or nb == "" or na == nb:
            return self.table([a, b], np.array([(fn >> 3) & 1, (fn >> 2) & 1, (fn >> 1) & 1, fn & 1]))
        f = FOLD[4 * fn + 2 * ca + cb]
        if f in (0, 15):
            return ("", f & 1)
        if f in (3, 12):  # a or ~a
            return (na, int(f == 12))
        if f in (5, 10):  # b or ~b
            return (nb, int(f == 10))
        return (self.names([na, nb], GATE_COVERS[f]), 0)

    def output(self, k: int, sig: Signal) -> None:
        self._bound[k] = sig  # type: ignore[assignment]

    def text(self) -> str:
        rename: dict[str, str] = {}
        extra: list[tuple[list[str], str, list[str], int]] = []
        for k, out in enumerate(self.outputs):
            name, neg = self._bound.get(k, CONST0)  # type: ignore[misc]
            if name == out and not neg:
                continue  # an input that is also an output
            if out in self._input_set:  # named like an input, but another function
                out = self.outputs[k] = self._unused(out)
            if name in self._driven and name not in rename and not neg:
                rename[name] = out  # the node takes the output's name
            elif name == "":
                extra.append(([], out, [""] if neg else [], 1))
            else:
                extra.append(([rename.get(name, name)], out, ["0" if neg else "1"], 1))
        lines = [f".model {self.model}"]
        if self.inputs:
            lines.append(".inputs " + " ".join(self.inputs))
        if self.outputs:
            lines.append(".outputs " + " ".join(self.outputs))
        for fanins, output, planes, value in self._nodes + extra:
            sigs = [rename.get(s, s) for s in fanins] + [rename.get(output, output)]
            lines.append(".names " + " ".join(sigs))
            lines += [f"{p} {value}" if p else str(value) for p in planes]
        lines += [".end", ""]
        return "\n".join(lines)


def write_blif(net: GateNetlist, model: str = "top") -> str:
    """The netlist as BLIF, one `.names` per gate (its prime cover). Gates that reduce to
    a constant or a fanin (constant fanins, functions 0, 3, 5, 10, 12, 15) need no
    `.names`; complemented, repeated, constant or input outputs get a buffer, inverter
    or constant."""
    problem = net.check()
    if problem is not None:
        raise ValueError(f"malformed netlist: {problem}")
    with gc_paused():
        return _write_blif(net, model)


def _write_blif(net: GateNetlist, model: str) -> str:
    n = net.num_inputs
    in_names = list(net.input_names) if net.input_names else [f"i{k}" for k in range(n)]
    out_names = list(net.output_names) if net.output_names else [f"o{k}" for k in range(net.num_outputs)]
    writer = BlifWriter(model, in_names, out_names)
    sig: list[Signal] = [CONST0] + [writer.input(k) for k in range(n)]
    gate = writer.gate
    for f, x, y in zip(net.fn.tolist(), net.a.tolist(), net.b.tolist()):
        sig.append(gate(f, sig[x], sig[y]))
    for k, (node, neg) in enumerate(zip(net.outputs.tolist(), net.output_neg.tolist())):
        name, c = sig[node]
        writer.output(k, (name, c ^ int(neg)))
    return writer.text()
