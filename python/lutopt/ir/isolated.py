"""A linear-time check of MLIR's IsolatedFromAbove trait.

xDSL's `IsolatedFromAbove.verify` asks, for every operand of every op in the region, whether
the value's owner lies inside the isolated op (`Operation.is_ancestor`, a walk up the
parents). On a mapped netlist of 100,000 LUTs in one `func.func` that is about 1.3 s per
verification, and the driver verifies after every pass. `verify_isolated` gives the same
verdict (and the same message) from one set of the values defined inside the op, and
`install()` makes xDSL's trait use it.
"""

from __future__ import annotations

from xdsl.ir import Operation, Region
from xdsl.traits import IsolatedFromAbove
from xdsl.utils.exceptions import VerifyException

_upstream_verify = IsolatedFromAbove.verify


def _defined_inside(op: Operation) -> set[int]:
    """ids of every value defined (strictly) inside `op`: block arguments and op results."""
    defined: set[int] = set()
    add = defined.add
    regions: list[Region] = list(op.regions)
    while regions:
        region = regions.pop()
        for block in region.blocks:
            for arg in block.args:
                add(id(arg))
            for child in block.ops:
                for r in child.results:
                    add(id(r))
                if child.regions:
                    regions.extend(child.regions)
    return defined


def verify_isolated(trait: IsolatedFromAbove, op: Operation) -> None:
    """Raises VerifyException when an op inside `op` (not inside a nested isolated op) uses a
    value defined outside `op`, as xDSL's check does."""
    defined = _defined_inside(op)
    regions: list[Region] = list(op.regions)
    while regions:
        region = regions.pop()
        for block in region.blocks:
            for child in block.ops:
                for operand in child.operands:
                    if id(operand) not in defined:
                        raise VerifyException(
                            "Operation using value defined out of its "
                            f"IsolatedFromAbove parent: {child}"
                        )
                if child.regions and not child.has_trait(IsolatedFromAbove):
                    regions.extend(child.regions)


def install() -> None:
    """Makes `IsolatedFromAbove.verify` the linear-time check (idempotent)."""
    IsolatedFromAbove.verify = verify_isolated  # type: ignore[method-assign]
