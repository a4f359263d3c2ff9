"""The interpreter's evaluator of `gate.netlist`: the netlist is decoded once and
simulated bit-parallel, 64 vectors per machine word (`lutopt.logic.netlist`).

Importing this module registers `gate.netlist` with the lut/rtl interpreter
(`lutopt.interpreters.core`), which imports it on the first `gate.netlist` it meets.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from lutopt.dialects.gate import GateNetlistOp
from lutopt.interpreters.core import register_op
from lutopt.logic.netlist import pack_bits, unpack_bits


def compile_netlist_op(op: GateNetlistOp) -> Callable[[Sequence[np.ndarray]], list[np.ndarray]]:
    """A function from the operand values to the result values of `op` (the netlist is
    decoded once). Values are 0/1 uint64 arrays of shape (V,), or (1,) for a value that
    is the same in every vector (it broadcasts); see `evaluate_netlist_op`."""
    net = op.netlist()

    def run(inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
        if len(inputs) != net.num_inputs:
            raise ValueError(f"gate.netlist has {net.num_inputs} inputs, got {len(inputs)} values")
        arrays = [np.asarray(x, dtype=np.uint64).reshape(-1) for x in inputs]
        lanes = max((len(x) for x in arrays), default=1)
        bits = np.zeros((net.num_inputs, lanes), dtype=np.uint8)
        for k, x in enumerate(arrays):
            bits[k] = x & np.uint64(1)  # broadcasts a (1,) value
        out = unpack_bits(net.simulate(pack_bits(bits)), lanes)
        return list(out)

    return run


def evaluate_netlist_op(op: GateNetlistOp, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Runs `op` on V input vectors at once: `inputs[k]` holds input k of every vector
    (0/1, uint64, shape (V,) or (1,) to broadcast); returns one (V,) array per result.
    Simulation is bit-parallel, 64 vectors per machine word."""
    return compile_netlist_op(op)(inputs)


register_op("gate.netlist", compile_netlist_op)
