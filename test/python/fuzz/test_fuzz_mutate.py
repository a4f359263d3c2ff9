"""Mutation fuzzing of every reader: bad input ends in one `error:` line, never a hang, a
traceback or a partial output file.

Readers: the MLIR parser as `lutopt` runs it (lut, gate, nn, hw text and files with
`dense_resource` blobs), AIGER binary and ASCII (`lutopt-translate --import-aiger`), BLIF
(`--import-blif`), the two files `lutopt-sim` reads (the reference .mlir and the .v), and
the model file `lutopt-export` reads. A mutant is a valid seed with one to three
mutations: truncation, byte flips, insertions (random bytes or tokens that matter to the
format), deletions, huge numbers, duplicated lines.

Each mutant must end in exit status 0 (still valid: the output file exists) or 1 with an
`error:` line (located as `file:line:col:` for MLIR), within 10 seconds of CPU time, with
neither `Traceback` nor `internal error` on stderr and no output file. The tools run
in-process (a CPU-time timer stops a hang); `test_cli_sample` and, in a long run, every
25th mutant also run the real command in a subprocess with a CPU-time limit. Time is CPU
time so that a loaded machine does not turn a slow start into a "hang".

    .venv/bin/python bench/fuzz.py --level mutate --examples 1000
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from .settings import fuzz_settings, long_run

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
LIMIT = 10.0
"""Seconds a tool may take on one mutant."""
SUBPROCESS_EVERY = 25
"""In a long run, every this many mutants of a reader also run as a real subprocess."""



# ----------------------------------------------------------------------------- mutations

TOKENS = {
    "mlir": [b"{", b"}", b"(", b")", b"<", b">", b'"', b"\\", b"0x", b"-1", b"%", b"@", b"^bb0:",
             b"{-#", b"#-}", b"dense_resource<", b"dense<", b"tensor<", b"i1", b"i64", b":", b",",
             b"// -----", b"\n", b"18446744073709551616", b"1e999", b"func.return", b"lut.table"],
    "aiger": [b"aag ", b"aig ", b"\n", b" ", b"0", b"1", b"i0 ", b"o0 ", b"c\n", b"\x80", b"\xff",
              b"4294967296", b"-1"],
    "blif": [b".names", b".model", b".inputs", b".outputs", b".end", b".latch", b"\\\n", b"#", b"-",
             b"0", b"1", b"\n", b" ", b".subckt", b".exdc"],
    "verilog": [b"module", b"endmodule", b"input", b"output", b"[", b"]", b":", b",", b";", b"(",
                b")", b"// latency: ", b"cycles", b"/*", b"*/", b"clk", b"99999999999999999999"],
    "torch": [b"\x00", b"\xff", b"PK", b"data.pkl", b"\x80\x02", b"."],
}

HUGE = [b"18446744073709551616", b"99999999999999999999999999999999", b"4294967295", b"2147483648",
        b"-9223372036854775809", b"0" * 40 + b"1", b"1" + b"0" * 400]


def mutate(data: st.DataObject, seed: bytes, tokens: list[bytes]) -> bytes:
    """One to three mutations of `seed`."""
    buf = bytearray(seed)
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        kind = data.draw(st.sampled_from(["truncate", "flip", "insert", "token", "delete", "huge", "dupline"]),
                         label="kind")
        n = len(buf)
        pos = data.draw(st.integers(0, max(n - 1, 0)), label="pos")
        if kind == "truncate":
            del buf[pos:]
        elif kind == "flip" and n:
            buf[pos] ^= data.draw(st.integers(1, 255), label="xor")
        elif kind == "insert":
            buf[pos:pos] = data.draw(st.binary(min_size=1, max_size=8), label="bytes")
        elif kind == "token":
            buf[pos:pos] = data.draw(st.sampled_from(tokens), label="token")
        elif kind == "delete":
            del buf[pos : pos + data.draw(st.integers(1, 64), label="len")]
        elif kind == "huge":
            runs = [m.span() for m in re.finditer(rb"\d+", bytes(buf))]
            if runs:
                a, b = runs[data.draw(st.integers(0, len(runs) - 1), label="run")]
                buf[a:b] = data.draw(st.sampled_from(HUGE), label="huge")
        elif kind == "dupline":
            lines = bytes(buf).split(b"\n")
            k = data.draw(st.integers(0, len(lines) - 1), label="line")
            lines.insert(k, lines[k])
            buf = bytearray(b"\n".join(lines))
    return bytes(buf)


# ----------------------------------------------------------------------------- running


class Hang(BaseException):
    """Raised by SIGALRM in an in-process run (a BaseException: tools catch Exception)."""


class SimulatorReached(BaseException):
    """lutopt-sim got past its readers: the mutant was valid up to the simulation."""


@dataclass
class Outcome:
    code: int | str  # exit status, "hang" or "escaped" (an exception left the tool)
    stderr: str
    seconds: float
    stdout: str = ""
    limit: float = LIMIT  # seconds allowed (a subprocess adds its start-up)


WALL_FACTOR = 60
"""A run is a hang when it uses LIMIT seconds of CPU time, or WALL_FACTOR times that of
wall time (a hang that blocks). CPU time, not wall time, is the measure: on a loaded
machine a tool waits for a core, and that wait is not the tool's (at load 18 a niced
fuzzer's subprocess took over 200 s of wall time to start)."""


