#!/usr/bin/env python3
"""The MNIST logic-gate network from PyTorch to simulated Verilog, checked on all 10,000 test images.

    nice -n 10 .venv/bin/python examples/mnist-logic/run.py [--limit N] [--json FILE]

Steps:
1. PyTorch: the bundled network (`model.npz`, rebuilt by `export.load`) on MNIST's test
   images (`lutopt.nn.data.load_mnist`): the binarised inputs (the model's own
   `Thermometer`), the GroupSum counts (outputs times tau) and the accuracy (argmax, lowest
   index on ties as `torch.argmax`).
2. Export: `torch_mlir.fx.export_and_import(model, x, output_type="linalg-on-tensors")`
   to BUILD/model.mlir, function `@mnist_logic`.
3. Compile: `lutopt model.mlir -p 'lower-to-rtl{lut-size=6}' -t verilog -o model.v` as a
   separate process (wall and CPU time), and in this process `lower-to-luts{lut-size=6}`
   for the figures: the network's gates (the `gate.netlist` nn-logic-to-gate makes), the
   design's 6-LUTs and their depth (longest chain of LUTs, popcount head included).
4. Simulate model.v with Verilator (`lutopt.sim.verilog_sim.simulate_verilog`) on the
   test images' input bits and compare the ten counts with PyTorch's, image by image; the
   hardware accuracy is the argmax of the simulated counts.

Exit status 0 when every simulated count equals PyTorch's. `--json FILE` writes the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
FUNC = "mnist_logic"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", type=Path, default=HERE / "model.npz")
    p.add_argument("--build", type=Path, default=HERE / "build", help="where model.mlir and model.v go")
    p.add_argument("--limit", type=int, default=0, help="only the first N test images")
    p.add_argument("--simulator", default="verilator", choices=["verilator", "iverilog"])
    p.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = p.parse_args(argv)
    args.build.mkdir(parents=True, exist_ok=True)
    fig: dict = {"model": str(args.model.name)}

    # -- 1. PyTorch ---------------------------------------------------------------------
    import torch

    sys.path.insert(0, str(HERE))
    from export import load  # the bundle's model, as export.py rebuilds it

    from lutopt.nn.data import load_mnist
    from lutopt.nn.logic import GroupSum, LogicLayer, Thermometer

    torch.set_num_threads(1)
    model = load(args.model)
    thermo, head = model[0], model[-1]
    assert isinstance(thermo, Thermometer) and isinstance(head, GroupSum)
    _, _, xte, yte = load_mnist()
    if args.limit:
        xte, yte = xte[: args.limit], yte[: args.limit]
    x = torch.from_numpy(xte.reshape(len(xte), -1).astype(np.float32) / 255.0)
    with torch.no_grad():
        bits = thermo(x).numpy().astype(np.uint64)
        scores = torch.cat([model(x[i:i + 2000]) for i in range(0, len(x), 2000)]).numpy()
    counts = np.rint(scores * head.tau).astype(np.int64)
    torch_acc = float((scores.argmax(1) == yte).mean())
    gates = sum(m.out_features for m in model if isinstance(m, LogicLayer))
    fig.update(images=len(yte), gates_trained=gates, pytorch_accuracy=torch_acc)
    print(f"1. PyTorch: {gates} gates, {len(yte)} test images, accuracy {torch_acc:.4f}", flush=True)

    # -- 2. export ------------------------------------------------------------------------
    from lutopt.nn.export import export_model

    t0 = time.perf_counter()
    src = args.build / "model.mlir"
    export_model(model, x[:1], src, func_name=FUNC)
    print(f"2. export: {src} ({src.stat().st_size // 1024} KiB) in {time.perf_counter() - t0:.1f} s", flush=True)

    # -- 3. compile -----------------------------------------------------------------------
    out_v = args.build / "model.v"
    cmd = [os.path.join(os.path.dirname(sys.executable), "lutopt"), str(src),
           "-p", "lower-to-rtl{lut-size=6}", "-t", "verilog", "-o", str(out_v)]
    t0 = time.perf_counter()
    r0 = os.times()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    r1 = os.times()
    wall, cpu = time.perf_counter() - t0, (r1.children_user - r0.children_user) + (r1.children_system - r0.children_system)
    if proc.returncode:
        print(f"run.py: error: step 3 (compile): {proc.stderr.strip()}", file=sys.stderr)
        return 1
    print(f"3. compile: lutopt {src.name} -p 'lower-to-rtl{{lut-size=6}}' -t verilog -o {out_v.name}: "
          f"{wall:.1f} s wall, {cpu:.1f} s CPU", flush=True)

    from lutopt.analysis.lut_depth import lut_depth
    from lutopt.api import parse_module, run_passes
    from lutopt.dialects.gate import GateNetlistOp, netlist_of

    module = parse_module(src.read_text(), str(src))
    run_passes(module, "nn-to-lut")
    nets = [netlist_of(o) for o in module.walk() if isinstance(o, GateNetlistOp)]
    net_gates = sum(n.num_gates for n in nets)
    run_passes(module, "lower-to-luts{lut-size=6}")
    luts, depth = lut_depth(module)
    fig.update(compile_wall_s=round(wall, 1), compile_cpu_s=round(cpu, 1), netlist_gates=net_gates,
               luts=luts, depth=depth)
    print(f"   the network's gate.netlist: {net_gates} gates (after nn-logic-to-gate); "
          f"the design: {luts} 6-LUTs, depth {depth} (popcount head included)", flush=True)

    # -- 4. simulate ----------------------------------------------------------------------
    from lutopt.sim.verilog_sim import simulate_verilog

    t0 = time.perf_counter()
    outs = simulate_verilog(str(out_v), FUNC, [bits[:, i] for i in range(bits.shape[1])],
                            simulator=args.simulator, timeout=3600)
    hw = np.stack(outs, axis=1).astype(np.int64)
    same = np.all(hw == counts, axis=1)
    hw_acc = float((hw.argmax(1) == yte).mean())
    fig.update(simulator=args.simulator, equal_images=int(same.sum()), hardware_accuracy=hw_acc)
    print(f"4. {args.simulator}: {int(same.sum())} / {len(same)} images with all ten counts equal to "
          f"PyTorch's ({time.perf_counter() - t0:.1f} s); hardware accuracy {hw_acc:.4f}, "
          f"PyTorch {torch_acc:.4f}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(fig, indent=2) + "\n")
    return 0 if bool(same.all()) else 1


if __name__ == "__main__":
    sys.exit(main())
