"""K-LUT mapping (lutopt.logic.mapping.lut_map) and LUT covers (lutopt.logic.cover):
covers agree with their netlists by simulation for K = 3..8, LUTs have at most K used
inputs, reported depth and size are the cover's, small EPFL circuits map at least as well
as ABC's `if -K 6`, and ABC's `cec` proves the BLIF of a cover equivalent to the source."""

from __future__ import annotations

import itertools
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from lutopt.logic import _truth
from lutopt.logic.aiger import read_aiger
from lutopt.logic.cover import (
    LutCover,
    cover_to_netlist,
    cover_to_blif,
    cover_to_lut_ops,
    equivalent_by_simulation,
    exhaustive_vectors,
    random_vectors,
    simulate_cover,
)
from lutopt.logic.mapping import MapParams, lut_map
from lutopt.logic.netlist import GateNetlist
from lutopt.logic.random_netlist import random_dag_netlist, random_layered_netlist
from repo_paths import BENCHMARKS

EPFL = BENCHMARKS / "epfl"


def check_cover(net: GateNetlist, cover: LutCover, stats, k: int) -> None:
    assert cover.check() is None
    assert cover.num_outputs == net.num_outputs
    assert int(cover.sizes.max(initial=0)) <= k
    # every LUT uses all of its inputs
    for l in range(cover.num_luts):
        bits = cover.table_bits(l)
        size = int(cover.sizes[l])
        for j in range(size):
            lo = bits.reshape(-1, 2 << j)[:, : 1 << j]
            hi = bits.reshape(-1, 2 << j)[:, 1 << j :]
            assert not np.array_equal(lo, hi), f"LUT {l} does not depend on its leaf {j}"
    assert stats.luts == cover.num_luts
    assert stats.depth == cover.depth()
    assert equivalent_by_simulation(net, cover, words=16)


# ------------------------------------------------------------------------ truth tables


def brute_table(f, n: int, nw: int) -> np.ndarray:
    bits = np.zeros(64 * nw, dtype=np.uint8)
    for i in range(64 * nw):
        bits[i] = f([(i >> j) & 1 for j in range(max(n, 6 if nw == 1 else 6 + nw.bit_length() - 1))])
    return np.packbits(bits, bitorder="little").view("<u8").astype(np.uint64).reshape(1, nw)


@pytest.mark.parametrize("nw", [1, 2, 4])
def test_truth_swap_flip_depends(nw: int) -> None:
    nvars = 6 + nw.bit_length() - 1
    rng = np.random.default_rng(nw)
    t = rng.integers(0, 2**64, size=(1, nw), dtype=np.uint64)

    def value(tab, idx):
        return int((int(tab[0, idx >> 6]) >> (idx & 63)) & 1)

    for v in range(nvars - 1):
        s = t.copy()
        _truth.tt_swap(s, 0, v, nw)
        for i in range(64 * nw):
            a, b = (i >> v) & 1, (i >> (v + 1)) & 1
            j = i & ~(3 << v) | (b << v) | (a << (v + 1))
            assert value(s, i) == value(t, j)
    for v in range(nvars):
        s = t.copy()
        _truth.tt_flip(s, 0, v, nw)
        for i in range(0, 64 * nw, 7):
            assert value(s, i) == value(t, i ^ (1 << v))
        # a table of variable v depends on v only
        _truth.tt_var(s, 0, v, nw)
        for u in range(nvars):
            assert _truth.tt_depends(s, 0, u, nw) == (u == v)


def test_truth_stretch_and_shrink() -> None:
    nw = 4  # 8 variables
    rng = np.random.default_rng(1)
    for _ in range(20):
        n = int(rng.integers(1, 5))
        t = np.zeros((1, nw), dtype=np.uint64)
        small = rng.integers(0, 2, size=1 << n)
        # replicated n-variable table
        for i in range(256):
            if small[i & ((1 << n) - 1)]:
                t[0, i >> 6] |= np.uint64(1) << np.uint64(i & 63)
        pos = np.sort(rng.choice(8, size=n, replace=False)).astype(np.int32)
        s = t.copy()
        _truth.tt_stretch(s, 0, pos, n, nw)
        for i in range(256):
            src = sum(((i >> int(p)) & 1) << j for j, p in enumerate(pos))
            assert ((int(s[0, i >> 6]) >> (i & 63)) & 1) == small[src]
        # shrinking the stretched table back removes exactly the unused variables
        leaves = np.arange(8, dtype=np.int32)
        m = _truth.tt_shrink(s, 0, leaves, 8, nw)
        used = [int(p) for j, p in enumerate(pos) if _truth.tt_depends(t, 0, j, nw)]
        assert m == len(used) and leaves[:m].tolist() == used


