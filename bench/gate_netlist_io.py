"""Parse, verify and print times of a large `gate.netlist` (not part of the test run).

    .venv/bin/python bench/gate_netlist_io.py [--gates 256000] [--inputs 256]

Builds a random layered netlist (LILogicNet's CIFAR-10 size by default), wraps it in a
`func.func`, prints it (custom and generic form), parses both back, verifies, and checks
that the parsed netlist equals the original.
"""

from __future__ import annotations

import argparse
import time
from io import StringIO

import numpy as np
from xdsl.context import Context
from xdsl.dialects import builtin, func
from xdsl.dialects.builtin import ModuleOp, i1
from xdsl.ir import Block, Region
from xdsl.parser import Parser
from xdsl.printer import Printer

from lutopt.dialects.gate import GATE, GateNetlistOp
from lutopt.logic.random_netlist import random_layered


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gates", type=int, default=256_000)
    ap.add_argument("--inputs", type=int, default=256)
    args = ap.parse_args()

    t = time.perf_counter()
    net = random_layered(args.inputs, args.gates)
    print(f"generate            {time.perf_counter() - t:7.3f} s  ({net.num_gates} gates, {net.num_outputs} outputs)")

    t = time.perf_counter()
    block = Block(arg_types=[i1] * net.num_inputs)
    op = GateNetlistOp.from_netlist(block.args, net)
    block.add_ops([op, func.ReturnOp(*op.results)])
    f = func.FuncOp("net", ((i1,) * net.num_inputs, (i1,) * net.num_outputs), Region(block))
    module = ModuleOp([f])
    print(f"build op            {time.perf_counter() - t:7.3f} s")

    t = time.perf_counter()
    module.verify()
    print(f"verify              {time.perf_counter() - t:7.3f} s")

    ctx = Context()
    for d in (builtin.Builtin, func.Func, GATE):
        ctx.load_dialect(d)
    for generic in (False, True):
        form = "generic" if generic else "custom"
        t = time.perf_counter()
        out = StringIO()
        Printer(stream=out, print_generic_format=generic).print_op(module)
        text = out.getvalue()
        print(f"print ({form:7})     {time.perf_counter() - t:7.3f} s  ({len(text) / 1e6:.1f} MB)")
        t = time.perf_counter()
        parsed = Parser(ctx, text).parse_module()
        print(f"parse ({form:7})     {time.perf_counter() - t:7.3f} s")
        t = time.perf_counter()
        parsed.verify()
        print(f"verify parsed       {time.perf_counter() - t:7.3f} s")
        back = next(o for o in parsed.walk() if isinstance(o, GateNetlistOp)).netlist()
        same = (
            np.array_equal(back.fn, net.fn)
            and np.array_equal(back.a, net.a)
            and np.array_equal(back.b, net.b)
            and np.array_equal(back.outputs, net.outputs)
            and np.array_equal(back.output_neg, net.output_neg)
        )
        print(f"round trip equal    {same}")
        if not same:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
