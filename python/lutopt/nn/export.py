"""Export a PyTorch model to the MLIR that lutopt reads (torch-mlir's linalg-on-tensors).

    lutopt-export examples/digits/model.pt -o model.mlir          # a lutopt-train bundle
    lutopt-export weights.pt --factory my_model.py:build -o m.mlir  # your model: code + state dict
    lutopt-export whole.pt --trust-pickle -o m.mlir                 # torch.save(model): runs its code
    python -m lutopt.nn.export MODEL.pt -o MODEL.mlir [--func-name NAME] [--input-shape 1,64]

Python API: `export_model(model, example_input, path)` (also returns the text). The model is
put in evaluation mode first, so every `Quantizer` is the plain divf / roundeven / clamp /
mulf chain, and the printed module is `torch_mlir.fx.export_and_import(model, x,
output_type="linalg-on-tensors")`, unchanged.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path
from typing import NoReturn

import torch

from lutopt.output import write_atomic


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
    write_atomic(str(path), text)
    return text


# --------------------------------------------------------------------- lutopt-export

_LIMITS = {"layer": 1 << 16, "fan_in": 64, "bits": 16, "depth": 64, "features": 1 << 20}
_MAX_DENSE = 1 << 26
"""Bounds on a lutopt-train bundle's configuration, checked before any tensor is made, so
a damaged file cannot ask for terabytes."""


def _fail(message: str) -> "NoReturn":
    from lutopt.diagnostics import LutoptError

    raise LutoptError(message)


def _torch_load(path: Path, weights_only: bool):
    import pickle

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return torch.load(path, map_location="cpu", weights_only=weights_only)
    except pickle.UnpicklingError as e:
        text = str(e)
        if weights_only and "Unsupported global" in text:
            _fail(f"'{path}' is a pickled Python object (a whole model saved with torch.save(model)?); "
                  "loading it runs code from the file: if you trust the file, add --trust-pickle, "
                  "or save model.state_dict() and give the model with --factory FILE.py:NAME")
        detail = text.split("WeightsUnpickler error:", 1)[-1].strip() if "WeightsUnpickler error:" in text else text
        _fail(f"cannot load '{path}': not a PyTorch file ({_first_line(Exception(detail))})")
    except ImportError as e:
        _fail(f"cannot load '{path}': {_first_line(e)} (the model's classes must be importable: "
              "run from the folder of their module or set PYTHONPATH)")
    except Exception as e:  # noqa: BLE001 - torch's reader failing on the user's file, in any way
        # (a damaged pickle has made its weights-only unpickler fail an assertion)
        _fail(f"cannot load '{path}': {_first_line(e)}")


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def _is_bundle(blob) -> bool:
    return isinstance(blob, dict) and {"config", "state_dict", "in_features"} <= set(blob)


def _load_bundle(path: Path, blob: dict) -> torch.nn.Module:
    """The model of a lutopt-train bundle, its configuration checked first."""
    from dataclasses import fields

    from lutopt.nn.train import TrainConfig, expand_state_dict, make_model

    cfg_dict, in_features = blob.get("config"), blob.get("in_features")
    known = {f.name for f in fields(TrainConfig)}
    if not isinstance(cfg_dict, dict) or not set(cfg_dict) <= known:
        _fail(f"'{path}' is not a lutopt-train bundle: its configuration is damaged")
    cfg = TrainConfig(**cfg_dict)

    def ints(value, low: int, high: int, what: str) -> list[int]:
        values = value if isinstance(value, list) else [value]
        if not values or not all(type(v) is int and low <= v <= high for v in values):
            _fail(f"'{path}': {what} must be integers in {low}..{high}, got {value!r}"[:300])
        return values

    layers = ints(cfg.layers, 1, _LIMITS["layer"], "layers")
    ints(cfg.fan_ins, 1, _LIMITS["fan_in"], "fan_ins")
    for what in ("input_bits", "hidden_bits", "output_bits"):
        ints(getattr(cfg, what), 1, _LIMITS["bits"], what)
    ints(cfg.depth, 0, _LIMITS["depth"], "depth")
    ints(cfg.width, 1, _LIMITS["layer"], "width")
    ints(in_features, 1, _LIMITS["features"], "in_features")
    sizes = [in_features, *layers]
    if sum(a * b for a, b in zip(sizes, sizes[1:])) + cfg.width * cfg.width * cfg.depth * len(layers) > _MAX_DENSE:
        _fail(f"'{path}': the model it describes is too large to export")
    if cfg.kind not in ("sparse", "mlp") or cfg.mode not in ("mask", "gather"):
        _fail(f"'{path}': unknown model kind {cfg.kind!r} / mode {cfg.mode!r}")
    try:
        model = make_model(cfg, in_features, bool(blob.get("input_signed")), float(blob.get("input_scale")))
        state = blob["state_dict"]
        if not isinstance(state, dict):
            _fail(f"'{path}': the state dict is damaged")
        model.load_state_dict(expand_state_dict(model, state))
    except (KeyError, RuntimeError, ValueError, TypeError, IndexError, AttributeError) as e:
        _fail(f"'{path}' does not match the model its configuration describes: {_first_line(e)}")
    return model.eval()


def _load_factory(spec: str) -> torch.nn.Module:
    """`FILE.py:NAME`: calls NAME() from the user's file to build the model."""
    import importlib.util

    file, sep, name = spec.rpartition(":")
    if not sep or not file or not name.isidentifier():
        _fail(f"--factory expects FILE.py:NAME, got '{spec}'")
    if not os.path.isfile(file):
        _fail(f"--factory: no such file '{file}'")
    module_name = f"lutopt_user_model_{abs(hash(os.path.abspath(file)))}"
    mod_spec = importlib.util.spec_from_file_location(module_name, file)
    if mod_spec is None or mod_spec.loader is None:
        _fail(f"--factory: cannot import '{file}' (a .py file is expected)")
    module = importlib.util.module_from_spec(mod_spec)
    sys.modules[module_name] = module
    try:
        mod_spec.loader.exec_module(module)
    except SystemExit:
        _fail(f"--factory: importing '{file}' called exit()")
    except Exception as e:  # the user's code
        _fail(f"--factory: importing '{file}' failed: {type(e).__name__}: {_first_line(e)}")
    factory = getattr(module, name, None)
    if not callable(factory):
        _fail(f"--factory: '{file}' has no function or class '{name}'")
    try:
        model = factory()
    except Exception as e:  # the user's code
        _fail(f"--factory: {name}() failed: {type(e).__name__}: {_first_line(e)}")
    if not isinstance(model, torch.nn.Module):
        _fail(f"--factory: {name}() returned a {type(model).__name__}, not a torch.nn.Module")
    return model


