"""`lutopt-sim`: checks Verilog against the IR it was printed from, with a real simulator.

    lutopt-sim REF.mlir DESIGN.v [--top NAME] [--vectors N] [--seed S]
               [--simulator verilator|iverilog|auto] [--latency N] [--keep DIR]
               [--evaluator numba|c|compiled|numpy]

REF.mlir is the IR the Verilog was printed from: the nn level (the model as torch-mlir
exported it, which is first lowered to the lut level with `nn-to-lut`, so the comparison is
on codes), the lut level or the rtl level. DESIGN.v is compiled with Verilator (or Icarus
Verilog) and driven with one vector per clock cycle: every input vector when the inputs
have at most 16 bits, N random ones otherwise. A pipelined design (a `clk` port) is read
`latency` cycles later, the latency coming from the `// latency: N cycles` comment that
`lutopt -t verilog` writes above the module, or from --latency. Every output is compared
with the reference interpreter. Exit status 0 when all match, 1 on a mismatch (the first
counterexamples are printed) or any error.

The reference is evaluated by compiled bit-parallel code when it is at the gate or the
mapped-LUT level (`lutopt.interpreters.compiled`; --evaluator numba, the default, needs
no per-design compilation; `c` compiles the design with the system C compiler, worth it
for very many vectors; `compiled` is C when a compiler is found), and by the NumPy
interpreter otherwise or with --evaluator numpy. Both give the same values.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from lutopt.diagnostics import LutoptError


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="lutopt-sim",
        description="Simulate Verilog with Verilator or Icarus Verilog and compare it with "
        "the reference IR, vector by vector.",
    )
    p.add_argument("reference", metavar="REF.mlir", help="the nn-level (torch-mlir's output), lut-level or rtl-level IR")
    p.add_argument("designs", metavar="DESIGN.v", nargs="+", help="the Verilog source(s)")
    p.add_argument("--top", help="the module to simulate (default: the one top-level function)")
    p.add_argument("--vectors", type=int, default=4096, help="random vectors when the inputs have more than 16 bits (default 4096)")
    p.add_argument("--seed", type=int, default=0, help="seed of the random vectors (default 0)")
    p.add_argument("--simulator", choices=("auto", "verilator", "iverilog"), default="auto",
                   help="the simulator (default: Verilator if installed, else Icarus)")
    p.add_argument("--latency", type=int, default=None,
                   help="cycles from inputs to outputs (default: the '// latency: N cycles' comment)")
    p.add_argument("--max-mismatches", type=int, default=5, help="counterexamples to print (default 5)")
    p.add_argument("--max-table-bits", type=int, default=20,
                   help="for an nn-level REF: nn-to-lut's max-table-bits (default 20, as lower-to-rtl)")
    p.add_argument("--evaluator", choices=("numba", "c", "compiled", "numpy"), default="numba",
                   help="how the reference is evaluated at the gate and mapped-LUT levels: compiled "
                   "bit-parallel code run by numba (default) or built with the C compiler, or the "
                   "NumPy interpreter; other levels always use the interpreter")
    p.add_argument("--keep", metavar="DIR", help="build and run in DIR and keep the testbench and files")
    return p.parse_args(argv)


def _is_nn_level(module) -> bool:
    """True when a function of `module` takes or returns tensors (torch-mlir's output, or
    the nn level after some of nn-to-lut's passes): the reference is then lowered."""
    from xdsl.dialects.builtin import TensorType
    from xdsl.dialects.func import FuncOp

    for op in module.ops:
        if isinstance(op, FuncOp):
            t = op.function_type
            if any(isinstance(x, TensorType) for x in (*t.inputs.data, *t.outputs.data)):
                return True
    return False


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    try:
        from lutopt.sim.parsing import make_context, parse_module
        from lutopt.sim.verilog_sim import check_verilog

        if args.vectors < 1:
            raise LutoptError(f"--vectors must be positive, got {args.vectors}")
        if args.latency is not None and args.latency < 0:
            raise LutoptError(f"--latency must be >= 0, got {args.latency}")
        from lutopt.tools.lutopt_opt import decode_source

        try:
            with open(args.reference, "rb") as f:
                text = decode_source(f.read(), args.reference)  # a located error if binary
        except OSError as e:
            raise LutoptError(f"cannot read '{args.reference}': {e.strerror}")
        ctx = make_context()  # kept: an nn-level model's weights are resources of the context
        reference = parse_module(text, args.reference, ctx)
        if _is_nn_level(reference):
            from lutopt.api import run_passes
            from lutopt.lowering.pipelines.nn_to_lut import NnToLut

            run_passes(reference, [NnToLut(max_table_bits=args.max_table_bits)], ctx)
        report = check_verilog(
            reference,
            args.designs,
            top=args.top,
            num_vectors=args.vectors,
            seed=args.seed,
            simulator=args.simulator,
            latency=args.latency,
            max_reported=args.max_mismatches,
            workdir=args.keep,
            evaluator=args.evaluator,
        )
    except LutoptError as e:
        print(f"lutopt-sim: {e.format()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("lutopt-sim: error: interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # a bug in lutopt, not in the input: no traceback (as run_tool)
        if os.environ.get("LUTOPT_DEBUG"):
            raise
        print(f"lutopt-sim: error: internal error: {type(e).__name__}: {e}\n"
              "  (this is a bug in lutopt; set LUTOPT_DEBUG=1 for the traceback)", file=sys.stderr)
        return 1
    print(f"lutopt-sim: {report.summary()}")
    if report.ok:
        return 0
    for m in report.mismatches:
        ins = " ".join(f"{k}={v}" for k, v in m.inputs)
        got = "x" if m.after is None else str(m.after)
        print(f"  vector {m.vector}: {ins}: {m.output_name} = {got}, expected {m.before}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
