"""What the `lutopt` driver knows: lutopt's own dialects, passes and targets, plus those
that users register from their own Python files.

A user's file (loaded with `lutopt --load my_passes.py`, or imported by their own
program) registers a pass like this:

    from lutopt.registry import register_pass

    @register_pass
    class MyPass(ModulePass):
        name = "my-pass"
        def apply(self, ctx, op): ...

See `examples/plugin/` for a complete example with a rewrite pattern.
"""

from __future__ import annotations

from collections.abc import Callable

from xdsl.ir import Dialect
from xdsl.passes import ModulePass
from xdsl.utils.target import Target

from lutopt.universe import lutopt_dialects, lutopt_passes, lutopt_targets

_user_passes: dict[str, Callable[[], type[ModulePass]]] = {}
_user_dialects: dict[str, Callable[[], Dialect]] = {}


def register_pass(cls: type[ModulePass]) -> type[ModulePass]:
    """Makes a `ModulePass` subclass available to the driver under its `name`."""
    _user_passes[cls.name] = lambda: cls
    return cls


def register_dialect(dialect: Dialect) -> Dialect:
    """Makes a user's dialect available to the driver's parser."""
    _user_dialects[dialect.name] = lambda: dialect
    return dialect


def all_dialects() -> dict[str, Callable[[], Dialect]]:
    return {**lutopt_dialects(), **_user_dialects}


def all_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    return {**lutopt_passes(), **_user_passes}


def all_targets() -> dict[str, Callable[[], type[Target]]]:
    return lutopt_targets()


PIPELINES = ("lower-to-rtl", "lower-to-luts", "nn-to-lut")
"""The named pipelines (passes that expand into other passes), listed first by --help."""

PASS_SUMMARIES = {
    "lower-to-rtl": "whatever levels are present down to rtl (options lut-size, pipeline-stages, effort, rewrite)",
    "lower-to-luts": "nn, lut and gate levels to lut.table ops of at most lut-size one-bit inputs",
    "nn-to-lut": "torch-mlir's output to the lut level (fold, raise quantizers, partition, absorb)",
    "nn-fold-constants": "evaluate constant sub-graphs and resolve dense_resource blobs",
    "nn-raise-quantizers": "divf/roundeven/clamp/mulf chains to nn.quantize + nn.dequantize",
    "nn-partition": "split each function of quantized tensors into nn.partition ops on codes",
    "nn-absorb-partitions": "replace each nn.partition by the lut.table of its function",
    "canonicalize": "xDSL's canonicalizer with lut's patterns (fold constants, drop unused operands, ...)",
    "lut-decompose": "cover tables of any width with lut-size-input LUTs",
    "lut-dont-care": "NOT exact: table entries a data set (data=\"F.npz\") never reaches become don't-cares",
    "convert-lut-to-rtl": "each func.func to an hw.module, each table to a constant indexed by its operands",
    "rtl-pipeline": "insert stages ranks of seq.compreg, balancing the logic depth (a clk port)",
    "prepare-for-verilog": "legalise names for the Verilog printer (run by -t verilog)",
    "gate-strash": "merge structurally identical gates (gate.netlist)",
    "gate-const-prop": "fold constants and trivial gates",
    "gate-dce": "remove dead gates",
    "gate-double-inversion": "fold inverters into their consumers",
    "gate-balance": "rebuild AND/OR/XOR chains as balanced trees",
    "gate-recover-xors": "turn three-AND XORs back into XOR gates",
    "gate-rewrite": "AIG rewriting by NPN-class cuts (aigverse/mockturtle)",
    "gate-resub": "AIG resubstitution (aigverse/mockturtle)",
    "gate-refactor": "AIG refactoring (aigverse/mockturtle)",
    "gate-aig-opt": "a script of AIG optimisations (script=\"rw,rs,rf,b\")",
    "gate-map-luts": "cut-based mapping of gate.netlist to lut.table ops of at most lut-size inputs",
}
"""One line per lutopt pass for `lutopt --help` (user passes use their docstring)."""


def pass_summaries() -> list[tuple[str, str]]:
    """(name, one-line description) of lutopt's and users' passes, pipelines first."""
    names = list(PIPELINES) + sorted(n for n in all_passes() if n not in PIPELINES)
    if "canonicalize" not in names:
        names.append("canonicalize")
    result = []
    for name in names:
        summary = PASS_SUMMARIES.get(name)
        if summary is None and name in _user_passes:
            doc = (_user_passes[name]().__doc__ or "").strip()
            summary = doc.splitlines()[0] if doc else "(a user pass)"
        result.append((name, summary or ""))
    return result
