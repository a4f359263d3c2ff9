"""Replacing many results at once (lutopt.ir.uses; issue 8, the 256k flow): each user's
operand list is rebuilt once, not once per use (xDSL's replace_all_uses_with made
gate-map-luts quadratic in the outputs of a netlist: 9 s for 16,019 outputs)."""

from __future__ import annotations

from xdsl.ir.core import OpOperands

import lutopt
from lutopt.ir.uses import replace_all_uses
from lutopt.logic.exchange import netlist_module
from lutopt.logic.random_netlist import random_layered


def counting_setitem(monkeypatch) -> list[int]:
    calls = [0]
    original = OpOperands.__setitem__

    def counted(self, idx, value):
        calls[0] += 1
        original(self, idx, value)

    monkeypatch.setattr(OpOperands, "__setitem__", counted)
    return calls


def test_gate_map_luts_sets_each_output_once(monkeypatch) -> None:
    net = random_layered(8, 400, width=100, seed=3)  # 100 outputs
    module = netlist_module(net, "f")
    calls = counting_setitem(monkeypatch)
    lutopt.run_passes(module, "gate-map-luts{lut-size=4}")
    assert calls[0] == 0, f"{calls[0]} single-operand updates (one per output before)"
    (ret,) = [o for o in module.walk() if o.name == "func.return"]
    assert len(ret.operands) == net.num_outputs
    assert not any(o.name == "gate.netlist" for o in module.walk())


def test_replace_all_uses_matches_one_by_one() -> None:
    net = random_layered(4, 12, width=4, seed=1)
    a, b = netlist_module(net, "f"), netlist_module(net, "f")
    for module, bulk in ((a, True), (b, False)):
        (nop,) = [o for o in module.walk() if o.name == "gate.netlist"]
        args = list(nop.parent_block().args)
        new = [args[k % len(args)] for k in range(len(nop.results))]
        if bulk:
            replace_all_uses(list(nop.results), new)
        else:
            for r, v in zip(nop.results, new):
                r.replace_all_uses_with(v)
        assert not any(r.uses for r in nop.results)
    assert lutopt.emit(a) == lutopt.emit(b)
