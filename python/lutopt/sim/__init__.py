"""Simulation of the lut and rtl levels, and pass-by-pass equivalence checking.

- the vectorised NumPy interpreter of `lutopt.interpreters` (`evaluate`, `simulate_cycles`,
  `function_signature`, `Interpreter` to reuse compiled functions, `register_op` to add ops),
  re-exported here, with `compile_function` (`lutopt.interpreters.compiled`: gate and
  mapped-LUT functions compiled to bit-parallel C or a numba kernel; also
  `Interpreter(module, backend="compiled")`);
- `check`: `check_pass(before, after, pass_name)` runs both modules on the same vectors
  (exhaustive up to 16 input bits, random otherwise) and reports one counterexample;
- `parsing`: `parse_module(text)`, a located parse with every dialect lutopt reads.
"""

from lutopt.sim.check import check_pass, compare_functions, random_or_exhaustive_vectors
from lutopt.interpreters.core import (
    CLOCK,
    LATENCY_ATTR,
    ArrayValue,
    Bits,
    Interpreter,
    Signature,
    evaluate,
    function_names,
    function_signature,
    register_op,
    signature_of,
    simulate_cycles,
)
from lutopt.interpreters.compiled import CompiledFunction, compile_function
from lutopt.sim.parsing import make_context, parse_module

__all__ = [
    "CLOCK",
    "LATENCY_ATTR",
    "ArrayValue",
    "Bits",
    "CompiledFunction",
    "Interpreter",
    "Signature",
    "check_pass",
    "compare_functions",
    "compile_function",
    "evaluate",
    "function_names",
    "function_signature",
    "make_context",
    "parse_module",
    "random_or_exhaustive_vectors",
    "register_op",
    "signature_of",
    "simulate_cycles",
]
