"""`lutopt`: the pass driver, an `xdsl-opt` with lutopt's dialects, passes and targets.

    lutopt IN.mlir -p 'canonicalize,lower-to-rtl{pipeline-stages=2}' -t verilog -o OUT.v

Beyond `xdsl-opt` it adds: located errors (`file:line:col: error: ...`, exit status 1,
no traceback, no partial output file), a `--verify-diagnostics` that checks
`// expected-error {{...}}` annotations the way `mlir-opt` does, named pipelines that
are expanded into their passes (so that `--check-passes` and the IR dumps see each
step), `--check-passes` (simulate the IR before and after every pass and compare), and
`--load PLUGIN.py` for user passes and patterns written in Python, and `--report`
(`--report-file`, `--report-plot`): the gates, LUTs, depth, registers and latency per
layer (`lutopt.analysis.report`).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING
from dataclasses import dataclass, field
from io import StringIO

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.printer import Printer
from xdsl.transforms import get_all_passes
from xdsl.xdsl_opt_main import xDSLOptMain

from lutopt import registry
from lutopt.api import (
    emit_target,
    hinted,
    parse_module,
    parse_pipeline,
    parse_target,
    register_dialects,
    run_passes,
)
from lutopt.diagnostics import LutoptError, run_tool
from lutopt.output import write_atomic

if TYPE_CHECKING:  # the report is imported when asked for (it costs ~0.1 s at start-up)
    from lutopt.analysis.report import FunctionReport, ReportCollector



@dataclass
class _Diagnostic:
    line: int | None
    text: str  # the formatted `file:line:col: error: message`
    message: str


@dataclass
class _Expected:
    line: int
    kind: str
    text: str
    seen: bool = field(default=False)


_EXPECTED_RE = re.compile(
    r"//\s*expected-(error|warning|remark|note)\s*(@[+-]?\d+|@above|@below)?\s*\{\{(.*?)\}\}"
)


TARGET_BY_EXTENSION = {
    ".v": "verilog",
    ".sv": "verilog",
    ".blif": "blif",
    ".aig": "aiger",
    ".aag": "aiger{ascii=true}",
    ".mlir": "mlir",
}
"""The target `-o FILE` implies when `-t` is not given (as firtool does); other
extensions get MLIR."""


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"


def _help_epilog() -> str:
    rows = registry.pass_summaries()
    width = max(len(name) for name, _ in rows) + 2
    lines = ["lutopt's pipelines and passes (-p NAME{option=value ...}, comma-separated):"]
    for name, summary in rows:
        lines.append(f"  {name.ljust(width)}{summary}")
    lines += [
        "",
        "targets (-t): mlir, verilog, blif, aiger; without -t, the -o extension chooses:",
        "  .v/.sv verilog, .blif blif, .aig aiger, .aag aiger{ascii=true}, anything else mlir",
        "",
        "xDSL's own passes and targets work by name too; --list-all-passes lists them.",
    ]
    return "\n".join(lines)


class LutoptMain(xDSLOptMain):
    version_format = f"lutopt {_version('lutopt')} (xdsl {{xdsl_version}})"

    def __init__(self, args: Sequence[str] | None = None):
        # xDSLOptMain.__init__, with lutopt's help, located errors for a malformed -t or -p,
        # and the target inferred from the output file's extension.
        self.available_frontends = {}
        self.available_passes = {}
        self.available_targets = {}
        self.ctx = Context()
        self.reports: list[FunctionReport] = []
        self.register_all_dialects()
        self.register_all_frontends()
        self.register_all_passes()
        self.register_all_targets()

        arg_parser = argparse.ArgumentParser(
            prog="lutopt",
            description="lutopt: the LUT compiler's pass driver (an xdsl-opt with lutopt's "
            "dialects, passes and targets)",
            epilog=_help_epilog(),
            formatter_class=argparse.RawDescriptionHelpFormatter,
            conflict_handler="resolve",
        )
        self.register_all_arguments(arg_parser)
        self.args = arg_parser.parse_args(args=args)
        if self.args.list_all_passes:
            return
        self.args.target = self.choose_target(self.args.target, self.args.output_file)
        spec = parse_target(self.args.target)
        if spec.name not in self.available_targets:
            raise LutoptError(
                f"unknown target '{spec.name}' (lutopt's: mlir, {', '.join(sorted(registry.all_targets()))};"
                " --list-all-passes lists xDSL's)"
            )
        self.ctx.allow_unregistered = self.args.allow_unregistered_dialect
        if self.args.disable_verify:
            from xdsl.ir import Attribute
            from xdsl.xdsl_opt_main import _empty_post_init  # pyright: ignore[reportPrivateUsage]

            Attribute.__post_init__ = _empty_post_init
        self.setup_pipeline()

    @staticmethod
    def choose_target(target: str | None, output_file: str | None) -> str:
        """`-t` when given, else the target the output file's extension names, else mlir."""
        if target is not None:
            return target
        if output_file and output_file != "-":
            return TARGET_BY_EXTENSION.get(os.path.splitext(output_file)[1].lower(), "mlir")
        return "mlir"

    # ----------------------------------------------------------------- registration
    def register_all_dialects(self):
        register_dialects(self.ctx)

    def register_all_passes(self):
        for name, factory in get_all_passes().items():
            self.register_pass(name, factory)
        for name, factory in registry.all_passes().items():
            self.register_pass(name, factory)

    def register_all_targets(self):
        super().register_all_targets()
        for name, factory in registry.all_targets().items():
            self.available_targets[name] = factory

    def register_all_frontends(self):
        # Replaced by `parse_text`, which locates every op.
        self.available_frontends["mlir"] = lambda io: None  # type: ignore[assignment]

    def register_all_arguments(self, arg_parser: argparse.ArgumentParser):
        super().register_all_arguments(arg_parser)
        # Replacing xDSL's -t, -p and --version (conflict_handler="resolve"): its help lists
        # some 150 upstream passes before lutopt's.
        arg_parser.add_argument(
            "-t",
            "--target",
            default=None,
            help="output target: mlir, verilog, blif, aiger (options as verilog{primitives=xilinx}); "
            "default: from the -o extension (.v/.sv verilog, .blif blif, .aig/.aag aiger), else mlir",
        )
        arg_parser.add_argument(
            "-p",
            "--passes",
            default="",
            help="the passes and pipelines to run, comma-separated, e.g. "
            "'canonicalize,lower-to-rtl{lut-size=6 pipeline-stages=2}' (listed below)",
        )
        arg_parser.add_argument(
            "-v",
            "--version",
            action="version",
            version=self.version_format.format(xdsl_version=_version("xdsl")),
        )
        arg_parser.add_argument(
            "--list-all-passes",
            action="store_true",
            help="list every pass and target, xDSL's included, and exit",
        )
        arg_parser.add_argument(
            "--check-passes",
            action="store_true",
            help="simulate the IR before and after every pass on the same input vectors "
            "(exhaustive up to 16 input bits, random otherwise) and stop at the first "
            "pass that changes the function, with one counterexample",
        )
        arg_parser.add_argument(
            "--check-vectors",
            type=int,
            default=4096,
            help="random vectors per function for --check-passes (default 4096)",
        )
        arg_parser.add_argument("--seed", type=int, default=0, help="seed for random vectors")
        arg_parser.add_argument(
            "--mlir-print-ir-after-all",
            action="store_true",
            help="print the IR to stderr after every pass",
        )
        arg_parser.add_argument(
            "--report",
            action="store_true",
            help="print a report on stderr after the pipeline: per layer and in total the gates, "
            "LUTs, logic depth (in LUTs), register bits and latency (docs/report.md)",
        )
        arg_parser.add_argument(
            "--report-file",
            default=None,
            metavar="FILE.json",
            help="write the report as JSON to FILE.json",
        )
        arg_parser.add_argument(
            "--report-plot",
            default=None,
            metavar="FILE.png",
            help="draw where the LUTs and the depth go, per layer, as a PNG (needs matplotlib)",
        )
        arg_parser.add_argument(
            "--load",
            action="append",
            default=[],
            metavar="PLUGIN.py",
            help="load a Python file that registers passes or dialects "
            "(see lutopt.registry); may be given more than once",
        )

    # ----------------------------------------------------------------- pipeline
    def setup_pipeline(self):
        for path in self.args.load:
            load_plugin(path)
            for name, factory in registry.all_passes().items():
                self.register_pass(name, factory)
            for name, factory in registry.all_dialects().items():
                if name not in self.ctx.registered_dialect_names:
                    self.ctx.register_dialect(name, factory)
        self.passes = parse_pipeline(self.args.passes, self.available_passes) if self.args.passes else []

    # ----------------------------------------------------------------- running
    def process_chunk(self, text: str, name: str, line_offset: int) -> str | bytes:
        """Parses, verifies, runs the pipeline and prints one chunk; raises on errors."""
        module = parse_module(text, name, self.ctx, not self.args.disable_verify, line_offset)
        collector = None
        if self.wants_report():
            from lutopt.analysis.report import ReportCollector

            collector = ReportCollector()
        if collector is not None:
            collector.observe(module)
        self.run_passes(module, collector)
        if collector is not None:
            self.reports += collector.finish(module)
        out = StringIO()
        spec = parse_target(self.args.target)
        factory = self.available_targets[spec.name]
        try:
            target = factory().from_spec(spec)  # type: ignore[operator]
        except Exception as e:  # an unknown option or a value of the wrong type
            raise LutoptError(f"invalid target '{self.args.target}': {e}") from e
        if getattr(target, "binary", False):
            try:
                return target.emit_bytes(self.ctx, module)  # type: ignore[attr-defined]
            except LutoptError as e:
                raise hinted(e, spec.name, module) from e
        if spec.name == "mlir":
            import dataclasses

            target = dataclasses.replace(
                target,
                print_generic_format=self.args.print_op_generic,
                print_properties_as_attributes=self.args.print_no_properties,
                print_debuginfo=self.args.print_debuginfo,
            )
        emit_target(target, spec.name, self.ctx, module, out)
        return out.getvalue()

    def wants_report(self) -> bool:
        return bool(self.args.report or self.args.report_file or self.args.report_plot)

    def write_report(self) -> None:
        """The report of every chunk: text on stderr, JSON and PNG files (written once the
        output is)."""
        from lutopt.analysis.report import format_text, plot, write_json

        if self.args.report:
            sys.stderr.write(format_text(self.reports))
        if self.args.report_file:
            out = StringIO()
            write_json(self.reports, out)
            write_atomic(self.args.report_file, out.getvalue())
        if self.args.report_plot:
            try:
                plot(self.reports, self.args.report_plot)
            except ImportError as e:
                raise LutoptError(f"--report-plot needs matplotlib ({e}); pip install 'lutopt[report]'") from e

    def run_passes(self, module: ModuleOp, collector: ReportCollector | None = None) -> None:
        def after_pass(p: ModulePass, module: ModuleOp, seconds: float) -> None:
            if collector is not None:
                collector.observe(module)
            if self.args.time_passes:
                print(f"{p.name}: {seconds:.3f} s", file=sys.stderr)
            if self.args.mlir_print_ir_after_all or self.args.print_between_passes:
                sys.stderr.write(f"// -----// IR Dump After {p.name} //----- //\n")
                Printer(stream=sys.stderr).print_op(module)
                sys.stderr.write("\n\n")

        run_passes(
            module,
            self.passes,
            self.ctx,
            check=self.args.check_passes,
            check_vectors=self.args.check_vectors,
            seed=self.args.seed,
            verify=not self.args.disable_verify,
            after_pass=after_pass,
        )

    def run(self) -> int:
        if self.args.list_all_passes:
            print("passes:")
            for pass_name in sorted(self.available_passes):
                print(f"  {pass_name}")
            print("targets:")
            for target_name in sorted(self.available_targets):
                print(f"  {target_name}")
            return 0
        name = self.args.input_file or "<stdin>"
        try:
            if self.args.input_file is None:
                raw = sys.stdin.buffer.read()
            else:
                with open(self.args.input_file, "rb") as f:
                    raw = f.read()
        except OSError as e:
            raise LutoptError(f"cannot read '{name}': {e.strerror}")
        text = decode_source(raw, name)
        chunks = split_chunks(text) if self.args.split_input_file else [(text, 0)]

        outputs: list[str | bytes] = []
        failed = False
        for chunk, offset in chunks:
            if self.args.verify_diagnostics:
                out, ok = self.verify_chunk_diagnostics(chunk, name, offset)
                failed |= not ok
                outputs.append(out)
            else:
                outputs.append(self.process_chunk(chunk, name, offset))
        if any(isinstance(out, bytes) for out in outputs):
            if len(outputs) != 1:
                raise LutoptError("binary AIGER holds one netlist: not with --split-input-file "
                                  "(use -t 'aiger{ascii=true}' to get the chunks as text)")
            write_atomic(self.args.output_file, outputs[0])
        else:
            write_atomic(self.args.output_file, "// -----\n".join(outputs))  # type: ignore[arg-type]
        if self.wants_report():
            self.write_report()
        return 1 if failed else 0

    def verify_chunk_diagnostics(self, text: str, name: str, offset: int) -> tuple[str, bool]:
        """Runs one chunk and matches its errors against `expected-error` annotations."""
        expected = parse_expectations(text, offset)
        got: list[_Diagnostic] = []
        out = ""
        try:
            out = self.process_chunk(text, name, offset)
        except LutoptError as e:
            got.append(_Diagnostic(_line_of(e.location), e.format(), e.message))
        ok = True
        for d in got:
            match = next(
                (x for x in expected if x.kind == "error" and x.line == d.line and x.text in d.message and not x.seen),
                None,
            )
            if match is None:
                print(f"{d.text}\n{name}: error: unexpected error: {d.message}", file=sys.stderr)
                ok = False
            else:
                match.seen = True
        for x in expected:
            if not x.seen:
                print(
                    f"{name}:{x.line}: error: expected {x.kind} \"{x.text}\" was not produced",
                    file=sys.stderr,
                )
                ok = False
        return ("" if got else out), ok


