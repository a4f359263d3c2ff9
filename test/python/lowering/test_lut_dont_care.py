"""The pass lut-dont-care on random lut-level designs: on every vector of its data set the
design computes what it computed before, every table keeps every entry those vectors
reach, and --check-passes catches a fill that breaks that. The reached codes of
lutopt.analysis.reached_codes are compared with the indices computed here.

The oracle is the NumPy evaluator below (DESIGN.md: a table's index is its operands
concatenated, operand 0 most significant), not lutopt's interpreter.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import lutopt
from lutopt.analysis.reached_codes import reached_codes


def random_design(rng: np.random.Generator, num_args: int = 4, num_tables: int = 6):
    """(text, tables): a func @f of random tables over earlier values; tables[i] =
    (operand value ids, widths, out width, entries). Values 0..num_args-1 are arguments."""
    widths = [int(rng.integers(1, 4)) for _ in range(num_args)]
    tables = []
    lines = []
    for t in range(num_tables):
        avail = len(widths)
        fan = int(rng.integers(1, 4))
        ops = [int(x) for x in rng.choice(avail, size=min(fan, avail), replace=False)]
        while sum(widths[o] for o in ops) > 10:
            ops.pop()
        out = int(rng.integers(1, 4))
        bits = sum(widths[o] for o in ops)
        entries = rng.integers(0, 1 << out, size=1 << bits)
        tables.append((ops, [widths[o] for o in ops], out, entries))
        operands = ", ".join(f"%v{o}" for o in ops)
        types = ", ".join(f"i{widths[o]}" for o in ops)
        table = ", ".join(str(int(e)) for e in entries)
        lines.append(f'  %v{len(widths)} = "lut.table"({operands}) <{{table = dense<[{table}]> : '
                     f'tensor<{1 << bits}xi{out}>}}> : ({types}) -> i{out}')
        widths.append(out)
    outs = [num_args + num_tables - 1, num_args + num_tables - 2]
    args = ", ".join(f"%v{i}: i{widths[i]}" for i in range(num_args))
    text = (f"func.func @f({args}) -> ({', '.join(f'i{widths[o]}' for o in outs)}) {{\n" + "\n".join(lines)
            + f"\n  func.return {', '.join(f'%v{o}' for o in outs)} : {', '.join(f'i{widths[o]}' for o in outs)}\n}}\n")
    return text, widths, tables, outs


def evaluate(widths, tables, outs, num_args: int, inputs: np.ndarray, entries_of=None):
    """(outputs, the index each table reads per vector) of the design on `inputs`
    (vectors x arguments), with table t's entries `entries_of[t]` (default: its own)."""
    vals = [inputs[:, j].astype(np.int64) for j in range(num_args)]
    indices = []
    for t, (ops, ws, out, entries) in enumerate(tables):
        index = np.zeros(len(inputs), dtype=np.int64)
        for o, w in zip(ops, ws):
            index = (index << w) | vals[o]
        indices.append(index)
        table = entries if entries_of is None else entries_of[t]
        vals.append(np.asarray(table, dtype=np.int64)[index])
    return [vals[o] for o in outs], indices


def sparse_inputs(rng, widths, num_args: int, count: int) -> np.ndarray:
    """Input vectors drawn from few values per argument (so that few entries are reached)."""
    cols = []
    for j in range(num_args):
        pool = rng.integers(0, 1 << widths[j], size=int(rng.integers(1, 3)))
        cols.append(rng.choice(pool, size=count))
    return np.stack(cols, axis=1)


def tables_of(module):
    return [op for op in module.walk() if op.name == "lut.table"]


def test_outputs_and_reached_entries_never_change(tmp_path, capfd):
    rng = np.random.default_rng(12)
    changed = 0
    for case in range(8):
        text, widths, tables, outs = random_design(rng)
        inputs = sparse_inputs(rng, widths, 4, int(rng.integers(1, 40)))
        data = tmp_path / f"d{case}.npz"
        np.savez(data, f=inputs)
        module = lutopt.parse_module(text, f"case{case}.mlir")
        lutopt.run_passes(module, f'lut-dont-care{{data="{data}" lut-size=3 effort=0}}', check=True)
        after = [op.values().astype(np.int64) for op in tables_of(module)]
        assert len(after) == len(tables)
        expected, indices = evaluate(widths, tables, outs, 4, inputs)
        got, _ = evaluate(widths, tables, outs, 4, inputs, entries_of=after)
        for e, g in zip(expected, got):
            assert np.array_equal(e, g), f"case {case}: an output changed on the data set"
        for t, (index, (_, _, _, entries)) in enumerate(zip(indices, tables)):
            reached = np.unique(index)
            assert np.array_equal(after[t][reached], entries[reached]), f"case {case}: table {t} lost a reached entry"
            changed += not np.array_equal(after[t], entries)
    assert changed > 6, "the pass changed almost nothing: the test would not see a wrong fill"
    err = capfd.readouterr().err
    assert "declared not equivalence-preserving" in err


def test_reached_codes_counts_every_vector():
    rng = np.random.default_rng(4)
    text, widths, tables, outs = random_design(rng, num_tables=5)
    inputs = rng.integers(0, 8, size=(200, 4)) & np.array([(1 << w) - 1 for w in widths[:4]])
    module = lutopt.parse_module(text, "r.mlir")
    counts = reached_codes(module, {"f": [inputs[:, j].astype(np.uint64) for j in range(4)]})
    _, indices = evaluate(widths, tables, outs, 4, inputs)
    for op, index, (_, ws, _, _) in zip(tables_of(module), indices, tables):
        expected = np.bincount(index, minlength=1 << sum(ws))
        assert np.array_equal(counts[op], expected)


