#!/usr/bin/env python3
"""The digits model, from PyTorch to simulated Verilog, checked on the test set.

    .venv/bin/python examples/digits/run.py [--lut-size 6] [--pipeline-stages 0] [--export]

What is bundled here (made by `lutopt-train --out examples/digits --export`):
- `model.pt`: a LogicNets-style model trained on scikit-learn's `load_digits` (8x8 images,
  64 inputs quantized to 2-bit codes; sparse layers 256, 100 and 10 neurons of fan-in 6
  with 2-bit hidden codes and 4-bit signed output codes: 366 tables of 12 input bits);
- `model.mlir`: its torch-mlir export (`torch_mlir.fx.export_and_import(...,
  output_type="linalg-on-tensors")`, function `@digits`);
- `testset.npz`: the 360 test images as input codes, their labels, and PyTorch's output codes;
- `config.json`: the training configuration and figures.

Steps:
1. PyTorch's side: the output codes and accuracy (recomputed from `model.pt` when torch is
   installed and compared with the bundled ones; `--export` also re-exports `model.mlir`).
2. Compile: the equivalent of `lutopt model.mlir -p "lower-to-rtl{lut-size=6}" -t verilog
   -o model.v` through the Python API, pass by pass, counting the tables (`lut.table` ops
   after absorption) and the K-input LUTs (after covering).
3. Simulate the Verilog with Verilator (Icarus as the fallback) on the test set: one input
   port per input element (row-major, each as wide as its code), one output port per output.
4. Compare: the hardware's accuracy next to PyTorch's, and the output codes one by one.

Exit status 0 when the hardware's output codes equal PyTorch's on every test input.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def fail(step: str, message: str) -> int:
    print(f"run.py: error: {step}: {message}", file=sys.stderr)
    return 1


def count_tables(module) -> tuple[int, int, bool]:
    """(number of lut.table ops, total table entries, all are single-output K-LUTs of
    1-bit inputs with at most `k` of them -- checked by the caller)."""
    n, entries, max_inputs, bit_level = 0, 0, 0, True
    for op in module.walk():
        if op.name != "lut.table":
            continue
        n += 1
        widths = [o.type.width.data for o in op.operands]
        entries += 1 << sum(widths)
        max_inputs = max(max_inputs, len(widths))
        bit_level &= all(w == 1 for w in widths) and op.results[0].type.width.data == 1
    return n, entries, (bit_level, max_inputs)


def pytorch_side(data, args) -> np.ndarray:
    """PyTorch's output codes: recomputed from model.pt when torch is here, else the bundled ones."""
    try:
        import torch
    except ImportError:
        print("  torch is not installed: using the bundled output codes (testset.npz)")
        return data["output_codes"].astype(np.int64)
    from lutopt.nn.train import load_bundle

    model = load_bundle(HERE / "model.pt")
    qi, qo = model.input_quantizer, model.output_quantizer
    # The input codes are the hardware's inputs; their values are exactly what the model's
    # input quantizer produces for the original images.
    x = qi.from_codes(torch.from_numpy(data["input_codes"].astype(np.int64)))
    codes = qo.to_codes(model.eval()(x)).numpy()
    bundled = data["output_codes"].astype(np.int64)
    if not np.array_equal(codes, bundled):
        bad = int((codes != bundled).any(1).sum())
        print(f"  warning: model.pt gives other output codes than testset.npz on {bad} inputs "
              "(stale bundle? re-run lutopt-train --out examples/digits --export)")
    if args.export or not (HERE / "model.mlir").exists():
        from lutopt.nn.export import export_model

        export_model(model, x[:1], HERE / "model.mlir", func_name="digits")
        print(f"  exported {HERE / 'model.mlir'}")
    return codes


