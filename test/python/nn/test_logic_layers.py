"""lutopt.nn.logic: gate numbering, discrete and relaxed forwards against NumPy, wiring modes,
GroupSum, Thermometer, LUTLayer, the discrete state round trip, lutopt-train --kind logic."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="torch is not installed (pip install 'lutopt[torch]')")

from lutopt.nn.logic import (  # noqa: E402
    GroupSum,
    LogicLayer,
    LUTLayer,
    Thermometer,
    build_logic_model,
    discrete_state,
    from_discrete_state,
    logic_connections,
)

# DESIGN.md's numbering, written out from its list (not from lutopt): gate g on bits a, b.
DESIGN_GATES = [
    lambda a, b: np.zeros_like(a),       # 0 false
    lambda a, b: a & b,                  # 1
    lambda a, b: a & (1 - b),            # 2 a&~b
    lambda a, b: a,                      # 3
    lambda a, b: (1 - a) & b,            # 4 ~a&b
    lambda a, b: b,                      # 5
    lambda a, b: a ^ b,                  # 6
    lambda a, b: a | b,                  # 7
    lambda a, b: 1 - (a | b),            # 8
    lambda a, b: 1 - (a ^ b),            # 9
    lambda a, b: 1 - b,                  # 10
    lambda a, b: a | (1 - b),            # 11
    lambda a, b: 1 - a,                  # 12
    lambda a, b: (1 - a) | b,            # 13
    lambda a, b: 1 - (a & b),            # 14
    lambda a, b: np.ones_like(a),        # 15 true
]

# difflogic's real-valued relaxations (Petersen et al. 2022, table 1), on a, b in [0, 1].
RELAXED = [
    lambda a, b: 0 * a, lambda a, b: a * b, lambda a, b: a - a * b, lambda a, b: a,
    lambda a, b: b - a * b, lambda a, b: b, lambda a, b: a + b - 2 * a * b,
    lambda a, b: a + b - a * b, lambda a, b: 1 - (a + b - a * b),
    lambda a, b: 1 - (a + b - 2 * a * b), lambda a, b: 1 - b, lambda a, b: 1 - b + a * b,
    lambda a, b: 1 - a, lambda a, b: 1 - a + a * b, lambda a, b: 1 - a * b, lambda a, b: 0 * a + 1,
]


def np_logic(x: np.ndarray, wires: np.ndarray, gates: np.ndarray) -> np.ndarray:
    """A layer of gates evaluated one gate at a time on 0/1 integer inputs (B, in)."""
    out = np.zeros((x.shape[0], len(gates)), np.int64)
    for o, (g, (i, j)) in enumerate(zip(gates, wires)):
        out[:, o] = DESIGN_GATES[g](x[:, i], x[:, j])
    return out


def bits(rng, n, m):
    return rng.integers(0, 2, (n, m)).astype(np.int64)


def test_design_numbering_is_truth_table_msb_first():
    a = np.array([0, 0, 1, 1])
    b = np.array([0, 1, 0, 1])
    for g, f in enumerate(DESIGN_GATES):
        table = f(a, b)  # f(0,0), f(0,1), f(1,0), f(1,1)
        assert int("".join(map(str, table)), 2) == g


@pytest.mark.parametrize("form", ["index", "onehot"])
@pytest.mark.parametrize("connections", ["unique", "random"])
def test_logic_eval_equals_numpy(form, connections):
    rng = np.random.default_rng(1)
    layer = LogicLayer(12, 64, connections=connections, seed=3, gate_init="random",
                       eval_form=form).eval()
    x = bits(rng, 50, 12)
    y = layer(torch.from_numpy(x).float())
    wires = layer.wiring.indices.numpy()
    gates = layer.weights.detach().numpy().argmax(1)  # argmax computed here, not by lutopt
    assert set(gates.tolist()) == set(range(16)) or len(set(gates.tolist())) > 8
    np.testing.assert_array_equal(y.numpy(), np_logic(x, wires, gates))


def test_all_sixteen_gates_exhaustively():
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    layer = LogicLayer(2, 16, connections="fixed", indices=[[0, 1]] * 16, gates=range(16)).eval()
    y = layer(torch.from_numpy(x).float()).numpy()
    np.testing.assert_array_equal(y, np_logic(x, np.array([[0, 1]] * 16), np.arange(16)))


def test_learned_eval_reads_the_argmax_candidate():
    rng = np.random.default_rng(2)
    layer = LogicLayer(10, 40, connections="learned", candidates=5, seed=4, gate_init="random")
    with torch.no_grad():
        layer.wiring.logits.normal_()
    layer.eval()
    cand = layer.wiring.candidate_indices.numpy()
    logits = layer.wiring.logits.detach().numpy()
    pick = logits.argmax(-1)
    wires = np.take_along_axis(cand, pick[..., None], -1)[..., 0]
    x = bits(rng, 30, 10)
    gates = layer.weights.detach().numpy().argmax(1)
    np.testing.assert_array_equal(layer(torch.from_numpy(x).float()).numpy(),
                                  np_logic(x, wires, gates))
    np.testing.assert_array_equal(layer.wires().numpy(), wires)


@pytest.mark.parametrize("connections", ["unique", "learned"])
def test_relaxed_at_one_hot_equals_discrete(connections):
    rng = np.random.default_rng(3)
    layer = LogicLayer(9, 32, connections=connections, candidates=3, seed=5)
    with torch.no_grad():
        g = torch.from_numpy(rng.integers(0, 16, 32))
        layer.weights.copy_(1e4 * torch.nn.functional.one_hot(g, 16))  # softmax exactly one-hot
        if connections == "learned":
            k = torch.from_numpy(rng.integers(0, 3, (32, 2)))
            layer.wiring.logits.copy_(1e4 * torch.nn.functional.one_hot(k, 3))
    x = torch.from_numpy(bits(rng, 20, 9)).float()
    relaxed = layer.train()(x)
    discrete = layer.eval()(x)
    assert torch.equal(relaxed, discrete)
    assert set(torch.unique(discrete).tolist()) <= {0.0, 1.0}


def test_relaxed_is_difflogic_mixture():
    rng = np.random.default_rng(4)
    layer = LogicLayer(6, 20, connections="unique", seed=6, gate_init="random").train()
    x = rng.random((15, 6)).astype(np.float32)
    y = layer(torch.from_numpy(x)).detach().numpy()
    p = torch.softmax(layer.weights.detach(), -1).numpy().astype(np.float64)
    w = layer.wiring.indices.numpy()
    a, b = x[:, w[:, 0]].astype(np.float64), x[:, w[:, 1]].astype(np.float64)
    want = sum(p[:, g] * RELAXED[g](a, b) for g in range(16))
    np.testing.assert_allclose(y, want, atol=1e-5)


def test_learned_relaxed_is_softmax_mixture_of_candidates_and_trains():
    rng = np.random.default_rng(5)
    layer = LogicLayer(7, 10, connections="learned", candidates=4, seed=7, gate_init="random")
    with torch.no_grad():
        layer.wiring.logits.normal_()
    x = torch.from_numpy(rng.random((8, 7)).astype(np.float32))
    y = layer.train()(x)
    cand = layer.wiring.candidate_indices.numpy()
    q = torch.softmax(layer.wiring.logits.detach(), -1).numpy()
    xn = x.numpy().astype(np.float64)
    v = (xn[:, cand] * q).sum(-1)  # (B, out, 2)
    p = torch.softmax(layer.weights.detach(), -1).numpy()
    want = sum(p[:, g] * RELAXED[g](v[..., 0], v[..., 1]) for g in range(16))
    np.testing.assert_allclose(y.detach().numpy(), want, atol=1e-5)
    y.sum().backward()
    assert layer.wiring.logits.grad is not None and layer.wiring.logits.grad.abs().sum() > 0
    # The numba kernel's gradients equal autograd through plain PyTorch ops.
    xg = x.clone().requires_grad_(True)
    layer.wiring.logits.grad = None
    layer(xg).square().sum().backward()
    g_kernel = (xg.grad.clone(), layer.wiring.logits.grad.clone())
    xg2 = x.clone().requires_grad_(True)
    logits = layer.wiring.logits.detach().clone().requires_grad_(True)
    c = layer.wiring.candidate_indices
    v2 = (xg2[:, c] * torch.softmax(logits, -1)).sum(-1)
    cf = (torch.softmax(layer.weights.detach(), -1) @ layer.coeffs)
    y2 = cf[:, 0] + cf[:, 1] * v2[..., 0] + cf[:, 2] * v2[..., 1] + cf[:, 3] * v2[..., 0] * v2[..., 1]
    y2.square().sum().backward()
    torch.testing.assert_close(g_kernel[0], xg2.grad, atol=1e-5, rtol=1e-4)
    torch.testing.assert_close(g_kernel[1], logits.grad, atol=1e-5, rtol=1e-4)


def check_unique(c, n_in, n_out, arity):
    assert c.shape == (n_out, arity)
    assert all(len(set(row)) == arity for row in c.tolist())  # a node's inputs differ
    counts = np.bincount(c.ravel(), minlength=n_in)
    assert counts.max() - counts.min() <= 1  # reads spread evenly
    if n_out * arity >= n_in:
        assert counts.min() >= 1  # every input read


def test_unique_connections_read_every_input_once_more_at_most():
    for n_in, n_out in [(10, 5), (100, 64), (784, 2000), (7, 30)]:
        check_unique(logic_connections(n_in, n_out, "unique", seed=n_in).numpy(), n_in, n_out, 2)


def test_unique_connections_small_sizes_exhaustively():
    """Every small case, including nodes as wide as the layer's input (arity == in)."""
    for n_in in range(1, 9):
        for n_out in range(1, 9):
            for arity in range(1, min(n_in, 6) + 1):
                for seed in range(3):
                    c = logic_connections(n_in, n_out, "unique", seed, arity).numpy()
                    check_unique(c, n_in, n_out, arity)


