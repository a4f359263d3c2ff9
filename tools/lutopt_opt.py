"""`lutopt`: the pass driver, an `xdsl-opt` with lutopt's dialects, passes and targets.

    lutopt IN.mlir -p 'canonicalize,lower-to-rtl{pipeline-stages=2}' -t verilog -o OUT.v

Beyond `xdsl-opt` it adds: located errors (`file:line:col: error: ...`, exit status 1,
no traceback, no partial output file), a `--verify-diagnostics` that checks
`// expected-error {{...}}` annotations the way `mlir-opt` does, named pipelines that
are expanded into their passes (so that `--check-passes` and the IR dumps see each
step), `--check-passes` (simulate the IR before and after every pass and compare), and
`--load PLUGIN.py` for user passes and patterns written in Python.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from io import StringIO

from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.printer import Printer
from xdsl.transforms import get_all_passes
from xdsl.utils.arg_spec import parse_spec
from xdsl.xdsl_opt_main import xDSLOptMain

from lutopt import registry
from lutopt.api import parse_module, parse_pipeline, register_dialects, run_passes
from lutopt.diagnostics import LutoptError, run_tool
from lutopt.output import write_atomic



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


class LutoptMain(xDSLOptMain):
    def __init__(self, args: Sequence[str] | None = None):
        super().__init__(description="lutopt: the LUT compiler's pass driver", args=args)

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
    def process_chunk(self, text: str, name: str, line_offset: int) -> str:
        """Parses, verifies, runs the pipeline and prints one chunk; raises on errors."""
        module = parse_module(text, name, self.ctx, not self.args.disable_verify, line_offset)
        self.run_passes(module)
        out = StringIO()
        spec = parse_spec(self.args.target)
        factory = self.available_targets[spec.name]
        target = factory().from_spec(spec)  # type: ignore[operator]
        if spec.name == "mlir":
            import dataclasses

            target = dataclasses.replace(
                target,
                print_generic_format=self.args.print_op_generic,
                print_properties_as_attributes=self.args.print_no_properties,
                print_debuginfo=self.args.print_debuginfo,
            )
        target.emit(self.ctx, module, out)
        return out.getvalue()

    def run_passes(self, module: ModuleOp) -> None:
        def after_pass(p: ModulePass, module: ModuleOp, seconds: float) -> None:
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

        outputs: list[str] = []
        failed = False
        for chunk, offset in chunks:
            if self.args.verify_diagnostics:
                out, ok = self.verify_chunk_diagnostics(chunk, name, offset)
                failed |= not ok
                outputs.append(out)
            else:
                outputs.append(self.process_chunk(chunk, name, offset))
        write_atomic(self.args.output_file, "// -----\n".join(outputs))
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
