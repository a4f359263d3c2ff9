"""Registration of lutopt's dialects, passes and targets.

`LUTOPT_UNIVERSE` is an xDSL `Universe`, published through the `xdsl.universe` entry
point, so plain `xdsl-opt` sees lutopt's dialects and passes. The `lutopt` driver uses
the same tables. Every entry is a factory, so nothing is imported until it is used.

The tables below are the index of the house: a pass named `level-verb` lives in
`lowering/conversion/` (it changes the level), `lowering/transforms/<level>/` (it stays
on one level) or `lowering/pipelines/` (a named pipeline), in a file named after the pass.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from xdsl.ir import Dialect
from xdsl.passes import ModulePass
from xdsl.universe import Universe
from xdsl.utils.target import Target

DIALECTS: dict[str, str] = {
    "nn": "lutopt.dialects.nn:NN",
    "lut": "lutopt.dialects.lut:LUT",
    "gate": "lutopt.dialects.gate:GATE",
    "tm_tensor": "lutopt.dialects.tm_tensor:TM_TENSOR",
}

PASSES: dict[str, str] = {
    # pipelines (lowering/pipelines/)
    "lower-to-rtl": "lutopt.lowering.pipelines.lower_to_rtl:LowerToRtl",
    "lower-to-luts": "lutopt.lowering.pipelines.lower_to_luts:LowerToLuts",
    "nn-to-lut": "lutopt.lowering.pipelines.nn_to_lut:NnToLut",
    # conversions from one level to another (lowering/conversion/)
    "nn-raise-quantizers": "lutopt.lowering.conversion.nn_raise_quantizers:NnRaiseQuantizers",
    "nn-partition": "lutopt.lowering.conversion.nn_partition:NnPartition",
    "nn-absorb-partitions": "lutopt.lowering.conversion.nn_absorb_partitions:NnAbsorbPartitions",
    "convert-nn-to-arith": "lutopt.lowering.conversion.convert_nn_to_arith:ConvertNnToArith",
    "nn-logic-to-gate": "lutopt.lowering.conversion.nn_logic_to_gate:NnLogicToGate",
    "gate-map-luts": "lutopt.lowering.conversion.gate_map_luts:GateMapLuts",
    "convert-lut-to-rtl": "lutopt.lowering.conversion.convert_lut_to_rtl:ConvertLutToRtl",
    "convert-arith-to-gate": "lutopt.lowering.conversion.convert_arith_to_gate:ConvertArithToGate",
    "convert-arith-to-comb": "lutopt.lowering.conversion.convert_arith_to_comb:ConvertArithToComb",
    # transforms within one level (lowering/transforms/<level>/)
    "nn-fold-constants": "lutopt.lowering.transforms.nn.nn_fold_constants:NnFoldConstants",
    "lut-decompose": "lutopt.lowering.transforms.lut.lut_decompose:LutDecompose",
    "lut-dont-care": "lutopt.lowering.transforms.lut.lut_dont_care:LutDontCare",
    "gate-strash": "lutopt.lowering.transforms.gate.gate_strash:GateStrash",
    "gate-recover-xors": "lutopt.lowering.transforms.gate.gate_recover_xors:GateRecoverXors",
    "gate-const-prop": "lutopt.lowering.transforms.gate.gate_const_prop:GateConstProp",
    "gate-dce": "lutopt.lowering.transforms.gate.gate_dce:GateDce",
    "gate-double-inversion": "lutopt.lowering.transforms.gate.gate_double_inversion:GateDoubleInversion",
    "gate-balance": "lutopt.lowering.transforms.gate.gate_balance:GateBalance",
    "gate-rewrite": "lutopt.lowering.transforms.gate.gate_rewrite:GateRewrite",
    "gate-resub": "lutopt.lowering.transforms.gate.gate_resub:GateResub",
    "gate-refactor": "lutopt.lowering.transforms.gate.gate_refactor:GateRefactor",
    "gate-aig-opt": "lutopt.lowering.transforms.gate.gate_aig_opt:GateAigOpt",
    "rtl-pipeline": "lutopt.lowering.transforms.rtl.rtl_pipeline:RtlPipeline",
    # the pass a target runs before printing (python/lutopt/target/<target>/)
    "prepare-for-verilog": "lutopt.target.verilog.prepare_for_verilog:PrepareForVerilog",
}

TARGETS: dict[str, str] = {
    "verilog": "lutopt.target.verilog.printer:VerilogTarget",
    "blif": "lutopt.target.blif:BlifTarget",
    "aiger": "lutopt.target.aiger:AigerTarget",
}


def _loader(spec: str) -> Callable[[], object]:
    module, name = spec.split(":")

    def load():
        return getattr(importlib.import_module(module), name)

    return load


def lutopt_dialects() -> dict[str, Callable[[], Dialect]]:
    return {name: _loader(spec) for name, spec in DIALECTS.items()}  # type: ignore[misc]


def lutopt_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    return {name: _loader(spec) for name, spec in PASSES.items()}  # type: ignore[misc]


def lutopt_targets() -> dict[str, Callable[[], type[Target]]]:
    return {name: _loader(spec) for name, spec in TARGETS.items()}  # type: ignore[misc]


LUTOPT_UNIVERSE = Universe(
    all_dialects=lutopt_dialects(),
    all_passes=lutopt_passes(),
    all_targets=lutopt_targets(),
)
