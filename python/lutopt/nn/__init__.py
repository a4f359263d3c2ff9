"""PyTorch layers for models that lutopt compiles to lookup tables, and their tooling.

- `lutopt.nn.quant`: `Quantizer` (DESIGN.md's codes: clamp(round_half_even(x / s), qmin, qmax)).
- `lutopt.nn.codes`: code widths and port bit patterns (no torch needed).
- `lutopt.nn.layers`: `SparseQuantLinear` (LogicNets), `PartitionedMLP` (NeuraLUT),
  `QuantSequential`, `build_model`.
- `lutopt.nn.logic`: logic-gate and learned-LUT networks (difflogic, LILogicNet, LUTNet):
  `LogicLayer`, `LUTLayer`, `GroupSum`, `Thermometer`, `build_logic_model`.
- `lutopt.nn.data`: MNIST's original idx files, read with NumPy (`load_mnist`).
- `lutopt.nn.train`: training on offline data sets (`lutopt-train`; logic/LUT networks in
  `lutopt.nn.logic_train`).
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
    "LogicLayer": "lutopt.nn.logic",
    "LUTLayer": "lutopt.nn.logic",
    "GroupSum": "lutopt.nn.logic",
    "Thermometer": "lutopt.nn.logic",
    "GATE_COEFFS": "lutopt.nn.logic",
    "GATE_NAMES": "lutopt.nn.logic",
    "logic_connections": "lutopt.nn.logic",
    "build_logic_model": "lutopt.nn.logic",
    "count_gates": "lutopt.nn.logic",
    "discrete_state": "lutopt.nn.logic",
    "from_discrete_state": "lutopt.nn.logic",
    "load_mnist": "lutopt.nn.data",
    "MnistUnavailable": "lutopt.nn.data",
    "export_model": "lutopt.nn.export",
    "export_text": "lutopt.nn.export",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'lutopt.nn' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
