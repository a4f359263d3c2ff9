#!/usr/bin/env python3
"""Train one of the two MNIST table models and write its bundle.

    nice -n 10 .venv/bin/python examples/mnist-tables/train.py logicnets   # ~N min, see README
    nice -n 10 .venv/bin/python examples/mnist-tables/train.py neuralut

Both are `lutopt.nn` models (`build_model`): a fixed 2-bit input quantizer on pixels / 255
(codes round(pixel * 3 / 255)), sparse layers of 256, 100, 100 and 10 neurons, each reading
6 codes of the previous layer (balanced random connectivity: every input is read), 2-bit
unsigned hidden codes with learned scales, 4-bit signed output codes: 466 tables of 12
address bits.

- `logicnets`: `SparseQuantLinear` neurons (a weighted sum of the 6 inputs; the output
  quantizer's clamp at 0 is the activation), LogicNets' shape;
- `neuralut`: `PartitionedMLP` neurons (a 4-layer MLP of width 8 over the 6 inputs, with a
  residual connection and a linear shortcut from the inputs), NeuraLUT's shape; the whole
  MLP is absorbed into the neuron's table.

The bundle (`lutopt.nn.train.save_bundle`: model.pt, config.json; testset.npz is the test
set as codes and is not committed) goes to examples/mnist-tables/<name>/ unless `--out`.
The weights are rounded to float16 values after training and stored as float16 (the
model's float32 parameters hold exactly those values, so model.pt is the model whose
accuracy is printed): this halves the NeuraLUT-style bundle.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

PRESETS = {
    "logicnets": ["--kind", "sparse", "--mode", "mask", "--epochs", "20", "--lr", "0.01"],
    "neuralut": ["--kind", "mlp", "--depth", "4", "--width", "8", "--epochs", "8", "--lr", "0.005"],
}
COMMON = ["--dataset", "mnist", "--layers", "256,100,100,100,10", "--fan-ins", "6,6,6,6,6",
          "--input-bits", "2", "--hidden-bits", "2", "--output-bits", "4", "--balanced",
          "--batch-size", "128", "--threads", "1", "--no-float", "--batch-norm"]


def round_to_half(out: Path) -> dict:
    """Round the bundle's float weights to float16 and store them so; returns the
    accuracies of the rounded model."""
    import numpy as np
    import torch

    from lutopt.nn.train import accuracy, load_bundle, load_dataset

    path = out / "model.pt"
    blob = torch.load(path, weights_only=True)
    blob["state_dict"] = {k: (v.half() if v.is_floating_point() else v)
                          for k, v in blob["state_dict"].items()}
    torch.save(blob, path)
    model = load_bundle(out)
    cfg = blob["config"]
    xtr, ytr, xte, yte, _, _ = load_dataset("mnist", 0, cfg["input_bits"])
    figures = {"quantized_test_accuracy": accuracy(model, xte, yte),
               "quantized_train_accuracy": accuracy(model, xtr, ytr)}
    xt = torch.from_numpy(xte)
    np.savez_compressed(out / "testset.npz",
                        input_codes=model.input_quantizer.to_codes(xt).numpy().astype(np.int8),
                        labels=yte.astype(np.int8),
                        output_codes=model.output_codes(xt).numpy().astype(np.int8))
    return figures


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("model", choices=sorted(PRESETS))
    p.add_argument("--out", type=Path, default=None)
    p.add_argument("--epochs", type=int, default=None, help="override the preset's epochs")
    args = p.parse_args(argv)
    out = args.out or HERE / args.model
    from lutopt.nn.train import main as train_main

    cli = COMMON + PRESETS[args.model] + ["--out", str(out)]
    if args.epochs is not None:
        cli += ["--epochs", str(args.epochs)]
    print("lutopt-train " + " ".join(cli), flush=True)
    t0 = time.process_time()
    w0 = time.perf_counter()
    status = train_main(cli)
    if status:
        return status
    figures = round_to_half(out)
    info = json.loads((out / "config.json").read_text())
    info.update({"float16_" + k: v for k, v in figures.items()})
    info["train_cpu_seconds"] = round(time.process_time() - t0, 1)
    info["train_wall_seconds"] = round(time.perf_counter() - w0, 1)
    (out / "config.json").write_text(json.dumps(info, indent=2) + "\n")
    print(f"float16 weights: test accuracy {figures['quantized_test_accuracy']:.4f}, "
          f"train {figures['quantized_train_accuracy']:.4f}")
    print(f"CPU {info['train_cpu_seconds']} s, wall {info['train_wall_seconds']} s; wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
