"""The Verilog target: `lutopt IN.mlir -t verilog` prints the rtl level as Verilog-2001.

Emission is split in two, as in CIRCT's ExportVerilog, over the modules of this package:

* `PrepareForVerilog` (pass `prepare-for-verilog`, `prepare_for_verilog.py`) legalises the IR. It
  removes dead pure ops, puts every module body in an order where each value is defined
  before it is used (registers may feed back), and decides for every value how it appears
  in the Verilog: inlined (a small constant), a `localparam` (a table column or a wide
  constant), a `wire`, a `reg`, an output port, or another name for its operand (a
  `hw.bitcast`, which is the identity on the flat bit vectors Verilog sees). It gives
  every named value a legal, unique, readable Verilog identifier, taken from the SSA
  name hint where there is one, avoiding Verilog/SystemVerilog keywords and the
  module's port names, and records the signals some of whose bits are never read (so
  that the printer can silence Verilator's UNUSEDSIGNAL for exactly those). Everything
  is stored as attributes (see `ATTR_*`), and the chosen names also as name hints.
  The names are legalised by `names.py`; the attributes are listed in `attributes.py`.
* `print_verilog` (`printer.py`) only reads the IR and those attributes.

`VerilogTarget` (`-t verilog`, `printer.py`) runs the first and then the second. The ops
both know, and the Verilog operator of each, come from `lutopt.ir.comb`; the latency
comment from `lutopt.ir.latency`.

What the Verilog looks like:

    // latency: 1 cycles
    module table2 (
      input clk,
      input [1:0] a,
      input [1:0] b,
      output reg y
    );
      localparam [15:0] y_table = 16'h6996;

      wire [3:0] idx = {a, b};
      wire y_0 = y_table[idx];

      always @(posedge clk) y <= y_0;
    endmodule

Arrays (`!hw.array<N x T>`) are flat vectors with element i in bits [i*w, (i+1)*w), as
CIRCT lays them out, so a table column is a `localparam` of 2^n bits indexed by the
n-bit concatenation of the table's operands. Constants are printed in hexadecimal
(linear time even for a 2^20-bit column); one wider than 4096 bits is a concatenation of
4096-bit literals, one per line (256 lines for a 2^20-bit column), which both Icarus and
Verilator (without `--max-num-width`) accept.
"""

from lutopt.target.verilog.attributes import (
    ATTR_INSTANCE_NAME,
    ATTR_KINDS,
    ATTR_MODULE_NAME,
    ATTR_NAMES,
    ATTR_OUTPUT_REGS,
    ATTR_PORTS,
    ATTR_PRIMITIVE,
    ATTR_UNUSED,
    KINDS,
    PRIMITIVE_FAMILIES,
)
from lutopt.target.verilog.literals import LITERAL_CHUNK_BITS, constant_literal, hex_literal, range_decl
from lutopt.target.verilog.names import (
    VERILOG_KEYWORDS,
    VerilogNamespace,
    is_legal_identifier,
    legal_identifier,
)
from lutopt.target.verilog.prepare_for_verilog import INLINE_CONSTANT_MAX_BITS, SUPPORTED_OPS, PrepareForVerilog
from lutopt.target.verilog.printer import VerilogTarget, print_verilog
from lutopt.target.verilog.values import bit_width, constant_index

Namespace = VerilogNamespace
"""The Verilog namespace under its former name."""

__all__ = [
    "ATTR_INSTANCE_NAME",
    "ATTR_KINDS",
    "ATTR_MODULE_NAME",
    "ATTR_NAMES",
    "ATTR_OUTPUT_REGS",
    "ATTR_PORTS",
    "ATTR_PRIMITIVE",
    "ATTR_UNUSED",
    "INLINE_CONSTANT_MAX_BITS",
    "KINDS",
    "LITERAL_CHUNK_BITS",
    "PRIMITIVE_FAMILIES",
    "SUPPORTED_OPS",
    "VERILOG_KEYWORDS",
    "Namespace",
    "PrepareForVerilog",
    "VerilogNamespace",
    "VerilogTarget",
    "bit_width",
    "constant_index",
    "constant_literal",
    "hex_literal",
    "is_legal_identifier",
    "legal_identifier",
    "print_verilog",
    "range_decl",
]
