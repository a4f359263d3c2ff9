"""What the `lutopt` driver knows: lutopt's own dialects, passes and targets, plus those
that users register from their own Python files.

A user's file (loaded with `lutopt --load my_passes.py`, or imported by their own
program) registers a pass like this:

    from lutopt.registry import register_pass

    @register_pass
    class MyPass(ModulePass):
        name = "my-pass"
        def apply(self, ctx, op): ...

See `examples/plugin/` for a complete example with a rewrite pattern.
"""

from __future__ import annotations

from collections.abc import Callable

from xdsl.ir import Dialect
from xdsl.passes import ModulePass
from xdsl.utils.target import Target

from lutopt.universe import lutopt_dialects, lutopt_passes, lutopt_targets

_user_passes: dict[str, Callable[[], type[ModulePass]]] = {}
_user_dialects: dict[str, Callable[[], Dialect]] = {}


def register_pass(cls: type[ModulePass]) -> type[ModulePass]:
    """Makes a `ModulePass` subclass available to the driver under its `name`."""
    _user_passes[cls.name] = lambda: cls
    return cls


def register_dialect(dialect: Dialect) -> Dialect:
    """Makes a user's dialect available to the driver's parser."""
    _user_dialects[dialect.name] = lambda: dialect
    return dialect


def all_dialects() -> dict[str, Callable[[], Dialect]]:
    return {**lutopt_dialects(), **_user_dialects}


def all_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    return {**lutopt_passes(), **_user_passes}


def all_targets() -> dict[str, Callable[[], type[Target]]]:
    return lutopt_targets()