def load_model(path: Path, factory: str | None = None, trust_pickle: bool = False) -> torch.nn.Module:
    """The model `lutopt-export` exports (see `main`); every problem is a `LutoptError`."""
    path = Path(path)
    if path.is_dir():
        path = path / "model.pt"
    if not path.is_file():
        _fail(f"cannot read '{path}': no such file")
    if trust_pickle:  # the classes of a pickled model are usually next to it, or in the cwd
        for folder in (os.getcwd(), str(path.resolve().parent)):
            if folder not in sys.path:
                sys.path.insert(0, folder)
    blob = _torch_load(path, weights_only=not trust_pickle)
    if factory is not None:
        model = _load_factory(factory)
        state = blob.get("state_dict", blob) if isinstance(blob, dict) else blob
        if isinstance(state, torch.nn.Module):
            state = state.state_dict()
        if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
            _fail(f"'{path}' is not a state dict (save it with torch.save(model.state_dict(), path))")
        try:
            model.load_state_dict(state)
        except (RuntimeError, KeyError, TypeError, ValueError) as e:
            _fail(f"'{path}' does not fit the model of --factory {factory}: {_first_line(e)}")
        return model.eval()
    if isinstance(blob, torch.nn.Module):
        return blob.eval()
    if _is_bundle(blob):
        return _load_bundle(path, blob)
    if isinstance(blob, dict) and blob and all(isinstance(v, torch.Tensor) for v in blob.values()):
        _fail(f"'{path}' holds only weights (a state dict): give the model's code with --factory FILE.py:NAME")
    _fail(f"'{path}' is neither a lutopt-train bundle nor a model")


