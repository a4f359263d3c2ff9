"""Replacing many SSA values at once.

xDSL's `SSAValue.replace_all_uses_with` rebuilds the user's whole operand tuple for every
use it moves, so replacing the k results of an op that all feed one `func.return` costs
k times the return's operand count: on the 256k-gate flow (16,019 outputs) that was
about 9 s of `gate-map-luts`. `replace_all_uses` rebuilds each user's operand list once.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.ir import Operation, SSAValue


def replace_all_uses(old: Sequence[SSAValue], new: Sequence[SSAValue]) -> None:
    """Every use of `old[i]` becomes a use of `new[i]` (name hints carried over as
    xDSL does); each user op's operands are set once."""
    if len(old) != len(new):
        raise ValueError(f"{len(old)} values to replace, {len(new)} replacements")
    mapping: dict[SSAValue, SSAValue] = {}
    users: dict[Operation, None] = {}  # insertion-ordered set
    for o, n in zip(old, new):
        if o is n:
            continue
        mapping[o] = n
        for use in o.uses:
            users[use.operation] = None
        if n.name_hint is None:
            n.name_hint = o.name_hint
    for op in users:
        op.operands = [mapping.get(v, v) for v in op.operands]
