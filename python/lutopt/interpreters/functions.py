"""The functions of a module as the lut/rtl interpreter (`lutopt.interpreters.core`) sees
them: their `Signature` (ports of at most `MAX_PORT_WIDTH` bits, the clock port apart,
the `lutopt.latency` of a pipeline) and their lookup by name.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.dialects.builtin import IntegerType, ModuleOp
from xdsl.ir import Attribute, Operation

from lutopt.diagnostics import LutoptError
from lutopt.ir.latency import latency_of

MAX_PORT_WIDTH = 64
"""Function inputs and outputs are at most this wide (one uint64 per lane)."""


class SimulationUnsupported(LutoptError):
    """The interpreter does not know an op or a type (as opposed to a broken design)."""


@dataclass(frozen=True)
class Signature:
    """The interface of a top-level function as the interpreter sees it."""

    name: str
    input_widths: tuple[int, ...]
    output_widths: tuple[int, ...]
    input_names: tuple[str, ...]
    output_names: tuple[str, ...]
    latency: int = 0
    is_hw_module: bool = False
    has_clock: bool = False
    """An hw.module with a `!seq.clock` port (the port is not among the inputs)."""

    @property
    def input_bits(self) -> int:
        return sum(self.input_widths)

    @property
    def pipelined(self) -> bool:
        return self.has_clock


def is_clock(type_: Attribute) -> bool:
    from xdsl.dialects.seq import ClockType

    return isinstance(type_, ClockType)


def _function_ops(module: ModuleOp) -> list[Operation]:
    return [op for op in module.ops if op.name in ("func.func", "hw.module")]


def function_names(module: ModuleOp) -> list[str]:
    """Names of the top-level functions (func.func and hw.module), in order."""
    return [sym_name(op) for op in _function_ops(module)]


def sym_name(op: Operation) -> str:
    return op.sym_name.data  # type: ignore[attr-defined]


def find_function(module: ModuleOp, name: str | None = None) -> Operation:
    ops = _function_ops(module)
    if name is None:
        if not ops:
            raise LutoptError("no func.func or hw.module to simulate", module)
        return ops[0]
    for op in ops:
        if sym_name(op) == name:
            return op
    raise LutoptError(f"no function named @{name}", module)


def _port_width(type_: Attribute, what: str, op: Operation) -> int:
    if not isinstance(type_, IntegerType) or type_.width.data > MAX_PORT_WIDTH:
        raise SimulationUnsupported(
            f"cannot simulate @{sym_name(op)}: {what} has type {type_}; "
            f"only integers of at most {MAX_PORT_WIDTH} bits are supported",
            op,
        )
    return type_.width.data


def signature_of(op: Operation) -> Signature:
    """The `Signature` of a func.func or hw.module op."""
    name = sym_name(op)
    if op.name == "hw.module":
        from xdsl.dialects.hw import Direction

        ins: list[tuple[str, Attribute]] = []
        outs: list[tuple[str, Attribute]] = []
        for port in op.module_type.ports.data:  # type: ignore[attr-defined]
            entry = (port.port_name.data, port.type)
            (ins if port.dir.data == Direction.INPUT else outs).append(entry)
        has_clock = any(is_clock(t) for _, t in ins)
        data_ins = [(n, t) for n, t in ins if not is_clock(t)]
        in_widths = tuple(_port_width(t, f"input '{n}'", op) for n, t in data_ins)
        out_widths = tuple(_port_width(t, f"output '{n}'", op) for n, t in outs)
        return Signature(
            name,
            in_widths,
            out_widths,
            tuple(n for n, _ in data_ins),
            tuple(n for n, _ in outs),
            latency_of(op),
            True,
            has_clock,
        )
    if op.name == "func.func":
        ftype = op.function_type  # type: ignore[attr-defined]
        args = op.body.block.args if op.regions and op.body.blocks else ()  # type: ignore[attr-defined]
        in_names = tuple(
            (args[i].name_hint if i < len(args) and args[i].name_hint else f"arg{i}")
            for i in range(len(ftype.inputs.data))
        )
        in_widths = tuple(
            _port_width(t, f"argument #{i}", op) for i, t in enumerate(ftype.inputs.data)
        )
        out_widths = tuple(
            _port_width(t, f"result #{i}", op) for i, t in enumerate(ftype.outputs.data)
        )
        return Signature(
            name,
            in_widths,
            out_widths,
            in_names,
            tuple(f"result{i}" for i in range(len(out_widths))),
            latency_of(op),
            False,
            False,
        )
    raise SimulationUnsupported(f"cannot simulate '{op.name}' as a function", op)


def function_signature(module: ModuleOp, name: str | None = None) -> Signature:
    """The signature of the function `name` (default: the first top-level function)."""
    return signature_of(find_function(module, name))
