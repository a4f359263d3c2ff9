"""Named pipelines. Each is a pass whose `expand()` lists the passes it stands for; the
`lutopt` driver expands them (so `--check-passes` and the IR dumps see every step) and
`apply()` runs them in order for users calling the pass from Python."""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from lutopt.diagnostics import LutoptError


class NamedPipeline(ModulePass):
    def expand(self) -> list[ModulePass]:
        raise NotImplementedError

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for p in self.expand():
            p.apply(ctx, op)


REWRITE_PROBE_GAIN = 0.005
"""lower-to-luts skips the rest of the AIG script when its first step saves less than this
fraction of the ANDs."""


def _check_lut_size(pipeline: str, k: int | None) -> None:
    if k is not None and not 3 <= k <= 8:
        raise LutoptError(f"{pipeline}: lut-size must be between 3 and 8, got {k}")


@dataclass(frozen=True)
class LowerToLuts(NamedPipeline):
    """Takes the nn, lut and gate levels to mapped K-input LUTs: `lut.table` ops with at
    most K one-bit operands and a one-bit result (plus comb.extract / comb.concat for the
    bits of multi-bit codes at function boundaries).

    nn-to-lut (absorption) -> gate-const-prop, gate-recover-xors, gate-strash, gate-dce
    (lutopt's default logic clean-up) -> gate-aig-opt{probe-gain=0.005} (AIG rewriting,
    resubstitution, refactoring, balancing; `rewrite=false` leaves it out) -> gate-map-luts
    (cut-based mapping of gate netlists) -> lut-decompose (tables covered on their truth
    tables).
    """

    name = "lower-to-luts"

    lut_size: int = 6
    effort: int = 2
    """lut-decompose's effort: 0 plain decision diagrams (fast), 1 with functional
    decomposition, 2 with Shannon expansion too (fewest LUTs, slowest)."""
    rewrite: bool = True
    """Run gate-aig-opt (AIG rewriting, resubstitution and refactoring by aigverse, then
    balancing) before mapping: about 11% fewer 6-LUTs at no greater depth on the EPFL
    suite (see docs/lut-mapping.md). A probe decides first: a netlist that one
    resubstitution step shrinks by less than 0.5% (random difflogic-like networks) is
    only balanced (about 3 s on 256k gates instead of about 14 s for the whole script)."""

    def expand(self) -> list[ModulePass]:
        from lutopt.lowering.gate_const_prop import GateConstProp
        from lutopt.lowering.gate_dce import GateDce
        from lutopt.lowering.gate_map_luts import GateMapLuts
        from lutopt.lowering.gate_recover_xors import GateRecoverXors
        from lutopt.lowering.gate_strash import GateStrash
        from lutopt.lowering.lut_decompose import LutDecompose
        from lutopt.lowering.nn_to_lut import NnToLut

        _check_lut_size("lower-to-luts", self.lut_size)
        logic: list[ModulePass] = [GateConstProp(), GateRecoverXors(), GateStrash(), GateDce()]
        if self.rewrite:
            from lutopt.lowering.gate_aig_opt import GateAigOpt

            logic.append(GateAigOpt(probe_gain=REWRITE_PROBE_GAIN))
        return [
            NnToLut(),
            *logic,
            GateMapLuts(lut_size=self.lut_size),
            LutDecompose(lut_size=self.lut_size, effort=self.effort),
        ]


@dataclass(frozen=True)
class LowerToRtl(NamedPipeline):
    """Takes whatever levels are present down to rtl (`hw`/`comb`/`seq`).

    Options: `lut-size` (K; when given, tables are covered by K-input LUTs first),
    `pipeline-stages` (N ranks of registers; the design's latency is N cycles),
    `effort` (0..2, how hard the covering works on tables) and `rewrite` (AIG rewriting of
    gate netlists before mapping); see lower-to-luts.
    """

    name = "lower-to-rtl"

    lut_size: int | None = None
    pipeline_stages: int = 0
    effort: int = 2
    """Covering effort when `lut-size` is given (see lower-to-luts)."""
    rewrite: bool = True
    """AIG rewriting of gate netlists before mapping (see lower-to-luts)."""

    def expand(self) -> list[ModulePass]:
        from lutopt.lowering.lut_to_rtl import ConvertLutToRtl
        from lutopt.lowering.pipelining import RtlPipeline

        if self.pipeline_stages < 0:
            raise LutoptError(f"lower-to-rtl: pipeline-stages must be >= 0, got {self.pipeline_stages}")
        _check_lut_size("lower-to-rtl", self.lut_size)
        from lutopt.lowering.gate_map_luts import GateMapLuts
        from lutopt.lowering.nn_to_lut import NnToLut

        if self.lut_size is not None:
            passes: list[ModulePass] = [LowerToLuts(lut_size=self.lut_size, effort=self.effort, rewrite=self.rewrite)]
        else:
            # nn-to-lut first: a no-op unless the input is a network (torch-mlir's output);
            # gate netlists have no rtl form of their own, so they are mapped to 6-LUTs.
            passes = [NnToLut(), GateMapLuts(lut_size=6)]
        passes.append(ConvertLutToRtl())
        if self.pipeline_stages:
            passes.append(RtlPipeline(stages=self.pipeline_stages))
        return passes
