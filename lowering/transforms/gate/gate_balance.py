"""`gate-balance`: depth balancing of the AND, OR and XOR chains of `gate.netlist` ops.

Maximal single-fanout trees of AND-like gates (AND, OR, NAND, NOR and their forms with
complemented fanins) and of XOR/XNOR gates are collected and rebuilt as trees of least
depth, combining the two shallowest leaves first. Repeated leaves merge (x & x, x ^ x),
gates with several fanouts are kept, so the gate count never grows and no node gets
deeper. The algorithm is `lutopt.logic.balance.balance`.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from lutopt.dialects.gate import transform_netlists
from lutopt.logic.balance import balance


@dataclass(frozen=True)
class GateBalance(ModulePass):
    """Rebuilds AND/OR/XOR chains as balanced trees in every `gate.netlist`."""

    name = "gate-balance"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        transform_netlists(op, balance)
