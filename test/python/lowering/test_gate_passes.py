"""The logic optimisation passes on gate.netlist: each keeps the function (simulation on
random netlists, before and after) and does what it says."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from lutopt.api import emit, parse_module, run_passes
from lutopt.dialects.gate import GateNetlistOp
from lutopt.logic.balance import BalanceStats, balance
from lutopt.logic.builder import NetlistBuilder, simplify_gate
from lutopt.logic.netlist import GateNetlist
from lutopt.logic.random_netlist import random_dag, random_layered
from lutopt.logic.simplify import (
    depth,
    live_gates,
    propagate_constants,
    recover_xors,
    remove_dead_gates,
    remove_double_inversions,
    strash,
)

ALGORITHMS: dict[str, Callable[[GateNetlist], GateNetlist]] = {
    "gate-strash": strash,
    "gate-const-prop": propagate_constants,
    "gate-dce": remove_dead_gates,
    "gate-double-inversion": remove_double_inversions,
    "gate-balance": balance,
    "gate-recover-xors": recover_xors,
}

FUNCTION_SETS = [
    None,  # all 16
    np.array([1, 2, 4, 8, 7, 11, 13, 14, 6, 9]),  # AND/OR/XOR families only
    np.array([1, 7, 6, 10, 12, 3, 5]),  # with inverters and buffers
    np.array([0, 15, 1, 14, 6]),  # with constants
]


def random_netlists(count: int = 40) -> list[GateNetlist]:
    nets = []
    for seed in range(count):
        fns = FUNCTION_SETS[seed % len(FUNCTION_SETS)]
        locality = [None, 3, 8][seed % 3]
        nets.append(random_dag(3 + seed % 8, 1 + 7 * seed, 1 + seed % 6, seed=seed, functions=fns, locality=locality))
    nets.append(random_layered(16, 2000, width=16, seed=1, functions=FUNCTION_SETS[1]))
    return nets


def assert_same_function(before: GateNetlist, after: GateNetlist, seed: int = 0) -> None:
    assert after.check() is None
    assert after.num_inputs == before.num_inputs and after.num_outputs == before.num_outputs
    n = before.num_inputs
    if n <= 12:  # exhaustive
        idx = np.arange(1 << n)
        from lutopt.logic.netlist import pack_bits

        x = pack_bits(np.array([(idx >> k) & 1 for k in range(n)]).reshape(n, -1))
    else:
        x = np.random.default_rng(seed).integers(0, 2**63, (n, 16), dtype=np.uint64)
    assert np.array_equal(before.simulate(x), after.simulate(x))


@pytest.mark.parametrize("name", list(ALGORITHMS))
def test_pass_keeps_the_function(name: str) -> None:
    algorithm = ALGORITHMS[name]
    for k, net in enumerate(random_netlists()):
        assert_same_function(net, algorithm(net), k)


@pytest.mark.parametrize("name", list(ALGORITHMS))
def test_pass_through_the_driver(name: str) -> None:
    """The registered pass applies the algorithm to every gate.netlist of the module."""
    net = random_dag(6, 80, 4, seed=11, functions=FUNCTION_SETS[2], locality=5)
    from lutopt.logic.exchange import netlist_module

    module = netlist_module(net, "f")
    run_passes(module, name)
    got = next(op for op in module.walk() if isinstance(op, GateNetlistOp)).netlist()
    want = ALGORITHMS[name](net)
    assert np.array_equal(got.fn, want.fn) and np.array_equal(got.a, want.a)
    assert np.array_equal(got.outputs, want.outputs)
    assert np.array_equal(got.output_neg, want.output_neg)
    assert_same_function(net, got)
    parse_module(emit(module))  # still prints and verifies


def test_strash_merges_and_is_idempotent() -> None:
    for k, net in enumerate(random_netlists()):
        once = strash(net)
        assert once.num_gates <= net.num_gates
        twice = strash(once)
        assert twice.num_gates == once.num_gates
        # Normal form: fanins in increasing order, f(0,0) = 0, no duplicate gates.
        assert np.all(once.a < once.b) and np.all(once.fn < 8)
        keys = set(zip(once.fn.tolist(), once.a.tolist(), once.b.tolist()))
        assert len(keys) == once.num_gates


def test_strash_duplicates_of_a_copy() -> None:
    """A netlist next to a copy of itself with swapped operands hashes to one copy."""
    net = strash(random_dag(6, 200, 5, seed=9, functions=FUNCTION_SETS[1]))
    b = NetlistBuilder(6)
    lits: list[int] = []
    for swap in (False, True):
        node = [0] + [b.input(k) for k in range(6)]
        for f, x, y in zip(net.fn.tolist(), net.a.tolist(), net.b.tolist()):
            from lutopt.logic.builder import SWAP

            node.append(b.gate(SWAP[f], node[y], node[x]) if swap else b.gate(f, node[x], node[y]))
        lits += [node[o] ^ int(n) for o, n in zip(net.outputs.tolist(), net.output_neg.tolist())]
    doubled = b.build(lits)
    assert doubled.num_gates == 2 * net.num_gates
    merged = strash(doubled)
    assert merged.num_gates == net.num_gates
    assert_same_function(doubled, merged)


def test_const_prop_leaves_no_trivial_gate() -> None:
    for net in random_netlists():
        out = propagate_constants(net)
        for f, x, y in zip(out.fn.tolist(), out.a.tolist(), out.b.tolist()):
            assert x != 0 and y != 0 and x != y
            assert simplify_gate(f, 2 * x, 2 * y) is None


def test_dce_keeps_exactly_the_live_gates() -> None:
    for net in random_netlists():
        out = remove_dead_gates(net)
        assert out.num_gates == int(live_gates(net).sum())
        assert live_gates(out).all()
        live = live_gates(net)
        assert np.array_equal(out.fn, net.fn[live])


def test_double_inversion_removes_every_inverter() -> None:
    for net in random_netlists():
        out = remove_double_inversions(net)
        assert not np.isin(out.fn, [10, 12]).any()
        assert out.num_gates <= net.num_gates - int(np.isin(net.fn, [10, 12]).sum())


def test_not_not_is_the_wire() -> None:
    b = NetlistBuilder(1)
    n1 = b.gate(12, b.input(0), 0)
    n2 = b.gate(12, n1, 0)
    net = b.build([n2, n1])
    out = remove_double_inversions(net)
    assert out.num_gates == 0
    assert out.outputs.tolist() == [1, 1] and out.output_neg.tolist() == [False, True]


def test_balance_never_deepens_or_grows() -> None:
    for net in random_netlists():
        stats = BalanceStats()
        out = balance(net, stats)
        assert out.num_gates <= net.num_gates
        assert depth(out) <= depth(net)
        assert stats.gates_after == out.num_gates and "balance:" in stats.report()


@pytest.mark.parametrize("fn,length", [(1, 64), (7, 100), (6, 33), (9, 17), (2, 12)])
def test_balance_chain_reaches_log_depth(fn: int, length: int) -> None:
    """x0 op x1 op ... op x{n-1} as a chain has depth n-1; balanced, ceil(log2 n).
    (Not for NAND: ~(~(ab)c) = ab | ~c mixes AND and OR, which balancing keeps.)"""
    b = NetlistBuilder(length)
    acc = b.input(0)
    for k in range(1, length):
        acc = b.gate(fn, acc, b.input(k))
    net = b.build([acc])
    out = balance(net)
    assert_same_function(net, out)
    if fn == 14:
        assert depth(out) < depth(net)
    else:
        assert depth(out) == int(np.ceil(np.log2(length)))
        assert out.num_gates == length - 1


def test_balance_respects_arrival_times() -> None:
    """A late leaf is combined last: AND of a depth-5 signal and 4 inputs has depth 6."""
    b = NetlistBuilder(9)
    late = b.input(0)
    for k in range(1, 6):
        late = b.gate(6, late, b.input(k))  # an XOR chain of depth 5 (balanced to 3)
    acc = late
    for k in range(5, 9):
        acc = b.gate(1, acc, b.input(k))
    net = b.build([acc, late])  # `late` has two fanouts: it stays a leaf
    out = balance(net)
    assert_same_function(net, out)
    assert depth(out) == 4  # xor tree of 6 leaves: 3; one more AND on top


def test_passes_on_a_large_netlist() -> None:
    """20k gates through every pass (the 256k-gate figures are in bench/)."""
    net = random_layered(64, 20_000, seed=3, functions=FUNCTION_SETS[1])
    x = np.random.default_rng(0).integers(0, 2**63, (64, 4), dtype=np.uint64)
    ref = net.simulate(x)
    for algorithm in ALGORITHMS.values():
        out = algorithm(net)
        assert np.array_equal(out.simulate(x), ref)


def test_pipeline_of_passes() -> None:
    text = """
    func.func @f(%a: i1, %b: i1, %c: i1, %d: i1) -> (i1, i1) {
      %y:2 = gate.netlist(%a, %b, %c, %d) {
        n1 = not_a i0, false
        n2 = not_a n1, false
        t0 = and n2, i1
        t1 = and t0, i2
        t2 = and t1, i3
        dup = and i1, n2
        dead = or dup, i3
        z = and t2, false
        k = or z, t2
        output k, dup
      } : (i1, i1, i1, i1) -> (i1, i1)
      func.return %y#0, %y#1 : i1, i1
    }"""
    module = parse_module(text)
    run_passes(
        module, "gate-double-inversion,gate-const-prop,gate-strash,gate-dce,gate-balance,gate-strash,gate-dce",
        check=True,
    )
    net = next(op for op in module.walk() if isinstance(op, GateNetlistOp)).netlist()
    assert net.num_gates == 3 and depth(net) == 2


def test_recover_xors_undoes_the_aig_form() -> None:
    """A netlist with XOR/XNOR gates written as AIGER (three ANDs each) and read back gets
    every XOR back, and after dead-gate removal is as small as it was."""
    from lutopt.logic.aiger import read_aiger, write_aiger

    net = random_layered(32, 3000, width=32, seed=4, functions=np.array([1, 6, 9, 7, 2]))
    net = remove_dead_gates(strash(net))
    xors = int(np.isin(net.fn, (6, 9)).sum())
    assert xors > 500
    aig = read_aiger(write_aiger(net), "r.aig")
    assert aig.num_gates > net.num_gates + 2 * xors - 10
    assert not np.isin(aig.fn, (6, 9)).any()
    back = remove_dead_gates(recover_xors(aig))
    assert int(np.isin(back.fn, (6, 9)).sum()) == xors
    assert back.num_gates == net.num_gates
    vec = np.random.default_rng(0).integers(0, 2**63, size=(net.num_inputs, 4), dtype=np.uint64)
    assert np.array_equal(back.simulate(vec), net.simulate(vec))
