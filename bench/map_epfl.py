"""LUT mapping benchmark: lutopt's K-LUT mapper next to ABC, run in the same script.

    .venv/bin/python bench/map_epfl.py [EPFL_DIR] [--hyp] [--timeout 600] [--only adder,div]
    .venv/bin/python bench/map_epfl.py --neurons [NEURON_DIR]      # LogicNets neuron tables
    .venv/bin/python bench/map_epfl.py --random                      # 256k-gate network flow
    .venv/bin/python bench/map_epfl.py --extra DIR --only router,square --flow cli

EPFL circuits (default folder ../shared/benchmarks/epfl from the repository root): for each
AIGER file, lutopt (the gate-level passes of `lower-to-luts`, AIG rewriting included, then
its mapper `lut_map`; `--logic no-rewrite` or `--logic mapper` for less; K = 6 by default;
its time includes the gate passes) is compared with ABC's `strash; if -K 6`
and `strash; dch -f; if -K 6; mfs2` on the same machine. LUTs are nodes with at least one
input (ABC's `nd` also counts a constant node, which needs no LUT; it is taken out from the
BLIF ABC writes), depth is LUT levels, times are wall seconds (ABC's include reading the
file). The equivalence column is ABC's `cec` of lutopt's mapping, written as BLIF with one
`.names` per LUT, against the source AIG (when it does not finish in the timeout,
simulation on 4096 random vectors is reported instead). `--extra PATH` adds .aig files (or
folders of them) to the EPFL folder's, e.g. `router` and `square` fetched from
github.com/lsils/benchmarks; `--flow cli` makes lutopt's column the command-line flow
(`lutopt-translate --import-aiger`, `lutopt -p lower-to-luts{lut-size=K} -t blif`, wall time
of both processes, peak memory in the last column) and proves that BLIF. `hyp` is skipped unless `--hyp` (ABC's dch flow
does not finish on it in 400 s). The last lines are the geometric means of the ratios
lutopt / ABC.

`--neurons`: the LogicNets neuron tables (12 inputs, 3 outputs each) through lutopt's table
decomposition (`lutopt.logic.decompose`), against ABC from the table
(`read_truth -xf F; collapse; strash; dch -f; if -K 6; mfs2` and `...; strash; if -K 6`).

`--random`: a layered random network of 256,000 two-input gates (difflogic-like, functions
that depend on both inputs), with 16 more outputs that are constant but only optimisation
finds it, an output that is an input, one its complement and a repeated output
(`--random-consts 0` for none), goes through `lutopt-translate --import-aiger`, `lutopt -p
lower-to-luts{lut-size=6}` and `lutopt-translate --export-blif` as separate processes (wall
time and peak memory of each), then as one `lutopt -p lower-to-luts{lut-size=6} -t blif`
(the driver's BLIF target; its file must equal the three-step one), and through the same
steps in one process with the Python API, next to ABC's `strash; if -K 6`, with ABC's `&cec` (the classic `cec` does not finish on it in 600 s).
`--cli-only` times just the issue's two commands (`lutopt-translate --import-aiger`, `lutopt
-p lower-to-luts{lut-size=6} -t blif`); `--bin OTHER/.venv/bin` times another checkout's
tools (run both, one after the other, to compare before and after on a shared machine: the
load average is printed next to every timing, and the CPU seconds matter more than wall
time there); `--proof gia|cec|dc2` picks the ABC command sequence of the proof.

    .venv/bin/python bench/map_epfl.py --random --cli-only --no-cec
    .venv/bin/python bench/map_epfl.py --random --cli-only --no-cec --bin ../main/.venv/bin
"""

from __future__ import annotations

import argparse
import math
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DEFAULT_EPFL = REPO / ".." / "shared" / "benchmarks" / "epfl"
DEFAULT_NEURONS = REPO / ".." / "shared" / "benchmarks" / "logicnets-neurons"
ABC = shutil.which("berkeley-abc") or shutil.which("yosys-abc")

IF_SCRIPT = "strash; if -K {k}"
PIPELINE = "lower-to-luts{lut-size=6}"
DCH_SCRIPT = "strash; dch -f; if -K {k}; mfs2"
LOGIC_LABELS = {
    "default": "lower-to-luts' gate passes (with AIG rewriting), then the mapper",
    "no-rewrite": "lower-to-luts{rewrite=false}'s gate passes, then the mapper",
    "mapper": "the mapper alone on the AIG as read",
}


