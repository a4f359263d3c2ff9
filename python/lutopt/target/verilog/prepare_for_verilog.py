"""`prepare-for-verilog`: legalises rtl IR for the Verilog printer and names every signal
(CIRCT's PrepareForEmission and LegalizeNames).

For each module body, one step each:

1. `_check_emittable`: every op is one the printer (and the interpreter) knows
   (`lutopt.ir.comb.RTL_OPS`), every value has a width;
2. `_remove_dead_ops`: pure ops whose results are unused go;
3. `_order_ops`: every value is defined before it is used, except through registers
   (`lutopt.ir.order`);
4. `_choose_kinds`: how every value appears in the Verilog (`KINDS`: inlined, a
   `localparam`, a `wire`, a `reg`, an output port, or another name for its operand);
5. `_choose_names`: a legal, unique identifier for every named value, instance and LUT
   primitive, from the SSA name hint where there is one, avoiding keywords and the
   module's port names;
6. `_unused_signals`: the signals some of whose bits are never read (the printer
   silences Verilator's UNUSEDSIGNAL for exactly those);
7. `_store`: everything as attributes (`ATTR_*`), the names also as name hints.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xdsl.context import Context
from xdsl.dialects import comb, hw, seq
from xdsl.dialects.builtin import ArrayAttr, ModuleOp, StringAttr
from xdsl.ir import Block, Operation, OpResult, SSAValue
from xdsl.passes import ModulePass

from lutopt.diagnostics import LutoptError
from lutopt.ir.comb import RTL_OPS
from lutopt.ir.order import topological_order
from lutopt.target.verilog.attributes import (
    ATTR_INSTANCE_NAME,
    ATTR_KINDS,
    ATTR_MODULE_NAME,
    ATTR_NAMES,
    ATTR_OUTPUT_REGS,
    ATTR_PORTS,
    ATTR_PRIMITIVE,
    ATTR_UNUSED,
    PRIMITIVE_FAMILIES,
    string_array,
    strings,
)
from lutopt.target.verilog.names import VerilogNamespace, is_legal_identifier
from lutopt.target.verilog.values import bit_width, constant_bits, constant_index, module_ports, width_of

INLINE_CONSTANT_MAX_BITS = 64
"""Constants at most this wide are printed as literals where used (if they can be)."""

SUPPORTED_OPS = frozenset(RTL_OPS)
"""The ops the Verilog target prints: those of `lutopt.ir.comb.RTL_OPS`."""


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
        module_names = VerilogNamespace()
        for m in modules:
            if isinstance(m, hw.HWModuleExternOp):
                verilog_name = m.verilog_name.data if m.verilog_name else m.sym_name.data
                if not is_legal_identifier(verilog_name):
                    raise LutoptError(
                        f"external module name '{verilog_name}' is not a legal Verilog identifier", m
                    )
                module_names.add(verilog_name)
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
    names = VerilogNamespace()
    port_names = []
    for port in module_ports(module):
        if bit_width(port.type) in (None, 0):
            raise LutoptError(
                f"cannot emit port '{port.port_name.data}' of type {port.type} as Verilog", module
            )
        port_names.append(names.claim(port.port_name.data))
    module.attributes[ATTR_PORTS] = string_array(port_names)


@dataclass
class _Body:
    """What is decided about one module body."""

    module: hw.HWModuleOp
    in_names: list[str]
    out_names: list[str]
    kinds: dict[SSAValue, str] = field(default_factory=dict)
    bound: dict[SSAValue, str] = field(default_factory=dict)
    """Results that drive an output port directly, and the port."""
    output_regs: list[str] = field(default_factory=list)
    value_names: dict[SSAValue, str] = field(default_factory=dict)
    instance_names: dict[Operation, str] = field(default_factory=dict)
    primitive_ops: dict[Operation, str] = field(default_factory=dict)
    unused: list[str] = field(default_factory=list)

    @property
    def block(self) -> Block:
        return self.module.body.block

    def alias_root(self, v: SSAValue) -> SSAValue:
        """The signal `v` is another name for (itself unless it is a bitcast)."""
        while isinstance(v, OpResult) and self.kinds.get(v) == "alias":
            v = v.op.operands[0]
        return v


def _prepare_body(module: hw.HWModuleOp, primitives: str = "none") -> None:
    _check_emittable(module)
    _remove_dead_ops(module)
    _order_ops(module)
    ports = module_ports(module)
    port_names = strings(module.attributes[ATTR_PORTS])
    body = _Body(
        module,
        [n for n, p in zip(port_names, ports) if p.dir.data == hw.Direction.INPUT],
        [n for n, p in zip(port_names, ports) if p.dir.data == hw.Direction.OUTPUT],
    )
    _choose_kinds(body)
    _choose_names(body, port_names, primitives)
    _unused_signals(body)
    _store(body)


# ----------------------------------------------------------------------------- 1-3: legalise


def _check_emittable(module: hw.HWModuleOp) -> None:
    for op in module.body.block.ops:
        if op.name not in SUPPORTED_OPS:
            raise LutoptError(f"cannot emit '{op.name}' as Verilog", op)
        if isinstance(op, seq.CompRegOp) and op.power_on_value is not None:
            raise LutoptError(f"cannot emit '{op.name}' with a power-on value as Verilog", op)
        for r in op.results:
            width_of(r, op)


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
    order = topological_order(
        block, ops, loop_error=lambda d: LutoptError("cannot emit a combinational cycle as Verilog", d)
    )
    if order == ops:
        return
    terminator = block.last_op
    for op in ops:
        op.detach()
    for op in order:
        if op is not terminator:
            block.add_op(op)
    assert terminator is not None
    block.add_op(terminator)


# ----------------------------------------------------------------------------- 4: kinds


def _constant_kind(op: hw.ConstantOp) -> str:
    """`inline` if every use can take a literal, `param` otherwise."""
    width, _ = constant_bits(op)
    if width > INLINE_CONSTANT_MAX_BITS:
        return "param"
    for use in op.result.uses:
        user = use.operation
        if isinstance(user, (comb.ExtractOp, hw.BitcastOp)):
            return "param"  # a part-select or index needs a name
        if isinstance(user, hw.ArrayGetOp) and use.index == 0:
            return "param"
    return "inline"


def _choose_kinds(body: _Body) -> None:
    """How each result is declared, and which results drive an output port directly."""
    output = body.block.last_op
    assert isinstance(output, hw.OutputOp)
    for op in body.block.ops:
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
                body.bound[r] = body.out_names[uses[0].index]
                if kind == "reg":
                    body.output_regs.append(body.bound[r])
                kind = "port"
            body.kinds[r] = kind


# ----------------------------------------------------------------------------- 5: names


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


def _hint_of(r: OpResult) -> str | None:
    """The name a result asks for: its name hint, or for a table column, its bitcast's or
    the name of the bit it computes."""
    if r.name_hint:
        return r.name_hint
    if isinstance(r.op, hw.ConstantOp):
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


def _primitive_lut_size(op: hw.ArrayGetOp, root: SSAValue) -> int | None:
    """k when `op` reads one bit of a constant table column of 2^k entries (1 <= k <= 6)
    by a variable index, so that it can be a LUTk primitive; None otherwise."""
    if not isinstance(root, OpResult) or not isinstance(root.op, hw.ConstantOp):
        return None
    if constant_index(op) is not None or width_of(op.result, op) != 1:
        return None
    k = width_of(op.index, op)
    size = width_of(root, root.op)
    return k if 1 <= k <= 6 and size == 1 << k else None


def _choose_names(body: _Body, port_names: list[str], primitives: str) -> None:
    """Ports first, then results with a usable name hint, then the rest; then instances
    and LUT primitives."""
    block, kinds, value_names = body.block, body.kinds, body.value_names
    names = VerilogNamespace(port_names)
    for arg, name in zip(block.args, body.in_names):
        value_names[arg] = name
    for r, name in body.bound.items():
        value_names[r] = name
    named = [
        r
        for op in block.ops
        for r in op.results
        if kinds[r] in ("param", "wire", "reg") and r not in value_names
    ]
    for r in named:
        hint = _hint_of(r)
        if hint is not None:
            value_names[r] = names.claim(hint)
    for r in named:
        if r not in value_names:
            value_names[r] = names.claim(_base_name(r.op))
    for op in block.ops:
        for r in op.results:
            if kinds.get(r) == "alias":
                value_names[r] = value_names.get(body.alias_root(r), "")
    body.instance_names.update(
        (op, names.claim(op.instance_name.data)) for op in block.ops if isinstance(op, hw.InstanceOp)
    )
    if primitives == "xilinx":
        for op in block.ops:
            if isinstance(op, hw.ArrayGetOp) and (k := _primitive_lut_size(op, body.alias_root(op.input))):
                body.primitive_ops[op] = f"LUT{k}"
                body.instance_names[op] = names.claim(value_names[op.result] + "_lut")


# ----------------------------------------------------------------------------- 6: unread bits


def _unused_signals(body: _Body) -> None:
    """The signals (a signal is the root of an alias chain) some of whose bits are never
    read, output ports excepted (they are read from outside)."""
    block, kinds = body.block, body.kinds
    read: dict[SSAValue, int] = {}

    def mark(v: SSAValue, bits: int) -> None:
        root = body.alias_root(v)
        read[root] = read.get(root, 0) | bits

    for op in block.ops:
        for v in op.operands:
            if isinstance(op, hw.BitcastOp):
                continue  # read where the alias is read
            w = width_of(v, op)
            if isinstance(op, comb.ExtractOp):
                ow = width_of(op.result, op)
                mark(v, ((1 << ow) - 1) << op.low_bit.value.data)
            elif isinstance(op, hw.ArrayGetOp) and v is op.input and (k := constant_index(op)) is not None:
                ow = width_of(op.result, op)
                mark(v, ((1 << ow) - 1) << (k * ow))
            else:
                mark(v, (1 << w) - 1)
    signals: list[SSAValue] = list(block.args) + [
        r for op in block.ops for r in op.results if kinds.get(r) in ("wire", "reg", "port")
    ]
    for v in signals:
        w = width_of(v, body.module)
        if read.get(v, 0) & ((1 << w) - 1) != (1 << w) - 1:
            if kinds.get(v) == "port":
                continue  # read from outside
            body.unused.append(body.value_names[v])


# ----------------------------------------------------------------------------- 7: store


def _store(body: _Body) -> None:
    block, kinds, value_names = body.block, body.kinds, body.value_names
    arrays: dict[tuple[str, ...], ArrayAttr[StringAttr]] = {}

    def shared_array(names) -> ArrayAttr[StringAttr]:
        """An array attribute of `names`, shared by every op that records the same strings
        (a module of 100k ops has a handful of distinct kind lists)."""
        key = tuple(names)
        attr = arrays.get(key)
        if attr is None:
            attr = arrays[key] = ArrayAttr([StringAttr(n) for n in key])
        return attr

    for arg, name in zip(block.args, body.in_names):
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
        op.attributes[ATTR_NAMES] = shared_array(op_names)
        op.attributes[ATTR_KINDS] = shared_array(kinds[r] for r in op.results)
        if op in body.instance_names:
            op.attributes[ATTR_INSTANCE_NAME] = StringAttr(body.instance_names[op])
        if op in body.primitive_ops:
            op.attributes[ATTR_PRIMITIVE] = StringAttr(body.primitive_ops[op])
        else:
            op.attributes.pop(ATTR_PRIMITIVE, None)
    body.module.attributes[ATTR_OUTPUT_REGS] = shared_array(body.output_regs)
    body.module.attributes[ATTR_UNUSED] = shared_array(body.unused)
