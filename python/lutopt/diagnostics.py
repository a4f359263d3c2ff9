"""Located errors: every problem with the user's input is reported as
`file:line:col: error: message`, the way MLIR tools do.

Ops parsed from a file carry a `FileLineColLoc` (set by `LocatingParser`), passes raise
`LutoptError(message, op)`, and the driver turns that into one line on stderr.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable

from xdsl.context import Context
from xdsl.dialects.builtin import FileLineColLoc, IntAttr, ModuleOp, StringAttr
from xdsl.ir import Operation
from xdsl.parser import Parser
from xdsl.parser.generic_parser import ParserState
from xdsl.utils.exceptions import ParseError, VerifyException
from xdsl.utils.lexer import Input, Span, Token
from xdsl.utils.mlir_lexer import MLIRLexer, MLIRToken, MLIRTokenKind, StringLiteral


class LutoptError(Exception):
    """An error in the user's input, optionally attached to an op (for its location)."""

    def __init__(self, message: str, op: Operation | None = None, location: str | None = None):
        super().__init__(message)
        self.message = message
        self.op = op
        self._location = location

    @property
    def location(self) -> str | None:
        if self._location is not None:
            return self._location
        return op_location(self.op) if self.op is not None else None

    def format(self) -> str:
        loc = self.location
        return f"{loc}: error: {self.message}" if loc else f"error: {self.message}"

    def __str__(self) -> str:
        return self.format()


def op_location(op: Operation | None) -> str | None:
    """`file:line:col` of the nearest op (itself or an ancestor) that has a file location."""
    while op is not None:
        loc = op.location
        if isinstance(loc, FileLineColLoc):
            return f"{loc.filename.data}:{loc.line.data}:{loc.column.data}"
        op = op.parent_op()
    return None


def set_location(op: Operation, source: Operation) -> Operation:
    """Gives `op` the location of `source` (for ops created by a rewrite)."""
    op.location = source.location
    return op


def _forget_resource_blobs(ctx: Context) -> None:
    """Empties the builtin dialect's `dense_resource` blob store before a parse.

    xDSL keeps blobs in the process-wide builtin dialect; when a second file with the same
    resource names is parsed, it renames the new handles (`name` -> `name_0`) but stores
    the new blobs under the old names, so the second module would read the first one's
    weights. Each parse starts from an empty store instead.
    """
    from xdsl.dialect_interfaces.op_asm import OpAsmDialectInterface

    builtin = ctx.get_optional_dialect("builtin")
    iface = builtin.get_interface(OpAsmDialectInterface) if builtin is not None else None
    if iface is not None:
        iface._blob_storage.clear()  # pyright: ignore[reportPrivateUsage]


class GuardedLexer(MLIRLexer):
    """xDSL's MLIR lexer with string literals lexed in linear time, and a guard that stops
    a parser that keeps asking for tokens without moving (at the end of the input).

    xDSL 0.74 matches a string literal with `"(?:[^"\\\n]+|\\(...))*"`: a repetition of a
    repetition, which backtracks exponentially when there is no closing quote. A file cut
    inside a `dense_resource` blob (`name: "0x0400...` and then nothing) kept `lutopt` and
    `xdsl-opt` at 100% CPU forever. Here the literal is scanned run by run instead.
    """

    _plain_run = re.compile(r'[^"\\\n\v\f]*')
    _escape = re.compile(r'\\(?:["nt\\]|[0-9A-Fa-f]{2})')
    MAX_REPEATS = 1000
    """Tokens lexed from one position in a row before the parser is deemed stuck."""

    def __init__(self, input: Input[str]):
        super().__init__(input)
        self._last_start = -1
        self._repeats = 0

    def lex(self) -> MLIRToken:
        if self.pos == self._last_start:
            self._repeats += 1
            if self._repeats > self.MAX_REPEATS:
                at = min(self.pos, len(self.input.content))
                what = "end of file" if at >= len(self.input.content) else "this token"
                raise ParseError(Span(at, at, self.input), f"unexpected {what} (the parser made no progress)")
        else:
            self._last_start = self.pos
            self._repeats = 0
        return super().lex()

    def _lex_string_literal(self, start_pos: int) -> MLIRToken:
        content = self.input.content
        pos = start_pos + 1  # after the opening quote
        while True:
            pos = self._plain_run.match(content, pos).end()  # type: ignore[union-attr]
            if pos >= len(content):
                raise ParseError(Span(start_pos, start_pos + 1, self.input), "End of file reached before closing string literal.")
            char = content[pos]
            if char == '"':
                pos += 1
                break
            if char == "\\":
                m = self._escape.match(content, pos)
                if m is None:
                    raise ParseError(Span(pos, pos + 2, self.input), "invalid escape sequence in string literal")
                pos = m.end()
                continue
            raise ParseError(Span(start_pos, start_pos + 1, self.input), "string literal not closed before the end of the line")
        self.pos = pos
        lit = StringLiteral(start_pos, pos, self.input)
        if "\\" not in lit.text or lit.bytes_contents.isascii():
            return Token(MLIRTokenKind.STRING_LIT, lit)
        return Token(MLIRTokenKind.BYTES_LIT, lit)