@contextlib.contextmanager
def _alarm(seconds: float):
    """Raises Hang after `seconds` of this process's CPU time (SIGPROF), or after
    WALL_FACTOR times that of wall time (SIGALRM)."""
    def fire(signum, frame):
        raise Hang()

    old_prof = signal.signal(signal.SIGPROF, fire)
    old_alrm = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    signal.setitimer(signal.ITIMER_REAL, seconds * WALL_FACTOR)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGPROF, old_prof)
        signal.signal(signal.SIGALRM, old_alrm)


def run_in_process(main, argv: list[str], limit: float = LIMIT) -> Outcome:
    out, err = io.StringIO(), io.StringIO()
    start = time.process_time()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), _alarm(limit):
            code = main(argv)
    except Hang:
        code = "hang"
    except SimulatorReached:
        code = 0
    except SystemExit as e:  # argparse
        code = e.code if isinstance(e.code, int) else 1
    except BaseException:
        code = "escaped"
        err.write(traceback.format_exc())
    return Outcome(code, err.getvalue(), time.process_time() - start, limit=limit)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_subprocess(argv: list[str], cwd: str, startup: float = 10, base: float = LIMIT) -> Outcome:
    """The real command; `startup` seconds on top of LIMIT for the interpreter's start
    (importing torch takes seconds). The limit is on the command's CPU time (the kernel
    stops it with SIGXCPU), and WALL_FACTOR times that on wall time."""
    limit = base + startup

    def cap_cpu() -> None:
        cpu = int(limit) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))

    before = _children_cpu()
    try:
        proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, errors="replace",
                              stdin=subprocess.DEVNULL, timeout=limit * WALL_FACTOR, preexec_fn=cap_cpu,
                              env={**os.environ, "LUTOPT_DEBUG": ""})
    except subprocess.TimeoutExpired:
        return Outcome("hang", "", limit * WALL_FACTOR, "", limit)
    cpu = _children_cpu() - before
    if proc.returncode in (-signal.SIGXCPU, -signal.SIGKILL) and cpu >= limit:
        return Outcome("hang", proc.stderr, cpu, proc.stdout, limit)
    return Outcome(proc.returncode, proc.stderr, cpu, proc.stdout, limit)


def check(outcome: Outcome, output: Path | None, error_line: str, mutant: bytes, what: str) -> None:
    """The oracle: exit 0 with the output written, or exit 1 with a matching error line and
    no output; never a hang, a traceback or an internal error."""
    where = f"{what} mutant {mutant[:300]!r}... ({len(mutant)} bytes)"
    assert outcome.code != "hang", f"hang (over {outcome.limit} s) on {where}"
    assert outcome.seconds <= outcome.limit, f"{outcome.seconds:.1f} s on {where}"
    assert "Traceback" not in outcome.stderr, f"traceback on {where}:\n{outcome.stderr}"
    assert "internal error" not in outcome.stderr, f"internal error on {where}:\n{outcome.stderr}"
    assert outcome.code in (0, 1), f"exit status {outcome.code} on {where}:\n{outcome.stderr}"
    if outcome.code == 1:
        assert re.search(error_line, outcome.stderr, re.M), f"no error line /{error_line}/ on {where}:\n{outcome.stderr}"
        if output is not None:
            assert not output.exists(), f"partial output written on {where}"
    elif output is not None:
        assert output.exists(), f"exit 0 but no output on {where}"


