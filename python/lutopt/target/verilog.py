"""The Verilog target: `lutopt IN.mlir -t verilog` prints the rtl level as Verilog-2001.

Emission is split in two, as in CIRCT's ExportVerilog:

* `PrepareForVerilog` (pass `prepare-for-verilog`) legalises the IR. It removes dead
  pure ops, puts every module body in an order where each value is defined before it is
  used (registers may feed back), and decides for every value how it appears in the
  Verilog: inlined (a small constant), a `localparam` (a table column or a wide
  constant), a `wire`, a `reg`, an output port, or another name for its operand (a
  `hw.bitcast`, which is the identity on the flat bit vectors Verilog sees). It gives
  every named value a legal, unique, readable Verilog identifier, taken from the SSA
  name hint where there is one, avoiding Verilog/SystemVerilog keywords and the
  module's port names, and records the signals some of whose bits are never read (so
  that the printer can silence Verilator's UNUSEDSIGNAL for exactly those). Everything
  is stored as attributes (see `ATTR_*`), and the chosen names also as name hints.
* `print_verilog` only reads the IR and those attributes.

`VerilogTarget` (`-t verilog`) runs the first and then the second.

What the Verilog looks like:

    // latency: 1 cycles
    module table2 (
      input clk,
      input [1:0] a,
      input [1:0] b,
      output reg y
    );
      localparam [15:0] y_table = 16'h6996;

      wire [3:0] idx = {a, b};
      wire y_0 = y_table[idx];

      always @(posedge clk) y <= y_0;
    endmodule

Arrays (`!hw.array<N x T>`) are flat vectors with element i in bits [i*w, (i+1)*w), as
CIRCT lays them out, so a table column is a `localparam` of 2^n bits indexed by the
n-bit concatenation of the table's operands. Constants are printed in hexadecimal
(linear time even for a 2^20-bit column); one wider than 4096 bits is a concatenation of
4096-bit literals, one per line (256 lines for a 2^20-bit column), which both Icarus and
Verilator (without `--max-num-width`) accept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO

from xdsl.context import Context
from xdsl.dialects import comb, hw, seq
from xdsl.dialects.builtin import (
    ArrayAttr,
    IntegerAttr,
    IntegerType,
    ModuleOp,
    StringAttr,
)
from xdsl.ir import Attribute, BlockArgument, Operation, OpResult, SSAValue
from xdsl.passes import ModulePass
from xdsl.utils.target import Target

from lutopt.diagnostics import LutoptError

# ----------------------------------------------------------------------------- attributes

ATTR_MODULE_NAME = "lutopt.verilog_name"
"""On `hw.module`: its Verilog module name (StringAttr)."""
ATTR_PORTS = "lutopt.verilog_ports"
"""On `hw.module`: the Verilog names of its ports, in the order of its module type."""
ATTR_OUTPUT_REGS = "lutopt.verilog_output_regs"
"""On `hw.module`: the output ports driven directly by a register (`output reg`)."""
ATTR_UNUSED = "lutopt.verilog_unused"
"""On `hw.module`: the signals (ports, wires, regs) some of whose bits are never read."""
ATTR_NAMES = "lutopt.verilog_names"
"""On an op with results: the Verilog name of each result ("" for an inlined value)."""
ATTR_KINDS = "lutopt.verilog_kinds"
"""On an op with results: how each result is declared, one of `KINDS`."""
ATTR_INSTANCE_NAME = "lutopt.verilog_instance_name"
"""On `hw.instance` (and on an `hw.array_get` printed as a primitive): the Verilog instance name."""
ATTR_PRIMITIVE = "lutopt.verilog_primitive"
"""On an `hw.array_get` of a table column: the vendor LUT primitive it is printed as."""

PRIMITIVE_FAMILIES = ("none", "xilinx")
"""`xilinx`: a one-bit table of k <= 6 one-bit inputs becomes a `LUTk` primitive with
`INIT` = the table column (INIT bit i = f(I(k-1)..I0 = i), I0 the least significant bit of
the index, i.e. the last operand of the `lut.table`)."""

KINDS = ("inline", "param", "wire", "reg", "port", "alias")
"""inline: printed as a literal where used; param: `localparam`; wire: `wire` (assigned
where declared, or driven by an instance); reg: `reg` written by an `always` block; port:
the result drives the output port of the same name directly; alias: another name for the
operand's signal (`hw.bitcast`)."""

