"""Exact and approximate multipliers: 6-LUTs and depth from lutopt and from ABC, and the
error of the approximate ones (issue 11).

For each operand width N (8, 12, 16 by default) and multiplier (exact, mitchell,
mitch-w6), the integer-level function

    %x = arith.extui %a : iN to i2N ; %y = arith.extui %b ... ; %p = arith.muli %x, %y

is compiled twice:

- lutopt: `lower-to-luts{lut-size=6 multiplier=M}` (convert-arith-to-gate, lutopt's gate
  clean-up and AIG rewriting, its K-LUT mapper); LUTs are the `lut.table` ops, depth the
  longest chain of them;
- ABC: the gate netlist that `convert-arith-to-gate{multiplier=M}` makes (before any
  lutopt optimisation), written as AIGER, then `strash; if -K 6` (and, for reference,
  `strash; dch -f; if -K 6; mfs2`), in the same run.

Error statistics (relative error |p - a*b| / (a*b) over pairs with a*b != 0): over all
operand pairs for N = 8, over `--samples` uniformly random pairs above, computed with
`lutopt.nn.approx` (bit-exact with the hardware: test/python/logic/test_arith_circuits.py).

    .venv/bin/python bench/multipliers.py [--widths 8 12 16] [--samples 1000000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from map_epfl import ABC, abc_map, lut_depth  # noqa: E402  (the shared ABC and LUT-count helpers)
MULTIPLIERS = ("exact", "mitchell", "mitch-w6")
ABC_FLOWS = {"abc if": "strash; if -K 6", "abc dch+mfs2": "strash; dch -f; if -K 6; mfs2"}


def product_function(n: int) -> str:
    return f"""
func.func @mul{n}(%a: i{n}, %b: i{n}) -> i{2 * n} {{
  %x = arith.extui %a : i{n} to i{2 * n}
  %y = arith.extui %b : i{n} to i{2 * n}
  %p = arith.muli %x, %y : i{2 * n}
  func.return %p : i{2 * n}
}}
"""


def lutopt_flow(n: int, multiplier: str) -> tuple[int, int, float]:
    from lutopt.api import parse_module, run_passes

    module = parse_module(product_function(n))
    t = time.perf_counter()
    run_passes(module, f"lower-to-luts{{lut-size=6 multiplier={multiplier}}}")
    luts, depth = lut_depth(module)
    return luts, depth, time.perf_counter() - t


def gate_netlist(n: int, multiplier: str):
    from lutopt.api import parse_module, run_passes
    from lutopt.dialects.gate import GateNetlistOp, netlist_of

    module = parse_module(product_function(n))
    run_passes(module, f"convert-arith-to-gate{{multiplier={multiplier}}}")
    (op,) = [o for o in module.walk() if isinstance(o, GateNetlistOp)]
    return netlist_of(op)


def abc_flow(aig: Path, script: str, tmp: Path) -> tuple[int, int] | None:
    """(LUTs, depth) of an ABC flow on `aig` (map_epfl.abc_map), or None."""
    r = abc_map(f"read {aig}", script, 1800, tmp)
    return None if r is None else r[:2]


def error_stats(n: int, multiplier: str, samples: int, seed: int = 0) -> tuple[float, float, str]:
    """(mean, worst relative error, what was measured)."""
    from lutopt.nn.approx import approx_mul

    if n <= 8:
        a, b = np.meshgrid(np.arange(1 << n), np.arange(1 << n), indexing="ij")
        a, b = a.ravel(), b.ravel()
        what = "all pairs"
    else:
        rng = np.random.default_rng(seed)
        a = rng.integers(0, 1 << n, samples)
        b = rng.integers(0, 1 << n, samples)
        what = f"{samples:,} random pairs"
    exact = a.astype(np.int64) * b.astype(np.int64)
    p = approx_mul(a, b, multiplier)
    nz = exact != 0
    rel = np.abs(p[nz] - exact[nz]) / exact[nz]
    return float(rel.mean()), float(rel.max()), what


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--widths", type=int, nargs="+", default=[8, 12, 16])
    ap.add_argument("--samples", type=int, default=1_000_000)
    ap.add_argument("--multipliers", nargs="+", default=list(MULTIPLIERS))
    args = ap.parse_args(argv)
    from lutopt.logic.aiger import write_aiger

    if ABC is None:
        print("berkeley-abc not found: the ABC columns are skipped", file=sys.stderr)
    head = ("| N | multiplier | gates | lutopt 6-LUTs | lutopt depth | abc if LUTs | abc if depth | "
            "abc dch+mfs2 LUTs | abc dch+mfs2 depth | mean rel. error | worst rel. error | error over | lutopt s |")
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        for n in args.widths:
            for m in args.multipliers:
                net = gate_netlist(n, m)
                aig = tmp / f"mul{n}_{m}.aig"
                aig.write_bytes(write_aiger(net))
                abc = {name: abc_flow(aig, script, tmp) for name, script in ABC_FLOWS.items()}
                luts, depth, secs = lutopt_flow(n, m)
                mean, worst, what = (0.0, 0.0, "-") if m == "exact" else error_stats(n, m, args.samples)
                cells = [str(n), m, str(net.num_gates), str(luts), str(depth)]
                for r in abc.values():
                    cells += [str(r[0]), str(r[1])] if r else ["-", "-"]
                cells += [f"{mean:.4%}", f"{worst:.4%}", what, f"{secs:.1f}"]
                print("| " + " | ".join(cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
