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

Ops without the attribute (the gate level, integer arithmetic, mapped logic-gate
networks) belong to no layer; the report counts them in one row, "(all)" when nothing in
the function has a layer, "(other)" otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import StringAttr
from xdsl.ir import Operation, SSAValue

LAYER_ATTR = "lutopt.layer"
"""The attribute that names the layer an op belongs to."""


def layer_name(index: int) -> str:
    """The name of the layer that ends at the `index`-th non-input quantizer (1-based)."""
    return f"layer{index}"


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