class Workdir:
    """A fresh folder per mutant, removed afterwards."""

    def __enter__(self) -> Path:
        self.path = Path(tempfile.mkdtemp(prefix="lutopt-fuzz-"))
        return self.path

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


_counters: dict[str, int] = {}


def sample_subprocess(reader: str) -> bool:
    """True for every SUBPROCESS_EVERY-th mutant of a reader in a long run."""
    if not long_run():
        return False
    _counters[reader] = _counters.get(reader, 0) + 1
    return _counters[reader] % SUBPROCESS_EVERY == 0


# ----------------------------------------------------------------------------- seeds


@functools.cache
def mlir_seeds() -> list[bytes]:
    """lut (custom and generic hex), gate, nn, hw level text, and dense_resource blobs."""
    import numpy as np

    import lutopt
    from lutopt.logic.exchange import netlist_module
    from lutopt.logic.random_netlist import random_layered
    from lutopt.testing import random_lut_function

    lut = random_lut_function(np.random.default_rng(1), num_args=3, num_tables=3, max_bits=6).encode()
    lut_hex = random_lut_function(np.random.default_rng(2), num_args=3, num_tables=2, max_bits=8, hex_form=True).encode()
    gate = lutopt.emit(netlist_module(random_layered(4, 12, seed=3), "g")).encode()
    torch_text = (ROOT / "test/Inputs/masked-linear.torch.mlir").read_text()
    nn_module = lutopt.parse_module(torch_text, "m.mlir")
    lutopt.run_passes(nn_module, "nn-fold-constants,nn-raise-quantizers,nn-partition")
    nn = lutopt.emit(nn_module).encode()
    hw_module = lutopt.parse_module(lut.decode(), "l.mlir")
    lutopt.run_passes(hw_module, "lower-to-rtl{pipeline-stages=1}")
    hw = lutopt.emit(hw_module).encode()
    return [lut, lut_hex, gate, torch_text.encode(), nn, hw]


@functools.cache
def aiger_seeds() -> list[bytes]:
    from lutopt.logic.aiger import write_aiger
    from lutopt.logic.random_netlist import random_layered

    net = random_layered(4, 10, num_outputs=3, seed=5)
    net.input_names = [f"x{i}" for i in range(net.num_inputs)]
    net.output_names = [f"y{i}" for i in range(net.num_outputs)]
    return [write_aiger(net, binary=True), write_aiger(net, binary=False),
            (ROOT / "test/Inputs/xor3.aag").read_bytes()]


@functools.cache
def blif_seeds() -> list[bytes]:
    import lutopt
    from lutopt.logic.exchange import function_blif, netlist_module, select_function
    from lutopt.logic.random_netlist import random_layered

    module = netlist_module(random_layered(4, 10, num_outputs=2, seed=7), "r")
    lutopt.run_passes(module, "lower-to-luts{lut-size=3}")
    return [(ROOT / "test/lutopt-translate/Inputs/full-adder.blif").read_bytes(),
            function_blif(select_function(module)).encode()]


@functools.cache
def sim_seeds() -> tuple[bytes, bytes, bytes, bytes]:
    """(combinational reference, its Verilog, pipelined reference, its Verilog)."""
    import numpy as np

    import lutopt
    from lutopt.testing import random_lut_function

    text = random_lut_function(np.random.default_rng(11), num_args=3, num_tables=3, max_bits=6)
    result = []
    for stages in (0, 1):
        module = lutopt.parse_module(text, "ref.mlir")
        lutopt.run_passes(module, f"lower-to-rtl{{pipeline-stages={stages}}}")
        result += [lutopt.emit(module).encode(), lutopt.emit(module, "verilog").encode()]
    return tuple(result)  # type: ignore[return-value]


# ----------------------------------------------------------------------------- readers


def _start(data: st.DataObject, fuzz_count) -> None:
    fuzz_count()


@given(data=st.data())
@fuzz_settings(default_examples=30)
def test_mutate_mlir(data, fuzz_count):
    from lutopt.tools.lutopt_opt import main

    _start(data, fuzz_count)
    seed = data.draw(st.sampled_from(mlir_seeds()), label="seed")
    mutant = mutate(data, seed, TOKENS["mlir"])
    with Workdir() as work:
        src, out = work / "in.mlir", work / "out.mlir"
        src.write_bytes(mutant)
        outcome = run_in_process(main, [str(src), "-o", str(out)])
        check(outcome, out, rf"^{re.escape(str(src))}:\d+:\d+: error: ", mutant, "mlir")
        if sample_subprocess("mlir"):
            out.unlink(missing_ok=True)
            check(run_subprocess([str(BIN / "lutopt"), "in.mlir", "-o", "out.mlir"], str(work)),
                  out, r"^in\.mlir:\d+:\d+: error: ", mutant, "mlir (subprocess)")