class LocatingParser(Parser):
    """An xDSL parser that gives every op it parses a `FileLineColLoc` of where it starts."""

    def __init__(self, ctx: Context, text: str, name: str = "<stdin>", line_offset: int = 0):
        _forget_resource_blobs(ctx)
        super().__init__(ctx, "", name)
        # xDSL's Parser builds its own lexer; lex the text with the guarded one instead.
        self._parser_state = ParserState(GuardedLexer(Input(text, name)))
        starts = [0]
        pos = text.find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = text.find("\n", pos + 1)
        self._line_starts = starts
        self._line_offset = line_offset
        self._filename = StringAttr(name)
        self._first_use: dict[str, Span] = {}

    MAX_INTEGER_WIDTH = (1 << 24) - 1
    """MLIR's limit on integer bit widths; xDSL has none and `i18446744073709551616`
    overflowed while verifying (an internal error)."""

    def _parse_optional_integer_or_float_type(self):  # type: ignore[override]
        token = self._current_token
        if token.kind == MLIRTokenKind.BARE_IDENT:
            m = self._builtin_integer_type_regex.match(token.text)
            if m is not None and int(m.group(1)) > self.MAX_INTEGER_WIDTH:
                raise ParseError(
                    token.span, f"integer bit width {m.group(1)} is too large (at most {self.MAX_INTEGER_WIDTH})"
                )
        return super()._parse_optional_integer_or_float_type()

    MAX_DENSE_ELEMENTS = 1 << 22
    """The most elements a `dense<...>` literal may have: xDSL materialises a splat
    (`dense<1> : tensor<100000000000xi8>`) element by element, which ran out of memory
    (an unlocated error) or for minutes. Weights come as `dense_resource` blobs anyway."""

    def _parse_dense_literal_type(self):  # type: ignore[override]
        start = self._current_token.span
        type = super()._parse_dense_literal_type()
        count = 1
        for dim in type.get_shape():
            count *= max(dim, 0)
        if count > self.MAX_DENSE_ELEMENTS:
            raise ParseError(
                Span(start.start, self._current_token.span.start, start.input),
                f"dense literal of {count} elements is too large (at most {self.MAX_DENSE_ELEMENTS})",
            )
        return type

    def resolve_operand(self, operand, type):  # type: ignore[override]
        if operand.operand_name not in self.ssa_values:
            self._first_use.setdefault(operand.operand_name, operand.span)
        return super().resolve_operand(operand, type)

    def parse_module(self, allow_implicit_module: bool = True) -> ModuleOp:
        try:
            return super().parse_module(allow_implicit_module)
        except (ValueError, OverflowError) as e:  # outside any op: an alias, file metadata
            raise ParseError(self._current_token.span, _first_line(e)) from e
        except ParseError as e:
            if "used but not defined" in e.msg and self.forward_ssa_references:
                name = next(iter(self.forward_ssa_references))
                span = self._first_use.get(name)
                if span is not None:
                    raise ParseError(span, f"use of undefined value '%{name}'") from e
            raise

    def _line_col(self, pos: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._line_starts, pos) - 1
        return line + 1 + self._line_offset, pos - self._line_starts[line] + 1

    def parse_operation(self) -> Operation:
        first = self._current_token.span
        start = first.start
        try:
            op = super().parse_operation()
        except VerifyException as e:
            # An attribute that does not verify (a constant out of range, ...) while parsing.
            msg = str(e).strip().splitlines()[0] if str(e).strip() else "invalid attribute"
            raise ParseError(Span(start, first.end, first.input), msg) from e
        except (ValueError, OverflowError) as e:
            # A value the op's or an attribute's parser cannot represent (an entry too large
            # for int64, a constant out of its type's range): xDSL raises these unlocated.
            msg = f"a number is too large ({_first_line(e)})" if isinstance(e, OverflowError) else _first_line(e)
            raise ParseError(Span(start, first.end, first.input), msg) from e
        if not isinstance(op.location, FileLineColLoc):
            line, col = self._line_col(start)
            op.location = FileLineColLoc(self._filename, IntAttr(line), IntAttr(col))
        return op


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def parse_error_location(e: ParseError) -> str:
    loc = e.span.get_location()
    return f"{loc.file}:{loc.line}:{loc.col}"


def format_parse_error(e: ParseError) -> str:
    msg = e.msg.strip().splitlines()[0] if e.msg.strip() else "parse error"
    return f"{parse_error_location(e)}: error: {msg}"


def verify_located(module: ModuleOp, ops: Iterable[Operation] | None = None) -> None:
    """Verifies every op, raising a `LutoptError` located at the first op that fails."""
    for op in module.walk() if ops is None else ops:
        try:
            op.verify(verify_nested_ops=False)
        except LutoptError:
            raise
        except Exception as e:  # VerifyException, and ValueError from xDSL internals
            msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise LutoptError(f"'{op.name}' op {msg}", op) from e


def run_tool(body: Callable[[], int], prefix: str = "", fallback_location: str | None = None) -> int:
    """Runs a command-line tool's body and turns every error into one line on stderr and an
    exit status: 1 for errors in the input (`file:line:col: error: ...`), 130 for ^C, and
    1 for a bug in lutopt (an internal error; `LUTOPT_DEBUG=1` shows the traceback)."""
    import os
    import sys

    sys.set_int_max_str_digits(0)  # wide hw.constant values print in decimal
    try:
        return body()
    except LutoptError as e:
        text = e.format()
        if e.location is None and fallback_location:
            text = f"{fallback_location}: error: {e.message}"
        print(prefix + text, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(prefix + "error: interrupted", file=sys.stderr)
        return 130
    except RecursionError:
        print(prefix + "error: input nested too deeply", file=sys.stderr)
        return 1
    except MemoryError:
        print(prefix + "error: out of memory", file=sys.stderr)
        return 1
    except Exception as e:  # a bug in lutopt, not in the input
        if os.environ.get("LUTOPT_DEBUG"):
            raise
        print(
            f"{prefix}error: internal error: {type(e).__name__}: {e}\n"
            "  (this is a bug in lutopt; set LUTOPT_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        return 1
