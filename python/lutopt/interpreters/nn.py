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

from lutopt.analysis.nn_enumerate import EnumerateParams, EnumerateStats, run_program, stacked_program
from lutopt.dialects.nn import PartitionGroupOp, PartitionOp
from lutopt.interpreters.core import register_op


def compile_partition_op(op: PartitionOp | PartitionGroupOp):
    """The simulator's evaluator of an `nn.partition` or `nn.partition_group` (see
    `lutopt.interpreters.core.register_op`): each partition's region run on its operands'
    codes in every lane, with the same semantics as the enumeration, so `--check-passes`
    compares nn-partition's output with the tables."""
    bodies: dict = {}
    prog, stacked, P = stacked_program(op, bodies)
    # Which operands each partition reads (an nn.partition: all of them, in order).
    reads = op.reads_array() if isinstance(op, PartitionGroupOp) else np.arange(len(op.inputs))[None, :]

    def run(args: list[np.ndarray]) -> list[np.ndarray]:
        lanes = max([len(a) for a in args] + [1])
        every = np.zeros((len(args), lanes), np.int64)
        for i, a in enumerate(args):
            every[i] = np.broadcast_to(np.asarray(a, np.uint64), (lanes,)).astype(np.int64)
        codes = np.moveaxis(every[reads], 2, 1)  # (partitions, lanes, operands)
        out = run_program(prog, stacked, bodies, EnumerateParams(), EnumerateStats(), codes)
        return [np.ascontiguousarray(row, dtype=np.uint64) for row in np.broadcast_to(out, (P, lanes))]

    return run


register_op("nn.partition", compile_partition_op, regions=True)
register_op("nn.partition_group", compile_partition_op, regions=True)
