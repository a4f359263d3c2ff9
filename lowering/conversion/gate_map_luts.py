"""`gate-map-luts`: covers every `gate.netlist` by K-input LUTs (`lut.table` ops).

Each netlist is mapped by `lutopt.logic.mapping.lut_map` (priority cuts, depth-optimal,
then area recovery) and replaced by one `lut.table` per LUT, with 1-bit operands (the
LUT's leaves, last leaf first, so that the table index is the cover's minterm number) and
a 1-bit result. Outputs that are constants become `arith.constant`; outputs that are
inputs are forwarded.

Options: `lut-size` (K, 3..8, default 6), `cut-limit` (priority cuts per node, default 8).

Netlists of `PROGRESS_GATES` gates or more show a status line on stderr while they are
mapped (the current round, LUTs and depth) when `lutopt.progress.progress_wanted()` (stderr
is a terminal, or `LUTOPT_PROGRESS=1`; not with `LUTOPT_PROGRESS=0`), and a summary line
when done.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, replace

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from lutopt.ir.layer import copy_layer, gate_layers_of, layer_name, layer_of
from lutopt.diagnostics import LutoptError
from lutopt.progress import progress_wanted

PROGRESS_GATES = 20_000


def _map_with_status(net, params, prefix: str):
    """`lut_map` with a status line on stderr: live (rewritten in place) on a terminal,
    only the summary otherwise."""
    from lutopt.logic.mapping import lut_map

    live = sys.stderr.isatty()
    start = time.perf_counter()

    def status(r) -> None:
        sys.stderr.write(f"\r{prefix}, round {r.name}: {r.luts} LUTs, depth {r.depth}\x1b[K")
        sys.stderr.flush()

    cover, stats = lut_map(net, replace(params, progress=status) if live else params)
    lead, end = ("\r", "\x1b[K\n") if live else ("", "\n")
    sys.stderr.write(
        f"{lead}{prefix} -> {stats.luts} {params.lut_size}-LUTs, depth {stats.depth} "
        f"({time.perf_counter() - start:.1f} s){end}"
    )
    return cover, stats


@dataclass(frozen=True)
class GateMapLuts(ModulePass):
    """Replaces every `gate.netlist` by a network of `lut.table` ops of at most K inputs."""

    name = "gate-map-luts"

    lut_size: int = 6
    cut_limit: int = 8

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        from lutopt.dialects.gate import GateNetlistOp, netlist_of
        from lutopt.logic.cover import cover_to_lut_ops
        from lutopt.ir.uses import replace_all_uses
        from lutopt.logic.mapping import MapParams, lut_map

        params = MapParams(lut_size=self.lut_size, cut_limit=self.cut_limit)
        problem = params.check()
        if problem:
            raise LutoptError(f"{self.name}: {problem}")
        for nop in [o for o in op.walk() if isinstance(o, GateNetlistOp)]:
            net = netlist_of(nop)
            if net.num_gates >= PROGRESS_GATES and progress_wanted():
                cover, _stats = _map_with_status(net, params, f"{self.name}: {net.num_gates} gates")
            else:
                cover, _stats = lut_map(net, params)
            gate_layers = gate_layers_of(nop)
            lut_layers = out_layers = None
            if gate_layers is not None:  # the layer of each LUT, by simulation (lutopt.logic.layers)
                from lutopt.logic.layers import cover_layers_after, output_layers

                lut_layers = [layer_name(int(k)) if k else None for k in cover_layers_after(net, gate_layers, cover)]
                out_layers = [layer_name(int(k)) if k else None for k in output_layers(net, gate_layers)]
            new_ops, outs = cover_to_lut_ops(
                cover, list(nop.inputs), loc_op=nop, layers=lut_layers, output_layers=out_layers
            )
            if gate_layers is None and layer_of(nop) is not None:  # the whole netlist is one layer
                for o in new_ops:
                    copy_layer(o, nop)
            Rewriter.insert_op(new_ops, InsertPoint.before(nop))
            replace_all_uses(list(nop.results), outs)
            Rewriter.erase_op(nop)