INLINE_CONSTANT_MAX_BITS = 64
"""Constants at most this wide are printed as literals where used (if they can be)."""

LITERAL_CHUNK_BITS = 4096
"""Wider constants are printed as a concatenation of literals of this many bits, one per
line: Icarus' lexer rejects tokens longer than about 16,000 characters, and Verilator
literals wider than its `--max-num-width` (65536 bits by default)."""

# IEEE 1364-2005 and 1800-2017 keywords (Verilator parses .v files as SystemVerilog by
# default, so SystemVerilog keywords must be avoided too).
VERILOG_KEYWORDS = frozenset(
    """
    accept_on alias always always_comb always_ff always_latch and assert assign assume
    automatic before begin bind bins binsof bit break buf bufif0 bufif1 byte case casex
    casez cell chandle checker class clocking cmos config const constraint context
    continue cover covergroup coverpoint cross deassign default defparam design disable
    dist do edge else end endcase endchecker endclass endclocking endconfig endfunction
    endgenerate endgroup endinterface endmodule endpackage endprimitive endprogram
    endproperty endspecify endsequence endtable endtask enum event eventually expect
    export extends extern final first_match for force foreach forever fork forkjoin
    function generate genvar global highz0 highz1 if iff ifnone ignore_bins
    illegal_bins implements implies import incdir include initial inout input inside
    instance int integer interconnect interface intersect join join_any join_none large
    let liblist library local localparam logic longint macromodule matches medium
    modport module nand negedge nettype new nexttime nmos nor noshowcancelled not
    notif0 notif1 null or output package packed parameter pmos posedge primitive
    priority program property protected pull0 pull1 pulldown pullup
    pulsestyle_ondetect pulsestyle_onevent pure rand randc randcase randsequence rcmos
    real realtime ref reg reject_on release repeat restrict return rnmos rpmos rtran
    rtranif0 rtranif1 s_always s_eventually s_nexttime s_until s_until_with scalared
    sequence shortint shortreal showcancelled signed small soft solve specify
    specparam static string strong strong0 strong1 struct super supply0 supply1
    sync_accept_on sync_reject_on table tagged task this throughout time timeprecision
    timeunit tran tranif0 tranif1 tri tri0 tri1 triand trior trireg type typedef union
    unique unique0 unsigned until until_with untyped use uwire var vectored virtual void
    wait wait_order wand weak weak0 weak1 while wildcard wire with within wor xnor xor
    """.split()
)

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

_COMB_BINARY = {
    "comb.add": "+",
    "comb.mul": "*",
    "comb.and": "&",
    "comb.or": "|",
    "comb.xor": "^",
    "comb.sub": "-",
    "comb.shl": "<<",
    "comb.shru": ">>",
    "comb.divu": "/",
    "comb.modu": "%",
}
_COMB_SIGNED_BINARY = {"comb.shrs": ">>>", "comb.divs": "/", "comb.mods": "%"}
_ICMP = {
    0: ("==", False),
    1: ("!=", False),
    2: ("<", True),
    3: ("<=", True),
    4: (">", True),
    5: (">=", True),
    6: ("<", False),
    7: ("<=", False),
    8: (">", False),
    9: (">=", False),
}
_EXPRESSION_OPS = frozenset(
    {
        *_COMB_BINARY,
        *_COMB_SIGNED_BINARY,
        "comb.icmp",
        "comb.parity",
        "comb.concat",
        "comb.replicate",
        "comb.extract",
        "comb.mux",
        "hw.array_get",
        "hw.array_create",
    }
)
SUPPORTED_OPS = _EXPRESSION_OPS | {
    "hw.constant",
    "hw.bitcast",
    "hw.instance",
    "hw.output",
    "seq.compreg",
}


# ----------------------------------------------------------------------------- helpers


