"""nn-to-lut against PyTorch: small models of both styles, every input code combination.

Each model is written in plain PyTorch, exported with torch-mlir, compiled with the
`nn-to-lut` pipeline, and the lut-level function (run by `lutopt.interpreters`) must
give the code PyTorch computes for every input vector.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="torch is not installed (pip install torch==2.13.0)")
fx = pytest.importorskip("torch_mlir.fx", reason="torch-mlir is not installed (pip install torch-mlir)")

from lutopt.api import emit, parse_module, run_passes  # noqa: E402
from lutopt.diagnostics import LutoptError  # noqa: E402
from lutopt.sim import evaluate  # noqa: E402
from torch_models import Gathered, Masked, q  # noqa: E402  (the hand-written models)

nn = torch.nn


def compile_model(model, n_in, passes="nn-to-lut"):
    text = str(fx.export_and_import(model, torch.zeros(1, n_in), output_type="linalg-on-tensors"))
    module = parse_module(text, "model.mlir")
    run_passes(module, passes)
    return module


def check_exhaustive(model, n_in, s_in, lo_in, hi_in, s_out, w_out):
    module = compile_model(model, n_in)
    codes = np.array(list(itertools.product(range(lo_in, hi_in + 1), repeat=n_in)), dtype=np.int64)
    with torch.no_grad():
        y = model(torch.tensor(codes, dtype=torch.float32) * s_in).numpy()
    expect = (np.rint(y / np.float32(s_out)).astype(np.int64) & ((1 << w_out) - 1)).astype(np.uint64)
    w_in = max(1, int(hi_in).bit_length() + (1 if lo_in < 0 else 0)) if lo_in < 0 else max(1, int(hi_in).bit_length())
    ins = [(codes[:, i] & ((1 << w_in) - 1)).astype(np.uint64) for i in range(n_in)]
    got = np.stack(evaluate(module, "main", ins), axis=1)
    mismatches = np.argwhere(got != expect)
    assert len(mismatches) == 0, f"{len(mismatches)} of {expect.size} codes differ, first at input {codes[mismatches[0][0]]}"
    return module


def test_masked_linear_matches_pytorch_exhaustively():
    torch.manual_seed(0)
    module = check_exhaustive(Masked(), 4, 0.25, -4, 3, 0.25, 3)
    text = emit(module)
    assert "nn." not in text and text.count("lut.table") >= 3


def test_gathered_einsum_matches_pytorch_exhaustively():
    torch.manual_seed(0)
    check_exhaustive(Gathered(), 5, 0.5, -2, 1, 0.25, 3)


def test_several_seeds_masked():
    for seed in (3, 4):
        check_exhaustive(Masked(n_in=3, hidden=4, n_out=2, fan_in=2, seed=seed), 3, 0.25, -4, 3, 0.25, 3)


def test_sparsity_sets_the_fan_in():
    module = compile_model(Masked(n_in=6, hidden=4, n_out=2, fan_in=2), 6)
    from lutopt.dialects.lut import TableOp

    tables = [op for op in module.walk() if isinstance(op, TableOp)]
    first = [t for t in tables if all(v.owner is not None and not isinstance(v.owner, TableOp) for v in t.inputs)]
    assert first and all(len(t.inputs) <= 2 for t in first)


def test_table_too_wide_is_a_located_error():
    with pytest.raises(LutoptError) as e:
        compile_model(Masked(n_in=6, hidden=4, n_out=2, fan_in=6), 6, "nn-to-lut{max-table-bits=12}")
    assert "18 bits" in e.value.message and "max-table-bits=12" in e.value.message
    assert e.value.location and e.value.location.startswith("model.mlir:")


class NoInputQuantizer(nn.Module):
    def __init__(self):
        super().__init__()
        self.l = nn.Linear(2, 2)

    def forward(self, x):
        return q(self.l(x), 0.5, 0, 3)


def test_model_without_input_quantizer_is_a_located_error():
    with pytest.raises(LutoptError) as e:
        compile_model(NoInputQuantizer(), 2)
    assert "argument #0" in e.value.message and e.value.location


class Gram(nn.Module):
    def forward(self, x):
        x = q(x, 0.5, 0, 3)
        return q(x.transpose(0, 1) @ x, 0.25, 0, 3)


def test_unsupported_op_inside_a_partition_is_a_located_error():
    with pytest.raises(LutoptError) as e:
        compile_model(Gram(), 2)
    assert "two computed tensors" in e.value.message
    assert e.value.location and "model.mlir:" in e.value.location


@pytest.mark.parametrize(
    "kind,mode",
    [("sparse", "mask"), ("sparse", "gather"), ("mlp", "mask")],
)
def test_lutopt_nn_layers_match_pytorch_exhaustively(kind, mode):
    """Models built from lutopt.nn's layers (LogicNets masks and gathers, NeuraLUT MLPs)."""
    from lutopt.nn import layers
    torch.manual_seed(0)
    model = layers.build_model(
        4, [5, 3], [2, 3], input_bits=2, input_signed=True, input_scale=0.5, hidden_bits=2,
        output_bits=3, kind=kind, mode=mode, depth=4, width=8, seed=3,
    ).eval()
    with torch.no_grad():  # untrained zero biases make boring tables
        for name, p in model.named_parameters():
            if "bias" in name or name.endswith(("b_in", "b_out")) or ".b_hidden." in name:
                p.copy_(torch.randn(p.shape) * 0.3)
    out_q = model.output_quantizer
    check_exhaustive(model, 4, float(model.input_quantizer.scale), -2, 1, float(out_q.scale), out_q.width)


