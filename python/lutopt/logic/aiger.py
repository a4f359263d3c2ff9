"""AIGER exchange: `read_aiger` and `write_aiger` between AIGER files and `GateNetlist`.

Both the binary (`aig`) and the ASCII (`aag`) forms of AIGER 1.9 are read, combinational
only (no latches, bad-state, constraint, justice or fairness sections). See
https://fmv.jku.at/aiger/FORMAT for the format.

Reading maps AIG variable v to netlist node v (variable 0 is the constant, so it is node 0;
binary inputs are variables 1..I; ASCII inputs are numbered in the order of their lines).
An AND gate with complemented fanins becomes one gate with function 1 (a&b), 2 (a&~b),
4 (~a&b) or 8 (~a&~b), and a complemented output sets `output_neg`; no inverter gates.

Writing expresses each of the 16 gate functions with AND gates and complemented edges:
constants and single-input functions need no AND, the AND/OR family one AND, XOR/XNOR three.
Gates are written in netlist order, so the AND variables are in topological order as
binary AIGER requires.

Problems with the input raise `AigerError` (a `LutoptError`, also a `ValueError`) located
at `name:line:col` (ASCII parts) or at `name` with the byte offset in the message.
"""

from __future__ import annotations

import numpy as np

from lutopt.diagnostics import LutoptError
from lutopt.logic.netlist import GateNetlist


class AigerError(LutoptError, ValueError):
    """A malformed or unsupported AIGER file."""


# ---------------------------------------------------------------------------------------
# Reading


class _Lines:
    """Line-oriented access to the text part of an AIGER file, with locations."""

    def __init__(self, data: bytes, name: str):
        self.data = data
        self.name = name
        self.pos = 0
        self.line = 1

    def error(self, message: str, line: int | None = None, col: int = 1) -> AigerError:
        return AigerError(message, location=f"{self.name}:{self.line if line is None else line}:{col}")

    def next(self, what: str) -> tuple[str, int]:
        """The next line (without the newline) and its number."""
        if self.pos >= len(self.data):
            raise self.error(f"unexpected end of file, expected {what}")
        end = self.data.find(b"\n", self.pos)
        if end < 0:
            end = len(self.data)
        raw = self.data[self.pos : end]
        line = self.line
        self.pos = end + 1
        self.line += 1
        try:
            return raw.decode("ascii").rstrip("\r"), line
        except UnicodeDecodeError:
            raise self.error(f"expected {what}, found non-ASCII bytes", line) from None

    def many(self, count: int, fields: int, what: str) -> tuple[np.ndarray, int]:
        """`count` lines of `fields` unsigned integers each, as int64[count, fields], and the
        number of the first line. Checked for shape; located errors for bad tokens."""
        first = self.line
        if count == 0:
            return np.zeros((0, fields), dtype=np.int64), first
        start = self.pos
        end = start
        for _ in range(count):
            nl = self.data.find(b"\n", end)
            if nl < 0:
                if end >= len(self.data):
                    raise self.error(f"unexpected end of file, expected {count} {what} lines", self.line + _)
                nl = len(self.data)
            end = nl + 1
        block = self.data[start:end]
        lines = block.split(b"\n")[:count]
        try:
            text = block.decode("ascii")
            values = np.array(text.split(), dtype=np.int64)
            ok = values.size == count * fields and all(len(ln.split()) == fields for ln in lines)
        except (UnicodeDecodeError, ValueError, OverflowError):
            ok = False
        if not ok:
            for k, ln in enumerate(lines):
                toks = ln.decode("ascii", "replace").split()
                col = 1
                for t in toks:
                    if not t.isdigit():
                        c = ln.decode("ascii", "replace").find(t) + 1
                        raise self.error(f"expected an unsigned integer in {what} line, found '{t}'", first + k, c)
                    col += 1
                if len(toks) != fields:
                    raise self.error(
                        f"expected {fields} integer{'s' if fields > 1 else ''} in {what} line, found {len(toks)}",
                        first + k,
                    )
            raise self.error(f"malformed {what} lines", first)
        self.pos = end
        self.line += count
        return values.reshape(count, fields), first


MAX_HEADER_NUMBER = 2**31 - 1
"""The largest M (and count) of a header: the literal 2M + 1 must fit in 32 bits."""