def bit_width(t: Attribute) -> int | None:
    """The number of bits of a value of type `t` in Verilog, or None if it has none."""
    if isinstance(t, IntegerType):
        return t.width.data
    if isinstance(t, hw.ArrayType):
        inner = bit_width(t.get_element_type())
        return None if inner is None else inner * len(t)
    if isinstance(t, seq.ClockType):
        return 1
    return None


def _width_of(value: SSAValue, op: Operation) -> int:
    w = bit_width(value.type)
    if w is None:
        raise LutoptError(f"cannot emit a value of type {value.type} as Verilog", op)
    if w == 0:
        raise LutoptError("cannot emit a zero-width value as Verilog", op)
    return w


def _constant_bits(op: hw.ConstantOp) -> tuple[int, int]:
    """(width, value as an unsigned bit pattern) of a `hw.constant`."""
    width = _width_of(op.result, op)
    return width, op.value.value.data & ((1 << width) - 1)


def hex_literal(width: int, value: int, pad: bool = False) -> str:
    """A sized Verilog literal, e.g. `16'h6996`; linear time in the width."""
    digits = format(value, f"0{(width + 3) // 4}x" if pad else "x")
    return f"{width}'h{digits}"


def constant_literal(width: int, value: int) -> str:
    """A constant as one padded hex literal or, when wider than `LITERAL_CHUNK_BITS`, a
    concatenation of such literals, one per line, most significant first."""
    if width <= LITERAL_CHUNK_BITS:
        return hex_literal(width, value, pad=True)
    digits = format(value, f"0{(width + 3) // 4}x")
    chunk_digits = LITERAL_CHUNK_BITS // 4
    first_bits = width % LITERAL_CHUNK_BITS or LITERAL_CHUNK_BITS
    first_digits = (first_bits + 3) // 4
    chunks = [f"{first_bits}'h{digits[:first_digits]}"]
    for start in range(first_digits, len(digits), chunk_digits):
        chunks.append(f"{LITERAL_CHUNK_BITS}'h{digits[start:start + chunk_digits]}")
    return "{\n    " + ",\n    ".join(chunks) + "\n  }"


def range_decl(width: int) -> str:
    return f"[{width - 1}:0] " if width > 1 else ""


