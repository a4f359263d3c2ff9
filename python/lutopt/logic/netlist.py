"""`GateNetlist`: a combinational netlist of two-input gates stored as NumPy arrays.

Node numbering: node 0 is constant false, nodes 1..num_inputs are the primary inputs,
node num_inputs+1+g is gate g. Gate g computes `GATE_FUNCTIONS[fn[g]](node a[g], node b[g])`
with difflogic's numbering, which is the gate's truth table read as a 4-bit number with
f(0,0) as the most significant bit:

    0 false, 1 a&b, 2 a&~b, 3 a, 4 ~a&b, 5 b, 6 a^b, 7 a|b, 8 ~(a|b), 9 ~(a^b),
    10 ~b, 11 a|~b, 12 ~a, 13 ~a|b, 14 ~(a&b), 15 true

Gate fanins refer only to lower-numbered nodes, so the arrays are in topological order.
Output k is node `outputs[k]`, complemented when `output_neg[k]` is set (an AIGER-style
complemented edge, so an AIG converts without extra inverter gates).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

GATE_NAMES = (
    "false", "and", "a_and_not_b", "a", "not_a_and_b", "b", "xor", "or",
    "nor", "xnor", "not_b", "a_or_not_b", "not_a", "not_a_or_b", "nand", "true",
)


def gate_truth_table(fn: int) -> tuple[int, int, int, int]:
    """(f(0,0), f(0,1), f(1,0), f(1,1)) of function number `fn` (f(a, b))."""
    return ((fn >> 3) & 1, (fn >> 2) & 1, (fn >> 1) & 1, fn & 1)


def apply_gate(fn: int | np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Bitwise gate function on integer arrays (any unsigned dtype; all bits in parallel)."""
    fn = np.asarray(fn, dtype=np.uint64)
    ones = ~np.zeros_like(a)
    sel = lambda bit: np.where(((fn >> np.uint64(bit)) & np.uint64(1)).astype(bool), ones, np.zeros_like(a))  # noqa: E731
    # f = f00 & ~a & ~b | f01 & ~a & b | f10 & a & ~b | f11 & a & b
    return (sel(3) & ~a & ~b) | (sel(2) & ~a & b) | (sel(1) & a & ~b) | (sel(0) & a & b)


@dataclass
class GateNetlist:
    num_inputs: int
    fn: np.ndarray  # uint8[G], 0..15
    a: np.ndarray  # int32[G], node ids
    b: np.ndarray  # int32[G], node ids
    outputs: np.ndarray  # int32[O], node ids
    output_neg: np.ndarray  # bool[O]
    input_names: list[str] | None = field(default=None)
    output_names: list[str] | None = field(default=None)

    @property
    def num_gates(self) -> int:
        return len(self.fn)

    @property
    def num_outputs(self) -> int:
        return len(self.outputs)

    @property
    def num_nodes(self) -> int:
        return 1 + self.num_inputs + self.num_gates

    def gate_node(self, g: int) -> int:
        return 1 + self.num_inputs + g

    def check(self) -> str | None:
        """A description of the first structural problem, or None when well formed."""
        g = self.num_gates
        if not (len(self.a) == len(self.b) == g):
            return f"gate arrays differ in length ({len(self.fn)}, {len(self.a)}, {len(self.b)})"
        if g and (self.fn.min() < 0 or self.fn.max() > 15):
            bad = int(np.flatnonzero((self.fn < 0) | (self.fn > 15))[0])
            return f"gate {bad} has function {int(self.fn[bad])}, expected 0..15"
        own = 1 + self.num_inputs + np.arange(g)
        for name, arr in (("first", self.a), ("second", self.b)):
            bad = np.flatnonzero((arr < 0) | (arr >= own))
            if len(bad):
                k = int(bad[0])
                return (
                    f"gate {k} (node {int(own[k])}) has {name} fanin node {int(arr[k])}, which is not "
                    f"an earlier node (the netlist must be acyclic and in topological order)"
                )
        bad = np.flatnonzero((self.outputs < 0) | (self.outputs >= self.num_nodes))
        if len(bad):
            k = int(bad[0])
            return f"output {k} refers to node {int(self.outputs[k])}, but there are {self.num_nodes} nodes"
        if len(self.output_neg) != len(self.outputs):
            return "output_neg and outputs differ in length"
        return None

    def simulate(self, inputs: np.ndarray) -> np.ndarray:
        """Bit-parallel simulation: `inputs` is uint64[num_inputs, W] (64 vectors per word);
        returns uint64[num_outputs, W]."""
        inputs = np.asarray(inputs, dtype=np.uint64)
        words = inputs.shape[1] if inputs.ndim == 2 else 1
        values = np.zeros((self.num_nodes, words), dtype=np.uint64)
        values[1 : 1 + self.num_inputs] = inputs.reshape(self.num_inputs, words)
        base = 1 + self.num_inputs
        # Evaluate level by level so each level is one vectorised step.
        for idx in _levels(self):
            fn = self.fn[idx].astype(np.uint64)[:, None]
            values[base + idx] = apply_gate(fn, values[self.a[idx]], values[self.b[idx]])
        out = values[self.outputs]
        neg = self.output_neg.astype(bool)
        out[neg] = ~out[neg]
        return out


def _levels(net: GateNetlist) -> list[np.ndarray]:
    """Gate indices grouped by logic level (inputs and constant at level 0)."""
    g = net.num_gates
    level = np.zeros(net.num_nodes, dtype=np.int32)
    base = 1 + net.num_inputs
    a, b = net.a, net.b
    for i in range(g):  # sequential, but only integer work; see levels() for a faster path
        la, lb = level[a[i]], level[b[i]]
        level[base + i] = (la if la > lb else lb) + 1
    gl = level[base:]
    order = np.argsort(gl, kind="stable")
    bounds = np.searchsorted(gl[order], np.arange(1, gl.max() + 2)) if g else []
    return [order[bounds[k] : bounds[k + 1]] for k in range(len(bounds) - 1)] if g else []


def pack_bits(bits: np.ndarray) -> np.ndarray:
    """0/1 values of shape (n, V) (any integer or bool dtype) as uint64 words of shape
    (n, ceil(V / 64)): vector j is bit j % 64 of word j // 64."""
    bits = np.asarray(bits)
    n, v = bits.shape
    words = (v + 63) // 64
    packed = np.packbits(bits.astype(np.uint8) & 1, axis=1, bitorder="little")
    out = np.zeros((n, words * 8), dtype=np.uint8)
    out[:, : packed.shape[1]] = packed
    return out.view("<u8").astype(np.uint64)


def unpack_bits(words: np.ndarray, num_vectors: int) -> np.ndarray:
    """The inverse of `pack_bits`: uint64 words (n, W) to 0/1 uint64 values (n, num_vectors)."""
    words = np.ascontiguousarray(words, dtype="<u8")
    bits = np.unpackbits(words.view(np.uint8), axis=1, bitorder="little")
    return bits[:, :num_vectors].astype(np.uint64)
