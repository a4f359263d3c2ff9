"""lutopt.nn: the quantizer's codes, the layers' connectivity, export, training."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="torch is not installed (pip install 'lutopt[torch]')")

from lutopt.nn.layers import (
    PartitionedMLP,
    QuantSequential,
    SparseQuantLinear,
    build_model,
    random_connectivity,
)
from lutopt.nn.quant import Quantizer, bits_to_codes, code_width, codes_to_bits
from repo_paths import REPO


def numpy_codes(x: np.ndarray, s: float, qmin: int, qmax: int) -> np.ndarray:
    """DESIGN.md's formula computed independently: float32 division, round half to even, clamp."""
    y = np.asarray(x, np.float32) / np.float32(s)
    return np.clip(np.rint(y), qmin, qmax).astype(np.int64)  # np.rint rounds half to even


def test_import_without_torch():
    code = ("import sys; sys.modules['torch'] = None; import lutopt, lutopt.nn; "
            "assert 'Quantizer' in lutopt.nn.__all__")
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("qmin,qmax,width", [
    (0, 1, 1), (0, 3, 2), (0, 4, 3), (0, 7, 3), (0, 255, 8),
    (-1, 0, 1), (-2, 1, 2), (-4, 3, 3), (-3, 3, 3), (-5, 3, 4), (-4, 4, 4), (-128, 127, 8),
])
def test_code_width(qmin, qmax, width):
    assert code_width(qmin, qmax) == width


@pytest.mark.parametrize("bits,signed,lo,hi", [(2, False, 0, 3), (3, True, -4, 3), (4, True, -8, 7), (1, False, 0, 1)])
def test_quantizer_ranges(bits, signed, lo, hi):
    q = Quantizer(bits, signed)
    assert (q.qmin, q.qmax, q.width, q.signed) == (lo, hi, bits, signed)


def test_quantizer_explicit_bounds():
    q = Quantizer(qmin=-3, qmax=3)
    assert (q.width, q.signed) == (3, True)
    with pytest.raises(ValueError):
        Quantizer(qmin=2, qmax=1)
    with pytest.raises(ValueError):
        Quantizer(2, scale=0.0)


@pytest.mark.parametrize("bits,signed,scale", [(2, False, 0.25), (3, True, 0.37), (4, True, 1.7), (2, False, 16 / 3)])
def test_quantizer_codes_match_formula(bits, signed, scale):
    q = Quantizer(bits, signed, scale).eval()
    rng = np.random.default_rng(0)
    x = rng.normal(0, 3 * scale * (1 << bits), 4000).astype(np.float32)
    s32 = np.float32(q.scale.item())
    # Exact ties (k + 1/2) * s, where round half to even and half away from zero differ.
    ties = ((np.arange(-9, 9) + 0.5) * s32).astype(np.float32)
    x = np.concatenate([x, ties, -ties, [0.0, -0.0]]).astype(np.float32)
    expect = numpy_codes(x, s32, q.qmin, q.qmax)
    got = q.to_codes(torch.from_numpy(x)).numpy()
    np.testing.assert_array_equal(got, expect)
    # The forward value is code * s (in float32), in evaluation and in training mode.
    np.testing.assert_array_equal(q(torch.from_numpy(x)).detach().numpy(), expect.astype(np.float32) * s32)
    q.train()
    np.testing.assert_array_equal(q(torch.from_numpy(x)).detach().numpy(), expect.astype(np.float32) * s32)
    np.testing.assert_array_equal(q.from_codes(torch.from_numpy(expect)).numpy(), expect.astype(np.float32) * s32)


def test_round_half_even_on_ties():
    q = Quantizer(4, True, 1.0).eval()
    x = torch.tensor([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 9.0, -9.0])
    assert q.to_codes(x).tolist() == [0, 2, 2, 0, -2, -2, 7, -8]


def test_bits_and_codes():
    codes = np.arange(-4, 4)
    bits = codes_to_bits(codes, 3)
    assert bits.tolist() == [4, 5, 6, 7, 0, 1, 2, 3]
    np.testing.assert_array_equal(bits_to_codes(bits, 3, True), codes)
    np.testing.assert_array_equal(bits_to_codes([0, 1, 2, 3], 2, False), [0, 1, 2, 3])
    q = Quantizer(3, True)
    np.testing.assert_array_equal(q.from_bits(q.to_bits(codes)), codes)


