"""Differential fuzzing of the lut level: random `lut.table` designs through
`lower-to-rtl{lut-size=K pipeline-stages=S}` to Verilog, simulated by Icarus and compared
with a NumPy evaluation of DESIGN.md's `lut.table` semantics written here (not lutopt's
interpreter): the index is the operands concatenated, operand 0 most significant; the
result is the entry, modulo 2^w_out.

A design is a module of one to three `func.func`s with one to four arguments (at most 12
input bits), constants (`arith.constant` and `hw.constant`), and tables reading arguments,
constants and earlier tables (chains and DAGs), with repeated operands, operands a table
does not depend on, constant tables, tables of no operands, one-bit and wide results;
function results may be tables, arguments or constants, and repeat. K is 3..8 (or no
K: whole tables to rtl) and S 0..3;
the testbench streams one input vector per cycle and reads each output S cycles later.

Also: the same input compiled twice in one process gives the same Verilog, and the
command line gives byte-identical output under different PYTHONHASHSEEDs.

Long run: `bench/fuzz.py --level lut --examples N`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from .settings import fuzz_settings

HAS_IVERILOG = shutil.which("iverilog") is not None and shutil.which("vvp") is not None
needs_iverilog = pytest.mark.skipif(not HAS_IVERILOG, reason="Icarus Verilog is not installed (apt-get install iverilog)")

MAX_ARG_BITS = 12
MAX_TABLE_BITS = 10
EXHAUSTIVE_BITS = 10
RANDOM_VECTORS = 600

# --------------------------------------------------------------------- designs


@dataclass
class Const:
    width: int
    value: int
    dialect: str  # "arith" or "hw"


@dataclass
class Table:
    operands: list[int]  # value ids
    width: int
    entries: np.ndarray  # uint64[2^bits], already modulo 2^width
    signed_text: bool  # print the list form with negative entries where the top bit is set
    hex_text: bool


@dataclass
class Function:
    name: str
    arg_widths: list[int]
    consts: list[Const] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    results: list[int] = field(default_factory=list)  # value ids

    # Value ids: arguments, then constants, then tables.
    def width(self, v: int) -> int:
        na, nc = len(self.arg_widths), len(self.consts)
        if v < na:
            return self.arg_widths[v]
        if v < na + nc:
            return self.consts[v - na].width
        return self.tables[v - na - nc].width

    def ssa(self, v: int) -> str:
        na, nc = len(self.arg_widths), len(self.consts)
        if v < na:
            return f"%a{v}"
        if v < na + nc:
            return f"%c{v - na}"
        return f"%t{v - na - nc}"


def _mask(w: int) -> int:
    return (1 << w) - 1


def _signed(value: int, w: int) -> int:
    value &= _mask(w)
    return value - (1 << w) if w > 1 and value >> (w - 1) else value


def _hex_entries(entries: np.ndarray, w: int) -> str:
    """MLIR's hex form: each entry little-endian in 1, 2, 4 or 8 bytes (the storage of i<w>)."""
    nbytes = 1
    while nbytes * 8 < w:
        nbytes *= 2
    return '"0x' + b"".join(int(e).to_bytes(nbytes, "little") for e in entries).hex() + '"'


def function_text(f: Function) -> str:
    args = ", ".join(f"%a{i}: i{w}" for i, w in enumerate(f.arg_widths))
    lines = []
    for i, c in enumerate(f.consts):
        if c.dialect == "hw":
            lines.append(f"  %c{i} = hw.constant {_signed(c.value, c.width)} : i{c.width}")
        else:
            lines.append(f"  %c{i} = arith.constant {_signed(c.value, c.width)} : i{c.width}")
    for i, t in enumerate(f.tables):
        ops = ", ".join(f.ssa(v) for v in t.operands)
        types = ", ".join(f"i{f.width(v)}" for v in t.operands)
        if t.hex_text:
            body = _hex_entries(t.entries, t.width)
        elif t.signed_text:
            body = "[" + ", ".join(str(_signed(int(e), t.width)) for e in t.entries) + "]"
        else:
            body = "[" + ", ".join(str(int(e)) for e in t.entries) + "]"
        lines.append(f"  %t{i} = lut.table({ops}) {body} : ({types}) -> i{t.width}")
    rtypes = ", ".join(f"i{f.width(v)}" for v in f.results)
    rets = ", ".join(f.ssa(v) for v in f.results)
    lines.append(f"  func.return {rets} : {rtypes}")
    return f"func.func @{f.name}({args}) -> ({rtypes}) {{\n" + "\n".join(lines) + "\n}\n"


