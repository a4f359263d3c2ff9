"""`lut-dont-care{data=FILE lut-size=6 effort=1 report=FILE}`: the entries of each
`lut.table` that a data set never reaches become don't-cares, and are given the values
that make the table's K-LUT cover smallest. **Not equivalence-preserving**: the design
computes the same outputs on every input vector of the data set (every table keeps the
entries those vectors reach), and may compute others elsewhere.

- `data` (required): the input vectors, a NumPy `.npz` archive with one array per
  function to run (`lutopt.analysis.reached_codes`, docs/dont-care.md). They are run
  through the design as it is when the pass runs (the lut level: one argument per code),
  and each table counts the entries they reach.
- The other entries are chosen by `lutopt.logic.dontcare.fill_dont_cares` (compatible
  cofactors merged, variables the reached entries do not need dropped, ReducedLUT's idea);
  each candidate and the table as it was are covered alone by `lut-decompose`'s algorithm
  at `effort` with K = `lut-size`, and the smallest cover is kept, so no table gets a
  larger cover of its own.
- Tables in functions the data set does not run keep every entry; so do tables of more
  than 24 input bits.
- Progress: on a terminal (or with `LUTOPT_PROGRESS=1`, `lutopt.progress`), a status line
  counts the tables done when there are at least PROGRESS_TABLES of them.
- Report: one remark per changed or examined table (entries kept, don't-cares, LUTs of the
  table covered alone before and after), located at the table, and a summary remark; with
  `report=FILE` the per-table lines go to FILE (tab-separated, one header line) and only
  the summary to stderr.

`--check-passes` knows the pass is not equivalence-preserving (`check_domain`): it
compares the design before and after on the data set's vectors only, and says so.
It is off by default; `lower-to-luts{dont-care=FILE}` and `lower-to-rtl{dont-care=FILE}`
run it after nn-to-lut.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from lutopt.diagnostics import LutoptError, op_location
from lutopt.dialects.lut import TableOp, dense_table_attr

MAX_BITS = 24
"""Tables of more input bits keep every entry (as lut-decompose, which rejects them)."""

PROGRESS_TABLES = 16
"""The pass reports its progress (when `progress_wanted()`) from this many tables on:
each table is covered three or four times, about a second or more for 12 input bits."""


@dataclass(frozen=True)
class LutDontCare(ModulePass):
    """Unreached table entries (by a data set) become don't-cares chosen for a small cover."""

    name = "lut-dont-care"

    data: str = ""
    """The data set: an .npz archive of input codes, one (vectors x arguments) array per function."""
    lut_size: int = 6
    """K of the covers that compare the candidate fills."""
    effort: int = 1
    """lut-decompose's effort for those covers (0..2; 2 is slow: about 3 s per 12-input table per candidate)."""
    report: str = ""
    """Write the per-table report here (tab-separated) instead of as remarks on stderr."""
    neighbours: int = 0
    """Also keep the entries up to this many code steps (+-1 each) of one operand away from
    a reached entry: fewer don't-cares, more LUTs, closer to the model on new inputs."""

    def _vectors(self, module: ModuleOp):
        from lutopt.analysis.reached_codes import read_vectors

        if not self.data:
            raise LutoptError(f"{self.name}: the option data=FILE is required (an .npz archive of input codes, "
                              "one (vectors x arguments) array per function)")
        return read_vectors(self.data, module)

    def check_domain(self, before: ModuleOp) -> tuple[dict[str, list[np.ndarray]], str]:
        """The vectors `--check-passes` compares the design on (the pass is not
        equivalence-preserving), and a note that says so."""
        vectors = self._vectors(before)
        counts = ", ".join(f"{len(cols[0]) if cols else 1} of @{name}" for name, cols in vectors.items())
        return vectors, (f"'{self.name}' is declared not equivalence-preserving: checked only on the input "
                         f"vectors of {self.data} ({counts}), whose table entries it keeps")

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        from lutopt.analysis.reached_codes import reached_codes
        from lutopt.logic.dontcare import choose_fill
        from lutopt.logic.lut_size import lut_size_problem

        if (problem := lut_size_problem(self.lut_size)) is not None:
            raise LutoptError(f"{self.name}: {problem}")
        if self.effort not in (0, 1, 2):
            raise LutoptError(f"{self.name}: effort must be 0, 1 or 2, got {self.effort}")
        if self.neighbours < 0:
            raise LutoptError(f"{self.name}: neighbours must not be negative, got {self.neighbours}")
        from lutopt.progress import progress_wanted

        vectors = self._vectors(op)
        reached = reached_codes(op, vectors)
        lines: list[str] = []
        total = _Totals()
        tables = [o for o in op.walk() if isinstance(o, TableOp)]
        status = _Status(self.name, len(tables)) if len(tables) >= PROGRESS_TABLES and progress_wanted() else None
        for i, table in enumerate(tables):
            if status is not None:
                status.show(i)
            counts = reached.get(table)
            if counts is None or table.input_bits > MAX_BITS:
                total.unrun += 1
                continue
            care = widen(counts > 0, table.input_widths, self.neighbours)
            values = table.values()
            n, m = table.input_bits, table.out_width
            filled, before, after, _ = choose_fill(values, care, n, m, self.lut_size, self.effort)
            if not np.array_equal(filled, values):
                table.properties["table"] = dense_table_attr(filled, m)
            reached_entries, kept = int((counts > 0).sum()), int(care.sum())
            total.add(reached_entries, kept, 1 << n, before, after)
            lines.append("\t".join(str(x) for x in (op_location(table) or "", 1 << n, reached_entries, kept,
                                                     (1 << n) - kept, before, after)))
        if status is not None:
            status.finish()
        self._report(lines, total, vectors)

    def _report(self, lines: list[str], total: _Totals, vectors) -> None:
        runs = ", ".join(f"{len(cols[0]) if cols else 1} vectors of @{name}" for name, cols in vectors.items())
        summary = (f"remark: {self.name}: {total.tables} table(s) examined ({runs} from {self.data}): "
                   f"{total.reached} of {total.entries} entries reached, {total.kept} kept "
                   f"(neighbours={self.neighbours}), the others don't-cares; "
                   f"{self.lut_size}-LUTs of the tables covered alone {total.before} -> {total.after} "
                   f"({total.after - total.before:+d}, effort {self.effort}); outputs may differ on inputs "
                   "outside the data set")
        if total.unrun:
            summary += f"; {total.unrun} table(s) not run by the data set (or over {MAX_BITS} bits) kept whole"
        if self.report:
            tmp = f"{self.report}.tmp{os.getpid()}"
            try:
                with open(tmp, "w") as f:
                    f.write("location\tentries\treached\tkept\tdont_cares\tluts_before\tluts_after\n")
                    for line in lines:
                        f.write(line + "\n")
                os.replace(tmp, self.report)
            except OSError as e:
                raise LutoptError(f"{self.name}: cannot write the report {self.report}: {e.strerror}") from None
        else:
            for line in lines:
                loc, entries, reached, kept, dc, before, after = line.split("\t")
                prefix = f"{loc}: " if loc else ""
                print(f"{prefix}remark: {self.name}: {reached} of {entries} entries reached, {kept} kept, {dc} don't-cares; "
                      f"{self.lut_size}-LUTs covered alone {before} -> {after}", file=sys.stderr)
        print(summary, file=sys.stderr)


