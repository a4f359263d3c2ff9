"""Times of the gate-level passes and of AIGER/BLIF exchange on a large netlist (not part
of the test run).

    .venv/bin/python bench/gate_passes.py [--gates 256000] [--inputs 256] [--cec]

Builds a random layered netlist (LILogicNet's CIFAR-10 size by default; gate functions
from the AND/OR/XOR families and inverters, so that constant propagation does not empty
it), and times each gate pass on it (through the pass, on the module), printing the
gate count and depth before and after; then the exchange: writing it as AIGER,
`lutopt-translate --import-aiger` (read, build the op, print), parsing that MLIR,
`--export-blif` and `--export-aiger`. With `--cec`, ABC's `cec` (with a time limit of
`--cec-seconds`) compares each pass's result with its input.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time

import numpy as np

from lutopt.api import emit, parse_module, run_passes
from lutopt.dialects.gate import GateNetlistOp
from lutopt.logic.aiger import write_aiger
from lutopt.logic.exchange import netlist_module
from lutopt.logic.random_netlist import random_layered
from lutopt.logic.simplify import depth
from lutopt.tools.lutopt_translate import export_aiger, export_blif, import_aiger

PASSES = ["gate-double-inversion", "gate-const-prop", "gate-strash", "gate-dce", "gate-balance"]


def the_netlist(module):
    return next(op for op in module.walk() if isinstance(op, GateNetlistOp)).netlist()


def abc_cec(a: str, b: str, seconds: int) -> str:
    abc = shutil.which("berkeley-abc")
    if abc is None:
        return "berkeley-abc not installed"
    t = time.perf_counter()
    try:
        # ABC does not always honour -T on hard miters: the subprocess timeout does.
        run = subprocess.run(
            [abc, "-c", f"cec -n -T {seconds} {a} {b}"], capture_output=True, text=True, timeout=seconds + 5
        )
    except subprocess.TimeoutExpired:
        return f"undecided in {seconds} s"
    if "Networks are equivalent" in run.stdout:
        verdict = "equivalent"
    elif "NOT EQUIVALENT" in run.stdout:
        verdict = "NOT EQUIVALENT"
    else:
        verdict = "undecided in the time limit"
    return f"{verdict} ({time.perf_counter() - t:.1f} s)"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gates", type=int, default=256_000)
    ap.add_argument("--inputs", type=int, default=256)
    ap.add_argument("--cec", action="store_true", help="prove each pass with ABC cec")
    ap.add_argument("--cec-seconds", type=int, default=120)
    args = ap.parse_args()
    fns = np.array([1, 2, 4, 6, 7, 8, 9, 11, 13, 14, 10, 12])
    net = random_layered(args.inputs, args.gates, functions=fns, seed=1)
    work = tempfile.mkdtemp(prefix="gate-bench-")
    print(f"netlist: {net.num_gates} gates, {net.num_inputs} inputs, {net.num_outputs} outputs, depth {depth(net)}")

    def timed(label: str, fn):
        t = time.perf_counter()
        result = fn()
        print(f"{label:28} {time.perf_counter() - t:7.3f} s")
        return result

    module = netlist_module(net, "net")
    for p in PASSES:
        before = the_netlist(module)
        timed(p, lambda: run_passes(module, p))
        after = the_netlist(module)
        print(f"{'':28} gates {before.num_gates} -> {after.num_gates}, depth {depth(before)} -> {depth(after)}")
        if args.cec:
            a, b = os.path.join(work, "before.aig"), os.path.join(work, "after.aig")
            with open(a, "wb") as f:
                f.write(write_aiger(before))
            with open(b, "wb") as f:
                f.write(write_aiger(after))
            print(f"{'':28} ABC cec: {abc_cec(a, b, args.cec_seconds)}")
    x = np.random.default_rng(0).integers(0, 2**63, (net.num_inputs, 4), dtype=np.uint64)
    print(f"{'':28} simulation equal (256 vectors): {np.array_equal(net.simulate(x), the_netlist(module).simulate(x))}")

    src = os.path.join(work, "net.aig")
    data = timed("write AIGER", lambda: write_aiger(net))
    with open(src, "wb") as f:
        f.write(data)
    text = timed("import-aiger (read+print)", lambda: import_aiger(data, src))
    print(f"{'':28} {len(text) / 1e6:7.1f} MB of MLIR")
    parsed = timed("parse + verify MLIR", lambda: parse_module(text, "net.mlir"))
    out = timed("print MLIR", lambda: emit(parsed))
    timed("export-blif", lambda: export_blif(out.encode(), "net.mlir", None))
    timed("export-aiger", lambda: export_aiger(out.encode(), "net.mlir", None))
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
