"""Registration of lutopt's dialects, passes and targets.

`LUTOPT_UNIVERSE` is an xDSL `Universe`, published through the `xdsl.universe` entry
point, so plain `xdsl-opt` sees lutopt's dialects and passes. The `lutopt` driver uses
the same tables. Every entry is a factory, so nothing is imported until it is used.
"""

from __future__ import annotations

from collections.abc import Callable

from xdsl.ir import Dialect
from xdsl.passes import ModulePass
from xdsl.universe import Universe
from xdsl.utils.target import Target


def _lut() -> Dialect:
    from lutopt.dialects.lut import LUT

    return LUT


def _gate() -> Dialect:
    from lutopt.dialects.gate import GATE

    return GATE


def _nn() -> Dialect:
    from lutopt.dialects.nn import NN

    return NN


def lutopt_dialects() -> dict[str, Callable[[], Dialect]]:
    return {"nn": _nn, "lut": _lut, "gate": _gate}


def _nn_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    """The nn level: from torch-mlir's output to `lut.table` (lowering/nn_*.py)."""

    def fold():
        from lutopt.lowering.nn_fold_constants import FoldConstants

        return FoldConstants

    def raise_q():
        from lutopt.lowering.nn_raise_quantizers import RaiseQuantizers

        return RaiseQuantizers

    def partition():
        from lutopt.lowering.nn_partition import PartitionNetwork

        return PartitionNetwork

    def absorb():
        from lutopt.lowering.nn_absorb import AbsorbPartitions

        return AbsorbPartitions

    def nn_to_lut():
        from lutopt.lowering.nn_to_lut import NnToLut

        return NnToLut

    return {
        "nn-fold-constants": fold,
        "nn-raise-quantizers": raise_q,
        "nn-partition": partition,
        "nn-absorb-partitions": absorb,
        "nn-to-lut": nn_to_lut,
    }


def lutopt_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    def lut_to_rtl():
        from lutopt.lowering.lut_to_rtl import ConvertLutToRtl

        return ConvertLutToRtl

    def rtl_pipeline():
        from lutopt.lowering.pipelining import RtlPipeline

        return RtlPipeline

    def lower_to_rtl():
        from lutopt.lowering.pipelines import LowerToRtl

        return LowerToRtl

    def lower_to_luts():
        from lutopt.lowering.pipelines import LowerToLuts

        return LowerToLuts

    def prepare_verilog():
        from lutopt.lowering.verilog import PrepareForVerilog

        return PrepareForVerilog

    def lut_decompose():
        from lutopt.lowering.lut_decompose import LutDecompose

        return LutDecompose

    return {
        **_nn_passes(),
        "convert-lut-to-rtl": lut_to_rtl,
        "rtl-pipeline": rtl_pipeline,
        "lower-to-rtl": lower_to_rtl,
        "lower-to-luts": lower_to_luts,
        "prepare-for-verilog": prepare_verilog,
        "lut-decompose": lut_decompose,
        **_gate_passes(),
    }


def _gate_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    """The logic optimisation passes on `gate.netlist` (lowering/gate_*.py)."""

    def factory(module: str, cls: str) -> Callable[[], type[ModulePass]]:
        def load() -> type[ModulePass]:
            import importlib

            return getattr(importlib.import_module(f"lutopt.lowering.{module}"), cls)

        return load

    return {
        "gate-strash": factory("gate_strash", "GateStrash"),
        "gate-recover-xors": factory("gate_recover_xors", "GateRecoverXors"),
        "gate-const-prop": factory("gate_const_prop", "GateConstProp"),
        "gate-dce": factory("gate_dce", "GateDce"),
        "gate-double-inversion": factory("gate_double_inversion", "GateDoubleInversion"),
        "gate-balance": factory("gate_balance", "GateBalance"),
        "gate-map-luts": factory("gate_map_luts", "GateMapLuts"),
        "gate-rewrite": factory("gate_rewrite", "GateRewrite"),
        "gate-resub": factory("gate_resub", "GateResub"),
        "gate-refactor": factory("gate_refactor", "GateRefactor"),
        "gate-aig-opt": factory("gate_aig_opt", "GateAigOpt"),
    }


def lutopt_targets() -> dict[str, Callable[[], type[Target]]]:
    def verilog():
        from lutopt.lowering.verilog import VerilogTarget

        return VerilogTarget

    def blif():
        from lutopt.lowering.exchange_targets import BlifTarget

        return BlifTarget

    def aiger():
        from lutopt.lowering.exchange_targets import AigerTarget

        return AigerTarget

    return {"verilog": verilog, "blif": blif, "aiger": aiger}


LUTOPT_UNIVERSE = Universe(
    all_dialects=lutopt_dialects(),
    all_passes=lutopt_passes(),
    all_targets=lutopt_targets(),
)
