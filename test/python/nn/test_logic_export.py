"""Each lutopt.nn.logic layer in evaluation mode exports through torch-mlir
(linalg-on-tensors), in the op forms the compiler side recognises."""

from __future__ import annotations

import importlib.util
import re

import pytest

torch = pytest.importorskip("torch", reason="torch is not installed (pip install 'lutopt[torch]')")
if importlib.util.find_spec("torch_mlir") is None:
    pytest.skip("torch-mlir is not installed (pip install 'lutopt[torch]')", allow_module_level=True)

from torch import nn  # noqa: E402

from lutopt.nn.export import export_text  # noqa: E402
from lutopt.nn.logic import GroupSum, LogicLayer, LUTLayer, Thermometer  # noqa: E402


def ops(text: str) -> set[str]:
    return set(re.findall(r"\b(?:linalg|tensor|arith|math|tm_tensor)\.[a-z_]+", text))


def learned(layer):
    with torch.no_grad():
        layer.wiring.logits.normal_(generator=torch.Generator().manual_seed(1))
    return layer


CASES = {
    "thermometer": (lambda: Thermometer([0.25, 0.5, 0.75]), 4,
                    {"arith.cmpf", "arith.uitofp"}),
    "logic-index": (lambda: LogicLayer(6, 5, connections="unique", gate_init="random"), 6,
                    {"tensor.extract", "arith.mulf", "arith.addf"}),
    "logic-onehot": (lambda: LogicLayer(6, 5, gate_init="random", eval_form="onehot"), 6,
                     {"linalg.matmul", "tensor.extract"}),
    "logic-learned": (lambda: learned(LogicLayer(6, 5, connections="learned", candidates=3)), 6,
                      {"tensor.extract", "arith.select", "arith.maximumf"}),
    "groupsum": (lambda: GroupSum(2, 4.0), 6, {"arith.addf", "arith.divf"}),
    "lut": (lambda: LUTLayer(6, 3, 3, connections="unique"), 6,
            {"arith.fptosi", "tensor.extract"}),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_layer_exports(name):
    make, n_in, expected = CASES[name]
    torch.manual_seed(0)
    model = nn.Sequential(make()).eval()
    x = (torch.rand(1, n_in) > 0.5).float() if name != "thermometer" else torch.rand(1, n_in)
    text = export_text(model, x, func_name="f")
    assert "func.func @f" in text
    assert expected <= ops(text), (expected - ops(text), sorted(ops(text)))
    # the export is of the eval-mode model: no softmax or sigmoid of the relaxation
    assert "math.exp" not in text
    assert not model.training


def test_argmax_head_exports():
    torch.manual_seed(0)
    model = nn.Sequential(Thermometer([0.5]), LogicLayer(8, 10, gate_init="random"),
                          GroupSum(2, 1.0)).eval()

    class Argmax(nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, x):
            return torch.argmax(self.m(x), dim=-1)

    text = export_text(Argmax(model), torch.rand(1, 8))
    assert "arith.cmpf ogt" in text and "arith.select" in text