# --------------------------------------------------------------------- helpers


def decode_source(raw: bytes, name: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        raise LutoptError("input is not UTF-8 text (a binary file?)", location=f"{name}:{line}:{col}")
    if "\x00" in text:
        pos = text.index("\x00")
        line = text.count("\n", 0, pos) + 1
        col = pos - (text.rfind("\n", 0, pos) + 1) + 1
        raise LutoptError("input contains a NUL byte (a binary file?)", location=f"{name}:{line}:{col}")
    return text


def split_chunks(text: str) -> list[tuple[str, int]]:
    parts = text.split("// -----")
    chunks = []
    offset = 0
    for part in parts:
        chunks.append((part, offset))
        offset += part.count("\n")
    return chunks


def parse_expectations(text: str, offset: int) -> list[_Expected]:
    result = []
    for i, line in enumerate(text.split("\n")):
        for m in _EXPECTED_RE.finditer(line):
            kind, where, msg = m.group(1), m.group(2), m.group(3)
            target = i + 1 + offset
            if where == "@above":
                target -= 1
            elif where == "@below":
                target += 1
            elif where:
                target += int(where[1:])
            result.append(_Expected(target, kind, msg))
    return result


def _line_of(location: str | None) -> int | None:
    if not location:
        return None
    parts = location.rsplit(":", 2)
    try:
        return int(parts[1])
    except (IndexError, ValueError):
        return None


def load_plugin(path: str) -> None:
    """Imports a user's Python file; it registers passes with `lutopt.registry`."""
    if not os.path.exists(path):
        raise LutoptError(f"cannot load plugin '{path}': no such file")
    spec = importlib.util.spec_from_file_location(f"lutopt_plugin_{abs(hash(path))}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)


def main(argv: Sequence[str] | None = None) -> int:
    return run_tool(lambda: LutoptMain(args=argv).run())


if __name__ == "__main__":
    sys.exit(main())
