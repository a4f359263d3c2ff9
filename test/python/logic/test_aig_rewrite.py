"""AIG rewriting through aigverse: the GateNetlist <-> Aig converters and the gate-rewrite,
gate-resub, gate-refactor and gate-aig-opt passes keep the function (lutopt's own
bit-parallel interpreter, exhaustive or on random vectors; ABC's cec on an EPFL circuit)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("aigverse", reason="aigverse (the mockturtle binding) is not installed")

from lutopt.api import emit, parse_module, run_passes
from lutopt.dialects.gate import GateNetlistOp
from lutopt.logic.aigverse_io import (
    aig_to_netlist,
    netlist_index_list,
    netlist_to_aig,
    recover_xors,
)
from lutopt.logic.builder import NetlistBuilder
from lutopt.logic.exchange import netlist_module
from lutopt.logic.netlist import GateNetlist, pack_bits
from lutopt.logic.random_netlist import random_dag, random_layered
from lutopt.logic.rewrite import (
    AigOptStats,
    RefactorParams,
    ResubParams,
    RewriteParams,
    optimize,
    refactor,
    resubstitute,
    rewrite,
)
from lutopt.logic.simplify import remove_dead_gates, strash
from repo_paths import BENCHMARKS, REPO

EPFL = BENCHMARKS / "epfl"
ABC = shutil.which("berkeley-abc") or shutil.which("yosys-abc")

ALGORITHMS = {
    "rewrite": rewrite,
    "rewrite-zero-gain-dc": lambda n: rewrite(n, RewriteParams(allow_zero_gain=True, use_dont_cares=True)),
    "rewrite-depth": lambda n: rewrite(n, RewriteParams(preserve_depth=True, cut_size=3)),
    "resub": resubstitute,
    "resub-dc": lambda n: resubstitute(n, ResubParams(use_dont_cares=True, max_inserts=1)),
    "refactor": refactor,
    "refactor-zero-gain": lambda n: refactor(n, RefactorParams(allow_zero_gain=True)),
    "script": optimize,
    "script-with-balance": lambda n: optimize(n, "b; rw; rf; b; rwz; rs; b"),
}


def all_functions_netlist() -> GateNetlist:
    """Every one of the 16 functions on every pair of fanin kinds (inputs, gates, the
    constant), and outputs that are an input, a constant, complemented, repeated."""
    b = NetlistBuilder(3)
    x, y, z = b.input(0), b.input(1), b.input(2)
    g = b.gate(6, x, y)
    outs = [g]
    for fn in range(16):
        outs.append(b.gate(fn, x, y))
        outs.append(b.gate(fn, g, z))
        outs.append(b.gate(fn, 0, z))  # constant fanin
        outs.append(b.gate(fn, x, x))  # one node twice
    net = b.build(outs + [y, y ^ 1, 0, 1, outs[5]])
    assert sorted(set(net.fn.tolist())) == list(range(16))
    return net


def random_netlists() -> list[GateNetlist]:
    nets = [all_functions_netlist()]
    for seed in range(12):
        fns = None if seed % 2 == 0 else np.array([1, 2, 4, 8, 7, 11, 13, 14, 6, 9])
        nets.append(random_dag(3 + seed % 9, 5 + 23 * seed, 1 + seed % 7, seed=seed, functions=fns,
                               locality=[None, 4, 9][seed % 3]))
    nets.append(random_layered(24, 3000, width=24, seed=2))
    return nets


def vectors(n: int, seed: int = 0) -> np.ndarray:
    if n <= 12:  # exhaustive
        idx = np.arange(1 << n)
        return pack_bits(np.array([(idx >> k) & 1 for k in range(n)]).reshape(n, -1))
    return np.random.default_rng(seed).integers(0, 2**63, (n, 32), dtype=np.uint64)


def assert_same_function(before: GateNetlist, after: GateNetlist, seed: int = 0) -> None:
    assert after.check() is None
    assert after.num_inputs == before.num_inputs and after.num_outputs == before.num_outputs
    x = vectors(before.num_inputs, seed)
    assert np.array_equal(before.simulate(x), after.simulate(x))


def test_round_trip_keeps_the_function() -> None:
    for k, net in enumerate(random_netlists()):
        aig = netlist_to_aig(net)
        back = aig_to_netlist(aig, net.input_names, net.output_names, xors=False)
        assert set(back.fn.tolist()) <= {1, 2, 4, 8}  # an AIG: ANDs with complements only
        assert_same_function(net, back, k)
        with_xors = aig_to_netlist(aig, net.input_names, net.output_names)
        assert set(with_xors.fn.tolist()) <= {1, 2, 4, 8, 6, 9}
        assert_same_function(net, with_xors, k)


def test_xors_are_recovered() -> None:
    """An XOR/XNOR in every phase of its fanins goes in as three ANDs and comes back as
    one gate; so a netlist of AND/OR/XOR gates converts back to as many gates as it had."""
    b = NetlistBuilder(2)
    x, y = b.input(0), b.input(1)
    outs = [b.gate(fn, x ^ cx, y ^ cy) for fn in (6, 9) for cx in (0, 1) for cy in (0, 1)]
    net = b.build(outs)
    back = remove_dead_gates(aig_to_netlist(netlist_to_aig(net)))
    assert back.num_gates == 1 and int(back.fn[0]) in (6, 9)
    assert_same_function(net, back)
    big = strash(random_layered(64, 6000, width=64, seed=7, functions=np.array([1, 2, 4, 6, 7, 8, 9, 11, 13, 14])))
    big = remove_dead_gates(big)
    back = remove_dead_gates(aig_to_netlist(netlist_to_aig(big)))
    assert back.num_gates == big.num_gates
    assert sorted(back.fn.tolist()).count(6) + sorted(back.fn.tolist()).count(9) == int(np.isin(big.fn, [6, 9]).sum())
    assert_same_function(big, back)
    assert recover_xors(back).num_gates == back.num_gates


def test_round_trip_counts_ands_like_aiger() -> None:
    """XOR/XNOR take three ANDs, the AND/OR family one, the rest none (before hashing)."""
    net = random_dag(8, 500, 6, seed=4)
    fn = net.fn
    want = 3 * int(np.isin(fn, [6, 9]).sum()) + int(np.isin(fn, [1, 2, 4, 8, 7, 11, 13, 14]).sum())
    raw = netlist_index_list(net)
    assert raw[2] == want and raw[0] == 8 and raw[1] == 6


def test_outputs_that_are_inputs_or_constants() -> None:
    b = NetlistBuilder(2)
    net = b.build([b.input(1), 0, 1, b.input(0) ^ 1])
    for out in (aig_to_netlist(netlist_to_aig(net)), rewrite(net), optimize(net)):
        assert out.num_gates == 0
        assert out.outputs.tolist() == [2, 0, 0, 1] and out.output_neg.tolist() == [False, False, True, True]


@pytest.mark.parametrize("name", list(ALGORITHMS))
def test_algorithm_keeps_the_function(name: str) -> None:
    algorithm = ALGORITHMS[name]
    for k, net in enumerate(random_netlists()):
        out = algorithm(net)
        assert_same_function(net, out, k)
        # an AIG with its XORs recovered (a final balance may phase ANDs as ORs)
        assert set(out.fn.tolist()) <= {1, 2, 4, 8, 7, 11, 13, 14, 6, 9}


def test_rewriting_saves_ands_and_reports() -> None:
    """Redundant logic shrinks: (a & b) | (a & c) is two ANDs, and a random layered
    netlist loses ANDs under rewriting (gain > 0 only, so never gains ANDs)."""
    b = NetlistBuilder(3)
    x, y, z = b.input(0), b.input(1), b.input(2)
    net = b.build([b.or_(b.and_(x, y), b.and_(x, z))])
    assert rewrite(net).num_gates == 2
    big = random_layered(32, 4000, width=32, seed=5, functions=np.array([1, 2, 4, 7, 8, 11, 13, 14]))
    stats = AigOptStats()
    out = optimize(big, "rw; rs; rf", stats)
    assert stats.ands_before <= big.num_gates
    assert [s.name for s in stats.steps] == ["rw", "rs", "rf"]
    assert all(b.ands <= a for a, b in zip([stats.ands_before] + [s.ands for s in stats.steps], stats.steps))
    assert out.num_gates == stats.gates_after <= stats.ands_after < stats.ands_before
    assert "aig: ANDs" in stats.report()


@pytest.mark.parametrize("name", ["gate-rewrite", "gate-resub", "gate-refactor", "gate-aig-opt",
                                  'gate-aig-opt{script="rw,b,rs6,rfz"}'])
def test_pass_through_the_driver(name: str) -> None:
    nets = [random_dag(7, 150, 4, seed=21, locality=6), all_functions_netlist()]
    for net in nets:
        module = netlist_module(net, "f")
        run_passes(module, name)
        got = next(op for op in module.walk() if isinstance(op, GateNetlistOp)).netlist()
        assert_same_function(net, got)
        parse_module(emit(module))  # still prints and verifies


def test_unknown_step_is_an_error() -> None:
    from lutopt.diagnostics import LutoptError

    with pytest.raises(LutoptError, match="unknown AIG optimisation step 'zz'"):
        optimize(random_dag(3, 5, 1), "rw; zz")


def test_missing_aigverse_is_one_line() -> None:
    """Without aigverse the passes fail with one line naming the package, no traceback."""
    src = REPO / "test" / "Transforms" / "gate" / "gate-rewrite.mlir"
    code = (
        "import sys; sys.modules['aigverse'] = None\n"
        "from lutopt.tools.lutopt_opt import main\n"
        f"sys.exit(main([{str(src)!r}, '-p', sys.argv[1]]))\n"
    )
    for name in ("gate-rewrite", "gate-resub", "gate-refactor", "gate-aig-opt"):
        res = subprocess.run([sys.executable, "-c", code, name], check=False, capture_output=True, text=True)
        assert res.returncode == 1, res.stderr
        lines = res.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in res.stderr
        assert f"{name} needs the Python package aigverse" in lines[0]
        assert res.stdout == ""
    # without a gate netlist to optimise, lower-to-luts (which runs gate-aig-opt) needs no aigverse
    tables = REPO / "examples" / "lut" / "tiny_net.mlir"
    res = subprocess.run([sys.executable, "-c", code.replace(str(src), str(tables)), "lower-to-luts{lut-size=4}"],
                         check=False, capture_output=True, text=True)
    assert res.returncode == 0 and "lut.table" in res.stdout, res.stderr


@pytest.mark.skipif(ABC is None, reason="berkeley-abc not found: ABC cec skipped")
@pytest.mark.skipif(not (EPFL / "i2c.aig").exists(), reason=f"EPFL benchmark i2c.aig not in {EPFL}")
def test_abc_cec_on_an_epfl_circuit(tmp_path: Path) -> None:
    """i2c (1342 ANDs) after the default script is proved equivalent by ABC's cec, and a
    netlist with one gate changed is refused (so the check can fail)."""
    from lutopt.logic.aiger import read_aiger, write_aiger

    src = EPFL / "i2c.aig"
    net = read_aiger(src.read_bytes(), src.name)
    out = optimize(net)
    assert out.num_gates < net.num_gates
    good, bad = tmp_path / "good.aig", tmp_path / "bad.aig"
    good.write_bytes(write_aiger(out))
    broken = GateNetlist(out.num_inputs, out.fn.copy(), out.a, out.b, out.outputs, out.output_neg)
    broken.fn[len(broken.fn) // 2] ^= 15  # complement one gate
    bad.write_bytes(write_aiger(broken))
    for path, want in ((good, "Networks are equivalent"), (bad, "NOT EQUIVALENT")):
        res = subprocess.run([ABC, "-c", f"cec -n {src} {path}"], check=False, capture_output=True,
                             text=True, timeout=60)
        assert want in res.stdout + res.stderr


@pytest.mark.skipif(not (EPFL / "i2c.aig").exists(), reason=f"EPFL benchmark i2c.aig not in {EPFL}")
def test_rewriting_before_mapping_saves_luts() -> None:
    """What lower-to-luts{rewrite=true} buys on i2c: fewer 6-LUTs at no greater depth, and
    the mapped cover computes the source circuit (simulation)."""
    from lutopt.logic.aiger import read_aiger
    from lutopt.logic.cover import equivalent_by_simulation
    from lutopt.logic.mapping import MapParams, lut_map
    from lutopt.logic.simplify import propagate_constants

    src = EPFL / "i2c.aig"
    net = read_aiger(src.read_bytes(), src.name)
    plain, _ = lut_map(remove_dead_gates(strash(propagate_constants(net))), MapParams(lut_size=6))
    rewritten, _ = lut_map(optimize(net), MapParams(lut_size=6))
    assert rewritten.num_luts < plain.num_luts
    assert rewritten.depth() <= plain.depth()
    assert equivalent_by_simulation(net, rewritten, words=64)



def test_probe_step_stops_a_script_that_gains_nothing() -> None:
    """With probe_gain, a netlist that the probe cannot shrink skips the script (all but a
    closing `b`); one that it can shrink gets the whole script."""
    # a balanced tree of ANDs over distinct inputs: nothing to rewrite
    b = NetlistBuilder(16)
    level = [NetlistBuilder.input(k) for k in range(16)]
    while len(level) > 1:
        level = [b.gate(1, level[i], level[i + 1]) for i in range(0, len(level), 2)]
    tree = b.build([level[0]])
    st = AigOptStats()
    assert optimize(tree, "rw; rs; rf", st, probe_gain=0.005) is tree
    assert st.stopped_early and st.steps == [] and st.probe is not None
    # a chain of ANDs: the probe gains nothing, the closing balance still shortens it
    b = NetlistBuilder(16)
    x = NetlistBuilder.input(0)
    for k in range(1, 16):
        x = b.gate(1, x, NetlistBuilder.input(k))
    chain = b.build([x])
    st = AigOptStats()
    out = optimize(chain, "rw; rs; rf; b", st, probe_gain=0.005)
    assert st.stopped_early and [s.name for s in st.steps] == ["b"]
    assert st.depth_before == 15 and st.depth_after == 4 and out.num_gates == 15
    vec = np.random.default_rng(2).integers(0, 2**63, size=(16, 4), dtype=np.uint64)
    assert np.array_equal(out.simulate(vec), chain.simulate(vec))
    # a redundant netlist: the probe gains, the script runs
    redundant = random_layered(12, 1500, width=12, seed=3)
    st = AigOptStats()
    out = optimize(redundant, "rw; rs; rf; b", st, probe_gain=0.005)
    assert not st.stopped_early and [s.name for s in st.steps] == ["rw", "rs", "rf", "b"]
    assert st.probe.ands < st.ands_before and st.ands_after < st.ands_before
    vec = np.random.default_rng(1).integers(0, 2**63, size=(12, 8), dtype=np.uint64)
    assert np.array_equal(out.simulate(vec), redundant.simulate(vec))
    with pytest.raises(Exception, match="probe-gain"):
        run_passes(parse_module(emit(netlist_module(tree, "t"))), "gate-aig-opt{probe-gain=1.5}")
