"""The multiplier an `arith.muli` stands for, defined once for the interpreter
(`lutopt.interpreters.arith`) and `convert-arith-to-gate`.

An `arith.muli` is exact unless it carries the discardable attribute
`lutopt.multiplier = "mitchell"` or `"mitch-w<W>"` (upstream tools ignore it).
`convert-arith-to-gate{multiplier=M}` lowers every `muli` without the attribute with M,
and `--check-passes` checks it against the IR with the attribute set
(`with_multiplier`), so the approximation is an explicit choice, not an error.

An approximate product reads its operands as integers (DESIGN.md's semantics take
integers, not bit vectors; `operand_form`): an operand defined by `arith.extsi` is its
source, signed; by `arith.extui`, its source, unsigned; a constant is read signed when
the other operand is signed (an `extsi`), unsigned otherwise; any other operand is its
N-bit value, unsigned. The result is the product modulo 2^N.
"""

from __future__ import annotations

from xdsl.dialects.builtin import IntegerType, ModuleOp, StringAttr
from xdsl.ir import Operation, SSAValue

MULTIPLIER_ATTR = "lutopt.multiplier"


def multiplier_of(op: Operation) -> str | None:
    """The multiplier named on `op` (None: exact)."""
    attr = op.attributes.get(MULTIPLIER_ATTR)
    return attr.data if isinstance(attr, StringAttr) else None


def _source_form(v: SSAValue) -> tuple[int, bool] | None:
    owner = v.owner
    if isinstance(owner, Operation) and owner.name in ("arith.extsi", "arith.extui"):
        t = owner.operands[0].type
        assert isinstance(t, IntegerType)
        return t.width.data, owner.name == "arith.extsi"
    return None


def _is_constant(v: SSAValue) -> bool:
    return isinstance(v.owner, Operation) and v.owner.name == "arith.constant"


def operand_form(op: Operation, index: int) -> tuple[int, bool]:
    """(width, signed) with which an approximate `muli` reads operand `index`."""
    v = op.operands[index]
    t = v.type
    assert isinstance(t, IntegerType)
    form = _source_form(v)
    if form is not None:
        return form
    if _is_constant(v):
        other = _source_form(op.operands[1 - index])
        return t.width.data, bool(other and other[1])
    return t.width.data, False


def with_multiplier(module: ModuleOp, multiplier: str) -> ModuleOp:
    """A copy of `module` whose `arith.muli` ops without a multiplier name `multiplier`."""
    copy = module.clone()
    if multiplier == "exact":
        return copy
    for op in copy.walk():
        if op.name == "arith.muli" and MULTIPLIER_ATTR not in op.attributes:
            op.attributes[MULTIPLIER_ATTR] = StringAttr(multiplier)
    return copy
