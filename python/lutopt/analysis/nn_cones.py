"""The cones of `nn-partition`: backwards from a quantizer, which elements of every value
each of its output elements needs (`compute_cones(model, quantizer) -> Cones`), on the
element model of `lutopt.analysis.nn_partition_model`.

Contraction terms whose constant weight is zero are not dependencies, so masks multiplied
into weights (folded before) and per-partition weight tensors (NeuraLUT's batched einsum)
give exactly the sparse connectivity. A cone that reaches a function argument without a
quantizer, or an op the model does not support, is a located error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.ir import SSAValue

from lutopt.analysis.nn_partition_model import Arg, Bad, Code, Contract, Dequant, ElementModel, Map, Mix, Ref
from lutopt.diagnostics import LutoptError, op_location
from lutopt.dialects.nn import QuantizeOp
from lutopt.interpreters.common import shape_of

# --------------------------------------------------------------------- cones


class Need:
    """Which elements of one value each output element needs: the sorted, distinct keys
    `p * numel + e` (sparse, so memory follows the cones' sizes, not outputs x elements)."""

    def __init__(self, numel: int):
        self.numel = numel
        self.keys = np.empty(0, np.int64)
        self._parts: list[np.ndarray] = []

    def add(self, p: np.ndarray, e: np.ndarray) -> None:
        if len(p):
            self._parts.append(p.astype(np.int64) * self.numel + e.astype(np.int64))

    def finish(self) -> None:
        if self._parts:
            self.keys = np.unique(np.concatenate([self.keys, *self._parts]))
            self._parts = []

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        return self.keys // self.numel, self.keys % self.numel

    def row(self, p: int) -> np.ndarray:
        """The elements output element `p` needs, sorted."""
        lo, hi = np.searchsorted(self.keys, [p * self.numel, (p + 1) * self.numel])
        return self.keys[lo:hi] - p * self.numel


@dataclass
class Cones:
    """For one quantizer: which elements of every base value each output element needs."""

    quantizer: QuantizeOp
    root: Ref
    need: dict[SSAValue, Need]
    bases: list[SSAValue]  # bases with a need, in definition order


def numel(v: SSAValue) -> int:
    s = shape_of(v)
    return int(np.prod(s)) if s else 1


def _terms(ids: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For rows `e` of a contraction's (n, K) input ids (-1: a zero weight): for every
    non-zero term of every row, (position in `e`, input id)."""
    valid = ids >= 0
    counts = valid.sum(axis=1)
    flat = ids[valid]  # row-major: grouped by row
    starts = np.cumsum(counts) - counts
    reps = counts[e]
    which = np.repeat(np.arange(len(e)), reps)
    offset = np.arange(int(reps.sum())) - np.repeat(np.cumsum(reps) - reps, reps)
    return which, flat[np.repeat(starts[e], reps) + offset]


def compute_cones(m: ElementModel, q: QuantizeOp) -> Cones:
    root = m.resolve(q.input)
    P = numel(q.input)
    need: dict[SSAValue, Need] = {}
    if root.base is None:
        return Cones(q, root, need, [])
    pos = {v: i for i, v in enumerate(m.order)}
    todo: list[SSAValue] = []

    def add(base: SSAValue, p: np.ndarray, e: np.ndarray) -> None:
        if base not in need:
            need[base] = Need(numel(base))
            todo.append(base)
            todo.sort(key=lambda v: pos[v])
        need[base].add(p, e)

    add(root.base, np.arange(P), root.ids)
    done: list[SSAValue] = []
    # Walk bases from the last definition backwards: every consumer of a base comes after it.
    while todo:
        b = todo.pop()
        nb = need[b]
        nb.finish()
        if not len(nb.keys):
            continue
        done.append(b)
        p, e = nb.pairs()
        node = m.nodes[b]
        if isinstance(node, Map):
            for i, r in enumerate(node.refs):
                if r.base is not None and node.block.args[i].uses:
                    add(r.base, p, r.ids[e])
        elif isinstance(node, Contract):
            if node.x.base is not None:
                k, ids = _terms(node.x.ids, e)
                add(node.x.base, p[k], ids)
            if node.init.base is not None:
                add(node.init.base, p, node.init.ids[e])
        elif isinstance(node, Dequant):
            add(node.code, p, node.ids[e])
        elif isinstance(node, Mix):
            src = node.which[e]
            for i, r in enumerate(node.refs):
                sel = src == i
                if r.base is not None and sel.any():
                    add(r.base, p[sel], r.ids[e[sel]])
        elif isinstance(node, Code):
            pass
        elif isinstance(node, Arg):
            raise LutoptError(
                f"this quantizer's input depends on function argument #{node.index} without "
                "a quantizer in between (models must quantize their inputs)",
                q,
            )
        elif isinstance(node, Bad):
            raise LutoptError(
                f"{node.message} (inside the partition of the quantizer at {op_location(q)})",
                node.op,
            )
    done.sort(key=lambda v: pos[v])
    return Cones(q, root, need, done)
