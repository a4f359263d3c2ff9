"""Parsing MLIR text into a module with every dialect lutopt reads (for tests and tools).

    module = parse_module('''
      func.func @f(%a: i2) -> i2 {
        %y = lut.table(%a) [0, 1, 3, 2] : (i2) -> i2
        func.return %y : i2
      }''')
"""

from __future__ import annotations

import sys

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.utils.exceptions import ParseError

from lutopt.diagnostics import (
    LocatingParser,
    LutoptError,
    format_parse_error,
    verify_located,
)

UPSTREAM_DIALECTS = ("builtin", "func", "arith", "hw", "comb", "seq")


def make_context() -> Context:
    """A context with builtin, func, arith, hw, comb, seq and lutopt's own dialects."""
    from xdsl.dialects import get_all_dialects

    from lutopt import registry

    ctx = Context()
    upstream = get_all_dialects()
    for name in UPSTREAM_DIALECTS:
        ctx.register_dialect(name, upstream[name])
    for name, factory in registry.all_dialects().items():
        if name not in ctx.registered_dialect_names:
            ctx.register_dialect(name, factory)
    return ctx


def parse_module(
    text: str, name: str = "<text>", ctx: Context | None = None, verify: bool = True
) -> ModuleOp:
    """Parses (and verifies) `text`; every op gets a `name:line:col` location.

    Problems are raised as `LutoptError`s with their location.
    """
    sys.set_int_max_str_digits(0)  # hw.constant table columns are long decimal numbers
    parser = LocatingParser(ctx or make_context(), text, name)
    try:
        module = parser.parse_module()
    except ParseError as e:
        text_ = format_parse_error(e)
        loc, msg = text_.split(": error: ", 1)
        raise LutoptError(msg, location=loc) from e
    if verify:
        verify_located(module)
    return module
