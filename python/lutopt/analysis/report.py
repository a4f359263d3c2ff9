"""The report of a compiled model: per layer and in total, its gates, LUTs, logic depth,
registers and latency (`lutopt --report`, `--report-file`, `--report-plot`).

A `ReportCollector` looks at the module after every pass of a pipeline (the driver's
`after_pass` hook) and once more at the end, per function (a `func.func` and the
`hw.module` of the same name are one function), and keeps the last figures of each level:

* gates: the 2-input gates of the `gate.netlist` ops, as they are just before the
  netlists are mapped (after lutopt's clean-up and AIG rewriting);
* LUTs and depth: the mapped lut level, the last time every `lut.table` of the function
  has one-bit operands and a one-bit result (after `gate-map-luts` / `lut-decompose`):
  the number of `lut.table` ops and the longest chain of them
  (`lutopt.analysis.lut_depth`); a function that reaches rtl without passing through
  that level (an rtl input) has its LUTs counted at rtl as the `hw.array_get` ops that
  read a one-bit table column of at most 64 entries, and its depth is the longest chain
  between registers;
* registers and latency: the `hw.module` at the end: register bits (the widths of its
  `seq.compreg` results) and `lutopt.latency` (`lutopt.ir.latency`); a function that
  ends below rtl is combinational (0 and 0).

Layers: the `lutopt.layer` attribute (`lutopt.ir.layer`). A layer's LUTs are the LUTs
that carry its name, and its depth the longest chain of its own LUTs (the levels that
layer adds to a path through it). LUTs and gates without a layer are one more row,
`(other)`, and a function where nothing has a layer has the one row `(all)`, equal to the
total. Registers and latency are added by `rtl-pipeline`, which knows no layers: they are
given in the total (and in the `(all)` row).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import TextIO

import numpy as np
from xdsl.dialects import hw
from xdsl.dialects.builtin import IntegerType, ModuleOp
from xdsl.ir import Block, Operation

from lutopt.analysis.lut_depth import lut_levels
from lutopt.ir.latency import latency_of
from lutopt.ir.layer import gate_layers_of, layer_name, layer_of

ALL = "(all)"
OTHER = "(other)"
COLUMNS = ("gates", "luts", "depth", "registers", "latency")


@dataclass
class Row:
    """One line of the report; None where the figure does not exist (no gate level, not
    mapped to LUTs, not per layer)."""

    layer: str
    gates: int | None = None
    luts: int | None = None
    depth: int | None = None
    registers: int | None = None
    latency: int | None = None


@dataclass
class FunctionReport:
    name: str
    layers: list[Row]
    total: Row
    lut_size: int | None = None
    """The most inputs of a LUT (K of the K-LUT cover), None when not mapped."""


@dataclass
class _Luts:
    lut_size: int
    total: int
    depth: int
    per_layer: dict[str | None, tuple[int, int]] = field(default_factory=dict)  # layer -> (LUTs, depth)


def _functions(module: ModuleOp) -> list[tuple[str, Operation, Block]]:
    """(name, op, body) of every `func.func` and `hw.module` with a body."""
    found = []
    for op in module.ops:
        if op.name not in ("func.func", "hw.module") or not op.regions or not op.regions[0].blocks:
            continue
        name = op.properties.get("sym_name") or op.attributes.get("sym_name")
        found.append((name.data if name is not None else "?", op, op.regions[0].blocks[0]))  # type: ignore[union-attr]
    return found


def _width(t) -> int:
    return t.width.data if isinstance(t, IntegerType) else 0


def _is_mapped_lut(op: Operation) -> bool:
    return _width(op.results[0].type) == 1 and all(_width(v.type) == 1 for v in op.operands)


def _is_rtl_lut(op: Operation) -> bool:
    """A LUT at rtl (convert-lut-to-rtl): an `hw.array_get` of a one-bit array of at most 64 entries."""
    if op.name != "hw.array_get":
        return False
    t = op.operands[0].type
    return isinstance(t, hw.ArrayType) and len(t) <= 64 and _width(t.element_type) == 1


def _lut_figures(block: Block, luts: list[Operation], counts=None) -> _Luts:
    counts = counts or (lambda op: op.name == "lut.table")
    _, depth = lut_levels(block, counts)
    size = max((_inputs(op) for op in luts), default=0)
    result = _Luts(size, len(luts), depth)
    names: dict[str | None, int] = {}
    for op in luts:
        layer = layer_of(op)
        names[layer] = names.get(layer, 0) + 1
    if set(names) == {None}:
        return result
    for layer, n in names.items():
        _, d = lut_levels(block, lambda op, layer=layer: counts(op) and layer_of(op) == layer)
        result.per_layer[layer] = (n, d)
    return result


def _inputs(op: Operation) -> int:
    """The inputs of a LUT: the operands of a `lut.table`, log2 of the array an rtl LUT reads."""
    if op.name == "lut.table":
        return len(op.operands)
    return max(0, (len(op.operands[0].type) - 1).bit_length())  # type: ignore[arg-type]


class ReportCollector:
    """Keeps the figures of each level as a pipeline goes through them (see the module
    docstring); `observe` after every pass, `finish` at the end."""

    def __init__(self) -> None:
        self._gates: dict[str, dict[str | None, int]] = {}
        self._luts: dict[str, _Luts] = {}

    def observe(self, module: ModuleOp) -> None:
        for name, op, block in _functions(module):
            if op.name != "func.func":
                continue
            netlists = [o for o in block.ops if o.name == "gate.netlist"]
            if netlists:
                from lutopt.dialects.gate import netlist_of

                gates: dict[str | None, int] = {}
                for n in netlists:
                    per_gate = gate_layers_of(n)
                    if per_gate is None:
                        layer = layer_of(n)
                        gates[layer] = gates.get(layer, 0) + netlist_of(n).num_gates  # type: ignore[arg-type]
                        continue
                    numbers, counts = np.unique(per_gate, return_counts=True)
                    for k, c in zip(numbers.tolist(), counts.tolist()):
                        layer = layer_name(k) if k else None
                        gates[layer] = gates.get(layer, 0) + c
                self._gates[name] = gates
                continue
            tables = [o for o in block.ops if o.name == "lut.table"]
            if tables and all(_is_mapped_lut(t) for t in tables):
                self._luts[name] = _lut_figures(block, tables)

    def finish(self, module: ModuleOp) -> list[FunctionReport]:
        self.observe(module)
        reports = []
        for name, op, block in _functions(module):
            luts = self._luts.get(name)
            registers = latency = 0
            if op.name == "hw.module":
                registers = sum(_width(o.results[0].type) for o in block.ops if o.name == "seq.compreg")
                latency = latency_of(op)
                if luts is None:
                    found = [o for o in block.ops if _is_rtl_lut(o)]
                    if found:
                        luts = _lut_figures(block, found, _is_rtl_lut)
            reports.append(self._report(name, self._gates.get(name), luts, registers, latency))
        return reports

    @staticmethod
    def _report(
        name: str, gates: dict[str | None, int] | None, luts: _Luts | None, registers: int, latency: int
    ) -> FunctionReport:
        total = Row(
            "total",
            gates=sum(gates.values()) if gates is not None else None,
            luts=luts.total if luts is not None else None,
            depth=luts.depth if luts is not None else None,
            registers=registers,
            latency=latency,
        )
        names: list[str | None] = []
        for source in (luts.per_layer if luts is not None else {}, gates or {}):
            for layer in source:
                if layer not in names:
                    names.append(layer)
        if all(layer is None for layer in names):
            rows = [Row(ALL, total.gates, total.luts, total.depth, registers, latency)]
        else:
            named = sorted((n for n in names if n is not None), key=_natural)
            names = [*named, *([None] if None in names else [])]
            rows = []
            for layer in names:
                row = Row(layer if layer is not None else OTHER)
                if gates is not None:
                    row.gates = gates.get(layer, 0)
                if luts is not None:
                    row.luts, row.depth = luts.per_layer.get(layer, (0, 0))
                rows.append(row)
        return FunctionReport(name, rows, total, luts.lut_size if luts is not None else None)


def _natural(name: str) -> tuple:
    """`layer<k>` by k (layer2 before layer10), then other names (the head) by name."""
    m = re.fullmatch(r"layer(\d+)", name)
    return (0, int(m.group(1)), "") if m else (1, 0, name)


# ----------------------------------------------------------------------------- output


def _cell(x: int | None) -> str:
    return "-" if x is None else f"{x:,}"


def format_text(reports: list[FunctionReport]) -> str:
    """The report as a table per function (what `--report` prints on stderr)."""
    lines = []
    for r in reports:
        k = f"LUTs of up to {r.lut_size} inputs" if r.lut_size else "no LUTs"
        lines.append(f"lutopt report: @{r.name} ({k}; depth in LUTs, registers in bits, latency in cycles)")
        head = ["layer", "gates", "LUTs", "depth", "registers", "latency"]
        body = [[row.layer] + [_cell(getattr(row, c)) for c in COLUMNS] for row in r.layers + [r.total]]
        widths = [max(len(line[i]) for line in [head] + body) for i in range(len(head))]
        for line in [head] + body:
            cells = [line[0].ljust(widths[0])] + [x.rjust(w) for x, w in zip(line[1:], widths[1:])]
            lines.append("  " + "  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"


def to_json(reports: list[FunctionReport]) -> dict:
    """The report as a JSON object: `{"functions": [{"name", "lut_size", "layers": [row],
    "total": row}]}`, a row `{"layer", "gates", "luts", "depth", "registers", "latency"}`
    with null where a figure does not exist."""
    return {"functions": [asdict(r) for r in reports]}


def write_json(reports: list[FunctionReport], stream: TextIO) -> None:
    json.dump(to_json(reports), stream, indent=2)
    stream.write("\n")


def plot(reports: list[FunctionReport], path: str) -> None:
    """A PNG of where the LUTs and the depth go: per function, one bar per layer for its
    LUTs and one for its depth (the function's total depth as a dashed line)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = max(1, len(reports))
    fig, axes = plt.subplots(n, 2, figsize=(8, 0.6 + 0.45 * max(2, max((len(r.layers) for r in reports), default=1)) * n + 0.6), squeeze=False)
    for (ax_luts, ax_depth), r in zip(axes, reports):
        labels = [row.layer for row in r.layers]
        ys = list(range(len(labels)))
        luts = [row.luts or 0 for row in r.layers]
        depth = [row.depth or 0 for row in r.layers]
        k = f"{r.lut_size}-LUTs" if r.lut_size else "LUTs"
        ax_luts.barh(ys, luts, color="tab:blue")
        ax_luts.set_title(f"@{r.name}: {k} ({_cell(r.total.luts)})", fontsize=9)
        ax_depth.barh(ys, depth, color="tab:orange")
        ax_depth.set_title(f"depth in {k} (total {_cell(r.total.depth)})", fontsize=9)
        if r.total.depth:
            ax_depth.axvline(r.total.depth, color="black", linestyle="--", linewidth=1)
        for ax, values in ((ax_luts, luts), (ax_depth, depth)):
            ax.set_yticks(ys, labels, fontsize=8)
            ax.invert_yaxis()
            ax.tick_params(axis="x", labelsize=8)
            for y, v in zip(ys, values):
                ax.text(v, y, f" {v:,}", va="center", fontsize=7)
            ax.margins(x=0.15)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