def _input_shape(model: torch.nn.Module, text: str | None, batch: int) -> tuple[int, ...]:
    if text is not None:
        try:
            shape = tuple(int(x) for x in text.split(","))
        except ValueError:
            shape = ()
        if not shape or not all(0 < d <= (1 << 24) for d in shape):
            _fail(f"--input-shape expects positive integers separated by commas, got '{text}'")
        return shape
    for m in model.modules():
        n = getattr(m, "in_features", None)
        if isinstance(n, int) and n > 0:
            return (batch, n)
    _fail("cannot tell the model's input shape: give it with --input-shape, e.g. 1,64")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="lutopt-export",
        description="Export a PyTorch model to the MLIR lutopt reads (torch-mlir's linalg-on-tensors).",
        epilog="MODEL is one of: a lutopt-train bundle (its directory or model.pt); a state dict "
        "(torch.save(model.state_dict(), path)) with --factory FILE.py:NAME, NAME() building "
        "the model; or a whole pickled model (torch.save(model, path)) with --trust-pickle, "
        "which runs code from the file: only for files you trust.",
    )
    p.add_argument("model", type=Path, help="the model file (see below)")
    p.add_argument("-o", "--output", type=Path, required=True, help="the .mlir file to write")
    p.add_argument("--func-name", default="main", help="name of the function (and of the Verilog module)")
    p.add_argument("--batch", type=int, default=1, help="batch size of the exported function")
    p.add_argument("--input-shape", default=None,
                   help="the input's shape, e.g. 1,64 (default: batch x the first layer's in_features)")
    p.add_argument("--factory", metavar="FILE.py:NAME", default=None,
                   help="build the model with NAME() from FILE.py and load MODEL as its state dict")
    p.add_argument("--trust-pickle", action="store_true",
                   help="MODEL is a whole pickled model: load it with torch.load(weights_only=False), "
                   "which runs code from the file")
    a = p.parse_args(argv)

    from lutopt.diagnostics import run_tool

    def body() -> int:
        if a.batch < 1:
            _fail(f"--batch must be positive, got {a.batch}")
        if not a.func_name.isidentifier():
            _fail(f"--func-name must be an identifier, got '{a.func_name}'")
        model = load_model(a.model, a.factory, a.trust_pickle)
        x = torch.zeros(*_input_shape(model, a.input_shape, a.batch))
        try:
            with torch.no_grad():
                model(x)
        except Exception as e:  # the user's model, run once on zeros of the input's shape
            _fail(f"the model fails on an input of shape {tuple(x.shape)}: {type(e).__name__}: {_first_line(e)}")
        import logging

        torch_log = logging.getLogger("torch")
        level = torch_log.level
        torch_log.setLevel(logging.CRITICAL)  # torch.export logs tracebacks of what it retries
        try:
            export_model(model, x, a.output, func_name=a.func_name)
        except (OSError, PermissionError) as e:
            _fail(f"cannot write '{a.output}': {e.strerror or e}")
        except Exception as e:  # torch.export / torch-mlir reject the model
            _fail(f"torch-mlir cannot export the model: {type(e).__name__}: {_first_line(e)}")
        finally:
            torch_log.setLevel(level)
        print(f"wrote {a.output}")
        return 0

    return run_tool(body, prefix="lutopt-export: ")


if __name__ == "__main__":
    sys.exit(main())