def evaluate(f: Function, args: list[np.ndarray]) -> list[np.ndarray]:
    """DESIGN.md's semantics: index = operands concatenated (operand 0 most significant),
    result = entry; every value is a uint64 array over the vectors."""
    n = len(args[0])
    vals: list[np.ndarray] = [np.asarray(a, dtype=np.uint64) & np.uint64(_mask(w)) for a, w in zip(args, f.arg_widths)]
    vals += [np.full(n, c.value, dtype=np.uint64) for c in f.consts]
    for t in f.tables:
        index = np.zeros(n, dtype=np.uint64)
        for v in t.operands:
            index = (index << np.uint64(f.width(v))) | vals[v]
        vals.append(t.entries[index.astype(np.int64)] & np.uint64(_mask(t.width)))
    return [vals[v] for v in f.results]


@st.composite
def functions(draw, name: str) -> Function:
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n_args = draw(st.integers(1, 4))
    widths: list[int] = []
    for _ in range(n_args):
        room = MAX_ARG_BITS - sum(widths) - (n_args - len(widths) - 1)
        widths.append(draw(st.integers(1, max(1, min(6, room)))))
    f = Function(name, widths)
    for _ in range(draw(st.integers(0, 2))):
        w = draw(st.integers(1, 4))
        f.consts.append(Const(w, draw(st.integers(0, _mask(w))), draw(st.sampled_from(["arith", "hw"]))))
    chain = draw(st.booleans())
    for _ in range(draw(st.integers(1, 6))):
        first_table = len(f.arg_widths) + len(f.consts)
        pool = list(range(first_table + len(f.tables)))
        operands: list[int] = []
        n_ops = draw(st.integers(0, 4)) if draw(st.integers(0, 9)) == 0 else draw(st.integers(1, 4))
        if chain and f.tables and n_ops and f.width(pool[-1]) <= MAX_TABLE_BITS:
            operands.append(pool[-1])
        while len(operands) < n_ops:
            v = draw(st.sampled_from(pool))
            if draw(st.integers(0, 5)) == 0 and operands:
                v = draw(st.sampled_from(operands))  # a repeated operand
            if sum(f.width(u) for u in operands) + f.width(v) > MAX_TABLE_BITS:
                break
            operands.append(v)
        kind = draw(st.sampled_from(["narrow", "narrow", "bit", "bit", "wide"]))
        width = {"bit": 1, "narrow": draw(st.integers(2, 6)), "wide": draw(st.integers(7, 20))}[kind]
        bits = sum(f.width(v) for v in operands)
        shape = draw(st.sampled_from(["random", "random", "random", "ignores", "constant", "sparse"]))
        if width < 63:
            entries = rng.integers(0, 1 << width, 1 << bits).astype(np.uint64)
        else:
            entries = rng.integers(0, _mask(width), 1 << bits, dtype=np.uint64, endpoint=True)
        if shape == "constant":
            entries[:] = entries[0] if draw(st.booleans()) else 0
        elif shape == "sparse":  # mostly zero: many constant output bits
            entries &= rng.integers(0, 2, 1 << bits).astype(np.uint64) * rng.integers(0, 2, 1 << bits).astype(np.uint64)
        elif shape == "ignores" and operands:
            # the table does not depend on one operand: repeat its slice for operand value 0
            k = draw(st.integers(0, len(operands) - 1))
            dims = [1 << f.width(v) for v in operands]
            shaped = entries.reshape(dims)
            entries = np.ascontiguousarray(np.broadcast_to(np.take(shaped, [0], axis=k), dims)).reshape(-1)
        hex_text = (1 << bits) > 64 or draw(st.integers(0, 3)) == 0
        f.tables.append(Table(operands, width, entries, draw(st.booleans()), hex_text))
    n_values = len(f.arg_widths) + len(f.consts) + len(f.tables)
    f.results = [n_values - 1]  # the last table
    for _ in range(draw(st.integers(0, 3))):
        f.results.append(draw(st.integers(0, n_values - 1)))
    return f


