"""`rtl-pipeline{stages=N}`: split the combinational depth of each `hw.module` into N+1
balanced parts with N ranks of `seq.compreg` registers.

Depth is counted in logic ops (a table bit's `hw.array_get`, `comb.and`, `comb.mux`,
...); wiring ops (`comb.concat`, `comb.extract`, `hw.bitcast`, `comb.replicate`) and
constants are free. With D the depth of the module, a logic op at level L (1..D) is
placed in stage floor((L-1) * (N+1) / D); a value produced in stage s and used in stage
t passes through t-s registers (shared between its uses), and every output passes
through N-s, so every path from an input to an output crosses exactly N registers.

The module gains a first input port `clk : !seq.clock` and the attribute
`lutopt.latency = N : i64`: the outputs at cycle t+N are the function of the inputs at
cycle t. Registers have no reset and no power-on value (current CIRCT rejects
`powerOn`).
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import hw, seq
from xdsl.dialects.builtin import ArrayAttr, ModuleOp, StringAttr
from xdsl.ir import Operation, SSAValue
from xdsl.passes import ModulePass

from lutopt.diagnostics import LutoptError, set_location
from lutopt.ir.comb import logic_weight
from lutopt.ir.latency import latency_of, set_latency
from lutopt.ir.order import topological_order

CONSTANT_OPS = frozenset({"hw.constant"})


def op_weight(op: Operation) -> int:
    """Levels of logic an op adds (0 for wiring and constants, see `lutopt.ir.comb`)."""
    return logic_weight(op.name)


def logic_levels(module: hw.HWModuleOp) -> tuple[dict[SSAValue, int], int]:
    """The logic level of every value (block arguments and constants at 0) and the depth.

    The body is a graph region (a value may be used before its definition): ops are
    visited in `lutopt.ir.order.topological_order`."""
    block = module.body.block
    level: dict[SSAValue, int] = {a: 0 for a in block.args}
    depth = 0
    for op in topological_order(block):
        if op.name == "hw.output":
            continue
        lvl = max((level.get(v, 0) for v in op.operands), default=0) + op_weight(op)
        for r in op.results:
            level[r] = lvl
        depth = max(depth, lvl)
    return level, depth


def pipeline_module(module: hw.HWModuleOp, stages: int) -> None:
    if latency_of(module) or any(
        isinstance(a.type, seq.ClockType) for a in module.body.block.args
    ):
        raise LutoptError(f"module @{module.sym_name.data} is already pipelined", module)
    for op in module.body.block.ops:
        if isinstance(op, hw.InstanceOp):
            raise LutoptError(
                "cannot pipeline a module that instantiates another module "
                "(inline it first)",
                op,
            )
        if isinstance(op, seq.CompRegOp):
            raise LutoptError("cannot pipeline a module that already has registers", op)

    block = module.body.block
    level, depth = logic_levels(module)
    order = topological_order(block)  # before registers and the clock are added
    parts = stages + 1

    # Clock port first.
    clk = block.insert_arg(seq.ClockType(), 0)
    clk.name_hint = "clk"
    ports = list(module.module_type.ports.data)
    ports.insert(0, hw.ModulePort(StringAttr("clk"), seq.ClockType(), hw.DirectionAttr(hw.Direction.INPUT)))
    module.module_type = hw.ModuleType(ArrayAttr(ports))
    set_latency(module, stages)

    stage: dict[SSAValue, int | None] = {a: 0 for a in block.args}
    delayed: dict[tuple[SSAValue, int], SSAValue] = {}

    def delay(v: SSAValue, k: int, before: Operation) -> SSAValue:
        """`v` delayed by k cycles (a shared chain of registers inserted before `before`)."""
        if k <= 0:
            return v
        if (v, k) in delayed:
            return delayed[(v, k)]
        src = delay(v, k - 1, before)
        reg = seq.CompRegOp(src, clk)
        if v.owner is not None and isinstance(v.owner, Operation):
            set_location(reg, v.owner)
        else:
            set_location(reg, module)
        hint = v.name_hint or "stage"
        reg.results[0].name_hint = f"{hint}_d{k}"
        block.insert_op_before(reg, before)
        delayed[(v, k)] = reg.results[0]
        return reg.results[0]

    for op in order:
        if op.name in CONSTANT_OPS:
            for r in op.results:
                stage[r] = None  # constants are available in every stage
            continue
        if op.name == "hw.output":
            target = stages
        elif op_weight(op) == 0:
            known = [s for v in op.operands if (s := stage.get(v)) is not None]
            if not known:  # wiring of constants is a constant
                for r in op.results:
                    stage[r] = None
                continue
            target = max(known)
        else:
            lvl = level[op.results[0]] if op.results else depth
            target = ((lvl - 1) * parts) // depth if depth else 0
        for i, v in enumerate(op.operands):
            s = stage.get(v)
            if s is not None and s < target:
                op.operands[i] = delay(v, target - s, op)
        for r in op.results:
            stage[r] = target


@dataclass(frozen=True)
class RtlPipeline(ModulePass):
    """Inserts `stages` ranks of registers into every combinational `hw.module`."""

    name = "rtl-pipeline"

    stages: int = 1

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if self.stages < 0:
            raise LutoptError(f"rtl-pipeline: stages must be >= 0, got {self.stages}")
        if self.stages == 0:
            return
        for module in [m for m in op.ops if isinstance(m, hw.HWModuleOp)]:
            pipeline_module(module, self.stages)
