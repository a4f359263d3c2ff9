"""`nn-to-lut`: the named pipeline from torch-mlir's output to the lut level.

    nn-fold-constants, nn-logic-to-gate, nn-raise-quantizers, nn-partition{max-table-bits},
    nn-absorb-partitions

A function whose inputs are binarised by thresholds (a logic-gate network) goes to the
gate level through `nn-logic-to-gate`; the passes after it leave it alone.

Input: what `torch_mlir.fx.export_and_import(model, x, output_type="linalg-on-tensors")`
prints. Output: a `func.func` on codes (one scalar argument per input tensor element,
row-major, as wide as its quantizer's code; one scalar result per output element) whose
body is `lut.table` ops.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.passes import ModulePass

from lutopt.lowering.pipelines.named import NamedPipeline


@dataclass(frozen=True)
class NnToLut(NamedPipeline):
    """torch-mlir's linalg-on-tensors output to `lut.table` ops."""

    name = "nn-to-lut"

    max_table_bits: int = 20
    all_elements: bool = False

    def expand(self) -> list[ModulePass]:
        from lutopt.lowering.conversion.nn_absorb_partitions import NnAbsorbPartitions
        from lutopt.lowering.conversion.nn_logic_to_gate import NnLogicToGate
        from lutopt.lowering.transforms.nn.nn_fold_constants import NnFoldConstants
        from lutopt.lowering.conversion.nn_partition import NnPartition
        from lutopt.lowering.conversion.nn_raise_quantizers import NnRaiseQuantizers

        return [
            NnFoldConstants(),
            NnLogicToGate(),
            NnRaiseQuantizers(),
            NnPartition(max_table_bits=self.max_table_bits, all_elements=self.all_elements),
            NnAbsorbPartitions(),
        ]