def test_check_passes_catches_a_fill_that_changes_a_reached_entry(tmp_path, monkeypatch):
    """A lut-dont-care whose fill flips every entry is caught by --check-passes on the data set."""
    import lutopt.logic.dontcare as dontcare

    text = ('func.func @f(%a: i2, %b: i2) -> i2 {\n'
            '  %y = "lut.table"(%a, %b) <{table = dense<[0, 1, 3, 2, 0, 0, 1, 1, 2, 2, 3, 3, 1, 0, 0, 1]> : '
            'tensor<16xi2>}> : (i2, i2) -> i2\n  func.return %y : i2\n}\n')
    data = tmp_path / "d.npz"
    np.savez(data, f=np.array([[0, 1], [1, 2]]))
    honest = lutopt.parse_module(text, "f.mlir")
    lutopt.run_passes(honest, f'lut-dont-care{{data="{data}" lut-size=3}}', check=True)

    def broken(values, care, n, m, *args, **kw):
        return values ^ np.uint64(1), 0, 0, "broken"

    monkeypatch.setattr(dontcare, "choose_fill", broken)
    module = lutopt.parse_module(text, "f.mlir")
    with pytest.raises(lutopt.LutoptError, match=r"changed the function of @f on vector 0 of its data set"):
        lutopt.run_passes(module, f'lut-dont-care{{data="{data}" lut-size=3}}', check=True)


def test_reached_codes_through_calls():
    """A table in a callee counts every call; a function the data set does not run is absent."""
    text = '''
func.func private @g(%x: i2) -> i2 {
  %y = "lut.table"(%x) <{table = dense<[3, 2, 1, 0]> : tensor<4xi2>}> : (i2) -> i2
  func.return %y : i2
}
func.func @f(%a: i2) -> i2 {
  %b = func.call @g(%a) : (i2) -> i2
  %c = func.call @g(%b) : (i2) -> i2
  func.return %c : i2
}
func.func @h(%a: i1) -> i1 {
  %y = "lut.table"(%a) <{table = dense<[1, 0]> : tensor<2xi1>}> : (i1) -> i1
  func.return %y : i1
}
'''
    module = lutopt.parse_module(text, "calls.mlir")
    counts = reached_codes(module, {"f": [np.array([0, 0, 1], dtype=np.uint64)]})
    g_table, h_table = tables_of(module)
    # a = 0, 0, 1 reach entries 0, 0, 1; then b = 3, 3, 2 reach entries 3, 3, 2.
    assert counts[g_table].tolist() == [2, 1, 1, 2]
    assert h_table not in counts


def neighbours_oracle(reached: set[int], widths: list[int], steps: int) -> set[int]:
    """Entries within `steps` moves of +-1 on one operand's code, by decoding the fields."""
    def fields(i):
        out, pos = [], sum(widths)
        for w in widths:
            pos -= w
            out.append((i >> pos) & ((1 << w) - 1))
        return out

    def index(fs):
        i = 0
        for f, w in zip(fs, widths):
            i = (i << w) | f
        return i

    found = set(reached)
    for _ in range(steps):
        nxt = set(found)
        for i in found:
            fs = fields(i)
            for j, w in enumerate(widths):
                for d in (-1, 1):
                    if 0 <= fs[j] + d < (1 << w):
                        nxt.add(index(fs[:j] + [fs[j] + d] + fs[j + 1:]))
        found = nxt
    return found


def test_neighbours_widen_the_kept_entries():
    from lutopt.lowering.transforms.lut.lut_dont_care import widen

    rng = np.random.default_rng(8)
    for case in range(20):
        widths = [int(w) for w in rng.integers(1, 4, size=int(rng.integers(1, 4)))]
        size = 1 << sum(widths)
        care = rng.random(size) < 0.1
        for steps in (0, 1, 2):
            got = set(np.flatnonzero(widen(care, widths, steps)).tolist())
            assert got == neighbours_oracle(set(np.flatnonzero(care).tolist()), widths, steps), (case, widths, steps)


@pytest.mark.parametrize(("setting", "tty"), [("1", False), ("0", True), ("2", True)])
def test_progress_follows_lutopt_progress(tmp_path, monkeypatch, setting, tty):
    """From PROGRESS_TABLES tables on, the pass reports how many tables it has done: in a
    log (LUTOPT_PROGRESS=1) a line per tenth, on a terminal a line rewritten in place, and
    nothing with LUTOPT_PROGRESS=0."""
    import io

    from lutopt import progress
    from lutopt.lowering.transforms.lut import lut_dont_care

    class Err(io.StringIO):
        def isatty(self):
            return tty

    rng = np.random.default_rng(3)
    text, widths, tables, outs = random_design(rng, num_tables=20)
    data = tmp_path / "d.npz"
    np.savez(data, f=sparse_inputs(rng, widths, 4, 10))
    module = lutopt.parse_module(text, "p.mlir")
    err = Err()
    monkeypatch.setenv("LUTOPT_PROGRESS", setting)
    monkeypatch.setattr(progress.sys, "stderr", err)
    monkeypatch.setattr(lut_dont_care.sys, "stderr", err)
    lutopt.run_passes(module, f'lut-dont-care{{data="{data}" lut-size=3 effort=0 report="{tmp_path / "r.tsv"}"}}')
    out = err.getvalue()
    assert "remark: lut-dont-care: 20 table(s) examined" in out  # the summary, always
    lines = [ln for ln in out.replace("\r", "\n").splitlines() if re.match(r"lut-dont-care: \d+/20 tables", ln)]
    if setting == "0":
        assert lines == []
    elif tty:
        assert len(lines) == 20 and "\r" in out
    else:
        assert [ln.split()[1] for ln in lines] == [f"{i}/20" for i in range(2, 20, 2)]
