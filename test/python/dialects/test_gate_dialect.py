"""The gate dialect: the pinned gate numbering, gate.netlist building, printing, parsing
and interpretation."""

from __future__ import annotations

import numpy as np
import pytest
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp, i1
from xdsl.ir import Block, Region

from lutopt.api import emit, parse_module
from lutopt.diagnostics import LutoptError
from lutopt.dialects.gate import (
    LINE_FORM_MAX_GATES,
    GateNetlistOp,
    netlist_of,
)
from lutopt.interpreters.gate import compile_netlist_op, evaluate_netlist_op
from lutopt.logic.blif import GATE_COVERS
from lutopt.logic.builder import FOLD, NEG_A, NEG_B, SWAP, fn_value
from lutopt.logic.netlist import GATE_NAMES, GateNetlist, apply_gate, pack_bits, unpack_bits
from lutopt.logic.random_netlist import random_dag, random_layered

# DESIGN.md, written out independently: difflogic's numbering of the 16 functions of (a, b).
DESIGN_FUNCTIONS = [
    lambda a, b: 0,
    lambda a, b: a & b,
    lambda a, b: a & (1 - b),
    lambda a, b: a,
    lambda a, b: (1 - a) & b,
    lambda a, b: b,
    lambda a, b: a ^ b,
    lambda a, b: a | b,
    lambda a, b: 1 - (a | b),
    lambda a, b: 1 - (a ^ b),
    lambda a, b: 1 - b,
    lambda a, b: a | (1 - b),
    lambda a, b: 1 - a,
    lambda a, b: (1 - a) | b,
    lambda a, b: 1 - (a & b),
    lambda a, b: 1,
]
COMBINATIONS = [(0, 0), (0, 1), (1, 0), (1, 1)]


def one_gate(fn: int) -> GateNetlist:
    return GateNetlist(
        num_inputs=2,
        fn=np.array([fn], dtype=np.uint8),
        a=np.array([1], dtype=np.int32),
        b=np.array([2], dtype=np.int32),
        outputs=np.array([3], dtype=np.int32),
        output_neg=np.array([False]),
    )


def netlist_module(net: GateNetlist, name: str = "f") -> ModuleOp:
    block = Block(arg_types=[i1] * net.num_inputs)
    op = GateNetlistOp.from_netlist(block.args, net)
    block.add_ops([op, func.ReturnOp(*op.results)])
    f = func.FuncOp(name, ((i1,) * net.num_inputs, (i1,) * net.num_outputs), Region(block))
    return ModuleOp([f])


def the_op(module: ModuleOp) -> GateNetlistOp:
    return next(op for op in module.walk() if isinstance(op, GateNetlistOp))


def same_netlist(x: GateNetlist, y: GateNetlist) -> bool:
    return (
        x.num_inputs == y.num_inputs
        and np.array_equal(x.fn, y.fn)
        and np.array_equal(x.a, y.a)
        and np.array_equal(x.b, y.b)
        and np.array_equal(x.outputs, y.outputs)
        and np.array_equal(np.asarray(x.output_neg, bool), np.asarray(y.output_neg, bool))
    )


# --------------------------------------------------------------------- numbering


@pytest.mark.parametrize("fn", range(16))
def test_gate_numbering_matches_design(fn: int) -> None:
    """Each function, simulated as a one-gate netlist, as interpreted from a parsed
    gate.netlist op, and as every helper tabulates it, is DESIGN.md's function `fn`."""
    expected = [DESIGN_FUNCTIONS[fn](a, b) for a, b in COMBINATIONS]
    # The four combinations as four vectors in one word: vector j is bit j.
    inputs = np.array([[0b1100], [0b1010]], dtype=np.uint64)  # a = 0,0,1,1; b = 0,1,0,1
    word = int(one_gate(fn).simulate(inputs)[0, 0])
    assert [(word >> j) & 1 for j in range(4)] == expected
    # apply_gate (the bitwise helper) and fn_value (the builder's).
    got = apply_gate(fn, np.array([0b1100], np.uint64), np.array([0b1010], np.uint64))
    assert [(int(got[0]) >> j) & 1 for j in range(4)] == expected
    assert [fn_value(fn, a, b) for a, b in COMBINATIONS] == expected
    # The printed name parses back to the same function, and the interpreter agrees.
    text = f"""
    func.func @f(%a: i1, %b: i1) -> i1 {{
      %y = gate.netlist(%a, %b) {{
        g0 = {GATE_NAMES[fn]} i0, i1
        output g0
      }} : (i1, i1) -> (i1)
      func.return %y : i1
    }}"""
    op = the_op(parse_module(text))
    assert int(op.netlist().fn[0]) == fn
    a = np.array([0, 0, 1, 1], dtype=np.uint64)
    b = np.array([0, 1, 0, 1], dtype=np.uint64)
    assert evaluate_netlist_op(op, [a, b])[0].tolist() == expected
    # The BLIF cover written for the function has exactly its on-set.
    covered = {
        (x, y) for plane in GATE_COVERS[fn] for x, y in COMBINATIONS
        if plane[0] in ("-", str(x)) and plane[1] in ("-", str(y))
    }
    assert covered == {c for c, v in zip(COMBINATIONS, expected) if v}


