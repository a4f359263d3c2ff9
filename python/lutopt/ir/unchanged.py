"""A pass's word that it left the module as it found it.

The driver verifies the whole module after every pass; on a mapped netlist of 100,000
LUTs that is seconds, spent for nothing when the pass changed nothing (`lut-decompose` on
tables that already fit the LUT size). A pass calls `mark_unchanged(module)` only when it
made no change at all; `run_passes` then skips the verification of that step. Nothing
else depends on the mark: a pass that never calls it is verified as before.
"""

from __future__ import annotations

import weakref

from xdsl.dialects.builtin import ModuleOp

_UNCHANGED: weakref.WeakSet[ModuleOp] = weakref.WeakSet()


def mark_unchanged(module: ModuleOp) -> None:
    """Called by a pass that made no change to `module`."""
    _UNCHANGED.add(module)


def take_unchanged(module: ModuleOp) -> bool:
    """True if the pass that just ran marked `module` unchanged (and clears the mark)."""
    if module in _UNCHANGED:
        _UNCHANGED.discard(module)
        return True
    return False
