"""`lutopt-translate`: between lutopt's IR and the logic-synthesis formats AIGER and BLIF.

    lutopt-translate --import-aiger net.aig -o net.mlir     # binary or ASCII AIGER
    lutopt-translate --import-blif net.blif -o net.mlir     # combinational BLIF
    lutopt-translate --export-aiger net.mlir -o net.aig     # --ascii for the aag form
    lutopt-translate --export-blif mapped.mlir -o mapped.blif

Import prints a `func.func` (named after the BLIF model or the file) whose body is one
`gate.netlist`; signal names become the `lutopt.name` attributes of its arguments and
results. Export reads a function at the gate level (`gate.netlist` ops) or the mapped lut
level (`lut.table` ops with 1-bit operands and result, one `.names` per LUT in BLIF) and
writes it; `--function NAME` picks one function when the module has several.

Errors are reported as `file:line:col: error: ...` (or `file: error: ...`), exit status
1, no traceback and no output file.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from lutopt.diagnostics import LutoptError, run_tool
from lutopt.output import write_atomic


def _read(path: str | None) -> tuple[bytes, str]:
    name = path if path not in (None, "-") else "<stdin>"
    try:
        if path in (None, "-"):
            return sys.stdin.buffer.read(), name
        with open(path, "rb") as f:
            return f.read(), name
    except OSError as e:
        raise LutoptError(f"cannot read '{name}': {e.strerror}")


def _stem(name: str) -> str:
    base = os.path.basename(name)
    for ext in (".aig", ".aag", ".blif", ".gz"):
        if base.endswith(ext):
            base = base[: -len(ext)]
    return base or "top"


def import_aiger(data: bytes, name: str) -> str:
    from lutopt.api import emit
    from lutopt.logic.aiger import read_aiger
    from lutopt.logic.exchange import netlist_module

    net = read_aiger(data, name)
    return emit(netlist_module(net, _stem(name)))


def import_blif(data: bytes, name: str) -> str:
    from lutopt.api import emit
    from lutopt.logic.blif import parse_blif
    from lutopt.logic.exchange import netlist_module

    model = parse_blif(data, name)
    return emit(netlist_module(model.netlist, model.name or _stem(name)))


def _function(data: bytes, name: str, function: str | None):
    from lutopt.api import parse_module
    from lutopt.logic.exchange import select_function
    from lutopt.tools.lutopt_opt import decode_source

    module = parse_module(decode_source(data, name), name)
    return select_function(module, function)


def export_aiger(data: bytes, name: str, function: str | None, ascii: bool = False) -> bytes:
    from lutopt.logic.aiger import write_aiger
    from lutopt.logic.exchange import function_netlist

    return write_aiger(function_netlist(_function(data, name, function)), binary=not ascii)


def export_blif(data: bytes, name: str, function: str | None) -> bytes:
    from lutopt.logic.exchange import function_blif

    return function_blif(_function(data, name, function)).encode()


_BLIF_HEADS = (b".model", b".inputs", b".outputs", b".names", b".end", b".latch", b".subckt", b".gate")


def sniff_format(data: bytes) -> str | None:
    """"AIGER", "BLIF" or "MLIR" when the start of `data` says so clearly, else None."""
    if data[:4] in (b"aig ", b"aag "):
        return "AIGER"
    for line in data[:65536].split(b"\n"):
        line = line.strip()
        if not line or line.startswith(b"#"):
            continue
        if line.startswith(_BLIF_HEADS):
            return "BLIF"
        break
    head = data[:65536]
    if b"func.func" in head or b"builtin.module" in head or head.lstrip().startswith((b"module", b"//")):
        return "MLIR"
    return None


_HOW = {
    "AIGER": "read it with --import-aiger",
    "BLIF": "read it with --import-blif",
    "MLIR": "export it with --export-blif or --export-aiger",
}


def _expecting(kind: str, data: bytes, name: str, read):
    """`read()`, but when it fails on a file that is clearly of another kind, one error
    at the file's start that says which option reads it."""
    try:
        return read()
    except LutoptError as e:
        found = sniff_format(data)
        if found is None or found == kind:
            raise
        article = "an" if found[0] in "AM" else "a"
        raise LutoptError(f"expected {kind}, found {article} {found} file ({_HOW[found]})",
                          location=f"{name}:1:1") from e


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="lutopt-translate",
        description="Translate between lutopt's IR and AIGER / BLIF.",
    )
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--import-aiger", action="store_true", help="AIGER (aig or aag) to gate-level MLIR")
    mode.add_argument("--import-blif", action="store_true", help="combinational BLIF to gate-level MLIR")
    mode.add_argument("--export-aiger", action="store_true", help="gate- or mapped-lut-level MLIR to AIGER")
    mode.add_argument("--export-blif", action="store_true", help="gate- or mapped-lut-level MLIR to BLIF")
    ap.add_argument("input_file", nargs="?", default=None, help="input file (default: standard input)")
    ap.add_argument("-o", "--output-file", default=None, help="output file (default: standard output)")
    ap.add_argument("--function", default=None, help="the function to export when there are several")
    ap.add_argument("--ascii", action="store_true", help="with --export-aiger: write ASCII AIGER (aag)")
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    ap = build_parser()
    args = ap.parse_args(argv)
    if args.ascii and not args.export_aiger:
        ap.error("--ascii only applies to --export-aiger")
    if args.function is not None and not (args.export_aiger or args.export_blif):
        ap.error("--function only applies to --export-aiger and --export-blif")
    name = args.input_file if args.input_file not in (None, "-") else "<stdin>"

    def body() -> int:
        data, input_name = _read(args.input_file)
        if args.import_aiger:
            out = _expecting("AIGER", data, input_name, lambda: import_aiger(data, input_name)).encode()
        elif args.import_blif:
            out = _expecting("BLIF", data, input_name, lambda: import_blif(data, input_name)).encode()
        elif args.export_aiger:
            out = _expecting("MLIR", data, input_name,
                             lambda: export_aiger(data, input_name, args.function, args.ascii))
        else:
            out = _expecting("MLIR", data, input_name, lambda: export_blif(data, input_name, args.function))
        write_atomic(args.output_file, out)
        return 0

    return run_tool(body, fallback_location=name)


if __name__ == "__main__":
    sys.exit(main())