@pytest.mark.parametrize("fn", range(16))
def test_function_transforms(fn: int) -> None:
    f = DESIGN_FUNCTIONS[fn]
    for a, b in COMBINATIONS:
        assert fn_value(SWAP[fn], a, b) == f(b, a)
        assert fn_value(NEG_A[fn], a, b) == f(1 - a, b)
        assert fn_value(NEG_B[fn], a, b) == f(a, 1 - b)
        assert fn_value(FOLD[4 * fn + 3], a, b) == f(1 - a, 1 - b)


def test_gate_names() -> None:
    assert GATE_NAMES[1] == "and" and GATE_NAMES[6] == "xor" and GATE_NAMES[7] == "or"
    assert GATE_NAMES[14] == "nand" and GATE_NAMES[8] == "nor" and GATE_NAMES[9] == "xnor"
    assert len(set(GATE_NAMES)) == 16


# --------------------------------------------------------------------- building and printing


def test_from_netlist_and_back() -> None:
    net = random_dag(7, 100, 9, seed=3)
    module = netlist_module(net)
    module.verify()
    op = the_op(module)
    assert same_netlist(netlist_of(op), net)
    assert len(op.results) == 9 and len(op.operands) == 7


def test_from_netlist_checks_inputs() -> None:
    net = random_dag(3, 5, 1, seed=0)
    block = Block(arg_types=[i1] * 2)
    with pytest.raises(ValueError, match="3 inputs but 2 values"):
        GateNetlistOp.from_netlist(block.args, net)


@pytest.mark.parametrize("gates", [0, 1, 40, LINE_FORM_MAX_GATES, LINE_FORM_MAX_GATES + 1, 3000])
def test_print_parse_round_trip(gates: int) -> None:
    net = random_dag(6, gates, 5, seed=gates)
    module = netlist_module(net)
    text = emit(module)
    if gates <= LINE_FORM_MAX_GATES:
        assert "output" in text and 'gates "0x' not in text
    else:
        assert 'gates "0x' in text and "g0 =" not in text
    back = parse_module(text, "rt.mlir")
    assert same_netlist(the_op(back).netlist(), net)
    assert emit(back) == text


def test_many_outputs_use_the_hex_form() -> None:
    net = random_dag(4, 10, 2000, seed=1)
    text = emit(netlist_module(net))
    assert 'outputs "0x' in text
    assert same_netlist(the_op(parse_module(text)).netlist(), net)


def test_generic_form_round_trip() -> None:
    from io import StringIO

    from xdsl.printer import Printer

    net = random_dag(5, 500, 7, seed=5)
    out = StringIO()
    Printer(stream=out, print_generic_format=True).print_op(netlist_module(net))
    assert 'dense<"0x' in out.getvalue()  # large properties print in hex
    assert same_netlist(the_op(parse_module(out.getvalue())).netlist(), net)


def test_bad_netlists_built_in_python() -> None:
    """from_netlist refuses a malformed netlist; the verifier catches one patched in."""
    from lutopt.dialects.gate import _dense

    net = random_dag(3, 4, 1, seed=0)
    module = netlist_module(net)
    net.a[2] = 1 + 3 + 2  # gate 2 reads itself
    with pytest.raises(ValueError, match="gate 2 .* not an earlier node"):
        netlist_module(net)
    the_op(module).properties["a"] = _dense(net.a, 32)
    with pytest.raises(Exception, match="gate 2 .* not an earlier node"):
        module.verify()