# ------------------------------------------------------------------------ mapping


@pytest.mark.parametrize("k", [3, 4, 5, 6, 7, 8])
def test_random_dag_all_lut_sizes(k: int) -> None:
    net = random_dag_netlist(24, 1500, 30, seed=k)
    cover, stats = lut_map(net, MapParams(lut_size=k))
    check_cover(net, cover, stats, k)
    assert 0 < cover.num_luts < net.num_gates


@pytest.mark.parametrize("k", [3, 6, 8])
def test_small_netlists_exhaustive(k: int) -> None:
    rng = np.random.default_rng(k)
    for trial in range(30):
        n_in = int(rng.integers(1, 9))
        net = random_dag_netlist(n_in, int(rng.integers(1, 40)), int(rng.integers(1, 6)), seed=100 * k + trial,
                                 locality=8)
        cover, stats = lut_map(net, MapParams(lut_size=k))
        assert cover.check() is None and int(cover.sizes.max(initial=0)) <= k
        vec = exhaustive_vectors(n_in)
        assert np.array_equal(net.simulate(vec), simulate_cover(cover, vec)), (trial, net)
        assert stats.depth == cover.depth()


def test_layered_network_with_degenerate_gates() -> None:
    # all sixteen functions: constants and single-input gates fold away before mapping
    net = random_layered_netlist(64, 6, 200, seed=5)
    cover, stats = lut_map(net, MapParams(lut_size=6))
    check_cover(net, cover, stats, 6)
    assert stats.gates_mapped < net.num_gates


def test_fully_constant_and_wire_outputs() -> None:
    # outputs: x & ~x (constant 0), its complement (1), input 0, ~input 1, and x ^ y twice,
    # once complemented (both polarities of one LUT)
    fn = np.array([2, 1, 6, 12, 3], dtype=np.uint8)
    a = np.array([1, 4, 1, 2, 1], dtype=np.int32)
    b = np.array([1, 2, 2, 2, 1], dtype=np.int32)
    net = GateNetlist(3, fn, a, b, np.array([4, 4, 1, 2, 6, 6, 7, 8], dtype=np.int32),
                      np.array([0, 1, 0, 1, 0, 1, 0, 0], dtype=bool))
    for k in (3, 6):
        cover, stats = lut_map(net, MapParams(lut_size=k))
        assert cover.check() is None
        vec = exhaustive_vectors(3)
        assert np.array_equal(net.simulate(vec), simulate_cover(cover, vec))
        # the XOR and its complement (a copy with the complemented table, no extra level),
        # and an inverter for the complemented input: three LUTs of depth 1
        assert cover.num_luts == 3 and cover.depth() == 1


@pytest.mark.parametrize("k", [4, 7])
def test_cover_to_netlist(k: int) -> None:
    net = random_dag_netlist(10, 300, 12, seed=k)
    cover, _ = lut_map(net, MapParams(lut_size=k))
    back = cover_to_netlist(cover)
    assert back.check() is None
    vec = exhaustive_vectors(10)
    assert np.array_equal(net.simulate(vec), back.simulate(vec))


def test_params_are_checked() -> None:
    net = random_dag_netlist(4, 10, 2, seed=0)
    for bad in (MapParams(lut_size=2), MapParams(lut_size=9), MapParams(cut_limit=0)):
        with pytest.raises(ValueError):
            lut_map(net, bad)
    with pytest.raises(ValueError, match="unknown mapping start"):
        lut_map(net, MapParams(starts=("nope",)))


def test_stats_report() -> None:
    net = random_dag_netlist(16, 400, 8, seed=2)
    cover, stats = lut_map(net, MapParams())
    text = stats.report()
    assert f"{stats.luts} LUTs" in text and f"depth {stats.depth}" in text
    assert "exact" in stats.times and stats.total_time > 0


def test_depth_relaxation_trades_depth_for_luts() -> None:
    net = random_dag_netlist(32, 3000, 16, seed=11, locality=16)
    c0, s0 = lut_map(net, MapParams())
    c1, s1 = lut_map(net, MapParams(depth_relax=3))
    assert equivalent_by_simulation(net, c1)
    assert s1.depth <= s0.depth + 3 and s1.luts <= s0.luts