def legal_identifier(name: str) -> str:
    """`name` made into a Verilog identifier (not yet checked against keywords)."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", name)
    if not name or not (name[0].isalpha() or name[0] == "_"):
        name = "_" + name
    return name


class Namespace:
    """Hands out unique, legal Verilog identifiers."""

    def __init__(self, taken: Iterable[str] = ()):
        self.taken: set[str] = set(taken)
        self.next_suffix: dict[str, int] = {}

    def claim(self, base: str) -> str:
        base = legal_identifier(base)
        if base not in self.taken and base not in VERILOG_KEYWORDS:
            self.taken.add(base)
            return base
        i = self.next_suffix.get(base, 0)
        while f"{base}_{i}" in self.taken:
            i += 1
        self.next_suffix[base] = i + 1
        name = f"{base}_{i}"
        self.taken.add(name)
        return name


def _strings(attr: Attribute | None) -> list[str]:
    if not isinstance(attr, ArrayAttr):
        return []
    return [a.data for a in attr.data if isinstance(a, StringAttr)]


def _string_array(names: Iterable[str]) -> ArrayAttr[StringAttr]:
    return ArrayAttr([StringAttr(n) for n in names])


def module_latency(module: hw.HWModuleOp) -> int | None:
    attr = module.attributes.get("lutopt.latency")
    return attr.value.data if isinstance(attr, IntegerAttr) else None


def _module_ports(module: Operation) -> list[hw.ModulePort]:
    mtype = module.properties.get("module_type") or module.attributes.get("module_type")
    assert isinstance(mtype, hw.ModuleType)
    return list(mtype.ports.data)


def constant_index(op: hw.ArrayGetOp) -> int | None:
    """The index of an `hw.array_get` if it is a constant (a zero-width index is 0)."""
    if bit_width(op.index.type) == 0:
        return 0
    index = op.index
    if isinstance(index, OpResult) and isinstance(index.op, hw.ConstantOp):
        return _constant_bits(index.op)[1]
    return None


def _base_name(op: Operation) -> str:
    """A readable name for a result without a name hint."""
    if isinstance(op, hw.ConstantOp):
        return "c"
    if isinstance(op, seq.CompRegOp):
        return "r"
    if isinstance(op, hw.ArrayGetOp):
        return "t"
    if op.results and op.results[0].uses and all(
        isinstance(u.operation, hw.ArrayGetOp) and u.index == 1 for u in op.results[0].uses
    ):
        return "idx"
    return op.name.split(".")[-1]


# ----------------------------------------------------------------------------- prepare


@dataclass(frozen=True)
class PrepareForVerilog(ModulePass):
    """Legalises rtl IR for the Verilog printer and names every signal.

    Removes dead pure ops, orders each module body so that values are defined before
    they are used (except through registers), chooses how every value is declared and
    its Verilog name, and records which signals have unread bits. Idempotent.
    """

    name = "prepare-for-verilog"

    primitives: str = "none"
    """Vendor LUT primitives for mapped tables: `none` or `xilinx` (see PRIMITIVE_FAMILIES)."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if self.primitives not in PRIMITIVE_FAMILIES:
            raise LutoptError(
                f"unknown primitives '{self.primitives}' (choose from {', '.join(PRIMITIVE_FAMILIES)})"
            )
        modules: list[Operation] = []
        for child in op.ops:
            if isinstance(child, (hw.HWModuleOp, hw.HWModuleExternOp)):
                modules.append(child)
            else:
                raise LutoptError(f"cannot emit '{child.name}' as Verilog", child)
        module_names = Namespace()
        for m in modules:
            if isinstance(m, hw.HWModuleExternOp):
                verilog_name = m.verilog_name.data if m.verilog_name else m.sym_name.data
                if not _IDENTIFIER.match(verilog_name) or verilog_name in VERILOG_KEYWORDS:
                    raise LutoptError(
                        f"external module name '{verilog_name}' is not a legal Verilog identifier", m
                    )
                module_names.taken.add(verilog_name)
        for m in modules:
            if isinstance(m, hw.HWModuleOp):
                m.attributes[ATTR_MODULE_NAME] = StringAttr(module_names.claim(m.sym_name.data))
                _prepare_ports(m)
        for m in modules:
            if isinstance(m, hw.HWModuleOp):
                _prepare_body(m, self.primitives)


def _prepare_ports(module: hw.HWModuleOp) -> None:
    if module.parameters is not None and module.parameters.data:
        raise LutoptError("cannot emit a parameterized 'hw.module' as Verilog", module)
    names = Namespace()
    port_names = []
    for port in _module_ports(module):
        if bit_width(port.type) in (None, 0):
            raise LutoptError(
                f"cannot emit port '{port.port_name.data}' of type {port.type} as Verilog", module
            )
        port_names.append(names.claim(port.port_name.data))
    module.attributes[ATTR_PORTS] = _string_array(port_names)


def _is_dead(op: Operation) -> bool:
    if op.name in ("hw.output", "hw.instance") or not op.results:
        return False
    return all(not r.uses for r in op.results)


def _remove_dead_ops(module: hw.HWModuleOp) -> None:
    changed = True
    while changed:
        changed = False
        for op in reversed(list(module.body.block.ops)):
            if _is_dead(op):
                op.detach()
                op.erase()
                changed = True


def _order_ops(module: hw.HWModuleOp) -> None:
    """Reorders the body so that every operand except a register's is defined earlier."""
    block = module.body.block
    ops = list(block.ops)
    position = {op: i for i, op in enumerate(ops)}

    def deps(op: Operation) -> list[Operation]:
        if isinstance(op, seq.CompRegOp):
            return []
        result = []
        for v in op.operands:
            if isinstance(v, OpResult) and v.op in position and not isinstance(v.op, seq.CompRegOp):
                result.append(v.op)
        return result

    if all(position[d] < position[op] for op in ops for d in deps(op)):
        return
    # Depth-first topological order, keeping the original order where it is free.
    order: list[Operation] = []
    state: dict[Operation, int] = {}  # 1: in progress, 2: done
    for root in ops:
        if state.get(root):
            continue
        stack: list[tuple[Operation, int]] = [(root, 0)]
        state[root] = 1
        while stack:
            op, i = stack.pop()
            ds = deps(op)
            if i < len(ds):
                stack.append((op, i + 1))
                d = ds[i]
                if state.get(d) == 1:
                    raise LutoptError("cannot emit a combinational cycle as Verilog", d)
                if not state.get(d):
                    state[d] = 1
                    stack.append((d, 0))
            else:
                state[op] = 2
                order.append(op)
    terminator = block.last_op
    for op in ops:
        op.detach()
    for op in order:
        if op is not terminator:
            block.add_op(op)
    assert terminator is not None
    block.add_op(terminator)


