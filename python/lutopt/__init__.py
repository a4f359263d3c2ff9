"""lutopt: a compiler from quantized neural networks to FPGA lookup-table circuits.

The Python API (see `lutopt.api`): `parse_module`, `run_passes`, `emit`, `compile_text`.
"""

from lutopt.api import compile_text, emit, make_context, parse_module, run_passes
from lutopt.diagnostics import LutoptError

__version__ = "0.1.0"

__all__ = ["LutoptError", "compile_text", "emit", "make_context", "parse_module", "run_passes"]
