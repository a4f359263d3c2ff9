"""Named pipelines. Each is a pass whose `expand()` lists the passes it stands for; the
`lutopt` driver expands them (so `--check-passes` and the IR dumps see every step) and
`apply()` runs them in order for users calling the pass from Python."""

from __future__ import annotations

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass


class NamedPipeline(ModulePass):
    def expand(self) -> list[ModulePass]:
        raise NotImplementedError

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for p in self.expand():
            p.apply(ctx, op)
