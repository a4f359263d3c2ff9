"""`nn-logic-to-gate`: logic-gate and learned-LUT networks from torch-mlir's output to one
`gate.netlist` per function, plus the integer level for a GroupSum / argmax head.

A function qualifies when its inputs are binarised by comparisons with constant
thresholds (`x > t`, as torch-mlir prints `(x > t).float()` or a thermometer
`x.unsqueeze(-1) > thresholds`); a function whose inputs go elsewhere (a quantizer) is
left to the table path. The reading is `lutopt.analysis.logic_network` (symbolic
evaluation on arrays of netlist nodes): every node of the model, whatever form it is
computed in (relaxed gate mixtures with argmax-selected weights, coefficient forms,
`i1` logic, K-input tables), becomes a gate or a small table of its binary inputs.

The function after the pass (DESIGN.md, "Binary inputs and logic-gate networks"):
- one argument per input element, row-major, the thermometer code: the number of its
  thresholds exceeded (sorted), `ceil(log2(T+1))` bits (`i1` for one threshold); the bits
  of a wider code are `comb.extract`ed and decoded to threshold bits inside the netlist;
- one `gate.netlist` with the network;
- results: one `i1` per binary result element; one count per GroupSum group
  (`ceil(log2(n+1))` bits, the sum of the group's bits as `arith.extui` + `arith.addi`,
  which `convert-arith-to-gate` turns into popcount logic); for an argmax over groups, the
  class index (`arith.cmpi ugt` / `arith.select` chain, the lowest index wins ties).

The constant factor applied to a GroupSum (`/ tau`) is recorded in the function's
`lutopt.groupsum_divisor` attribute. Option `max-inputs` (default 6): the most binary
values an element may depend on before the binary operands are made into gates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects import arith, comb, func
from xdsl.dialects.builtin import FunctionType, IntegerAttr, IntegerType, ModuleOp, TensorType, i1
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass

from lutopt.diagnostics import LutoptError, set_location
from lutopt.ir.groupsum import set_divisor
from lutopt.ir.layer import HEAD_LAYER, set_gate_layers, set_layer
from lutopt.ir.unchanged import mark_unchanged



def _ge_const(arena, bits: list[int], k: int) -> int:
    """A node for `code >= k` (1 <= k < 2^W) over the code's bit nodes (LSB first)."""
    from lutopt.logic.builder import AND, OR

    def gate(fn: int, x: int, y: int) -> int:
        return int(arena.new_gates(np.array([fn]), np.array([x]), np.array([y]))[0])

    TRUE = -1
    res = TRUE
    for m in range(len(bits)):  # from the LSB: ge(bits[m:], k >> m)
        b = bits[m]
        if (k >> m) & 1:
            res = b if res == TRUE else gate(AND, b, res)
        else:
            if res == TRUE:
                continue
            res = gate(OR, b, res)
    assert res != TRUE
    return res


class _Emitter:
    def __init__(self, f: func.FuncOp):
        self.f = f
        self.ops: list[Operation] = []
        self.layer: str | None = None
        """The layer (`lutopt.ir.layer`) of the ops added now: `HEAD_LAYER` for the head."""

    def add(self, op: Operation) -> Operation:
        set_location(op, self.f)
        set_layer(op, self.layer)
        self.ops.append(op)
        return op

    def const(self, value: int, width: int) -> SSAValue:
        return self.add(arith.ConstantOp(IntegerAttr(value, IntegerType(width)))).results[0]