class _Status:
    """The pass's status line on stderr: rewritten in place on a terminal; in a log, a line
    per tenth of the tables."""

    def __init__(self, name: str, total: int):
        self.name, self.total = name, total
        self.live = sys.stderr.isatty()
        self.start = time.perf_counter()
        self.step = max(1, total // 10)

    def show(self, done: int) -> None:
        if not self.live and (done == 0 or done % self.step):
            return
        lead, end = ("\r", "\x1b[K") if self.live else ("", "\n")
        sys.stderr.write(f"{lead}{self.name}: {done}/{self.total} tables ({time.perf_counter() - self.start:.1f} s){end}")
        sys.stderr.flush()

    def finish(self) -> None:
        if self.live:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


def widen(care: np.ndarray, widths: list[int], steps: int) -> np.ndarray:
    """`care` and the entries up to `steps` code steps (+-1 each) of one operand away (the
    operands' codes are fields of the index, operand 0 most significant)."""
    for _ in range(steps):
        index = np.flatnonzero(care)
        grown = care.copy()
        pos = sum(widths)
        for w in widths:
            pos -= w
            field = (index >> pos) & ((1 << w) - 1)
            for delta, ok in ((1, field < (1 << w) - 1), (-1, field > 0)):
                grown[index[ok] + (delta << pos)] = True
        care = grown
    return care


@dataclass
class _Totals:
    tables: int = 0
    reached: int = 0
    kept: int = 0
    entries: int = 0
    before: int = 0
    after: int = 0
    unrun: int = 0

    def add(self, reached: int, kept: int, entries: int, before: int, after: int) -> None:
        self.tables += 1
        self.reached += reached
        self.kept += kept
        self.entries += entries
        self.before += before
        self.after += after