def test_straight_through_gradient():
    q = Quantizer(2, False, 1.0, learn_scale=True).train()
    x = torch.tensor([0.3, 1.2, 2.6, 5.0], requires_grad=True)
    q(x).sum().backward()
    # Inside the range the rounding passes the gradient through; the clamp stops it above qmax.
    assert x.grad.tolist() == [1.0, 1.0, 1.0, 0.0]
    assert q.scale.grad is not None and q.scale.grad.item() != 0.0


# ------------------------------------------------------------------------------- connectivity


def _dependence_check(layer, in_features, out_features, conn):
    torch.manual_seed(1)
    x = torch.randn(8, in_features)
    base = layer(x).detach()
    for o in range(out_features):
        others = torch.ones(in_features, dtype=torch.bool)
        others[conn[o]] = False
        x2 = x.clone()
        x2[:, others] += torch.randn(8, int(others.sum())) * 10
        assert torch.equal(layer(x2)[:, o], base[:, o]), f"output {o} depends on an input outside its fan-in"
        x3 = x.clone()
        x3[:, conn[o]] += torch.randn(8, len(conn[o])) * 10
        assert not torch.equal(layer(x3)[:, o], base[:, o]), f"output {o} ignores its fan-in"


@pytest.mark.parametrize("mode", ["mask", "gather"])
def test_sparse_linear_connectivity(mode):
    layer = SparseQuantLinear(20, 7, 3, seed=4, mode=mode)
    for p in layer.parameters():  # non-zero weights and biases everywhere
        torch.nn.init.uniform_(p, 0.5, 1.5)
    conn = layer.connectivity
    assert conn.shape == (7, 3)
    assert all(len(set(r.tolist())) == 3 for r in conn)
    _dependence_check(layer, 20, 7, conn.tolist())
    assert (layer.dense_weight() != 0).sum(1).tolist() == [3] * 7
    if mode == "mask":
        assert torch.equal((layer.mask != 0).nonzero()[:, 1].reshape(7, 3), conn)


def test_sparse_linear_modes_agree():
    conn = [[0, 2, 5], [1, 3, 4], [6, 7, 0]]
    a = SparseQuantLinear(8, 3, connectivity=conn, mode="mask")
    b = SparseQuantLinear(8, 3, connectivity=conn, mode="gather")
    with torch.no_grad():
        b.weight.copy_(torch.gather(a.weight, 1, torch.tensor(conn)))
        a.bias.uniform_(-1, 1)
        b.bias.copy_(a.bias)
    x = torch.randn(5, 8)
    torch.testing.assert_close(a(x), b(x))
    assert torch.equal(a.dense_weight(), b.dense_weight())


def test_partitioned_mlp_connectivity():
    layer = PartitionedMLP(12, 5, 3, depth=4, width=8, seed=2)
    with torch.no_grad():
        for p in layer.parameters():
            p.uniform_(0.1, 1.0)  # positive: every ReLU active, every input reaches the output
    _dependence_check(layer, 12, 5, layer.connectivity.tolist())


def test_partitioned_mlp_matches_per_neuron_loop():
    layer = PartitionedMLP(10, 4, 3, depth=5, width=6, seed=3)
    with torch.no_grad():
        for p in layer.parameters():
            p.normal_()
    x = torch.randn(6, 10)
    got = layer(x)
    for o in range(4):
        g = x[:, layer.connectivity[o]]
        h = torch.relu(g @ layer.w_in[o] + layer.b_in[o])
        hs = [h]
        for k in range(3):
            h = torch.relu(h @ layer.w_hidden[k][o] + layer.b_hidden[k][o])
            if k % 2 == 1:
                h = h + hs[-2]
            hs.append(h)
        y = h @ layer.w_out[o] + layer.b_out[o] + g @ layer.w_skip[o]
        torch.testing.assert_close(got[:, o], y, rtol=1e-5, atol=1e-5)


def test_chosen_connectivity_is_checked():
    with pytest.raises(ValueError):
        SparseQuantLinear(4, 2, connectivity=[[0, 1], [1, 1]])
    with pytest.raises(ValueError):
        SparseQuantLinear(4, 2, connectivity=[[0, 4], [1, 2]])
    with pytest.raises(ValueError):
        PartitionedMLP(4, 3, connectivity=[[0, 1], [1, 2]])
    assert torch.equal(random_connectivity(10, 4, 3, seed=7), random_connectivity(10, 4, 3, seed=7))


