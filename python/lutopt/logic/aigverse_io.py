"""`GateNetlist` <-> aigverse `Aig` (the Python binding of EPFL's mockturtle).

Both directions go through aigverse's *index list*, a flat list of integers that the
binding encodes and decodes in C++, so no Python code runs per gate:

    [num_pis, num_pos, num_gates, lit0_0, lit1_0, lit0_1, lit1_1, ..., po_0, po_1, ...]

Literals are AIGER's: 0 false, 1 true, `2 * (k + 1)` input k, `2 * (1 + num_pis + j)`
gate j, plus one for the complement; a pair with `lit0 < lit1` is an AND, with
`lit0 > lit1` an XOR. These are the node numbers of `GateNetlist` too, so node v of the
netlist is node v of the index list.

To an AIG: every gate function is expressed with ANDs and complemented edges, as the
AIGER writer does (`lutopt.logic._aiger_kernels.aig_from_gates`): constants and
single-input functions need no AND, the AND/OR family one, XOR/XNOR three. Decoding
builds the `Aig` through its structural hashing, which also folds constant fanins and
repeated fanins. Outputs that are inputs or constants stay so.

From an AIG: AND j of the index list becomes gate j with function 1, 2, 4 or 8 (the
fanin complements folded into the function), an output literal becomes the output node
and its complement flag. With `recover_xors` (the default), an AND of two complemented
ANDs over the same two nodes in opposite phases, `~(x' & y') & ~(~x' & ~y')`, becomes
one XOR/XNOR gate of x and y; the two inner ANDs stay for their other
consumers or become dead. The names of the inputs and outputs are not in the `Aig`; the
caller passes them on.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np

from lutopt.diagnostics import LutoptError
from lutopt.logic.netlist import GateNetlist
from lutopt.logic.simplify import recover_xors

if TYPE_CHECKING:
    from aigverse.networks import Aig

AIGVERSE_VERSION = "0.1.7"

# AND of (a ^ neg_a, b ^ neg_b) as a gate function (difflogic numbering): index 2*neg_a+neg_b.
_AND_FN = np.array([1, 2, 4, 8], dtype=np.uint8)
_XOR_FN = np.array([6, 9], dtype=np.uint8)


def aigverse_module(what: str) -> ModuleType:
    """The `aigverse` package, or a one-line `LutoptError` naming `what` needs it."""
    try:
        import aigverse
        import aigverse.algorithms
        import aigverse.networks
    except ImportError as e:
        raise LutoptError(
            f"{what} needs the Python package aigverse (pip install aigverse=={AIGVERSE_VERSION}): {e}"
        ) from None
    return aigverse


def netlist_index_list(net: GateNetlist) -> np.ndarray:
    """The netlist as the raw integers of an aigverse AND index list (int64)."""
    from lutopt.logic._aiger_kernels import aig_from_gates

    lit, _lhs, r0, r1 = aig_from_gates(
        int(net.num_inputs),
        np.ascontiguousarray(net.fn, dtype=np.int64),
        np.ascontiguousarray(net.a, dtype=np.int64),
        np.ascontiguousarray(net.b, dtype=np.int64),
    )
    na = len(r0)
    outs = lit[np.asarray(net.outputs, dtype=np.int64)] ^ np.asarray(net.output_neg, dtype=np.int64)
    raw = np.empty(3 + 2 * na + len(outs), dtype=np.int64)
    raw[:3] = (net.num_inputs, len(outs), na)
    raw[3 : 3 + 2 * na : 2] = r1  # r1 <= r0: the smaller literal first marks an AND
    raw[4 : 3 + 2 * na : 2] = r0
    raw[3 + 2 * na :] = outs
    return raw


def netlist_to_aig(net: GateNetlist) -> Aig:
    """The netlist as an aigverse `Aig` (structurally hashed while it is built)."""
    problem = net.check()
    if problem:
        raise LutoptError(f"cannot convert to an AIG: {problem}")
    networks = aigverse_module("converting a gate netlist to an AIG").networks
    return networks.AigIndexList(netlist_index_list(net).tolist()).to_aig()


def index_list_netlist(
    raw: np.ndarray, input_names: list[str] | None = None, output_names: list[str] | None = None
) -> GateNetlist:
    """The netlist of the raw integers of an aigverse index list (ANDs and XORs)."""
    raw = np.asarray(raw, dtype=np.int64)
    ni, no, ng = (int(x) for x in raw[:3])
    pairs = raw[3 : 3 + 2 * ng].reshape(ng, 2)
    l0, l1 = pairs[:, 0], pairs[:, 1]
    outs = raw[3 + 2 * ng : 3 + 2 * ng + no]
    is_xor = l0 > l1
    neg = 2 * (l0 & 1) + (l1 & 1)
    fn = np.where(is_xor, _XOR_FN[(l0 ^ l1) & 1], _AND_FN[neg])
    net = GateNetlist(
        num_inputs=ni,
        fn=fn.astype(np.uint8),
        a=(l0 >> 1).astype(np.int32),
        b=(l1 >> 1).astype(np.int32),
        outputs=(outs >> 1).astype(np.int32),
        output_neg=(outs & 1).astype(bool),
        input_names=input_names,
        output_names=output_names,
    )
    problem = net.check()
    if problem:  # the index list of an AIG whose nodes are not in topological order
        raise LutoptError(f"the AIG did not convert to a gate netlist: {problem}")
    return net


def aig_to_netlist(
    aig: Any,
    input_names: list[str] | None = None,
    output_names: list[str] | None = None,
    xors: bool = True,
) -> GateNetlist:
    """The gate netlist of an aigverse `Aig`: one AND-family gate per AND node, in the
    AIG's node order (dangling nodes included; see `simplify.remove_dead_gates`), with
    the XORs recovered (`recover_xors`) when `xors` is set."""
    net = index_list_netlist(np.asarray(aig.to_index_list().raw(), dtype=np.int64), input_names, output_names)
    return recover_xors(net) if xors else net