# --------------------------------------------------------------------------------- ABC


def run_abc(script: str, timeout: float) -> tuple[str | None, float]:
    """ABC's output (None on timeout or failure) and the wall time."""
    if ABC is None:
        return None, 0.0
    t = time.perf_counter()
    try:
        res = subprocess.run([ABC, "-c", script], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, time.perf_counter() - t
    return res.stdout + res.stderr, time.perf_counter() - t


def blif_luts(path: Path) -> int:
    """`.names` blocks with at least one input in a BLIF file."""
    count = 0
    for line in path.read_text().splitlines():
        if line.startswith(".names") and len(line.split()) > 2:
            count += 1
    return count


def blif_constants(path: Path) -> int:
    """`.names` blocks without inputs (constants) in a BLIF file."""
    return sum(1 for line in path.read_text().splitlines() if line.startswith(".names") and len(line.split()) == 2)


def lut_depth(module) -> tuple[int, int]:
    """(lut.table ops, longest chain of them) of a mapped module (`lutopt.analysis.lut_depth`)."""
    from lutopt.analysis.lut_depth import lut_depth as library_lut_depth

    return library_lut_depth(module)


def abc_map(src_read: str, flow: str, timeout: float, tmp: Path) -> tuple[int, int, float] | None:
    """(LUTs, depth, seconds) of an ABC flow, or None."""
    out_blif = tmp / "abc_out.blif"
    out_blif.unlink(missing_ok=True)
    out, secs = run_abc(f"{src_read}; {flow}; print_stats; write_blif {out_blif}", timeout)
    if out is None or "lev =" not in out or not out_blif.exists():
        return None
    lev = int(re.findall(r"lev\s*=\s*(\d+)", out)[-1])
    return blif_luts(out_blif), lev, secs


def abc_cec(a: Path, b: Path, timeout: float) -> str:
    out, _ = run_abc(f"cec -n {a} {b}", timeout)
    if out is None:
        return "timeout" if ABC else "no ABC"
    if "Networks are equivalent" in out:
        return "yes"
    if "NOT EQUIVALENT" in out:
        return "NO"
    return "?"


PROOFS = {
    "gia": "read {blif}; strash; write_aiger {mapped}; &r {aig}; &cec {mapped}",
    "cec": "cec -n {aig} {blif}",
    "dc2": "read {blif}; strash; dc2; write_aiger {mapped}; &r {aig}; &cec {mapped}",
}
"""ABC command sequences that prove lutopt's BLIF equivalent to the source AIG (`--proof`):
`gia` the newer `&cec` (SAT sweeping) on the BLIF structurally hashed and written as
AIGER, `cec` the classic one, `dc2` `&cec` after `dc2` shrinks the hashed BLIF (the
sum-of-products of 6-LUTs hashes to 672k ANDs against the source's 292k)."""


def abc_gia_cec(aig: Path, blif: Path, timeout: float, proof: str = "gia") -> tuple[str, float]:
    """(verdict, seconds) of one of the `PROOFS` on the source AIG and lutopt's BLIF."""
    mapped = blif.with_suffix(".strashed.aig")
    out, secs = run_abc(PROOFS[proof].format(blif=blif, mapped=mapped, aig=aig), timeout)
    if out is None:
        return ("timeout" if ABC else "no ABC"), secs
    if "Networks are equivalent" in out:
        return "yes", secs
    if "NOT EQUIVALENT" in out or "are NOT" in out:
        return "NO", secs
    return "?", secs


def load() -> str:
    """The 1-minute load average (timings on a shared machine need it next to them)."""
    import os

    return f"load {os.getloadavg()[0]:.1f}"


# --------------------------------------------------------------------------------- lutopt


class Timeout(Exception):
    pass


def _alarm(signum, frame):  # noqa: ARG001
    raise Timeout()


def with_timeout(seconds: float, fn, *args):
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn(*args)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def fmt(x: tuple[int, int, float] | None) -> str:
    if x is None:
        return f"{'-':>7} {'-':>5} {'-':>6}"
    return f"{x[0]:>7} {x[1]:>5} {x[2]:>6.1f}"


def geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def print_summary(rows: list[tuple], names: tuple[str, str]) -> None:
    for col, label in ((1, names[0]), (2, names[1])):
        pairs = [(r[0], r[col]) for r in rows if r[0] is not None and r[col] is not None]
        if not pairs:
            continue
        lr = geomean([a[0] / b[0] for a, b in pairs])
        dr = geomean([max(a[1], 1) / max(b[1], 1) for a, b in pairs])
        print(f"geomean lutopt / ABC `{label}` over {len(pairs)} circuits: LUTs {lr:.4f}, depth {dr:.4f}")


# --------------------------------------------------------------------------------- EPFL


def epfl_files(args) -> list[Path]:
    """The .aig files of `args.folder`: those named by `args.only`, else all but hyp unless
    `args.hyp`. Says so on stderr when there are none."""
    folder = Path(args.folder)
    files = sorted(folder.glob("*.aig"))
    for extra in args.extra:
        path = Path(extra)
        if not path.exists():
            print(f"--extra {extra}: no such file or folder", file=sys.stderr)
            return []
        files += sorted(path.glob("*.aig")) if path.is_dir() else [path]
    if args.only:
        keep = set(args.only.split(","))
        files = [f for f in files if f.stem in keep]
    elif not args.hyp:
        files = [f for f in files if f.stem != "hyp"]
    if not files:
        print(f"no .aig files in {folder}" + (f" or {', '.join(args.extra)}" if args.extra else ""), file=sys.stderr)
    return files


def lutopt_logic(net, k: int, logic: str):
    """The netlist after the gate-level passes that `lower-to-luts{lut-size=K}` runs before
    its mapper (taken from the pipeline itself): `default` as it is, `no-rewrite` with
    rewrite=false, `mapper` none (the mapper alone)."""
    if logic == "mapper":
        return net
    from lutopt.api import run_passes
    from lutopt.dialects.gate import GateNetlistOp, netlist_of
    from lutopt.logic.exchange import netlist_module
    from lutopt.lowering.pipelines.lower_to_luts import LowerToLuts

    passes = [p for p in LowerToLuts(lut_size=k, rewrite=logic == "default").expand()
              if p.name.startswith("gate-") and p.name != "gate-map-luts"]
    module = netlist_module(net, "c")
    run_passes(module, passes, verify=False)
    (op,) = [o for o in module.walk() if isinstance(o, GateNetlistOp)]
    return netlist_of(op)


def blif_depth(path: Path) -> int:
    """LUT levels of a BLIF network (every `.names` with inputs is one level)."""
    fanins: dict[str, list[str]] = {}
    for line in path.read_text().replace("\\\n", " ").splitlines():
        if line.startswith(".names"):
            sigs = line.split()[1:]
            fanins[sigs[-1]] = sigs[:-1]
    depth: dict[str, int] = {}
    for root in fanins:
        stack = [root]
        while stack:
            sig = stack[-1]
            todo = [f for f in fanins.get(sig, []) if f in fanins and f not in depth]
            if todo:
                stack += todo
                continue
            stack.pop()
            ins = fanins[sig]
            depth[sig] = (1 + max((depth.get(f, 0) for f in ins), default=0)) if ins else 0
    return max(depth.values(), default=0)


def run_measured(cmd: list, timeout: float) -> tuple[int, float, float, str, float]:
    """(exit status, wall seconds, peak memory in MiB, stderr, CPU seconds) of one command.
    The CPU seconds (user + system) tell a run's cost on a busy machine."""
    import os

    t = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([str(c) for c in cmd], stdout=subprocess.DEVNULL, stderr=err)
        timer = None
        if timeout:
            import threading

            timer = threading.Timer(timeout, proc.kill)
            timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if timer is not None:
            timer.cancel()
        err.seek(0)
        text = err.read().decode(errors="replace")
    return proc.returncode, time.perf_counter() - t, usage.ru_maxrss / 1024, text, usage.ru_utime + usage.ru_stime


def lutopt_cli_flow(src: Path, k: int, tmp: Path, timeout: float) -> tuple[tuple[int, int, float] | None, Path, str]:
    """`lutopt-translate --import-aiger` then `lutopt -p lower-to-luts{lut-size=K} -t blif`
    as separate processes: ((LUTs, depth, seconds), the BLIF, a note with the peak memory)."""
    bindir = Path(sys.executable).parent
    mlir, blif = tmp / f"{src.stem}.mlir", tmp / f"{src.stem}.cli.blif"
    pipeline = f"lower-to-luts{{lut-size={k}}}"
    total, peak = 0.0, 0.0
    for cmd in ([bindir / "lutopt-translate", "--import-aiger", src, "-o", mlir],
                [bindir / "lutopt", mlir, "-p", pipeline, "-t", "blif", "-o", blif]):
        rc, secs, mib, err, _ = run_measured(cmd, timeout)
        total += secs
        peak = max(peak, mib)
        if rc:
            return None, blif, f"exit {rc}: {err.strip()[:200]}"
    return (blif_luts(blif), blif_depth(blif), total), blif, f"peak {peak:.0f} MiB"


def bench_epfl(args) -> int:
    from lutopt.logic.aiger import read_aiger
    from lutopt.logic.cover import cover_to_blif
    from lutopt.logic.mapping import MapParams, lut_map

    files = epfl_files(args)
    if not files:
        return 1
    k = args.lut_size
    params = MapParams(lut_size=k)
    if ABC is None:
        print("berkeley-abc not found: ABC columns and equivalence are skipped")
    if args.flow == "api":  # compile the mapper's kernels outside the measurements
        lut_map(read_aiger((files[0]).read_bytes(), files[0].name), params)

    flows = (IF_SCRIPT.format(k=k), DCH_SCRIPT.format(k=k))
    label = (f"the command-line tools (lutopt-translate --import-aiger; lutopt -p lower-to-luts{{lut-size={k}}} "
             f"-t blif), wall time of both processes, the BLIF proved" if args.flow == "cli" else LOGIC_LABELS[args.logic])
    print(f"K = {k}; LUTs / depth / seconds; lutopt: {label}")
    print(f"{'circuit':<11} {'gates':>7} | {'lutopt':^20} | {'ABC ' + flows[0]:^20} | {'ABC dch; if; mfs2':^20} | equiv")
    rows = []
    failures = 0
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        for f in files:
            t0 = time.perf_counter()
            note = ""
            if args.flow == "cli":
                net = read_aiger(f.read_bytes(), f.name)
                ours, cli_blif, note = lutopt_cli_flow(f, k, tmp, args.timeout)
                cover = cli_blif if ours is not None else None
            else:
                try:
                    net = read_aiger(f.read_bytes(), f.name)
                    cover, stats = with_timeout(args.timeout, lambda n: lut_map(lutopt_logic(n, k, args.logic), params), net)
                    ours = (cover.num_luts, cover.depth(), time.perf_counter() - t0)
                except Timeout:
                    ours, cover, net = None, None, read_aiger(f.read_bytes(), f.name)
            ref_if = abc_map(f"read {f}", flows[0], args.timeout, tmp)
            ref_dch = abc_map(f"read {f}", flows[1], args.timeout, tmp) if not args.no_dch else None
            eq = "-"
            if cover is not None and not args.no_cec:
                if args.flow == "cli":
                    blif = cover
                else:
                    blif = tmp / f"{f.stem}.blif"
                    blif.write_text(cover_to_blif(cover, f.stem))
                eq = abc_cec(f, blif, args.timeout)
                if eq in ("timeout", "no ABC", "?") and args.flow == "cli":
                    eq += ", not simulated (cli flow)"
                elif eq in ("timeout", "no ABC", "?"):
                    # fall back to simulation on random vectors
                    from lutopt.logic.cover import equivalent_by_simulation

                    eq += ", sim " + ("ok" if equivalent_by_simulation(net, cover, words=64) else "FAILS")
                    failures += "FAILS" in eq
                failures += eq == "NO"
            print(f"{f.stem:<11} {net.num_gates:>7} | {fmt(ours)} | {fmt(ref_if)} | {fmt(ref_dch)} | {eq}"
                  f"{'  (' + note + ')' if note else ''}", flush=True)
            if args.verbose and cover is not None and args.flow == "api":
                print(stats.report())
            rows.append((ours, ref_if, ref_dch))
    print_summary(rows, ("strash; if", "dch; if; mfs2"))
    tot = [sum(r[i][0] for r in rows if all(x is not None for x in r[:2])) for i in range(2)]
    print(f"total LUTs (circuits with both results): lutopt {tot[0]}, ABC if {tot[1]}")
    return 1 if failures else 0


# --------------------------------------------------------------------------------- neurons


def read_truth(path: Path) -> tuple[np.ndarray, int, int]:
    """A .truth file (one line of 2^n '0'/'1' per output, rightmost character minterm 0,
    the first input the least significant index bit) as lut-table values whose operand 0
    is the *last* input (so the table index equals the minterm number)."""
    lines = [ln.strip() for ln in path.read_text().splitlines() if ln.strip()]
    n = int(math.log2(len(lines[0])))
    values = np.zeros(1 << n, dtype=np.uint64)
    for o, ln in enumerate(lines):
        bits = np.frombuffer(ln[::-1].encode(), dtype=np.uint8) - ord("0")
        values |= bits.astype(np.uint64) << np.uint64(o)
    return values, n, len(lines)


def bench_neurons(args) -> int:
    from lutopt.logic.cover import cover_to_blif
    from lutopt.logic.decompose import DecomposeParams, TruthTable, decompose_tables

    folder = Path(args.neurons)
    files = sorted(folder.glob("*.truth"))
    if not files:
        print(f"no .truth files in {folder}", file=sys.stderr)
        return 1
    k = args.lut_size
    flows = (f"collapse; strash; dch -f; if -K {k}; mfs2", f"collapse; strash; if -K {k}")
    print(f"K = {k}; LUTs / depth / seconds; lutopt: its table decomposition (lut-decompose, as lower-to-luts covers tables)")
    print(f"{'table':<8} | {'lutopt':^20} | {'ABC collapse; dch; if; mfs2':^20} | {'ABC collapse; if':^20} | equiv")
    rows = []
    failures = 0
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        for f in files:
            values, n, m = read_truth(f)
            t0 = time.perf_counter()
            # table input j is file input n-1-j; cover input c is file input c
            table = TruthTable(values, n, m, inputs=[n - 1 - j for j in range(n)])
            cover, _ = decompose_tables([table], DecomposeParams(lut_size=k))
            ours = (cover.num_luts, cover.depth(), time.perf_counter() - t0)
            read = f"read_truth -xf {f}"
            ref_dch = abc_map(read, flows[0], args.timeout, tmp)
            ref_if = abc_map(read, flows[1], args.timeout, tmp)
            ref_aig = tmp / "ref.aig"
            run_abc(f"{read}; collapse; strash; write_aiger {ref_aig}", args.timeout)
            blif = tmp / f"{f.stem}.blif"
            blif.write_text(cover_to_blif(cover, f.stem))
            eq = abc_cec(ref_aig, blif, args.timeout) if ABC else "no ABC"
            failures += eq == "NO"
            print(f"{f.stem:<8} | {fmt(ours)} | {fmt(ref_dch)} | {fmt(ref_if)} | {eq}", flush=True)
            rows.append((ours, ref_dch, ref_if))
    print_summary(rows, ("collapse; dch; if; mfs2", "collapse; if"))
    for i, label in ((0, "lutopt"), (1, "ABC dch; if; mfs2"), (2, "ABC if")):
        vals = [r[i] for r in rows if r[i] is not None]
        if vals:
            print(f"total {label}: {sum(v[0] for v in vals)} LUTs, max depth {max(v[1] for v in vals)}")
    return 1 if failures else 0


# --------------------------------------------------------------------------------- random


def bench_random(args) -> int:
    from lutopt.logic.aiger import write_aiger
    from lutopt.logic.random_netlist import random_layered_netlist, with_hidden_constants

    layers, width = 16, args.random_gates // 16
    net = random_layered_netlist(args.random_inputs, layers, width, seed=1,
                                 functions=np.array([1, 2, 4, 6, 7, 8, 9, 11, 13, 14]))
    if args.random_consts:
        net = with_hidden_constants(net, args.random_consts, seed=2)
    bindir = Path(args.bin) if args.bin else Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        aig = tmp / "random.aig"
        aig.write_bytes(write_aiger(net))
        if args.keep:
            shutil.copy(aig, args.keep)
        print(f"layered random network: {net.num_inputs} inputs, {net.num_gates} gates in {layers} layers, "
              f"{net.num_outputs} outputs ({args.random_consts} of them constant, found only by optimisation; "
              f"{'an input, its complement and a repeated output' if args.random_consts else 'no others added'})")
        mlir, mapped, blif = tmp / "random.mlir", tmp / "mapped.mlir", tmp / "mapped.blif"
        if args.cli_only:  # the flow: import, then lower-to-luts with -t blif
            steps = [
                ("import AIGER", [bindir / "lutopt-translate", "--import-aiger", aig, "-o", mlir]),
                (f"{PIPELINE} -t blif", [bindir / "lutopt", mlir, "-p", PIPELINE, "-t", "blif", "-o", blif]),
            ]
        else:
            steps = [
                ("import AIGER", [bindir / "lutopt-translate", "--import-aiger", aig, "-o", mlir]),
                (f"{PIPELINE}", [bindir / "lutopt", mlir, "-p", PIPELINE, "-o", mapped]),
                ("export BLIF", [bindir / "lutopt-translate", "--export-blif", mapped, "-o", blif]),
            ]
        total = cpu_total = 0.0
        peak = 0.0
        for label, cmd in steps:
            before = load()
            rc, secs, mib, err, cpu = run_measured(cmd, 0)
            peak = max(peak, mib)
            total += secs
            cpu_total += cpu
            print(f"  {label:<28} {secs:7.2f} s  (CPU {cpu:6.2f} s, {mib:5.0f} MiB, exit {rc}; {before} -> {load()[5:]})"
                  f"{'  ' + err.strip()[:200] if rc else ''}", flush=True)
            if rc:
                return 1
        luts = blif_luts(blif)
        print(f"  total {total:.2f} s (CPU {cpu_total:.2f} s), peak memory of a step {peak:.0f} MiB; lutopt {luts} LUTs, "
              f"depth {blif_depth(blif)}, {blif_constants(blif)} constant outputs in the BLIF", flush=True)
        if args.keep:
            shutil.copy(blif, args.keep)
        # the driver's BLIF target: no mapped MLIR text in between
        direct = tmp / "direct.blif"
        if args.no_api or args.cli_only:
            print("  (--no-api: the one-step -t blif run and the one-process flow skipped)")
        else:
            one_step(tmp, mlir, blif, direct)
        ref = abc_map(f"read {aig}", IF_SCRIPT.format(k=6), args.timeout, tmp)
        if ref:
            print(f"  ABC strash; if -K 6: {ref[0]} LUTs, depth {ref[1]}, {ref[2]:.1f} s  (ratio {luts / ref[0]:.4f}; "
                  f"{load()})")
        if not args.no_cec:
            eq, secs = abc_gia_cec(aig, blif, args.timeout, args.proof)
            eq += f" ({args.proof}: {PROOFS[args.proof].split(';')[-1].strip()}, {secs:.0f} s, {load()})"
            if eq != "yes":
                from lutopt.logic.blif import read_blif
                from lutopt.logic.cover import random_vectors

                back = read_blif(blif.read_text(), blif.name)
                vec = random_vectors(net.num_inputs, 64, seed=5)
                same = np.array_equal(net.simulate(vec), back.simulate(vec))
                eq += f"; BLIF read back and simulated on 4096 random vectors: {'equal' if same else 'DIFFERENT'}"
            print(f"  ABC proof: {eq}")
    return 0


def one_step(tmp: Path, mlir: Path, blif: Path, direct: Path) -> None:
    """`lutopt -p PIPELINE -t blif` (must write the three-step BLIF), then the flow in one
    process through the Python API (no MLIR text in between)."""
    bindir = Path(sys.executable).parent
    rc, secs, mib, _, cpu = run_measured([bindir / "lutopt", mlir, "-p", PIPELINE, "-t", "blif", "-o", direct], 0)
    same = rc == 0 and direct.read_bytes() == blif.read_bytes()
    print(f"  lutopt -p {PIPELINE} -t blif: {secs:.2f} s (CPU {cpu:.2f} s, {mib:.0f} MiB, exit {rc}); "
          f"{'the same BLIF' if same else 'DIFFERENT BLIF'}", flush=True)
    blif2 = tmp / "mapped_api.blif"
    res = subprocess.run([sys.executable, __file__, "--api-flow", str(tmp / "random.aig"), str(blif2)],
                         capture_output=True, text=True)
    print(res.stdout.rstrip() or res.stderr[-500:], flush=True)


def api_flow(aig: str, blif: str) -> int:
    """AIGER -> gate.netlist -> gate-map-luts -> BLIF in this process, timed."""
    from xdsl.context import Context

    from lutopt.logic.aiger import read_aiger
    from lutopt.logic.exchange import function_blif, netlist_module, select_function

    print("  in one process (Python API):")
    t0 = t = time.perf_counter()
    module = netlist_module(read_aiger(Path(aig).read_bytes(), Path(aig).name), "random")
    print(f"    read AIGER, build gate.netlist  {time.perf_counter() - t:7.2f} s")
    t = time.perf_counter()
    from lutopt.universe import lutopt_passes

    name = PIPELINE.split("{")[0]
    pipeline = lutopt_passes()[name]()(lut_size=6)
    pipeline.apply(Context(), module)
    print(f"    {PIPELINE:<31} {time.perf_counter() - t:7.2f} s")
    t = time.perf_counter()
    Path(blif).write_text(function_blif(select_function(module)))
    print(f"    write BLIF                      {time.perf_counter() - t:7.2f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"    total {time.perf_counter() - t0:.2f} s, peak memory {peak:.0f} MiB, {blif_luts(Path(blif))} LUTs")
    return 0


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--api-flow":
        return api_flow(sys.argv[2], sys.argv[3])
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", nargs="?", default=str(DEFAULT_EPFL), help="folder of EPFL .aig files")
    ap.add_argument("--hyp", action="store_true", help="include hyp (214k gates; ABC's dch flow takes very long)")
    ap.add_argument("--only", help="comma-separated circuit names")
    ap.add_argument("--lut-size", type=int, default=6)
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per tool and circuit")
    ap.add_argument("--no-dch", action="store_true", help="skip ABC's dch; if; mfs2 flow")
    ap.add_argument("--no-cec", action="store_true", help="skip the equivalence check")
    ap.add_argument("--neurons", nargs="?", const=str(DEFAULT_NEURONS), help="LogicNets neuron tables instead")
    ap.add_argument("--random", action="store_true", help="the 256k-gate random network flow instead")
    ap.add_argument("--random-gates", type=int, default=256_000)
    ap.add_argument("--random-inputs", type=int, default=1024)
    ap.add_argument("--random-consts", type=int, default=16,
                    help="outputs of the random network that are constant but only optimisation shows it "
                         "(plus an input, its complement and a repeated output); 0 for none")
    ap.add_argument("--no-api", action="store_true",
                    help="--random: only the command-line steps, ABC and the proof (no -t blif rerun, no API flow)")
    ap.add_argument("--cli-only", action="store_true",
                    help="--random: only the issue's command-line flow (lutopt-translate --import-aiger; "
                         "lutopt -p lower-to-luts{lut-size=6} -t blif), ABC and the proof")
    ap.add_argument("--bin", help="--random: the folder of the lutopt tools to time (default: this Python's; "
                                  "another checkout's .venv/bin compares before and after)")
    ap.add_argument("--proof", choices=list(PROOFS), default="gia",
                    help="--random: the ABC command sequence that proves the BLIF (default gia: &cec)")
    ap.add_argument("--keep", help="--random: copy the AIG and lutopt's BLIF into this folder")
    ap.add_argument("--extra", action="append", default=[], metavar="PATH",
                    help="more .aig files, or folders of them, next to the EPFL folder's (repeatable)")
    ap.add_argument("--flow", choices=["api", "cli"], default="api",
                    help="cli: lutopt's result is the command-line flow (lutopt-translate --import-aiger, "
                         "lutopt -p lower-to-luts{lut-size=K} -t blif), timed with its peak memory")
    ap.add_argument("--logic", choices=list(LOGIC_LABELS), default="default",
                    help="what lutopt runs before its mapper on each circuit (default: what lower-to-luts runs)")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    if args.neurons:
        return bench_neurons(args)
    if args.random:
        return bench_random(args)
    return bench_epfl(args)


if __name__ == "__main__":
    sys.exit(main())
