"""Helpers shared by the pytest files: small gate and LUT networks and their truth tables.

`test/python/support/` is on the test path (pyproject.toml's `pythonpath`), so a test
file imports these as `from lut_networks import ...`; test files do not import each other.
"""

from __future__ import annotations

import numpy as np

from lutopt.logic.netlist import GateNetlist, pack_bits, unpack_bits


def truth(net: GateNetlist) -> np.ndarray:
    """uint64[outputs, 2^inputs]: every output on every input vector (input 0 = bit 0)."""
    n = net.num_inputs
    idx = np.arange(1 << n)
    bits = np.array([(idx >> k) & 1 for k in range(n)]).reshape(n, -1)
    return unpack_bits(net.simulate(pack_bits(bits)), 1 << n)


def lut_level_text(tables: list[tuple[list[str], list[int]]], outputs: list[str], num_inputs: int) -> str:
    """A mapped lut-level function: one lut.table per (fanins, entries)."""
    lines = [
        "func.func @mapped("
        + ", ".join(f"%x{k}: i1" for k in range(num_inputs))
        + ") -> ("
        + ", ".join("i1" for _ in outputs)
        + ") {"
    ]
    for k, (fanins, entries) in enumerate(tables):
        types = ", ".join("i1" for _ in fanins)
        lines.append(f"  %l{k} = lut.table({', '.join(fanins)}) {entries} : ({types}) -> i1")
    lines.append(f"  func.return {', '.join(outputs)} : {', '.join('i1' for _ in outputs)}")
    lines.append("}")
    return "\n".join(lines)


def random_lut_network(seed: int, num_inputs: int = 7, num_luts: int = 12, k: int = 4):
    rng = np.random.default_rng(seed)
    signals = [f"%x{j}" for j in range(num_inputs)]
    tables = []
    for j in range(num_luts):
        width = int(rng.integers(1, k + 1))
        fanins = [signals[int(i)] for i in rng.choice(len(signals), size=min(width, len(signals)), replace=False)]
        entries = rng.integers(0, 2, 1 << len(fanins)).tolist()
        tables.append((fanins, entries))
        signals.append(f"%l{j}")
    outputs = [signals[-1], signals[-2], signals[3], "%l0"]
    return tables, outputs


def eval_lut_network(tables, outputs, num_inputs: int, v: int) -> list[int]:
    val = {f"%x{j}": (v >> j) & 1 for j in range(num_inputs)}
    for j, (fanins, entries) in enumerate(tables):
        index = 0
        for f in fanins:  # operand 0 most significant
            index = (index << 1) | val[f]
        val[f"%l{j}"] = entries[index]
    return [val[o] for o in outputs]
