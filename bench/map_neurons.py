#!/usr/bin/env python3
"""LogicNets neuron tables to 6-LUTs: lutopt's table decomposition against ABC, same run.

For every `exNN.truth` in the benchmark folder (default: ../shared/benchmarks/logicnets-neurons
next to the repository) this script

1. reads the table (one line per output bit, 2^n characters, the rightmost is minterm 0, the
   first input is the least significant bit of the minterm number) and covers it with
   `lutopt.logic.decompose.decompose_tables` for K = --lut-size;
2. writes the cover as BLIF (one `.names` per LUT; inputs in the file's order, so cover
   input i is the file's input i) and proves it equivalent with ABC: the reference is the
   table read by ABC itself, `read_truth -xf F; collapse; strash`, compared by `cec -n`
   (inputs and outputs matched by order);
3. runs ABC's own flow on the same table, `read_truth -xf F; collapse; strash; dch -f;
   if -K K; mfs2`, and reads its LUT count and depth;

and prints one row per neuron (LUTs, depth and seconds for both, the equivalence result)
and the totals. The acceptance bar of issue 3 is checked at the end: total lutopt LUTs no
more than ABC's, every lutopt depth at most --max-depth (6), every cover equivalent; the
exit status is 0 when it holds.

    .venv/bin/python bench/map_neurons.py [--dir DIR] [--lut-size 6] [--keep DIR]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DIR = REPO.parent / "shared" / "benchmarks" / "logicnets-neurons"


def read_truth(path: Path) -> tuple[np.ndarray, int, int]:
    """(entries, n, m): entry i holds output bit k in bit k, for minterm number i."""
    lines = [ln.strip() for ln in path.read_text().split() if ln.strip()]
    size = len(lines[0])
    n = size.bit_length() - 1
    if 1 << n != size or any(len(ln) != size for ln in lines):
        raise ValueError(f"{path}: lines must all have 2^n characters")
    values = np.zeros(size, dtype=np.uint64)
    for k, ln in enumerate(lines):
        bits = (np.frombuffer(ln.encode(), dtype=np.uint8) - ord("0"))[::-1].astype(np.uint64)
        if bits.max(initial=0) > 1:
            raise ValueError(f"{path}: line {k + 1} is not binary")
        values |= bits << np.uint64(k)
    return values, n, len(lines)


def abc(abc_bin: str, script: str, cwd: Path) -> str:
    res = subprocess.run([abc_bin, "-c", script], cwd=cwd, capture_output=True, text=True, timeout=600, check=False)
    out = res.stdout + res.stderr
    if res.returncode != 0:
        raise RuntimeError(f"ABC failed on '{script}':\n{out}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="folder of .truth files")
    ap.add_argument("--lut-size", type=int, default=6)
    ap.add_argument("--max-depth", type=int, default=6, help="the depth bar checked at the end")
    ap.add_argument("--abc", default=shutil.which("berkeley-abc") or shutil.which("yosys-abc") or "abc")
    ap.add_argument("--keep", type=Path, help="keep the BLIF and AIGER files in this folder")
    ap.add_argument("--only", nargs="*", help="benchmark names to run (default: all)")
    args = ap.parse_args(argv)

    sys.path.insert(0, str(REPO / "python"))
    from lutopt.logic.cover import cover_to_blif, exhaustive_vectors, simulate_cover
    from lutopt.logic.decompose import DecomposeParams, TruthTable, decompose_tables

    files = sorted(args.dir.glob("*.truth"))
    if args.only:
        files = [f for f in files if f.stem in args.only]
    if not files:
        print(f"no .truth files in {args.dir}", file=sys.stderr)
        return 2
    if shutil.which(args.abc) is None:
        print(f"ABC not found ('{args.abc}'); install berkeley-abc", file=sys.stderr)
        return 2
    k = args.lut_size
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="map_neurons_"))
    work.mkdir(parents=True, exist_ok=True)

    header = f"{'table':<8}{'in':>4}{'out':>4} | {'lutopt':>7}{'depth':>6}{'time':>8} | {'abc':>7}{'depth':>6}{'time':>8} | {'ratio':>6}  equivalent"
    print(f"K = {k}; lutopt: decompose_tables defaults; abc: read_truth -xf; collapse; strash; dch -f; if -K {k}; mfs2")
    print(header)
    print("-" * len(header))
    totals = {"luts": 0, "abc": 0, "t": 0.0, "tabc": 0.0}
    worst_depth = worst_abc_depth = 0
    all_equal = True
    for f in files:
        values, n, m = read_truth(f)
        # Table input j (operand j, most significant first) is the file's input n-1-j; make
        # it cover input n-1-j, so that cover input i is the file's input i.
        table = TruthTable(values, n, m, inputs=[n - 1 - j for j in range(n)])
        t0 = time.perf_counter()
        cover, _ = decompose_tables([table], DecomposeParams(lut_size=k))
        t_ours = time.perf_counter() - t0
        cover.input_names = [f"x{i}" for i in range(n)]
        cover.output_names = [f"y{o}" for o in range(m)]
        ours = work / f"{f.stem}.lutopt.blif"
        ours.write_text(cover_to_blif(cover, model=f.stem))

        # Simulation as a second check: cover input i is bit i of the minterm number.
        sim = simulate_cover(cover, exhaustive_vectors(n))
        got = np.unpackbits(sim.astype("<u8").view(np.uint8), axis=1, bitorder="little")[:, : 1 << n]
        want = np.array([(values >> np.uint64(o)) & np.uint64(1) for o in range(m)], dtype=np.uint8)
        sim_ok = bool(np.array_equal(got, want))

        ref = work / f"{f.stem}.ref.aig"
        t0 = time.perf_counter()
        out = abc(args.abc, f"read_truth -xf {f}; collapse; strash; write_aiger {ref}; dch -f; if -K {k}; mfs2; print_stats", work)
        t_abc = time.perf_counter() - t0
        nd = re.search(r"nd\s*=\s*(\d+)", out)
        lev = re.search(r"lev\s*=\s*(\d+)", out)
        if not nd or not lev:
            raise RuntimeError(f"cannot read ABC's statistics:\n{out}")
        abc_luts, abc_depth = int(nd.group(1)), int(lev.group(1))
        cec = abc(args.abc, f"cec -n {ref} {ours}", work)
        equal = "Networks are equivalent" in cec and sim_ok
        all_equal &= equal
        verdict = "yes (cec)" if equal else ("NO: " + ("cec" if sim_ok else "simulation") + " failed")

        totals["luts"] += cover.num_luts
        totals["abc"] += abc_luts
        totals["t"] += t_ours
        totals["tabc"] += t_abc
        worst_depth = max(worst_depth, cover.depth())
        worst_abc_depth = max(worst_abc_depth, abc_depth)
        print(
            f"{f.stem:<8}{n:>4}{m:>4} | {cover.num_luts:>7}{cover.depth():>6}{t_ours:>7.2f}s | "
            f"{abc_luts:>7}{abc_depth:>6}{t_abc:>7.2f}s | {cover.num_luts / abc_luts:>6.2f}  {verdict}",
            flush=True,
        )
    print("-" * len(header))
    print(
        f"{'total':<16} | {totals['luts']:>7}{worst_depth:>6}{totals['t']:>7.1f}s | "
        f"{totals['abc']:>7}{worst_abc_depth:>6}{totals['tabc']:>7.1f}s | {totals['luts'] / totals['abc']:>6.2f}  "
        f"{'all equivalent' if all_equal else 'NOT ALL EQUIVALENT'}"
    )
    bar = totals["luts"] <= totals["abc"] and worst_depth <= args.max_depth and all_equal
    print(
        f"bar (total LUTs <= ABC's, depth <= {args.max_depth}, all equivalent): {'met' if bar else 'NOT met'}"
    )
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if bar else 1


if __name__ == "__main__":
    sys.exit(main())