def training_codes(build: Path) -> Path:
    """The training split's input codes as lut-dont-care's data file (`digits`: N x 64)."""
    import json

    import torch

    from lutopt.nn.train import load_bundle, load_dataset

    seed = json.loads((HERE / "config.json").read_text())["config"]["seed"]
    x_train = load_dataset("digits", seed=seed)[0]
    codes = load_bundle(HERE / "model.pt").input_quantizer.to_codes(torch.from_numpy(x_train)).numpy()
    build.mkdir(parents=True, exist_ok=True)
    path = build / "train-codes.npz"
    np.savez(path, digits=codes.astype(np.int64))
    print(f"  lut-dont-care data: {len(codes)} training inputs (load_digits, 80/20 split, seed {seed}) -> {path}")
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--lut-size", type=int, default=6,
                   help="K of the K-input LUTs (0: keep whole tables, and skip the covering, "
                        "which takes minutes on this model)")
    p.add_argument("--effort", type=int, default=1, choices=[0, 1, 2],
                   help="covering effort of lut-decompose (default 1: about a minute on this "
                        "model; 2 finds about 12%% fewer LUTs in about five minutes)")
    p.add_argument("--pipeline-stages", type=int, default=0, help="register ranks (latency in cycles)")
    p.add_argument("--simulator", default="auto", choices=["auto", "verilator", "iverilog"])
    p.add_argument("--export", action="store_true", help="re-export model.mlir from model.pt (needs torch-mlir)")
    p.add_argument("--check", action="store_true", help="simulate the IR before and after every pass")
    p.add_argument("--limit", type=int, default=0, help="use only the first N test inputs")
    p.add_argument("--build", type=Path, default=HERE / "build", help="where model.lut.mlir and model.v go")
    p.add_argument("--dont-care", action="store_true",
                   help="run lut-dont-care with the TRAINING inputs' codes (build/train-codes.npz, made from "
                        "load_digits' training split; needs scikit-learn and torch): table entries they do not "
                        "reach become don't-cares. A different design: the hardware's output codes may differ "
                        "from PyTorch's; both accuracies are printed and the exit status does not depend on it")
    p.add_argument("--neighbours", type=int, default=0,
                   help="with --dont-care: also keep the table entries this many code steps from a reached one "
                        "(lut-dont-care's neighbours option)")
    args = p.parse_args(argv)

    data = np.load(HERE / "testset.npz")
    x_codes = data["input_codes"].astype(np.int64)
    labels = data["labels"].astype(np.int64)
    in_w, out_w = int(data["input_width"]), int(data["output_width"])
    out_signed = bool(data["output_signed"])

    print(f"1. PyTorch: {len(labels)} test inputs of {x_codes.shape[1]} codes (i{in_w})")
    torch_codes = pytorch_side(data, args)
    if args.limit:
        x_codes, labels, torch_codes = x_codes[: args.limit], labels[: args.limit], torch_codes[: args.limit]
    torch_acc = float((torch_codes.argmax(1) == labels).mean())
    print(f"  PyTorch accuracy: {torch_acc:.4f}")

    # -- 2. compile ---------------------------------------------------------------------
    import lutopt
    from lutopt import registry
    from lutopt.api import parse_pipeline

    if "nn-to-lut" not in registry.all_passes():
        return fail("step 2 (compile)", "this lutopt has no 'nn-to-lut' pipeline yet (the nn level of "
                    "issue 4: raising torch-mlir's output, partition analysis, absorption into "
                    "lut.table), so model.mlir cannot be compiled")
    if not any(q.name.startswith("nn-") for q in parse_pipeline("lower-to-rtl")):
        return fail("step 2 (compile)", "this lutopt's 'lower-to-rtl' does not go through 'nn-to-lut' "
                    "yet, so it cannot take torch-mlir's output (tensors) down to rtl")
    opts = [f"pipeline-stages={args.pipeline_stages}"] if args.pipeline_stages else []
    if args.dont_care:
        if not args.lut_size:
            return fail("step 2 (compile)", "--dont-care needs --lut-size (the don't-cares are chosen for K-LUT covers)")
        try:
            train_path = training_codes(args.build)
        except ImportError as e:
            return fail("step 2 (compile)", f"--dont-care needs scikit-learn and torch for the training inputs ({e})")
    if args.lut_size:
        opts[:0] = [f"lut-size={args.lut_size}", f"effort={args.effort}"]
    spec = "lower-to-rtl" + ("{" + " ".join(opts) + "}" if opts else "")
    if args.dont_care:
        spec = (f'nn-to-lut,lut-dont-care{{data="{train_path}" lut-size={args.lut_size} '
                f'effort={min(args.effort, 1)} neighbours={args.neighbours}}},{spec}')
    args.build.mkdir(parents=True, exist_ok=True)
    verilog_path = args.build / "model.v"
    print(f"2. compile: lutopt model.mlir -p '{spec}' -t verilog -o {verilog_path}")
    if args.lut_size:
        print(f"  (covering the tables by {args.lut_size}-input LUTs at effort {args.effort} takes "
              "a minute or more on this model; --lut-size 0 keeps whole tables)")
    counts: dict[str, tuple] = {}
    lut_level = {}

    def after(pass_, module, seconds):
        n, entries, (bit_level, max_in) = count_tables(module)
        counts[pass_.name] = (n, entries, bit_level, max_in, seconds)
        if n:
            lut_level.setdefault("tables", (n, entries))
            lut_level["last"] = (n, bit_level, max_in)
        note = f"{n} lut.table" + (f", {entries} entries" if n and not bit_level else "") if n else ""
        print(f"{seconds:7.2f} s  {note}", flush=True)

    t0 = time.perf_counter()
    try:
        ctx = lutopt.make_context()
        text = (HERE / "model.mlir").read_text()
        start = time.perf_counter()
        module = lutopt.parse_module(text, str(HERE / "model.mlir"), ctx)
        print(f"  {'(parse)':<28s} {time.perf_counter() - start:7.2f} s", flush=True)
        passes = parse_pipeline(spec)
        for pass_ in passes:
            print(f"  {pass_.name:<28s}", end=" ", flush=True)
            lutopt.run_passes(module, [pass_], ctx, check=args.check, after_pass=after)
        start = time.perf_counter()
        verilog = lutopt.emit(module, "verilog", ctx)
        print(f"  {'(print Verilog)':<28s} {time.perf_counter() - start:7.2f} s")
    except lutopt.LutoptError as e:
        return fail("step 2 (compile)", e.format() if hasattr(e, "format") else str(e))
    verilog_path.write_text(verilog)
    print(f"  compiled in {time.perf_counter() - t0:.1f} s; wrote {verilog_path} ({len(verilog) // 1024} KiB)")
    tables = lut_level.get("tables")
    if tables is None:
        return fail("step 2 (compile)", "no lut.table ops appeared: the model was not absorbed into tables")
    n_luts = None
    if args.lut_size and lut_level["last"][1] and lut_level["last"][2] <= args.lut_size:
        n_luts = lut_level["last"][0]

    # -- 3. simulate ----------------------------------------------------------------------
    from lutopt.nn.codes import bits_to_codes, codes_to_bits
    from lutopt.sim.verilog_sim import simulate_verilog

    print(f"3. simulate: {len(labels)} vectors")
    start = time.perf_counter()
    inputs = [codes_to_bits(x_codes[:, i], in_w) for i in range(x_codes.shape[1])]
    try:
        outs = simulate_verilog(str(verilog_path), "digits", inputs, simulator=args.simulator,
                                workdir=str(args.build / "sim"))
    except lutopt.LutoptError as e:
        return fail("step 3 (simulate)", e.format() if hasattr(e, "format") else str(e))
    hw_codes = np.stack([bits_to_codes(o.astype(np.int64), out_w, out_signed) for o in outs], axis=1)
    print(f"  simulated in {time.perf_counter() - start:.1f} s")

    # -- 4. compare -----------------------------------------------------------------------
    hw_acc = float((hw_codes.argmax(1) == labels).mean())
    same = (hw_codes == torch_codes).all(1)
    print("4. results")
    print(f"  PyTorch accuracy:  {torch_acc:.4f}")
    print(f"  hardware accuracy: {hw_acc:.4f}")
    print(f"  output codes equal on {int(same.sum())}/{len(same)} test inputs")
    print(f"  tables: {tables[0]} ({tables[1]} entries)")
    print(f"  {args.lut_size}-LUTs: {n_luts}" if n_luts is not None else
          "  LUTs: not mapped (the tables were not covered by K-input LUTs)")
    if args.dont_care:
        # The training inputs reach only entries that lut-dont-care kept: on them the
        # hardware must still give PyTorch's output codes, every one.
        print("  (lut-dont-care: a different design; on the test set its output codes may differ from PyTorch's)")
        import torch

        from lutopt.nn.train import load_bundle

        train = np.load(train_path)["digits"].astype(np.int64)
        model = load_bundle(HERE / "model.pt")
        want = model.output_quantizer.to_codes(model.eval()(model.input_quantizer.from_codes(
            torch.from_numpy(train)))).numpy()
        inputs = [codes_to_bits(train[:, i], in_w) for i in range(train.shape[1])]
        try:
            outs = simulate_verilog(str(verilog_path), "digits", inputs, simulator=args.simulator,
                                    workdir=str(args.build / "sim-train"))
        except lutopt.LutoptError as e:
            return fail("step 4 (training inputs)", e.format() if hasattr(e, "format") else str(e))
        got = np.stack([bits_to_codes(o.astype(np.int64), out_w, out_signed) for o in outs], axis=1)
        agree = (got == want).all(1)
        print(f"  training inputs (the data set of lut-dont-care): output codes equal to PyTorch's on "
              f"{int(agree.sum())}/{len(agree)}")
        return 0 if agree.all() else 1
    if not same.all():
        bad = np.flatnonzero(~same)[:5]
        for i in bad:
            print(f"  input {i}: PyTorch {torch_codes[i].tolist()}  hardware {hw_codes[i].tolist()}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
