"""lutopt-translate: AIGER and BLIF in and out, proved equivalent to the source by ABC's
`cec`, and located errors without partial output."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lutopt.api import emit, parse_module, run_passes
from lutopt.tools.lutopt_translate import main
from lut_networks import eval_lut_network, lut_level_text, random_lut_network, truth
from repo_paths import BENCHMARKS

EPFL = BENCHMARKS / "epfl"
SMALL_CIRCUITS = ["ctrl", "int2float", "dec", "priority", "i2c", "adder", "bar", "max"]
ABC = shutil.which("berkeley-abc")


def need_abc() -> str:
    if ABC is None:
        pytest.skip("berkeley-abc is not installed: ABC cec proofs skipped (apt-get install berkeley-abc)")
    return ABC


def circuit(name: str) -> Path:
    path = EPFL / f"{name}.aig"
    if not path.exists():
        pytest.skip(f"EPFL benchmark {path} is not present")
    return path


def abc(commands: str, cwd: Path) -> str:
    run = subprocess.run([need_abc(), "-c", commands], capture_output=True, text=True, cwd=cwd, timeout=300)
    return run.stdout + run.stderr


def assert_equivalent(a: Path, b: Path) -> None:
    out = abc(f"cec -n {a} {b}", a.parent)
    assert "Networks are equivalent" in out and "NOT EQUIVALENT" not in out, out


def assert_ascii_equivalent(src: Path, aag: Path) -> None:
    """ABC reads binary AIGER only: Yosys (an independent reader) turns the ASCII file
    into BLIF first, reordering the ports, so `cec` matches them by name."""
    yosys = shutil.which("yosys")
    if yosys is None:
        pytest.skip("yosys is not installed: the ASCII AIGER proof needs it to read aag")
    blif = aag.with_suffix(".yosys.blif")
    subprocess.run([yosys, "-q", "-p", f"read_aiger {aag}; write_blif {blif}"], check=True, timeout=300)
    out = abc(f"cec {src} {blif}", aag.parent)
    assert "Networks are equivalent" in out and "NOT EQUIVALENT" not in out, out


def translate(*args: str) -> int:
    return main(list(args))


# --------------------------------------------------------------------- round trips


@pytest.mark.parametrize("name", SMALL_CIRCUITS)
def test_epfl_round_trips_are_equivalent(name: str, tmp_path: Path) -> None:
    need_abc()
    src = circuit(name)
    mlir = tmp_path / f"{name}.mlir"
    assert translate("--import-aiger", str(src), "-o", str(mlir)) == 0
    text = mlir.read_text()
    assert f"func.func @{name}(" in text and "gate.netlist" in text
    aig, aag, blif = tmp_path / "out.aig", tmp_path / "out.aag", tmp_path / "out.blif"
    assert translate("--export-aiger", str(mlir), "-o", str(aig)) == 0
    assert translate("--export-aiger", "--ascii", str(mlir), "-o", str(aag)) == 0
    assert translate("--export-blif", str(mlir), "-o", str(blif)) == 0
    assert aag.read_bytes().startswith(b"aag ")
    for out in (aig, blif):
        assert_equivalent(src, out)
    assert_ascii_equivalent(src, aag)
    # BLIF back in, and out as AIGER again.
    mlir2, aig2 = tmp_path / "again.mlir", tmp_path / "again.aig"
    assert translate("--import-blif", str(blif), "-o", str(mlir2)) == 0
    assert translate("--export-aiger", str(mlir2), "-o", str(aig2)) == 0
    assert_equivalent(src, aig2)


@pytest.mark.parametrize("name", ["int2float", "priority", "max", "i2c"])
def test_optimised_netlists_are_equivalent(name: str, tmp_path: Path) -> None:
    """The gate passes, proved by ABC on real circuits (not only by simulation)."""
    need_abc()
    src = circuit(name)
    mlir = tmp_path / "in.mlir"
    assert translate("--import-aiger", str(src), "-o", str(mlir)) == 0
    for passes in (
        "gate-strash",
        "gate-const-prop",
        "gate-balance",
        "gate-double-inversion,gate-const-prop,gate-strash,gate-dce,gate-balance,gate-strash,gate-dce",
    ):
        module = parse_module(mlir.read_text(), str(mlir))
        run_passes(module, passes)
        opt = tmp_path / "opt.mlir"
        opt.write_text(emit(module))
        out = tmp_path / "opt.aig"
        assert translate("--export-aiger", str(opt), "-o", str(out)) == 0
        assert_equivalent(src, out)


def test_abc_blif_imports(tmp_path: Path) -> None:
    """BLIF written by ABC, as an AIG and as a 6-LUT mapping (wide covers), reads back
    equivalent."""
    need_abc()
    src = circuit("i2c")
    for label, script in (("aig", "strash"), ("lut6", "strash; if -K 6")):
        blif = tmp_path / f"abc_{label}.blif"
        abc(f"read {src}; {script}; write_blif {blif}", tmp_path)
        assert blif.exists()
        mlir, aig = tmp_path / f"{label}.mlir", tmp_path / f"{label}.aig"
        assert translate("--import-blif", str(blif), "-o", str(mlir)) == 0
        assert translate("--export-aiger", str(mlir), "-o", str(aig)) == 0
        assert_equivalent(src, aig)


def test_lut_level_export_is_equivalent(tmp_path: Path) -> None:
    """A mapped lut-level function exports one .names per LUT; its BLIF and its AIGER
    (LUTs expanded into gates) are equivalent, and equal the tables by simulation."""
    need_abc()

    tables, outputs = random_lut_network(3, num_inputs=8, num_luts=30, k=6)
    mlir = tmp_path / "mapped.mlir"
    mlir.write_text(lut_level_text(tables, outputs, 8))
    blif, aig = tmp_path / "mapped.blif", tmp_path / "mapped.aig"
    assert translate("--export-blif", str(mlir), "-o", str(blif)) == 0
    assert translate("--export-aiger", str(mlir), "-o", str(aig)) == 0
    assert blif.read_text().count(".names") <= len(tables) + len(outputs)
    assert_equivalent(blif, aig)
    from lutopt.logic.aiger import read_aiger

    t = truth(read_aiger(aig.read_bytes(), str(aig)))
    for v in range(1 << 8):
        assert t[:, v].tolist() == eval_lut_network(tables, outputs, 8, v)


def test_mapped_epfl_circuit_exports(tmp_path: Path) -> None:
    """After K-LUT mapping (lower-to-luts, when registered), the BLIF has one .names per
    LUT and ABC proves it equal to the source."""
    need_abc()
    src = circuit("int2float")
    mlir = tmp_path / "in.mlir"
    assert translate("--import-aiger", str(src), "-o", str(mlir)) == 0
    module = parse_module(mlir.read_text(), str(mlir))
    run_passes(module, "lower-to-luts{lut-size=6}")
    mapped = tmp_path / "mapped.mlir"
    mapped.write_text(emit(module))
    luts = sum(1 for op in module.walk() if op.name == "lut.table")
    blif = tmp_path / "mapped.blif"
    assert translate("--export-blif", str(mapped), "-o", str(blif)) == 0
    assert blif.read_text().count(".names") <= luts + 8  # plus output buffers
    assert_equivalent(src, blif)


def test_stdin_and_stdout() -> None:
    blif = ".model m\n.inputs a b\n.outputs y\n.names a b y\n10 1\n.end\n"
    run = subprocess.run(
        [sys.executable, "-m", "lutopt.tools.lutopt_translate", "--import-blif"],
        input=blif.encode(), capture_output=True, timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert b"g0 = a_and_not_b i0, i1" in run.stdout
    back = subprocess.run(
        [sys.executable, "-m", "lutopt.tools.lutopt_translate", "--export-blif"],
        input=run.stdout, capture_output=True, timeout=120,
    )
    assert back.returncode == 0, back.stderr
    assert back.stdout.decode() == ".model m\n.inputs a b\n.outputs y\n.names a b y\n10 1\n.end\n"


# --------------------------------------------------------------------- errors

_BLIF = b"# made by hand\n.model m\n.inputs a b\n.outputs y\n.names a b y\n11 1\n.end\n"
_AIG = b"aig 0 0 0 1 0\n0\n"
_AIG_GATES = b"aig 3 2 0 1 1\n6\n\x82\x01\x02"  # binary deltas (not UTF-8)
_MLIR = b"builtin.module {\n  func.func @f(%a: i1) -> i1 {\n    func.return %a : i1\n  }\n}\n"

BAD_INPUTS = [
    ("--import-aiger", "bad.aig", b"aig 3 1 0 1\n", r"bad\.aig:1:1: error: the header needs five numbers"),
    ("--import-aiger", "short.aig", b"aig 3 2 0 1 1\n6\n", r"short\.aig(:\d+:\d+)?: error: "),
    ("--import-aiger", "latch.aag", b"aag 2 1 1 1 0\n2\n4 2\n4\n", r"latch\.aag:1:\d+: error: .*latch"),
    ("--import-blif", "cycle.blif", b".model m\n.inputs a\n.outputs y\n.names a z y\n11 1\n.names y z\n1 1\n.end\n",
     r"cycle\.blif:\d+:\d+: error: combinational cycle: "),
    ("--import-blif", "unknown.blif", b".model m\n.inputs a\n.outputs y\n.names a q y\n11 1\n.end\n",
     r"unknown\.blif:4:10: error: unknown signal 'q'"),
    ("--import-blif", "latch.blif", b".model m\n.inputs a\n.outputs y\n.latch a y 0\n.end\n",
     r"latch\.blif:4:1: error: '\.latch' is not supported"),
    ("--export-blif", "wide.mlir", b"func.func @f(%a: i2) -> i2 {\n  %y = lut.table(%a) [0, 1, 2, 3] : (i2) -> i2\n  func.return %y : i2\n}\n",
     r"wide\.mlir:1:1: error: argument #0 is i2"),
    ("--export-aiger", "badop.mlir", b"func.func @f(%a: i1) -> i1 {\n  %y = arith.xori %a, %a : i1\n  func.return %y : i1\n}\n",
     r"badop\.mlir:2:3: error: cannot export 'arith\.xori'"),
    ("--export-aiger", "syntax.mlir", b"func.func @f(%a: i1) -> i1 {\n  func.return %a i1\n}\n",
     r"syntax\.mlir:2:\d+: error: "),
    ("--export-blif", "cyclic.mlir",
     b"func.func @f(%a: i1) -> i1 {\n  %y = \"gate.netlist\"(%a) <{fn = dense<1> : tensor<1xi8>, a = dense<2> : tensor<1xi32>, b = dense<1> : tensor<1xi32>, outputs = dense<4> : tensor<1xi32>}> : (i1) -> i1\n  func.return %y : i1\n}\n",
     r"cyclic\.mlir:2:3: error: 'gate\.netlist' op gate 0 \(node 2\) has first fanin node 2, which is not an earlier node"),
    # The wrong kind of file for the mode: one located line naming the option to use.
    ("--export-aiger", "x.blif", _BLIF, r"x\.blif:1:1: error: expected MLIR, found a BLIF file \(read it with --import-blif\)"),
    ("--export-blif", "x.blif", _BLIF, r"x\.blif:1:1: error: expected MLIR, found a BLIF file \(read it with --import-blif\)"),
    ("--export-blif", "c.aig", _AIG, r"c\.aig:1:1: error: expected MLIR, found an AIGER file \(read it with --import-aiger\)"),
    ("--export-aiger", "g.aig", _AIG_GATES, r"g\.aig:1:1: error: expected MLIR, found an AIGER file \(read it with --import-aiger\)"),
    ("--export-aiger", "d.mlir", b".\n", r"d\.mlir:1:1: error: "),
    ("--import-blif", "c.aig", _AIG, r"c\.aig:1:1: error: expected BLIF, found an AIGER file \(read it with --import-aiger\)"),
    ("--import-blif", "g.aig", _AIG_GATES, r"g\.aig:1:1: error: expected BLIF, found an AIGER file \(read it with --import-aiger\)"),
    ("--import-blif", "m.mlir", _MLIR, r"m\.mlir:1:1: error: expected BLIF, found an MLIR file \(export it with --export-blif or --export-aiger\)"),
    ("--import-aiger", "x.blif", _BLIF, r"x\.blif:1:1: error: expected AIGER, found a BLIF file \(read it with --import-blif\)"),
    ("--import-aiger", "m.mlir", _MLIR, r"m\.mlir:1:1: error: expected AIGER, found an MLIR file \(export it with --export-blif or --export-aiger\)"),
]


@pytest.mark.parametrize("mode,filename,data,pattern", BAD_INPUTS)
def test_bad_input(mode: str, filename: str, data: bytes, pattern: str, tmp_path: Path, capsys) -> None:
    import re

    src = tmp_path / filename
    src.write_bytes(data)
    out = tmp_path / "out.file"
    out.write_text("previous contents\n")  # an existing output is left alone
    rc = translate(mode, str(src), "-o", str(out))
    err = capsys.readouterr().err
    assert rc == 1
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert re.search(pattern, err), err
    assert out.read_text() == "previous contents\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([filename, "out.file"])  # no temporary left


def test_missing_file(tmp_path: Path, capsys) -> None:
    assert translate("--import-aiger", str(tmp_path / "nope.aig")) == 1
    assert "nope.aig: error: cannot read" in capsys.readouterr().err


def test_real_entry_point_reports_errors(tmp_path: Path) -> None:
    """The installed script: exit status 1, one located line, no traceback, no output."""
    exe = Path(sys.executable).parent / "lutopt-translate"
    assert exe.exists(), f"{exe} is not installed (pip install -e .)"
    src = tmp_path / "bad.blif"
    src.write_text(".model m\n.inputs a\n.outputs y\n.names a y\n12 1\n.end\n")
    out = tmp_path / "out.mlir"
    run = subprocess.run([str(exe), "--import-blif", str(src), "-o", str(out)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert run.stderr.strip() == f"{src}:5:1: error: cover row has 2 input values but '.names' has 1 inputs"
    assert not out.exists()


def test_function_option(tmp_path: Path) -> None:
    text = (
        "func.func @f(%a: i1) -> i1 {\n  func.return %a : i1\n}\n"
        "func.func @g(%a: i1, %b: i1) -> i1 {\n  %y = gate.netlist(%a, %b) {\n    g0 = or i0, i1\n    output g0\n"
        "  } : (i1, i1) -> (i1)\n  func.return %y : i1\n}\n"
    )
    src = tmp_path / "two.mlir"
    src.write_text(text)
    out = tmp_path / "g.blif"
    assert translate("--export-blif", "--function", "g", str(src), "-o", str(out)) == 0
    assert out.read_text() == ".model g\n.inputs i0 i1\n.outputs o0\n.names i0 i1 o0\n1- 1\n-1 1\n.end\n"
    assert translate("--export-blif", str(src), "-o", str(out)) == 1


# --------------------------------------------------------------------- constant outputs

# Outputs that are constants (0 and 1), inputs, complemented inputs and repeated, in the
# circuits with no gates / no inputs / no outputs that hold them; as binary AIGER.
CORNER_AIGS = {
    "const0": b"aig 0 0 0 1 0\n0\n",
    "const1": b"aig 0 0 0 1 0\n1\n",
    "consts": b"aig 0 0 0 3 0\n0\n1\n0\n",
    "wires": b"aig 2 2 0 5 0\n2\n5\n0\n2\n1\n",
    "gate_and_const0": b"aig 3 2 0 3 1\n6\n0\n7\n\x02\x02",
    "no_outputs": b"aig 2 2 0 0 0\n",
}


@pytest.mark.parametrize("name", sorted(CORNER_AIGS))
def test_constant_and_wire_outputs_map_and_export(name: str, tmp_path: Path, capsys) -> None:
    """`lower-to-luts` turns constant outputs into `arith.constant`s; constant 0 must
    export too (its IntegerAttr is falsy in xDSL), through `-t blif` and both exports,
    and ABC proves every result equal to the source."""
    need_abc()
    from lutopt.tools.lutopt_opt import main as lutopt_main

    src = tmp_path / f"{name}.aig"
    src.write_bytes(CORNER_AIGS[name])
    mlir, mapped = tmp_path / "in.mlir", tmp_path / "mapped.mlir"
    assert translate("--import-aiger", str(src), "-o", str(mlir)) == 0
    for k, rewrite in ((6, "true"), (3, "false")):
        passes = f"lower-to-luts{{lut-size={k} rewrite={rewrite}}}"
        blif = tmp_path / f"t{k}.blif"
        assert lutopt_main([str(mlir), "-p", passes, "-t", "blif", "-o", str(blif)]) == 0, capsys.readouterr().err
        assert lutopt_main([str(mlir), "-p", passes, "-o", str(mapped)]) == 0, capsys.readouterr().err
        aig, blif2, aag = tmp_path / f"x{k}.aig", tmp_path / f"x{k}.blif", tmp_path / f"x{k}.aag"
        assert translate("--export-aiger", str(mapped), "-o", str(aig)) == 0, capsys.readouterr().err
        assert translate("--export-aiger", "--ascii", str(mapped), "-o", str(aag)) == 0, capsys.readouterr().err
        assert translate("--export-blif", str(mapped), "-o", str(blif2)) == 0, capsys.readouterr().err
        if CORNER_AIGS[name].split()[4] == b"0":
            continue  # no outputs: ABC cannot compare networks without outputs
        for out in (blif, aig, blif2):
            assert_equivalent(src, out)


# AIGER symbols are free text: they may repeat, be empty, hold spaces or BLIF's comment and
# continuation characters, and an output may share an input's name.
ODD_SYMBOLS = {
    "repeated_input": (["a", "a"], ["y"]),
    "clash_after_cleaning": (["a b", "a_b"], ["y"]),
    "output_named_as_input": (["a", "b"], ["a"]),
    "empty_and_comment": (["", ""], ["", "#"]),
    "repeated_output": (["a", "b"], ["y", "y"]),
    "continuation": (["a\\", "a_"], ["y\\", "y_"]),
}


@pytest.mark.parametrize("case", sorted(ODD_SYMBOLS))
def test_odd_aiger_symbols_export_to_blif(case: str, tmp_path: Path, capsys) -> None:
    """BLIF needs distinct signal names; names that clash are made distinct (suffixes),
    so the export works, and ABC proves it equal to the source (ports by order)."""
    need_abc()
    from lutopt.tools.lutopt_opt import main as lutopt_main

    ins, outs = ODD_SYMBOLS[case]
    body = b"aig 3 2 0 %d 1\n6\n" % len(outs) + (b"7\n" if len(outs) > 1 else b"") + b"\x02\x02"
    sym = "".join(f"i{k} {n}\n" for k, n in enumerate(ins)) + "".join(f"o{k} {n}\n" for k, n in enumerate(outs))
    src, ref = tmp_path / "src.aig", tmp_path / "ref.aig"
    src.write_bytes(body + sym.encode())
    ref.write_bytes(body)  # ABC rejects the odd symbols themselves
    mlir, mapped = tmp_path / "in.mlir", tmp_path / "mapped.mlir"
    gate_blif, lut_blif, t_blif = tmp_path / "g.blif", tmp_path / "l.blif", tmp_path / "t.blif"
    assert translate("--import-aiger", str(src), "-o", str(mlir)) == 0
    assert translate("--export-blif", str(mlir), "-o", str(gate_blif)) == 0, capsys.readouterr().err
    assert lutopt_main([str(mlir), "-p", "lower-to-luts{lut-size=4}", "-o", str(mapped)]) == 0
    assert translate("--export-blif", str(mapped), "-o", str(lut_blif)) == 0, capsys.readouterr().err
    assert lutopt_main([str(mapped), "-t", "blif", "-o", str(t_blif)]) == 0, capsys.readouterr().err
    for blif in (gate_blif, lut_blif, t_blif):
        text = blif.read_text()
        ports = [ln.split()[1:] for ln in text.splitlines() if ln.startswith((".inputs", ".outputs"))]
        names = [n for p in ports for n in p]
        assert len(names) == len(ins) + len(outs) and len(set(names)) == len(names), text
        assert_equivalent(ref, blif)
    # AIGER keeps the names, made distinct the same way, so ABC can read it.
    for level in (mlir, mapped):
        aig = tmp_path / f"{level.stem}.aig"
        assert translate("--export-aiger", str(level), "-o", str(aig)) == 0
        assert_equivalent(ref, aig)


@pytest.mark.parametrize("args", [
    ["--import-aiger", "--ascii"], ["--import-blif", "--ascii"], ["--export-blif", "--ascii"],
    ["--import-aiger", "--function", "f"], ["--import-blif", "--function", "f"],
])
def test_options_that_do_not_apply_are_usage_errors(args: list[str], tmp_path: Path, capsys) -> None:
    """An option the mode ignores is a usage error (like two modes), not silently dropped."""
    src = tmp_path / "in.file"
    src.write_text("")
    with pytest.raises(SystemExit) as e:
        translate(*args, str(src), "-o", str(tmp_path / "out"))
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "only applies to" in err and "Traceback" not in err, err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("rewrite", ["true", "false"])
def test_hidden_constant_outputs_are_found_and_exported(rewrite: str, tmp_path: Path) -> None:
    """A random network with outputs that only optimisation shows constant (the --random
    benchmark's, small): lower-to-luts finds them (constants in the BLIF), and ABC proves
    the BLIF equal to the AIGER source."""
    need_abc()
    import numpy as np

    from lutopt.logic.aiger import write_aiger
    from lutopt.logic.exchange import function_blif, netlist_module, select_function
    from lutopt.logic.random_netlist import random_layered_netlist, with_hidden_constants

    base = random_layered_netlist(24, 4, 48, seed=1, functions=np.array([1, 2, 4, 6, 7, 8, 9, 11, 13, 14]))
    net = with_hidden_constants(base, 12, seed=2)
    assert net.num_outputs == base.num_outputs + 12 + 3
    # The new outputs, evaluated by the test itself (difflogic numbering: f(a, b) is bit
    # 3 - (2a + b) of the function number), on random vectors: constant 0, 1, 0, 1, ...
    rng = np.random.default_rng(0)
    value = [np.zeros(512, dtype=np.uint8)] + [rng.integers(0, 2, 512, dtype=np.uint8) for _ in range(24)]
    for f, a, b in zip(net.fn.tolist(), net.a.tolist(), net.b.tolist()):
        value.append((f >> (3 - (2 * value[a] + value[b]))) & 1)
    new = [value[o] ^ n for o, n in zip(net.outputs[base.num_outputs:].tolist(), net.output_neg[base.num_outputs:])]
    assert [v.tolist() for v in new[:12]] == [[k & 1] * 512 for k in range(12)]
    src = tmp_path / "src.aig"
    src.write_bytes(write_aiger(net))
    module = netlist_module(net, "r")
    run_passes(module, f"lower-to-luts{{lut-size=6 rewrite={rewrite}}}")
    blif = tmp_path / "out.blif"
    blif.write_text(function_blif(select_function(module)))
    constants = [ln for ln in blif.read_text().splitlines() if ln.startswith(".names") and len(ln.split()) == 2]
    assert len(constants) >= 12
    assert_equivalent(src, blif)