@st.composite
def designs(draw) -> list[Function]:
    return [draw(functions(f"f{i}")) for i in range(draw(st.integers(1, 3)))]


def module_text(fns: list[Function]) -> str:
    return "".join(function_text(f) for f in fns)


# --------------------------------------------------------------------- compile and simulate


def compile_verilog(text: str, passes: str) -> str:
    import lutopt

    module = lutopt.parse_module(text, "fuzz.mlir")
    lutopt.run_passes(module, passes)
    return lutopt.emit(module, "verilog")


def vectors(f: Function, count: int, rng: np.random.Generator) -> list[np.ndarray]:
    """`count` input vectors: every one (cycled) when the function has few input bits."""
    bits = sum(f.arg_widths)
    if bits <= EXHAUSTIVE_BITS:
        idx = np.arange(count, dtype=np.uint64) % np.uint64(1 << bits)
    else:
        idx = rng.integers(0, 1 << bits, count).astype(np.uint64)
    out, shift = [], bits
    for w in f.arg_widths:
        shift -= w
        out.append((idx >> np.uint64(shift)) & np.uint64(_mask(w)))
    return out


def simulate(fns: list[Function], verilog: str, stages: int, args: list[list[np.ndarray]], tmp: Path) -> list[list[np.ndarray]]:
    """Runs every function's module in Icarus, one input vector per cycle, outputs read
    `stages` cycles after their inputs; returns the outputs per function."""
    tmp.mkdir(parents=True, exist_ok=True)
    count = len(args[0][0])
    decls, inst, assign, shows = [], [], [], []
    for k, (f, a) in enumerate(zip(fns, args)):
        word = sum(f.arg_widths)
        (tmp / f"vec{k}.hex").write_text("".join(f"{x:x}\n" for x in _packed(f, a)))
        decls.append(f"  reg [{word - 1}:0] mem{k} [0:{count - 1}];")
        ins = [f"i{k}_{j}" for j in range(len(f.arg_widths))]
        outs = [f"o{k}_{j}" for j in range(len(f.results))]
        decls += [f"  reg [{w - 1}:0] {n};" for n, w in zip(ins, f.arg_widths)]
        decls += [f"  wire [{f.width(v) - 1}:0] {n};" for n, v in zip(outs, f.results)]
        decls.append(f'  initial $readmemh("{tmp / f"vec{k}.hex"}", mem{k});')
        ports = (["clk"] if stages else []) + ins + outs
        inst.append(f"  {f.name} u{k} ({', '.join(ports)});")
        assign.append(f"      {{{', '.join(ins)}}} = mem{k}[t];")
        shows += outs
    fmt = " ".join(["%h"] * len(shows))
    tb = "\n".join(
        [
            "module tb;",
            "  reg clk;",
            "  integer t;",
            *decls,
            *inst,
            "  initial begin",
            "    clk = 0;",
            f"    for (t = 0; t < {count + stages}; t = t + 1) begin",
            f"      if (t < {count}) begin",
            *assign,
            "      end",
            "      #1;",
            f'      if (t >= {stages}) $display("{fmt}", {", ".join(shows)});',
            "      clk = 1; #1; clk = 0; #1;",
            "    end",
            "    $finish;",
            "  end",
            "endmodule",
        ]
    )
    (tmp / "design.v").write_text(verilog)
    (tmp / "tb.v").write_text(tb + "\n")
    build = subprocess.run(
        ["iverilog", "-g2005", "-o", str(tmp / "sim"), str(tmp / "tb.v"), str(tmp / "design.v")],
        capture_output=True, text=True, timeout=300,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    run = subprocess.run(["vvp", "-n", str(tmp / "sim")], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    lines = [ln.split() for ln in run.stdout.splitlines() if ln and not ln.startswith(("VCD", "WARNING"))]
    lines = [ln for ln in lines if len(ln) == len(shows)]
    assert len(lines) == count, run.stdout[-2000:]
    columns = list(zip(*lines))
    result, pos = [], 0
    for f in fns:
        outs = []
        for _ in f.results:
            col = columns[pos]
            pos += 1
            assert all(set(c) <= set("0123456789abcdef") for c in col), f"x or z in an output: {col[:8]}"
            outs.append(np.array([int(c, 16) for c in col], dtype=np.uint64))
        result.append(outs)
    return result


def _packed(f: Function, args: list[np.ndarray]) -> list[int]:
    words = np.zeros(len(args[0]), dtype=object)
    for a, w in zip(args, f.arg_widths):
        words = words * (1 << w) + a.astype(object)
    return [int(x) for x in words]


# --------------------------------------------------------------------- the fuzzers


@needs_iverilog
@given(fns=designs(), k=st.sampled_from([3, 4, 5, 6, 7, 8, None]), stages=st.integers(0, 3),
       effort=st.sampled_from([0, 1, 2]), seed=st.integers(0, 2**16))
@fuzz_settings(default_examples=12)
def test_lut_designs_in_icarus_equal_the_table_semantics(fns, k, stages, effort, seed, fuzz_count, tmp_path_factory):
    text = module_text(fns)
    # k None: no covering, whole tables go to rtl (convert-lut-to-rtl sees them as written)
    size = f"lut-size={k} effort={effort} " if k is not None else ""
    verilog = compile_verilog(text, f"lower-to-rtl{{{size}pipeline-stages={stages}}}")
    rng = np.random.default_rng(seed)
    count = max(min(1 << sum(f.arg_widths), RANDOM_VECTORS) for f in fns)
    args = [vectors(f, count, rng) for f in fns]
    got = simulate(fns, verilog, stages, args, tmp_path_factory.mktemp("lut"))
    for f, a, g in zip(fns, args, got):
        want = evaluate(f, a)
        for j, (x, y) in enumerate(zip(g, want)):
            bad = np.flatnonzero(x != y)
            assert len(bad) == 0, (
                f"@{f.name} result {j} differs on {len(bad)} of {count} vectors, first at inputs "
                f"{[int(v[bad[0]]) for v in a]}: Verilog {int(x[bad[0]])}, semantics {int(y[bad[0]])}\n{text}"
            )
    fuzz_count()


def _cli(src: Path, out: Path, passes: str, hashseed: str) -> bytes:
    exe = Path(sys.executable).with_name("lutopt")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-c", "import sys; from lutopt.tools.lutopt_opt import main; sys.exit(main())"]
    env = dict(os.environ, PYTHONHASHSEED=hashseed)
    proc = subprocess.run([*cmd, str(src), "-p", passes, "-t", "verilog", "-o", str(out)],
                          capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return out.read_bytes()


@given(fns=designs(), k=st.integers(3, 8), stages=st.integers(0, 3))
@fuzz_settings(default_examples=1)
def test_command_line_output_does_not_depend_on_the_hash_seed(fns, k, stages, fuzz_count, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("det")
    src = tmp / "design.mlir"
    src.write_text(module_text(fns))
    passes = f"lower-to-rtl{{lut-size={k} pipeline-stages={stages}}}"
    first = _cli(src, tmp / "a.v", passes, "1")
    assert _cli(src, tmp / "b.v", passes, "1") == first, "the same input compiled twice differs"
    assert _cli(src, tmp / "c.v", passes, "12345") == first, "the output depends on PYTHONHASHSEED"
    fuzz_count()


def test_the_oracle_can_fail(tmp_path):
    """The evaluator and the testbench are not trivially equal: a table whose operands are
    swapped in the text (the evaluator keeps the intended order) is caught."""
    entries = np.arange(16, dtype=np.uint64) % np.uint64(4)  # operand 1 itself: not symmetric
    f = Function("f0", [2, 2], tables=[Table([0, 1], 2, entries, False, False)], results=[2])
    text = function_text(f).replace("lut.table(%a0, %a1)", "lut.table(%a1, %a0)")
    verilog = compile_verilog(text, "lower-to-rtl{lut-size=4}")
    args = vectors(f, 16, np.random.default_rng(0))
    if not HAS_IVERILOG:
        pytest.skip("Icarus Verilog is not installed (apt-get install iverilog)")
    (got,) = simulate([f], verilog, 0, [args], tmp_path)
    assert not np.array_equal(got[0], evaluate(f, args)[0])


# --------------------------------------------------------------------- pinned cases
# Designs that broke a pass (from issue 8, or found by this fuzzer), each run without
# canonicalize, with 3-LUTs and no registers and with 6-LUTs and two ranks of registers.


def _t(operands, width, entries, hex_text=False):
    return Table(list(operands), width, np.asarray(entries, dtype=np.uint64) & np.uint64(_mask(width)), False, hex_text)


PINNED = {
    # issue 8: a table reading the same bit twice crashed lut-decompose
    "repeated-operand": [Function("f0", [1], tables=[_t([0, 0], 2, [0, 1, 2, 3])], results=[1])],
    # issue 8: constant (all-zero) tables feeding a table
    "constant-tables": [Function("f0", [3], tables=[_t([0], 1, [0] * 8), _t([0], 1, [0] * 8),
                                                    _t([1, 2], 4, [5, 9, 12, 3])], results=[3])],
    "constant-operands": [Function("f0", [2], consts=[Const(2, 2, "arith"), Const(3, 5, "hw"), Const(1, 1, "hw")],
                                   tables=[_t([0, 1, 0], 3, np.arange(64) * 7 % 8), _t([2, 4, 3], 2, np.arange(128) % 4)],
                                   results=[4, 5])],
    "no-operand-tables": [Function("f0", [2], tables=[_t([], 3, [6]), _t([], 1, [1]), _t([0, 2], 2, np.arange(8) % 3)],
                                   results=[3, 1, 2])],
    "results-args-constants-twice": [Function("f0", [2, 1], consts=[Const(3, 6, "arith"), Const(2, 1, "hw")],
                                              tables=[_t([0, 1], 1, [0, 1, 1, 0, 1, 0, 0, 1])],
                                              results=[4, 0, 2, 4, 3, 1])],
    "only-wires": [Function("f0", [3, 1], consts=[Const(2, 3, "hw")], tables=[_t([1], 1, [0, 1])],
                            results=[3, 0, 2])],
    "unused-operand": [Function("f0", [2, 2], tables=[_t([0, 1], 3, np.repeat(np.arange(4) * 3 % 8, 4))], results=[2])],
    "repeated-wide-operand": [Function("f0", [3, 1], tables=[_t([0, 1, 0], 5, np.arange(128) * 11 % 32, True)],
                                       results=[2])],
}


@needs_iverilog
@pytest.mark.parametrize("k,stages", [(3, 0), (6, 2)])
@pytest.mark.parametrize("case", sorted(PINNED))
def test_pinned_designs(case, k, stages, tmp_path):
    fns = PINNED[case]
    text = module_text(fns)
    rng = np.random.default_rng(0)
    count = max(min(1 << sum(f.arg_widths), RANDOM_VECTORS) for f in fns)
    args = [vectors(f, count, rng) for f in fns]
    verilog = compile_verilog(text, f"lower-to-rtl{{lut-size={k} pipeline-stages={stages}}}")
    got = simulate(fns, verilog, stages, args, tmp_path)
    for f, a, g in zip(fns, args, got):
        for x, y in zip(g, evaluate(f, a)):
            assert np.array_equal(x, y), text
