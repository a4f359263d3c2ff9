"""Tests of `lutopt.logic.decompose` (tables to K-LUTs) and the `lut-decompose` pass."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from lutopt.logic.cover import LutCover, exhaustive_vectors, simulate_cover
from lutopt.logic.decompose import (
    CONST_FALSE,
    CONST_TRUE,
    DecomposeParams,
    TruthTable,
    _weights,
    column_classes,
    decompose_tables,
    encode_classes,
    order_proxy,
    order_proxy_reference,
    output_partitions,
    table_bits,
)
from repo_paths import BENCHMARKS

NEURONS = BENCHMARKS / "logicnets-neurons"

# Small search budgets keep the random tests fast; the defaults are tested on structured
# and real tables below.
QUICK = {
    "search_evaluations": 60, "random_starts": 1, "map_candidates": 2, "ac_candidates": 2, "ac_search_evaluations": 20,
    "ac_levels": 1, "output_partitions": 2, "shannon_screen": 2, "shannon_candidates": 1,
    "shannon_search_evaluations": 20,
}


def expected_outputs(tables: list[TruthTable], num_inputs: int) -> np.ndarray:
    """uint8[outputs, 2^num_inputs]: every table's output bits for every cover input vector
    (cover input i = bit i of the vector's number)."""
    vec = np.arange(1 << num_inputs, dtype=np.int64)
    rows = []
    for t in tables:
        idx = np.zeros_like(vec)
        for j, ci in enumerate(t.input_ids()):
            idx |= ((vec >> ci) & 1) << (t.num_inputs - 1 - j)
        vals = np.asarray(t.values, dtype=np.uint64)[idx]
        rows += [((vals >> np.uint64(k)) & np.uint64(1)).astype(np.uint8) for k in range(t.out_width)]
    return np.array(rows, dtype=np.uint8).reshape(-1, 1 << num_inputs)


def simulated(cover: LutCover) -> np.ndarray:
    n = cover.num_inputs
    vectors = exhaustive_vectors(n) if n else np.zeros((0, 1), dtype=np.uint64)
    out = simulate_cover(cover, vectors)
    bits = np.unpackbits(out.astype("<u8").view(np.uint8), axis=1, bitorder="little")
    return bits[:, : 1 << n]


def assert_exact(cover: LutCover, tables: list[TruthTable], k: int) -> None:
    assert cover.check() is None
    assert cover.num_luts == 0 or int(cover.sizes.max()) <= k
    assert cover.num_outputs == sum(t.out_width for t in tables)
    np.testing.assert_array_equal(simulated(cover), expected_outputs(tables, cover.num_inputs))


def random_table(rng: np.random.Generator, n: int, m: int, kind: str) -> np.ndarray:
    """Entries of a random table: uniform, sparse, or a quantised weighted sum (neuron-like)."""
    size = 1 << n
    if kind == "uniform":
        return rng.integers(0, 1 << m, size=size).astype(np.uint64)
    if kind == "sparse":
        v = np.zeros(size, dtype=np.uint64)
        hot = rng.choice(size, size=max(1, size // 16), replace=False)
        v[hot] = rng.integers(1, 1 << m, size=len(hot)).astype(np.uint64)
        return v
    idx = np.arange(size)
    w = rng.normal(size=n)
    s = sum(w[j] * ((idx >> (n - 1 - j)) & 1) for j in range(n))
    edges = np.quantile(s, np.linspace(0, 1, (1 << m) + 1)[1:-1])
    return np.digitize(s, edges).astype(np.uint64)


# --------------------------------------------------------------------------- exactness


@pytest.mark.parametrize("k", [3, 4, 5, 6, 7, 8])
def test_random_tables_are_covered_exactly(k: int) -> None:
    rng = np.random.default_rng(100 + k)
    big = 14 if k <= 6 else 12  # random tables of 14 inputs take seconds at K = 7, 8
    cases = [(1, 1), (2, 2), (k, 1), (k + 1, 2), (9, 3), (11, 4), (big, 2), (int(rng.integers(3, 13)), 3)]
    for n, m in cases:
        for kind in ("uniform", "sparse", "neuron"):
            if n == big and kind == "uniform":
                m = 1
            values = random_table(rng, n, m, kind)
            tables = [TruthTable(values, n, m)]
            cover, stats = decompose_tables(tables, DecomposeParams(lut_size=k, **QUICK))
            assert_exact(cover, tables, k)
            assert stats.luts == cover.num_luts and stats.depth == cover.depth()


def test_default_parameters_on_small_random_tables() -> None:
    rng = np.random.default_rng(7)
    for n, m, kind in ((5, 2, "uniform"), (8, 3, "neuron"), (10, 4, "sparse"), (10, 2, "neuron")):
        values = random_table(rng, n, m, kind)
        tables = [TruthTable(values, n, m)]
        cover, _ = decompose_tables(tables, DecomposeParams())
        assert_exact(cover, tables, 6)


def test_tables_with_their_own_inputs_share_one_cover() -> None:
    rng = np.random.default_rng(3)
    a = TruthTable(random_table(rng, 8, 2, "neuron"), 8, 2, inputs=[9, 0, 4, 2, 7, 1, 3, 8])
    b = TruthTable(random_table(rng, 7, 1, "uniform"), 7, 1, inputs=[5, 6, 2, 9, 0, 1, 3])
    c = TruthTable(a.values, 8, 2, inputs=a.inputs)  # a again: shares all of a's LUTs
    tables = [a, b, c]
    cover, stats = decompose_tables(tables, DecomposeParams(lut_size=5, **QUICK))
    assert cover.num_inputs == 10
    assert_exact(cover, tables, 5)
    alone, _ = decompose_tables([a, b], DecomposeParams(lut_size=5, **QUICK))
    assert cover.num_luts == alone.num_luts
    assert len(stats.tables) == 3 and "table 2" in stats.report()


def test_trivial_outputs_cost_nothing() -> None:
    # n = 0: a constant table.
    cover, _ = decompose_tables([TruthTable(np.array([5], dtype=np.uint64), 0, 3)])
    assert cover.num_luts == 0
    assert_exact(cover, [TruthTable(np.array([5], dtype=np.uint64), 0, 3)], 6)
    # bits: constant 0, constant 1, input 0 (the index MSB), complement of input 2, and a
    # 3-input XOR (one LUT).
    idx = np.arange(8)
    x0, x2 = (idx >> 2) & 1, idx & 1
    xor = ((idx >> 2) ^ (idx >> 1) ^ idx) & 1
    values = (0 << 0) | (1 << 1) | (x0 << 2) | ((1 - x2) << 3) | (xor << 4)
    t = TruthTable(values.astype(np.uint64), 3, 5)
    cover, _ = decompose_tables([t], DecomposeParams(lut_size=3))
    assert_exact(cover, [t], 3)
    assert cover.num_luts == 2  # the XOR, and an inverter for the complemented input


def test_parameter_and_table_errors() -> None:
    with pytest.raises(ValueError, match="lut-size"):
        decompose_tables([TruthTable(np.zeros(4, np.uint64), 2, 1)], DecomposeParams(lut_size=2))
    with pytest.raises(ValueError, match="lut-size"):
        decompose_tables([TruthTable(np.zeros(4, np.uint64), 2, 1)], DecomposeParams(lut_size=9))
    with pytest.raises(ValueError, match="entries"):
        decompose_tables([TruthTable(np.zeros(5, np.uint64), 2, 1)])
    with pytest.raises(ValueError, match="lists 1 inputs"):
        decompose_tables([TruthTable(np.zeros(4, np.uint64), 2, 1, inputs=[1])])
    with pytest.raises(ValueError, match="cover inputs"):
        decompose_tables([TruthTable(np.zeros(4, np.uint64), 2, 1, inputs=[1, -3])])


def test_repeated_and_constant_inputs() -> None:
    """A table may read a cover input twice and have constant inputs (a `lut.table` whose
    operand repeats, or is a constant, before canonicalize): issue 8."""
    rng = np.random.default_rng(5)
    values = rng.integers(0, 8, 1 << 6).astype(np.uint64)
    # inputs (MSB first): x1, x0, x1, 1, x2, 0
    t = TruthTable(values, 6, 3, inputs=[1, 0, 1, CONST_TRUE, 2, CONST_FALSE])
    u = TruthTable(np.array([0, 1, 2, 3], dtype=np.uint64), 2, 2, inputs=[0, 0])  # lut.table(%a, %a)
    z = TruthTable(np.zeros(8, dtype=np.uint64), 3, 1, inputs=[CONST_FALSE, CONST_FALSE, CONST_TRUE])
    for k in (3, 4, 6):
        cover, _ = decompose_tables([t, u, z], DecomposeParams(lut_size=k, **QUICK))
        assert cover.num_inputs == 3
        got = simulated(cover)
        vec = np.arange(8)
        x0, x1, x2 = vec & 1, (vec >> 1) & 1, (vec >> 2) & 1
        want_t = values[(x1 << 5) | (x0 << 4) | (x1 << 3) | (1 << 2) | (x2 << 1)]
        want_u = 3 * x0  # entry 0 or 3: the index's two bits agree
        rows = [(want_t >> b) & 1 for b in range(3)] + [(want_u >> b) & 1 for b in range(2)] + [np.zeros(8)]
        np.testing.assert_array_equal(got, np.array(rows, dtype=np.uint8))


# --------------------------------------------------------------------------- quality


def test_parity_is_a_tree_of_xors() -> None:
    idx = np.arange(1 << 12)
    par = np.zeros_like(idx)
    for j in range(12):
        par ^= (idx >> j) & 1
    t = TruthTable(par.astype(np.uint64), 12, 1)
    cover, _ = decompose_tables([t])
    assert_exact(cover, [t], 6)
    assert cover.num_luts == 3 and cover.depth() == 2


def test_disjoint_decomposition_is_found() -> None:
    """f = g1(x0..x5) & g2(x6..x11): three 6-LUTs (a plain decision diagram needs more),
    found as F(g(bound), free)."""
    rng = np.random.default_rng(11)
    g1 = rng.integers(0, 2, 64)
    g2 = rng.integers(0, 2, 64)
    idx = np.arange(1 << 12)
    f = g1[idx >> 6] & g2[idx & 63]
    t = TruthTable(f.astype(np.uint64), 12, 1)
    cover, stats = decompose_tables([t])
    assert_exact(cover, [t], 6)
    assert cover.num_luts == 3
    assert "F(g(" in stats.tables[0].plan
    plain, _ = decompose_tables([t], DecomposeParams(ac_levels=0))
    assert plain.num_luts > 3


def test_shannon_expansion_is_found() -> None:
    """f = x0 ? A(x1..x6) & B(x7..x11) : C(x1, x3, .., x11) ^ D(x2, x4, .., x10): each cofactor
    decomposes, f as a whole does not."""
    rng = np.random.default_rng(4)
    a, b, c, d = (rng.integers(0, 2, 64) for _ in range(4))
    idx = np.arange(1 << 12)

    def field(inputs: list[int]) -> np.ndarray:
        r = np.zeros_like(idx)
        for j in inputs:
            r = (r << 1) | ((idx >> (11 - j)) & 1)
        return r

    f = np.where(field([0]) == 1, a[field([1, 2, 3, 4, 5, 6])] & b[field([7, 8, 9, 10, 11])],
                 c[field([1, 3, 5, 7, 9, 11])] ^ d[field([2, 4, 6, 8, 10])])
    t = TruthTable(f.astype(np.uint64), 12, 1)
    cover, stats = decompose_tables([t])
    assert_exact(cover, [t], 6)
    assert stats.tables[0].plan.startswith("x0 ?")
    assert cover.num_luts <= 6
    without, _ = decompose_tables([t], DecomposeParams(shannon_levels=0))
    assert without.num_luts > cover.num_luts + 5


def test_effort_presets_and_parallel_planning() -> None:
    rng = np.random.default_rng(12)
    tables = [TruthTable(random_table(rng, 9, 2, "neuron"), 9, 2) for _ in range(3)]
    luts = []
    for effort in (0, 1, 2):
        cover, _ = decompose_tables(tables, DecomposeParams.for_effort(effort, lut_size=5))
        assert_exact(cover, tables, 5)
        luts.append(cover.num_luts)
    assert luts[0] >= luts[1] >= luts[2]
    assert DecomposeParams.for_effort(0).ac_levels == 0 and DecomposeParams.for_effort(1).shannon_levels == 0
    with pytest.raises(ValueError, match="effort"):
        DecomposeParams.for_effort(3)
    serial, _ = decompose_tables(tables, DecomposeParams.for_effort(1, lut_size=5))
    parallel, _ = decompose_tables(tables, DecomposeParams.for_effort(1, lut_size=5, jobs=2))
    assert parallel.num_luts == serial.num_luts
    np.testing.assert_array_equal(parallel.tables, serial.tables)


def test_output_groupings() -> None:
    assert output_partitions(1, 15) == [[[0]]]
    parts = output_partitions(3, 15)
    assert len(parts) == 5 and [[0], [1], [2]] in parts and [[0, 1, 2]] in parts
    assert output_partitions(5, 15) == [[[0, 1, 2, 3, 4]], [[0], [1], [2], [3], [4]]]


# --------------------------------------------------------------------------- kernels


def test_proxy_kernel_matches_numpy_reference() -> None:
    rng = np.random.default_rng(5)
    for _ in range(60):
        n = int(rng.integers(1, 12))
        m = int(rng.integers(1, 4))
        k = int(rng.integers(3, 9))
        values = random_table(rng, n, m, ("uniform", "sparse", "neuron")[int(rng.integers(3))])
        bits = table_bits(values, n, m)
        order = [int(j) for j in rng.permutation(n)]
        assert order_proxy(bits, order, k) == order_proxy_reference(bits, order, k)


def test_column_multiplicity_and_encoding() -> None:
    from lutopt.logic._decompose_kernels import column_multiplicity

    rng = np.random.default_rng(9)
    for _ in range(30):
        n = int(rng.integers(2, 11))
        m = int(rng.integers(1, 4))
        values = random_table(rng, n, m, ("uniform", "neuron")[int(rng.integers(2))])
        bits = table_bits(values, n, m)
        nb = int(rng.integers(1, min(n, 6) + 1))
        bound = sorted(int(j) for j in rng.choice(n, nb, replace=False))
        free = [j for j in range(n) if j not in bound]
        cols, _, _ = column_classes(bits, bound)
        assert column_multiplicity(bits, _weights(free + bound), nb) == len(cols)
        for enc in ("weight", "lex"):
            fbits, codes, width = encode_classes(bits, bound, enc)
            # f(free, bound) == F(free, code(bound)) for every assignment
            nf = len(free)
            for a in range(1 << nb):
                for f_ in range(1 << nf):
                    idx = 0
                    for pos, j in enumerate(free):
                        idx |= ((f_ >> (nf - 1 - pos)) & 1) << (n - 1 - j)
                    for pos, j in enumerate(bound):
                        idx |= ((a >> (nb - 1 - pos)) & 1) << (n - 1 - j)
                    fidx = (f_ << width) | int(codes[a])
                    assert (bits[:, idx] == fbits[:, fidx]).all()


# --------------------------------------------------------------------------- real tables


def read_truth(path: Path) -> np.ndarray:
    lines = path.read_text().split()
    values = np.zeros(len(lines[0]), dtype=np.uint64)
    for k, line in enumerate(lines):
        values |= (np.frombuffer(line.encode(), np.uint8) - 48)[::-1].astype(np.uint64) << np.uint64(k)
    return values


@pytest.mark.parametrize("name,bound", [("ex69", 50), ("ex70", 50)])
def test_logicnets_neurons(name: str, bound: int) -> None:
    path = NEURONS / f"{name}.truth"
    if not path.exists():
        pytest.skip(f"benchmark table {path} not found (the shared benchmarks folder is not next to the repository)")
    values = read_truth(path)
    t = TruthTable(values, 12, 3)
    cover, stats = decompose_tables([t])
    assert_exact(cover, [t], 6)
    # ABC (dch -f; if -K 6; mfs2) needs 152 and 295 LUTs for these two; a plain Shannon
    # split about 180 each.
    assert cover.num_luts <= bound, stats.report()
    assert cover.depth() <= 6


def test_cover_proved_equivalent_by_abc(tmp_path: Path) -> None:
    """The BLIF of a cover against ABC's own reading of the table (`read_truth`), by `cec`."""
    import shutil
    import subprocess

    from lutopt.logic.cover import cover_to_blif

    abc = shutil.which("berkeley-abc") or shutil.which("yosys-abc")
    if abc is None:
        pytest.skip("ABC (berkeley-abc) is not installed")
    rng = np.random.default_rng(31)
    n, m = 10, 3
    values = random_table(rng, n, m, "neuron")
    # Cover input i = bit i of the minterm number, as in ABC's truth-table files.
    cover, _ = decompose_tables([TruthTable(values, n, m, inputs=[n - 1 - j for j in range(n)])])
    (tmp_path / "ours.blif").write_text(cover_to_blif(cover))
    lines = ["".join(str(int(b)) for b in ((values >> np.uint64(o)) & np.uint64(1))[::-1]) for o in range(m)]
    (tmp_path / "table.truth").write_text("\n".join(lines) + "\n")
    script = "read_truth -xf table.truth; collapse; strash; write_aiger ref.aig; cec -n ref.aig ours.blif"
    out = subprocess.run([abc, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False).stdout
    assert "Networks are equivalent" in out, out
    # The check can fail: a cover of another table is not equivalent.
    other, _ = decompose_tables([TruthTable(values ^ np.uint64(1), n, m, inputs=[n - 1 - j for j in range(n)])])
    (tmp_path / "ours.blif").write_text(cover_to_blif(other))
    out = subprocess.run([abc, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False).stdout
    assert "Networks are equivalent" not in out


# --------------------------------------------------------------------------- the pass


def test_pass_on_random_lut_functions() -> None:
    from lutopt.api import parse_module, run_passes
    from lutopt.dialects.lut import TableOp
    from lutopt.sim.check import check_pass
    from lutopt.testing import random_lut_function

    rng = np.random.default_rng(21)
    for trial in range(4):
        text = random_lut_function(rng, name=f"f{trial}", num_tables=5, max_bits=9, chain=trial % 2 == 1)
        before = parse_module(text)
        after = parse_module(text)
        run_passes(after, "lut-decompose{lut-size=4}")
        check_pass(before, after, "lut-decompose")
        for op in after.walk():
            if isinstance(op, TableOp):
                assert len(op.inputs) <= 4 and op.out_width == 1 and all(w == 1 for w in op.input_widths)


_HEX_512 = '"0x' + bytes((i * 5 + i // 7) % 8 for i in range(512)).hex() + '"'
ISSUE_8 = [
    """func.func @f(%a: i1) -> i2 {
      %y = lut.table(%a, %a) [0, 1, 2, 3] : (i1, i1) -> i2
      func.return %y : i2
    }""",
    """func.func @f(%a: i3) -> i4 {
      %z0 = lut.table(%a) [0, 0, 0, 0, 0, 0, 0, 0] : (i3) -> i1
      %z1 = lut.table(%a) [0, 0, 0, 0, 0, 0, 0, 0] : (i3) -> i1
      %y = lut.table(%z0, %z1) [5, 9, 12, 3] : (i1, i1) -> i4
      func.return %y : i4
    }""",
    """func.func @f(%a: i2) -> (i3, i2, i1) {
      %c = arith.constant 2 : i2
      %h = hw.constant -3 : i3
      %n = lut.table() [6] : () -> i3
      %y = lut.table(%a, %c, %h, %a) """ + _HEX_512 + """ : (i2, i2, i3, i2) -> i3
      %b = lut.table(%a, %a) [0, 1, 1, 0, 1, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 1] : (i2, i2) -> i1
      func.return %y, %a, %b : i3, i2, i1
    }""",
]


@pytest.mark.parametrize("text", ISSUE_8)
@pytest.mark.parametrize("k", [3, 4, 6])
def test_pass_needs_no_canonicalize(text: str, k: int) -> None:
    """Repeated operands, constant operands and tables of no operands (issue 8: lut-decompose
    crashed unless canonicalize ran first)."""
    from lutopt.api import parse_module, run_passes
    from lutopt.sim.check import check_pass

    before = parse_module(text)
    after = parse_module(text)
    run_passes(after, f"lut-decompose{{lut-size={k}}}")
    check_pass(before, after, "lut-decompose")


# --------------------------------------------------------------------------- status line


def _status_design(tmp_path: Path) -> Path:
    """Two 11-input tables (the carry and the low bits of a + b): PROGRESS_ENTRIES or more."""
    from lutopt.lowering.transforms.lut.lut_decompose import PROGRESS_ENTRIES

    idx = np.arange(1 << 11)
    total = (idx >> 5) + (idx & 31)
    assert 2 << 11 >= PROGRESS_ENTRIES
    hexed = lambda v, nbytes: '"0x' + b"".join(int(x).to_bytes(nbytes, "little") for x in v).hex() + '"'
    path = tmp_path / "sum.mlir"
    path.write_text(
        "func.func @f(%a: i6, %b: i5) -> (i1, i2) {\n"
        f"  %c = lut.table(%a, %b) {hexed(total >> 6, 1)} : (i6, i5) -> i1\n"
        f"  %l = lut.table(%a, %b) {hexed(total & 3, 1)} : (i6, i5) -> i2\n"
        "  func.return %c, %l : i1, i2\n}\n"
    )
    return path


def _lutopt_stderr(args: list[str], setting: str | None, tty: bool = False) -> str:
    import os
    import subprocess
    import sys

    env = dict(os.environ)
    env.pop("LUTOPT_PROGRESS", None)
    if setting is not None:
        env["LUTOPT_PROGRESS"] = setting
    cmd = [str(Path(sys.executable).with_name("lutopt")), *args]
    if not tty:
        res = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
        assert res.returncode == 0, res.stderr
        return res.stderr
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=slave, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # the other end closed
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.wait(timeout=600) == 0
    return b"".join(chunks).decode()


SUMMARY = re.compile(r"lut-decompose: 2 tables -> \d+ 4-LUTs \(\d+\.\d s\)")


@pytest.mark.parametrize("setting", ["1", "0"])
def test_status_line_in_a_log(tmp_path: Path, setting: str | None) -> None:
    """Not a terminal: a summary line with LUTOPT_PROGRESS=1 (no control codes), else nothing."""
    src = _status_design(tmp_path)
    err = _lutopt_stderr([str(src), "-p", "lut-decompose{lut-size=4 effort=0}", "-o", str(tmp_path / "o.mlir")], setting)
    if setting == "1":
        assert SUMMARY.fullmatch(err.strip()), err
        assert "\x1b" not in err and "\r" not in err
    else:
        assert err == ""


@pytest.mark.parametrize("setting", [None, "0"])
def test_status_line_on_a_terminal(tmp_path: Path, setting: str | None) -> None:
    """On a terminal: the tables planned so far, rewritten in place, then the summary;
    LUTOPT_PROGRESS=0 silences it."""
    src = _status_design(tmp_path)
    err = _lutopt_stderr([str(src), "-p", "lut-decompose{lut-size=4 effort=0}", "-o", str(tmp_path / "o.mlir")],
                         setting, tty=True)
    if setting == "0":
        assert err == ""
        return
    assert "\rlut-decompose: 1/2 tables planned (" in err and "\rlut-decompose: 2/2 tables planned (" in err, err
    assert SUMMARY.search(err) and err.endswith("\x1b[K\r\n"), err  # the tty turns \n into \r\n


def test_no_status_line_for_small_tables(tmp_path: Path) -> None:
    src = tmp_path / "small.mlir"
    src.write_text("func.func @f(%a: i3) -> i2 {\n  %y = lut.table(%a) [0, 1, 2, 3, 3, 2, 1, 0] : (i3) -> i2\n"
                   "  func.return %y : i2\n}\n")
    assert _lutopt_stderr([str(src), "-p", "lut-decompose{lut-size=4}", "-o", str(tmp_path / "o.mlir")], "1") == ""