def lower_function(f: func.FuncOp, ctx: Context | None, max_inputs: int) -> func.FuncOp | None:
    from lutopt.analysis.logic_network import ArgMax, Count, NotLogic, read_logic_network
    from lutopt.analysis.logic_tables import literals
    from lutopt.dialects.gate import GateNetlistOp

    try:
        net = read_logic_network(f, ctx, max_inputs)
    except NotLogic:
        return None
    arena = net.arena
    em = _Emitter(f)
    arg_types: list[IntegerType] = []
    for p in net.inputs:
        arg_types += [IntegerType(p.width)] * int(np.prod(p.shape))
    block = Block(arg_types=arg_types)
    # Netlist inputs: the code bits (LSB first); threshold nodes decode them.
    in_nodes: list[int] = []
    in_values: list[SSAValue] = []
    arg = 0
    for p in net.inputs:
        w = p.width
        for th in p.thresholds:
            v = block.args[arg]
            arg += 1
            keys = sorted(th)  # (t, strict): x >= t passes before x > t
            if w == 1:
                # One threshold (or none): the input bit is the threshold's node.
                bit_nodes = [th[keys[0]] if keys else int(arena.new_inputs(1)[0])]
                in_values.append(v)
                in_nodes += bit_nodes
                continue
            else:
                bit_nodes = [int(x) for x in arena.new_inputs(w)]
                for b in range(w):
                    in_values.append(em.add(comb.ExtractOp(v, IntegerAttr(b, IntegerType(32)), i1)).results[0])
            in_nodes += bit_nodes
            for level, key in enumerate(keys, start=1):
                node = th[key]
                src = bit_nodes[0] if w == 1 else _ge_const(arena, bit_nodes, level)
                arena.define(np.array([node]), np.array([3]), np.array([src]), np.array([src]))
    # Netlist outputs.
    out_lits: list[np.ndarray] = []
    for o in net.outputs:
        if isinstance(o, Count):
            out_lits.append(o.lits[o.lits > 1])
        elif isinstance(o, ArgMax):
            cl = o.count.lits[np.unique(o.groups)]
            out_lits.append(cl[cl > 1])
        else:
            out_lits.append(literals(o))
    all_lits = np.concatenate(out_lits) if out_lits else np.zeros(0, np.int64)
    uniq, inverse = np.unique(all_lits, return_inverse=True)
    gnet = arena.finish(np.array(in_nodes, np.int64), uniq)
    nop = em.add(GateNetlistOp.from_netlist(in_values, gnet))
    set_gate_layers(nop, arena.gate_layers)
    bit_of = {int(lit): nop.results[i] for i, lit in enumerate(uniq.tolist())}
    del inverse

    def count_value(row: np.ndarray, width: int) -> SSAValue:
        terms: list[SSAValue] = []
        ones = int(np.sum(row == 1))
        for lit in row[row > 1].tolist():
            bit = bit_of[int(lit)]
            terms.append(bit if width == 1 else em.add(arith.ExtUIOp(bit, IntegerType(width))).results[0])
        if ones or not terms:
            terms.append(em.const(ones, width))
        while len(terms) > 1:
            nxt = [em.add(arith.AddiOp(terms[i], terms[i + 1])).results[0] for i in range(0, len(terms) - 1, 2)]
            if len(terms) % 2:
                nxt.append(terms[-1])
            terms = nxt
        return terms[0]

    results: list[SSAValue] = []
    divisors: set[float] = set()
    em.layer = HEAD_LAYER  # the GroupSum counts and the argmax
    for o in net.outputs:
        if isinstance(o, Count):
            w = max(1, int(o.terms).bit_length())
            divisors.add(1.0 / o.scale)
            for row in o.lits:
                results.append(count_value(row, w))
        elif isinstance(o, ArgMax):
            cnt = o.count
            w = max(1, int(cnt.terms).bit_length())
            divisors.add(1.0 / cnt.scale)
            ncls = o.groups.shape[1]
            iw = max(1, (ncls - 1).bit_length())
            cache: dict[int, SSAValue] = {}
            for grp in o.groups:
                vals = []
                for g in grp.tolist():
                    if g not in cache:
                        cache[g] = count_value(cnt.lits[g], w)
                    vals.append(cache[g])
                best, idx = vals[0], em.const(0, iw)
                for c in range(1, ncls):
                    gt = em.add(arith.CmpiOp(vals[c], best, "ugt")).results[0]
                    best = em.add(arith.SelectOp(gt, vals[c], best)).results[0]
                    idx = em.add(arith.SelectOp(gt, em.const(c, iw), idx)).results[0]
                results.append(idx)
        else:
            for lit in literals(o).tolist():
                if lit <= 1:
                    results.append(em.const(lit, 1))
                else:
                    results.append(bit_of[int(lit)])
    em.layer = None
    em.add(func.ReturnOp(*results))
    block.add_ops(em.ops)
    new_f = func.FuncOp(f.sym_name.data, FunctionType.from_lists(arg_types, [r.type for r in results]), Region(block))
    new_f.location = f.location
    if divisors and divisors != {1.0}:
        if len(divisors) > 1:
            raise LutoptError(f"GroupSum heads with different divisors ({sorted(divisors)})", f)
        set_divisor(new_f, divisors.pop())
    return new_f


@dataclass(frozen=True)
class NnLogicToGate(ModulePass):
    """Logic-gate networks (threshold-binarised inputs, binary layers) to `gate.netlist`."""

    name = "nn-logic-to-gate"

    max_inputs: int = 6

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if not 2 <= self.max_inputs <= 12:
            raise LutoptError(f"nn-logic-to-gate: max-inputs must be between 2 and 12, got {self.max_inputs}")
        changed = False
        for f in list(op.ops):
            if not isinstance(f, func.FuncOp) or not f.body.blocks:
                continue
            if not any(isinstance(a.type, TensorType) for a in f.body.block.args):
                continue
            new_f = lower_function(f, ctx, self.max_inputs)
            if new_f is None:
                continue
            parent = f.parent_block()
            assert parent is not None
            parent.insert_op_before(new_f, f)
            f.detach()
            f.erase()
            changed = True
        if not changed:  # no logic-gate network here (a table model): nothing to verify again
            mark_unchanged(op)
