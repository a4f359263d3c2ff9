"""AIG rewriting benchmark: lutopt's own gate passes, aigverse's rewriting, resubstitution
and refactoring (`lutopt.logic.rewrite`), and ABC's `rewrite` / `resyn2`, run in the same
script, each followed by lutopt's 6-LUT mapper.

    .venv/bin/python bench/aig_rewrite.py [EPFL_DIR] [--hyp] [--only adder,div] [--no-cec]
    .venv/bin/python bench/aig_rewrite.py --scripts "rw; rs|rw; rs; rf; rwz; rs; rw"
    .venv/bin/python bench/aig_rewrite.py --random          # 256k-gate layered random netlist

For every circuit and flow: AND count and AIG depth after the optimisation, its wall
seconds (ABC's include reading the file), then 6-LUTs and LUT depth after
`lutopt.logic.mapping.lut_map` (as `gate-map-luts` runs it) and the mapper's seconds, and
ABC's `cec` of the optimised AIG against the source file. Flows:

    base    gate-const-prop; gate-strash; gate-dce  (what lower-to-luts runs today)
    own     base + gate-balance (lutopt's own passes)
    rw      aigverse cut rewriting                  (gate-rewrite)
    rs      aigverse resubstitution                 (gate-resub)
    rf      aigverse SOP refactoring                (gate-refactor)
    script  lutopt.logic.rewrite.DEFAULT_SCRIPT     (gate-aig-opt), and any --scripts
    abc-rw  ABC strash; rewrite
    abc-rs2 ABC strash; resyn2

The summary gives, per flow, the geometric means over the circuits of ANDs, LUTs and LUT
depth relative to `base`, and the total seconds. `hyp` (214k ANDs) only with `--hyp`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from map_epfl import ABC, DEFAULT_EPFL, abc_cec, epfl_files, geomean, run_abc

# resyn2 spelled out: berkeley-abc without an abc.rc does not know the alias
RESYN2 = ("balance; rewrite; refactor; balance; rewrite; rewrite -z; balance; refactor -z; "
          "rewrite -z; balance")
ABC_FLOWS = {"abc-rw": "strash; rewrite", "abc-rs2": f"strash; {RESYN2}"}


def lutopt_flows(scripts: list[str]):
    from lutopt.logic.balance import balance
    from lutopt.logic.rewrite import (
        DEFAULT_SCRIPT,
        AigOptStats,
        optimize,
        refactor,
        resubstitute,
        rewrite,
    )
    from lutopt.logic.simplify import propagate_constants, remove_dead_gates, strash

    def base(net):
        return remove_dead_gates(strash(propagate_constants(net)))

    def counted(algorithm):
        """A flow returning the netlist and the AND count of the optimised AIG (XORs
        recovered on the way back would count three ANDs each if counted again)."""

        def run(net):
            st = AigOptStats()
            out = algorithm(net, st)
            return out, st.ands_after

        return run

    flows = {
        "base": lambda net: (base(net), None),
        "own": lambda net: (balance(base(net)), None),
        "rw": counted(lambda net, st: rewrite(net, stats=st)),
        "rs": counted(lambda net, st: resubstitute(net, stats=st)),
        "rf": counted(lambda net, st: refactor(net, stats=st)),
        "script": counted(lambda net, st: optimize(net, DEFAULT_SCRIPT, st)),
    }
    for k, s in enumerate(scripts):
        flows[f"s{k + 1}"] = counted(lambda net, st, s=s: optimize(net, s, st))
    return flows


def aig_depth_of(net) -> int:
    from lutopt.logic.aigverse_io import netlist_to_aig
    from lutopt.logic.rewrite import aig_depth

    return aig_depth(netlist_to_aig(net))


def abc_optimise(src: Path, script: str, out: Path, timeout: float):
    """ABC's AIG after `script` (as a GateNetlist) and its wall seconds, or (None, secs)."""
    from lutopt.logic.aiger import read_aiger

    out.unlink(missing_ok=True)
    text, secs = run_abc(f"read {src}; {script}; write_aiger {out}", timeout)
    if text is None or not out.exists():
        return None, secs
    return read_aiger(out.read_bytes(), out.name), secs


def select(flows: dict, args) -> dict:
    if not args.flows:
        return flows
    keep = set(args.flows.split(",")) | {"base"}
    return {k: v for k, v in flows.items() if k in keep}


def measure(name, net, opt_secs, src, tmp, args, rows, circuit, ands=None):
    from lutopt.logic.aiger import write_aiger
    from lutopt.logic.mapping import MapParams, lut_map

    t = time.perf_counter()
    cover, _ = lut_map(net, MapParams(lut_size=6))
    map_secs = time.perf_counter() - t
    if ands is None and np.isin(net.fn, (1, 2, 4, 8, 7, 11, 13, 14)).all():
        ands = net.num_gates
    if ands is None:  # not an AIG (XOR gates): count through the conversion
        from lutopt.logic.aigverse_io import netlist_to_aig

        ands = int(netlist_to_aig(net).num_gates)
    depth = aig_depth_of(net)
    eq = "-"
    if src is not None and not args.no_cec and ABC:
        opt = tmp / f"{name}.aig"
        opt.write_bytes(write_aiger(net))
        eq = abc_cec(src, opt, args.timeout)
    row = (circuit, name, ands, depth, opt_secs, cover.num_luts, cover.depth(), map_secs, eq)
    rows.append(row)
    print(f"{circuit:<11} {name:<8} {ands:>8} {depth:>6} {opt_secs:>8.2f} | {cover.num_luts:>7} {cover.depth():>5} "
          f"{map_secs:>7.2f} | {eq}", flush=True)


