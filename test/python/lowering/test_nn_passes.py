"""The nn passes without PyTorch: simulation checks of absorption, and the enumeration."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lutopt.api import parse_module, run_passes
from lutopt.diagnostics import LutoptError
from lutopt.dialects.lut import TableOp, dense_table_attr
from lutopt.sim.check import check_pass
from lutopt.sim import evaluate
from repo_paths import INPUTS

INPUT = INPUTS / "masked-linear.torch.mlir"


def partitioned():
    m = parse_module(INPUT.read_text(), str(INPUT))
    run_passes(m, "nn-fold-constants,nn-raise-quantizers,nn-partition")
    return m


def test_absorption_is_checked_against_the_tensor_level_function():
    reference = parse_module(INPUT.read_text(), str(INPUT))
    run_passes(reference, "nn-fold-constants,nn-raise-quantizers")
    before = partitioned()
    after = before.clone()
    run_passes(after, "nn-absorb-partitions")
    warnings: list[str] = []
    # exhaustive: 12 input bits
    check_pass(before, after, "nn-absorb-partitions", 4096, 0, reference=reference, warn=warnings.append)
    assert warnings == []
    # A wrong entry is caught.
    table = next(op for op in after.walk() if isinstance(op, TableOp) and len(op.inputs) == 3)
    values = table.values().copy()
    values[5] ^= 1
    table.properties["table"] = dense_table_attr(values, table.out_width)
    with pytest.raises(LutoptError, match="changed the function .* in the tensor-level reference"):
        check_pass(before, after, "nn-absorb-partitions", 4096, 0, reference=reference)


def test_partition_interpreter_agrees_with_tables_on_every_input():
    before = partitioned()
    after = before.clone()
    run_passes(after, "nn-absorb-partitions")
    codes = np.array(np.meshgrid(*[np.arange(8)] * 4, indexing="ij")).reshape(4, -1).astype(np.uint64)
    a = evaluate(before, "main", list(codes))
    b = evaluate(after, "main", list(codes))
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert len(a) == 2 and len(a[0]) == 4096


def test_fold_constants_is_idempotent_and_keeps_the_function():
    m = parse_module(INPUT.read_text(), str(INPUT))
    run_passes(m, "nn-fold-constants")
    text = str(m)
    run_passes(m, "nn-fold-constants")
    assert str(m) == text
    assert "dense_resource" not in text


def test_max_table_bits_option_is_checked():
    m = parse_module(INPUT.read_text(), str(INPUT))
    with pytest.raises(LutoptError, match="max-table-bits must be between 0 and 30"):
        run_passes(m, "nn-fold-constants,nn-raise-quantizers,nn-partition{max-table-bits=40}")


def test_enumeration_kernels_give_the_same_tables():
    """The C kernel (when a compiler is found), numba's and NumPy's (see also
    test/python/analysis/test_nn_enumerate_c.py)."""
    from lutopt.dialects.nn import PartitionOp
    from lutopt.analysis.nn_enumerate import EnumerateParams, enumerate_partitions

    m = partitioned()
    parts = [op for op in m.walk() if isinstance(op, PartitionOp)]
    fast, stats = enumerate_partitions(parts, EnumerateParams())
    assert stats.entries == sum(len(t) for t in fast)
    for params in (EnumerateParams(kernel="numba"), EnumerateParams(kernel="numpy"), EnumerateParams(use_numba=False)):
        other, _ = enumerate_partitions(parts, params)
        assert all(np.array_equal(x, y) for x, y in zip(fast, other))


def test_check_passes_reference_is_the_unpartitioned_function(capsys):
    """--check-passes checks nn-partition and nn-absorb-partitions against the tensor-level
    function (lutopt.sim.nn_reference), with no 'not checked' warning for them."""
    m = parse_module(INPUT.read_text(), str(INPUT))
    run_passes(m, "nn-to-lut", check=True)
    err = capsys.readouterr().err
    assert "'nn-partition' not checked" not in err and "'nn-absorb-partitions' not checked" not in err, err


def test_check_passes_catches_a_broken_absorption(monkeypatch):
    """A broken enumeration (its quantizer scales the input by 1.5) changes the partitions'
    own evaluator in the same way as the tables, so only an independent reference sees it.
    (The NumPy kernel: the C kernel has its quantizer in its generated code.)"""
    from lutopt.analysis import nn_enumerate

    monkeypatch.setenv(nn_enumerate.KERNEL_ENV, "numpy")
    original = nn_enumerate.quantize_codes
    monkeypatch.setattr(nn_enumerate, "quantize_codes", lambda x, *a: original(x * np.float32(1.5), *a))
    m = parse_module(INPUT.read_text(), str(INPUT))
    with pytest.raises(LutoptError, match="pass 'nn-(partition|absorb-partitions)' changed the function"):
        run_passes(m, "nn-to-lut", check=True)


def test_check_passes_catches_one_flipped_table_entry(monkeypatch):
    """The absorption monkeypatched to flip one entry of one table: caught by --check-passes."""
    from lutopt.lowering.conversion import nn_absorb_partitions as nn_absorb

    original = nn_absorb.enumerate_partitions

    def flipped(parts, params):
        tables, stats = original(parts, params)
        tables[0] = tables[0].copy()
        tables[0][3] ^= 1
        return tables, stats

    monkeypatch.setattr(nn_absorb, "enumerate_partitions", flipped)
    m = parse_module(INPUT.read_text(), str(INPUT))
    with pytest.raises(LutoptError, match="pass 'nn-absorb-partitions' changed the function"):
        run_passes(m, "nn-to-lut", check=True)


def test_check_passes_reference_through_reshapes_and_concatenated_results(capsys):
    """An argument reshaped before its quantizer and a result concatenated from two
    quantizers: the tensor-level reference still checks nn-partition and the absorption."""
    torch = pytest.importorskip("torch", reason="torch is not installed (pip install torch==2.13.0)")
    fx = pytest.importorskip("torch_mlir.fx", reason="torch-mlir is not installed (pip install torch-mlir)")

    class M(torch.nn.Module):
        def forward(self, x):
            x = torch.clamp(torch.round(x.reshape(1, 4) / 0.5), -2, 1) * 0.5
            a = torch.clamp(torch.round((x[:, :2] * 1.5 - x[:, 2:]) / 0.1), 0, 3) * 0.1
            b = torch.clamp(torch.round((x[:, 1:3] + 0.2) / 0.25), -2, 1) * 0.25
            return torch.cat([a, b], dim=1)

    text = str(fx.export_and_import(M(), torch.zeros(1, 2, 2), output_type="linalg-on-tensors"))
    m = parse_module(text, "model.mlir")
    run_passes(m, "nn-to-lut", check=True)
    err = capsys.readouterr().err
    assert "'nn-partition' not checked" not in err and "'nn-absorb-partitions' not checked" not in err, err
