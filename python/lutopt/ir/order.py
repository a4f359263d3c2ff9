"""A topological order of the ops of a block that is a graph region.

In an `hw.module` body a value may be used before the op that defines it, and a
register (`seq.compreg`) may read a value computed from its own output: its output is
available from the start of a cycle, so a register depends on nothing and nothing depends
on it. Every other cycle is a combinational loop, an error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from xdsl.ir import Block, Operation

from lutopt.diagnostics import LutoptError

REGISTER_OPS = frozenset({"seq.compreg"})
"""Ops whose results are read before they are written in a cycle: they break cycles."""


def is_register(op: Operation) -> bool:
    return op.name in REGISTER_OPS


def _loop_error(op: Operation) -> LutoptError:
    return LutoptError(f"combinational loop through '{op.name}'", op)


def topological_order(
    block: Block,
    ops: Sequence[Operation] | None = None,
    *,
    loop_error: Callable[[Operation], Exception] = _loop_error,
) -> list[Operation]:
    """`ops` (default: every op of `block`) ordered so that each op comes after the ops of
    `block` whose results it reads, except that registers read nothing and are read by
    nothing (see `REGISTER_OPS`).

    The order is a depth-first post-order from the ops in their block order, visiting
    operands in order, so an already ordered block keeps its order. An op in a loop is
    reported by raising `loop_error(op)`.
    """
    if ops is None:
        ops = list(block.ops)

    def deps(op: Operation) -> list[Operation]:
        if is_register(op):
            return []
        result = []
        for v in op.operands:
            owner = v.owner
            if isinstance(owner, Operation) and owner.parent is block and not is_register(owner):
                result.append(owner)
        return result

    order: list[Operation] = []
    state: dict[Operation, int] = {}  # 0: on the stack, 1: done
    for root in ops:
        if root in state:
            continue
        state[root] = 0
        stack = [(root, iter(deps(root)))]
        while stack:
            op, it = stack[-1]
            for d in it:
                s = state.get(d)
                if s is None:
                    state[d] = 0
                    stack.append((d, iter(deps(d))))
                    break
                if s == 0:
                    raise loop_error(d)
            else:
                stack.pop()
                state[op] = 1
                order.append(op)
    return order
