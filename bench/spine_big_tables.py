"""Spine benchmark (issue 2): two layers of 1,000 tables of 12 input bits each (hex
tables, 8M entries) from .mlir to Verilog with `lutopt -p lower-to-rtl -t verilog`.

Prints wall time and peak memory of the lutopt process (the target is <= 30 s and
<= 4 GiB on a 2-core machine). Not part of the test suite: run it on request,

    .venv/bin/python bench/spine_big_tables.py [--tables 1000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np


def write_model(path: str, tables: int, seed: int = 1) -> int:
    """Layer 1: `tables` tables of three i4 operands (12 bits) over 64 i4 inputs;
    layer 2: `tables` tables over three layer-1 results. Returns the entry count."""
    rng = np.random.default_rng(seed)
    n_in = 64
    with open(path, "w") as f:
        args = ", ".join(f"%x{i}: i4" for i in range(n_in))
        rets = ", ".join("i4" for _ in range(tables))
        f.write(f"func.func @big({args}) -> ({rets}) {{\n")
        for layer, (prefix, src, n_src) in enumerate((("h", "x", n_in), ("y", "h", tables))):
            for t in range(tables):
                ops = ", ".join(f"%{src}{i}" for i in rng.choice(n_src, 3, replace=False))
                data = rng.integers(0, 16, 4096, dtype=np.uint8).tobytes().hex().upper()
                f.write(f'  %{prefix}{t} = lut.table({ops}) "0x{data}" : (i4, i4, i4) -> i4\n')
        f.write("  func.return " + ", ".join(f"%y{t}" for t in range(tables)) + f" : {rets}\n}}\n")
    return 2 * tables * 4096


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tables", type=int, default=1000, help="tables per layer (default 1000)")
    ap.add_argument("--keep", help="write the files into this folder and keep them")
    ap.add_argument("--passes", default="lower-to-rtl")
    args = ap.parse_args()
    folder = args.keep or tempfile.mkdtemp(prefix="lutopt-bench-")
    os.makedirs(folder, exist_ok=True)
    src = os.path.join(folder, "big.mlir")
    out = os.path.join(folder, "big.v")
    t0 = time.perf_counter()
    entries = write_model(src, args.tables)
    print(f"wrote {src}: {2 * args.tables} tables, {entries:,} entries, "
          f"{os.path.getsize(src) / 2**20:.1f} MiB in {time.perf_counter() - t0:.1f} s")
    lutopt = os.path.join(os.path.dirname(sys.executable), "lutopt")
    cmd = [lutopt, src, "-p", args.passes, "-t", "verilog", "-o", out]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode != 0:
        print(proc.stderr, file=sys.stderr)
        return 1
    print(f"lutopt {' '.join(cmd[2:])}")
    print(f"  wall {wall:.1f} s, peak memory {peak_kib / 2**20:.2f} GiB, "
          f"Verilog {os.path.getsize(out) / 2**20:.1f} MiB, "
          f"{entries / wall / 1e6:.2f} M entries/s")
    ok = wall <= 30 and peak_kib <= 4 * 2**20
    print("  within the target (30 s, 4 GiB)" if ok else "  OVER the target (30 s, 4 GiB)")
    return 0 if ok else 2


if __name__ == "__main__":
    sys.exit(main())
