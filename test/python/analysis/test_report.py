"""The report (lutopt.analysis.report) against independent counts of the IR: LUTs and
their depth counted here on the ops, register bits on the `seq.compreg` ops, and the
layers of LUTs checked against the functions they compute (exhaustive simulation)."""

from __future__ import annotations

import dataclasses
import json

import matplotlib.image
import numpy as np
import pytest
from repo_paths import INPUTS
from xdsl.dialects import func
from xdsl.dialects.builtin import FunctionType, ModuleOp, i1
from xdsl.ir import Block, Region

from lutopt.analysis.report import ALL, OTHER, ReportCollector
from lutopt.api import parse_module, run_passes
from lutopt.dialects.gate import GateNetlistOp
from lutopt.ir.layer import layer_name, layer_of, set_gate_layers
from lutopt.logic.netlist import GateNetlist, pack_bits, unpack_bits
from lutopt.tools.lutopt_opt import main as lutopt_main


def compile_with_report(module, passes: str):
    collector = ReportCollector()
    collector.observe(module)
    run_passes(module, passes, after_pass=lambda p, m, s: collector.observe(m))
    return collector.finish(module)


def funcs(module):
    return [op for op in module.ops if op.name in ("func.func", "hw.module")]


def lut_ops(fn):
    return [op for op in fn.regions[0].blocks[0].ops if op.name == "lut.table"]


def chain_depth(fn, only=None) -> int:
    """The longest chain of lut.table ops (of `only`'s layer when given), from the returned
    values backwards, memoised: an implementation independent of lutopt.analysis.lut_depth."""
    memo: dict = {}

    def depth(value) -> int:
        owner = value.owner
        if not hasattr(owner, "operands"):
            return 0  # a block argument
        if owner in memo:
            return memo[owner]
        d = max((depth(v) for v in owner.operands), default=0)
        if owner.name == "lut.table" and (only is None or layer_of(owner) == only):
            d += 1
        memo[owner] = d
        return d

    ret = fn.regions[0].blocks[0].last_op
    return max((depth(v) for v in ret.operands), default=0)


def test_table_network_layers():
    """nn-to-lut + lut-decompose on a two-layer torch-mlir model: the counts are those of
    the IR, and LUTs next to the inputs / outputs are in the first / last layer."""
    module = parse_module((INPUTS / "masked-linear.torch.mlir").read_text(), "masked-linear.torch.mlir")
    (report,) = compile_with_report(module, "lower-to-luts{lut-size=3}")
    (fn,) = funcs(module)
    luts = lut_ops(fn)
    assert report.total.luts == len(luts) > 0
    assert report.total.depth == chain_depth(fn)
    assert report.total.gates is None  # tables go to LUTs without a gate level
    assert report.lut_size == max(len(op.operands) for op in luts) <= 3
    rows = {row.layer: row for row in report.layers}
    assert set(rows) == {layer_name(1), layer_name(2)}
    for name, row in rows.items():
        mine = [op for op in luts if layer_of(op) == name]
        assert row.luts == len(mine)
        assert row.depth == chain_depth(fn, only=name)
    ret = fn.regions[0].blocks[0].last_op
    for v in ret.operands:
        owner = v.owner
        while owner.name == "comb.concat":  # a multi-bit result: its bits
            owner = owner.operands[0].owner
        assert layer_of(owner) == layer_name(2)


def test_registers_and_latency_from_rtl():
    module = parse_module((INPUTS / "masked-linear.torch.mlir").read_text(), "masked-linear.torch.mlir")
    (report,) = compile_with_report(module, "lower-to-rtl{lut-size=6 pipeline-stages=2}")
    (mod,) = funcs(module)
    assert mod.name == "hw.module"
    regs = [op for op in mod.regions[0].blocks[0].ops if op.name == "seq.compreg"]
    assert regs
    assert report.total.registers == sum(op.results[0].type.width.data for op in regs)
    assert report.total.latency == 2
    assert all(row.registers is None and row.latency is None for row in report.layers)
    assert sum(row.luts for row in report.layers) == report.total.luts


def test_no_layers_is_one_row():
    module = parse_module(
        """
        func.func @f(%a: i1, %b: i1, %c: i1) -> i1 {
          %x = lut.table(%a, %b) [0, 1, 1, 0] : (i1, i1) -> i1
          %y = lut.table(%x, %c) [0, 0, 0, 1] : (i1, i1) -> i1
          %z = lut.table(%y, %a) [0, 1, 1, 1] : (i1, i1) -> i1
          func.return %z : i1
        }
        """
    )
    (report,) = compile_with_report(module, "")
    assert [row.layer for row in report.layers] == [ALL]
    assert report.layers[0].luts == report.total.luts == 3
    assert report.layers[0].depth == report.total.depth == 3
    assert report.total.registers == report.total.latency == 0


