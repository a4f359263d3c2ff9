"""Between IR functions and the logic-synthesis world (AIGER, BLIF).

A function at the gate level is a `func.func` of `i1` arguments and results whose body
is one `gate.netlist` (and `func.return`); `netlist_function` builds one from a
`GateNetlist`. Signal names travel as the argument and result attribute `lutopt.name`
(and as SSA name hints where they are valid identifiers).

Going back, `function_netlist` flattens a function whose values are all `i1` -- made of
`gate.netlist` ops, `lut.table` ops with 1-bit operands and result (the mapped lut
level; each table becomes gates by Shannon expansion), `i1` constants and `func.return`
-- into one `GateNetlist` (for AIGER), and `function_blif` writes it as BLIF with one
`.names` per LUT and per gate. Anything else is a located `LutoptError`.
"""

from __future__ import annotations

import re

import numpy as np

from xdsl.dialects import func
from xdsl.dialects.builtin import (
    ArrayAttr,
    DictionaryAttr,
    IntegerAttr,
    IntegerType,
    ModuleOp,
    StringAttr,
    i1,
)
from xdsl.ir import Block, Operation, Region, SSAValue

from lutopt.diagnostics import LutoptError
from lutopt.logic.blif import CONST0, BlifWriter, Signal
from lutopt.logic.builder import FALSE, TRUE, NetlistBuilder, gc_paused, table_literal
from lutopt.logic.netlist import GateNetlist

NAME_ATTR = "lutopt.name"
"""The argument/result attribute that carries a signal's name from and to AIGER/BLIF."""

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_$.]*$")


def symbol_name(name: str, default: str = "top") -> str:
    """`name` as a function symbol: a bare identifier (other characters become `_`)."""
    sym = re.sub(r"[^A-Za-z0-9_$.]", "_", name) or default
    return sym if re.match(r"[A-Za-z_]", sym) else "_" + sym


def netlist_function(net: GateNetlist, name: str) -> func.FuncOp:
    """`func.func @name` of `i1` arguments and results around one `gate.netlist`."""
    from lutopt.dialects.gate import GateNetlistOp

    block = Block(arg_types=[i1] * net.num_inputs)
    if net.input_names:
        for arg, n in zip(block.args, net.input_names):
            if _IDENT.match(n) and not n[0].isdigit():
                arg.name_hint = n
    op = GateNetlistOp.from_netlist(block.args, net)
    block.add_ops([op, func.ReturnOp(*op.results)])

    def attrs(names: list[str] | None, count: int) -> ArrayAttr[DictionaryAttr] | None:
        if not names:
            return None
        return ArrayAttr([DictionaryAttr({NAME_ATTR: StringAttr(n)}) for n in names[:count]])

    return func.FuncOp(
        symbol_name(name),
        ((i1,) * net.num_inputs, (i1,) * net.num_outputs),
        Region(block),
        arg_attrs=attrs(net.input_names, net.num_inputs),
        res_attrs=attrs(net.output_names, net.num_outputs),
    )


def netlist_module(net: GateNetlist, name: str) -> ModuleOp:
    return ModuleOp([netlist_function(net, name)])


# --------------------------------------------------------------------- IR -> logic


def select_function(module: ModuleOp, name: str | None = None, how: str = "--function NAME") -> func.FuncOp:
    """The function to export: the one named `name`, or the module's only function (`how`
    tells the user how to choose one when there are several)."""
    funcs = [op for op in module.walk() if isinstance(op, func.FuncOp) and not op.is_declaration]
    if name is not None:
        for f in funcs:
            if f.sym_name.data == name:
                return f
        raise LutoptError(f"no function named '{name}' (functions: {', '.join(f.sym_name.data for f in funcs) or 'none'})")
    if len(funcs) != 1:
        if not funcs:
            raise LutoptError("the input has no function to export")
        raise LutoptError(
            f"the input has {len(funcs)} functions ({', '.join(f.sym_name.data for f in funcs)}); "
            f"choose one with {how}",
            funcs[1],
        )
    return funcs[0]


def _names(f: func.FuncOp, attr: ArrayAttr | None, count: int, default: str) -> list[str]:
    names = [f"{default}{k}" for k in range(count)]
    if attr is not None:
        for k, d in enumerate(attr.data[:count]):
            v = d.data.get(NAME_ATTR) if isinstance(d, DictionaryAttr) else None
            if isinstance(v, StringAttr):
                names[k] = v.data
    return names


def _check_i1(value: SSAValue, what: str, op: Operation) -> None:
    t = value.type
    if not (isinstance(t, IntegerType) and t.width.data == 1):
        raise LutoptError(
            f"{what} is {t}; AIGER and BLIF export needs every value to be i1 "
            f"(lower the tables to 1-bit LUTs first, e.g. with lower-to-luts)",
            op,
        )


def _constant_bit(op: Operation) -> int | None:
    if op.name not in ("arith.constant", "hw.constant"):
        return None
    # Not `properties.get(...) or attributes.get(...)`: an IntegerAttr of value 0 is falsy.
    attr = op.properties.get("value")
    if attr is None:
        attr = op.attributes.get("value")
    return attr.value.data & 1 if isinstance(attr, IntegerAttr) else None