class Flattened(nn.Module):
    """Images in, flattened before the input quantizer; the output squeezed after the last."""

    def __init__(self):
        super().__init__()
        self.l = nn.Linear(4, 2)
        self.register_buffer("mask", torch.tensor([[1.0, 0, 0, 1], [0, 1, 1, 0]]))

    def forward(self, x):
        x = q(x.flatten(1), 0.5, 0, 3)
        y = torch.nn.functional.linear(x, self.l.weight * self.mask, self.l.bias)
        return q(y, 0.25, -4, 3).unsqueeze(1)


def test_reshapes_at_the_boundaries():
    torch.manual_seed(2)
    model = Flattened()
    text = str(fx.export_and_import(model, torch.zeros(1, 2, 2), output_type="linalg-on-tensors"))
    module = parse_module(text, "model.mlir")
    run_passes(module, "nn-to-lut")
    codes = np.array(list(itertools.product(range(4), repeat=4)), dtype=np.int64)
    with torch.no_grad():
        y = model(torch.tensor(codes, dtype=torch.float32).reshape(-1, 2, 2) * 0.5).numpy().reshape(-1, 2)
    expect = (np.rint(y / np.float32(0.25)).astype(np.int64) & 7).astype(np.uint64)
    got = np.stack(evaluate(module, "main", [codes[:, i].astype(np.uint64) for i in range(4)]), axis=1)
    assert np.array_equal(got, expect)


class Gelu(nn.Module):
    def forward(self, x):
        x = q(x, 0.5, 0, 3)
        return q(torch.nn.functional.gelu(x), 0.25, 0, 3)


def test_unsupported_scalar_op_is_located_in_the_model():
    with pytest.raises(LutoptError) as e:
        compile_model(Gelu(), 2)
    assert "not supported inside a partition" in e.value.message
    assert e.value.location and e.value.location.startswith("model.mlir:")


class CatBatchNorm(nn.Module):
    """A skip connection by torch.cat of a computed branch and gathered inputs, batch norm
    (evaluation mode: its constants are folded, including torch-mlir's cf.assert), slices."""

    def __init__(self):
        super().__init__()
        self.l1, self.bn, self.l2 = nn.Linear(2, 4), nn.BatchNorm1d(4), nn.Linear(6, 3)
        self.register_buffer("sel", torch.tensor([3, 0]))
        with torch.no_grad():
            self.bn.running_mean.uniform_(-1, 1)
            self.bn.running_var.uniform_(0.5, 2)

    def forward(self, x):
        x = q(x, 0.5, -2, 1)
        h = torch.relu(self.bn(self.l1(x[:, 0:4:2])))
        h = torch.cat([h, x.index_select(1, self.sel) * 0.5], dim=1)
        return q(self.l2(h), 0.25, -8, 7)


