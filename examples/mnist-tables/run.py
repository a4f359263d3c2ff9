#!/usr/bin/env python3
"""An MNIST table model from PyTorch to simulated Verilog, checked on all 10,000 test images.

    nice -n 10 .venv/bin/python examples/mnist-tables/run.py logicnets [--yosys]
    nice -n 10 .venv/bin/python examples/mnist-tables/run.py neuralut  [--yosys]

Steps (the digits example's path, examples/digits/run.py, for a bundle given by name):
1. PyTorch: the bundle's model (`model.pt`, `lutopt.nn.train.load_bundle`) on MNIST's test
   images (`lutopt.nn.data`): input codes, output codes, accuracy.
2. Export: `torch_mlir.fx.export_and_import(model, x, output_type="linalg-on-tensors")`
   (`lutopt.nn.export_model`) to BUILD/model.mlir, function `@mnist`.
3. Compile: `lutopt model.mlir -p 'lower-to-rtl{lut-size=6 effort=E}' -t verilog -o
   model.v` through the Python API, pass by pass: tables after absorption, 6-LUTs and their
   depth (longest chain of LUTs) after covering; also `-t 'verilog{primitives=xilinx}'` to
   model-xilinx.v.
4. Simulate model.v with Verilator (`lutopt.sim.verilog_sim.simulate_verilog`, the
   simulator `lutopt-sim` uses) on the test images' codes, and compare the output codes
   with PyTorch's one by one.
5. With `--yosys`: Yosys `synth_xilinx` on model.v and on model-xilinx.v, its LUT,
   MUXF7/MUXF8 and CARRY cells.

With `--dont-care` the compile is `nn-to-lut,lut-dont-care{data=...},lower-to-rtl{...}`
(docs/dont-care.md): the training images' input codes (all 60,000, or `--train-limit N`)
are the data set, the table entries they do not reach become don't-cares. That is a
different design: the test accuracy is printed for both, and the check is then that the
hardware's output codes equal PyTorch's on the training images of the data set
(`--train-check N` of them, simulated too).

Exit status 0 when the hardware's output codes equal PyTorch's on every test image (with
`--dont-care`: on every training image checked).
`--json FILE` writes the figures.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
FUNC = "mnist"


def fail(step: str, message: str) -> int:
    print(f"run.py: error: {step}: {message}", file=sys.stderr)
    return 1


def lut_stats(module) -> tuple[int, int, int, int]:
    """(lut.table ops, the most inputs of one, whether all have one-bit operands and result
    (1/0), the longest chain of lut.table ops); every other op adds no level."""
    depth: dict = {}
    n = max_in = longest = 0
    bit_level = 1
    for op in module.walk():
        if not op.results:
            continue
        d = max((depth.get(v, 0) for v in op.operands), default=0)
        if op.name == "lut.table":
            n += 1
            d += 1
            max_in = max(max_in, len(op.operands))
            widths = [o.type.width.data for o in op.operands] + [op.results[0].type.width.data]
            bit_level &= int(all(w == 1 for w in widths))
            longest = max(longest, d)
        for r in op.results:
            depth[r] = d
    return n, max_in, bit_level, longest


def yosys_xilinx(verilog: Path, top: str, log: Path, timeout: float) -> dict:
    """Yosys `synth_xilinx -top TOP` on one file: the cell counts of `stat`, or
    {"timeout": seconds} when it did not finish in time."""
    script = f"read_verilog {verilog}; synth_xilinx -top {top}; stat"
    t0 = time.perf_counter()
    try:
        res = subprocess.run(["yosys", "-q", "-l", str(log), "-p", script], capture_output=True,
                             text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"timeout": timeout}
    if res.returncode:
        raise RuntimeError(f"yosys failed on {verilog}: {(res.stderr or res.stdout)[-2000:]}")
    return {**yosys_stat(log.read_text()), "seconds": round(time.perf_counter() - t0, 1)}


def yosys_stat(text: str) -> dict:
    """LUT1..LUT6, MUXF7, MUXF8 and CARRY* counts of the last `stat` in a Yosys log."""
    stat = text[text.rfind("Number of cells"):]
    cells = {m.group(2): int(m.group(1)) for m in re.finditer(r"^\s+(\d+)\s+(\S+)\s*$", stat, re.M)}
    if not cells:  # older Yosys: "     LUT6        12"
        cells = {m.group(1): int(m.group(2)) for m in re.finditer(r"^\s+(\S+)\s+(\d+)\s*$", stat, re.M)}
    luts = sum(v for k, v in cells.items() if re.fullmatch(r"LUT[1-6]", k))
    return {"luts": luts, "muxf7": cells.get("MUXF7", 0), "muxf8": cells.get("MUXF8", 0),
            "carry": sum(v for k, v in cells.items() if k.startswith("CARRY")),
            "cells": cells}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("model", help="logicnets, neuralut, or a bundle directory")
    p.add_argument("--lut-size", type=int, default=6)
    p.add_argument("--effort", type=int, default=1, choices=[0, 1, 2],
                   help="covering effort of lut-decompose (default 1)")
    p.add_argument("--simulator", default="verilator", choices=["auto", "verilator", "iverilog"])
    p.add_argument("--limit", type=int, default=0, help="only the first N test images")
    p.add_argument("--build", type=Path, default=None, help="where model.mlir and model.v go "
                   "(default BUNDLE/build)")
    p.add_argument("--yosys", nargs="?", const="xilinx,plain", default="",
                   help="also Yosys synth_xilinx on model-xilinx.v (xilinx) and/or model.v "
                        "(plain); default both")
    p.add_argument("--yosys-timeout", type=float, default=1800.0,
                   help="seconds per Yosys run (the plain Verilog's constant-indexed tables "
                        "take Yosys' techmap a long time)")
    p.add_argument("--skip-simulation", action="store_true",
                   help="compile only (for --yosys on a model already checked)")
    p.add_argument("--json", type=Path, default=None, help="write the figures here")
    p.add_argument("--dont-care", action="store_true",
                   help="run lut-dont-care with the training images' input codes as its data set "
                        "(a different design; see the module's docstring)")
    p.add_argument("--neighbours", type=int, default=0,
                   help="with --dont-care: lut-dont-care's neighbours option")
    p.add_argument("--train-limit", type=int, default=0,
                   help="with --dont-care: only the first N training images form the data set")
    p.add_argument("--train-check", type=int, default=10000,
                   help="with --dont-care: simulate the first N images of the data set (default 10000)")
    args = p.parse_args(argv)
    if args.dont_care and not args.lut_size:
        return fail("step 3 (compile)", "--dont-care needs --lut-size")
    bundle = HERE / args.model if args.model in ("logicnets", "neuralut") else Path(args.model)
    build = args.build or bundle / ("build-dontcare" if args.dont_care else "build")
    build.mkdir(parents=True, exist_ok=True)
    fig: dict = {"model": bundle.name, "lut_size": args.lut_size, "effort": args.effort}

    # -- 1. PyTorch ---------------------------------------------------------------------
    import torch

    from lutopt.nn.codes import bits_to_codes, codes_to_bits
    from lutopt.nn.export import export_model
    from lutopt.nn.train import load_bundle, load_dataset

    torch.set_num_threads(1)
    model = load_bundle(bundle)
    qi, qo = model.input_quantizer, model.output_quantizer
    xtr, _, xte, yte, _, _ = load_dataset("mnist", 0, qi.width)
    if args.train_limit:
        xtr = xtr[: args.train_limit]
    if args.limit:
        xte, yte = xte[: args.limit], yte[: args.limit]
    with torch.no_grad():
        x = torch.from_numpy(xte)
        in_codes = qi.to_codes(x).numpy()
        torch_codes = np.concatenate([model.output_codes(x[i:i + 1000]).numpy()
                                      for i in range(0, len(x), 1000)])
    torch_acc = float((torch_codes.argmax(1) == yte).mean())
    fig.update(images=len(yte), pytorch_accuracy=torch_acc)
    print(f"1. PyTorch: {len(yte)} test images, accuracy {torch_acc:.4f}", flush=True)

    # -- 2. export ------------------------------------------------------------------------
    t0 = time.perf_counter()
    mlir_path = build / "model.mlir"
    export_model(model, x[:1], mlir_path, func_name=FUNC)
    print(f"2. export: {mlir_path} ({mlir_path.stat().st_size // 1024} KiB) in "
          f"{time.perf_counter() - t0:.1f} s", flush=True)

    # -- 3. compile -----------------------------------------------------------------------
    import lutopt
    from lutopt.api import parse_pipeline

    spec = f"lower-to-rtl{{lut-size={args.lut_size} effort={args.effort}}}"
    if args.dont_care:
        with torch.no_grad():
            train_codes = qi.to_codes(torch.from_numpy(xtr)).numpy().astype(np.int64)
        train_path = build / "train-codes.npz"
        np.savez(train_path, **{FUNC: train_codes})
        print(f"  lut-dont-care data: {len(train_codes)} training images' input codes -> {train_path}",
              flush=True)
        spec = (f'nn-to-lut,lut-dont-care{{data="{train_path}" lut-size={args.lut_size} '
                f'effort={min(args.effort, 1)} neighbours={args.neighbours} '
                f'report="{build / "dont-care-report.tsv"}"}},{spec}')
        fig.update(dont_care=True, neighbours=args.neighbours, data_vectors=len(train_codes))
    print(f"3. compile: lutopt {mlir_path} -p '{spec}' -t verilog -o {build / 'model.v'}", flush=True)
    seen: dict = {}

    def after(pass_, module, seconds):
        n, max_in, bit_level, longest = lut_stats(module)
        if n and "tables" not in seen:
            seen["tables"] = n
        if n:
            seen["mapped"] = (n, max_in, bit_level, longest)
        print(f"  {pass_.name:<28s} {seconds:8.2f} s  {f'{n} lut.table' if n else ''}", flush=True)

    t0 = time.perf_counter()
    cpu0 = time.process_time()
    try:
        ctx = lutopt.make_context()
        module = lutopt.parse_module(mlir_path.read_text(), str(mlir_path), ctx)
        for pass_ in parse_pipeline(spec):
            lutopt.run_passes(module, [pass_], ctx, after_pass=after)
        verilog = lutopt.emit(module, "verilog", ctx)
        xilinx = lutopt.emit(module, "verilog{primitives=xilinx}", ctx)
    except lutopt.LutoptError as e:
        return fail("step 3 (compile)", e.format() if hasattr(e, "format") else str(e))
    (build / "model.v").write_text(verilog)
    (build / "model-xilinx.v").write_text(xilinx)
    n, max_in, bit_level, longest = seen.get("mapped", (0, 0, 0, 0))
    if not (bit_level and max_in <= args.lut_size):
        return fail("step 3 (compile)", "the tables were not covered by K-input LUTs")
    fig.update(tables=seen.get("tables"), luts=n, depth=longest,
               compile_wall_seconds=round(time.perf_counter() - t0, 1),
               compile_cpu_seconds=round(time.process_time() - cpu0, 1))
    print(f"  tables {fig['tables']}, {args.lut_size}-LUTs {n}, depth {longest}; compiled in "
          f"{fig['compile_wall_seconds']} s wall, {fig['compile_cpu_seconds']} s CPU", flush=True)

    # -- 4. simulate ----------------------------------------------------------------------
    from lutopt.sim.verilog_sim import simulate_verilog

    if args.skip_simulation:
        return yosys_step(args, build, fig)

    t0 = time.perf_counter()
    inputs = [codes_to_bits(in_codes[:, i], qi.width) for i in range(in_codes.shape[1])]
    try:
        outs = simulate_verilog(str(build / "model.v"), FUNC, inputs, simulator=args.simulator,
                                workdir=str(build / "sim"), timeout=3600)
    except lutopt.LutoptError as e:
        return fail("step 4 (simulate)", e.format() if hasattr(e, "format") else str(e))
    hw_codes = np.stack([bits_to_codes(o.astype(np.int64), qo.width, qo.signed) for o in outs], axis=1)
    hw_acc = float((hw_codes.argmax(1) == yte).mean())
    same = (hw_codes == torch_codes).all(1)
    fig.update(hardware_accuracy=hw_acc, codes_equal=int(same.sum()),
               simulate_seconds=round(time.perf_counter() - t0, 1))
    print(f"4. simulated in {fig['simulate_seconds']} s: hardware accuracy {hw_acc:.4f} "
          f"(PyTorch {torch_acc:.4f}); output codes equal on {int(same.sum())}/{len(same)} images",
          flush=True)

    if args.dont_care:
        print("  (lut-dont-care: a different design; on the test images its output codes may differ "
              "from PyTorch's)", flush=True)
        n = min(args.train_check, len(train_codes))
        with torch.no_grad():
            xt = torch.from_numpy(xtr[:n])
            want = np.concatenate([model.output_codes(xt[i:i + 1000]).numpy() for i in range(0, n, 1000)])
        inputs = [codes_to_bits(train_codes[:n, i], qi.width) for i in range(train_codes.shape[1])]
        try:
            outs = simulate_verilog(str(build / "model.v"), FUNC, inputs, simulator=args.simulator,
                                    workdir=str(build / "sim-train"), timeout=3600)
        except lutopt.LutoptError as e:
            return fail("step 4 (training images)", e.format() if hasattr(e, "format") else str(e))
        got = np.stack([bits_to_codes(o.astype(np.int64), qo.width, qo.signed) for o in outs], axis=1)
        agree = (got == want).all(1)
        fig.update(train_checked=n, train_codes_equal=int(agree.sum()))
        print(f"  training images (the data set of lut-dont-care): output codes equal to PyTorch's on "
              f"{int(agree.sum())}/{n}", flush=True)
        status = yosys_step(args, build, fig)
        return status or (0 if agree.all() else 1)

    status = yosys_step(args, build, fig)
    if not same.all():
        for i in np.flatnonzero(~same)[:5]:
            print(f"  image {i}: PyTorch {torch_codes[i].tolist()}  hardware {hw_codes[i].tolist()}")
        return 1
    return status


def yosys_step(args, build: Path, fig: dict) -> int:
    """5. Yosys on the Verilog files named by --yosys; writes --json."""
    status = 0
    for name in [n for n in args.yosys.split(",") if n]:
        if not shutil.which("yosys"):
            status = fail("step 5 (yosys)", "yosys is not installed (apt-get install yosys)")
            break
        path = build / ("model-xilinx.v" if name == "xilinx" else "model.v")
        r = yosys_xilinx(path, FUNC, build / f"yosys-{name}.log", args.yosys_timeout)
        fig[f"yosys_{name}"] = r
        if "timeout" in r:
            print(f"5. yosys synth_xilinx on {path.name}: not finished in {r['timeout']:.0f} s", flush=True)
        else:
            print(f"5. yosys synth_xilinx on {path.name}: {r['luts']} LUTs, {r['muxf7']} MUXF7, "
                  f"{r['muxf8']} MUXF8, {r['carry']} CARRY ({r['seconds']} s)", flush=True)
    if args.json:
        args.json.write_text(json.dumps(fig, indent=2) + "\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