def _layered(num_inputs: int, layers: int, width: int, seed: int) -> tuple[GateNetlist, np.ndarray]:
    """A netlist of `layers` layers of AND/OR/XOR-like gates, each reading two distinct
    nodes of the layer before; the outputs are the last layer. Returns it and the layer
    (1-based) of every gate."""
    rng = np.random.default_rng(seed)
    fns = np.array([1, 2, 4, 8, 7, 11, 13, 14, 6, 9], np.uint8)
    fn, a, b, lay = [], [], [], []
    prev = np.arange(1, 1 + num_inputs)
    node = 1 + num_inputs
    for k in range(1, layers + 1):
        mine = []
        for _ in range(width):
            x, y = rng.choice(prev, size=2, replace=False)
            fn.append(rng.choice(fns))
            a.append(x)
            b.append(y)
            lay.append(k)
            mine.append(node)
            node += 1
        prev = np.array(mine)
    net = GateNetlist(
        num_inputs=num_inputs,
        fn=np.array(fn, np.uint8),
        a=np.array(a, np.int32),
        b=np.array(b, np.int32),
        outputs=prev.astype(np.int32),
        output_neg=np.zeros(len(prev), bool),
    )
    return net, np.array(lay, np.int32)


def _canonical(bits: np.ndarray) -> bytes:
    """A function's exhaustive truth table, the same for its complement."""
    bits = bits.astype(np.uint8)
    return (bits ^ bits[0]).tobytes()


@pytest.mark.parametrize("passes", ["gate-map-luts{lut-size=6}", "lower-to-luts{lut-size=6}", "lower-to-luts{lut-size=4}"])
def test_logic_layers_follow_the_functions(passes: str):
    """Every LUT that computes what a gate of the netlist computed is in the earliest
    layer of such a gate (exhaustive simulation over 12 inputs, independent of the
    256-vector signatures of lutopt.logic.layers); the gates per layer add up."""
    n = 12
    net, layers = _layered(n, 3, 16, seed=3)
    block = Block(arg_types=[i1] * n)
    nop = GateNetlistOp.from_netlist(list(block.args), net)
    set_gate_layers(nop, layers)
    block.add_ops([nop, func.ReturnOp(*nop.results)])
    module = ModuleOp([func.FuncOp("f", FunctionType.from_lists([i1] * n, [i1] * net.num_outputs), Region(block))])
    (report,) = compile_with_report(module, passes)
    (fn,) = funcs(module)

    # The exhaustive function of every gate of the original netlist, and its layer.
    vectors = (np.arange(1 << n)[None, :] >> np.arange(n)[:, None]) & 1
    whole = dataclasses.replace(
        net, outputs=np.arange(net.num_nodes, dtype=np.int32), output_neg=np.zeros(net.num_nodes, bool)
    )
    values = unpack_bits(whole.simulate(pack_bits(vectors)), 1 << n)
    earliest: dict[bytes, int] = {}
    for g in range(net.num_gates):
        key = _canonical(values[1 + n + g])
        earliest[key] = min(earliest.get(key, 99), int(layers[g]))
    for i in range(n):  # a wire: no layer
        earliest[_canonical(values[1 + i])] = 0

    # The exhaustive function of every mapped LUT.
    block = fn.regions[0].blocks[0]
    val = {arg: vectors[k].astype(np.uint8) for k, arg in enumerate(block.args)}
    checked = 0
    for op in block.ops:
        if op.name == "arith.constant":
            val[op.results[0]] = np.full(1 << n, op.properties["value"].value.data & 1, np.uint8)
        if op.name != "lut.table":
            continue
        idx = np.zeros(1 << n, np.int64)
        for v in op.operands:
            idx = (idx << 1) | val[v]
        out = (op.values()[idx] & 1).astype(np.uint8)
        val[op.results[0]] = out
        expected = earliest.get(_canonical(out))
        if expected:
            assert layer_of(op) == layer_name(expected), f"{op} computes a gate of layer {expected}"
            checked += 1
    assert checked >= net.num_outputs // 2  # the outputs at least are gates' functions
    rows = {row.layer: row for row in report.layers}
    assert sum(row.gates for row in report.layers) == report.total.gates
    assert sum(row.luts for row in report.layers) == report.total.luts == len(lut_ops(fn))
    assert layer_name(3) in rows and rows[layer_name(3)].luts > 0
    assert OTHER not in rows or rows[OTHER].gates == 0


def test_driver_json_and_plot(tmp_path, capsys):
    src = tmp_path / "f.mlir"
    src.write_text(
        """
        func.func @f(%a: i1, %b: i1, %c: i1) -> i1 {
          %x = lut.table(%a, %b) [0, 1, 1, 0] {lutopt.layer = "layer1"} : (i1, i1) -> i1
          %y = lut.table(%x, %c) [0, 0, 0, 1] {lutopt.layer = "layer2"} : (i1, i1) -> i1
          func.return %y : i1
        }
        """
    )
    js, png = tmp_path / "r.json", tmp_path / "r.png"
    rc = lutopt_main([str(src), "-o", str(tmp_path / "out.mlir"), "--report", "--report-file", str(js), "--report-plot", str(png)])
    assert rc == 0
    err = capsys.readouterr().err
    assert "lutopt report: @f" in err and "layer2" in err
    data = json.loads(js.read_text())
    (f,) = data["functions"]
    assert [row["layer"] for row in f["layers"]] == ["layer1", "layer2"]
    assert f["total"] == {"layer": "total", "gates": None, "luts": 2, "depth": 2, "registers": 0, "latency": 0}
    image = matplotlib.image.imread(str(png))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and image.shape[0] > 100 and image.shape[1] > 100