def header():
    print(f"{'circuit':<11} {'flow':<8} {'ANDs':>8} {'depth':>6} {'opt s':>8} | {'6-LUTs':>7} {'depth':>5} "
          f"{'map s':>7} | cec")


def summary(rows, flows):
    circuits = sorted({r[0] for r in rows})
    by = {(r[0], r[1]): r for r in rows}
    print()
    print("geomean over circuits, relative to `base` (LUTs and depth after lutopt's 6-LUT mapper); "
          "total seconds")
    print(f"{'flow':<8} {'n':>3} {'ANDs':>7} {'LUTs':>7} {'LUT depth':>9} {'opt s':>8} {'map s':>8}  cec")
    for f in flows:
        pairs = [(by[(c, f)], by[(c, "base")]) for c in circuits if (c, f) in by and (c, "base") in by]
        if not pairs:
            continue
        ga = geomean([max(a[2], 1) / max(b[2], 1) for a, b in pairs])
        gl = geomean([max(a[5], 1) / max(b[5], 1) for a, b in pairs])
        gd = geomean([max(a[6], 1) / max(b[6], 1) for a, b in pairs])
        ts = sum(a[4] for a, _ in pairs)
        tm = sum(a[7] for a, _ in pairs)
        eqs = [a[8] for a, _ in pairs]
        eq = "all yes" if all(e == "yes" for e in eqs) else " ".join(sorted(set(eqs)))
        print(f"{f:<8} {len(pairs):>3} {ga:>7.4f} {gl:>7.4f} {gd:>9.4f} {ts:>8.2f} {tm:>8.2f}  {eq}")


def bench_epfl(args) -> int:
    from lutopt.logic.aiger import read_aiger
    from lutopt.logic.mapping import MapParams, lut_map
    from lutopt.logic.rewrite import DEFAULT_SCRIPT, rewrite

    files = epfl_files(args)
    if not files:
        return 1
    scripts = [s for s in (args.scripts or "").split("|") if s.strip()]
    flows = select(lutopt_flows(scripts), args)
    abc_flows = select(ABC_FLOWS, args)
    # compile the mapper's and the converters' kernels outside the measurements
    warm = read_aiger(files[0].read_bytes(), files[0].name)
    lut_map(warm, MapParams(lut_size=6))
    rewrite(warm)
    print(f"script = {DEFAULT_SCRIPT!r}; " + "; ".join(f"s{k + 1} = {s!r}" for k, s in enumerate(scripts)))
    if ABC is None:
        print("berkeley-abc not found: ABC flows and cec are skipped")
    header()
    rows: list[tuple] = []
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        for f in files:
            net = read_aiger(f.read_bytes(), f.name)
            for name, fn in flows.items():
                t = time.perf_counter()
                out, ands = fn(net)
                measure(name, out, time.perf_counter() - t, f, tmp, args, rows, f.stem, ands)
            if ABC is None:
                continue
            for name, script in abc_flows.items():
                out, secs = abc_optimise(f, script, tmp / "abc_out.aig", args.timeout)
                if out is not None:
                    measure(name, out, secs, f, tmp, args, rows, f.stem)
    summary(rows, list(flows) + list(abc_flows))
    return 1 if any(r[8] == "NO" for r in rows) else 0


def bench_random(args) -> int:
    """The 256k-gate layered random netlist of bench/map_epfl.py --random."""
    from lutopt.logic.aiger import write_aiger
    from lutopt.logic.random_netlist import random_layered_netlist
    from lutopt.logic.rewrite import AigOptStats, optimize

    layers, width = 16, args.random_gates // 16
    net = random_layered_netlist(args.random_inputs, layers, width, seed=1,
                                 functions=np.array([1, 2, 4, 6, 7, 8, 9, 11, 13, 14]))
    print(f"layered random netlist: {net.num_inputs} inputs, {net.num_gates} gates in {layers} layers")
    scripts = [s for s in (args.scripts or "").split("|") if s.strip()]
    flows = select(lutopt_flows(scripts), args)
    header()
    rows: list[tuple] = []
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        src = tmp / "random.aig"
        src.write_bytes(write_aiger(net))
        for name, fn in flows.items():
            t = time.perf_counter()
            out, ands = fn(net)
            measure(name, out, time.perf_counter() - t, src, tmp, args, rows, "random", ands)
        st = AigOptStats()
        optimize(net, "rw", st)
        print(st.report())
        if ABC is not None:
            for name, script in select(ABC_FLOWS, args).items():
                out, secs = abc_optimise(src, script, tmp / "abc_out.aig", args.timeout)
                if out is not None:
                    measure(name, out, secs, src, tmp, args, rows, "random")
    return 1 if any(r[8] == "NO" for r in rows) else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", nargs="?", default=str(DEFAULT_EPFL), help="folder of EPFL .aig files")
    ap.add_argument("--hyp", action="store_true", help="include hyp (214k ANDs)")
    ap.add_argument("--only", help="comma-separated circuit names")
    ap.add_argument("--scripts", help="extra optimize() scripts, separated by |")
    ap.add_argument("--flows", help="comma-separated flow names to run (default: all; base always runs)")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per ABC run")
    ap.add_argument("--no-cec", action="store_true", help="skip ABC's equivalence checks")
    ap.add_argument("--random", action="store_true", help="the 256k-gate random netlist instead")
    ap.add_argument("--random-gates", type=int, default=256_000)
    ap.add_argument("--random-inputs", type=int, default=1024)
    args = ap.parse_args()
    if args.random:
        return bench_random(args)
    return bench_epfl(args)


if __name__ == "__main__":
    sys.exit(main())
