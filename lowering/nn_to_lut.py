"""`nn-to-lut`: the named pipeline from torch-mlir's output to the lut level.

    nn-fold-constants, nn-raise-quantizers, nn-partition{max-table-bits}, nn-absorb-partitions

Input: what `torch_mlir.fx.export_and_import(model, x, output_type="linalg-on-tensors")`
prints. Output: a `func.func` on codes (one scalar argument per input tensor element,
row-major, as wide as its quantizer's code; one scalar result per output element) whose
body is `lut.table` ops.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass


@dataclass(frozen=True)
class NnToLut(ModulePass):
    """torch-mlir's linalg-on-tensors output to `lut.table` ops."""

    name = "nn-to-lut"

    max_table_bits: int = 20
    all_elements: bool = False

    def expand(self) -> list[ModulePass]:
        from lutopt.lowering.nn_absorb import AbsorbPartitions
        from lutopt.lowering.nn_fold_constants import FoldConstants
        from lutopt.lowering.nn_partition import PartitionNetwork
        from lutopt.lowering.nn_raise_quantizers import RaiseQuantizers

        return [
            FoldConstants(),
            RaiseQuantizers(),
            PartitionNetwork(max_table_bits=self.max_table_bits, all_elements=self.all_elements),
            AbsorbPartitions(),
        ]

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for p in self.expand():
            p.apply(ctx, op)