@given(data=st.data())
@fuzz_settings(default_examples=25)
def test_mutate_aiger(data, fuzz_count):
    from lutopt.tools.lutopt_translate import main

    _start(data, fuzz_count)
    seed = data.draw(st.sampled_from(aiger_seeds()), label="seed")
    mutant = mutate(data, seed, TOKENS["aiger"])
    with Workdir() as work:
        src, out = work / "in.aig", work / "out.mlir"
        src.write_bytes(mutant)
        outcome = run_in_process(main, ["--import-aiger", str(src), "-o", str(out)])
        check(outcome, out, rf"^{re.escape(str(src))}(:\d+)*: error: ", mutant, "aiger")
        if outcome.code == 0:  # what was read prints as MLIR that lutopt reads back
            check(run_in_process(_opt_main(), [str(out), "-o", str(work / "again.mlir")]),
                  work / "again.mlir", "^$", mutant, "aiger (re-read)")
        if sample_subprocess("aiger"):
            out.unlink(missing_ok=True)
            check(run_subprocess([str(BIN / "lutopt-translate"), "--import-aiger", "in.aig", "-o", "out.mlir"],
                                 str(work)), out, r"^in\.aig(:\d+)*: error: ", mutant, "aiger (subprocess)")


def _opt_main():
    from lutopt.tools.lutopt_opt import main

    return main


@given(data=st.data())
@fuzz_settings(default_examples=25)
def test_mutate_blif(data, fuzz_count):
    from lutopt.tools.lutopt_translate import main

    _start(data, fuzz_count)
    seed = data.draw(st.sampled_from(blif_seeds()), label="seed")
    mutant = mutate(data, seed, TOKENS["blif"])
    with Workdir() as work:
        src, out = work / "in.blif", work / "out.mlir"
        src.write_bytes(mutant)
        outcome = run_in_process(main, ["--import-blif", str(src), "-o", str(out)])
        check(outcome, out, rf"^{re.escape(str(src))}(:\d+)*: error: ", mutant, "blif")
        if outcome.code == 0:
            check(run_in_process(_opt_main(), [str(out), "-o", str(work / "again.mlir")]),
                  work / "again.mlir", "^$", mutant, "blif (re-read)")
        if sample_subprocess("blif"):
            out.unlink(missing_ok=True)
            check(run_subprocess([str(BIN / "lutopt-translate"), "--import-blif", "in.blif", "-o", "out.mlir"],
                                 str(work)), out, r"^in\.blif(:\d+)*: error: ", mutant, "blif (subprocess)")


@given(data=st.data())
@fuzz_settings(default_examples=25)
def test_mutate_sim_inputs(data, fuzz_count, monkeypatch):
    """lutopt-sim's readers; the simulation itself is replaced by `SimulatorReached`
    in-process (the subprocess sample runs the real simulator)."""
    from lutopt.sim import verilog_sim
    from lutopt.tools.lutopt_sim import main

    _start(data, fuzz_count)
    seeds = sim_seeds()
    pair = data.draw(st.sampled_from([0, 2]), label="design")
    which = data.draw(st.sampled_from(["mlir", "verilog"]), label="file")
    ref, design = seeds[pair], seeds[pair + 1]
    mutant = mutate(data, ref if which == "mlir" else design, TOKENS[which])
    if which == "mlir":
        ref = mutant
    else:
        design = mutant

    def reached(*args, **kwargs):
        raise SimulatorReached()

    monkeypatch.setattr(verilog_sim, "simulate_verilog", reached)
    with Workdir() as work:
        (work / "ref.mlir").write_bytes(ref)
        (work / "d.v").write_bytes(design)
        outcome = run_in_process(main, [str(work / "ref.mlir"), str(work / "d.v"), "--vectors", "64"])
        located = rf"^lutopt-sim: ({re.escape(str(work))}/(ref\.mlir|d\.v):\d+:\d+: )?error: "
        check(outcome, None, located, mutant, f"lutopt-sim {which}")
        if sample_subprocess("sim") and shutil.which("iverilog"):
            sub = run_subprocess([str(BIN / "lutopt-sim"), "ref.mlir", "d.v", "--vectors", "64",
                                  "--simulator", "iverilog"], str(work), startup=20)
            if sub.code == 1 and re.search(r"^lutopt-sim: \d+ vectors, \d+ mismatches", sub.stdout, re.M):
                sub.code = 0  # a mutant that changed the function, simulated
            check(sub, None, r"^lutopt-sim: ((ref\.mlir|d\.v):\d+:\d+: )?error: ", mutant,
                  f"lutopt-sim {which} (subprocess)")


