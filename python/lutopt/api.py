"""lutopt from Python: parse, run passes and pipelines, print MLIR or Verilog.

    import lutopt

    module = lutopt.parse_module(open("net.mlir").read(), "net.mlir")
    lutopt.run_passes(module, "lower-to-rtl{pipeline-stages=1}", check=True)
    verilog = lutopt.emit(module, "verilog")

Pass specifications use the driver's syntax (`name{key=value},name2`); named pipelines
are expanded into their passes. Errors in the input raise `lutopt.LutoptError`, whose
`format()` is the driver's `file:line:col: error: ...` line.
"""

from __future__ import annotations

import dataclasses
import re
import sys
import time
from collections.abc import Callable
from io import StringIO

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass, PassPipeline
from xdsl.utils.exceptions import ArgSpecParseError, ParseError

from lutopt.diagnostics import LocatingParser, LutoptError, format_parse_error, verify_located
from lutopt.ir.isolated import install as _install_isolated_check
from lutopt.ir.unchanged import take_unchanged

_install_isolated_check()  # the driver verifies after every pass: IsolatedFromAbove in linear time

UPSTREAM_DIALECTS = ("builtin", "func", "arith", "math", "linalg", "tensor", "cf", "hw", "comb", "seq")
"""The upstream dialects the driver and the Python API read (torch-mlir's output and rtl)."""


def register_dialects(ctx: Context) -> None:
    """Registers the upstream dialects above and lutopt's own (and users') dialects."""
    from xdsl.dialects import get_all_dialects

    from lutopt import registry
    from lutopt.dialects.linalg_ext import linalg_with_extensions

    # linalg gets the named ops torch-mlir prints that xDSL lacks (batch_matmul, ...).
    upstream = {**get_all_dialects(), "linalg": linalg_with_extensions}
    for name in UPSTREAM_DIALECTS:
        if name not in ctx.registered_dialect_names:
            ctx.register_dialect(name, upstream[name])
    for name, factory in registry.all_dialects().items():
        if name not in ctx.registered_dialect_names:
            ctx.register_dialect(name, factory)


def make_context() -> Context:
    """A context with every dialect lutopt reads (see `register_dialects`)."""
    ctx = Context()
    register_dialects(ctx)
    return ctx


def parse_module(
    text: str, name: str = "<text>", ctx: Context | None = None, verify: bool = True, line_offset: int = 0
) -> ModuleOp:
    """Parses (and verifies) `text`; every op gets a `name:line:col` location."""
    sys.set_int_max_str_digits(0)  # hw.constant table columns are long decimal numbers
    try:
        # The parser lexes the first token when it is built: inside the `try` too.
        module = LocatingParser(ctx or make_context(), text, name, line_offset).parse_module()
    except ParseError as e:
        if line_offset:
            e.span = dataclasses.replace(e.span, line_offset=line_offset)
        loc, msg = format_parse_error(e).split(": error: ", 1)
        raise LutoptError(msg, location=loc) from e
    if verify:
        verify_located(module)
    return module


def available_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    """xDSL's passes and lutopt's (and users' registered ones), by name."""
    from xdsl.transforms import get_all_passes

    from lutopt import registry

    return {**get_all_passes(), **registry.all_passes()}


def expand_pass(p: ModulePass) -> list[ModulePass]:
    """A named pipeline (a pass with `expand()`) becomes the passes it stands for."""
    expand = getattr(p, "expand", None)
    if expand is None:
        return [p]
    result: list[ModulePass] = []
    for q in expand():
        result.extend(expand_pass(q))
    return result


def _spec_problem(spec: str) -> tuple[int, str] | None:
    """(column, message) of the first unbalanced brace, quote or bracket of a pass or
    target specification (quoted strings and `[...]` pipelines are skipped), or None."""
    opened: list[int] = []
    k = 0
    while k < len(spec):
        c = spec[k]
        if c in "\"[":
            start, close = k, ('"' if c == '"' else "]")
            k += 1
            while k < len(spec) and spec[k] != close:
                k += 2 if spec[k] == "\\" else 1
            if k >= len(spec):
                return start + 1, ("string is not closed" if c == '"' else "'[' is not closed")
        elif c == "{":
            opened.append(k)
        elif c == "}":
            if not opened:
                return k + 1, "'}' without a matching '{'"
            opened.pop()
        k += 1
    if opened:
        return opened[-1] + 1, "'{' is not closed"
    return None


