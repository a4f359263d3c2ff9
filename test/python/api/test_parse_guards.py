"""The parser always terminates on bad input: string literals lex in linear time, and a
parser that keeps consuming the end of the file is stopped with a located error."""

import time

import pytest
from xdsl.utils.exceptions import ParseError
from xdsl.utils.mlir_lexer import MLIRTokenKind

import lutopt
from lutopt.api import make_context, parse_pipeline, parse_target
from lutopt.diagnostics import LocatingParser


def test_unterminated_long_string_is_fast():
    # xDSL 0.74's regex backtracks exponentially here (2^n for n characters).
    text = 'func.func @f() {\n  %0 = arith.constant {s = "' + "0" * 100_000
    start = time.monotonic()
    with pytest.raises(lutopt.LutoptError) as info:
        lutopt.parse_module(text, "cut.mlir")
    assert time.monotonic() - start < 5
    assert info.value.format() == "cut.mlir:2:28: error: End of file reached before closing string literal."


def test_string_cut_at_end_of_line():
    text = 'func.func @f() attributes {s = "abcdefghijklmnopqrstuvwxyz0123456789abcdef\n} {\n}\n'
    with pytest.raises(lutopt.LutoptError) as info:
        lutopt.parse_module(text, "eol.mlir")
    assert info.value.format() == "eol.mlir:1:32: error: string literal not closed before the end of the line"


def test_strings_with_escapes_still_parse():
    ctx = make_context()
    ctx.allow_unregistered = True
    module = lutopt.parse_module('"test.op"() {s = "a\\"b\\n\\41", t = ""} : () -> ()', "s.mlir", ctx)
    op = next(iter(module.ops))
    assert op.attributes["s"].data == 'a"b\nA'
    assert op.attributes["t"].data == ""


def test_parser_looping_at_end_of_file_is_stopped():
    # A parse loop that forgets to check for the end of the file ("skip until '}'")
    # would spin forever; the lexer stops it with a located error.
    parser = LocatingParser(make_context(), "{ a b", "loop.mlir")
    with pytest.raises(ParseError) as info:
        for _ in range(100_000):
            if parser._current_token.kind == MLIRTokenKind.R_BRACE:
                break
            parser._consume_token()
    loc = info.value.span.get_location()
    assert (loc.line, loc.col) == (1, 6)
    assert "unexpected end of file" in info.value.msg


@pytest.mark.parametrize(
    "spec, message",
    [
        ("lower-to-rtl{lut-size=6", "invalid pass pipeline 'lower-to-rtl{lut-size=6': column 13: '{' is not closed"),
        ("a b", "invalid pass pipeline 'a b': column 2: expected a comma or pass arguments here"),
        ("cse}", "invalid pass pipeline 'cse}': column 4: '}' without a matching '{'"),
    ],
)
def test_pipeline_errors_are_one_line(spec, message):
    with pytest.raises(lutopt.LutoptError) as info:
        parse_pipeline(spec)
    assert info.value.format() == f"error: {message}"


def test_target_errors_are_one_line():
    with pytest.raises(lutopt.LutoptError) as info:
        parse_target('verilog{primitives="x}')
    assert info.value.format() == "error: invalid target 'verilog{primitives=\"x}': column 20: string is not closed"
    with pytest.raises(lutopt.LutoptError) as info:
        lutopt.emit(lutopt.parse_module("func.func @f() {\n func.return\n}"), "verilog{")
    assert info.value.format() == "error: invalid target 'verilog{': column 8: '{' is not closed"
