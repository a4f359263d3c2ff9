"""Simulating Verilog with a real simulator and comparing it with the IR interpreter.

    outputs = simulate_verilog("model.v", "model", inputs, latency=2)

compiles `model.v` with a small generated testbench (Verilator 5 `--binary`, or Icarus
Verilog as the fallback), feeds it one input vector per clock cycle from a file read
with `$readmemh`, and returns the outputs, one uint64 array per output port (NumPy
object arrays of Python ints for ports wider than 64 bits). A pipelined design (one whose
first input is `clk`) is read `latency` cycles after each vector was applied; a
combinational one in the same cycle. Icarus' unknown bits (`x`/`z`) come back as -1.

`check_verilog(reference, name, "model.v")` runs the reference interpreter
(`lutopt.interpreters`) on the same vectors (exhaustive up to 16 input bits, random
otherwise) and reports every mismatch; `lutopt-sim` is its command line.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from xdsl.dialects.builtin import ModuleOp

from lutopt.diagnostics import LutoptError
from lutopt.ir.latency import read_latency_comment
from lutopt.sim.mismatch import Mismatch

SIMULATORS = ("verilator", "iverilog")
CLOCK_NAMES = ("clk", "clock")
VERILATOR_MAX_NUM_WIDTH = 65536
TESTBENCH = "lutopt_tb"
MAX_LATENCY = 1 << 16
"""The largest latency lutopt-sim simulates: the testbench runs vectors + latency cycles,
and a damaged `// latency: 2147483648 cycles` comment ran the simulator for hours."""


class SimulatorError(LutoptError):
    """A simulator is missing, or failed to compile or run the design."""


# ----------------------------------------------------------------------------- reading Verilog


@dataclass(frozen=True)
class VerilogPort:
    name: str
    direction: str  # "input" or "output"
    width: int


_COMMENTS = re.compile(r"/\*.*?\*/|//[^\n]*", re.DOTALL)
_PORT = re.compile(
    r"^(?:(input|output|inout)\s+)?(?:(?:wire|reg|logic)\s+)?(?:signed\s+)?"
    r"(?:\[\s*(\d+)\s*:\s*(\d+)\s*\]\s*)?([A-Za-z_][A-Za-z0-9_$]*)$"
)


def _strip_comments(text: str) -> str:
    return _COMMENTS.sub(" ", text)


def module_names(text: str) -> list[str]:
    """The names of the modules defined in Verilog source `text`, in order."""
    return re.findall(r"\bmodule\s+([A-Za-z_][A-Za-z0-9_$]*)", _strip_comments(text))


def read_ports(text: str, top: str) -> list[VerilogPort]:
    """The ports of module `top` (ANSI-style header), in declaration order."""
    code = _strip_comments(text)
    m = re.search(rf"\bmodule\s+{re.escape(top)}\b\s*(?:#\s*\(.*?\)\s*)?(\((.*?)\))?\s*;", code, re.DOTALL)
    if m is None:
        raise LutoptError(f"no module '{top}' in the Verilog (modules: {', '.join(module_names(text)) or 'none'})")
    if m.group(1) is None:
        return []
    ports: list[VerilogPort] = []
    direction: str | None = None
    width = 1
    for entry in m.group(2).split(","):
        entry = " ".join(entry.split())
        if not entry:
            continue
        pm = _PORT.match(entry)
        if pm is None:
            raise LutoptError(f"cannot read port '{entry}' of module '{top}' (expected an ANSI-style port list)")
        if pm.group(1):
            direction = pm.group(1)
            width = abs(int(pm.group(2)) - int(pm.group(3))) + 1 if pm.group(2) else 1
        elif pm.group(2):
            width = abs(int(pm.group(2)) - int(pm.group(3))) + 1
        if direction is None:
            raise LutoptError(f"cannot read port '{entry}' of module '{top}' (expected an ANSI-style port list)")
        if direction == "inout":
            raise LutoptError(f"cannot simulate module '{top}': inout port '{pm.group(4)}'")
        ports.append(VerilogPort(pm.group(4), direction, width))
    return ports


read_latency = read_latency_comment
"""The latency in the `// latency: N cycles` comment just above `module top`
(`lutopt.ir.latency`, next to the function that writes the comment)."""


_SIZED_LITERAL = re.compile(r"\b(\d[\d_]*)\s*'[sS]?[hHbBdDoO]")
_RANGE = re.compile(r"\[\s*(\d[\d_]*)\s*:\s*(\d[\d_]*)\s*\]")
MAX_SIM_WIDTH = 1 << 24
"""The widest sized literal and the largest range bound lutopt-sim passes to a simulator
(lutopt prints literals of at most 4096 bits, its widest table column has 2^20 bits).
Icarus loops without end on a literal of 2^31 bits or more (a `1000...0'h5` from a damaged
file), and takes seconds and gigabytes on one of 10^8."""


def _width(digits: str) -> int:
    """A Verilog size or bound (underscores allowed), capped just above `MAX_SIM_WIDTH`
    without converting a number of hundreds of digits."""
    digits = digits.replace("_", "").lstrip("0") or "0"
    return int(digits) if len(digits) <= 12 else MAX_SIM_WIDTH + 1


def _blank_comments(text: str) -> str:
    """`text` with its comments replaced by spaces (newlines kept): offsets stay valid."""
    return _COMMENTS.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)


def widest_literal(text: str) -> int:
    """The widest sized literal in the source (Verilator rejects those over 65536 bits)."""
    return max((_width(w) for w in _SIZED_LITERAL.findall(text)), default=0)


def check_widths(text: str, path: str) -> None:
    """A located LutoptError for the first sized literal wider than `MAX_SIM_WIDTH` bits, or
    range bound above it, outside comments: simulators hang or run out of memory on them."""
    code = _blank_comments(text)
    found = []
    for m in _SIZED_LITERAL.finditer(code):
        if _width(m.group(1)) > MAX_SIM_WIDTH:
            found.append((m.start(1), f"a literal of {_shown(m.group(1))} bits"))
            break
    for m in _RANGE.finditer(code):
        for g in (1, 2):
            if _width(m.group(g)) > MAX_SIM_WIDTH:
                found.append((m.start(g), f"a range bound of {_shown(m.group(g))}"))
                break
        else:
            continue
        break
    if found:
        pos, what = min(found)
        line = code.count("\n", 0, pos) + 1
        col = pos - (code.rfind("\n", 0, pos) + 1) + 1
        raise LutoptError(f"{what} is too large to simulate (at most {MAX_SIM_WIDTH} bits)",
                          location=f"{path}:{line}:{col}")


def _shown(digits: str) -> str:
    return digits if len(digits) <= 24 else f"{digits[:12]}... ({len(digits)} digits)"


# ----------------------------------------------------------------------------- simulators


def available_simulators() -> list[str]:
    found = []
    if shutil.which("verilator"):
        found.append("verilator")
    if shutil.which("iverilog") and shutil.which("vvp"):
        found.append("iverilog")
    return found


def choose_simulator(preference: str = "auto") -> str:
    """The simulator to use: `verilator`, `iverilog`, or `auto` (Verilator first)."""
    found = available_simulators()
    if preference == "auto":
        if not found:
            raise SimulatorError(
                "no Verilog simulator found: install Verilator (apt-get install verilator) "
                "or Icarus Verilog (apt-get install iverilog)"
            )
        return found[0]
    if preference not in SIMULATORS:
        raise SimulatorError(f"unknown simulator '{preference}' (expected verilator, iverilog or auto)")
    if preference not in found:
        package = "verilator" if preference == "verilator" else "iverilog"
        raise SimulatorError(f"simulator '{preference}' is not installed (apt-get install {package})")
    return preference


def _testbench(
    top: str,
    clock: str | None,
    inputs: Sequence[VerilogPort],
    outputs: Sequence[VerilogPort],
    cycles: int,
) -> str:
    in_bits = max(1, sum(p.width for p in inputs))
    lines = [
        f"// Testbench generated by lutopt-sim for module {top}.",
        f"module {TESTBENCH};",
        "  reg lutopt_clk = 1'b0;",
        f"  reg [{in_bits - 1}:0] lutopt_vectors [0:{cycles - 1}];",
        "  integer lutopt_cycle = 0;",
        "  integer lutopt_out;",
        f"  wire [{in_bits - 1}:0] lutopt_v = lutopt_vectors[lutopt_cycle];",
    ]
    connections = []
    if clock is not None:
        connections.append(f".{clock}(lutopt_clk)")
    hi = sum(p.width for p in inputs)
    for i, p in enumerate(inputs):
        lo = hi - p.width
        lines.append(f"  wire [{p.width - 1}:0] lutopt_in{i} = lutopt_v[{hi - 1}:{lo}];")
        connections.append(f".{p.name}(lutopt_in{i})")
        hi = lo
    for i, p in enumerate(outputs):
        lines.append(f"  wire [{p.width - 1}:0] lutopt_out{i};")
        connections.append(f".{p.name}(lutopt_out{i})")
    lines.append(f"  {top} dut (")
    lines.extend(f"    {c}," for c in connections[:-1])
    lines.append(f"    {connections[-1]}")
    lines.append("  );")
    out_concat = "{" + ", ".join(f"lutopt_out{i}" for i in range(len(outputs))) + "}"
    lines += [
        "  initial begin",
        '    $readmemh("vectors.hex", lutopt_vectors);',
        '    lutopt_out = $fopen("outputs.hex", "w");',
        "  end",
        "  always #1 lutopt_clk = ~lutopt_clk;",
        "  always @(posedge lutopt_clk) begin",
        f'    $fwrite(lutopt_out, "%h\\n", {out_concat});',
        f"    if (lutopt_cycle == {cycles - 1}) begin",
        "      $fclose(lutopt_out);",
        "      $finish;",
        "    end",
        "    lutopt_cycle <= lutopt_cycle + 1;",
        "  end",
        "endmodule",
        "",
    ]
    return "\n".join(lines)


def _run(cmd: list[str], cwd: str, what: str, timeout: float | None) -> None:
    try:
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise SimulatorError(f"{what} timed out after {timeout} s: {' '.join(cmd)}")
    except OSError as e:
        raise SimulatorError(f"cannot run {what}: {e}")
    if proc.returncode != 0:
        log = (proc.stderr + proc.stdout).strip().splitlines()
        errors = [line for line in log if "rror" in line] or log
        detail = "\n".join(errors[:20])
        raise SimulatorError(f"{what} failed (exit status {proc.returncode}): {' '.join(cmd)}\n{detail}")


def _pack(values: Sequence[np.ndarray], widths: Sequence[int], count: int) -> list[int]:
    """One integer per vector: the inputs concatenated, input 0 most significant."""
    if sum(widths) <= 64:
        acc = np.zeros(count, dtype=np.uint64)
        for x, w in zip(values, widths):
            acc = (acc << np.uint64(w)) | (np.asarray(x).astype(np.uint64) & np.uint64((1 << w) - 1))
        return [int(a) for a in acc]
    packed = [0] * count
    for x, w in zip(values, widths):
        m = (1 << w) - 1
        packed = [(p << w) | (int(v) & m) for p, v in zip(packed, x)]
    return packed


def _unpack(words: Sequence[int | None], widths: Sequence[int]) -> list[np.ndarray]:
    """Splits concatenated outputs (output 0 most significant). Outputs are uint64 arrays,
    or object arrays of Python ints if a port is wider than 64 bits or a word is unknown
    (None, from `x`/`z` bits), whose entries are then -1."""
    exact = all(w is not None for w in words)
    results = []
    shift = sum(widths)
    for w in widths:
        shift -= w
        m = (1 << w) - 1
        vals = [-1 if word is None else (word >> shift) & m for word in words]
        if exact and w <= 64:
            results.append(np.array(vals, dtype=np.uint64))
        else:
            results.append(np.array(vals, dtype=object))
    return results


@dataclass
class DesignPorts:
    """How a design's ports are driven: an optional clock, data inputs, outputs."""

    clock: str | None
    inputs: list[VerilogPort]
    outputs: list[VerilogPort]