def spec_error(kind: str, spec: str, e: BaseException) -> LutoptError:
    """One `error:` line for a malformed pass pipeline or target (`kind`), naming the text
    and the column: xDSL's spec parser raises `ArgSpecParseError` with a multi-line
    message (`pass-pipeline:1:24`, the text, a caret, the message)."""
    problem = _spec_problem(spec)
    if problem is None:
        lines = [x.strip() for x in str(e).splitlines() if x.strip()]
        col = None
        for x in lines:
            m = re.fullmatch(r"pass-pipeline:\d+:(\d+)", x)
            if m:
                col = int(m.group(1))
        msg = lines[-1] if lines else type(e).__name__
        msg = msg[0].lower() + msg[1:] if msg[:1].isupper() and msg[1:2].islower() else msg
        problem = (col, msg) if col is not None else None
        if problem is None:
            return LutoptError(f"invalid {kind} '{spec}': {msg}")
    col, msg = problem
    return LutoptError(f"invalid {kind} '{spec}': column {col}: {msg}")


def parse_pipeline(
    spec: str, available: dict[str, Callable[[], type[ModulePass]]] | None = None
) -> list[ModulePass]:
    """The passes of a pipeline specification, named pipelines expanded."""
    if _spec_problem(spec) is not None:
        raise spec_error("pass pipeline", spec, ValueError())
    try:
        pipeline = PassPipeline.parse_spec(available or available_passes(), spec)
    except ArgSpecParseError as e:  # a BaseException: `except Exception` misses it
        raise spec_error("pass pipeline", spec, e) from None
    except ValueError as e:
        msg = str(e)
        if msg.startswith("Unrecognized passes: ["):
            names = msg[len("Unrecognized passes: [") : -1].replace("'", "")
            raise LutoptError(f"unknown pass '{names}' (see lutopt --help for the list)") from e
        raise LutoptError(f"invalid pass pipeline '{spec}': {msg}") from e
    except Exception as e:  # xDSL's spec parser raises several kinds
        raise LutoptError(f"invalid pass pipeline '{spec}': {e}") from e
    passes: list[ModulePass] = []
    for p in pipeline.passes:
        passes.extend(expand_pass(p))
    return passes


def parse_target(spec: str):
    """A target specification (`verilog{primitives=xilinx}`) as xDSL's `ArgSpec`."""
    from xdsl.utils.arg_spec import parse_spec

    if _spec_problem(spec) is not None:
        raise spec_error("target", spec, ValueError())
    try:
        return parse_spec(spec)
    except ArgSpecParseError as e:
        raise spec_error("target", spec, e) from None
    except Exception as e:  # xDSL's spec parser raises several kinds
        raise LutoptError(f"invalid target '{spec}': {e}") from e


def run_passes(
    module: ModuleOp,
    passes: str | list[ModulePass],
    ctx: Context | None = None,
    check: bool = False,
    check_vectors: int = 4096,
    seed: int = 0,
    verify: bool = True,
    after_pass: Callable[[ModulePass, ModuleOp, float], None] | None = None,
) -> ModuleOp:
    """Runs passes on `module` in place (and returns it). With `check`, the IR before and
    after every pass is simulated on the same vectors (see `lutopt.sim.check_pass`).
    `after_pass(pass, module, seconds)` is called after each pass (and its verification)."""
    ctx = ctx or make_context()
    if isinstance(passes, str):
        passes = parse_pipeline(passes) if passes else []
    before = module.clone() if check else None
    reference: ModuleOp | None = None
    for p in passes:
        start = time.perf_counter()
        take_unchanged(module)  # a stale mark from a pass run outside run_passes
        p.apply(ctx, module)
        seconds = time.perf_counter() - start
        if verify and not take_unchanged(module):
            try:
                verify_located(module)
            except LutoptError as e:
                raise LutoptError(f"after pass '{p.name}': {e.message}", e.op) from e
        if after_pass is not None:
            after_pass(p, module, seconds)
        if check:
            from lutopt.sim.check import check_pass, next_reference

            assert before is not None
            reference = next_reference(before, reference)  # the nn passes' tensor-level reference
            # A pass that makes an explicit, non-equivalent choice (an approximate
            # multiplier) says what the IR before it means with that choice made.
            expected = getattr(p, "reference_for_check", None)
            check_pass(expected(before) if expected else before, module, p.name, check_vectors, seed,
                       reference=reference, ctx=ctx)
            before = module.clone()
    return module


