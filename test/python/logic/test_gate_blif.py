"""BLIF reading and writing (lutopt.logic.blif) and the IR <-> logic bridge
(lutopt.logic.exchange), checked by exhaustive simulation."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from lutopt.api import parse_module
from lutopt.diagnostics import LutoptError
from lutopt.logic.blif import BlifError, parse_blif, read_blif, write_blif
from lutopt.logic.exchange import function_blif, function_netlist, netlist_function, select_function
from lutopt.logic.random_netlist import random_dag
from lut_networks import eval_lut_network, lut_level_text, random_lut_network, truth


# --------------------------------------------------------------------- reading


def test_read_covers() -> None:
    text = r"""
# a comment
.model demo
.inputs a b \
  c
.outputs maj nmaj x one zero buf
.names a b c maj   # majority, with don't cares
11- 1
1-1 1
-11 1
.names a b c nmaj  # its off-set
11- 0
1-1 0
-11 0
.names t c x
01 1
10 1
.names a b t       # defined after its use
01 1
10 1
.names one
1
.names zero
.names a buf
1 1
.end
"""
    net = read_blif(text, "demo.blif")
    assert net.input_names == ["a", "b", "c"]
    assert net.output_names == ["maj", "nmaj", "x", "one", "zero", "buf"]
    t = truth(net)
    for v in range(8):
        a, b, c = v & 1, (v >> 1) & 1, (v >> 2) & 1
        maj = int(a + b + c >= 2)
        assert t[:, v].tolist() == [maj, 1 - maj, a ^ b ^ c, 1, 0, a]
    assert parse_blif(text).name == "demo"


def test_two_input_covers_are_one_gate_each() -> None:
    net = random_dag(5, 60, 4, seed=1, functions=np.array([1, 2, 4, 6, 7, 8, 9, 11, 13, 14]), locality=6)
    back = read_blif(write_blif(net))
    assert np.array_equal(back.fn, net.fn) and np.array_equal(back.a, net.a) and np.array_equal(back.b, net.b)
    assert np.array_equal(truth(back), truth(net))


@pytest.mark.parametrize("seed", range(30))
def test_write_read_round_trip(seed: int) -> None:
    net = random_dag(2 + seed % 7, 3 * seed, 1 + seed % 5, seed=seed, locality=[None, 4][seed % 2])
    text = write_blif(net, "rt")
    assert text.startswith(".model rt\n") and text.endswith(".end\n")
    back = read_blif(text)
    assert np.array_equal(truth(back), truth(net))


def test_names_survive_and_do_not_clash() -> None:
    """Inputs named like internal signals (n0, n1) push the internal prefix aside; an
    input that is also an output needs no buffer."""
    text = ".model m\n.inputs n0 n1\n.outputs n1 y\n.names n0 n1 t\n11 1\n.names t n0 y\n10 1\n.end\n"
    net = read_blif(text)
    out = write_blif(net, "m")
    assert "\n.names n0 n1 _n0\n" in out
    back = read_blif(out)
    assert back.input_names == ["n0", "n1"] and back.output_names == ["n1", "y"]
    assert np.array_equal(truth(back), truth(net))


def test_wide_cover() -> None:
    """A 10-input parity function as 512 minterm rows."""
    n = 10
    rows = [format(v, f"0{n}b") + " 1" for v in range(1 << n) if bin(v).count("1") % 2]
    text = ".model p\n.inputs " + " ".join(f"x{k}" for k in range(n)) + "\n.outputs p\n"
    text += ".names " + " ".join(f"x{k}" for k in range(n)) + " p\n" + "\n".join(rows) + "\n.end\n"
    net = read_blif(text)
    t = truth(net)[0]
    assert all(int(t[v]) == bin(v).count("1") % 2 for v in range(1 << n))


ERRORS = [
    (".model m\n.inputs a\n.outputs y\n.latch a y re clk 0\n.end\n", "m.blif:4:1: error: '.latch' is not supported"),
    (".model m\n.inputs a\n.outputs y\n.subckt sub x=a y=y\n.end\n", "m.blif:4:1: error: '.subckt' is not supported"),
    (".model m\n.inputs a\n.outputs y\n.names a b y\n11 1\n.end\n", "m.blif:4:10: error: unknown signal 'b'"),
    (".model m\n.inputs a\n.outputs y\n.names a q y\n11 1\n.names y q\n1 1\n.end\n",
     "m.blif:4:12: error: combinational cycle: "),
    (".model m\n.inputs a\n.outputs y\n.names a y\n1 1\n.names a y\n0 1\n.end\n",
     "m.blif:6:10: error: signal 'y' is driven twice (first on line 4)"),
    (".model m\n.inputs a b\n.outputs y\n.names a b y\n11 1\n00 0\n.end\n",
     "m.blif:5:1: error: the cover of 'y' mixes on-set (1) and off-set (0) rows"),
    (".model m\n.inputs a b\n.outputs y\n.names a b y\n1x 1\n.end\n",
     "m.blif:5:1: error: cover row input values must be 0, 1 or -, found 'x'"),
    (".model m\n.inputs a b\n.outputs y\n.names a b y\n111 1\n.end\n",
     "m.blif:5:1: error: cover row has 3 input values but '.names' has 2 inputs"),
    (".model m\n.inputs a b\n.outputs y\n.names a b y\n11 2\n.end\n",
     "m.blif:5:4: error: cover row output value must be 0 or 1, found '2'"),
    (".model m\n.inputs a\n.outputs y z\n.names a y\n1 1\n.end\n", "m.blif:3:12: error: output 'z' is never driven"),
    (".model m\n.inputs a\n.outputs y\n.names a y\n1 1\n.end\n.model n\n.end\n",
     "m.blif:7:1: error: more than one '.model'"),
    (".model m\n.inputs a\n.outputs y\n.frobnicate\n.names a y\n1 1\n.end\n",
     "m.blif:4:1: error: unknown BLIF command '.frobnicate'"),
    (".model m\n.inputs a\n11 1\n.end\n", "m.blif:3:1: error: unexpected '11' outside a '.names' cover"),
    (".model m\n.inputs a a\n.end\n", "m.blif:2:11: error: input 'a' is declared twice"),
    (".model m\n.inputs a\n.outputs y\n.names y a\n1 1\n.end\n", "m.blif:4:10: error: 'a' is an input and cannot be driven"),
    ("hello world\n", "m.blif:1:1: error: unexpected 'hello' outside a '.names' cover"),
    ("", "m.blif: error: not a BLIF file"),
    (b"\xff\xfe.model\n", "m.blif:1:1: error: BLIF input is not UTF-8 text"),
]


@pytest.mark.parametrize("text,message", ERRORS)
def test_errors_are_located(text: str | bytes, message: str) -> None:
    with pytest.raises(BlifError) as e:
        read_blif(text, "m.blif")
    assert e.value.format().startswith(message), e.value.format()


def test_ignored_annotations() -> None:
    text = ".model m\n.inputs a\n.outputs y\n.default_input_arrival 0 0\n.area 3\n.names a y\n0 1\n.end\n"
    assert truth(read_blif(text)).tolist() == [[1, 0]]


# --------------------------------------------------------------------- IR bridge


@pytest.mark.parametrize("seed", range(8))
def test_lut_level_export(seed: int) -> None:
    tables, outputs = random_lut_network(seed)
    module = parse_module(lut_level_text(tables, outputs, 7))
    f = select_function(module)
    blif = function_blif(f)
    # One .names per LUT that is not a constant or a wire, plus output buffers.
    assert blif.count(".names") <= len(tables) + len(outputs)
    from_blif = read_blif(blif)
    as_gates = function_netlist(f)
    for net in (from_blif, as_gates):
        t = truth(net)
        for v in range(1 << 7):
            assert t[:, v].tolist() == eval_lut_network(tables, outputs, 7, v)


def test_lut_with_repeated_and_constant_fanins() -> None:
    text = """
    func.func @f(%a: i1, %b: i1) -> (i1, i1) {
      %c1 = arith.constant true
      %l0 = lut.table(%a, %a, %b) [0, 1, 1, 0, 1, 0, 0, 1] : (i1, i1, i1) -> i1
      %l1 = lut.table(%c1, %b) [0, 0, 1, 0] : (i1, i1) -> i1
      func.return %l0, %l1 : i1, i1
    }"""
    f = select_function(parse_module(text))
    for net in (read_blif(function_blif(f)), function_netlist(f)):
        t = truth(net)
        for v in range(4):
            a, b = v & 1, (v >> 1) & 1
            assert t[:, v].tolist() == [b, 1 - b]  # entries at index 4a+2a+b: parity(a,a,b) = b


def test_netlist_function_names() -> None:
    net = read_blif(".model m\n.inputs a b[0]\n.outputs y\n.names a b[0] y\n11 1\n.end\n")
    f = netlist_function(net, "m")
    assert 'lutopt.name = "b[0]"' in str(f)
    assert function_netlist(f).input_names == ["a", "b[0]"]
    assert ".inputs a b[0]\n.outputs y\n" in function_blif(f)


EXPORT_ERRORS = [
    (
        "func.func @f(%a: i2) -> i2 {\n  %y = lut.table(%a) [0, 1, 2, 3] : (i2) -> i2\n  func.return %y : i2\n}",
        "x.mlir:1:1: error: argument #0 is i2; AIGER and BLIF export needs every value to be i1",
    ),
    (
        "func.func @f(%a: i1) -> i1 {\n  %y = arith.xori %a, %a : i1\n  func.return %y : i1\n}",
        "x.mlir:2:3: error: cannot export 'arith.xori' to AIGER/BLIF",
    ),
    (
        "func.func @f(%a: i1) -> i1 {\n  func.return %a : i1\n}\nfunc.func @g(%a: i1) -> i1 {\n  func.return %a : i1\n}",
        "x.mlir:4:1: error: the input has 2 functions (f, g); choose one with --function NAME",
    ),
]


@pytest.mark.parametrize("text,message", EXPORT_ERRORS)
def test_export_errors(text: str, message: str) -> None:
    with pytest.raises(LutoptError) as e:
        f = select_function(parse_module(text, "x.mlir"))
        function_blif(f)
    assert e.value.format().startswith(message), e.value.format()


def test_select_function_by_name() -> None:
    text = "func.func @f(%a: i1) -> i1 {\n  func.return %a : i1\n}\nfunc.func @g(%a: i1) -> i1 {\n  func.return %a : i1\n}"
    assert select_function(parse_module(text), "g").sym_name.data == "g"
    with pytest.raises(LutoptError, match="no function named 'h'"):
        select_function(parse_module(text), "h")


def test_all_sixteen_functions_export() -> None:
    """A gate of every function, with constant and repeated fanins, exports to BLIF and back."""
    lines = []
    for fn, (x, y) in itertools.product(range(16), [("i0", "i1"), ("i1", "false"), ("i0", "i0")]):
        lines.append(f"g{len(lines)} = {['false', 'and', 'a_and_not_b', 'a', 'not_a_and_b', 'b', 'xor', 'or', 'nor', 'xnor', 'not_b', 'a_or_not_b', 'not_a', 'not_a_or_b', 'nand', 'true'][fn]} {x}, {y}")
    outs = ", ".join(f"g{k}" if k % 3 else f"!g{k}" for k in range(len(lines)))
    n = len(lines)
    text = (
        f"func.func @f(%a: i1, %b: i1) -> ({', '.join(['i1'] * n)}) {{\n"
        f"  %r:{n} = gate.netlist(%a, %b) {{\n    " + "\n    ".join(lines) + f"\n    output {outs}\n"
        f"  }} : (i1, i1) -> ({', '.join(['i1'] * n)})\n"
        f"  func.return {', '.join(f'%r#{k}' for k in range(n))} : {', '.join(['i1'] * n)}\n}}"
    )
    f = select_function(parse_module(text))
    ref = function_netlist(f)
    assert ref.num_gates == n
    back = read_blif(function_blif(f))
    assert np.array_equal(truth(back), truth(ref))
