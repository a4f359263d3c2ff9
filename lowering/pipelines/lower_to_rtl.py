"""`lower-to-rtl`: whatever levels are present down to rtl (`hw`/`comb`/`seq`)."""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.passes import ModulePass

from lutopt.diagnostics import LutoptError
from lutopt.lowering.pipelines.lower_to_luts import LowerToLuts, check_lut_size
from lutopt.lowering.pipelines.named import NamedPipeline


@dataclass(frozen=True)
class LowerToRtl(NamedPipeline):
    """Takes whatever levels are present down to rtl (`hw`/`comb`/`seq`).

    Options: `lut-size` (K; when given, tables are covered by K-input LUTs first),
    `pipeline-stages` (N ranks of registers; the design's latency is N cycles),
    `effort` (0..2, how hard the covering works on tables) and `rewrite` (AIG rewriting of
    gate netlists before mapping), `multiplier` (`exact`, `mitchell`, `mitch-w<W>`: the
    products of the integer level) and `keep-arith` (word-level `+`, `-`, `*` in the
    rtl); see lower-to-luts.
    """

    name = "lower-to-rtl"

    lut_size: int | None = None
    pipeline_stages: int = 0
    effort: int = 2
    """Covering effort when `lut-size` is given (see lower-to-luts)."""
    rewrite: bool = True
    """AIG rewriting of gate netlists before mapping (see lower-to-luts)."""
    multiplier: str = "exact"
    """Products of the integer level (see lower-to-luts)."""
    keep_arith: bool = False
    """Keep additions, subtractions and exact products as comb ops (see lower-to-luts)."""
    weight_bits: int = 0
    """Round the weights of layers too wide for a table (see nn-to-lut)."""
    dont_care: str = ""
    """A data set for lut-dont-care (see lower-to-luts; needs `lut-size`)."""

    def expand(self) -> list[ModulePass]:
        from lutopt.lowering.conversion.convert_lut_to_rtl import ConvertLutToRtl
        from lutopt.lowering.transforms.rtl.rtl_pipeline import RtlPipeline

        if self.pipeline_stages < 0:
            raise LutoptError(f"lower-to-rtl: pipeline-stages must be >= 0, got {self.pipeline_stages}")
        check_lut_size("lower-to-rtl", self.lut_size)
        from lutopt.lowering.conversion.convert_nn_to_arith import check_multiplier

        check_multiplier(self.name, self.multiplier)
        from lutopt.lowering.conversion.gate_map_luts import GateMapLuts
        from lutopt.lowering.pipelines.nn_to_lut import NnToLut

        if self.lut_size is not None:
            passes: list[ModulePass] = [
                LowerToLuts(lut_size=self.lut_size, effort=self.effort, rewrite=self.rewrite,
                            multiplier=self.multiplier, keep_arith=self.keep_arith,
                            weight_bits=self.weight_bits, dont_care=self.dont_care)
            ]
        else:
            if self.dont_care:
                raise LutoptError("lower-to-rtl: dont-care needs lut-size (the don't-cares are chosen for K-LUT covers)")
            # nn-to-lut first: a no-op unless the input is a network (torch-mlir's output);
            # gate netlists have no rtl form of their own, so they are mapped to 6-LUTs.
            from lutopt.lowering.pipelines.lower_to_luts import arith_passes

            passes = [NnToLut(multiplier=self.multiplier, weight_bits=self.weight_bits),
                      *arith_passes(self.multiplier, self.keep_arith), GateMapLuts(lut_size=6)]
        passes.append(ConvertLutToRtl())
        if self.pipeline_stages:
            passes.append(RtlPipeline(stages=self.pipeline_stages))
        return passes
