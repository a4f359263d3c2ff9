"""PyTorch layers for models that lutopt compiles to lookup tables, and their tooling.

- `lutopt.nn.quant`: `Quantizer` (DESIGN.md's codes: clamp(round_half_even(x / s), qmin, qmax)).
- `lutopt.nn.codes`: code widths and port bit patterns (no torch needed).
- `lutopt.nn.layers`: `SparseQuantLinear` (LogicNets), `PartitionedMLP` (NeuraLUT),
  `QuantSequential`, `build_model`.
- `lutopt.nn.train`: training on offline data sets (`lutopt-train`).
- `lutopt.nn.export`: torch-mlir export (`lutopt-export`, `export_model`).

These need the optional dependencies (`pip install 'lutopt[torch]'`); `import lutopt` and
`import lutopt.nn` do not import torch. The names below are loaded on first use.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "Quantizer": "lutopt.nn.quant",
    "code_width": "lutopt.nn.codes",
    "code_range": "lutopt.nn.codes",
    "codes_to_bits": "lutopt.nn.codes",
    "bits_to_codes": "lutopt.nn.codes",
    "SparseQuantLinear": "lutopt.nn.layers",
    "PartitionedMLP": "lutopt.nn.layers",
    "QuantSequential": "lutopt.nn.layers",
    "build_model": "lutopt.nn.layers",
    "random_connectivity": "lutopt.nn.layers",
    "export_model": "lutopt.nn.export",
    "export_text": "lutopt.nn.export",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'lutopt.nn' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
