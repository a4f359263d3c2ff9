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


@dataclass(frozen=True)
class LowerToRtl(NamedPipeline):
    """Takes whatever levels are present down to rtl (`hw`/`comb`/`seq`).

    Options: `lut-size` (K; when given, tables are covered by K-input LUTs first) and
    `pipeline-stages` (N ranks of registers; the design's latency is N cycles).
    """

    name = "lower-to-rtl"

    lut_size: int | None = None
    pipeline_stages: int = 0

    def expand(self) -> list[ModulePass]:
        from lutopt.lowering.lut_to_rtl import ConvertLutToRtl
        from lutopt.lowering.pipelining import RtlPipeline

        if self.pipeline_stages < 0:
            raise LutoptError(f"lower-to-rtl: pipeline-stages must be >= 0, got {self.pipeline_stages}")
        if self.lut_size is not None and not 3 <= self.lut_size <= 8:
            raise LutoptError(f"lower-to-rtl: lut-size must be between 3 and 8, got {self.lut_size}")
        from lutopt.lowering.nn_to_lut import NnToLut

        # nn-to-lut first: a no-op unless the input is a network (torch-mlir's output).
        passes: list[ModulePass] = [NnToLut(), ConvertLutToRtl()]
        if self.pipeline_stages:
            passes.append(RtlPipeline(stages=self.pipeline_stages))
        return passes
