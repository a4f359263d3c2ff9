"""The shared structural kernels (`lutopt.logic._strash_kernels`): `simplify.strash`,
`propagate_constants`, `remove_double_inversions` and the mapper's `normalize` run on one
numba rebuild kernel. It must compute, literal for literal, what copying the netlist
through a `NetlistBuilder` with the matching option computes (the gate-by-gate builder the
rest of lutopt constructs netlists with), and `normalize` must produce the form the mapper
expects, with the same function (checked with an evaluator written here from DESIGN.md's
gate numbering: bit 3 - (2a + b) of fn is f(a, b))."""

from __future__ import annotations

import numpy as np
import pytest

from lutopt.logic.builder import NetlistBuilder, rebuild
from lutopt.logic.netlist import GateNetlist
from lutopt.logic.random_netlist import random_dag, random_dag_netlist
from lutopt.logic.simplify import live_gates, normalize, propagate_constants, remove_double_inversions, strash

PASSES = {
    "strash": (strash, dict(strash=True)),
    "const-prop": (propagate_constants, dict(simplify=True)),
    "double-inversion": (remove_double_inversions, dict(fold_inverters=True)),
}
FUNCTION_SETS = [
    None,  # all 16
    np.array([1, 7, 6, 10, 12, 3, 5]),  # inverters and buffers
    np.array([0, 15, 1, 14, 6, 9]),  # constants
]


def nets():
    for seed in range(6):
        for functions in FUNCTION_SETS:
            yield random_dag(10, 300, num_outputs=12, seed=seed, functions=functions)
    yield random_dag_netlist(7, 200, 9, seed=3, locality=5)  # many repeated fanin pairs


def evaluate(net: GateNetlist) -> np.ndarray:
    """Every output on every input vector (bool[outputs, 2^inputs])."""
    n = net.num_inputs
    idx = np.arange(1 << n)
    val = [np.zeros(1 << n, dtype=bool)] + [((idx >> i) & 1).astype(bool) for i in range(n)]
    for f, a, b in zip(net.fn.tolist(), net.a.tolist(), net.b.tolist()):
        x, y = val[a].astype(int), val[b].astype(int)
        val.append(((f >> (3 - (2 * x + y))) & 1).astype(bool))
    return np.array([val[o] ^ bool(neg) for o, neg in zip(net.outputs.tolist(), net.output_neg.tolist())])


def same_netlist(x: GateNetlist, y: GateNetlist) -> None:
    assert x.num_inputs == y.num_inputs
    for name in ("fn", "a", "b", "outputs", "output_neg"):
        u, v = getattr(x, name), getattr(y, name)
        assert u.dtype == v.dtype and np.array_equal(u, v), name
    assert (x.input_names, x.output_names) == (y.input_names, y.output_names)


@pytest.mark.parametrize("name", sorted(PASSES))
def test_kernel_equals_builder(name: str) -> None:
    fn, options = PASSES[name]
    for net in nets():
        same_netlist(fn(net), rebuild(net, NetlistBuilder(net.num_inputs, **options)))


def test_live_gates() -> None:
    for net in nets():
        live = np.zeros(net.num_nodes, dtype=bool)
        live[net.outputs] = True
        base = 1 + net.num_inputs
        for g in range(net.num_gates - 1, -1, -1):
            if live[base + g]:
                live[net.a[g]] = live[net.b[g]] = True
        assert np.array_equal(live_gates(net), live[base:])


def test_normalize_is_the_mappers_form() -> None:
    for net in nets():
        norm = normalize(net)
        assert norm.check() is None
        assert np.array_equal(evaluate(norm), evaluate(net))
        base = 1 + norm.num_inputs
        f = norm.fn.astype(int)
        assert ((f & 8) == 0).all()  # f(0, 0) = 0
        assert (norm.a >= 1).all() and (norm.a < norm.b).all()  # distinct, ordered, non-constant
        # depends on both fanins
        f00, f01, f10, f11 = (f >> 3) & 1, (f >> 2) & 1, (f >> 1) & 1, f & 1
        assert (((f00 != f10) | (f01 != f11)) & ((f00 != f01) | (f10 != f11))).all()
        assert len({(int(x), int(y), int(z)) for x, y, z in zip(f, norm.a, norm.b)}) == norm.num_gates
        assert live_gates(norm).all()
        assert norm.num_nodes - base == norm.num_gates
