"""The `gate` dialect: a whole combinational netlist of two-input gates as one op.

`gate.netlist` takes the netlist's inputs as `i1` operands and yields its outputs as
`i1` results. The netlist itself lives in four properties, stored as arrays (the bytes
of dense attributes), so that a network of hundreds of thousands of gates costs one op:

- `fn`: `tensor<G x i8>`, the function of each gate, 0..15 in difflogic's numbering
  (the truth table read as a 4-bit number with f(0,0) most significant: 0 false,
  1 a&b, 2 a&~b, 3 a, 4 ~a&b, 5 b, 6 a^b, 7 a|b, 8 ~(a|b), 9 ~(a^b), 10 ~b, 11 a|~b,
  12 ~a, 13 ~a|b, 14 ~(a&b), 15 true);
- `a`, `b`: `tensor<G x i32>`, the fanin nodes of each gate;
- `outputs`: `tensor<O x i32>`, one literal per result, `2 * node + complemented`.

Nodes are numbered as in `lutopt.logic.netlist.GateNetlist`: node 0 is constant false,
nodes 1..I are the operands, node I+1+g is gate g; a gate's fanins are earlier nodes, so
the netlist is acyclic and its gates are in topological order.

Custom form, one line per gate while the netlist is small (inputs are `i0..i{I-1}`,
gates `g0..`, the constant node is `false`, `!` complements an output):

    %y:2 = gate.netlist(%a, %b, %c) {
      g0 = and i0, i1
      g1 = xor g0, i2
      output g1, !g0
    } : (i1, i1, i1) -> (i1, i1)

Gate names in hand-written input may be any identifier (`sum = xor x, cin`), as long as
each gate only uses inputs and earlier gates. Netlists of more than
`LINE_FORM_MAX_GATES` gates print compactly, the columns `fn`, `a`, `b` (one byte,
four bytes, four bytes per gate, little-endian) concatenated in one hex string and the
output literals in another:

    %y:2 = gate.netlist(%a, %b, %c) gates "0x0106..." outputs "0x0A000000..." : (...) -> (...)

The generic form (`<{fn = dense<...> : tensor<Gxi8>, a = ..., b = ..., outputs = ...}>`)
also parses; xDSL prints dense attributes of more than 100 elements in hex.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from xdsl.dialects.builtin import (
    BytesAttr,
    DenseIntOrFPElementsAttr,
    IntegerType,
    Signedness,
    TensorType,
    i1,
)
from xdsl.ir import Attribute, Dialect, Operation, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    irdl_op_definition,
    prop_def,
    traits_def,
    var_operand_def,
    var_result_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.mlir_lexer import MLIRTokenKind

from lutopt.logic.netlist import GATE_NAMES, GateNetlist

LINE_FORM_MAX_GATES = 256
"""Netlists with at most this many gates (and `LINE_FORM_MAX_OUTPUTS` outputs) print one
line per gate; larger ones print as hex."""

LINE_FORM_MAX_OUTPUTS = 1024

_FN_BY_NAME = {name: k for k, name in enumerate(GATE_NAMES)}


def _dense(values: np.ndarray, width: int) -> DenseIntOrFPElementsAttr:
    """A one-dimensional dense attribute of `i<width>` built from the array's bytes."""
    dtype = "<u1" if width == 8 else "<i4"
    data = np.ascontiguousarray(values, dtype=dtype).tobytes()
    return DenseIntOrFPElementsAttr(TensorType(IntegerType(width), [len(values)]), BytesAttr(data))


def _column(attr: DenseIntOrFPElementsAttr, dtype: str) -> np.ndarray:
    return np.frombuffer(attr.data.data, dtype=dtype)


def _is_i1(t: Attribute) -> bool:
    return isinstance(t, IntegerType) and t.width.data == 1 and t.signedness.data == Signedness.SIGNLESS