def _parse_header(lines: _Lines) -> tuple[bool, list[int]]:
    header, _ = lines.next("an AIGER header 'aig M I L O A' or 'aag M I L O A'")
    toks = header.split()
    if not toks or toks[0] not in ("aig", "aag"):
        raise lines.error("not an AIGER file: the header must start with 'aig' or 'aag'", 1)
    binary = toks[0] == "aig"
    nums = []
    col = len(toks[0]) + 2
    for t in toks[1:]:
        if not t.isdigit():
            raise lines.error(f"expected an unsigned integer in the header, found '{t}'", 1, header.find(t) + 1)
        if int(t) > MAX_HEADER_NUMBER:
            raise lines.error(f"header number {t} is too large (AIGER literals are 32-bit: at most "
                              f"{MAX_HEADER_NUMBER})", 1, header.find(t) + 1)
        nums.append(int(t))
        col += len(t) + 1
    if len(nums) < 5:
        raise lines.error(f"the header needs five numbers M I L O A, found {len(nums)}", 1)
    if len(nums) > 9:
        raise lines.error(f"the header has {len(nums)} numbers, at most nine (M I L O A B C J F)", 1)
    return binary, nums


def read_aiger(data: bytes, name: str = "<aiger>") -> GateNetlist:
    """Reads a combinational AIGER file (binary `aig` or ASCII `aag`) into a `GateNetlist`."""
    if isinstance(data, str):
        data = data.encode()
    lines = _Lines(data, name)
    binary, nums = _parse_header(lines)
    m, ni, nl, no, na = nums[:5]
    extra = nums[5:]
    if nl:
        raise lines.error(
            f"the AIGER file has {nl} latch{'es' if nl > 1 else ''}; only combinational circuits are supported", 1
        )
    for label, count in zip(("bad-state properties", "invariant constraints", "justice properties",
                             "fairness constraints"), extra):
        if count:
            raise lines.error(f"the AIGER file has {count} {label}; only combinational circuits are supported", 1)
    if binary and m != ni + nl + na:
        raise lines.error(f"binary AIGER needs M = I + L + A, but {m} != {ni} + {nl} + {na}", 1)
    if m < ni + nl + na:
        raise lines.error(f"M = {m} is smaller than I + L + A = {ni + nl + na}", 1)

    if binary:
        return _read_binary(lines, m, ni, no, na)
    return _read_ascii(lines, m, ni, no, na)


def _check_literals(lines: _Lines, lits: np.ndarray, m: int, first_line: int, what: str) -> None:
    bad = np.flatnonzero((lits < 0) | (lits > 2 * m + 1))
    if len(bad):
        k = int(bad[0])
        raise lines.error(f"{what} literal {int(lits[k])} is out of range (M = {m}, so at most {2 * m + 1})",
                          first_line + k)


def _read_binary(lines: _Lines, m: int, ni: int, no: int, na: int) -> GateNetlist:
    outs, first_out = lines.many(no, 1, "output")
    outs = outs.reshape(no)
    _check_literals(lines, outs, m, first_out, "output")
    # AND section: 2*na LEB128-style numbers (7 bits per byte, high bit = continuation).
    start = lines.pos
    buf = np.frombuffer(lines.data, dtype=np.uint8, count=len(lines.data) - start, offset=start)
    window = buf[: min(len(buf), 2 * na * 5 + 16)]
    ends = np.flatnonzero(window < 0x80)
    need = 2 * na
    if len(ends) < need:
        raise AigerError(
            f"unexpected end of file in the binary AND section (byte offset {start + len(window)}): "
            f"{na} AND gates need {need} delta numbers, found {len(ends)}",
            location=lines.name,
        )
    ends = ends[:need]
    stop = int(ends[-1]) + 1 if need else 0
    deltas = _decode_varints(window[:stop], ends, lines.name)
    lines.pos = start + stop
    base_lit = 2 * (ni + 1)
    lhs = base_lit + 2 * np.arange(na, dtype=np.int64)
    d0 = deltas[0::2]
    d1 = deltas[1::2]
    rhs0 = lhs - d0
    rhs1 = rhs0 - d1
    bad = np.flatnonzero((d0 == 0) | (rhs0 < 0) | (rhs1 < 0))
    if len(bad):
        k = int(bad[0])
        byte = start + (int(ends[2 * k - 1]) + 1 if k else 0)
        raise AigerError(
            f"AND gate {k} (literal {int(lhs[k])}, byte offset {byte}) has an invalid delta encoding: "
            f"its fanins must be smaller literals",
            location=lines.name,
        )
    fa = (rhs0 >> 1).astype(np.int32)
    fb = (rhs1 >> 1).astype(np.int32)
    fn = _and_function(rhs0 & 1, rhs1 & 1)
    in_names, out_names = _read_symbols(lines, ni, no)
    net = GateNetlist(
        num_inputs=ni,
        fn=fn,
        a=fa,
        b=fb,
        outputs=(outs >> 1).astype(np.int32),
        output_neg=(outs & 1).astype(bool),
        input_names=in_names,
        output_names=out_names,
    )
    return net


