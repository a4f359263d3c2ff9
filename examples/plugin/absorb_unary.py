"""A user's own pass for lutopt, in a file of their own: no change to lutopt needed.

Run it with the driver:

    lutopt model.mlir --load examples/plugin/absorb_unary.py -p absorb-unary-tables

The pattern absorbs a one-operand table (a per-code function such as an activation or
a re-quantizer) into each table that reads it, when that does not make the consumer's
table larger: T(..., U(x), ...) becomes T'(..., x, ...) with T' = T composed with U.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
    op_type_rewrite_pattern,
)

from lutopt.dialects.lut import TableOp
from lutopt.registry import register_pass


class AbsorbUnaryTable(RewritePattern):
    """Composes a consumer table with the one-operand tables feeding it."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: TableOp, rewriter: PatternRewriter) -> None:
        for k, v in enumerate(op.inputs):
            producer = v.owner
            if not isinstance(producer, TableOp) or len(producer.inputs) != 1:
                continue
            if producer.input_widths[0] > producer.out_width:
                continue  # would make the consumer's table larger
            widths = op.input_widths
            table = op.values().reshape([1 << w for w in widths])
            unary = producer.values().astype(np.intp)  # U(x) for every code x
            composed = np.take(table, unary, axis=k)  # axis k now indexed by x
            inputs = list(op.inputs)
            inputs[k] = producer.inputs[0]
            rewriter.replace_matched_op(TableOp(inputs, composed.reshape(-1), op.out_width))
            return


@register_pass
@dataclass(frozen=True)
class AbsorbUnaryTables(ModulePass):
    name = "absorb-unary-tables"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        PatternRewriteWalker(GreedyRewritePatternApplier([AbsorbUnaryTable()])).rewrite_module(op)
