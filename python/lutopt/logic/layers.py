"""Which layer of a model each gate or LUT computes, carried through the gate passes and
the mapping by simulation (the `lutopt.gate_layers` attribute, `lutopt.ir.layer`).

The gate passes (clean-up, AIG rewriting, balancing) and the K-LUT mapper make new
nodes that keep no link to the nodes they replace. What survives is the function: a
new node that computes the same function of the inputs (or its complement) as an old
node of layer L is in layer L. Every node is simulated on `SIGNATURE_WORDS` x 64 random
input vectors (the same for both netlists: the inputs are the same), and a new node
whose signature is that of old nodes takes the earliest layer among them; an output
that matches none keeps the layer of the old output (outputs correspond one to one). A
new node that matches none (a piece of a rewritten function) takes the earliest layer
among the nodes it feeds, and a node that feeds no layered node has none (0).

This is an attribution for the report, not a semantic property: two functions that
agree on all the vectors are taken as one (a node that is almost always 0, for
example, may meet an unrelated one). Nothing else reads it.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from lutopt.logic.cover import random_vectors
from lutopt.logic.netlist import GateNetlist

SIGNATURE_WORDS = 4
"""64-bit words of random input vectors per signature (256 vectors)."""

_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93], dtype=np.uint64)


def _hash(values: np.ndarray) -> np.ndarray:
    """One uint64 per row of node values, equal for a function and its complement."""
    flip = (values[:, :1] & np.uint64(1)).astype(bool)
    v = np.where(flip, ~values, values)
    with np.errstate(over="ignore"):
        return np.bitwise_xor.reduce(v * _MIX[: v.shape[1]], axis=1) ^ (v[:, 0] >> np.uint64(17))


def _all_node_values(sim, num_nodes: int) -> np.ndarray:
    """The value of every node (constant, inputs, gates or LUTs) of a netlist or cover."""
    whole = dataclasses.replace(
        sim, outputs=np.arange(num_nodes, dtype=np.int64), output_neg=np.zeros(num_nodes, bool)
    )
    return whole


def gate_signatures(net: GateNetlist) -> np.ndarray:
    whole = _all_node_values(net, net.num_nodes)
    return _hash(whole.simulate(random_vectors(net.num_inputs, SIGNATURE_WORDS, seed=1)))


def output_layers(net: GateNetlist, layers: np.ndarray) -> np.ndarray:
    """The layer of every output of `net` (0 for an input or a constant)."""
    base = 1 + net.num_inputs
    node = np.asarray(net.outputs, np.int64)
    return np.where(node >= base, np.asarray(layers)[np.maximum(node - base, 0)], 0).astype(np.int32)


def transfer_layers(
    old: GateNetlist,
    old_layers: np.ndarray,
    new_hashes: np.ndarray,
    num_inputs: int,
    leaves: np.ndarray,
    sizes: np.ndarray,
    new_outputs: np.ndarray,
) -> np.ndarray:
    """The layer (0: none) of every non-input node of a new network (gates or LUTs,
    `new_hashes` of all its nodes, `leaves[i, :sizes[i]]` the fanins of node i, output k
    node `new_outputs[k]`, which computes old output k) after `old`, whose gates are in
    `old_layers`."""
    old_hash = gate_signatures(old)[1 + old.num_inputs :]
    keep = np.asarray(old_layers) > 0
    keys, lays = old_hash[keep], np.asarray(old_layers)[keep]
    order = np.lexsort((lays, keys))
    keys, lays = keys[order], lays[order]
    first = np.ones(len(keys), bool)
    first[1:] = keys[1:] != keys[:-1]
    keys, lays = keys[first], lays[first]
    base = 1 + num_inputs
    mine = new_hashes[base:]
    result = np.zeros(len(mine), np.int32)
    if len(keys):
        pos = np.minimum(np.searchsorted(keys, mine), len(keys) - 1)
        hit = keys[pos] == mine
        result[hit] = lays[pos[hit]]
    # An unmatched output node (one that computes what an input did, say) keeps the
    # layer of the old output.
    outs = np.asarray(new_outputs, np.int64)
    mine_out = outs >= base
    unmatched = mine_out.copy()
    unmatched[mine_out] = result[outs[mine_out] - base] == 0
    for node, layer in zip(outs[unmatched].tolist(), output_layers(old, old_layers)[unmatched].tolist()):
        if result[node - base] == 0 or (layer and layer < result[node - base]):
            result[node - base] = layer
    # Unmatched nodes: the earliest layer among the nodes they feed (users come later).
    free = result == 0
    if free.any():
        big = np.iinfo(np.int32).max
        spread = np.where(free, big, result).astype(np.int64)
        for i in range(len(mine) - 1, -1, -1):
            r = spread[i]
            if r == big:
                continue
            for leaf in leaves[i, : sizes[i]].tolist():
                j = leaf - base
                if j >= 0 and free[j] and spread[j] > r:
                    spread[j] = r
        result = np.where(spread == big, 0, spread).astype(np.int32)
    return result


def netlist_layers_after(old: GateNetlist, old_layers: np.ndarray, new: GateNetlist) -> np.ndarray:
    """The layer of every gate of `new`, a rewrite of `old` (same inputs)."""
    leaves = np.stack([new.a, new.b], axis=1).astype(np.int64)
    sizes = np.full(new.num_gates, 2, np.int64)
    return transfer_layers(old, old_layers, gate_signatures(new), new.num_inputs, leaves, sizes, new.outputs)


def cover_layers_after(old: GateNetlist, old_layers: np.ndarray, cover) -> np.ndarray:
    """The layer of every LUT of `cover` (`lutopt.logic.cover.LutCover`), a mapping of `old`."""
    from lutopt.logic.cover import simulate_cover

    whole = _all_node_values(cover, cover.num_nodes)
    hashes = _hash(simulate_cover(whole, random_vectors(cover.num_inputs, SIGNATURE_WORDS, seed=1)))
    return transfer_layers(
        old, old_layers, hashes, cover.num_inputs, cover.leaves.astype(np.int64), cover.sizes, cover.outputs
    )