@irdl_op_definition
class GateNetlistOp(IRDLOperation):
    """A combinational netlist of two-input gates; operands are its inputs, results its outputs."""

    name = "gate.netlist"

    inputs = var_operand_def()
    outs = var_result_def()

    fn = prop_def(DenseIntOrFPElementsAttr)
    a = prop_def(DenseIntOrFPElementsAttr)
    b = prop_def(DenseIntOrFPElementsAttr)
    outputs = prop_def(DenseIntOrFPElementsAttr)

    traits = traits_def(Pure())

    def __init__(
        self,
        inputs: Sequence[SSAValue | Operation],
        fn: DenseIntOrFPElementsAttr,
        a: DenseIntOrFPElementsAttr,
        b: DenseIntOrFPElementsAttr,
        outputs: DenseIntOrFPElementsAttr,
        attributes: dict[str, Attribute] | None = None,
        result_types: Sequence[Attribute] | None = None,
    ):
        super().__init__(
            operands=[list(inputs)],
            result_types=[list(result_types) if result_types is not None else [i1] * len(outputs)],
            properties={"fn": fn, "a": a, "b": b, "outputs": outputs},
            attributes=attributes,
        )

    @staticmethod
    def from_netlist(
        inputs: Sequence[SSAValue | Operation],
        net: GateNetlist,
        attributes: dict[str, Attribute] | None = None,
    ) -> GateNetlistOp:
        """Builds the op for `net`, whose inputs are `inputs` (one `i1` value per input)."""
        if len(inputs) != net.num_inputs:
            raise ValueError(f"the netlist has {net.num_inputs} inputs but {len(inputs)} values were given")
        problem = net.check()
        if problem is not None:
            raise ValueError(f"malformed netlist: {problem}")
        lits = 2 * np.asarray(net.outputs, dtype=np.int64) + np.asarray(net.output_neg, dtype=np.int64)
        return GateNetlistOp(
            inputs,
            _dense(np.asarray(net.fn), 8),
            _dense(np.asarray(net.a), 32),
            _dense(np.asarray(net.b), 32),
            _dense(lits, 32),
            attributes,
        )

    # ----------------------------------------------------------------- accessors
    @property
    def num_gates(self) -> int:
        return len(self.fn.data.data)

    def netlist(self) -> GateNetlist:
        """The netlist as arrays (read-only views of the properties' bytes)."""
        lits = _column(self.outputs, "<i4")
        return GateNetlist(
            num_inputs=len(self.inputs),
            fn=_column(self.fn, "<u1"),
            a=_column(self.a, "<i4"),
            b=_column(self.b, "<i4"),
            outputs=lits >> 1,
            output_neg=(lits & 1).astype(bool),
        )

    # ----------------------------------------------------------------- verifier
    def verify_(self) -> None:
        for i, v in enumerate(self.inputs):
            if not _is_i1(v.type):
                raise VerifyException(f"operand #{i} must be i1, got {v.type}")
        for i, r in enumerate(self.results):
            if not _is_i1(r.type):
                raise VerifyException(f"result #{i} must be i1, got {r.type}")
        for pname, width in (("fn", 8), ("a", 32), ("b", 32), ("outputs", 32)):
            attr = self.properties[pname]
            assert isinstance(attr, DenseIntOrFPElementsAttr)
            t = attr.type
            elt = t.get_element_type()
            if (
                not isinstance(t, TensorType)
                or len(t.get_shape()) != 1
                or not isinstance(elt, IntegerType)
                or elt.width.data != width
            ):
                raise VerifyException(f"'{pname}' must be a one-dimensional tensor of i{width}, got {t}")
        g = self.num_gates
        na, nb = len(self.a), len(self.b)
        if not (na == nb == g):
            raise VerifyException(f"'fn', 'a' and 'b' must have one entry per gate, got {g}, {na} and {nb}")
        if len(self.outputs) != len(self.results):
            raise VerifyException(
                f"'outputs' has {len(self.outputs)} entries but the op has {len(self.results)} results"
            )
        lits = _column(self.outputs, "<i4")
        if len(lits) and lits.min() < 0:
            k = int(np.flatnonzero(lits < 0)[0])
            raise VerifyException(f"output {k} has negative literal {int(lits[k])}")
        problem = self.netlist().check()
        if problem is not None:
            raise VerifyException(problem)

    # ----------------------------------------------------------------- custom form
    @classmethod
    def parse(cls, parser: Parser) -> GateNetlistOp:
        pos = parser.pos
        operands = parser.parse_comma_separated_list(parser.Delimiter.PAREN, parser.parse_unresolved_operand)
        num_inputs = len(operands)
        if parser.parse_optional_keyword("gates") is not None:
            fn, a, b, lits = _parse_hex_body(parser)
        else:
            fn, a, b, lits = _parse_line_body(parser, num_inputs)
        attributes = parser.parse_optional_attr_dict_with_keyword()
        parser.parse_punctuation(":")
        types_pos = parser.pos
        in_types = parser.parse_comma_separated_list(parser.Delimiter.PAREN, parser.parse_type)
        parser.parse_punctuation("->")
        out_types = parser.parse_comma_separated_list(parser.Delimiter.PAREN, parser.parse_type)
        if len(in_types) != num_inputs:
            parser.raise_error(f"{num_inputs} operands but {len(in_types)} operand types", types_pos, parser.pos)
        if len(out_types) != len(lits):
            parser.raise_error(
                f"{len(lits)} outputs but {len(out_types)} result types", types_pos, parser.pos
            )
        resolved = parser.resolve_operands(operands, in_types, pos)
        op = cls(
            resolved,
            _dense(fn, 8),
            _dense(a, 32),
            _dense(b, 32),
            _dense(lits, 32),
            dict(attributes.data) if attributes is not None else None,
            out_types,
        )
        return op

    def print(self, printer: Printer) -> None:
        printer.print_string("(")
        printer.print_list(self.inputs, printer.print_ssa_value)
        printer.print_string(")")
        if self.num_gates <= LINE_FORM_MAX_GATES and len(self.results) <= LINE_FORM_MAX_OUTPUTS:
            printer.print_string(" ")
            _print_lines(printer, self.netlist())
        else:
            data = self.fn.data.data + self.a.data.data + self.b.data.data
            printer.print_string(f' gates "0x{data.hex().upper()}"')
            printer.print_string(f' outputs "0x{self.outputs.data.data.hex().upper()}"')
        printer.print_op_attributes(self.attributes, print_keyword=True)
        printer.print_string(" : (")
        printer.print_list((v.type for v in self.inputs), printer.print_attribute)
        printer.print_string(") -> (")
        printer.print_list((r.type for r in self.results), printer.print_attribute)
        printer.print_string(")")


