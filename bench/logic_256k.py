"""A 256,000-gate logic-gate network from its torch-mlir file to Verilog (issue 10).

The model (plain PyTorch, difflogic's relaxed form in eval mode): 3,072 inputs binarised by
one threshold, eight layers of 32,000 gates with random connections (`index_select`) and
random gate functions (the argmax of random weights, one-hot mixing the 16 relaxations),
GroupSum over 10 classes (tau = 100). Exported with torch-mlir (not timed), then

    lutopt MODEL.mlir -p 'lower-to-rtl{lut-size=6}' -t verilog -o MODEL.v

is timed as a separate process with its peak RSS (the issue's bar: 60 s, 4 GiB).

Checks and figures:
- equality with PyTorch: the mapped LUT level (`lower-to-luts{lut-size=6}`, what the
  Verilog prints) run by lutopt's interpreter on `--samples` random inputs, its GroupSum
  counts against PyTorch's outputs * tau (`--icarus N` also simulates the Verilog on the
  first N samples in Icarus);
- 6-LUTs and depth of the network's gate netlist (the `gate.netlist` nn-logic-to-gate
  makes, without the head) mapped by lutopt (gate clean-up, AIG optimisation,
  gate-map-luts) and by ABC (`strash; if -K 6` and `strash; dch -f; if -K 6; mfs2`) on the
  same netlist written as AIGER; and the whole design's 6-LUTs (with the popcount head).

    .venv/bin/python bench/logic_256k.py [--gates 32000] [--layers 8] [--inputs 3072]
        [--classes 10] [--samples 1000] [--icarus 0] [--no-abc] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from map_epfl import ABC, abc_map, lut_depth  # noqa: E402  (the shared ABC and LUT-count helpers)
LUTOPT = os.path.join(os.path.dirname(sys.executable), "lutopt")
NETWORK_PASSES = ("nn-to-lut,gate-const-prop,gate-recover-xors,gate-strash,gate-dce,"
                  "gate-aig-opt{probe-gain=0.005},gate-map-luts{lut-size=6}")


def build_model(n_in: int, gates: int, layers: int, classes: int, tau: float, seed: int = 0):
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    def relax(a, b):
        ab = a * b
        return torch.stack([
            torch.zeros_like(a), ab, a - ab, a, b - ab, b, a + b - 2 * ab, a + b - ab,
            1 - (a + b - ab), 1 - (a + b - 2 * ab), 1 - b, 1 - b + ab, 1 - a, 1 - a + ab, 1 - ab,
            torch.ones_like(a)], -1)

    class Layer(nn.Module):
        def __init__(self, nin, nout, g):
            super().__init__()
            self.w = nn.Parameter(torch.randn(nout, 16, generator=g))
            self.register_buffer("ia", torch.randint(0, nin, (nout,), generator=g))
            self.register_buffer("ib", torch.randint(0, nin, (nout,), generator=g))

        def forward(self, x):
            a, b = x.index_select(1, self.ia), x.index_select(1, self.ib)
            return (relax(a, b) * F.one_hot(self.w.argmax(-1), 16).float()).sum(-1)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            g = torch.Generator().manual_seed(seed)
            sizes = [n_in] + [gates] * layers
            self.layers = nn.ModuleList(Layer(sizes[i], sizes[i + 1], g) for i in range(layers))

        def forward(self, x):
            x = (x > 0.5).float()
            for layer in self.layers:
                x = layer(x)
            return x.reshape(x.shape[0], classes, -1).sum(-1) / tau

    return Net().eval()


def run_timed(cmd: list[str]) -> tuple[float, float, float, int, str]:
    """(wall s, CPU s, peak RSS GiB, exit status, stderr) of a child process."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    err = proc.stderr.read() if proc.stderr else ""
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 2**20, os.waitstatus_to_exitcode(status), err


