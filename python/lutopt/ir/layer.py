"""Layer provenance: the `lutopt.layer` attribute, which says which layer of the model an
op computes (read by the report, `lutopt.analysis.report`).

`lutopt.layer = "<name>"` (a string) is written on `lut.table` ops by the pass that knows
the layer and copied by every pass that replaces such an op by others:

* `nn-absorb-partitions`: a table absorbs a partition, which ends at one quantizer of the
  model; the layer is the ordinal of that quantizer among the function's quantizers that
  are not on an input, in program order: `"layer1"`, `"layer2"`, ... (a LogicNets /
  NeuraLUT layer ends at one quantizer);
* `lut-decompose`: each K-LUT of a table's cover gets the table's layer; a LUT shared by
  the covers of tables of several layers (one batch) gets the first of them in program
  order (`cover_layers`).

A `gate.netlist` holds a whole network, so its gates carry their layers in one array
attribute, `lutopt.gate_layers` (k for `layer<k>`, 0 for none):

* `nn-logic-to-gate`: the gates made from the values of one tensor at once (a layer's
  outputs as the next layer gathers them, or as the GroupSum reads them) are one layer,
  numbered in the order they are made (`lutopt.analysis.logic_tables.Arena`);
* the head of a logic network (the GroupSum counts and the argmax, integer arithmetic
  made by `nn-logic-to-gate`) is the layer `"head"`; `convert-arith-to-gate` gives the
  netlist of a cluster of arith ops their layer when they have one (`lutopt.layer` on
  the `gate.netlist`: all its gates);
* every gate pass (through `lutopt.dialects.gate.set_netlist`) and `gate-map-luts`
  (onto the LUTs it makes, as `lutopt.layer`) carry it over by simulation
  (`lutopt.logic.layers`): a new node that computes what an old node computed is in its
  layer, others in the earliest layer they feed.

Ops without the attribute (the input decoding of thermometer codes, the integer
arithmetic of layers too wide for a table) belong to no layer; the report counts them in one row, "(all)" when nothing in
the function has a layer, "(other)" otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import StringAttr
from xdsl.ir import Operation, SSAValue

LAYER_ATTR = "lutopt.layer"
"""The attribute that names the layer an op belongs to."""

HEAD_LAYER = "head"
"""The layer of a logic network's head (the GroupSum popcounts and the argmax)."""

GATE_LAYERS_ATTR = "lutopt.gate_layers"
"""On a `gate.netlist`: the layer of every gate, `dense<...> : tensor<Gxi32>` (k for
`layer<k>`, 0 for none)."""


def layer_name(index: int) -> str:
    """The name of the layer that ends at the `index`-th non-input quantizer (1-based)."""
    return f"layer{index}"


def gate_layers_of(op: Operation):
    """The per-gate layer numbers of a `gate.netlist` (int32 array), or None."""
    import numpy as np

    attr = op.attributes.get(GATE_LAYERS_ATTR)
    if attr is None:
        return None
    return np.frombuffer(attr.data.data, dtype="<i4").astype(np.int32)  # type: ignore[attr-defined]


def set_gate_layers(op: Operation, layers) -> None:
    """Records the layer of every gate of a `gate.netlist` (none: the attribute is dropped)."""
    import numpy as np
    from xdsl.dialects.builtin import BytesAttr, DenseIntOrFPElementsAttr, IntegerType, TensorType

    layers = np.asarray(layers, dtype="<i4")
    if not layers.any():
        op.attributes.pop(GATE_LAYERS_ATTR, None)
        return
    op.attributes[GATE_LAYERS_ATTR] = DenseIntOrFPElementsAttr(
        TensorType(IntegerType(32), [len(layers)]), BytesAttr(layers.tobytes())
    )


def layer_of(op: Operation) -> str | None:
    """The layer `op` belongs to, or None."""
    attr = op.attributes.get(LAYER_ATTR)
    return attr.data if isinstance(attr, StringAttr) else None


def set_layer(op: Operation, layer: str | None) -> None:
    """Records that `op` belongs to `layer` (nothing when `layer` is None)."""
    if layer is not None:
        op.attributes[LAYER_ATTR] = StringAttr(layer)


def copy_layer(op: Operation, source: Operation) -> None:
    """Gives `op` the layer of `source`, if it has one."""
    attr = source.attributes.get(LAYER_ATTR)
    if attr is not None:
        op.attributes[LAYER_ATTR] = attr


def spread_layers(ops: Sequence[Operation], outputs: Sequence[SSAValue], layers: Sequence[str | None]) -> None:
    """Gives each of `ops` (new ops in topological order, e.g. the LUTs that replace some
    tables) the layer of the first output (in the order of `outputs`) whose cone holds it;
    output `outputs[i]` computes a part of layer `layers[i]`."""
    named = set(x for x in layers if x is not None)
    if not named:
        return
    if len(named) == 1 and None not in layers:  # one layer: every op is in it
        attr = StringAttr(named.pop())
        for op in ops:
            op.attributes[LAYER_ATTR] = attr
        return
    mine = set(id(op) for op in ops)
    rank: dict[int, int] = {}
    for i, (v, layer) in enumerate(zip(outputs, layers)):
        owner = v.owner
        if layer is not None and isinstance(owner, Operation) and id(owner) in mine:
            rank[id(owner)] = min(rank.get(id(owner), i), i)
    for op in reversed(ops):  # users before definitions
        r = rank.get(id(op))
        if r is None:
            continue
        op.attributes[LAYER_ATTR] = StringAttr(layers[r])  # type: ignore[arg-type]
        for v in op.operands:
            owner = v.owner
            if isinstance(owner, Operation) and id(owner) in mine and rank.get(id(owner), r + 1) > r:
                rank[id(owner)] = r
