"""`nn-absorb-partitions`: every `nn.partition` (and every partition of an
`nn.partition_group`) becomes one `lut.table`, by exhaustive enumeration.

Partitions whose operands have more than `max-table-bits` bits stay (convert-nn-to-arith
lowers them to integer arithmetic when they are one integer layer).

The region of each partition is evaluated on every combination of its operand codes
(operand 0 in the most significant bits of the table index, as `lut.table` reads it).
The work is vectorised across the entries and across all partitions of the same shape
(see `python/lutopt/analysis/nn_enumerate.py`); float semantics are float32 with PyTorch's
operation order, so every entry is the code PyTorch computes. Partitions with the same
operands and the same table become one `lut.table`. A progress bar is printed on
stderr for runs of 4M+ entries when stderr is a terminal or with LUTOPT_PROGRESS=1 (not
with LUTOPT_PROGRESS=0: `lutopt.progress`);
LUTOPT_STATS=1 prints the enumeration figures (and the kernel that ran: generated C
compiled once and cached on disk, or numba; LUTOPT_ENUM_KERNEL forces one).
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
from lutopt.ir.layer import copy_layer
from lutopt.dialects.lut import TableOp
from lutopt.dialects.nn import PartitionGroupOp, PartitionOp
from lutopt.analysis.nn_enumerate import EnumerateParams, enumerate_partitions
from lutopt.interpreters.common import Unsupported


@dataclass(frozen=True)
class NnAbsorbPartitions(ModulePass):
    """Replaces every `nn.partition` by the `lut.table` of its function."""

    name = "nn-absorb-partitions"

    max_table_bits: int = 30
    """Partitions whose operands have more bits are left in place (for
    convert-nn-to-arith: nn-to-lut runs it next)."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if self.max_table_bits < 0 or self.max_table_bits > 30:
            raise LutoptError(
                f"nn-absorb-partitions: max-table-bits must be between 0 and 30, got {self.max_table_bits}"
            )
        for f in op.walk():
            if not isinstance(f, func.FuncOp) or not f.body.blocks:
                continue
            every = [o for o in f.body.block.ops if isinstance(o, (PartitionOp, PartitionGroupOp))]
            parts = [o for o in every if _bits(o) <= self.max_table_bits]
            if len(parts) < len(every):
                n_in = sum(len(o.results) for o in parts)
                n_wide = sum(len(o.results) for o in every) - n_in
                print(
                    f"nn-absorb-partitions: @{f.sym_name.data}: {n_in} partition(s) absorbed as tables, "
                    f"{n_wide} too wide for a table (max-table-bits={self.max_table_bits}) left "
                    "for convert-nn-to-arith",
                    file=sys.stderr,
                )
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
            it = iter(tables)
            for part in parts:
                if isinstance(part, PartitionGroupOp):
                    operands = list(part.inputs)
                    reads = part.reads_array()
                    pieces = [([operands[int(i)] for i in reads[j]], r) for j, r in enumerate(part.outputs)]
                else:
                    pieces = [(list(part.inputs), part.output)]
                for inputs, result in pieces:
                    table = next(it)
                    w = result.type.width.data  # type: ignore[attr-defined]
                    values = np.ascontiguousarray(table, dtype=np.uint64)
                    key = (tuple(id(v) for v in inputs), w, values.tobytes())
                    shared = seen.get(key)
                    if shared is not None:
                        result.replace_all_uses_with(shared.output)
                    else:
                        t = TableOp(inputs, values, w)
                        t.location = part.location
                        copy_layer(t, part)
                        block.insert_op_before(t, part)
                        result.replace_all_uses_with(t.output)
                        seen[key] = t
                part.detach()
                part.erase()


def _bits(op: PartitionOp | PartitionGroupOp) -> int:
    """The bits of a partition's table index (of each partition of a group)."""
    return sum(a.type.width.data for a in op.body.block.args)  # type: ignore[attr-defined]
