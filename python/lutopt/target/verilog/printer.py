"""The Verilog printer (CIRCT's ExportVerilog): prints a module prepared by
`prepare-for-verilog`, reading only the IR and the attributes that pass left on it, and
`VerilogTarget` (`-t verilog`), which runs the two.

An arithmetic or bitwise op is printed with the operator that `lutopt.ir.comb.RTL_OPS`
gives it, a comparison with its `ICMP_PREDICATES` entry; the other ops each have their
own form below.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from xdsl.context import Context
from xdsl.dialects import comb, hw, seq
from xdsl.dialects.builtin import ModuleOp, StringAttr
from xdsl.ir import BlockArgument, Operation, OpResult, SSAValue
from xdsl.utils.target import Target

from lutopt.diagnostics import LutoptError
from lutopt.ir.comb import BINARY_OPS, EXPRESSION_OPS, icmp_predicate
from lutopt.ir.groupsum import divisor_comment, divisor_of
from lutopt.ir.latency import COMBINATIONAL_COMMENT, has_latency, latency_comment, latency_of
from lutopt.target.verilog.attributes import (
    ATTR_INSTANCE_NAME,
    ATTR_KINDS,
    ATTR_MODULE_NAME,
    ATTR_NAMES,
    ATTR_OUTPUT_REGS,
    ATTR_PORTS,
    ATTR_PRIMITIVE,
    ATTR_UNUSED,
    strings,
)
from lutopt.target.verilog.literals import constant_literal, hex_literal, range_decl
from lutopt.target.verilog.prepare_for_verilog import PrepareForVerilog
from lutopt.target.verilog.values import bit_width, constant_bits, constant_index, module_ports, width_of


class _ModulePrinter:
    """Prints one prepared `hw.module`; reads the IR and its attributes only."""

    def __init__(self, module: hw.HWModuleOp, modules: dict[str, Operation]):
        self.module = module
        self.modules = modules
        self.ports = module_ports(module)
        self.port_names = strings(module.attributes.get(ATTR_PORTS))
        if len(self.port_names) != len(self.ports):
            raise LutoptError(
                "module was not prepared for Verilog (run prepare-for-verilog first)", module
            )
        self.in_names = [
            n for n, p in zip(self.port_names, self.ports) if p.dir.data == hw.Direction.INPUT
        ]
        self.out_names = [
            n for n, p in zip(self.port_names, self.ports) if p.dir.data == hw.Direction.OUTPUT
        ]
        self.unused = set(strings(module.attributes.get(ATTR_UNUSED)))
        self.output_regs = set(strings(module.attributes.get(ATTR_OUTPUT_REGS)))
        self.lines: list[str] = []
        self.string_lists: dict[int, tuple[object, list[str]]] = {}

    # -- values
    def kind(self, v: SSAValue) -> str:
        if isinstance(v, BlockArgument):
            return "input"
        assert isinstance(v, OpResult)
        kinds = self.strings(v.op.attributes.get(ATTR_KINDS))
        if len(kinds) != len(v.op.results):
            raise LutoptError(
                f"'{v.op.name}' was not prepared for Verilog (run prepare-for-verilog first)", v.op
            )
        return kinds[v.index]

    def name(self, v: SSAValue) -> str:
        if isinstance(v, BlockArgument):
            return self.in_names[v.index]
        assert isinstance(v, OpResult)
        return self.strings(v.op.attributes.get(ATTR_NAMES))[v.index]

    def strings(self, attr) -> list[str]:
        """`strings(attr)`, computed once per attribute (values are looked up many times)."""
        key = id(attr)
        hit = self.string_lists.get(key)
        if hit is None or hit[0] is not attr:
            hit = self.string_lists[key] = (attr, strings(attr))
        return hit[1]

    def expr(self, v: SSAValue) -> str:
        """A value as an operand: its name, or a literal for an inlined constant."""
        if self.kind(v) == "inline":
            assert isinstance(v, OpResult) and isinstance(v.op, hw.ConstantOp)
            return hex_literal(*constant_bits(v.op))
        return self.name(v)

    def signed(self, v: SSAValue) -> str:
        return f"$signed({self.expr(v)})"

    def declare(self, text: str, signal: str, warning: str = "UNUSEDSIGNAL") -> None:
        if signal in self.unused:
            self.lines.append(f"  /* verilator lint_off {warning} */")
            self.lines.append(f"  {text}")
            self.lines.append(f"  /* verilator lint_on {warning} */")
        else:
            self.lines.append(f"  {text}")

    # -- expressions
    def expression(self, op: Operation) -> str:
        binary = BINARY_OPS.get(op.name)
        if binary is not None:
            assert binary.verilog is not None
            if not binary.signed:
                return f" {binary.verilog} ".join(self.expr(v) for v in op.operands)
            lhs, rhs = op.operands
            rhs_text = self.signed(rhs) if binary.signed == "both" else self.expr(rhs)
            return f"{self.signed(lhs)} {binary.verilog} {rhs_text}"
        if isinstance(op, comb.ICmpOp):
            predicate = icmp_predicate(op.predicate.value.data)
            if predicate is None:
                raise LutoptError(
                    f"cannot emit '{op.name}' predicate {op.predicate.value.data} as Verilog", op
                )
            operand = self.signed if predicate.signed else self.expr
            return f"{operand(op.lhs)} {predicate.verilog} {operand(op.rhs)}"
        if isinstance(op, comb.ParityOp):
            return f"^{self.expr(op.input)}"
        if isinstance(op, comb.ConcatOp):
            if len(op.inputs) == 1:
                return self.expr(op.inputs[0])
            return "{" + ", ".join(self.expr(v) for v in op.inputs) + "}"
        if isinstance(op, hw.ArrayCreateOp):
            # Operand 0 is the element at the highest index, as in CIRCT.
            if len(op.inputs) == 1:
                return self.expr(op.inputs[0])
            return "{" + ", ".join(self.expr(v) for v in op.inputs) + "}"
        if isinstance(op, comb.ReplicateOp):
            n = width_of(op.result, op) // width_of(op.input, op)
            return f"{{{n}{{{self.expr(op.input)}}}}}"
        if isinstance(op, comb.ExtractOp):
            lo = op.low_bit.value.data
            w = width_of(op.result, op)
            if lo == 0 and w == width_of(op.input, op):
                return self.expr(op.input)
            if w == 1:
                return f"{self.name(op.input)}[{lo}]"
            return f"{self.name(op.input)}[{lo + w - 1}:{lo}]"
        if isinstance(op, comb.MuxOp):
            return f"{self.expr(op.cond)} ? {self.expr(op.true_value)} : {self.expr(op.false_value)}"
        if isinstance(op, hw.ArrayGetOp):
            array = self.name(op.input)
            w = width_of(op.result, op)
            k = constant_index(op)
            if k is not None:
                return f"{array}[{k}]" if w == 1 else f"{array}[{k * w + w - 1}:{k * w}]"
            if w == 1:
                return f"{array}[{self.expr(op.index)}]"
            return f"{array}[{w} * {self.expr(op.index)} +: {w}]"
        raise LutoptError(f"cannot emit '{op.name}' as Verilog", op)

    # -- module
    def print(self) -> list[str]:
        module = self.module
        block = module.body.block
        name = module.attributes[ATTR_MODULE_NAME]
        assert isinstance(name, StringAttr)
        has_clock = any(isinstance(p.type, seq.ClockType) for p in self.ports)
        out = self.lines
        divisor = divisor_of(module)
        if divisor is not None:
            out.append(divisor_comment(divisor))
        if has_latency(module):
            out.append(latency_comment(latency_of(module)))
        elif not has_clock:
            out.append(COMBINATIONAL_COMMENT)

        # Ports.
        port_lines: list[tuple[str, str]] = []
        for port, pname in zip(self.ports, self.port_names):
            w = bit_width(port.type)
            assert w is not None
            if port.dir.data == hw.Direction.INPUT:
                port_lines.append((f"input {range_decl(w)}{pname}", pname))
            else:
                reg = "reg " if pname in self.output_regs else ""
                port_lines.append((f"output {reg}{range_decl(w)}{pname}", pname))
        if not port_lines:
            out.append(f"module {name.data};")
        else:
            out.append(f"module {name.data} (")
            for i, (text, pname) in enumerate(port_lines):
                self.declare(text + ("," if i + 1 < len(port_lines) else ""), pname)
            out.append(");")

        ops = list(block.ops)
        # Parameters, registers and instance outputs are declared first.
        first = len(out)
        for op in ops:
            if isinstance(op, hw.ConstantOp) and self.kind(op.result) == "param":
                w, value = constant_bits(op)
                literal = constant_literal(w, value)
                self.declare(
                    f"localparam {range_decl(w)}{self.name(op.result)} = {literal};",
                    self.name(op.result),
                    "UNUSEDPARAM",
                )
        if len(out) > first:
            out.append("")
        first = len(out)
        for op in ops:
            if isinstance(op, seq.CompRegOp) and self.kind(op.data) == "reg":
                w = width_of(op.data, op)
                self.declare(f"reg {range_decl(w)}{self.name(op.data)};", self.name(op.data))
            if isinstance(op, hw.InstanceOp):
                for r in op.results:
                    if self.kind(r) == "wire":
                        w = width_of(r, op)
                        self.declare(f"wire {range_decl(w)}{self.name(r)};", self.name(r))
        if len(out) > first:
            out.append("")

        # Combinational logic and instances, in order.
        first = len(out)
        for op in ops:
            if ATTR_PRIMITIVE in op.attributes:
                self.print_primitive(op)
            elif op.name in EXPRESSION_OPS:
                r = op.results[0]
                w = width_of(r, op)
                if self.kind(r) == "port":
                    out.append(f"  assign {self.name(r)} = {self.expression(op)};")
                else:
                    self.declare(
                        f"wire {range_decl(w)}{self.name(r)} = {self.expression(op)};", self.name(r)
                    )
            elif isinstance(op, hw.InstanceOp):
                self.print_instance(op)
        if len(out) > first:
            out.append("")

        # Registers.
        first = len(out)
        for op in ops:
            if isinstance(op, seq.CompRegOp):
                clk = self.expr(op.clk)
                value = self.expr(op.input)
                if op.reset is not None and op.reset_value is not None:
                    value = f"{self.expr(op.reset)} ? {self.expr(op.reset_value)} : {value}"
                out.append(f"  always @(posedge {clk}) {self.name(op.data)} <= {value};")
        if len(out) > first:
            out.append("")

        # Outputs not driven directly.
        terminator = block.last_op
        assert isinstance(terminator, hw.OutputOp)
        first = len(out)
        for v, pname in zip(terminator.operands, self.out_names):
            if self.kind(v) == "port" and self.name(v) == pname:
                continue
            out.append(f"  assign {pname} = {self.expr(v)};")
        if len(out) > first:
            out.append("")
        if out[-1] == "":
            out.pop()
        out.append("endmodule")
        return out

    def print_primitive(self, op: Operation) -> None:
        """A table bit as a vendor LUT primitive: `LUTk #(.INIT(column)) name (.O(y), .I0(..), ...)`."""
        assert isinstance(op, hw.ArrayGetOp)
        cell = op.attributes[ATTR_PRIMITIVE]
        inst = op.attributes[ATTR_INSTANCE_NAME]
        assert isinstance(cell, StringAttr) and isinstance(inst, StringAttr)
        r = op.results[0]
        if self.kind(r) != "port":
            self.declare(f"wire {self.name(r)};", self.name(r))
        k = width_of(op.index, op)
        index = self.name(op.index)
        bits = [index] if k == 1 else [f"{index}[{j}]" for j in range(k)]
        pins = ", ".join([f".O({self.name(r)})"] + [f".I{j}({b})" for j, b in enumerate(bits)])
        self.lines.append(f"  {cell.data} #(.INIT({self.name(op.input)})) {inst.data} ({pins});")

    def print_instance(self, op: hw.InstanceOp) -> None:
        callee_name = op.module_name.root_reference.data
        callee = self.modules.get(callee_name)
        if callee is None:
            raise LutoptError(f"cannot emit an instance of unknown module '@{callee_name}'", op)
        if isinstance(callee, hw.HWModuleOp):
            verilog_name = callee.attributes[ATTR_MODULE_NAME]
            assert isinstance(verilog_name, StringAttr)
            callee_verilog = verilog_name.data
            callee_ports = dict(
                zip((p.port_name.data for p in module_ports(callee)), strings(callee.attributes.get(ATTR_PORTS)))
            )
        else:
            assert isinstance(callee, hw.HWModuleExternOp)
            callee_verilog = callee.verilog_name.data if callee.verilog_name else callee.sym_name.data
            callee_ports = {p.port_name.data: p.port_name.data for p in module_ports(callee)}
        connections = [
            f".{callee_ports[n.data]}({self.expr(v)})" for n, v in zip(op.arg_names.data, op.inputs)
        ] + [f".{callee_ports[n.data]}({self.name(r)})" for n, r in zip(op.result_names.data, op.results)]
        instance = op.attributes.get(ATTR_INSTANCE_NAME)
        assert isinstance(instance, StringAttr)
        one_line = f"  {callee_verilog} {instance.data} ({', '.join(connections)});"
        if len(one_line) <= 80:
            self.lines.append(one_line)
            return
        self.lines.append(f"  {callee_verilog} {instance.data} (")
        for i, c in enumerate(connections):
            self.lines.append(f"    {c}{',' if i + 1 < len(connections) else ''}")
        self.lines.append("  );")


def print_verilog(module: ModuleOp, output: IO[str]) -> None:
    """Prints a module prepared by `PrepareForVerilog`; only reads the IR."""
    modules: dict[str, Operation] = {}
    for op in module.ops:
        if isinstance(op, (hw.HWModuleOp, hw.HWModuleExternOp)):
            modules[op.sym_name.data] = op
        else:
            raise LutoptError(f"cannot emit '{op.name}' as Verilog", op)
    # A module instantiated by another cannot be in a file named after it when they
    # share one; Verilator's DECLFILENAME is silenced for exactly those modules.
    instantiated = {
        inst.module_name.root_reference.data
        for op in module.ops
        if isinstance(op, hw.HWModuleOp)
        for inst in op.body.block.ops
        if isinstance(inst, hw.InstanceOp)
    }
    output.write("// Generated by lutopt.\n")
    for op in module.ops:
        if isinstance(op, hw.HWModuleOp):
            lines = _ModulePrinter(op, modules).print()
            if op.sym_name.data in instantiated:
                lines = [
                    "/* verilator lint_off DECLFILENAME */",
                    *lines,
                    "/* verilator lint_on DECLFILENAME */",
                ]
            output.write("\n")
            output.write("\n".join(lines))
            output.write("\n")


@dataclass(frozen=True)
class VerilogTarget(Target):
    """`-t verilog`: prepares the rtl IR for Verilog and prints it (Verilog-2001)."""

    name = "verilog"

    primitives: str = "none"
    """`-t verilog{primitives=xilinx}`: mapped 1-bit tables of k <= 6 inputs become Xilinx
    `LUTk` primitives (see PRIMITIVE_FAMILIES); `none` prints every table as a constant."""

    def emit(self, ctx: Context, module: ModuleOp, output: IO[str]) -> None:
        PrepareForVerilog(primitives=self.primitives).apply(ctx, module)
        print_verilog(module, output)
