"""The input codes that a data set makes each `lut.table` see.

    vectors = read_vectors("train.npz", module)          # {function name: [codes of argument 0, ...]}
    reached = reached_codes(module, vectors)              # {lut.table op: uint32 counts, one per entry}

`reached_codes` runs the data set through the design with lutopt's interpreter
(`lutopt.interpreters.core.Interpreter`, observing every `lut.table` as it runs) and
counts, per table, how many vectors reach each entry (the index is the concatenation of
the operands, operand 0 most significant, as the table is read). A table in a function
called by a function of the data set counts every call. Tables of functions the data set
does not run are absent from the result.

The data file (`lut-dont-care{data=FILE}`, docs/dont-care.md) is a NumPy `.npz` archive
(`numpy.savez`) with one two-dimensional integer array per function to run, named after
the function (`digits` for `@digits`): row r is one input vector, column j the code of
argument j (N x number of arguments). A code of an `iW` argument is 0..2^W-1, or
-2^(W-1)..-1 for two's complement codes (read modulo 2^W). Every other content is an
error that names the file and the array: not an .npz archive, an array for a function the
module does not have, a wrong shape or element type, a code that does not fit its argument,
no array for any function.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Mapping, Sequence

import numpy as np
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation

from lutopt.diagnostics import LutoptError

MAX_TABLE_BITS = 24
"""Tables indexed by more bits than this are not counted (a count per entry would not fit)."""


def _functions(module: ModuleOp) -> dict[str, Operation]:
    found: dict[str, Operation] = {}
    for op in module.ops:
        if op.name in ("func.func", "hw.module") and op.regions and op.regions[0].blocks:
            found.setdefault(op.sym_name.data, op)  # type: ignore[attr-defined]
    return found


def read_vectors(path: str | os.PathLike, module: ModuleOp) -> dict[str, list[np.ndarray]]:
    """The input vectors of a data file, checked against the functions of `module`:
    {function name: one uint64 array per argument (codes modulo 2^W)}. Raises a
    `LutoptError` located at the file for anything but the format of the module docstring."""
    from lutopt.interpreters.core import SimulationUnsupported, signature_of

    where = str(path)

    def bad(message: str) -> LutoptError:
        return LutoptError(message, location=where)

    if not os.path.isfile(path):
        raise bad("no such data file")
    try:
        archive = np.load(path, allow_pickle=False)
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as e:
        raise bad(f"not a NumPy .npz archive of input vectors ({type(e).__name__}: {e})") from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise bad("not a NumPy .npz archive of input vectors (a single .npy array: save it with "
                  "numpy.savez(FILE, <function name>=array))")
    functions = _functions(module)
    result: dict[str, list[np.ndarray]] = {}
    with archive:
        for name in archive.files:
            fn = functions.get(name)
            if fn is None:
                known = ", ".join(f"'{n}'" for n in functions) or "none"
                raise bad(f"array '{name}' names no function of the module (functions: {known})")
            try:
                array = archive[name]
            except (OSError, ValueError, zipfile.BadZipFile, EOFError) as e:
                raise bad(f"array '{name}' cannot be read ({type(e).__name__}: {e})") from None
            try:
                sig = signature_of(fn)
            except SimulationUnsupported as e:
                raise bad(f"array '{name}': @{name} cannot be run by the interpreter: {e.message}") from None
            result[name] = _columns(array, name, sig.input_widths, bad)
    if not result:
        raise bad("the archive holds no array (one per function: numpy.savez(FILE, <function name>=codes))")
    return result


def _columns(array: np.ndarray, name: str, widths: Sequence[int], bad) -> list[np.ndarray]:
    if array.dtype == np.bool_:
        array = array.astype(np.uint8)
    if array.dtype.kind not in "iu":
        raise bad(f"array '{name}' holds {array.dtype} values; input codes are integers")
    if array.ndim != 2 or array.shape[1] != len(widths):
        raise bad(f"array '{name}' has shape {array.shape}; @{name} takes {len(widths)} argument(s), "
                  f"so it must be (vectors, {len(widths)})")
    if array.shape[0] == 0:
        raise bad(f"array '{name}' has no vectors")
    cols = []
    for j, w in enumerate(widths):
        col = array[:, j].astype(np.int64) if w < 63 else array[:, j]
        lo, hi = -(1 << (w - 1)), (1 << w) - 1
        out = np.flatnonzero((col < lo) | (col > hi)) if w < 63 else np.zeros(0, dtype=np.int64)
        if out.size:
            r = int(out[0])
            raise bad(f"array '{name}', row {r}, column {j}: {int(col[r])} does not fit argument #{j} (i{w}: "
                      f"codes {lo}..{hi})")
        cols.append(col.astype(np.uint64) & np.uint64((1 << w) - 1 if w < 64 else 0xFFFF_FFFF_FFFF_FFFF))
    return cols


def table_index(args: Sequence, widths: Sequence[int], lanes: int) -> np.ndarray:
    """The entry each lane reads: the operands concatenated, operand 0 most significant."""
    index = np.zeros(lanes, dtype=np.uint64)
    pos = sum(widths)
    for a, w in zip(args, widths):
        pos -= w
        index |= np.broadcast_to(np.asarray(a, dtype=np.uint64), (lanes,)) << np.uint64(pos)
    return index


def reached_codes(module: ModuleOp, vectors: Mapping[str, Sequence[np.ndarray]]) -> dict[Operation, np.ndarray]:
    """{lut.table op: uint32 array of 2^bits counts}: how many input vectors of `vectors`
    ({function name: one array per argument}) reach each entry of each table."""
    from lutopt.dialects.lut import TableOp
    from lutopt.interpreters.core import Interpreter

    counts: dict[Operation, np.ndarray] = {}
    lanes = [0]

    def observe(op: Operation, args: list) -> None:
        if not isinstance(op, TableOp) or op.input_bits > MAX_TABLE_BITS:
            return
        index = table_index(args, op.input_widths, lanes[0]).astype(np.intp)
        hits = np.bincount(index, minlength=1 << op.input_bits).astype(np.uint32)
        if op in counts:
            counts[op] += hits
        else:
            counts[op] = hits

    interp = Interpreter(module, observe=observe)
    for name, columns in vectors.items():
        n = len(columns[0]) if columns else 1
        lanes[0] = n
        interp.evaluate(name, list(columns))
    return counts
