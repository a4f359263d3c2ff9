"""The fast paths for `lut.table` text and verification (dialects/lut.py) agree with the
general code: same printed text, same parsed ops, same errors."""

import numpy as np
import pytest

import lutopt
from lutopt.dialects import lut
from lutopt.dialects.lut import TableOp
from lutopt.logic.exchange import netlist_module
from lutopt.logic.random_netlist import random_layered_netlist
from lutopt.sim import evaluate
from lutopt.testing import random_lut_function


def _mapped_text() -> str:
    net = random_layered_netlist(24, 6, 40, seed=3)
    module = netlist_module(net, "net")
    lutopt.run_passes(module, "lower-to-luts{lut-size=5}")
    return lutopt.emit(module)


def _general_only(monkeypatch):
    monkeypatch.setattr(lut, "_print_plain_form", lambda op, printer: False)
    monkeypatch.setattr(lut, "_parse_plain_form", lambda cls, parser: None)


def _texts() -> list[str]:
    rng = np.random.default_rng(7)
    texts = [_mapped_text()]
    for _ in range(6):
        texts.append("\n".join(random_lut_function(rng, f"f{k}", hex_form=None) for k in range(3)))
    return texts


def test_fast_print_equals_general_print(monkeypatch):
    texts = _texts()
    fast = [lutopt.emit(lutopt.parse_module(t)) for t in texts]
    _general_only(monkeypatch)
    general = [lutopt.emit(lutopt.parse_module(t)) for t in texts]
    assert fast == general
    assert any("lut.table" in t for t in fast)


def test_plain_form_parses_without_the_general_parser(monkeypatch):
    text = _mapped_text()
    module = lutopt.parse_module(text)
    tables = [op for op in module.walk() if isinstance(op, TableOp)]
    assert len(tables) > 20

    def refuse(cls, parser):
        raise AssertionError("the general parser was used for a plain table")

    monkeypatch.setattr(TableOp, "_parse_general", classmethod(refuse))
    again = lutopt.parse_module(text)
    assert lutopt.emit(again) == text
    # the same function: simulate both on random vectors
    rng = np.random.default_rng(0)
    args = [rng.integers(0, 2, 256).astype(np.uint64) for _ in range(24)]
    for a, b in zip(evaluate(module, None, args), evaluate(again, None, args)):
        assert np.array_equal(a, b)


@pytest.mark.parametrize(
    "form",
    [
        "lut.table(%a, %b) [0, 1, 1, 0] {lutopt.note = 1} : (i1, i1) -> i1",  # attributes
        'lut.table(%a, %b) "0x00010100" : (i1, i1) -> i1',  # hex
        "lut.table(%a,%b)[0,1,1,0]:(i1,i1)->i1",  # no spaces
        "lut.table( %a , %b ) [ 0 , -1 , 1 , 0 ] : ( i1 , i1 ) -> i1",  # spaces, negative entry
    ],
)
def test_other_spellings_parse_to_the_same_table(form):
    module = lutopt.parse_module(f"func.func @f(%a: i1, %b: i1) -> i1 {{\n  %y = {form}\n  func.return %y : i1\n}}\n")
    (op,) = [op for op in module.walk() if isinstance(op, TableOp)]
    assert op.values().tolist() == [0, 1, 1, 0]


def test_verifier_still_checks_after_a_signature_was_accepted():
    module = lutopt.parse_module(
        "func.func @f(%a: i1, %b: i1) -> i1 {\n  %y = lut.table(%a, %b) [0, 1, 1, 0] : (i1, i1) -> i1\n"
        "  func.return %y : i1\n}\n"
    )
    (op,) = [op for op in module.walk() if isinstance(op, TableOp)]
    op.verify()  # accepted: its signature is remembered
    bad = TableOp.create(operands=list(op.operands), result_types=[op.output.type],
                         properties={"table": lut.dense_table_attr([0, 1], 1)})
    with pytest.raises(Exception, match="'table' has 2 entries"):
        bad.verify()
    extra = TableOp.create(operands=list(op.operands), result_types=[op.output.type],
                           properties={"table": op.table, "other": op.table})
    with pytest.raises(Exception, match="property 'other' is not defined"):
        extra.verify()
    missing = TableOp.create(operands=list(op.operands), result_types=[op.output.type], properties={})
    with pytest.raises(Exception, match="property 'table' expected"):
        missing.verify()


@pytest.mark.parametrize("width", [9, 16, 17, 24, 32, 33, 48, 63, 64])
def test_random_lut_function_hex_tables_of_wide_entries(width):
    """lutopt.testing writes hex tables with the dialect's bytes per entry (1, 2, 4 or 8),
    so the same seed gives the same tables in hex and in list form, up to i64 entries."""
    kwargs = dict(num_args=2, num_tables=6, max_operands=2, max_bits=6, max_width=width)
    hexed = random_lut_function(np.random.default_rng(width), hex_form=True, **kwargs)
    listed = random_lut_function(np.random.default_rng(width), hex_form=False, **kwargs)
    ta = [op for op in lutopt.parse_module(hexed).walk() if isinstance(op, TableOp)]
    tb = [op for op in lutopt.parse_module(listed).walk() if isinstance(op, TableOp)]
    assert len(ta) == len(tb) == 6
    for x, y in zip(ta, tb):
        assert x.out_width == y.out_width
        np.testing.assert_array_equal(x.values(), y.values())
    # the case in question was drawn: entries of more than half the width's byte size
    assert max(op.out_width for op in ta) > width // 2, [op.out_width for op in ta]