def test_random_connections_and_learned_candidates():
    c = logic_connections(50, 40, "random", seed=1).numpy()
    assert c.shape == (40, 2) and c.min() >= 0 and c.max() < 50
    layer = LogicLayer(30, 20, connections="learned", candidates=6)
    cand = layer.wiring.candidate_indices.numpy()
    assert cand.shape == (20, 2, 6)
    assert set(cand[:, :, 0].ravel().tolist()) == set(range(30))  # candidate 0: unique wiring
    with pytest.raises(ValueError, match="connections"):
        LogicLayer(4, 4, connections="dense")
    with pytest.raises(ValueError, match="outside"):
        LogicLayer(4, 2, connections="fixed", indices=[[0, 4], [1, 2]])


def test_groupsum_and_thermometer_against_numpy():
    rng = np.random.default_rng(6)
    x = rng.integers(0, 2, (9, 12)).astype(np.float32)
    y = GroupSum(3, 4.0)(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(y, x.reshape(9, 3, 4).sum(-1) / 4.0)
    feats = rng.random((5, 4)).astype(np.float32)
    t = np.array([0.7, 0.2, 0.5], np.float32)  # unsorted on purpose
    out = Thermometer(t)(torch.from_numpy(feats)).numpy()
    ts = np.sort(t)
    want = np.stack([feats[:, f, None] > ts for f in range(4)], 1).reshape(5, 12)
    np.testing.assert_array_equal(out, want.astype(np.float32))
    # the code of a feature (DESIGN.md: the number of thresholds exceeded) is its count of ones
    np.testing.assert_array_equal(out.reshape(5, 4, 3).sum(-1), (feats[..., None] > t).sum(-1))
    per_feature = Thermometer(np.array([[0.1, 0.2], [0.3, 0.9]]))(torch.tensor([[0.15, 0.95]]))
    assert per_feature.tolist() == [[1.0, 0.0, 1.0, 1.0]]


def np_lut(x, wires, tables):
    k = wires.shape[1]
    out = np.zeros((x.shape[0], len(tables)), np.int64)
    for o in range(len(tables)):
        addr = sum(x[:, wires[o, i]] << (k - 1 - i) for i in range(k))  # input 0 is the MSB
        out[:, o] = tables[o][addr]
    return out


@pytest.mark.parametrize("k", [1, 3, 6])
def test_lut_eval_equals_numpy_and_relaxed_at_binary(k):
    rng = np.random.default_rng(k)
    layer = LUTLayer(10, 16, k, connections="unique", seed=k)
    x = bits(rng, 40, 10)
    y = layer.eval()(torch.from_numpy(x).float()).numpy()
    tables = (layer.theta.detach().numpy() > 0).astype(np.int64)
    np.testing.assert_array_equal(y, np_lut(x, layer.wiring.indices.numpy(), tables))
    np.testing.assert_array_equal(layer.tables().numpy(), tables)
    with torch.no_grad():
        layer.theta.copy_(torch.where(layer.theta > 0, 100.0, -100.0))  # sigmoid exactly 0/1
    relaxed = layer.train()(torch.from_numpy(x).float())
    assert torch.equal(relaxed, torch.from_numpy(y))


def test_lut_relaxed_is_expected_table_value():
    rng = np.random.default_rng(7)
    k = 3
    layer = LUTLayer(5, 4, k, connections="random", seed=2).train()
    x = rng.random((6, 5)).astype(np.float32)
    y = layer(torch.from_numpy(x)).detach().numpy()
    t = torch.sigmoid(layer.theta.detach()).numpy().astype(np.float64)
    w = layer.wiring.indices.numpy()
    want = np.zeros_like(y, dtype=np.float64)
    for addr in range(1 << k):
        prob = np.ones((6, 4))
        for i in range(k):
            bit = (addr >> (k - 1 - i)) & 1
            v = x[:, w[:, i]].astype(np.float64)
            prob *= v if bit else 1 - v
        want += prob * t[:, addr]
    np.testing.assert_allclose(y, want, atol=1e-5)


@pytest.mark.parametrize("kind", ["logic", "lut"])
def test_discrete_state_round_trip(kind):
    rng = np.random.default_rng(8)
    model = build_logic_model(6, [24, 20], 2, thresholds=[0.3, 0.6], kind=kind, k=3,
                              connections="learned", candidates=3, tau=3.0,
                              gate_init="random")
    for m in model.modules():
        if hasattr(m, "logits"):
            with torch.no_grad():
                m.logits.normal_()
    state = discrete_state(model)
    rebuilt = from_discrete_state(state)
    x = torch.from_numpy(rng.random((50, 6)).astype(np.float32))
    assert torch.equal(model.eval()(x), rebuilt(x))


def test_lutopt_train_logic_digits(tmp_path, capsys):
    pytest.importorskip("sklearn", reason="scikit-learn is not installed")
    from lutopt.nn.train import main

    rc = main(["--kind", "logic", "--dataset", "digits", "--layers", "60,40", "--epochs", "1",
               "--threads", "1", "--out", str(tmp_path), "--quiet"])
    assert rc == 0
    out = capsys.readouterr().out
    assert "discrete test accuracy" in out and "100 gates" in out
    state = np.load(tmp_path / "model.npz")
    assert state["layer0_gates"].shape == (60,) and state["layer1_wires"].shape == (40, 2)
    model = from_discrete_state(state)
    assert model(torch.rand(3, 64)).shape == (3, 10)


def test_weighted_gather_kernel_equals_autograd():
    """The learned wiring of LUTLayer trains through this kernel."""
    from lutopt.nn.wiring_kernels import weighted_gather

    gen = torch.Generator().manual_seed(0)
    x = torch.rand(5, 7, generator=gen, requires_grad=True)
    c = torch.randint(0, 7, (6, 3), generator=gen)
    logits = torch.randn(6, 3, generator=gen, requires_grad=True)
    w = torch.randn(5, 6, generator=gen)
    (weighted_gather(x, c, torch.softmax(logits, -1)) * w).sum().backward()
    got = (x.grad.clone(), logits.grad.clone())
    x.grad, logits.grad = None, None
    ((x[:, c] * torch.softmax(logits, -1)).sum(-1) * w).sum().backward()
    torch.testing.assert_close(got[0], x.grad)
    torch.testing.assert_close(got[1], logits.grad)
    layer = LUTLayer(8, 5, 3, connections="learned", candidates=4).train()
    layer(torch.rand(4, 8, generator=gen)).sum().backward()
    assert layer.wiring.logits.grad.abs().sum() > 0 and layer.theta.grad.abs().sum() > 0