# ------------------------------------------------------------------------ EPFL


# circuit: ABC's `strash; if -K 6` LUTs and depth (berkeley-abc 1.01+20221019)
ABC_IF6 = {"ctrl": (29, 2), "int2float": (49, 3), "dec": (287, 2)}


@pytest.mark.skipif(not EPFL.is_dir(), reason=f"EPFL benchmarks not found at {EPFL}")
@pytest.mark.parametrize("name", sorted(ABC_IF6))
def test_epfl_small_circuits(name: str) -> None:
    net = read_aiger((EPFL / f"{name}.aig").read_bytes(), f"{name}.aig")
    cover, stats = lut_map(net, MapParams(lut_size=6))
    check_cover(net, cover, stats, 6)
    vec = exhaustive_vectors(net.num_inputs)  # ctrl, int2float and dec have <= 11 inputs
    assert np.array_equal(net.simulate(vec), simulate_cover(cover, vec))
    luts, depth = ABC_IF6[name]
    assert stats.luts <= luts and stats.depth <= depth


@pytest.mark.skipif(not EPFL.is_dir(), reason=f"EPFL benchmarks not found at {EPFL}")
@pytest.mark.parametrize("k", [3, 4, 5, 7, 8])
def test_epfl_int2float_other_sizes(k: int) -> None:
    net = read_aiger((EPFL / "int2float.aig").read_bytes(), "int2float.aig")
    cover, stats = lut_map(net, MapParams(lut_size=k))
    check_cover(net, cover, stats, k)


# ------------------------------------------------------------------------ BLIF and ABC


def abc_available() -> bool:
    return shutil.which("berkeley-abc") is not None


def test_blif_text() -> None:
    fn = np.array([6], dtype=np.uint8)
    net = GateNetlist(2, fn, np.array([1]), np.array([2]), np.array([3, 0, 1], dtype=np.int32),
                      np.array([1, 1, 0], dtype=bool), input_names=["x", "y"], output_names=["nx", "one", "w"])
    cover, _ = lut_map(net, MapParams(lut_size=3))
    text = cover_to_blif(cover, "t")
    assert ".model t" in text and ".inputs x y" in text and ".outputs nx one w" in text
    assert ".names x y nx\n00 1\n11 1\n" in text  # the complemented XOR, named after its output
    assert ".names one\n1\n" in text and ".names x w\n1 1\n" in text


@pytest.mark.skipif(not abc_available(), reason="berkeley-abc is not installed")
@pytest.mark.skipif(not EPFL.is_dir(), reason=f"EPFL benchmarks not found at {EPFL}")
@pytest.mark.parametrize("name", ["ctrl", "int2float"])
def test_abc_proves_cover_equivalent(tmp_path: Path, name: str) -> None:
    src = EPFL / f"{name}.aig"
    net = read_aiger(src.read_bytes(), src.name)
    cover, _ = lut_map(net, MapParams(lut_size=6))
    blif = tmp_path / f"{name}.blif"
    blif.write_text(cover_to_blif(cover, name))
    out = subprocess.run(["berkeley-abc", "-c", f"cec -n {src} {blif}"], capture_output=True, text=True,
                         timeout=120).stdout
    assert "Networks are equivalent" in out, out
    stats = subprocess.run(["berkeley-abc", "-c", f"read {blif}; print_stats"], capture_output=True, text=True,
                           timeout=120).stdout
    # ABC counts the same LUTs and levels, plus one node for a constant output
    nd = int(stats.split("nd =")[1].split()[0])
    lev = int(stats.split("lev =")[1].split()[0])
    constants = int(bool((cover.outputs == 0).any()))
    assert (nd, lev) == (cover.num_luts + constants, cover.depth()), stats


# ------------------------------------------------------------------------ lut.table ops