def netlist_of(op: GateNetlistOp) -> GateNetlist:
    """The `GateNetlist` that `op` holds."""
    return op.netlist()


def set_netlist(op: GateNetlistOp, net: GateNetlist) -> None:
    """Replaces the netlist `op` holds by `net`, which has the same numbers of inputs and
    outputs (the operands and results stay)."""
    if net.num_inputs != len(op.inputs) or net.num_outputs != len(op.results):
        raise ValueError(
            f"netlist with {net.num_inputs} inputs and {net.num_outputs} outputs cannot replace one with "
            f"{len(op.inputs)} and {len(op.results)}"
        )
    from lutopt.ir.layer import gate_layers_of, set_gate_layers

    layers = gate_layers_of(op)
    if layers is not None:  # the layer of each gate, carried over by simulation
        from lutopt.logic.layers import netlist_layers_after

        set_gate_layers(op, netlist_layers_after(op.netlist(), layers, net))
    lits = 2 * np.asarray(net.outputs, dtype=np.int64) + np.asarray(net.output_neg, dtype=np.int64)
    op.properties["fn"] = _dense(np.asarray(net.fn), 8)
    op.properties["a"] = _dense(np.asarray(net.a), 32)
    op.properties["b"] = _dense(np.asarray(net.b), 32)
    op.properties["outputs"] = _dense(lits, 32)


def transform_netlists(module: Operation, transform: Callable[[GateNetlist], GateNetlist]) -> None:
    """Applies `transform` to the netlist of every `gate.netlist` op in `module`."""
    for op in list(module.walk()):
        if isinstance(op, GateNetlistOp):
            set_netlist(op, transform(op.netlist()))


# --------------------------------------------------------------------- line form


def _node_name(node: int, num_inputs: int) -> str:
    if node == 0:
        return "false"
    if node <= num_inputs:
        return f"i{node - 1}"
    return f"g{node - 1 - num_inputs}"


def _print_lines(printer: Printer, net: GateNetlist) -> None:
    n = net.num_inputs
    lines = []
    for g, (f, x, y) in enumerate(zip(net.fn.tolist(), net.a.tolist(), net.b.tolist())):
        lines.append(f"\ng{g} = {GATE_NAMES[f]} {_node_name(x, n)}, {_node_name(y, n)}")
    outs = ", ".join(
        ("!" if neg else "") + _node_name(node, n)
        for node, neg in zip(net.outputs.tolist(), net.output_neg.tolist())
    )
    lines.append(f"\noutput {outs}" if outs else "\noutput")
    printer.print_string("{")
    with printer.indented():
        printer.print_string("".join(lines))
    printer.print_string("\n}")


