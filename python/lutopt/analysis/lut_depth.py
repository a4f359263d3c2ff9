"""Logic depth counted in LUTs: the longest chain of LUTs from an input to any value.

`lut_levels(block, counts)` gives every value of a block its level: the largest level of
the op's operands, plus one when `counts(op)` (a LUT); block arguments and the results of
ops without operands are at level 0, and every other op (wiring: `comb.extract`,
`comb.concat`, `hw.bitcast`, ...) passes the level on. Graph regions (`hw.module`
bodies) are visited in `lutopt.ir.order.topological_order`; registers (`seq.compreg`)
start a new path at level 0.

The mapped lut level (`lut.table` ops of one-bit operands after `lower-to-luts`) counts
`lut.table` ops: `lut_depth(module)`. The report (`lutopt.analysis.report`) also counts
the LUTs of one layer only, and the rtl level's LUTs (`hw.array_get` of a table column).
"""

from __future__ import annotations

from collections.abc import Callable

from xdsl.ir import Block, Operation, SSAValue

from lutopt.ir.order import is_register, topological_order


def is_lut_table(op: Operation) -> bool:
    return op.name == "lut.table"


def lut_levels(block: Block, counts: Callable[[Operation], bool] = is_lut_table) -> tuple[dict[SSAValue, int], int]:
    """(the level of every result of `block`'s ops, the largest level)."""
    level: dict[SSAValue, int] = {}
    depth = 0
    ordered = block.parent_op() is not None and block.parent_op().name == "hw.module"  # type: ignore[union-attr]
    for op in topological_order(block) if ordered else block.ops:
        if is_register(op):
            lvl = 0
        else:
            lvl = max((level.get(v, 0) for v in op.operands), default=0)
            if counts(op):
                lvl += 1
        for r in op.results:
            level[r] = lvl
        if lvl > depth:
            depth = lvl
    return level, depth


def lut_depth(module: Operation) -> tuple[int, int]:
    """(`lut.table` ops, the longest chain of them in one block) of a mapped module."""
    luts = 0
    depth = 0
    for op in module.walk():
        if is_lut_table(op):
            luts += 1
    for op in module.walk():
        for region in op.regions:
            for block in region.blocks:
                if any(is_lut_table(o) for o in block.ops):
                    depth = max(depth, lut_levels(block)[1])
    return luts, depth