def test_balanced_connectivity_reads_every_input():
    c = random_connectivity(50, 20, 6, seed=3, balanced=True)
    reads = np.bincount(c.reshape(-1).numpy(), minlength=50)
    assert reads.min() >= 2 and reads.max() - reads.min() <= 1  # 120 reads over 50 inputs
    assert all(len(set(r.tolist())) == 6 for r in c)
    unbalanced = random_connectivity(50, 20, 6, seed=3)
    assert not torch.equal(c, unbalanced)


def test_quant_sequential_shape():
    m = build_model(16, [8, 4], [3, 2], input_bits=3, input_signed=True)
    assert isinstance(m, QuantSequential)
    assert m.table_input_bits() == [9, 4]
    assert m.output_quantizer.signed and m.output_codes(torch.randn(3, 16)).shape == (3, 4)
    with pytest.raises(ValueError):
        QuantSequential(SparseQuantLinear(4, 2, 2), Quantizer())


# ------------------------------------------------------------------------------- export


@pytest.fixture(scope="module")
def torch_mlir_fx():
    return pytest.importorskip("torch_mlir.fx", reason="torch-mlir is not installed (pip install 'lutopt[torch]')")


def _generic_bodies(text: str) -> list[list[str]]:
    """The op names in each linalg.generic body, in order."""
    bodies, cur = [], None
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("^bb0"):
            cur = []
        elif cur is not None and s.startswith("linalg.yield"):
            bodies.append(cur)
            cur = None
        elif cur is not None and "=" in s:
            cur.append(s.split("=", 1)[1].split()[0])
    return bodies


@pytest.mark.parametrize("kind,mode", [("sparse", "mask"), ("sparse", "gather"), ("mlp", "mask")])
def test_export_quantizer_chain(torch_mlir_fx, tmp_path, kind, mode):
    from lutopt.nn.export import export_model

    m = build_model(6, [4, 3], [2, 2], kind=kind, mode=mode, width=4, depth=3)
    m.train()  # the export switches to evaluation mode and back
    text = export_model(m, torch.zeros(1, 6), tmp_path / "m.mlir", func_name="tiny")
    assert m.training
    assert (tmp_path / "m.mlir").read_text() == text
    assert "func.func @tiny(%arg0: tensor<1x6xf32>) -> tensor<1x3xf32>" in text
    bodies = _generic_bodies(text)
    chain = [["arith.divf"], ["math.roundeven"],
             ["arith.cmpf", "arith.select", "arith.cmpf", "arith.select"], ["arith.mulf"]]
    starts = [i for i in range(len(bodies) - 3) if bodies[i:i + 4] == chain]
    assert len(starts) == 3, f"expected three divf/roundeven/clamp/mulf chains, got bodies {bodies}"
    # No trace of the training-mode estimator (a subtraction of the rounded value, a detach).
    assert "arith.subf" not in text
    if kind == "mlp" or mode == "gather":
        assert "tensor.extract" in text  # index_select gathers
    else:
        assert "linalg.matmul" in text


def test_export_values_match_model(torch_mlir_fx, tmp_path):
    """The exported function's scale constants are the model's float32 scales."""
    from lutopt.nn.export import export_text

    m = build_model(4, [2], [2], input_scale=0.75)
    with torch.no_grad():
        m[2].scale.fill_(0.3125)
    text = export_text(m, torch.zeros(1, 4))
    assert "dense<7.500000e-01> : tensor<f32>" in text
    assert "dense<3.125000e-01> : tensor<f32>" in text
    assert "arith.constant -8.000000e+00 : f32" in text and "arith.constant 7.000000e+00 : f32" in text


# ------------------------------------------------------------------------------- training


def test_tiny_training_run_decreases_loss():
    pytest.importorskip("sklearn", reason="scikit-learn is not installed (pip install 'lutopt[torch]')")
    from lutopt.nn.train import TrainConfig, accuracy, fit, load_dataset, make_model

    torch.set_num_threads(1)
    cfg = TrainConfig(layers=[64, 10], fan_ins=[6, 6], epochs=15, seed=0)
    xtr, ytr, xte, yte, signed, scale = load_dataset("digits", 0)
    assert xtr.shape[1] == 64 and len(xtr) + len(xte) == 1797
    torch.manual_seed(0)
    model = make_model(cfg, 64, signed, scale)
    before = accuracy(model, xte, yte)
    losses = fit(model, xtr[:600], ytr[:600], cfg, log=None)
    assert losses[-1] < 0.8 * losses[0], losses
    assert accuracy(model, xte, yte) > max(before, 0.3)