def _constant_kind(op: hw.ConstantOp) -> str:
    """`inline` if every use can take a literal, `param` otherwise."""
    width, _ = _constant_bits(op)
    if width > INLINE_CONSTANT_MAX_BITS:
        return "param"
    for use in op.result.uses:
        user = use.operation
        if isinstance(user, (comb.ExtractOp, hw.BitcastOp)):
            return "param"  # a part-select or index needs a name
        if isinstance(user, hw.ArrayGetOp) and use.index == 0:
            return "param"
    return "inline"


def _primitive_lut_size(op: hw.ArrayGetOp, root: SSAValue) -> int | None:
    """k when `op` reads one bit of a constant table column of 2^k entries (1 <= k <= 6)
    by a variable index, so that it can be a LUTk primitive; None otherwise."""
    if not isinstance(root, OpResult) or not isinstance(root.op, hw.ConstantOp):
        return None
    if constant_index(op) is not None or _width_of(op.result, op) != 1:
        return None
    k = _width_of(op.index, op)
    size = _width_of(root, root.op)
    return k if 1 <= k <= 6 and size == 1 << k else None


def _prepare_body(module: hw.HWModuleOp, primitives: str = "none") -> None:
    block = module.body.block
    for op in block.ops:
        if op.name not in SUPPORTED_OPS:
            raise LutoptError(f"cannot emit '{op.name}' as Verilog", op)
        if isinstance(op, seq.CompRegOp) and op.power_on_value is not None:
            raise LutoptError(f"cannot emit '{op.name}' with a power-on value as Verilog", op)
        for r in op.results:
            _width_of(r, op)
    _remove_dead_ops(module)
    _order_ops(module)

    ports = _module_ports(module)
    port_names = _strings(module.attributes[ATTR_PORTS])
    in_names = [n for n, p in zip(port_names, ports) if p.dir.data == hw.Direction.INPUT]
    out_names = [n for n, p in zip(port_names, ports) if p.dir.data == hw.Direction.OUTPUT]
    output = block.last_op
    assert isinstance(output, hw.OutputOp)

    # How each result is declared, and which results drive an output port directly.
    kinds: dict[SSAValue, str] = {}
    bound: dict[SSAValue, str] = {}
    output_regs: list[str] = []
    for op in block.ops:
        if isinstance(op, hw.OutputOp):
            continue
        for r in op.results:
            if isinstance(op, hw.ConstantOp):
                kind = _constant_kind(op)
            elif isinstance(op, hw.BitcastOp):
                kind = "alias"
            elif isinstance(op, seq.CompRegOp):
                kind = "reg"
            else:
                kind = "wire"
            uses = list(r.uses)
            if kind in ("wire", "reg") and len(uses) == 1 and uses[0].operation is output:
                bound[r] = out_names[uses[0].index]
                if kind == "reg":
                    output_regs.append(bound[r])
                kind = "port"
            kinds[r] = kind

    # Names: ports first, then results with a usable name hint, then the rest.
    names = Namespace(port_names)
    value_names: dict[SSAValue, str] = {}
    for arg, name in zip(block.args, in_names):
        value_names[arg] = name
    for r, name in bound.items():
        value_names[r] = name

    def alias_root(v: SSAValue) -> SSAValue:
        while isinstance(v, OpResult) and kinds.get(v) == "alias":
            v = v.op.operands[0]
        return v

    def hint_of(r: OpResult) -> str | None:
        if r.name_hint:
            return r.name_hint
        if isinstance(r.op, hw.ConstantOp):
            # A table column: name it after its bitcast, or after the bit it computes.
            for use in r.uses:
                if isinstance(use.operation, hw.BitcastOp):
                    cast = use.operation.result
                    if cast.name_hint:
                        return cast.name_hint
                    for get in cast.uses:
                        if isinstance(get.operation, hw.ArrayGetOp) and get.operation.result.name_hint:
                            return get.operation.result.name_hint + "_table"
                    return "tbl"
        return None

    named = [
        r
        for op in block.ops
        for r in op.results
        if kinds[r] in ("param", "wire", "reg") and r not in value_names
    ]
    for r in named:
        hint = hint_of(r)
        if hint is not None:
            value_names[r] = names.claim(hint)
    for r in named:
        if r not in value_names:
            value_names[r] = names.claim(_base_name(r.op))
    for op in block.ops:
        for r in op.results:
            if kinds.get(r) == "alias":
                value_names[r] = value_names.get(alias_root(r), "")
    instance_names = {
        op: names.claim(op.instance_name.data) for op in block.ops if isinstance(op, hw.InstanceOp)
    }
    primitive_ops: dict[Operation, str] = {}
    if primitives == "xilinx":
        for op in block.ops:
            if isinstance(op, hw.ArrayGetOp) and (k := _primitive_lut_size(op, alias_root(op.input))):
                primitive_ops[op] = f"LUT{k}"
                instance_names[op] = names.claim(value_names[op.result] + "_lut")

    # Bits that are read, per signal (a signal is the root of an alias chain).
    read: dict[SSAValue, int] = {}

    def mark(v: SSAValue, bits: int) -> None:
        root = alias_root(v)
        read[root] = read.get(root, 0) | bits

    for op in block.ops:
        for v in op.operands:
            if isinstance(op, hw.BitcastOp):
                continue  # read where the alias is read
            w = _width_of(v, op)
            if isinstance(op, comb.ExtractOp):
                ow = _width_of(op.result, op)
                mark(v, ((1 << ow) - 1) << op.low_bit.value.data)
            elif isinstance(op, hw.ArrayGetOp) and v is op.input and (k := constant_index(op)) is not None:
                ow = _width_of(op.result, op)
                mark(v, ((1 << ow) - 1) << (k * ow))
            else:
                mark(v, (1 << w) - 1)
    unused: list[str] = []
    signals: list[SSAValue] = list(block.args) + [
        r for op in block.ops for r in op.results if kinds.get(r) in ("wire", "reg", "port")
    ]
    for v in signals:
        w = _width_of(v, module)
        if read.get(v, 0) & ((1 << w) - 1) != (1 << w) - 1:
            if kinds.get(v) == "port":
                continue  # read from outside
            unused.append(value_names[v])

    # Store everything on the IR.
    for arg, name in zip(block.args, in_names):
        arg.name_hint = name
    for op in block.ops:
        if not op.results:
            continue
        op_names = []
        for r in op.results:
            name = "" if kinds[r] == "inline" else value_names[r]
            op_names.append(name)
            if name and kinds[r] != "alias":
                r.name_hint = name
        op.attributes[ATTR_NAMES] = _string_array(op_names)
        op.attributes[ATTR_KINDS] = _string_array(kinds[r] for r in op.results)
        if op in instance_names:
            op.attributes[ATTR_INSTANCE_NAME] = StringAttr(instance_names[op])
        if op in primitive_ops:
            op.attributes[ATTR_PRIMITIVE] = StringAttr(primitive_ops[op])
        else:
            op.attributes.pop(ATTR_PRIMITIVE, None)
    module.attributes[ATTR_OUTPUT_REGS] = _string_array(output_regs)
    module.attributes[ATTR_UNUSED] = _string_array(unused)


