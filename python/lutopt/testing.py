"""Random lut-level functions for tests and benchmarks.

`random_lut_function(rng, ...)` returns MLIR text of one `func.func` whose tables have
1 to `max_operands` operands and 1 to `max_bits` input bits in all, reading the
function's arguments and earlier tables (a DAG; with `chain=True` each table reads the
previous one, so the depth equals the number of tables).
"""

from __future__ import annotations

import numpy as np

from lutopt.dialects.lut import hex_table_text


def random_lut_function(
    rng: np.random.Generator,
    name: str = "f",
    num_args: int = 4,
    num_tables: int = 6,
    max_operands: int = 4,
    max_bits: int = 12,
    max_width: int = 4,
    chain: bool = False,
    num_results: int = 2,
    hex_form: bool | None = None,
) -> str:
    widths: list[int] = [int(w) for w in rng.integers(1, max_width + 1, num_args)]
    names = [f"%a{i}" for i in range(num_args)]
    lines = []
    for t in range(num_tables):
        n_ops = int(rng.integers(1, max_operands + 1))
        pool = list(range(len(names)))
        chosen: list[int] = []
        if chain and t > 0:
            chosen.append(len(names) - 1)  # the previous table
        rng.shuffle(pool)
        for i in pool:
            if len(chosen) >= n_ops:
                break
            if i in chosen:
                continue
            if sum(widths[j] for j in chosen) + widths[i] <= max_bits:
                chosen.append(i)
        order = list(rng.permutation(chosen))
        bits = sum(widths[i] for i in order)
        out_w = int(rng.integers(1, max_width + 1))
        if out_w < 63:
            entries = rng.integers(0, 1 << out_w, 1 << bits)
        else:  # beyond int64
            entries = rng.integers(0, (1 << out_w) - 1, 1 << bits, dtype=np.uint64, endpoint=True)
        ops = ", ".join(names[i] for i in order)
        types = ", ".join(f"i{widths[i]}" for i in order)
        use_hex = (1 << bits) > 64 if hex_form is None else hex_form
        if use_hex:
            table = hex_table_text(entries, out_w)
        else:
            table = "[" + ", ".join(map(str, entries)) + "]"
        lines.append(f"  %t{t} = lut.table({ops}) {table} : ({types}) -> i{out_w}")
        names.append(f"%t{t}")
        widths.append(out_w)
    results = list(range(len(names) - 1, max(len(names) - 1 - num_results, num_args - 1), -1))
    args = ", ".join(f"%a{i}: i{widths[i]}" for i in range(num_args))
    rtypes = ", ".join(f"i{widths[i]}" for i in results)
    body = "\n".join(lines)
    rets = ", ".join(names[i] for i in results)
    return f"func.func @{name}({args}) -> ({rtypes}) {{\n{body}\n  func.return {rets} : {rtypes}\n}}\n"
