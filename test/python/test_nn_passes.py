"""The nn passes without PyTorch: simulation checks of absorption, and the enumeration."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lutopt.api import parse_module, run_passes
from lutopt.diagnostics import LutoptError
from lutopt.dialects.lut import TableOp, dense_table_attr
from lutopt.sim.check import check_pass
from lutopt.sim.interp import evaluate

INPUT = Path(__file__).resolve().parents[1] / "Transforms" / "Inputs" / "masked-linear.torch.mlir"


def partitioned():
    m = parse_module(INPUT.read_text(), str(INPUT))
    run_passes(m, "nn-fold-constants,nn-raise-quantizers,nn-partition")
    return m


def test_absorption_is_checked_against_the_partition_interpreter():
    before = partitioned()
    after = before.clone()
    run_passes(after, "nn-absorb-partitions")
    check_pass(before, after, "nn-absorb-partitions", 4096, 0)  # exhaustive: 12 input bits
    # A wrong entry is caught.
    table = next(op for op in after.walk() if isinstance(op, TableOp) and len(op.inputs) == 3)
    values = table.values().copy()
    values[5] ^= 1
    table.properties["table"] = dense_table_attr(values, table.out_width)
    with pytest.raises(LutoptError, match="changed the function"):
        check_pass(before, after, "nn-absorb-partitions", 4096, 0)


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


def test_enumeration_without_numba_gives_the_same_tables():
    from lutopt.dialects.nn import PartitionOp
    from lutopt.analysis.nn_enumerate import EnumerateParams, enumerate_partitions

    m = partitioned()
    parts = [op for op in m.walk() if isinstance(op, PartitionOp)]
    fast, stats = enumerate_partitions(parts, EnumerateParams())
    slow, _ = enumerate_partitions(parts, EnumerateParams(use_numba=False))
    assert stats.entries == sum(len(t) for t in fast)
    assert all(np.array_equal(x, y) for x, y in zip(fast, slow))