# ----------------------------------------------------------------------------- printer


class _ModulePrinter:
    """Prints one prepared `hw.module`; reads the IR and its attributes only."""

    def __init__(self, module: hw.HWModuleOp, modules: dict[str, Operation]):
        self.module = module
        self.modules = modules
        self.ports = _module_ports(module)
        self.port_names = _strings(module.attributes.get(ATTR_PORTS))
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
        self.unused = set(_strings(module.attributes.get(ATTR_UNUSED)))
        self.output_regs = set(_strings(module.attributes.get(ATTR_OUTPUT_REGS)))
        self.lines: list[str] = []

    # -- values
    def kind(self, v: SSAValue) -> str:
        if isinstance(v, BlockArgument):
            return "input"
        assert isinstance(v, OpResult)
        kinds = _strings(v.op.attributes.get(ATTR_KINDS))
        if len(kinds) != len(v.op.results):
            raise LutoptError(
                f"'{v.op.name}' was not prepared for Verilog (run prepare-for-verilog first)", v.op
            )
        return kinds[v.index]

    def name(self, v: SSAValue) -> str:
        if isinstance(v, BlockArgument):
            return self.in_names[v.index]
        assert isinstance(v, OpResult)
        return _strings(v.op.attributes.get(ATTR_NAMES))[v.index]

    def expr(self, v: SSAValue) -> str:
        """A value as an operand: its name, or a literal for an inlined constant."""
        if self.kind(v) == "inline":
            assert isinstance(v, OpResult) and isinstance(v.op, hw.ConstantOp)
            return hex_literal(*_constant_bits(v.op))
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
        if op.name in _COMB_BINARY:
            return f" {_COMB_BINARY[op.name]} ".join(self.expr(v) for v in op.operands)
        if op.name in _COMB_SIGNED_BINARY:
            lhs, rhs = op.operands
            symbol = _COMB_SIGNED_BINARY[op.name]
            if op.name == "comb.shrs":
                return f"{self.signed(lhs)} {symbol} {self.expr(rhs)}"
            return f"{self.signed(lhs)} {symbol} {self.signed(rhs)}"
        if isinstance(op, comb.ICmpOp):
            predicate = op.predicate.value.data
            if predicate not in _ICMP:
                raise LutoptError(f"cannot emit '{op.name}' predicate {predicate} as Verilog", op)
            symbol, is_signed = _ICMP[predicate]
            operand = self.signed if is_signed else self.expr
            return f"{operand(op.lhs)} {symbol} {operand(op.rhs)}"
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
            n = _width_of(op.result, op) // _width_of(op.input, op)
            return f"{{{n}{{{self.expr(op.input)}}}}}"
        if isinstance(op, comb.ExtractOp):
            lo = op.low_bit.value.data
            w = _width_of(op.result, op)
            if lo == 0 and w == _width_of(op.input, op):
                return self.expr(op.input)
            if w == 1:
                return f"{self.name(op.input)}[{lo}]"
            return f"{self.name(op.input)}[{lo + w - 1}:{lo}]"
        if isinstance(op, comb.MuxOp):
            return f"{self.expr(op.cond)} ? {self.expr(op.true_value)} : {self.expr(op.false_value)}"
        if isinstance(op, hw.ArrayGetOp):
            array = self.name(op.input)
            w = _width_of(op.result, op)
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
        latency = module_latency(module)
        has_clock = any(isinstance(p.type, seq.ClockType) for p in self.ports)
        out = self.lines
        if latency is not None:
            out.append(f"// latency: {latency} cycles")
        elif not has_clock:
            out.append("// combinational")

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
                w, value = _constant_bits(op)
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
                w = _width_of(op.data, op)
                self.declare(f"reg {range_decl(w)}{self.name(op.data)};", self.name(op.data))
            if isinstance(op, hw.InstanceOp):
                for r in op.results:
                    if self.kind(r) == "wire":
                        w = _width_of(r, op)
                        self.declare(f"wire {range_decl(w)}{self.name(r)};", self.name(r))
        if len(out) > first:
            out.append("")

        # Combinational logic and instances, in order.
        first = len(out)
        for op in ops:
            if ATTR_PRIMITIVE in op.attributes:
                self.print_primitive(op)
            elif op.name in _EXPRESSION_OPS:
                r = op.results[0]
                w = _width_of(r, op)
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
        k = _width_of(op.index, op)
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
                zip((p.port_name.data for p in _module_ports(callee)), _strings(callee.attributes.get(ATTR_PORTS)))
            )
        else:
            assert isinstance(callee, hw.HWModuleExternOp)
            callee_verilog = callee.verilog_name.data if callee.verilog_name else callee.sym_name.data
            callee_ports = {p.port_name.data: p.port_name.data for p in _module_ports(callee)}
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
