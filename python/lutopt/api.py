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
import sys
import time
from collections.abc import Callable
from io import StringIO

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass, PassPipeline
from xdsl.utils.exceptions import ParseError

from lutopt.diagnostics import LocatingParser, LutoptError, format_parse_error, verify_located

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
        # Inside the try: the parser lexes the first token when it is made, so a file that
        # starts with a bad token ('.', '#') fails here.
        parser = LocatingParser(ctx or make_context(), text, name, line_offset)
        module = parser.parse_module()
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


def parse_pipeline(
    spec: str, available: dict[str, Callable[[], type[ModulePass]]] | None = None
) -> list[ModulePass]:
    """The passes of a pipeline specification, named pipelines expanded."""
    try:
        pipeline = PassPipeline.parse_spec(available or available_passes(), spec)
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
        p.apply(ctx, module)
        seconds = time.perf_counter() - start
        if verify:
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
            check_pass(before, module, p.name, check_vectors, seed, reference=reference, ctx=ctx)
            before = module.clone()
    return module


def emit(module: ModuleOp, target: str = "mlir", ctx: Context | None = None) -> str:
    """The module as text: `mlir` (custom form) or one of the driver's targets (`verilog`,
    `blif`; options as on the command line, e.g. `verilog{primitives=xilinx}`)."""
    out = StringIO()
    if target == "mlir":
        from xdsl.printer import Printer

        Printer(stream=out).print_op(module)
        out.write("\n")
        return out.getvalue()
    from xdsl.utils.arg_spec import parse_spec

    from lutopt import registry

    targets = registry.all_targets()
    try:
        spec = parse_spec(target)
    except Exception as e:  # xDSL's spec parser raises several kinds
        raise LutoptError(f"invalid target '{target}': {e}") from e
    if spec.name not in targets:
        raise LutoptError(f"unknown target '{spec.name}' (mlir, {', '.join(sorted(targets))})")
    try:
        factory = targets[spec.name]().from_spec(spec)  # type: ignore[attr-defined]
    except Exception as e:
        raise LutoptError(f"invalid target '{target}': {e}") from e
    factory.emit(ctx or make_context(), module, out)
    return out.getvalue()


def compile_text(text: str, passes: str = "lower-to-rtl", target: str = "verilog", name: str = "<text>") -> str:
    """Parse, run `passes`, and print as `target`: the driver's job in one call."""
    ctx = make_context()
    module = parse_module(text, name, ctx)
    run_passes(module, passes, ctx)
    return emit(module, target, ctx)