class _Walker:
    """Visits the body of an exportable function, checking every op."""

    SUPPORTED = "gate.netlist, lut.table with 1-bit operands and result, i1 constants and func.return"

    def __init__(self, f: func.FuncOp):
        self.f = f
        if len(f.body.blocks) != 1:
            raise LutoptError("a function with more than one block cannot be exported", f)
        for k, arg in enumerate(f.body.block.args):
            _check_i1(arg, f"argument #{k}", f)
        self.input_names = _names(f, f.arg_attrs, len(f.body.block.args), "i")
        ret = f.body.block.last_op
        if not isinstance(ret, func.ReturnOp):
            raise LutoptError("the function must end with func.return", f)
        self.ret = ret
        self.output_names = _names(f, f.res_attrs, len(ret.arguments), "o")

    def ops(self):
        from lutopt.dialects.gate import GateNetlistOp
        from lutopt.dialects.lut import TableOp

        for op in self.f.body.block.ops:
            if op is self.ret:
                for k, v in enumerate(op.operands):
                    _check_i1(v, f"result #{k}", op)
                return
            if isinstance(op, GateNetlistOp):
                yield "gate", op
            elif isinstance(op, TableOp):
                for k, v in enumerate(op.inputs):
                    _check_i1(v, f"operand #{k} of lut.table", op)
                _check_i1(op.output, "the result of lut.table", op)
                yield "table", op
            elif _constant_bit(op) is not None:
                _check_i1(op.results[0], "the constant", op)
                yield "const", op
            else:
                raise LutoptError(f"cannot export '{op.name}' to AIGER/BLIF (supported: {self.SUPPORTED})", op)


def function_netlist(f: func.FuncOp) -> GateNetlist:
    """The function as one `GateNetlist` (gate.netlist ops copied gate for gate, LUTs
    expanded into gates)."""
    with gc_paused():
        return _function_netlist(f)


def _function_netlist(f: func.FuncOp) -> GateNetlist:
    w = _Walker(f)
    builder = NetlistBuilder(len(w.input_names))
    lit: dict[SSAValue, int] = {a: NetlistBuilder.input(k) for k, a in enumerate(f.body.block.args)}
    for kind, op in w.ops():
        if kind == "gate":
            net = op.netlist()  # type: ignore[attr-defined]
            node = [FALSE] + [lit[v] for v in op.operands]
            gate = builder.gate
            for fn, a, b in zip(net.fn.tolist(), net.a.tolist(), net.b.tolist()):
                node.append(gate(fn, node[a], node[b]))
            for r, o, neg in zip(op.results, net.outputs.tolist(), net.output_neg.tolist()):
                lit[r] = node[o] ^ int(neg)
        elif kind == "table":
            builder.simplify = True
            try:
                lit[op.results[0]] = table_literal(
                    builder, [lit[v] for v in op.operands], op.values()  # type: ignore[attr-defined]
                )
            finally:
                builder.simplify = False
        else:
            lit[op.results[0]] = TRUE if _constant_bit(op) else FALSE
    return builder.build([lit[v] for v in w.ret.operands], w.input_names, w.output_names)


def function_blif(f: func.FuncOp) -> str:
    """The function as BLIF: one `.names` per `lut.table` (its truth table) and per gate
    of each `gate.netlist` (its prime cover)."""
    with gc_paused():
        return _function_blif(f)


def _function_blif(f: func.FuncOp) -> str:
    w = _Walker(f)
    writer = BlifWriter(f.sym_name.data, w.input_names, w.output_names)
    sig: dict[SSAValue, Signal] = {a: writer.input(k) for k, a in enumerate(f.body.block.args)}
    for kind, op in w.ops():
        if kind == "gate":
            net = op.netlist()  # type: ignore[attr-defined]
            node: list[Signal] = [CONST0] + [sig[v] for v in op.operands]
            for fn, a, b in zip(net.fn.tolist(), net.a.tolist(), net.b.tolist()):
                node.append(writer.gate(fn, node[a], node[b]))
            for r, o, neg in zip(op.results, net.outputs.tolist(), net.output_neg.tolist()):
                name, c = node[o]
                sig[r] = (name, c ^ int(neg))
        elif kind == "table":
            sig[op.results[0]] = writer.table([sig[v] for v in op.operands], _table_entries(op))
        else:
            sig[op.results[0]] = ("", _constant_bit(op))
    for k, v in enumerate(w.ret.operands):
        writer.output(k, sig[v])
    return writer.text()


def _table_entries(op: Operation) -> np.ndarray | bytes:
    """A 1-bit table's entries as stored (one byte each: no conversion), else its values."""
    attr = op.table  # type: ignore[attr-defined]
    elt = attr.get_element_type()
    if isinstance(elt, IntegerType) and elt.width.data == 1 and isinstance(attr.data.data, bytes):
        return attr.data.data
    return op.values()  # type: ignore[attr-defined]


def function_names(f: func.FuncOp) -> tuple[list[str], list[str]]:
    """The input and output names of `f` (from `lutopt.name`, else i<k> / o<k>)."""
    ret = f.body.block.last_op
    n_out = len(ret.operands) if ret is not None else 0
    return _names(f, f.arg_attrs, len(f.body.block.args), "i"), _names(f, f.res_attrs, n_out, "o")

