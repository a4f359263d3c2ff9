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

EPFL = Path(__file__).resolve().parents[3] / "shared" / "benchmarks" / "epfl"
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
    from test_gate_blif import eval_lut_network, lut_level_text, random_lut_network

    tables, outputs = random_lut_network(3, num_inputs=8, num_luts=30, k=6)
    mlir = tmp_path / "mapped.mlir"
    mlir.write_text(lut_level_text(tables, outputs, 8))
    blif, aig = tmp_path / "mapped.blif", tmp_path / "mapped.aig"
    assert translate("--export-blif", str(mlir), "-o", str(blif)) == 0
    assert translate("--export-aiger", str(mlir), "-o", str(aig)) == 0
    assert blif.read_text().count(".names") <= len(tables) + len(outputs)
    assert_equivalent(blif, aig)
    from lutopt.logic.aiger import read_aiger
    from test_gate_blif import truth

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
