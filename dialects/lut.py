"""The `lut` dialect: truth tables over small integers.

`lut.table` is the only op. Its operands are signless integers `i<w_0> ... i<w_{n-1}>`,
its result is one signless integer `i<w_out>`, and its `table` property is a
`DenseIntOrFPElementsAttr` of type `tensor<2^(w_0+...+w_{n-1}) x i<w_out>>`.

The index into the table is the concatenation of the operands with operand 0 in the
most significant bits (the convention of CIRCT's `comb.truth_table`, generalised to
multi-bit operands). Entries are the result's bit pattern modulo 2^w_out, so in an
`i2` table `3` and `-1` denote the same entry.

Custom form (the generic form also parses):

    %y = lut.table(%a, %b) [0, 1, 3, 2, 0, 0, 1, 1, 2, 2, 3, 3, 1, 0, 0, 1] : (i2, i2) -> i2

Tables of more than `LIST_FORM_MAX_ENTRIES` entries print in MLIR's hex form, one
little-endian entry of 1, 2, 4 or 8 bytes per element (the bytes of the dense
attribute), which parses about sixty times faster than a list:

    %y = lut.table(%a, %b) "0x00010302..." : (i4, i4) -> i2
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

import numpy as np
from xdsl.dialects import arith
from xdsl.dialects.builtin import (
    BytesAttr,
    DenseIntOrFPElementsAttr,
    IntegerAttr,
    IntegerType,
    Signedness,
    TensorType,
)
from xdsl.ir import Dialect, Operation, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    irdl_op_definition,
    prop_def,
    result_def,
    traits_def,
    var_operand_def,
)
from xdsl.parser import Parser, UnresolvedOperand
from xdsl.pattern_rewriter import (
    PatternRewriter,
    RewritePattern,
    op_type_rewrite_pattern,
)
from xdsl.printer import Printer
from xdsl.traits import HasCanonicalizationPatternsTrait, Pure
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.lexer import Span

LIST_FORM_MAX_ENTRIES = 64
"""Tables with at most this many entries print as a list, larger ones in hex."""

MAX_INPUT_BITS = 30
"""A table indexed by more bits than this is rejected by the verifier."""

def _entry_bytes(width: int) -> int:
    """Bytes per entry in a dense attribute of `i<width>` (as xDSL and MLIR store it)."""
    return 1 if width <= 8 else 2 if width <= 16 else 4 if width <= 32 else 8


def mask(width: int) -> int:
    return (1 << width) - 1


def int_width(value: SSAValue) -> int:
    assert isinstance(value.type, IntegerType)
    return value.type.width.data


def dense_table_attr(values: np.ndarray | Sequence[int], width: int) -> DenseIntOrFPElementsAttr:
    """Builds the `table` property from entries (taken modulo 2^width) without a Python loop."""
    if width > 64:
        raise ValueError(f"table entries of {width} bits are not supported (at most 64)")
    arr = np.asarray(values)
    if arr.dtype.kind not in "iub":
        raise TypeError("table entries must be integers")
    arr = arr.astype(np.uint64, copy=False) & np.uint64(mask(width))
    data = arr.astype("<u%d" % _entry_bytes(width)).tobytes()
    return DenseIntOrFPElementsAttr(_table_type(width, len(arr)), BytesAttr(data))


@functools.lru_cache(maxsize=1024)
def _table_type(width: int, entries: int) -> TensorType:
    """A cached `tensor<entries x i<width>>` (building one verifies it)."""
    return TensorType(IntegerType(width), [entries])


def hex_table_text(values: np.ndarray | Sequence[int], width: int) -> str:
    """The hex form of a table, quoted (`"0x..."`): each entry modulo 2^width, little-endian
    in the bytes per entry of a dense `i<width>` attribute (1, 2, 4 or 8)."""
    arr = np.asarray(values)
    if arr.dtype.kind not in "iub":
        arr = np.array([int(v) & mask(width) for v in values], dtype=np.uint64)
    data = (arr.astype(np.uint64) & np.uint64(mask(width))).astype("<u%d" % _entry_bytes(width)).tobytes()
    return '"0x' + data.hex().upper() + '"'


def table_column(values: np.ndarray, bit: int) -> int:
    """Result bit `bit` of a table as one integer: its bit i is that bit of entry i (the
    column that rtl holds in a constant and indexes by the operands)."""
    bits = ((np.asarray(values, dtype=np.uint64) >> np.uint64(bit)) & np.uint64(1)).astype(np.uint8)
    return int.from_bytes(np.packbits(bits, bitorder="little").tobytes(), "little")


def dense_table_values(attr: DenseIntOrFPElementsAttr) -> np.ndarray:
    """The entries of a `table` property as uint64, normalised modulo 2^width."""
    elt = attr.get_element_type()
    assert isinstance(elt, IntegerType)
    width = elt.width.data
    nbytes = _entry_bytes(width)
    raw = np.frombuffer(attr.data.data, dtype="<u%d" % nbytes)
    return raw.astype(np.uint64) & np.uint64(mask(width))


class TableCanonicalizationPatterns(HasCanonicalizationPatternsTrait):
    @classmethod
    def get_canonicalization_patterns(cls) -> tuple[RewritePattern, ...]:
        return (  # defined below; looked up when the pass runs
            FoldConstantOperands(),
            DropUnusedOperands(),
            ForwardIdentity(),
            MergeIdenticalTables(),
        )


@irdl_op_definition
class TableOp(IRDLOperation):
    """A truth table: result = table[concat(operands)], operand 0 most significant."""

    name = "lut.table"

    inputs = var_operand_def(IntegerType)
    output = result_def(IntegerType)
    table = prop_def(DenseIntOrFPElementsAttr)

    traits = traits_def(Pure(), TableCanonicalizationPatterns())

    def __init__(
        self,
        inputs: Sequence[SSAValue | Operation],
        table: np.ndarray | Sequence[int] | DenseIntOrFPElementsAttr,
        out_width: int | None = None,
        attributes: dict | None = None,
    ):
        if not isinstance(table, DenseIntOrFPElementsAttr):
            if out_width is None:
                raise ValueError("out_width is required when the table is given as values")
            table = dense_table_attr(table, out_width)
        elt = table.get_element_type()
        assert isinstance(elt, IntegerType)
        super().__init__(
            operands=[list(inputs)],
            result_types=[IntegerType(elt.width.data)],
            properties={"table": table},
            attributes=attributes,
        )

    # ----------------------------------------------------------------- accessors
    @property
    def input_widths(self) -> list[int]:
        return [int_width(v) for v in self.inputs]

    @property
    def input_bits(self) -> int:
        return sum(self.input_widths)

    @property
    def out_width(self) -> int:
        return int_width(self.output)

    def values(self) -> np.ndarray:
        """The entries as a uint64 array of length 2^input_bits, modulo 2^out_width."""
        return dense_table_values(self.table)

    # ----------------------------------------------------------------- verifier
    def verify_(self) -> None:
        for i, v in enumerate(self.inputs):
            t = v.type
            if not isinstance(t, IntegerType) or t.signedness.data != Signedness.SIGNLESS:
                raise VerifyException(f"operand #{i} must be a signless integer, got {t}")
        rt = self.output.type
        if not isinstance(rt, IntegerType) or rt.signedness.data != Signedness.SIGNLESS:
            raise VerifyException(f"result must be a signless integer, got {rt}")
        ttype = self.table.type
        if not isinstance(ttype, TensorType) or len(ttype.get_shape()) != 1:
            raise VerifyException(
                f"'table' must be a one-dimensional tensor, got {ttype}"
            )
        elt = ttype.get_element_type()
        if not isinstance(elt, IntegerType) or elt.signedness.data != Signedness.SIGNLESS:
            raise VerifyException(
                f"'table' entries must be signless integers, got {elt}"
            )
        if elt.width.data != rt.width.data:
            raise VerifyException(
                f"'table' entries are i{elt.width.data} but the result is i{rt.width.data}"
            )
        bits = self.input_bits
        if bits > MAX_INPUT_BITS:
            raise VerifyException(
                f"table is indexed by {bits} input bits; at most {MAX_INPUT_BITS} are supported"
            )
        expected = 1 << bits
        got = ttype.get_shape()[0]
        if got != expected:
            widths = ", ".join(f"i{w}" for w in self.input_widths)
            raise VerifyException(
                f"'table' has {got} entries but the operands ({widths}) "
                f"need 2^{bits} = {expected}"
            )

    # ----------------------------------------------------------------- custom form
    @classmethod
    def parse(cls, parser: Parser) -> TableOp:
        op = _parse_plain_form(cls, parser)
        if op is not None:
            return op
        return cls._parse_general(parser)

    @classmethod
    def _parse_general(cls, parser: Parser) -> TableOp:
        operands = parser.parse_comma_separated_list(
            parser.Delimiter.PAREN, parser.parse_unresolved_operand
        )
        pos = parser.pos
        hex_str = parser.parse_optional_str_literal()
        entries: list[int] | None = None
        if hex_str is None:
            entries = parser.parse_comma_separated_list(
                parser.Delimiter.SQUARE, parser.parse_integer
            )
        attributes = parser.parse_optional_attr_dict()
        parser.parse_punctuation(":")
        in_types = parser.parse_comma_separated_list(
            parser.Delimiter.PAREN, parser.parse_type
        )
        parser.parse_punctuation("->")
        out_type = parser.parse_type()
        if not isinstance(out_type, IntegerType):
            parser.raise_error(f"result must be an integer type, got {out_type}")
        width = out_type.width.data
        if width > 64:
            parser.raise_error(f"table entries of {width} bits are not supported (at most 64)")
        if len(in_types) != len(operands):
            parser.raise_error(
                f"{len(operands)} operands but {len(in_types)} operand types"
            )
        resolved = parser.resolve_operands(operands, in_types, pos)
        if entries is not None:
            table = dense_table_attr(np.array([e & mask(width) for e in entries], dtype=np.uint64), width)
        else:
            assert hex_str is not None
            if not hex_str.startswith("0x"):
                parser.raise_error("a hex table must start with 0x", pos, parser.pos)
            try:
                data = bytes.fromhex(hex_str[2:])
            except ValueError:
                parser.raise_error("malformed hex table", pos, parser.pos)
            if len(data) % _entry_bytes(width):
                parser.raise_error(
                    f"hex table has {len(data)} bytes, not a multiple of {_entry_bytes(width)} "
                    f"bytes per i{width} entry",
                    pos,
                    parser.pos,
                )
            n = len(data) // _entry_bytes(width)
            table = DenseIntOrFPElementsAttr(TensorType(IntegerType(width), [n]), BytesAttr(data))
        op = cls(resolved, table)
        op.attributes.update(attributes or {})
        return op

    def print(self, printer: Printer) -> None:
        if not _print_plain_form(self, printer):
            self._print_general(printer)

    def _print_general(self, printer: Printer) -> None:
        printer.print_string("(")
        printer.print_list(self.inputs, printer.print_ssa_value)
        printer.print_string(") ")
        n = self.table.type.get_shape()[0]
        if n <= LIST_FORM_MAX_ENTRIES:
            printer.print_string("[" + ", ".join(str(int(v)) for v in self.values()) + "]")
        else:
            printer.print_string(hex_table_text(self.values(), self.out_width))
        printer.print_op_attributes(self.attributes)
        printer.print_string(" : (")
        printer.print_list((v.type for v in self.inputs), printer.print_attribute)
        printer.print_string(") -> ")
        printer.print_attribute(self.output.type)


# --------------------------------------------------------------------- fast paths
#
# A mapped network holds one `lut.table` per LUT: 100,000 and more ops of a few one-bit
# operands. xDSL's generic machinery costs hundreds of microseconds per op to parse (a
# token at a time through the lexer), print and verify, which makes the text form of a
# large mapped network take minutes. The functions below handle the common, plain forms
# directly and leave everything else (attributes, comments, tuple operands, errors) to
# the general code above, which stays the reference for every message.

_PLAIN_FORM = re.compile(
    r"\(\s*((?:%[\w$.\-]+\s*(?:,\s*%[\w$.\-]+\s*)*)?)\)\s*"  # (%a, %b)
    r'(\[[-\d,\s]*\]|"0x[0-9A-Fa-f]*")\s*'  # [entries] or "0x..."
    r":\s*\(\s*((?:i\d+\s*(?:,\s*i\d+\s*)*)?)\)\s*->\s*i(\d+)(?![\w$.\-])"  # : (i1, i1) -> i1
)
_OPERAND = re.compile(r"%[\w$.\-]+")
_CACHE_LIMIT = 1 << 16
_int_types: dict[int, IntegerType] = {}
_parsed_tables: dict[tuple[str, int], DenseIntOrFPElementsAttr] = {}
_printed_tables: dict[DenseIntOrFPElementsAttr, str] = {}
_verified_signatures: dict[tuple, bool] = {}
_verified_type_ids: dict[tuple, tuple] = {}


def int_type(width: int) -> IntegerType:
    """`IntegerType(width)`, one object per width (the fast paths compare types by identity)."""
    t = _int_types.get(width)
    if t is None:
        t = _int_types[width] = IntegerType(width)
    return t


def _remember(cache: dict, key, value) -> None:
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[key] = value


def _parse_plain_form(cls: type[TableOp], parser: Parser) -> TableOp | None:
    """Parses `(%a, %b) [0, 1, 1, 0] : (i1, i1) -> i1` (or a hex table) in one step;
    returns None, having consumed nothing, for anything else."""
    start = parser.pos
    source = parser.lexer.input
    m = _PLAIN_FORM.match(source.content, start)
    if m is None:
        return None
    in_widths = [int(w[1:]) for w in m.group(3).replace(",", " ").split()]
    names = list(_OPERAND.finditer(source.content, m.start(1), m.end(1)))
    width = int(m.group(4))
    if len(names) != len(in_widths) or width > 64 or 0 in in_widths:
        return None  # the general parser reports it
    key = (m.group(2), width)
    table = _parsed_tables.get(key)
    if table is None:
        text = m.group(2)
        if text.startswith("["):
            body = text[1:-1].strip()
            try:
                entries = [int(e) for e in body.split(",")] if body else []
            except ValueError:  # "1-2", an empty entry: the general parser reports it
                return None
            table = dense_table_attr(np.array(entries, dtype=np.int64).astype(np.uint64), width)
        else:
            try:
                data = bytes.fromhex(text[3:-1])
            except ValueError:
                return None
            if len(data) % _entry_bytes(width):
                return None
            n = len(data) // _entry_bytes(width)
            table = DenseIntOrFPElementsAttr(TensorType(int_type(width), [n]), BytesAttr(data))
        _remember(_parsed_tables, key, table)
    operands = [
        parser.resolve_operand(UnresolvedOperand(Span(n.start(), n.end(), source), 0), int_type(w))
        for n, w in zip(names, in_widths)
    ]
    parser._resume_from(m.end())
    return cls.create(operands=operands, result_types=[int_type(width)], properties={"table": table})


def _print_plain_form(op: TableOp, printer: Printer) -> bool:
    """Prints the custom form as one string when every operand already has a name and the
    op has no attributes; returns False (having printed nothing) otherwise."""
    names = getattr(printer, "_ssa_values", None)
    if names is None or op.attributes:
        return False
    operands = []
    widths = []
    for v in op.operands:
        name = names.get(v)
        t = v.type
        if name is None or not isinstance(t, IntegerType):
            return False
        operands.append("%" + name)
        widths.append(t.width.data)
    table = op.table
    text = _printed_tables.get(table)
    if text is None:
        n = table.type.get_shape()[0]
        if n <= LIST_FORM_MAX_ENTRIES:
            text = "[" + ", ".join(map(str, dense_table_values(table).tolist())) + "]"
        else:
            elt = table.get_element_type()
            assert isinstance(elt, IntegerType)
            text = hex_table_text(dense_table_values(table), elt.width.data)
        _remember(_printed_tables, table, text)
    out = op.results[0].type
    if not isinstance(out, IntegerType):
        return False
    types = ", ".join(f"i{w}" for w in widths)
    printer.print_string(f"({', '.join(operands)}) {text} : ({types}) -> i{out.width.data}")
    return True


_general_verify = TableOp.verify_


def _verify(self: TableOp) -> None:
    """IRDL's checks and `TableOp.verify_` depend only on the operand, result and table
    types (and the property's presence and kind); a signature that passed them once
    passes again, which makes verifying 100,000 LUTs cheap."""
    props = self.properties
    table = props.get("table")
    if len(props) == 1 and isinstance(table, DenseIntOrFPElementsAttr) and len(self.results) == 1 \
            and not self.regions and not self.successors:
        types = (*(v.type for v in self.operands), self.results[0].type, table.type)
        # First by the identity of the type objects (no hashing of attribute trees: a
        # mapped netlist shares one i1 and a few tensor types), then by equality.
        ids = tuple(map(id, types))
        if ids in _verified_type_ids:
            return
        if types not in _verified_signatures:
            _general_verify(self)
            _remember(_verified_signatures, types, True)
        _remember(_verified_type_ids, ids, types)  # the value keeps the ids' objects alive
        return
    _general_verify(self)


TableOp.verify_ = _verify  # irdl_op_definition wraps a class-level verify_; replace the result

# --------------------------------------------------------------------- canonicalization


def constant_value(value: SSAValue) -> int | None:
    """The bit pattern of `value` if it is an integer constant (arith or hw), else None."""
    owner = value.owner
    if isinstance(owner, arith.ConstantOp) and isinstance(owner.value, IntegerAttr):
        return owner.value.value.data & mask(int_width(value))
    if getattr(owner, "name", None) == "hw.constant":
        attr = owner.properties.get("value")
        if attr is None:
            attr = owner.attributes.get("value")
        if isinstance(attr, IntegerAttr):
            return attr.value.data & mask(int_width(value))
    return None


def _shaped(op: TableOp) -> np.ndarray:
    """The table as an n-dimensional array, axis k indexed by operand k."""
    return op.values().reshape([1 << w for w in op.input_widths] or [1])


def _replace_table(
    rewriter: PatternRewriter, op: TableOp, inputs: list[SSAValue], values: np.ndarray
) -> None:
    width = op.out_width
    flat = values.reshape(-1)
    if not inputs:
        # A table of no operands is a constant.
        const = arith.ConstantOp(IntegerAttr(_as_signless(int(flat[0]), width), IntegerType(width)))
        rewriter.replace_matched_op(const)
        return
    rewriter.replace_matched_op(TableOp(inputs, flat, width, dict(op.attributes)))


def _as_signless(value: int, width: int) -> int:
    """`value` (a bit pattern) as the signed integer MLIR prints for a signless type."""
    value &= mask(width)
    return value - (1 << width) if width > 1 and value >> (width - 1) else value


class FoldConstantOperands(RewritePattern):
    """Substitutes constant operands into the table (and a table of no operands into a constant)."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: TableOp, rewriter: PatternRewriter) -> None:
        consts = [constant_value(v) for v in op.inputs]
        if not op.inputs or all(c is None for c in consts):
            if not op.inputs:
                _replace_table(rewriter, op, [], op.values())
            return
        table = _shaped(op)
        index = tuple(slice(None) if c is None else c for c in consts)
        kept = [v for v, c in zip(op.inputs, consts) if c is None]
        _replace_table(rewriter, op, kept, table[index])


class DropUnusedOperands(RewritePattern):
    """Removes operands the table does not depend on, and merges repeated operands."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: TableOp, rewriter: PatternRewriter) -> None:
        table = _shaped(op)
        inputs = list(op.inputs)
        changed = False
        # Repeated operand: keep the diagonal.
        for j in range(len(inputs) - 1, 0, -1):
            for i in range(j):
                if inputs[i] is inputs[j]:
                    table = np.diagonal(table, axis1=i, axis2=j)  # new axis moves last
                    table = np.moveaxis(table, -1, i)
                    del inputs[j]
                    changed = True
                    break
        # Operand the table does not depend on.
        for k in range(len(inputs) - 1, -1, -1):
            first = np.take(table, [0], axis=k)
            if np.array_equal(np.broadcast_to(first, table.shape), table):
                table = np.take(table, 0, axis=k)
                del inputs[k]
                changed = True
        if changed:
            _replace_table(rewriter, op, inputs, np.ascontiguousarray(table))


class ForwardIdentity(RewritePattern):
    """A one-operand table that is the identity on an operand of the result's width."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: TableOp, rewriter: PatternRewriter) -> None:
        if len(op.inputs) != 1 or op.input_widths[0] != op.out_width:
            return
        if np.array_equal(op.values(), np.arange(1 << op.out_width, dtype=np.uint64)):
            rewriter.replace_matched_op([], [op.inputs[0]])


class MergeIdenticalTables(RewritePattern):
    """Two tables with the same operands and the same entries compute the same value."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: TableOp, rewriter: PatternRewriter) -> None:
        if not op.inputs:
            return
        block = op.parent_block()
        if block is None:
            return
        mine = None
        for use in op.inputs[0].uses:
            other = use.operation
            if (
                other is op
                or not isinstance(other, TableOp)
                or other.parent_block() is not block
                or other.output.type != op.output.type
                or list(other.inputs) != list(op.inputs)
                or not other.is_before_in_block(op)
            ):
                continue
            if mine is None:
                mine = op.values()
            if np.array_equal(other.values(), mine):
                rewriter.replace_matched_op([], [other.output])
                return




LUT = Dialect("lut", [TableOp], [])
