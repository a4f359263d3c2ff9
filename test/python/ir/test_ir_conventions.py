"""The IR conventions of lutopt.ir other than the op table: the latency attribute and its
Verilog comment, the topological order of a graph region, the name helper."""

from __future__ import annotations

import io

import numpy as np
import pytest
from lutopt.diagnostics import LutoptError
from lutopt.ir.latency import (
    LATENCY_ATTR,
    has_latency,
    latency_comment,
    latency_of,
    read_latency_comment,
    set_latency,
)
from lutopt.ir.names import Namespace, free_prefix
from lutopt.ir.order import topological_order
from lutopt.lowering.transforms.rtl.rtl_pipeline import RtlPipeline
from lutopt.sim import Interpreter
from lutopt.sim.parsing import make_context, parse_module
from lutopt.target.verilog import VerilogTarget
from xdsl.dialects import hw
from xdsl.dialects.builtin import IntegerAttr, IntegerType, StringAttr

COMB = """
hw.module @m(in %a : i2, out y : i2) {
  %y = comb.xor %a, %a : i2
  hw.output %y : i2
}
"""


def _module_op(text: str) -> hw.HWModuleOp:
    op = next(iter(parse_module(text, "m.mlir").ops))
    assert isinstance(op, hw.HWModuleOp)
    return op


# ----------------------------------------------------------------------------- latency


def test_latency_absent_is_zero() -> None:
    m = _module_op(COMB)
    assert not has_latency(m)
    assert latency_of(m) == 0


def test_latency_written_and_read() -> None:
    m = _module_op(COMB)
    set_latency(m, 3)
    assert has_latency(m) and latency_of(m) == 3
    assert m.attributes[LATENCY_ATTR] == IntegerAttr(3, IntegerType(64))
    with pytest.raises(ValueError):
        set_latency(m, -1)


@pytest.mark.parametrize("attr", [StringAttr("2"), IntegerAttr(-1, IntegerType(64))])
def test_malformed_latency_is_a_located_error_for_every_reader(attr) -> None:
    m = _module_op(COMB)
    m.attributes[LATENCY_ATTR] = attr
    with pytest.raises(LutoptError, match="'lutopt.latency' must be a non-negative integer") as e:
        latency_of(m)
    assert e.value.format().startswith("m.mlir:2:1: error:")
    # the printer, the pipeliner and the interpreter all read it the same way
    module = m.parent_op()
    with pytest.raises(LutoptError, match="lutopt.latency"):
        VerilogTarget().emit(make_context(), module, io.StringIO())  # type: ignore[arg-type]
    m.attributes[LATENCY_ATTR] = attr
    with pytest.raises(LutoptError, match="lutopt.latency"):
        RtlPipeline(stages=1).apply(make_context(), module)  # type: ignore[arg-type]
    with pytest.raises(LutoptError, match="lutopt.latency"):
        Interpreter(module).signature("m")  # type: ignore[arg-type]


def test_latency_comment_round_trip() -> None:
    text = f"{latency_comment(2)}\nmodule a (input clk);\nendmodule\n// combinational\nmodule b;\nendmodule\n"
    assert read_latency_comment(text, "a") == 2
    assert read_latency_comment(text, "b") is None
    assert read_latency_comment(text, "c") is None


def test_the_printer_writes_the_latency_comment() -> None:
    module = parse_module(COMB.replace("{\n", "attributes {lutopt.latency = 0 : i64} {\n", 1))
    out = io.StringIO()
    VerilogTarget().emit(make_context(), module, out)
    assert read_latency_comment(out.getvalue(), "m") == 0
    out = io.StringIO()
    VerilogTarget().emit(make_context(), parse_module(COMB), out)
    assert "// combinational\nmodule m" in out.getvalue()


# ----------------------------------------------------------------------------- order

# A graph region: %s and %r are used before they are defined; the register closes a
# loop (y -> r -> s -> y), which is legal.
LOOP = """
hw.module @acc(in %clk : !seq.clock, in %a : i4, out y : i4) {
  %y = comb.add %s, %a : i4
  %s = comb.xor %r, %a : i4
  %r = seq.compreg %y, %clk : i4
  hw.output %y : i4
}
"""


def test_topological_order_of_a_graph_region_with_a_register_loop() -> None:
    m = _module_op(LOOP)
    block = m.body.block
    y, s, r, out = list(block.ops)
    assert topological_order(block) == [s, y, r, out]
    # registers depend on nothing and nothing depends on them
    assert topological_order(block, [r, y]) == [r, s, y]


def test_the_interpreter_and_the_printer_use_the_order() -> None:
    module = parse_module(LOOP)
    # r(t+1) = y(t) = (r(t) ^ a(t)) + a(t), r(0) = 0
    a = np.array([[1], [2], [3], [4]], dtype=np.uint64)
    (y,) = Interpreter(module).simulate_cycles("acc", [a])
    r, want = 0, []
    for t in range(4):
        v = ((r ^ int(a[t, 0])) + int(a[t, 0])) & 15
        want.append(v)
        r = v
    assert y[:, 0].tolist() == want
    out = io.StringIO()
    VerilogTarget().emit(make_context(), module, out)
    text = out.getvalue()
    assert text.index("wire [3:0] s =") < text.index("assign y =")


def test_a_combinational_loop_is_a_located_error() -> None:
    text = """
hw.module @bad(in %a : i1, out y : i1) {
  %y = comb.and %z, %a : i1
  %z = comb.or %y, %a : i1
  hw.output %y : i1
}
"""
    block = _module_op(text).body.block
    with pytest.raises(LutoptError, match="combinational loop through 'comb.(and|or)'") as e:
        topological_order(block)
    assert e.value.format().startswith("m.mlir:")
    with pytest.raises(LutoptError, match="cannot emit a combinational cycle as Verilog"):
        VerilogTarget().emit(make_context(), parse_module(text), io.StringIO())
    with pytest.raises(LutoptError, match="cannot simulate: combinational loop"):
        Interpreter(parse_module(text)).evaluate("bad", [np.zeros(1, dtype=np.uint64)])


# ----------------------------------------------------------------------------- names


def test_namespace_schemes() -> None:
    ns = Namespace(first_suffix=1)
    assert ns.claim_all(["a", "a", "b", "a"]) == ["a", "a_1", "b", "a_2"]
    # a repeat skips the names in use
    assert Namespace(first_suffix=1).claim_all(["a", "a_1", "a"]) == ["a", "a_1", "a_2"]
    ns = Namespace(["x"], reserved={"wire"}, legalize=lambda s: s.replace(".", "_"))
    assert [ns.claim(n) for n in ("x", "wire", "p.q", "p_q")] == ["x_0", "wire_0", "p_q", "p_q_0"]


def test_free_prefix_schemes() -> None:
    assert free_prefix(["a", "b"]) == "n"
    assert free_prefix(["n0", "_n12", "n"]) == "__n"  # no name is the prefix + digits
    assert free_prefix(["nx"], numbered=True) == "n"
    assert free_prefix(["nx", "n_y"], at_start=False, numbered=False) == "n__"


def test_convert_lut_to_rtl_port_names_are_unique() -> None:
    from lutopt.lowering.conversion.convert_lut_to_rtl import port_names

    fn = next(
        iter(
            parse_module(
                """
func.func @f(%x: i1 {lutopt.name = "a"}, %y: i1 {lutopt.name = "a_1"}, %z: i1 {lutopt.name = "a"}) -> i1 {
  func.return %x : i1
}
"""
            ).ops
        )
    )
    ins, _ = port_names(fn)  # type: ignore[arg-type]
    assert ins == ["a", "a_1", "a_2"]
