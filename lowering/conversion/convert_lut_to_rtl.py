"""`convert-lut-to-rtl`: lut-level functions to CIRCT-compatible `hw.module`s.

Each `func.func` becomes an `hw.module` of the same name. Its ports are the function's
arguments in order (named after the arguments' SSA names when they have one, else
`in<i>`) followed by its results (`out<i>`). Each `lut.table` becomes, per result bit,
one constant holding that bit's column of the table, bitcast to an array of bits and
indexed by the concatenated operands (operand 0 most significant):

    %col = hw.constant 0x6996 : i16
    %arr = hw.bitcast %col : (i16) -> !hw.array<16xi1>
    %idx = comb.concat %a, %b : i2, i2
    %bit = hw.array_get %arr[%idx] : !hw.array<16xi1>, i4

so a table of 2^n entries and w result bits is w+2 ops (plus a concat of the bits),
not thousands. Equal columns in one function are made once and shared (mapped networks
repeat the same few LUT functions: 10,134 distinct columns among 49,657 LUTs in the
256k-gate logic network of bench/logic_256k.py). `arith.constant` becomes `hw.constant`, `func.call` becomes
`hw.instance`; `comb` ops (the bit plumbing around mapped LUTs) are kept.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects import arith, comb, func, hw
from xdsl.dialects.builtin import (
    ArrayAttr,
    FlatSymbolRefAttr,
    IntegerAttr,
    IntegerType,
    ModuleOp,
    StringAttr,
)
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import Rewriter

from lutopt.ir.groupsum import DIVISOR_ATTR
from lutopt.diagnostics import LutoptError, set_location
from lutopt.ir.names import Namespace
from lutopt.dialects.lut import TableOp, constant_value, int_type, table_column

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _attr_name(attrs, i: int) -> str | None:
    """The `lutopt.name` of argument/result i (set by lutopt-translate), made a legal identifier."""
    if attrs is None or i >= len(attrs.data):
        return None
    name = attrs.data[i].data.get("lutopt.name")
    if not isinstance(name, StringAttr):
        return None
    legal = re.sub(r"[^A-Za-z0-9_]", "_", name.data).strip("_")
    if not legal:
        return None
    return legal if _IDENT.match(legal) else f"p_{legal}"


def _unique(names: list[str]) -> list[str]:
    """The names, a repeat renamed `name_1`, `name_2`, ... (skipping names in use)."""
    return Namespace(first_suffix=1).claim_all(names)


def port_names(fn: func.FuncOp) -> tuple[list[str], list[str]]:
    """Input ports: the argument's `lutopt.name`, else its SSA name, else `in<i>`; output
    ports: the result's `lutopt.name`, else `out<i>`."""
    ins = []
    for i, arg in enumerate(fn.body.block.args):
        hint = arg.name_hint
        named = _attr_name(fn.arg_attrs, i)
        ins.append(named or (hint if hint and _IDENT.match(hint) else f"in{i}"))
    n_out = len(fn.function_type.outputs.data)
    outs = [_attr_name(fn.res_attrs, i) or f"out{i}" for i in range(n_out)]
    return _unique(ins), _unique(outs)


def _int_width(value: SSAValue, op: Operation, what: str) -> int:
    if not isinstance(value.type, IntegerType):
        raise LutoptError(
            f"cannot lower {what} of type {value.type} to rtl: only integer codes are "
            f"supported at the lut level (run nn-to-lut first for tensors)",
            op,
        )
    return value.type.width.data


