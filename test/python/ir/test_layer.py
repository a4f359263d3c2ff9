"""lutopt.ir.layer: the layer of the LUTs that replace tables of several layers."""

from __future__ import annotations

from xdsl.dialects.builtin import i1
from xdsl.ir import Block

from lutopt.dialects.lut import TableOp
from lutopt.ir.layer import copy_layer, layer_of, set_layer, spread_layers


def _lut(*operands):
    import numpy as np

    return TableOp(list(operands), np.zeros(1 << len(operands), np.uint64), 1)


def test_spread_layers_first_output_wins_shared_ops():
    block = Block(arg_types=[i1, i1, i1])
    a, b, c = block.args
    shared = _lut(a, b)  # feeds both outputs
    only2 = _lut(c)  # feeds the second output only
    out1 = _lut(shared.output, c)
    out2 = _lut(shared.output, only2.output)
    dead = _lut(a)  # feeds no output
    ops = [shared, only2, out1, out2, dead]
    spread_layers(ops, [out1.output, out2.output], ["layer3", "layer5"])
    assert [layer_of(op) for op in ops] == ["layer3", "layer5", "layer3", "layer5", None]
    # Outputs in the other order: the shared LUT follows the first output.
    for op in ops:
        op.attributes.clear()
    spread_layers(ops, [out2.output, out1.output], ["layer5", "layer3"])
    assert layer_of(shared) == "layer5"


def test_one_layer_and_no_layer():
    block = Block(arg_types=[i1])
    x = _lut(block.args[0])
    y = _lut(x.output)
    spread_layers([x, y], [y.output], [None])
    assert layer_of(x) is None and layer_of(y) is None
    spread_layers([x, y], [y.output], ["layer1"])
    assert layer_of(x) == layer_of(y) == "layer1"
    z = _lut(block.args[0])
    copy_layer(z, y)
    assert layer_of(z) == "layer1"
    set_layer(z, None)
    assert layer_of(z) == "layer1"
