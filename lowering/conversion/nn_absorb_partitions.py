"""`nn-absorb-partitions`: every `nn.partition` becomes one `lut.table`, by exhaustive enumeration.

The region of each partition is evaluated on every combination of its operand codes
(operand 0 in the most significant bits of the table index, as `lut.table` reads it).
The work is vectorised across the entries and across all partitions of the same shape
(see `python/lutopt/analysis/nn_enumerate.py`); float semantics are float32 with PyTorch's
operation order, so every entry is the code PyTorch computes. Partitions with the same
operands and the same table become one `lut.table`. A progress bar is printed on
stderr for runs of 4M+ entries when stderr is a terminal or with LUTOPT_PROGRESS=1 (not
with LUTOPT_PROGRESS=0: `lutopt.progress`);
LUTOPT_STATS=1 prints the enumeration figures.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from lutopt.diagnostics import LutoptError
from lutopt.dialects.lut import TableOp
from lutopt.dialects.nn import PartitionOp
from lutopt.analysis.nn_enumerate import EnumerateParams, enumerate_partitions
from lutopt.interpreters.common import Unsupported


@dataclass(frozen=True)
class NnAbsorbPartitions(ModulePass):
    """Replaces every `nn.partition` by the `lut.table` of its function."""

    name = "nn-absorb-partitions"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for f in op.walk():
            if not isinstance(f, func.FuncOp) or not f.body.blocks:
                continue
            parts = [o for o in f.body.block.ops if isinstance(o, PartitionOp)]
            if not parts:
                continue
            try:
                tables, stats = enumerate_partitions(parts, EnumerateParams())
            except Unsupported as e:
                raise LutoptError(e.message, e.op)
            if os.environ.get("LUTOPT_STATS") == "1":
                print(f"nn-absorb-partitions: {stats.report()}", file=sys.stderr)
            seen: dict[tuple, TableOp] = {}
            block = f.body.block
            for part, table in zip(parts, tables):
                w = part.output.type.width.data  # type: ignore[attr-defined]
                values = np.ascontiguousarray(table, dtype=np.uint64)
                key = (tuple(id(v) for v in part.inputs), w, values.tobytes())
                shared = seen.get(key)
                if shared is not None:
                    part.output.replace_all_uses_with(shared.output)
                else:
                    t = TableOp(list(part.inputs), values, w)
                    t.location = part.location
                    block.insert_op_before(t, part)
                    part.output.replace_all_uses_with(t.output)
                    seen[key] = t
                part.detach()
                part.erase()
