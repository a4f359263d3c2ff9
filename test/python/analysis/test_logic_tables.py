"""lutopt.analysis.logic_tables: canonical forms keep each element's function, and
`materialize` builds gates (DESIGN.md numbering, Shannon expansion for more nodes) that
compute it. Oracle: the tables read by definition (var 0 the most significant bit of the
index), evaluated on random node assignments, and GateNetlist.simulate."""

from __future__ import annotations

import numpy as np
import pytest

from lutopt.analysis.logic_tables import Arena, Tables, canonical, combine, literals, materialize
from lutopt.logic.netlist import pack_bits, unpack_bits


def evaluate(vars: np.ndarray, table: np.ndarray, values: np.ndarray) -> np.ndarray:
    """values: [num_nodes + 1, V] 0/1 (node 0 false) -> [N, V], by the definition."""
    n, k = vars.shape
    idx = np.zeros((n, values.shape[1]), np.int64)
    for j in range(k):
        idx = (idx << 1) | values[vars[:, j]]
    return np.take_along_axis(table, idx, axis=1)


def random_tables(rng, n: int, k: int, nodes: int) -> tuple[np.ndarray, np.ndarray]:
    vars = rng.integers(0, nodes + 1, size=(n, k))  # repeats and node 0 included
    table = rng.integers(0, 2, size=(n, 1 << k)).astype(np.uint8)
    return vars, table


@pytest.mark.parametrize("k", [0, 1, 2, 3, 5])
def test_canonical_keeps_the_function(k):
    rng = np.random.default_rng(k)
    nodes = 6
    vars, table = random_tables(rng, 300, k, nodes)
    t = canonical(vars, table, (300,))
    values = rng.integers(0, 2, size=(nodes + 1, 64))
    values[0] = 0
    assert np.array_equal(evaluate(vars, table, values), evaluate(t.vars, t.table, values))
    assert t.k <= k
    real = t.vars != 0
    assert np.all(real[:, :-1] >= real[:, 1:])  # real nodes first


@pytest.mark.parametrize("k", [2, 3, 4, 6])
def test_materialize_builds_gates_that_compute_the_tables(k):
    rng = np.random.default_rng(10 + k)
    nodes = 8
    arena = Arena()
    inputs = arena.new_inputs(nodes)  # nodes 1..8
    vars, table = random_tables(rng, 200, k, nodes)
    t = canonical(vars, table, (200,))
    m = materialize(arena, t)
    assert m.k <= 1
    net = arena.finish(inputs, literals(m))
    values = rng.integers(0, 2, size=(nodes + 1, 256))
    values[0] = 0
    got = unpack_bits(net.simulate(pack_bits(values[1:])), 256).astype(np.int64)
    assert np.array_equal(got, evaluate(vars, table, values))


def test_two_node_tables_become_one_gate_numbered_as_design_md():
    """A table [f(0,0), f(0,1), f(1,0), f(1,1)] over (a, b) is gate number
    8*f00 + 4*f01 + 2*f10 + f11 (DESIGN.md: 1 a&b, 6 a^b, 7 a|b, 2 a&~b)."""
    arena = Arena()
    a, b = arena.new_inputs(2)
    cases = {1: [0, 0, 0, 1], 6: [0, 1, 1, 0], 7: [0, 1, 1, 1], 2: [0, 0, 1, 0], 13: [1, 1, 0, 1]}
    t = Tables(np.array([[a, b]] * len(cases)), np.array(list(cases.values()), np.uint8), (len(cases),))
    m = materialize(arena, t)
    net = arena.finish(np.array([a, b]), literals(m))
    assert net.fn.tolist() == list(cases)


def test_combine_evaluates_on_the_union_of_nodes():
    arena = Arena()
    x = arena.new_inputs(3)
    a = Tables.nodes(np.array([x[0], x[1]]), (2,))
    b = Tables.nodes(np.array([x[1], x[2]]), (2,))
    (r,) = combine([a, b], lambda arrs: [arrs[0] + arrs[1] - 2 * arrs[0] * arrs[1]], (2,))  # xor
    assert r.vars.tolist() == [[x[0], x[1]], [x[1], x[2]]]
    assert r.table.tolist() == [[0, 1, 1, 0], [0, 1, 1, 0]]