def test_concat_and_batch_norm_match_pytorch_exhaustively():
    torch.manual_seed(0)
    check_exhaustive(CatBatchNorm().eval(), 4, 0.5, -2, 1, 0.25, 4)


class Interleaved(nn.Module):
    """torch.stack of an input and a computed tensor along the last dimension: the sources
    alternate element by element in the flattened result."""

    def __init__(self):
        super().__init__()
        self.l = nn.Linear(6, 2)

    def forward(self, x):
        x = q(x, 0.5, -2, 1)
        h = torch.stack([x, torch.relu(x - 0.25)], dim=-1).flatten(1)
        return q(self.l(h), 0.25, -8, 7)


def test_interleaved_sources_match_pytorch_exhaustively():
    torch.manual_seed(1)
    check_exhaustive(Interleaved().eval(), 3, 0.5, -2, 1, 0.25, 4)


class TwoHeads(nn.Module):
    """Two output quantizers, concatenated into one result."""

    def __init__(self):
        super().__init__()
        self.a, self.b = nn.Linear(3, 2), nn.Linear(3, 1)

    def forward(self, x):
        x = q(x, 0.5, -2, 1)
        return torch.cat([q(self.a(x), 0.25, -8, 7), q(self.b(x), 0.5, -8, 7)], dim=1)


def test_concatenated_output_quantizers():
    torch.manual_seed(3)
    model = TwoHeads().eval()
    module = compile_model(model, 3)
    codes = np.array(list(itertools.product(range(-2, 2), repeat=3)), dtype=np.int64)
    with torch.no_grad():
        y = model(torch.tensor(codes, dtype=torch.float32) * 0.5).numpy()
    expect = np.stack([np.rint(y[:, 0] / 0.25), np.rint(y[:, 1] / 0.25), np.rint(y[:, 2] / 0.5)], axis=1)
    expect = (expect.astype(np.int64) & 15).astype(np.uint64)
    got = np.stack(evaluate(module, "main", [(codes[:, i] & 3).astype(np.uint64) for i in range(3)]), axis=1)
    assert np.array_equal(got, expect)


def _mlp_model():
    from lutopt.nn import layers

    model = layers.build_model(
        4, [5, 3], [2, 3], input_bits=2, input_signed=True, input_scale=0.5, hidden_bits=2,
        output_bits=3, kind="mlp", mode="mask", depth=4, width=8, seed=3,
    ).eval()
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn(p.shape) * 0.1)
    return model, 4


@pytest.mark.parametrize("which", ["masked", "gathered", "mlp", "interleaved"])
def test_partition_groups_give_the_tables_of_single_partitions(which):
    """nn-partition{group=true} (what nn-to-lut runs) makes nn.partition_group ops for
    the layers, and their tables are those of one nn.partition per element."""
    torch.manual_seed(0)
    model, n_in = {
        "masked": lambda: (Masked(), 4),
        "gathered": lambda: (Gathered(), 5),
        "mlp": _mlp_model,
        "interleaved": lambda: (Interleaved().eval(), 3),
    }[which]()
    text = str(fx.export_and_import(model, torch.zeros(1, n_in), output_type="linalg-on-tensors"))
    front = "nn-fold-constants,nn-raise-quantizers,"
    grouped = parse_module(text, "model.mlir")
    run_passes(grouped, front + "nn-partition{group=true}")
    assert sum(op.name == "nn.partition_group" for op in grouped.walk()) > 0
    run_passes(grouped, "nn-absorb-partitions", check=False)
    single = parse_module(text, "model.mlir")
    run_passes(single, front + "nn-partition")
    assert sum(op.name == "nn.partition_group" for op in single.walk()) == 0
    run_passes(single, "nn-absorb-partitions")
    assert emit(grouped) == emit(single)