def _decode_varints(data: np.ndarray, ends: np.ndarray, name: str) -> np.ndarray:
    """Decodes consecutive LEB128 numbers whose last bytes are at `ends`."""
    if len(ends) == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.empty_like(ends)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    lengths = ends - starts + 1
    if lengths.max() > 9:
        k = int(np.argmax(lengths > 9))
        raise AigerError(f"delta number {k} of the AND section is longer than 9 bytes", location=name)
    pos_in = np.arange(len(data)) - np.repeat(starts, lengths)
    vals = (data.astype(np.int64) & 0x7F) << (7 * pos_in)
    return np.add.reduceat(vals, starts)


def _and_function(neg_a: np.ndarray, neg_b: np.ndarray) -> np.ndarray:
    """Gate function of an AND with complemented fanins: 1 a&b, 2 a&~b, 4 ~a&b, 8 ~a&~b."""
    return (np.uint8(1) << (neg_a * 2 + neg_b).astype(np.uint8)).astype(np.uint8)


def _read_symbols(lines: _Lines, ni: int, no: int) -> tuple[list[str] | None, list[str] | None]:
    in_names: list[str | None] = [None] * ni
    out_names: list[str | None] = [None] * no
    any_name = False
    while lines.pos < len(lines.data):
        if lines.data[lines.pos : lines.pos + 1] == b"c" and (
            lines.pos + 1 >= len(lines.data) or lines.data[lines.pos + 1 : lines.pos + 2] in (b"\n", b"\r")
        ):
            break  # comment section
        text, line = lines.next("a symbol")
        if not text.strip():
            continue
        kind = text[0]
        if kind not in "iolbcjf":
            raise lines.error(f"expected a symbol line ('i<k> name', 'o<k> name') or 'c', found '{text[:20]}'", line)
        sp = text.find(" ")
        idx = text[1:sp] if sp > 0 else text[1:]
        if not idx.isdigit() or sp < 0:
            raise lines.error(f"malformed symbol line '{text[:40]}'", line)
        k = int(idx)
        sym = text[sp + 1 :]
        if kind == "i":
            if k >= ni:
                raise lines.error(f"symbol for input {k}, but there are {ni} inputs", line, 2)
            in_names[k] = sym
            any_name = True
        elif kind == "o":
            if k >= no:
                raise lines.error(f"symbol for output {k}, but there are {no} outputs", line, 2)
            out_names[k] = sym
            any_name = True
    if not any_name:
        return None, None
    ins = [n if n is not None else f"i{k}" for k, n in enumerate(in_names)] if ni else []
    outs = [n if n is not None else f"o{k}" for k, n in enumerate(out_names)] if no else []
    return ins, outs


