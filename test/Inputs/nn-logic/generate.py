"""Regenerate the torch-mlir exports of lutopt.nn.logic's layers in this folder.

    .venv/bin/python test/Inputs/nn-logic/generate.py

Each NAME.mlir is `torch_mlir.fx.export_and_import(model, x, output_type="linalg-on-tensors")`
of a small evaluation-mode model (fixed seeds), unchanged; NAME.json holds the discrete
network it computes (thresholds, per layer the wires and gate numbers or 0/1 tables, the
GroupSum) so that a compiler test can check what it recovers. The models:

- thermometer: Thermometer only (4 features, 3 thresholds each) -> 12 bits as f32 0/1.
- logic-unique: Thermometer (1 threshold) -> LogicLayer(unique connections), the gate chosen
  as GATE_COEFFS[argmax(weights)] (eval_form "index").
- logic-onehot: the same with one_hot(argmax(weights)) @ GATE_COEFFS (eval_form "onehot").
- logic-learned: LogicLayer with learned connections (argmax over each input's candidate
  logits, then index_select of the chosen wires).
- groupsum: Thermometer -> 2 LogicLayers -> GroupSum(2 groups, tau 2).
- lut: Thermometer -> LUTLayer(k=3): address = sum of bits * 4, 2, 1, gather in the 0/1 table.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import numpy as np
import torch
from torch import nn

from lutopt.nn.logic import (
    GroupSum,
    LogicLayer,
    LUTLayer,
    Thermometer,
    discrete_state,
)

HERE = Path(__file__).resolve().parent


def models() -> dict[str, tuple[nn.Module, torch.Tensor]]:
    torch.manual_seed(0)
    gi = "random"  # varied gates (the residual init would make every gate `a`)
    x4 = torch.rand(1, 4)
    x8 = torch.rand(1, 8)
    return {
        "thermometer": (nn.Sequential(Thermometer([[0.2, 0.5, 0.8], [0.1, 0.3, 0.6],
                                                   [0.25, 0.5, 0.75], [0.4, 0.5, 0.9]])), x4),
        "logic-unique": (nn.Sequential(Thermometer([0.5]),
                                       LogicLayer(8, 6, connections="unique", seed=1,
                                                  gate_init=gi)), x8),
        "logic-onehot": (nn.Sequential(Thermometer([0.5]),
                                       LogicLayer(8, 6, connections="unique", seed=1,
                                                  gate_init=gi, eval_form="onehot")), x8),
        "logic-learned": (nn.Sequential(Thermometer([0.5]),
                                        LogicLayer(8, 6, connections="learned", candidates=3,
                                                   seed=2, gate_init=gi,
                                                   )), x8),
        "groupsum": (nn.Sequential(Thermometer([0.3, 0.7]),
                                   LogicLayer(8, 8, connections="unique", seed=3, gate_init=gi),
                                   LogicLayer(8, 6, connections="unique", seed=4, gate_init=gi),
                                   GroupSum(2, 2.0)), x4),
        "lut": (nn.Sequential(Thermometer([0.5]),
                              LUTLayer(8, 4, 3, connections="unique", seed=5)), x8),
    }


def describe(model: nn.Module) -> dict:
    """The discrete network as JSON (lists), whatever layers the model has."""
    seq = model if isinstance(model, nn.Sequential) else nn.Sequential(model)
    out: dict = {}
    i = 0
    for m in seq:
        if isinstance(m, Thermometer):
            out["thresholds"] = m.thresholds.tolist()
        elif isinstance(m, LogicLayer):
            out[f"layer{i}"] = {"wires": m.wires().tolist(), "gates": m.gates().tolist()}
            i += 1
        elif isinstance(m, LUTLayer):
            out[f"layer{i}"] = {"wires": m.wires().tolist(), "tables": m.tables().tolist()}
            i += 1
        elif isinstance(m, GroupSum):
            out["groupsum"] = {"groups": m.k, "tau": m.tau}
    return out


def main() -> int:
    from torch_mlir import fx

    for name, (model, x) in models().items():
        # Learned logits start at zero (uniform over the candidates); give them distinct
        # values so that the exported argmax picks varied wires.
        for m in model.modules():
            if isinstance(m, (LogicLayer, LUTLayer)) and m.connections == "learned":
                with torch.no_grad():
                    m.wiring.logits.normal_(generator=torch.Generator().manual_seed(9))
        model.eval()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            text = str(fx.export_and_import(model, x, output_type="linalg-on-tensors",
                                            func_name=name.replace("-", "_")))
        (HERE / f"{name}.mlir").write_text(text)
        (HERE / f"{name}.json").write_text(json.dumps(describe(model)) + "\n")
        print(f"{name}.mlir: {len(text.splitlines())} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