def test_cover_to_lut_ops() -> None:
    from xdsl.dialects.builtin import i1
    from xdsl.ir import Block

    from lutopt.dialects.lut import TableOp

    net = random_dag_netlist(6, 60, 5, seed=9)
    cover, _ = lut_map(net, MapParams(lut_size=4))
    block = Block(arg_types=[i1] * 6)
    ops, outs = cover_to_lut_ops(cover, list(block.args))
    tables = [op for op in ops if isinstance(op, TableOp)]
    assert len(outs) == net.num_outputs
    assert len(tables) == cover.num_luts + int(np.sum(cover.output_neg & (cover.outputs != 0)))
    for op in tables:
        op.verify()
        assert op.out_width == 1 and len(op.inputs) <= 4 and all(w == 1 for w in op.input_widths)
    # evaluate the ops on all 64 input vectors (operand 0 is the most significant index bit)
    values = {arg: np.array([(v >> j) & 1 for v in range(64)]) for j, arg in enumerate(block.args)}
    for op in ops:
        if isinstance(op, TableOp):
            idx = np.zeros(64, dtype=np.int64)
            for operand in op.inputs:
                idx = idx * 2 + values[operand]
            values[op.results[0]] = op.values()[idx].astype(np.int64)
        else:
            values[op.results[0]] = np.full(64, op.value.value.data & 1)
    got = np.array([values[v] for v in outs])
    vec = exhaustive_vectors(6)
    want = np.unpackbits(net.simulate(vec).astype("<u8").view(np.uint8), axis=1, bitorder="little")[:, :64]
    assert np.array_equal(got, want)


# ------------------------------------------------------------------------ the interface


def test_stats_passed_in_are_cleared_and_filled() -> None:
    from lutopt.logic.mapping import MapRound, MapStats

    net = random_dag_netlist(16, 400, 8, seed=2)
    stats = MapStats(luts=-1, rounds=[MapRound("stale", 0, 0, 0, 0.0)], times={"stale": 1.0})
    cover, returned = lut_map(net, MapParams(lut_size=5), stats)
    assert returned is stats
    assert stats.luts == cover.num_luts and stats.depth == cover.depth() and stats.edges == cover.edges()
    assert stats.gates_in == net.num_gates and 0 < stats.gates_mapped <= net.num_gates
    assert stats.cuts_merged > 0
    assert all(r.name != "stale" for r in stats.rounds) and "stale" not in stats.times
    assert {"normalize", "setup", "delay", "flow", "exact", "expand", "extract"} <= set(stats.times)
    # the rounds are labelled with the start they belong to
    assert {r.name.split(":")[0] for r in stats.rounds} == {"depth", "abc", "delay", "delay2"}
    # the same figures as a call without stats
    _, fresh = lut_map(net, MapParams(lut_size=5))
    assert (fresh.luts, fresh.depth, fresh.edges) == (stats.luts, stats.depth, stats.edges)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (dict(delay_rounds_max=0), "delay_rounds_max must be at least 1"),
        (dict(area_cut_limit=65), "area cut limit must be between 0"),
        (dict(area_cut_limit=-1), "area cut limit must be between 0"),
        (dict(expand_cone_limit=-1), "expand_cone_limit must not be negative"),
        (dict(lut_size="6"), "lut_size must be an integer"),
        (dict(cut_limit=True), "cut_limit must be an integer"),
        (dict(starts=("abc", "fast")), "unknown mapping start 'fast'"),
    ],
)
def test_params_are_validated_with_a_clear_error(bad: dict, message: str) -> None:
    net = random_dag_netlist(4, 10, 2, seed=0)
    params = MapParams(**bad)
    assert message in params.check()
    with pytest.raises(ValueError, match="invalid mapper parameters: " + message):
        lut_map(net, params)


def test_enums_name_the_modes() -> None:
    from lutopt.logic.mapping import Cost, SortOrder, Start

    assert [c.name for c in Cost] == ["DELAY", "AREA_FLOW", "AREA_EXACT"]
    assert [s.name for s in SortOrder] == ["DELAY", "AREA", "DELAY_AREA"]
    assert len({int(c) for c in Cost}) == 3 and len({int(s) for s in SortOrder}) == 3
    # starts: the enum members and their names give the same mapping
    assert [s.value for s in Start] == list(MapParams().starts)
    net = random_dag_netlist(16, 600, 8, seed=4)
    for start in Start:
        c0, s0 = lut_map(net, MapParams(starts=(start,)))
        c1, s1 = lut_map(net, MapParams(starts=(start.value,)))
        assert np.array_equal(c0.tables, c1.tables) and np.array_equal(c0.leaves, c1.leaves)
        assert {r.name.split(":")[0] for r in s0.rounds} == {"depth", start.value}


def test_verbose_report_goes_to_stderr(capsys) -> None:
    net = random_dag_netlist(8, 100, 4, seed=1)
    _, stats = lut_map(net, MapParams(verbose=True))
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip() == stats.report()