@given(data=st.data())
@fuzz_settings(default_examples=20)
def test_mutate_export_model(data, fuzz_count, monkeypatch):
    """lutopt-export's reader (a lutopt-train bundle, a zip of pickles); torch-mlir's
    export of a still-valid model is replaced by writing a stub file in-process."""
    pytest.importorskip("torch", reason="torch is not installed (pip install 'lutopt[torch]')")
    from lutopt.nn import export

    _start(data, fuzz_count)
    seed = (ROOT / "examples/digits/model.pt").read_bytes()
    mutant = mutate(data, seed, TOKENS["torch"])

    def stub_export(model, x, path, func_name="main"):
        Path(path).write_text("// exported\n")
        return ""

    monkeypatch.setattr(export, "export_model", stub_export)
    with Workdir() as work:
        src, out = work / "model.pt", work / "out.mlir"
        src.write_bytes(mutant)
        outcome = run_in_process(export.main, [str(src), "-o", str(out)])
        check(outcome, out, r"^lutopt-export: error: ", mutant, "lutopt-export")
        # The real command on a sample of the mutants it refuses (a still-valid model is
        # exported by torch-mlir, which takes longer than reading it).
        if outcome.code == 1 and sample_subprocess("export"):
            check(run_subprocess([str(BIN / "lutopt-export"), "model.pt", "-o", "out.mlir"], str(work), startup=60),
                  out, r"^lutopt-export: error: ", mutant, "lutopt-export (subprocess)")


# ----------------------------------------------------------------------------- the real commands


def test_cli_sample(tmp_path):
    """One mutant per reader through the real command (a subprocess with a timeout),
    including the dense_resource blob cut without its closing quote that used to hang."""
    torch_text = (ROOT / "test/Inputs/masked-linear.torch.mlir").read_bytes()
    cut = torch_text[: torch_text.index(b'"0x') + 200]
    cases = [
        (["lutopt", "cut.mlir", "-o", "out.mlir"], "cut.mlir", cut, r"^cut\.mlir:\d+:\d+: error: "),
        (["lutopt-translate", "--import-aiger", "in.aig", "-o", "out.mlir"], "in.aig",
         aiger_seeds()[0][: aiger_seeds()[0].index(b"\n") + 6], r"^in\.aig(:\d+)*: error: "),
        (["lutopt-translate", "--import-blif", "in.blif", "-o", "out.mlir"], "in.blif",
         blif_seeds()[0].replace(b".names a b t", b".names a b"), r"^in\.blif(:\d+)*: error: "),
        (["lutopt-sim", "ref.mlir", "ref.mlir.v"], "ref.mlir", sim_seeds()[0][:-30] + b"\xff\n",
         r"^lutopt-sim: (ref\.mlir:\d+:\d+: )?error: "),
    ]
    for argv, name, data, error_line in cases:
        (tmp_path / name).write_bytes(data)
        (tmp_path / "ref.mlir.v").write_bytes(sim_seeds()[1])
        out = tmp_path / "out.mlir"
        out.unlink(missing_ok=True)
        check(run_subprocess([str(BIN / argv[0]), *argv[1:]], str(tmp_path)), out if "-o" in argv else None,
              error_line, data, argv[0])


def test_the_hang_oracle_can_fail(tmp_path):
    """Busy loops are hangs, in-process and as a subprocess; a quick command is not."""
    def spin(argv):
        while True:
            pass

    assert run_in_process(spin, [], limit=0.5).code == "hang"
    busy = run_subprocess([sys.executable, "-c", "while True: pass"], str(tmp_path), startup=0.5, base=0.5)
    assert busy.code == "hang" and busy.seconds >= 1.0
    quick = run_subprocess([sys.executable, "-c", "pass"], str(tmp_path), startup=0.5, base=0.5)
    assert quick.code == 0 and quick.seconds < 1.0
