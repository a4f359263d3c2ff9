"""`lut-decompose`: covers wide `lut.table` ops by networks of K-input, 1-bit LUTs.

Every `lut.table` with an operand wider than one bit, more than K operand bits in total,
or a result wider than one bit is replaced by `lut.table` ops with at most K `i1`
operands and an `i1` result, computed by `lutopt.logic.decompose.decompose_tables`
(shared decision diagrams, functional decomposition and cut-based covering, working on the
truth table itself). Tables already within K one-bit inputs with a one-bit result are left
as they are.

Operand bits are taken with `comb.extract %a from j : (iW) -> i1`; a multi-bit result is
reassembled with `comb.concat` (most significant bit first). Constant output bits become
`arith.constant`. Tables of the same block whose operands are all defined before the first
of them are covered together, so LUTs are shared between them (typically the output tables
of one partition, over the same operands). The pass does not rely on `canonicalize`:
constant operands (`arith.constant`, `hw.constant`) are substituted into the table, an
operand read twice is read once, tables of no operands become constants.

Runs over tables of `PROGRESS_ENTRIES` entries or more report on stderr as gate-map-luts
does: a live status line on a terminal, a summary line with `LUTOPT_PROGRESS=1`, nothing
with `LUTOPT_PROGRESS=0`.

Options: `lut-size` (K, 3..8, default 6); `max-depth` (a bound on the LUT depth of each
table's cover; by default two levels more than the plain decision-diagram cover needs);
`effort` (2, the default: every decomposition, about 3 s per 12-input table; 1: no Shannon
expansions, about 4 times faster, about 20% more LUTs on the LogicNets neuron tables; 0:
the plain decision diagram in the best order found, about 0.1 s per 12-input table, 25%
more LUTs again); `jobs` (worker processes planning tables in parallel, 0: one per CPU).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, replace

from lutopt.diagnostics import LutoptError, set_location
from lutopt.ir.layer import layer_of, spread_layers
from lutopt.dialects.lut import TableOp, constant_value
from lutopt.ir.unchanged import mark_unchanged
from lutopt.progress import progress_wanted
from xdsl.context import Context
from xdsl.dialects import comb
from xdsl.dialects.builtin import IntegerAttr, IntegerType, ModuleOp, i1
from xdsl.ir import Block, Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter


PROGRESS_ENTRIES = 1 << 12
"""Tables of this many entries in all (one 12-input table, a few seconds) or more show a
status line on stderr: live on a terminal or with `LUTOPT_PROGRESS=1` a summary line,
nothing with `LUTOPT_PROGRESS=0` (`lutopt.progress`)."""


def needs_cover(op: TableOp, k: int) -> bool:
    """Whether the table is not already a K-LUT (at most K one-bit operands, one-bit result)."""
    return op.out_width != 1 or any(w != 1 for w in op.input_widths) or len(op.inputs) > k


def _batches(block: Block, k: int) -> list[list[TableOp]]:
    """Tables to cover, grouped: a table joins the first batch all of whose operands it
    finds defined before that batch's first table (so the batch's cover can be placed
    there), or starts a new batch."""
    position = {op: i for i, op in enumerate(block.ops)}

    def defined_at(v: SSAValue) -> int:
        owner = v.owner
        return position.get(owner, -1) if isinstance(owner, Operation) else -1

    batches: list[list[TableOp]] = []
    for op in block.ops:
        if not isinstance(op, TableOp) or not needs_cover(op, k):
            continue
        latest = max((defined_at(v) for v in op.inputs), default=-1)
        for batch in batches:
            if latest < position[batch[0]]:
                batch.append(op)
                break
        else:
            batches.append([op])
    return batches


class _Status:
    """lut-decompose's status line on stderr, as gate-map-luts shows one: rewritten in place
    on a terminal (tables planned so far), and a summary line at the end."""

    def __init__(self, total: int, lut_size: int):
        self.total, self.lut_size = total, lut_size
        self.done = self.luts = 0
        self.live = sys.stderr.isatty()
        self.start = time.perf_counter()

    def planned(self, done: int) -> None:
        if self.live:
            sys.stderr.write(
                f"\rlut-decompose: {self.done + done}/{self.total} tables planned "
                f"({time.perf_counter() - self.start:.1f} s)\x1b[K"
            )
            sys.stderr.flush()

    def batch_done(self, tables: int, luts: int) -> None:
        self.done += tables
        self.luts += luts

    def finish(self) -> None:
        lead, end = ("\r", "\x1b[K\n") if self.live else ("", "\n")
        sys.stderr.write(
            f"{lead}lut-decompose: {self.total} table{'s' if self.total != 1 else ''} -> {self.luts} {self.lut_size}-LUTs "
            f"({time.perf_counter() - self.start:.1f} s){end}"
        )
        sys.stderr.flush()


def _cover_batch(
    batch: list[TableOp], params, extracted: dict[tuple[SSAValue, int], SSAValue], status: _Status | None = None
) -> None:
    """Covers the batch; `extracted` holds the `comb.extract` results made for earlier
    batches of the block (they are placed before this batch, so they can be reused)."""
    from lutopt.logic.cover import cover_to_lut_ops
    from lutopt.logic.decompose import CONST_FALSE, CONST_TRUE, MAX_INPUT_BITS, TruthTable, decompose_tables

    first = batch[0]
    where = InsertPoint.before(first)
    bit_ids: dict[tuple[SSAValue, int], int] = {}
    bit_values: list[SSAValue] = []
    new_ops: list[Operation] = []

    def bit(value: SSAValue, j: int) -> int:
        known = constant_value(value)
        if known is not None:  # a constant operand's bits are substituted into the table
            return CONST_TRUE if (known >> j) & 1 else CONST_FALSE
        key = (value, j)  # a repeated operand reads the same cover input twice
        if key not in bit_ids:
            assert isinstance(value.type, IntegerType)
            if value.type.width.data == 1:
                bit_values.append(value)
            elif key in extracted:
                bit_values.append(extracted[key])
            else:
                ext = comb.ExtractOp(value, IntegerAttr(j, 32), i1)
                set_location(ext, first)
                new_ops.append(ext)
                bit_values.append(ext.result)
                extracted[key] = ext.result
            bit_ids[key] = len(bit_ids)
        return bit_ids[key]

    tables = []
    for op in batch:
        if op.input_bits > MAX_INPUT_BITS:
            raise LutoptError(
                f"lut-decompose: a table of {op.input_bits} input bits is too large to decompose "
                f"(at most {MAX_INPUT_BITS})",
                op,
            )
        inputs = [bit(v, j) for v, w in zip(op.inputs, op.input_widths) for j in range(w - 1, -1, -1)]
        tables.append(TruthTable(op.values(), op.input_bits, op.out_width, inputs))
    if status is not None:
        params = replace(params, progress=lambda done, total: status.planned(done))
    cover, _stats = decompose_tables(tables, params)
    if status is not None:
        status.batch_done(len(batch), cover.num_luts)
    lut_ops, outs = cover_to_lut_ops(cover, bit_values, loc_op=first)
    for o in lut_ops:
        set_location(o, first)
    new_ops += lut_ops
    results: list[SSAValue] = []
    pos = 0
    for op in batch:
        bits = outs[pos : pos + op.out_width]
        pos += op.out_width
        if op.out_width == 1:
            results.append(bits[0])
            continue
        cat = comb.ConcatOp(bits[::-1], IntegerType(op.out_width))
        set_location(cat, op)
        new_ops.append(cat)
        results.append(cat.result)
    spread_layers(new_ops, results, [layer_of(op) for op in batch])
    Rewriter.insert_op(new_ops, where)
    for op, value in zip(batch, results):
        if op.output.name_hint and value.name_hint is None:
            value.name_hint = op.output.name_hint
        op.output.replace_all_uses_with(value)
        Rewriter.erase_op(op)


@dataclass(frozen=True)
class LutDecompose(ModulePass):
    """Replaces wide `lut.table` ops by networks of K-input one-bit `lut.table` ops."""

    name = "lut-decompose"

    lut_size: int = 6
    max_depth: int | None = None
    effort: int = 2
    jobs: int = 1

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        from lutopt.logic.decompose import DecomposeParams

        if self.effort not in (0, 1, 2):
            raise LutoptError(f"{self.name}: effort must be 0, 1 or 2, got {self.effort}")
        params = DecomposeParams.for_effort(self.effort, lut_size=self.lut_size, max_depth=self.max_depth,
                                            jobs=self.jobs)
        problem = params.check()
        if problem:
            raise LutoptError(f"{self.name}: {problem}")
        blocks = []
        tables = entries = 0
        for o in op.walk():
            if isinstance(o, TableOp) and needs_cover(o, self.lut_size):
                tables += 1
                entries += 1 << min(o.input_bits, 40)
                parent = o.parent_block()
                if parent is not None and parent not in blocks:
                    blocks.append(parent)
        if not blocks:
            mark_unchanged(op)  # every table fits: nothing to verify again
            return
        status = _Status(tables, self.lut_size) if entries >= PROGRESS_ENTRIES and progress_wanted() else None
        for block in blocks:
            extracted: dict[tuple[SSAValue, int], SSAValue] = {}
            for batch in _batches(block, self.lut_size):
                _cover_batch(batch, params, extracted, status)
            for value in extracted.values():  # bits no LUT turned out to need
                if not value.uses and isinstance(value.owner, Operation):
                    Rewriter.erase_op(value.owner)
        if status is not None:
            status.finish()
