"""Export a PyTorch model to the MLIR that lutopt reads (torch-mlir's linalg-on-tensors).

    lutopt-export examples/digits/model.pt -o model.mlir
    python -m lutopt.nn.export MODEL.pt -o MODEL.mlir [--func-name NAME]

Python API: `export_model(model, example_input, path)` (also returns the text). The model is
put in evaluation mode first, so every `Quantizer` is the plain divf / roundeven / clamp /
mulf chain, and the printed module is `torch_mlir.fx.export_and_import(model, x,
output_type="linalg-on-tensors")`, unchanged.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import warnings
from pathlib import Path

import torch


def export_text(model: torch.nn.Module, example_input: torch.Tensor, func_name: str = "main") -> str:
    """The linalg-on-tensors MLIR of `model` (in evaluation mode) for inputs shaped like
    `example_input`."""
    try:
        from torch_mlir import fx
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise RuntimeError("exporting needs torch-mlir: pip install 'lutopt[torch]'") from e
    was = model.training
    model.eval()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            module = fx.export_and_import(model, example_input,
                                          output_type="linalg-on-tensors", func_name=func_name)
    finally:
        model.train(was)
    return str(module)


def export_model(model: torch.nn.Module, example_input: torch.Tensor, path: str | os.PathLike,
                 func_name: str = "main") -> str:
    """Export `model` and write the MLIR to `path` (atomically: no partial file on failure).
    Returns the text."""
    text = export_text(model, example_input, func_name)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return text


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="lutopt-export",
                                description="Export a model saved by lutopt-train to MLIR.")
    p.add_argument("model", type=Path, help="model.pt written by lutopt-train (or its directory)")
    p.add_argument("-o", "--output", type=Path, required=True, help="the .mlir file to write")
    p.add_argument("--func-name", default="main", help="name of the function (and of the Verilog module)")
    p.add_argument("--batch", type=int, default=1, help="batch size of the exported function")
    a = p.parse_args(argv)

    from lutopt.nn.train import load_bundle

    try:
        model = load_bundle(a.model)
    except (OSError, KeyError, RuntimeError) as e:
        print(f"lutopt-export: error: cannot load {a.model}: {e}", file=sys.stderr)
        return 1
    x = torch.zeros(a.batch, model[1].in_features)
    export_model(model, x, a.output, func_name=a.func_name)
    print(f"wrote {a.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
