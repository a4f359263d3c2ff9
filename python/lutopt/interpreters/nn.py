"""The interpreter's evaluator of `nn.partition`: the region run on the operand codes of
every lane with the semantics of the enumeration (`lutopt.analysis.nn_enumerate`, which
keeps the algorithm), so `--check-passes` compares nn-partition's output with the tables
`nn-absorb-partitions` builds.

Importing this module registers `nn.partition` and `nn.partition_group` with the lut/rtl interpreter
(`lutopt.interpreters.core`), which imports it on the first `nn.partition` it meets (the
enumeration brings its kernels: generated C, compiled once per program structure and
cached on disk, or numba's).
"""

from __future__ import annotations

import numpy as np

from lutopt.analysis.nn_enumerate import (
    EnumerateParams,
    EnumerateStats,
    body_key,
    compile_partition,
    run_program,
)
from lutopt.dialects.nn import MapOp, PartitionGroupOp, PartitionOp
from lutopt.interpreters.core import register_op


def compile_partition_op(op: PartitionOp):
    """The simulator's evaluator of an `nn.partition` (see `lutopt.interpreters.core.register_op`):
    the region run on the operand codes of every lane, with the same semantics as the
    enumeration, so `--check-passes` compares nn-partition's output with the tables."""
    prog = compile_partition(op)
    stacked = [d[None] for d in prog.data]
    bodies = {body_key(o.body.block): o.body.block for o in op.body.walk() if isinstance(o, MapOp)}

    def run(args: list[np.ndarray]) -> list[np.ndarray]:
        lanes = max([len(a) for a in args] + [1])
        codes = np.stack([np.broadcast_to(np.asarray(a, np.uint64), (lanes,)) for a in args], axis=1).astype(np.int64) if args else np.zeros((lanes, 0), np.int64)
        out = run_program(prog, stacked, bodies, EnumerateParams(), EnumerateStats(), codes)
        return [np.ascontiguousarray(out[0], dtype=np.uint64)]

    return run


def compile_partition_group_op(op: PartitionGroupOp):
    """The evaluator of an `nn.partition_group`: every partition on its own operands' codes."""
    prog = compile_partition(op)
    stacked = op.data_arrays()
    reads = op.reads_array()
    bodies = {body_key(o.body.block): o.body.block for o in op.body.walk() if isinstance(o, MapOp)}

    def run(args: list[np.ndarray]) -> list[np.ndarray]:
        lanes = max([len(a) for a in args] + [1])
        every = np.stack([np.broadcast_to(np.asarray(a, np.uint64), (lanes,)) for a in args], axis=0).astype(np.int64)
        codes = np.moveaxis(every[reads], 2, 1)  # (partitions, lanes, operands)
        out = run_program(prog, stacked, bodies, EnumerateParams(), EnumerateStats(), codes)
        return [np.ascontiguousarray(row, dtype=np.uint64) for row in np.broadcast_to(out, (len(reads), lanes))]

    return run


register_op("nn.partition", compile_partition_op, regions=True)
register_op("nn.partition_group", compile_partition_group_op, regions=True)