def test_bundle_round_trip(tmp_path):
    pytest.importorskip("sklearn", reason="scikit-learn is not installed (pip install 'lutopt[torch]')")
    from lutopt.nn.train import TrainConfig, load_bundle, save_bundle, train

    cfg = TrainConfig(layers=[16, 10], fan_ins=[4, 4], epochs=1)
    model, data, fig = train(cfg, log=None, float_baseline=False)
    save_bundle(model, cfg, data, fig, tmp_path)
    again = load_bundle(tmp_path)
    t = np.load(tmp_path / "testset.npz")
    x = torch.from_numpy(data[2])
    np.testing.assert_array_equal(again.output_codes(x).numpy(), t["output_codes"])
    np.testing.assert_array_equal(again.input_quantizer.to_codes(x).numpy(), t["input_codes"])
    np.testing.assert_array_equal(t["labels"], data[3])


def test_bundled_digits_example_is_consistent(tmp_path):
    """examples/digits: model.pt reproduces the bundled output codes (at batch 360 and one
    input at a time) and exports to the bundled model.mlir."""
    from pathlib import Path

    from lutopt.nn.train import load_bundle

    here = REPO / "examples" / "digits"
    model = load_bundle(here)
    t = np.load(here / "testset.npz")
    x = model.input_quantizer.from_codes(torch.from_numpy(t["input_codes"].astype(np.int64)))
    codes = model.output_codes(x).numpy()
    np.testing.assert_array_equal(codes, t["output_codes"])
    one_by_one = np.concatenate([model.output_codes(x[i:i + 1]).numpy() for i in range(len(x))])
    np.testing.assert_array_equal(one_by_one, t["output_codes"])
    assert (int(t["input_width"]), int(t["output_width"]), bool(t["output_signed"])) == (2, 4, True)
    assert (codes.argmax(1) == t["labels"]).mean() > 0.9
    pytest.importorskip("torch_mlir.fx", reason="torch-mlir is not installed (pip install 'lutopt[torch]')")
    from lutopt.nn.export import export_model

    text = export_model(model, x[:1], tmp_path / "model.mlir", func_name="digits")
    assert text == (here / "model.mlir").read_text(), "examples/digits/model.mlir is stale: re-export it"


def test_batch_norm_model_and_half_precision_bundle(tmp_path):
    """`batch_norm=True` puts a BatchNorm1d between each sparse layer and its quantizer
    (model_summary still counts only the table layers), and a bundle whose state dict is
    stored in float16 (as examples/mnist-tables stores its weights) loads into the same
    model: float16 values held in float32 parameters."""
    pytest.importorskip("sklearn", reason="scikit-learn is not installed (pip install 'lutopt[torch]')")
    from lutopt.nn.train import TrainConfig, load_bundle, model_summary, save_bundle, train

    for kind in ("sparse", "mlp"):
        cfg = TrainConfig(layers=[16, 10], fan_ins=[3, 3], epochs=1, kind=kind, width=4,
                          batch_norm=True)
        model, data, fig = train(cfg, log=None, float_baseline=False)
        assert [type(m).__name__ for m in model] == [
            "Quantizer", "SparseQuantLinear" if kind == "sparse" else "PartitionedMLP",
            "BatchNorm1d", "Quantizer",
            "SparseQuantLinear" if kind == "sparse" else "PartitionedMLP", "BatchNorm1d",
            "Quantizer"]
        assert [layer["tables"] for layer in model_summary(model)["layers"]] == [16, 10]
        save_bundle(model, cfg, data, fig, tmp_path)
        blob = torch.load(tmp_path / "model.pt", weights_only=True)
        blob["state_dict"] = {k: v.half() if v.is_floating_point() else v
                              for k, v in blob["state_dict"].items()}
        torch.save(blob, tmp_path / "model.pt")
        again = load_bundle(tmp_path)
        for name, p in again.state_dict().items():
            if p.is_floating_point():
                assert p.dtype == torch.float32
                assert torch.equal(p, p.half().float()), name
        x = torch.from_numpy(data[2])
        assert again.output_codes(x).shape == (len(x), 10)