def _read_ascii(lines: _Lines, m: int, ni: int, no: int, na: int) -> GateNetlist:
    ins, first_in = lines.many(ni, 1, "input")
    ins = ins.reshape(ni)
    outs, first_out = lines.many(no, 1, "output")
    outs = outs.reshape(no)
    ands, first_and = lines.many(na, 3, "AND")
    # Inputs: even literals in 2..2M, each defined once.
    bad = np.flatnonzero((ins < 2) | (ins & 1).astype(bool) | (ins > 2 * m))
    if len(bad):
        k = int(bad[0])
        raise lines.error(f"input literal {int(ins[k])} must be even and between 2 and 2M = {2 * m}", first_in + k)
    _check_literals(lines, outs, m, first_out, "output")
    lhs = ands[:, 0] if na else np.zeros(0, np.int64)
    bad = np.flatnonzero((lhs < 2) | (lhs & 1).astype(bool) | (lhs > 2 * m))
    if len(bad):
        k = int(bad[0])
        raise lines.error(f"AND gate literal {int(lhs[k])} must be even and between 2 and 2M = {2 * m}",
                          first_and + k)
    if na:
        r = np.flatnonzero((ands[:, 1:] > 2 * m + 1).any(axis=1))
        if len(r):
            k = int(r[0])
            lit = int(ands[k, 1] if ands[k, 1] > 2 * m + 1 else ands[k, 2])
            raise lines.error(f"AND fanin literal {lit} is out of range (M = {m}, so at most {2 * m + 1})",
                              first_and + k)
    # Which line defines each variable (arrays sized by the largest variable the file uses,
    # not by M: a header may announce a huge M without the lines to match).
    top = max(int(ins.max(initial=0)), int(outs.max(initial=0)), int(ands.max(initial=0))) >> 1
    define = np.full(top + 1, -1, dtype=np.int64)  # -2 input, >=0 AND index
    in_vars = ins >> 1
    and_vars = lhs >> 1
    all_vars = np.concatenate([in_vars, and_vars])
    order = np.argsort(all_vars, kind="stable")
    dup = np.flatnonzero(all_vars[order][1:] == all_vars[order][:-1])
    if len(dup):
        k = int(order[dup[0] + 1])
        line = first_in + k if k < ni else first_and + (k - ni)
        raise lines.error(f"variable {int(all_vars[k])} (literal {2 * int(all_vars[k])}) is defined twice", line)
    define[in_vars] = -2
    define[and_vars] = np.arange(na)
    # Every used literal must be defined (variable 0 is the constant).
    if na:
        used = ands[:, 1:] >> 1
        undefined = (define[used] == -1) & (used != 0)
        if undefined.any():
            k = int(np.flatnonzero(undefined.any(axis=1))[0])
            j = 1 + int(np.flatnonzero(undefined[k])[0])
            raise lines.error(f"AND gate {int(lhs[k])} uses literal {int(ands[k, j])}, which is not defined",
                              first_and + k)
    ov = outs >> 1
    undefined = (define[ov] == -1) & (ov != 0)
    if undefined.any():
        k = int(np.flatnonzero(undefined)[0])
        raise lines.error(f"output literal {int(outs[k])} is not defined", first_out + k)
    # Topological order of the ANDs (file order when it already is one).
    and_order = _topological_and_order(lines, ands, define, first_and)
    # Node numbering: inputs 1..ni in line order, ANDs after them in topological order.
    node = np.zeros(top + 1, dtype=np.int64)
    node[in_vars] = 1 + np.arange(ni)
    node[and_vars[and_order]] = 1 + ni + np.arange(na)
    r0 = ands[and_order, 1] if na else np.zeros(0, np.int64)
    r1 = ands[and_order, 2] if na else np.zeros(0, np.int64)
    fa = node[r0 >> 1].astype(np.int32)
    fb = node[r1 >> 1].astype(np.int32)
    fn = _and_function(r0 & 1, r1 & 1)
    in_names, out_names = _read_symbols(lines, ni, no)
    return GateNetlist(
        num_inputs=ni,
        fn=fn,
        a=fa,
        b=fb,
        outputs=node[ov].astype(np.int32),
        output_neg=(outs & 1).astype(bool),
        input_names=in_names,
        output_names=out_names,
    )


def _topological_and_order(lines: _Lines, ands: np.ndarray, define: np.ndarray, first_and: int) -> np.ndarray:
    na = len(ands)
    if na == 0:
        return np.zeros(0, dtype=np.int64)
    dep = define[ands[:, 1:] >> 1]  # AND index of each fanin, or -1/-2
    if ((dep < np.arange(na)[:, None])).all():
        return np.arange(na)
    # Kahn's algorithm, level by level (vectorised per level).
    level = np.full(na, -1, dtype=np.int64)
    d0 = dep[:, 0]
    d1 = dep[:, 1]
    done = np.zeros(na + 2, dtype=bool)  # index -1/-2 map to the last slots: inputs/constant are ready
    done[na:] = True
    cur = 0
    remaining = np.arange(na)
    while len(remaining):
        ready = done[d0[remaining]] & done[d1[remaining]]
        if not ready.any():
            k = int(remaining.min())
            raise lines.error(f"AND gate {int(ands[k, 0])} is part of a combinational cycle", first_and + k)
        sel = remaining[ready]
        level[sel] = cur
        done[sel] = True
        remaining = remaining[~ready]
        cur += 1
    return np.argsort(level, kind="stable")


# ---------------------------------------------------------------------------------------
# Writing