def design_ports(text: str, top: str, num_inputs: int | None = None) -> DesignPorts:
    """The clock, inputs and outputs of `top`. The clock is a first 1-bit input named
    `clk` or `clock` (when `num_inputs` is given: only if there is one input too many)."""
    ports = read_ports(text, top)
    ins = [p for p in ports if p.direction == "input"]
    outs = [p for p in ports if p.direction == "output"]
    clock = None
    is_clock = bool(ins) and ins[0].name in CLOCK_NAMES and ins[0].width == 1
    if is_clock and (num_inputs is None or len(ins) == num_inputs + 1):
        clock = ins[0].name
        ins = ins[1:]
    return DesignPorts(clock, ins, outs)


def _read_sources(verilog_path: str | Sequence[str]) -> tuple[list[str], list[str]]:
    """The Verilog file path(s) and their text; an unreadable file is a LutoptError."""
    paths = [verilog_path] if isinstance(verilog_path, str) else list(verilog_path)
    texts = []
    for p in paths:
        try:
            with open(p, "rb") as f:
                raw = f.read()
        except OSError as e:
            raise LutoptError(f"cannot read '{p}': {e.strerror}")
        try:
            texts.append(raw.decode("utf-8"))
        except UnicodeDecodeError as e:
            line = raw.count(b"\n", 0, e.start) + 1
            col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
            raise LutoptError("the Verilog is not UTF-8 text (a binary file?)", location=f"{p}:{line}:{col}")
        check_widths(texts[-1], p)
    return paths, texts


