"""Gate-level differential fuzzer: random AIGs through import, K-LUT mapping and export,
each result proved equivalent to the original by ABC's `cec` (not by lutopt's simulator).

A case is a random AIG drawn by hypothesis -- including constant outputs, outputs that
are inputs or their complements, repeated outputs, ANDs of a literal with itself or its
complement (so optimisation finds constants), and circuits with no gates, no inputs or no
outputs, and AIGER symbols that repeat or hold odd characters. The test writes it itself
(independently of lutopt's writers) as binary AIGER (without symbols: the reference ABC
reads; with them: a source), as ASCII AIGER (variables renumbered, ANDs shuffled) and as
BLIF (covers shuffled), imports it with `lutopt-translate`, maps it with
`lower-to-luts{lut-size=K}` (K 3..8, with and without `rewrite=false`; after up to three
gate passes drawn at random, whose result is proved too) and exports it
with `-t blif`, `--export-blif` and `--export-aiger` (binary and `--ascii`). ABC proves
every result equal to the reference, and every `.names` of the mapped BLIF has at most K
inputs. The default run calls the tools' `main` in-process (the command-line code path
without the interpreter's start-up) and one case through the installed scripts; the long
run is `bench/fuzz.py --level gate --examples N`.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from .settings import fuzz_settings, long_run

ABC = shutil.which("berkeley-abc")


def need_abc() -> str:
    if ABC is None:
        pytest.skip("berkeley-abc is not installed: the gate fuzzer's proofs need ABC's cec "
                    "(apt-get install berkeley-abc)")
    return ABC


# --------------------------------------------------------------------- random AIGs


@dataclass
class Aig:
    """An AIG in AIGER's terms: variables 1..ni are the inputs, ni+1.. the ANDs in order;
    `ands[k]` are the two fanin literals of variable ni+1+k; outputs are literals."""

    ni: int
    ands: list[tuple[int, int]]
    outputs: list[int]
    in_names: list[str] = field(default_factory=list)
    out_names: list[str] = field(default_factory=list)

    @property
    def m(self) -> int:
        return self.ni + len(self.ands)


@st.composite
def aigs(draw, max_inputs: int = 8, max_ands: int = 48, max_outputs: int = 8) -> Aig:
    ni = draw(st.integers(0, max_inputs))
    na = draw(st.integers(0, max_ands))
    ands: list[tuple[int, int]] = []
    for k in range(na):
        top = 2 * (ni + k) + 1  # the largest literal defined so far
        # Mostly recent literals (deep, reconvergent logic), sometimes anything, the
        # constants, or the first fanin itself / complemented (a & a, a & ~a).
        recent = st.integers(max(0, top - 9), top)
        a = draw(st.one_of(recent, st.integers(0, top)))
        b = draw(st.one_of(recent, st.integers(0, top), st.sampled_from([a, a ^ 1, 0, 1])))
        ands.append((a, b))
    top = 2 * (ni + na) + 1
    no = draw(st.integers(0, max_outputs))
    outputs: list[int] = []
    for _ in range(no):
        special = [0, 1] + list(range(2, 2 * ni + 2)) + outputs  # constants, inputs (+ complements), repeats
        outputs.append(draw(st.one_of(st.integers(max(0, top - 5), top), st.integers(0, top),
                                      st.sampled_from(special))))
    naming = draw(st.sampled_from(["none", "plain", "odd"]))
    if naming == "plain":
        in_names, out_names = [f"x{k}" for k in range(ni)], [f"y{k}" for k in range(no)]
    elif naming == "odd":
        # AIGER symbols may hold anything but a newline, and need not differ from each
        # other: spaces, BLIF's comment and continuation characters, clashes.
        name = st.text(alphabet="ab _#\\.0", min_size=0, max_size=3)
        in_names = draw(st.lists(name, min_size=ni, max_size=ni))
        out_names = draw(st.lists(name, min_size=no, max_size=no))
    else:
        in_names, out_names = [], []
    return Aig(ni, ands, outputs, in_names, out_names)


# --------------------------------------------------------------------- writing it (the test's own)


def _varint(x: int) -> bytes:
    out = bytearray()
    while x >= 0x80:
        out.append(x & 0x7F | 0x80)
        x >>= 7
    out.append(x)
    return bytes(out)


def _symbols(aig: Aig) -> str:
    return "".join(f"i{k} {n}\n" for k, n in enumerate(aig.in_names)) + "".join(
        f"o{k} {n}\n" for k, n in enumerate(aig.out_names))


def write_aig(aig: Aig) -> bytes:
    """Binary AIGER: fanins ordered so that lhs > rhs0 >= rhs1 (the format's rule)."""
    ni, na = aig.ni, len(aig.ands)
    out = [f"aig {aig.m} {ni} 0 {len(aig.outputs)} {na}\n".encode(),
           "".join(f"{o}\n" for o in aig.outputs).encode()]
    for k, (a, b) in enumerate(aig.ands):
        lhs = 2 * (ni + 1 + k)
        r0, r1 = max(a, b), min(a, b)
        out.append(_varint(lhs - r0) + _varint(r0 - r1))
    out.append(_symbols(aig).encode())
    return b"".join(out)


def write_aag(aig: Aig, rng: random.Random) -> bytes:
    """ASCII AIGER with the variables renumbered at random (inputs and ANDs interleaved,
    gaps allowed: M may exceed I + A) and the AND lines shuffled."""
    ni, na = aig.ni, len(aig.ands)
    m = aig.m + rng.randint(0, 3)
    new = [0] + rng.sample(range(1, m + 1), ni + na)  # old variable -> new variable

    def lit(x: int) -> int:
        return 2 * new[x >> 1] + (x & 1)

    rows = [f"{lit(2 * (ni + 1 + k))} {lit(a)} {lit(b)}\n" for k, (a, b) in enumerate(aig.ands)]
    rng.shuffle(rows)
    text = (f"aag {m} {ni} 0 {len(aig.outputs)} {na}\n"
            + "".join(f"{lit(2 * (k + 1))}\n" for k in range(ni))
            + "".join(f"{lit(o)}\n" for o in aig.outputs) + "".join(rows) + _symbols(aig))
    return text.encode()


def write_blif(aig: Aig, rng: random.Random) -> bytes:
    """BLIF: one `.names` per AND (complemented fanins in the cover), in shuffled order;
    outputs are buffers, inverters or constants."""
    ins = [f"i{k}" for k in range(aig.ni)]
    outs = [f"o{k}" for k in range(len(aig.outputs))]
    names = aig.in_names + aig.out_names
    if names and len(set(names)) == len(names) and all(re.fullmatch(r"[xy]\d+", n) for n in names):
        ins, outs = aig.in_names, aig.out_names  # the AIGER symbols when BLIF can hold them

    def sig(x: int) -> str:
        v = x >> 1
        return ins[v - 1] if v <= aig.ni else f"n{v}"

    covers = []
    for k, (a, b) in enumerate(aig.ands):
        v = aig.ni + 1 + k
        fan = [(x >> 1, x & 1) for x in (a, b)]
        if any(f == 0 for f, _ in fan):  # a constant fanin: written as a constant or a buffer
            if any(f == 0 and c == 0 for f, c in fan):
                covers.append(f".names n{v}\n")
                continue
            rest = [x for x in (a, b) if x >> 1] or [None]
            covers.append(f".names n{v}\n1\n" if rest[0] is None
                          else f".names {sig(rest[0])} n{v}\n{1 - (rest[0] & 1)} 1\n")
            continue
        pa, pb = 1 - (a & 1), 1 - (b & 1)  # the fanin values that make the AND true
        if rng.random() < 0.5:
            covers.append(f".names {sig(a)} {sig(b)} n{v}\n{pa}{pb} 1\n")
        else:  # as its off-set: false when either fanin has the other value
            covers.append(f".names {sig(a)} {sig(b)} n{v}\n{1 - pa}- 0\n-{1 - pb} 0\n")
    for name, o in zip(outs, aig.outputs):
        if o >> 1 == 0:
            covers.append(f".names {name}\n" + ("1\n" if o & 1 else ""))
        else:
            covers.append(f".names {sig(o)} {name}\n{1 - (o & 1)} 1\n")
    rng.shuffle(covers)
    head = ".model fuzz\n" + (f".inputs {' '.join(ins)}\n" if ins else "") + (
        f".outputs {' '.join(outs)}\n" if outs else "")
    return (head + "".join(covers) + ".end\n").encode()


def aag_to_aig(data: bytes) -> bytes:
    """An ASCII AIGER file written by lutopt (inputs 2, 4, ..., ANDs in order) as binary
    AIGER, so ABC can read it. Checks the shape it relies on."""
    lines = data.decode().split("\n")
    m, ni, nl, no, na = map(int, lines[0].split()[1:6])
    assert nl == 0 and m == ni + na, lines[0]
    assert [int(x) for x in lines[1 : 1 + ni]] == [2 * (k + 1) for k in range(ni)]
    outputs = [int(x) for x in lines[1 + ni : 1 + ni + no]]
    ands = []
    for k, row in enumerate(lines[1 + ni + no : 1 + ni + no + na]):
        lhs, a, b = map(int, row.split())
        assert lhs == 2 * (ni + 1 + k) and a < lhs and b < lhs, row
        ands.append((a, b))
    return write_aig(Aig(ni, ands, outputs))


# --------------------------------------------------------------------- checks


def max_fanin(blif: str) -> int:
    """The most inputs of any `.names` in a BLIF text (continuation lines joined)."""
    text = blif.replace("\\\n", " ")
    return max((len(ln.split()) - 2 for ln in text.split("\n") if ln.startswith(".names")), default=0)


def abc_cec(pairs: list[tuple[Path, Path]], cwd: Path) -> None:
    """Proves each (reference, result) pair equivalent with one ABC run (outputs and
    inputs matched by order); a failure names the pair and shows ABC's words."""
    if not pairs:
        return
    script = "; ".join(f"echo @@{k}; cec -n {a} {b}" for k, (a, b) in enumerate(pairs))
    run = subprocess.run([need_abc(), "-c", script + f"; echo @@{len(pairs)}"],
                         capture_output=True, text=True, cwd=cwd, timeout=600)
    text = run.stdout + run.stderr
    for k, (a, b) in enumerate(pairs):
        m = re.search(rf"^@@{k} *\n(.*?)^@@{k + 1} *$", text, re.S | re.M)
        chunk = m.group(1) if m else text
        ok = "Networks are equivalent" in chunk and "NOT EQUIVALENT" not in chunk
        assert ok, f"ABC: {b.name} is not proved equivalent to {a.name}:\n{chunk}"


@dataclass
class Case:
    """The files of one case and the checks to run on them."""

    dir: Path
    ref: Path
    outputs: int
    pairs: list[tuple[Path, Path]] = field(default_factory=list)

    def prove(self, result: Path) -> None:
        if self.outputs:  # ABC cannot compare networks without outputs
            self.pairs.append((self.ref, result))


def write_sources(aig: Aig, tmp: Path, seed: int) -> Case:
    rng = random.Random(seed)
    tmp.mkdir(parents=True, exist_ok=True)
    ref = tmp / "ref.aig"  # no symbols: ABC rejects repeated ones
    ref.write_bytes(write_aig(Aig(aig.ni, aig.ands, aig.outputs)))
    (tmp / "src.aig").write_bytes(write_aig(aig))
    (tmp / "src.aag").write_bytes(write_aag(aig, rng))
    (tmp / "src.blif").write_bytes(write_blif(aig, rng))
    return Case(tmp, ref, len(aig.outputs))


def check_exports(case: Case, k: int, blif_t: Path, mapped: Path, translate) -> None:
    """The mapped BLIF (`-t blif`) and the mapped IR's three exports."""
    text = blif_t.read_text()
    assert max_fanin(text) <= k, f"a LUT has more than {k} inputs:\n{text}"
    case.prove(blif_t)
    aig, aag, blif = (case.dir / f"{mapped.stem}.{ext}" for ext in ("aig", "aag", "blif"))
    assert translate("--export-aiger", str(mapped), "-o", str(aig)) == 0
    assert translate("--export-aiger", "--ascii", str(mapped), "-o", str(aag)) == 0
    assert translate("--export-blif", str(mapped), "-o", str(blif)) == 0
    assert max_fanin(blif.read_text()) <= k
    header = aig.read_bytes().split(b"\n", 1)[0].split()
    assert int(header[4]) == case.outputs, header
    aag_bin = case.dir / f"{mapped.stem}.aag.aig"
    aag_bin.write_bytes(aag_to_aig(aag.read_bytes()))
    for out in (aig, aag_bin, blif):
        case.prove(out)


def _in_process(tool_main):
    def run(*args: str) -> int:
        return tool_main(list(args))
    return run




SOURCES = ["src.aig", "src.aag", "src.blif"]
# Long runs draw bigger circuits too.
_SIZES = dict(max_inputs=10, max_ands=120, max_outputs=12) if long_run() else {}
GATE_PASSES = ["gate-strash", "gate-const-prop", "gate-dce", "gate-double-inversion", "gate-balance",
               "gate-recover-xors", "gate-rewrite", "gate-resub", "gate-refactor", "gate-aig-opt"]


@given(aig=aigs(**_SIZES), k=st.integers(3, 8), rewrite=st.booleans(), route=st.sampled_from(SOURCES),
       before=st.lists(st.sampled_from(GATE_PASSES), max_size=3), seed=st.integers(0, 2**32 - 1))
@fuzz_settings(default_examples=50)
def test_fuzz_gate_map_and_export(aig: Aig, k: int, rewrite: bool, route: str, before: list[str], seed: int,
                                  tmp_path_factory, fuzz_count, capsys) -> None:
    """Each of the three sources is imported and exported again at the gate level; the
    one drawn (`route`) goes through the gate passes drawn (`before`; their result is
    exported and proved too), then is mapped and exported in every way."""
    need_abc()
    from lutopt.tools.lutopt_opt import main as opt_main
    from lutopt.tools.lutopt_translate import main as translate_main

    translate, opt = _in_process(translate_main), _in_process(opt_main)
    case = write_sources(aig, tmp_path_factory.mktemp("gate"), seed)
    note(f"case directory: {case.dir}")
    passes = f"lower-to-luts{{lut-size={k}{'' if rewrite else ' rewrite=false'}}}"
    note(f"passes: {','.join([*before, passes])}")
    for src in SOURCES:
        stem = src.replace(".", "_")
        mlir = case.dir / f"{stem}.mlir"
        mode = "--import-blif" if src.endswith(".blif") else "--import-aiger"
        assert translate(mode, str(case.dir / src), "-o", str(mlir)) == 0, capsys.readouterr().err
        # The imported gate level exports as it is, too.
        gate_aig, gate_blif = case.dir / f"{stem}.gate.aig", case.dir / f"{stem}.gate.blif"
        assert translate("--export-aiger", str(mlir), "-o", str(gate_aig)) == 0, capsys.readouterr().err
        assert translate("--export-blif", str(mlir), "-o", str(gate_blif)) == 0, capsys.readouterr().err
        case.prove(gate_aig)
        case.prove(gate_blif)
        if src != route:
            continue
        # Mapped once (the mapping costs the most: aigverse's cut rewriting has a fixed
        # cost per call); `-t blif` straight after the pipeline is the CLI fuzzer's.
        if before:
            opt_mlir, opt_aig = case.dir / f"{stem}_opt.mlir", case.dir / f"{stem}.opt.aig"
            assert opt(str(mlir), "-p", ",".join(before), "-o", str(opt_mlir)) == 0, capsys.readouterr().err
            assert translate("--export-aiger", str(opt_mlir), "-o", str(opt_aig)) == 0, capsys.readouterr().err
            case.prove(opt_aig)
            mlir = opt_mlir
        blif_t, mapped = case.dir / f"{stem}.t.blif", case.dir / f"{stem}_mapped.mlir"
        assert opt(str(mlir), "-p", passes, "-o", str(mapped)) == 0, capsys.readouterr().err
        assert opt(str(mapped), "-t", "blif", "-o", str(blif_t)) == 0, capsys.readouterr().err
        check_exports(case, k, blif_t, mapped, translate)
    abc_cec(case.pairs, case.dir)
    shutil.rmtree(case.dir, ignore_errors=True)
    fuzz_count()


@given(aig=aigs(max_inputs=6, max_ands=24, max_outputs=5), k=st.integers(3, 8), rewrite=st.booleans(),
       seed=st.integers(0, 2**32 - 1))
@fuzz_settings(default_examples=1)
def test_fuzz_gate_command_line(aig: Aig, k: int, rewrite: bool, seed: int, tmp_path_factory, fuzz_count) -> None:
    """The same flow through the installed scripts (separate processes)."""
    need_abc()
    bindir = Path(sys.executable).parent
    tools = {n: bindir / n for n in ("lutopt", "lutopt-translate")}
    for exe in tools.values():
        assert exe.exists(), f"{exe} is not installed (pip install -e .)"  # in-tree: never a skip

    def cli(name: str):
        def run(*args: str) -> int:
            r = subprocess.run([str(tools[name]), *args], capture_output=True, text=True, timeout=600)
            assert r.returncode == 0, r.stderr
            assert r.stderr == "", r.stderr
            return r.returncode
        return run

    translate, opt = cli("lutopt-translate"), cli("lutopt")
    case = write_sources(aig, tmp_path_factory.mktemp("gate_cli"), seed)
    src = random.Random(seed).choice(SOURCES)
    mlir = case.dir / "in.mlir"
    translate("--import-blif" if src.endswith(".blif") else "--import-aiger", str(case.dir / src), "-o", str(mlir))
    passes = f"lower-to-luts{{lut-size={k}{'' if rewrite else ' rewrite=false'}}}"
    blif_t, mapped = case.dir / "t.blif", case.dir / "mapped.mlir"
    opt(str(mlir), "-p", passes, "-t", "blif", "-o", str(blif_t))
    opt(str(mlir), "-p", passes, "-o", str(mapped))
    check_exports(case, k, blif_t, mapped, translate)
    abc_cec(case.pairs, case.dir)
    shutil.rmtree(case.dir, ignore_errors=True)
    fuzz_count()


# --------------------------------------------------------------------- the oracle's own checks


def test_oracle_rejects_a_wrong_result(tmp_path: Path) -> None:
    """The test's writer and ABC see a difference: an output flipped is NOT equivalent."""
    need_abc()
    a = Aig(2, [(2, 4)], [6, 3])
    b = Aig(2, [(2, 4)], [7, 3])
    (tmp_path / "a.aig").write_bytes(write_aig(a))
    (tmp_path / "b.aig").write_bytes(write_aig(b))
    (tmp_path / "a.blif").write_bytes(write_blif(a, random.Random(0)))
    abc_cec([(tmp_path / "a.aig", tmp_path / "a.blif")], tmp_path)
    with pytest.raises(AssertionError, match="not proved equivalent"):
        abc_cec([(tmp_path / "a.aig", tmp_path / "a.blif"), (tmp_path / "a.aig", tmp_path / "b.aig")], tmp_path)
    assert max_fanin(".names a b c \\\n d y\n1111 1\n.names y\n") == 4
