"""`nn-to-lut`: the named pipeline from torch-mlir's output to the lut level.

    nn-fold-constants, nn-logic-to-gate, nn-raise-quantizers,
    nn-partition{max-table-bits wide=true group=true}, nn-absorb-partitions{max-table-bits},
    convert-nn-to-arith{multiplier weight-bits}

A function whose inputs are binarised by thresholds (a logic-gate network) goes to the
gate level through `nn-logic-to-gate`; the passes after it leave it alone. Of the others,
partitions that fit a table (at most max-table-bits operand bits) are absorbed; the
others must be one integer layer and become integer arithmetic (upstream `arith` on
scalar codes, next to the `lut.table` ops; a remark on stderr per quantizer says so).

Input: what `torch_mlir.fx.export_and_import(model, x, output_type="linalg-on-tensors")`
prints. Output: a `func.func` on codes (one scalar argument per input tensor element,
row-major, as wide as its quantizer's code; one scalar result per output element) whose
body is `lut.table` ops (and `arith` ops for the partitions too wide for a table).
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
    multiplier: str = "exact"
    """Products in integer arithmetic partitions: exact (shift-and-add) or mitchell /
    mitch-w<W> (`arith.muli` by constants, approximated by convert-arith-to-gate)."""
    weight_bits: int = 0
    """convert-nn-to-arith's weight-bits: 0 (weights must be integer multiples of a scale)
    or B (round them to B-bit integers: a different model, reported)."""

    def expand(self) -> list[ModulePass]:
        from lutopt.lowering.conversion.nn_absorb_partitions import NnAbsorbPartitions
        from lutopt.lowering.conversion.nn_logic_to_gate import NnLogicToGate
        from lutopt.lowering.transforms.nn.nn_fold_constants import NnFoldConstants
        from lutopt.lowering.conversion.nn_partition import NnPartition
        from lutopt.lowering.conversion.nn_raise_quantizers import NnRaiseQuantizers

        from lutopt.lowering.conversion.convert_nn_to_arith import ConvertNnToArith, check_multiplier

        check_multiplier(self.name, self.multiplier)
        return [
            NnFoldConstants(),
            NnLogicToGate(),
            NnRaiseQuantizers(),
            NnPartition(max_table_bits=self.max_table_bits, all_elements=self.all_elements, wide=True, group=True),
            NnAbsorbPartitions(max_table_bits=self.max_table_bits),
            ConvertNnToArith(multiplier=self.multiplier, weight_bits=self.weight_bits),
        ]