def _level_hint(target: str, module: ModuleOp, e: LutoptError) -> str | None:
    """What to run first when a target is given IR at the wrong level, or None."""
    names = {op.name for op in module.ops}
    if target == "verilog" and e.message.startswith("cannot emit '") and e.op is not None:
        if e.op.parent_op() is module and e.op.name not in ("hw.module", "hw.module.extern"):
            return ("Verilog is printed from hw.module ops, which 'lower-to-rtl' makes "
                    "(or 'convert-lut-to-rtl' from the lut level)")
    if target in ("blif", "aiger"):
        if e.message.startswith(("argument #", "result #")) and " is i1;" not in e.message:
            return ("BLIF and AIGER ports are single bits and lower-to-luts keeps multi-bit "
                    "ports: write such a function as Verilog (lower-to-rtl, -t verilog)")
        if e.message.startswith("cannot export '"):
            return "map the function to 1-bit LUTs first, e.g. with 'lower-to-luts{lut-size=6}'"
        if "no function to export" in e.message and "hw.module" in names:
            return (f"-t {target} writes the gate or mapped lut level (func.func), not rtl: "
                    "run 'lower-to-luts' instead of 'lower-to-rtl'")
    return None


def hinted(e: LutoptError, target: str, module: ModuleOp) -> LutoptError:
    """`e`, with a hint naming the pass to run first when the module is not at the level
    that `target` prints."""
    hint = _level_hint(target, module, e)
    if hint is None:
        return e
    return LutoptError(f"{e.message}; {hint}", e.op, e._location)  # pyright: ignore[reportPrivateUsage]


def emit_target(target, name: str, ctx: Context, module: ModuleOp, output) -> None:
    """`target.emit(ctx, module, output)`, with `hinted` errors."""
    try:
        target.emit(ctx, module, output)
    except LutoptError as e:
        raise hinted(e, name, module) from e


def make_target(target: str):
    """The driver target object for a specification (`verilog{primitives=xilinx}`), and
    its name."""
    from lutopt import registry

    targets = registry.all_targets()
    spec = parse_target(target)
    if spec.name not in targets:
        raise LutoptError(f"unknown target '{spec.name}' (mlir, {', '.join(sorted(targets))})")
    try:
        return targets[spec.name]().from_spec(spec), spec.name  # type: ignore[attr-defined]
    except Exception as e:
        raise LutoptError(f"invalid target '{target}': {e}") from e


def emit(module: ModuleOp, target: str = "mlir", ctx: Context | None = None) -> str:
    """The module as text: `mlir` (custom form) or one of the driver's targets (`verilog`,
    `blif`, `aiger{ascii=true}`; options as on the command line, e.g.
    `verilog{primitives=xilinx}`). Binary AIGER is `emit_bytes(module, "aiger")`."""
    out = StringIO()
    if target == "mlir":
        from xdsl.printer import Printer

        Printer(stream=out).print_op(module)
        out.write("\n")
        return out.getvalue()
    factory, name = make_target(target)
    if getattr(factory, "binary", False):
        raise LutoptError(f"target '{target}' is binary: use lutopt.api.emit_bytes (or 'aiger{{ascii=true}}')")
    emit_target(factory, name, ctx or make_context(), module, out)
    return out.getvalue()


def emit_bytes(module: ModuleOp, target: str, ctx: Context | None = None) -> bytes:
    """The module in a binary target's format (`aiger`); text targets are UTF-8 encoded."""
    factory, name = make_target(target)
    if not getattr(factory, "binary", False):
        return emit(module, target, ctx).encode()
    try:
        return factory.emit_bytes(ctx or make_context(), module)
    except LutoptError as e:
        raise hinted(e, name, module) from e


def compile_text(text: str, passes: str = "lower-to-rtl", target: str = "verilog", name: str = "<text>") -> str:
    """Parse, run `passes`, and print as `target`: the driver's job in one call."""
    ctx = make_context()
    module = parse_module(text, name, ctx)
    run_passes(module, passes, ctx)
    return emit(module, target, ctx)