def _parse_line_body(parser: Parser, num_inputs: int) -> tuple[np.ndarray, ...]:
    parser.parse_punctuation("{", " to start the netlist body (or `gates \"0x...\"`)")
    nodes: dict[str, int] = {"false": 0}
    nodes.update({f"i{k}": k + 1 for k in range(num_inputs)})
    fns: list[int] = []
    fa: list[int] = []
    fb: list[int] = []

    def operand() -> int:
        start = parser.pos
        ident = parser.parse_identifier(" (a node: false, i<k>, or an earlier gate)")
        node = nodes.get(ident)
        if node is None:
            parser.raise_error(
                f"'{ident}' is not defined (a gate may only use false, the inputs i0..i{num_inputs - 1} "
                f"and earlier gates)",
                start,
                parser.pos,
            )
        return node

    while parser.parse_optional_keyword("output") is None:
        start = parser.pos
        name = parser.parse_identifier(" (a gate name, or `output`)")
        if name in nodes:
            parser.raise_error(f"'{name}' is already defined", start, parser.pos)
        parser.parse_punctuation("=")
        fstart = parser.pos
        fname = parser.parse_identifier(" (a gate function)")
        f = _FN_BY_NAME.get(fname)
        if f is None:
            parser.raise_error(
                f"unknown gate function '{fname}' (expected one of {', '.join(GATE_NAMES)})",
                fstart,
                parser.pos,
            )
        x = operand()
        parser.parse_punctuation(",")
        y = operand()
        nodes[name] = num_inputs + 1 + len(fns)
        fns.append(f)
        fa.append(x)
        fb.append(y)
    lits: list[int] = []
    if parser.parse_optional_punctuation("}") is None:
        while True:
            tok = parser._parse_optional_token(MLIRTokenKind.EXCLAMATION_IDENT)  # pyright: ignore[reportPrivateUsage]
            if tok is not None:
                ident = tok.text[1:]
                node = nodes.get(ident)
                if node is None:
                    parser.raise_error(f"'{ident}' is not defined", tok.span)
                lits.append(2 * node + 1)
            else:
                lits.append(2 * operand())
            if parser.parse_optional_punctuation(",") is None:
                break
        parser.parse_punctuation("}", " to end the netlist body")
    return (
        np.array(fns, dtype=np.uint8),
        np.array(fa, dtype=np.int32),
        np.array(fb, dtype=np.int32),
        np.array(lits, dtype=np.int32),
    )


def _parse_hex(parser: Parser, what: str) -> bytes:
    start = parser.pos
    text = parser.parse_str_literal(f" (the {what} as hex, \"0x...\")")
    if not text.startswith("0x"):
        parser.raise_error(f"the {what} must be a hex string starting with 0x", start, parser.pos)
    try:
        return bytes.fromhex(text[2:])
    except ValueError:
        parser.raise_error(f"malformed hex in the {what}", start, parser.pos)


def _parse_hex_body(parser: Parser) -> tuple[np.ndarray, ...]:
    start = parser.pos
    data = _parse_hex(parser, "gates")
    end = parser.pos
    if len(data) % 9:
        parser.raise_error(
            f"the gates hold {len(data)} bytes, not a multiple of 9 (fn: 1 byte, a and b: 4 bytes per gate)",
            start,
            end,
        )
    g = len(data) // 9
    fn = np.frombuffer(data, dtype="<u1", count=g)
    a = np.frombuffer(data, dtype="<i4", count=g, offset=g)
    b = np.frombuffer(data, dtype="<i4", count=g, offset=5 * g)
    parser.parse_keyword("outputs")
    start = parser.pos
    out = _parse_hex(parser, "outputs")
    if len(out) % 4:
        parser.raise_error(
            f"the outputs hold {len(out)} bytes, not a multiple of 4 (one 4-byte literal per output)",
            start,
            parser.pos,
        )
    return fn, a, b, np.frombuffer(out, dtype="<i4")


GATE = Dialect("gate", [GateNetlistOp], [])