def abc_flow(aig: Path, script: str, tmp: Path) -> tuple[int, int, float] | None:
    """(LUTs, depth, seconds) of an ABC flow on `aig` (map_epfl.abc_map), or None."""
    return abc_map(f"read {aig}", script, 3600, tmp)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gates", type=int, default=32000)
    ap.add_argument("--layers", type=int, default=8)
    ap.add_argument("--inputs", type=int, default=3072)
    ap.add_argument("--classes", type=int, default=10)
    ap.add_argument("--tau", type=float, default=100.0)
    ap.add_argument("--samples", type=int, default=1000)
    ap.add_argument("--icarus", type=int, default=0, help="also simulate the Verilog on this many samples")
    ap.add_argument("--no-abc", action="store_true")
    ap.add_argument("--keep", type=Path, help="keep the files in this folder")
    args = ap.parse_args(argv)

    import torch
    from torch_mlir import fx

    from lutopt.api import parse_module, run_passes
    from lutopt.dialects.gate import GateNetlistOp, netlist_of
    from lutopt.interpreters.core import Interpreter
    from lutopt.logic.aiger import write_aiger

    tmp = Path(tempfile.mkdtemp(prefix="logic256k-")) if args.keep is None else args.keep
    tmp.mkdir(parents=True, exist_ok=True)
    total = args.gates * args.layers
    print(f"model: {args.inputs} inputs, {args.layers} layers x {args.gates} gates = {total:,} gates, "
          f"GroupSum over {args.classes} classes (tau {args.tau})")
    model = build_model(args.inputs, args.gates, args.layers, args.classes, args.tau)
    t = time.perf_counter()
    text = str(fx.export_and_import(model, torch.zeros(1, args.inputs), output_type="linalg-on-tensors"))
    src = tmp / "model.mlir"
    src.write_text(text)
    print(f"torch-mlir export: {time.perf_counter() - t:.1f} s, {len(text) / 2**20:.1f} MiB of MLIR (not timed below)")

    out_v = tmp / "model.v"
    wall, cpu, rss, code, err = run_timed(
        [LUTOPT, str(src), "-p", "lower-to-rtl{lut-size=6}", "-t", "verilog", "-o", str(out_v)])
    if code != 0:
        print(err, file=sys.stderr)
        return 1
    print(f"lutopt MODEL.mlir -p 'lower-to-rtl{{lut-size=6}}' -t verilog: {wall:.1f} s wall, {cpu:.1f} s CPU, "
          f"peak RSS {rss:.2f} GiB, {out_v.stat().st_size / 2**20:.1f} MiB of Verilog "
          f"({'within' if wall <= 60 and rss <= 4 else 'OVER'} the 60 s / 4 GiB bar)")

    # Equality with PyTorch on the mapped LUT level.
    rng = np.random.default_rng(1)
    bits = rng.integers(0, 2, size=(args.samples, args.inputs))
    with torch.no_grad():
        y = model(torch.tensor(bits.astype(np.float32) * 0.5 + 0.25)).numpy()
    want = np.rint(y * args.tau).astype(np.int64)
    t = time.perf_counter()
    mapped = parse_module(text, str(src))
    run_passes(mapped, "lower-to-luts{lut-size=6}")
    luts_all, depth_all = lut_depth(mapped)
    got = np.stack(Interpreter(mapped).evaluate("main", [bits[:, i].astype(np.uint64) for i in range(args.inputs)]),
                   axis=1).astype(np.int64)
    same = np.all(got == want, axis=1)
    print(f"mapped LUT level vs PyTorch GroupSum counts: {same.sum()} / {len(same)} inputs equal "
          f"({time.perf_counter() - t:.1f} s); whole design: {luts_all:,} 6-LUTs, depth {depth_all}")
    ok = bool(same.all())
    if args.icarus:
        from lutopt.sim.verilog_sim import simulate_verilog

        n = args.icarus
        t = time.perf_counter()
        sim = np.stack(simulate_verilog(str(out_v), "main", [bits[:n, i].astype(np.uint64) for i in range(args.inputs)],
                                        simulator="iverilog", timeout=3600), axis=1).astype(np.int64)
        eq = np.all(sim == want[:n], axis=1)
        print(f"Icarus on the Verilog vs PyTorch: {eq.sum()} / {n} inputs equal ({time.perf_counter() - t:.1f} s)")
        ok = ok and bool(eq.all())

    # The network's gate netlist: lutopt's mapping against ABC's.
    gate_level = parse_module(text, str(src))
    run_passes(gate_level, "nn-to-lut")
    (gop,) = [o for o in gate_level.walk() if isinstance(o, GateNetlistOp)]
    net = netlist_of(gop)
    print(f"network gate netlist: {net.num_inputs} inputs, {net.num_gates:,} gates, {net.num_outputs:,} outputs")
    t = time.perf_counter()
    run_passes(gate_level, NETWORK_PASSES[len("nn-to-lut,"):])
    luts, depth = lut_depth(gate_level)
    rows = [("lutopt (gate passes, aig-opt, gate-map-luts)", luts, depth, time.perf_counter() - t)]
    if not args.no_abc:
        aig = tmp / "network.aig"
        aig.write_bytes(write_aiger(net))
        for name, script in (("ABC strash; if -K 6", "strash; if -K 6"),
                             ("ABC strash; dch -f; if -K 6; mfs2", "strash; dch -f; if -K 6; mfs2")):
            r = abc_flow(aig, script, tmp)
            if r is None:
                print(f"{name}: not available")
            else:
                rows.append((name, *r))
    print(f"{'6-LUT mapping of the network netlist':48} {'LUTs':>9} {'depth':>6} {'time':>8}")
    for name, n, d, s in rows:
        print(f"{name:48} {n:>9,} {d:>6} {s:>7.1f}s")
    if args.keep is None:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