def simulate_verilog(
    verilog_path: str | Sequence[str],
    top: str,
    inputs: Sequence[np.ndarray],
    latency: int | None = None,
    simulator: str = "auto",
    ports: DesignPorts | None = None,
    workdir: str | None = None,
    timeout: float | None = 600,
) -> list[np.ndarray]:
    """Simulates module `top` of the Verilog file(s) on a batch of input vectors.

    `inputs` has one array per data input port (in port order, the clock excluded), all of
    the same length. Returns one array per output port: the outputs `latency` cycles after
    each vector was applied (`latency` defaults to the `// latency: N cycles` comment above
    the module, and to 0 for a design without a clock). `workdir` keeps the testbench,
    vector files and build there instead of a temporary folder.
    """
    paths, texts = _read_sources(verilog_path)
    main_text = next((t for t in texts if top in module_names(t)), texts[0])
    if ports is None:
        ports = design_ports(main_text, top, len(inputs))
    if len(ports.inputs) != len(inputs):
        raise LutoptError(f"module '{top}' has {len(ports.inputs)} data inputs, got {len(inputs)} input arrays")
    if not ports.outputs:
        raise LutoptError(f"module '{top}' has no outputs to compare")
    if latency is None:
        latency = read_latency(main_text, top)
        if latency is None:
            if ports.clock is not None:
                raise LutoptError(
                    f"module '{top}' has a clock but no '// latency: N cycles' comment; give the latency"
                )
            latency = 0
    if latency > 0 and ports.clock is None:
        raise LutoptError(f"module '{top}' has a latency of {latency} cycles but no clock port")
    count = len(inputs[0]) if len(inputs) else 1
    cycles = count + latency
    sim = choose_simulator(simulator)

    owned = workdir is None
    work = tempfile.mkdtemp(prefix="lutopt-sim-") if workdir is None else os.path.abspath(workdir)
    os.makedirs(work, exist_ok=True)
    try:
        in_widths = [p.width for p in ports.inputs]
        packed = _pack(inputs, in_widths, count) if inputs else [0] * count
        packed += [0] * latency
        digits = max(1, (max(1, sum(in_widths)) + 3) // 4)
        with open(os.path.join(work, "vectors.hex"), "w") as f:
            f.write("\n".join(format(v, f"0{digits}x") for v in packed))
            f.write("\n")
        tb = os.path.join(work, "lutopt_tb.v")
        with open(tb, "w") as f:
            f.write(_testbench(top, ports.clock, ports.inputs, ports.outputs, cycles))
        sources = [os.path.abspath(p) for p in paths]
        if sim == "verilator":
            cmd = [
                "verilator", "--binary", "-j", "2", "--top-module", TESTBENCH,
                "-Wno-fatal", "-Wno-lint", "-Wno-style", "--Mdir", "obj", "-o", "lutopt_sim",
            ]
            widest = max(widest_literal(t) for t in texts)
            if widest > VERILATOR_MAX_NUM_WIDTH:
                cmd += ["--max-num-width", str(widest)]
            _run(cmd + ["lutopt_tb.v", *sources], work, "verilator", timeout)
            _run([os.path.join(work, "obj", "lutopt_sim")], work, "the Verilator simulation", timeout)
        else:
            _run(
                ["iverilog", "-g2001", "-s", TESTBENCH, "-o", "lutopt_sim.vvp", "lutopt_tb.v", *sources],
                work, "iverilog", timeout,
            )
            _run(["vvp", "-n", "lutopt_sim.vvp"], work, "the Icarus simulation", timeout)
        with open(os.path.join(work, "outputs.hex")) as f:
            lines = f.read().split()
    finally:
        if owned:
            shutil.rmtree(work, ignore_errors=True)
    if len(lines) != cycles:
        raise SimulatorError(f"{sim} wrote {len(lines)} output vectors, expected {cycles}")
    words: list[int | None] = []
    for line in lines[latency:]:
        try:
            words.append(int(line, 16))
        except ValueError:
            words.append(None)  # x or z bits
    return _unpack(words, [p.width for p in ports.outputs])


# ----------------------------------------------------------------------------- checking


def vectors_for(widths: Sequence[int], num_vectors: int, seed: int) -> list[np.ndarray]:
    """Exhaustive vectors when the inputs have at most 16 bits, `num_vectors` random ones
    otherwise (the policy of `lutopt.sim.check`)."""
    from lutopt.sim.check import random_or_exhaustive_vectors

    return list(random_or_exhaustive_vectors(list(widths), num_vectors, seed))


@dataclass
class CheckReport:
    top: str
    simulator: str
    vectors: int
    latency: int
    mismatches: list[Mismatch] = field(default_factory=list)
    mismatching_vectors: int = 0
    evaluator: str = "numpy"
    """What evaluated the reference: "numpy" (the interpreter), "c" or "numba" (compiled)."""

    @property
    def ok(self) -> bool:
        return self.mismatching_vectors == 0

    def summary(self) -> str:
        return f"{self.vectors} vectors, {self.mismatching_vectors} mismatches ({self.simulator})"


def default_top(module: ModuleOp, verilog_text: str) -> str:
    """The function of the reference that the Verilog's top module implements: the one
    function that no other function calls or instantiates, and that the Verilog defines."""
    from lutopt.interpreters.core import function_names

    names = function_names(module)
    called = set()
    for op in module.walk():
        if op.name == "func.call":
            called.add(op.callee.root_reference.data)  # type: ignore[attr-defined]
        elif op.name == "hw.instance":
            called.add(op.module_name.root_reference.data)  # type: ignore[attr-defined]
    defined = set(module_names(verilog_text))
    candidates = [n for n in names if n not in called and n in defined]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise LutoptError(
            f"no function of the reference ({', '.join(names) or 'none'}) is a module of the "
            f"Verilog ({', '.join(sorted(defined)) or 'none'}); give --top"
        )
    raise LutoptError(f"several top-level functions ({', '.join(candidates)}); give --top")


def check_verilog(
    reference: ModuleOp,
    verilog_path: str | Sequence[str],
    top: str | None = None,
    num_vectors: int = 4096,
    seed: int = 0,
    simulator: str = "auto",
    latency: int | None = None,
    max_reported: int = 5,
    workdir: str | None = None,
    evaluator: str = "numpy",
) -> CheckReport:
    """Simulates the Verilog and the reference on the same vectors and compares them.
    `evaluator` is the `Interpreter` backend that evaluates the reference."""
    from lutopt.interpreters.core import Interpreter

    paths, texts = _read_sources(verilog_path)
    if top is None:
        top = default_top(reference, "\n".join(texts))
    interp = Interpreter(reference, backend=evaluator)
    sig = interp.signature(top)
    main_text = next((t for t in texts if top in module_names(t)), texts[0])
    ports = design_ports(main_text, top, len(sig.input_widths))
    if len(ports.inputs) != len(sig.input_widths) or len(ports.outputs) != len(sig.output_widths):
        raise LutoptError(
            f"module '{top}' of the Verilog has {len(ports.inputs)} inputs and {len(ports.outputs)} "
            f"outputs, the reference @{top} has {len(sig.input_widths)} and {len(sig.output_widths)}"
        )
    for kind, vports, widths, names in (
        ("input", ports.inputs, sig.input_widths, sig.input_names),
        ("output", ports.outputs, sig.output_widths, sig.output_names),
    ):
        for i, (p, w, n) in enumerate(zip(vports, widths, names)):
            if p.width != w:
                raise LutoptError(
                    f"{kind} port '{p.name}' of module '{top}' has {p.width} bits, "
                    f"{kind} #{i} '{n}' of the reference has {w}"
                )
    if latency is None:
        latency = read_latency(main_text, top)
        if latency is not None and latency > MAX_LATENCY:
            m = re.search(rf"//\s*latency:\s*{latency}\b", main_text)
            line = main_text.count("\n", 0, m.start()) + 1 if m else 1
            main_path = next((p for p, t in zip(paths, texts) if t is main_text), paths[0])
            raise LutoptError(f"latency of {latency} cycles is too large (at most {MAX_LATENCY})",
                              location=f"{main_path}:{line}:1")
    elif latency > MAX_LATENCY:
        raise LutoptError(f"--latency {latency} is too large (at most {MAX_LATENCY})")
    if latency is None:
        if ports.clock is not None:
            raise LutoptError(
                f"module '{top}' has a clock port but no '// latency: N cycles' comment; give --latency"
            )
        latency = 0
    sim = choose_simulator(simulator)
    vectors = vectors_for(sig.input_widths, num_vectors, seed)
    count = len(vectors[0]) if vectors else 1
    expected = interp.evaluate(top, vectors)
    got = simulate_verilog(paths, top, vectors, latency=latency, simulator=sim, ports=ports, workdir=workdir)
    report = CheckReport(top, sim, count, latency)
    compiled = interp.compiled_function(top)
    report.evaluator = "numpy" if compiled is None else compiled.backend
    bad = np.zeros(count, dtype=bool)
    for g, e in zip(got, expected):
        e = np.asarray(e)
        if g.dtype == object:
            bad |= np.array([int(a) != int(b) for a, b in zip(g, e)], dtype=bool)
        else:
            bad |= g != e.astype(np.uint64)
    report.mismatching_vectors = int(bad.sum())
    for k in np.flatnonzero(bad)[:max_reported]:
        k = int(k)
        ins = [(p.name, int(v[k])) for p, v in zip(ports.inputs, vectors)]
        for j, (p, g, e) in enumerate(zip(ports.outputs, got, expected)):
            gv = int(g[k])
            if gv != int(e[k]):
                report.mismatches.append(
                    Mismatch(top, ins, j, int(e[k]), None if gv < 0 else gv, vector=k, output_name=p.name)
                )
    return report