class _FunctionLowering:
    def __init__(self, fn: func.FuncOp, signatures: dict[str, hw.ModuleType]):
        self.fn = fn
        self.signatures = signatures
        self.mapping: dict[SSAValue, SSAValue] = {}
        self.ops: list[Operation] = []
        self.columns: dict[tuple[int, int], SSAValue] = {}
        """Table columns already made (`hw.bitcast` of an `hw.constant`), by value and
        size: tables with equal columns share them, as CSE would."""

    def emit(self, op: Operation, source: Operation) -> Operation:
        set_location(op, source)
        self.ops.append(op)
        return op

    def value(self, v: SSAValue) -> SSAValue:
        return self.mapping[v]

    def lower(self) -> hw.HWModuleOp:
        fn = self.fn
        if len(fn.body.blocks) != 1:
            raise LutoptError("cannot lower a function with more than one block to rtl", fn)
        ins, outs = port_names(fn)
        block = fn.body.block
        in_types = [a.type for a in block.args]
        for a in block.args:
            _int_width(a, fn, "an argument")
        out_types = list(fn.function_type.outputs.data)
        ports = [
            hw.ModulePort(StringAttr(n), t, hw.DirectionAttr(hw.Direction.INPUT))
            for n, t in zip(ins, in_types)
        ] + [
            hw.ModulePort(StringAttr(n), t, hw.DirectionAttr(hw.Direction.OUTPUT))
            for n, t in zip(outs, out_types)
        ]
        new_block = Block(arg_types=in_types)
        for old, new, name in zip(block.args, new_block.args, ins):
            new.name_hint = name
            self.mapping[old] = new
        for op in block.ops:
            self.lower_op(op)
        new_block.add_ops(self.ops)
        module = hw.HWModuleOp(StringAttr(fn.sym_name.data), hw.ModuleType(ArrayAttr(ports)), Region(new_block))
        set_location(module, fn)
        if DIVISOR_ATTR in fn.attributes:  # a GroupSum head's divisor (Verilog header comment)
            module.attributes[DIVISOR_ATTR] = fn.attributes[DIVISOR_ATTR]
        return module

    def lower_op(self, op: Operation) -> None:
        if isinstance(op, TableOp):
            self.mapping[op.output] = self.lower_table(op)
        elif isinstance(op, arith.ConstantOp):
            width = _int_width(op.result, op, "a constant")
            value = constant_value(op.result)
            assert value is not None
            c = self.emit(hw.ConstantOp(_signless(value, width), width), op)
            c.results[0].name_hint = op.result.name_hint
            self.mapping[op.result] = c.results[0]
        elif op.name == "hw.constant" or op.name.startswith("comb."):
            # Bit plumbing around mapped LUTs (comb.extract / comb.concat) is rtl already.
            c = op.clone(value_mapper=self.mapping)
            self.emit(c, op)
            for old, new in zip(op.results, c.results):
                self.mapping[old] = new
        elif isinstance(op, func.CallOp):
            self.lower_call(op)
        elif isinstance(op, func.ReturnOp):
            for v in op.arguments:
                _int_width(v, op, "a result")
            self.emit(hw.OutputOp([self.value(v) for v in op.arguments]), op)
        else:
            raise LutoptError(f"cannot lower '{op.name}' to rtl (convert-lut-to-rtl supports lut.table, arith.constant, hw.constant, comb ops, func.call and func.return)", op)

    def lower_table(self, op: TableOp) -> SSAValue:
        width = op.out_width
        values = op.values()
        operands = [self.value(v) for v in op.inputs]
        loc = op.location
        if not operands:
            c = self.emit(hw.ConstantOp(_signless(int(values[0]), width), width), op)
            return c.results[0]
        n = op.input_bits
        if len(operands) == 1:
            index = operands[0]
        else:
            index = self.fast(comb.ConcatOp, loc, operands, int_type(n))
        bits: list[SSAValue] = []
        hint = op.output.name_hint
        size = 1 << n
        col_type = int_type(size)
        arr_type = _array_type(size)
        bit_type = int_type(1)
        for bit in range(width):
            col = table_column(values, bit)
            arr = self.columns.get((col, size))
            if arr is None:
                c = self.fast(hw.ConstantOp, loc, [], col_type, {"value": IntegerAttr(_signless(col, size), col_type)})
                arr = self.columns[col, size] = self.fast(hw.BitcastOp, loc, [c], arr_type)
            get = self.fast(hw.ArrayGetOp, loc, [arr, index], bit_type)
            if hint:
                get.name_hint = hint if width == 1 else f"{hint}_b{bit}"
            bits.append(get)
        if width == 1:
            return bits[0]
        cat = self.fast(comb.ConcatOp, loc, bits[::-1], int_type(width))
        if hint:
            cat.name_hint = hint
        return cat

    def fast(self, cls, loc, operands: list[SSAValue], result_type, properties=None) -> SSAValue:
        """An op of `cls` built from operands and a result type that are right by
        construction (the IRDL constructors' checks cost more than half of this pass on
        large designs; the module is still verified after the pass)."""
        new = cls.create(operands=operands, result_types=[result_type], properties=properties or {})
        new.location = loc
        self.ops.append(new)
        return new.results[0]

    def lower_call(self, op: func.CallOp) -> None:
        callee = op.callee.root_reference.data
        if callee not in self.signatures:
            raise LutoptError(f"cannot lower call to '@{callee}': not a function of this module", op)
        mtype = self.signatures[callee]
        in_names = [p.port_name for p in mtype.ports.data if p.dir.data == hw.Direction.INPUT]
        out_names = [p.port_name for p in mtype.ports.data if p.dir.data == hw.Direction.OUTPUT]
        inst = hw.InstanceOp(
            f"{callee}_{len(self.ops)}",
            FlatSymbolRefAttr(callee),
            list(zip((n.data for n in in_names), (self.value(v) for v in op.arguments))),
            list(zip((n.data for n in out_names), (r.type for r in op.res))),
        )
        self.emit(inst, op)
        for old, new in zip(op.res, inst.results):
            self.mapping[old] = new


@functools.cache
def _array_type(size: int) -> hw.ArrayType:
    return hw.ArrayType(IntegerType(1), size)


def _signless(value: int, width: int) -> int:
    """A bit pattern as the value xDSL accepts for a signless type (negative when the top bit is set)."""
    value &= (1 << width) - 1
    return value - (1 << width) if width > 1 and value >> (width - 1) else value


@dataclass(frozen=True)
class ConvertLutToRtl(ModulePass):
    """Lowers every lut-level `func.func` of the module to an `hw.module`."""

    name = "convert-lut-to-rtl"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        funcs = [f for f in op.ops if isinstance(f, func.FuncOp)]
        signatures = {}
        for fn in funcs:
            if fn.is_declaration:
                raise LutoptError(f"cannot lower the declaration '@{fn.sym_name.data}' to rtl", fn)
            ins, outs = port_names(fn)
            ports = [
                hw.ModulePort(StringAttr(n), t, hw.DirectionAttr(hw.Direction.INPUT))
                for n, t in zip(ins, fn.function_type.inputs.data)
            ] + [
                hw.ModulePort(StringAttr(n), t, hw.DirectionAttr(hw.Direction.OUTPUT))
                for n, t in zip(outs, fn.function_type.outputs.data)
            ]
            signatures[fn.sym_name.data] = hw.ModuleType(ArrayAttr(ports))
        for fn in funcs:
            module = _FunctionLowering(fn, signatures).lower()
            Rewriter.replace_op(fn, module)