def _gate_literals(net: GateNetlist) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """AIG literal of every node, and the AND gates (lhs, rhs0, rhs1) that realise them."""
    from lutopt.logic._aiger_kernels import aig_from_gates

    lit, lhs, r0, r1 = aig_from_gates(
        int(net.num_inputs),
        np.ascontiguousarray(net.fn, dtype=np.int64),
        np.ascontiguousarray(net.a, dtype=np.int64),
        np.ascontiguousarray(net.b, dtype=np.int64),
    )
    return lit, lhs, r0, r1


def _encode_varints(values: np.ndarray) -> bytes:
    values = values.astype(np.uint64)
    nbytes = np.ones(len(values), dtype=np.int64)
    v = values >> np.uint64(7)
    while v.any():
        nbytes += (v > 0).astype(np.int64)
        v >>= np.uint64(7)
    total = int(nbytes.sum())
    starts = np.cumsum(nbytes) - nbytes
    idx = np.arange(total) - np.repeat(starts, nbytes)
    vals = np.repeat(values, nbytes) >> (np.uint64(7) * idx.astype(np.uint64))
    out = (vals & np.uint64(0x7F)).astype(np.uint8)
    last = np.zeros(total, dtype=bool)
    last[starts + nbytes - 1] = True
    out[~last] |= 0x80
    return out.tobytes()


def _symbols(net: GateNetlist) -> tuple[list[str], list[str]]:
    """The symbol names to write: one line each (newlines become `_`), and distinct as
    ABC requires (its reader rejects repeated names, and an output named like an input
    unless it is that input): a repeated name gets the first free suffix `_1`, `_2`, ..."""
    ins = [n.replace("\n", "_").replace("\r", "_") for n in net.input_names or []]
    outs = [n.replace("\n", "_").replace("\r", "_") for n in net.output_names or []]
    taken = set(ins) | set(outs)

    def fresh(base: str) -> str:
        k = 1
        while f"{base}_{k}" in taken:
            k += 1
        taken.add(f"{base}_{k}")
        return f"{base}_{k}"

    seen: dict[str, int] = {}
    for k, n in enumerate(ins):
        if n in seen:
            ins[k] = n = fresh(n)
        seen[n] = k
    out_seen: set[str] = set()
    for k, n in enumerate(outs):
        is_input = n in seen and int(net.outputs[k]) == 1 + seen[n] and not net.output_neg[k]
        if n in out_seen or (n in seen and not is_input):
            outs[k] = n = fresh(n)
        out_seen.add(n)
    return ins, outs


def write_aiger(net: GateNetlist, binary: bool = True, comment: str | None = "written by lutopt") -> bytes:
    """The netlist as an AIGER file (binary `aig` by default, or ASCII `aag`), with the
    input and output names as symbols and `comment` in the comment section."""
    problem = net.check()
    if problem:
        raise LutoptError(f"cannot write AIGER: {problem}")
    ni = int(net.num_inputs)
    lit, lhs, r0, r1 = _gate_literals(net)
    na = len(lhs)
    m = ni + na
    outs = lit[np.asarray(net.outputs, dtype=np.int64)] ^ np.asarray(net.output_neg, dtype=np.int64)
    no = len(outs)
    parts: list[bytes] = []
    if binary:
        parts.append(f"aig {m} {ni} 0 {no} {na}\n".encode())
        parts.append("".join(f"{int(o)}\n" for o in outs).encode())
        if na:
            deltas = np.empty(2 * na, dtype=np.int64)
            deltas[0::2] = lhs - r0
            deltas[1::2] = r0 - r1
            parts.append(_encode_varints(deltas))
    else:
        parts.append(f"aag {m} {ni} 0 {no} {na}\n".encode())
        parts.append("".join(f"{2 * (k + 1)}\n" for k in range(ni)).encode())
        parts.append("".join(f"{int(o)}\n" for o in outs).encode())
        if na:
            rows = np.stack([lhs, r0, r1], axis=1)
            parts.append(("\n".join(" ".join(map(str, row)) for row in rows.tolist()) + "\n").encode())
    ins, outs = _symbols(net)
    sym = [f"i{k} {n}\n" for k, n in enumerate(ins)] + [f"o{k} {n}\n" for k, n in enumerate(outs)]
    parts.append("".join(sym).encode())
    if comment is not None:
        parts.append(f"c\n{comment}\n".encode())
    return b"".join(parts)