def test_blif_names_are_sanitised() -> None:
    from lutopt.logic.blif import read_blif, write_blif

    net = random_dag(2, 3, 1, seed=0)
    net.input_names, net.output_names = ["a b", "c#d"], ["out\\1"]
    text = write_blif(net, "my model")
    assert ".model my_model\n.inputs a_b c_d\n.outputs out_1\n" in text
    assert read_blif(text).input_names == ["a_b", "c_d"]


def test_parse_error_is_located() -> None:
    text = "func.func @f(%a: i1) -> i1 {\n  %y = gate.netlist(%a) {\n    g0 = and i0, nope\n    output g0\n  } : (i1) -> (i1)\n  func.return %y : i1\n}\n"
    with pytest.raises(LutoptError) as e:
        parse_module(text, "bad.mlir")
    assert e.value.format().startswith("bad.mlir:3:18: error: 'nope' is not defined")


# --------------------------------------------------------------------- interpretation


def reference_eval(net: GateNetlist, bits: list[int]) -> list[int]:
    """Gate by gate in plain Python, from DESIGN.md's list."""
    val = [0] + list(bits)
    for f, a, b in zip(net.fn.tolist(), net.a.tolist(), net.b.tolist()):
        val.append(DESIGN_FUNCTIONS[f](val[a], val[b]))
    return [val[o] ^ int(n) for o, n in zip(net.outputs.tolist(), net.output_neg.tolist())]


@pytest.mark.parametrize("vectors", [1, 63, 64, 65, 200])
def test_evaluate_netlist_op(vectors: int) -> None:
    net = random_dag(6, 60, 4, seed=vectors)
    op = the_op(netlist_module(net))
    rng = np.random.default_rng(vectors)
    x = rng.integers(0, 2, (6, vectors)).astype(np.uint64)
    inputs = [x[k] for k in range(6)]
    inputs[3] = np.array([1], dtype=np.uint64)  # the same in every vector: broadcasts
    out = evaluate_netlist_op(op, inputs)
    assert len(out) == 4 and all(o.shape == (vectors,) and o.dtype == np.uint64 for o in out)
    for v in range(vectors):
        bits = [int(inputs[k][v if len(inputs[k]) > 1 else 0]) for k in range(6)]
        assert [int(o[v]) for o in out] == reference_eval(net, bits)


def test_evaluate_without_inputs() -> None:
    net = GateNetlist(
        0, np.zeros(0, np.uint8), np.zeros(0, np.int32), np.zeros(0, np.int32),
        np.array([0, 0], np.int32), np.array([False, True]),
    )
    op = the_op(netlist_module(net))
    assert [o.tolist() for o in compile_netlist_op(op)([])] == [[0], [1]]


def test_pack_unpack() -> None:
    rng = np.random.default_rng(0)
    bits = rng.integers(0, 2, (3, 130))
    words = pack_bits(bits)
    assert words.shape == (3, 3) and words.dtype == np.uint64
    assert int(words[1, 0]) == sum(int(bits[1, j]) << j for j in range(64))
    assert np.array_equal(unpack_bits(words, 130), bits)


def test_interpreter_runs_gate_level_functions() -> None:
    """lutopt.sim evaluates gate.netlist (through compile_netlist_op) inside a function."""
    from lutopt.sim import evaluate

    net = random_layered(8, 64, width=8, seed=2)
    module = netlist_module(net, "layered")
    x = np.random.default_rng(1).integers(0, 2, (8, 100)).astype(np.uint64)
    out = evaluate(module, "layered", [x[k] for k in range(8)])
    for v in range(100):
        assert [int(o[v]) for o in out] == reference_eval(net, [int(x[k, v]) for k in range(8)])


def test_check_pass_sees_a_changed_netlist() -> None:
    """--check-passes compares gate-level functions: a flipped output is caught."""
    from lutopt.sim.check import check_pass

    net = random_dag(5, 30, 3, seed=4)
    before = netlist_module(net)
    check_pass(before, netlist_module(net), "identity")
    changed = random_dag(5, 30, 3, seed=4)
    changed.output_neg[1] = not changed.output_neg[1]
    with pytest.raises(LutoptError, match="identity"):
        check_pass(before, netlist_module(changed), "identity")
