// RUN: lutopt %s -t verilog | filecheck %s

// Registers are declared first and written by one `always @(posedge clk)` each; a
// register that drives an output is the output (`output reg`); a register may feed back.
// CHECK-LABEL: // latency: 2 cycles
// CHECK-NEXT: module counter (
// CHECK-NEXT:   input clk,
// CHECK-NEXT:   input [3:0] step,
// CHECK-NEXT:   output reg [3:0] total,
// CHECK-NEXT:   output [3:0] count
// CHECK-NEXT: );
// CHECK-NEXT:   reg [3:0] step_d1;
// CHECK-NEXT:   reg [3:0] acc;
// CHECK-EMPTY:
// CHECK-NEXT:   wire [3:0] next = acc + step_d1;
// CHECK-EMPTY:
// CHECK-NEXT:   always @(posedge clk) step_d1 <= step;
// CHECK-NEXT:   always @(posedge clk) acc <= next;
// CHECK-NEXT:   always @(posedge clk) total <= acc;
// CHECK-EMPTY:
// CHECK-NEXT:   assign count = acc;
// CHECK-NEXT: endmodule
hw.module @counter(in %clk : !seq.clock, in %step : i4, out total : i4, out count : i4) attributes {lutopt.latency = 2 : i64} {
  %step_d1 = seq.compreg %step, %clk : i4
  %next = comb.add %acc, %step_d1 : i4
  %acc = seq.compreg %next, %clk : i4
  %out = seq.compreg %acc, %clk : i4
  hw.output %out, %acc : i4, i4
}

// A register with a synchronous reset; an unread register input bit-range.
// CHECK-LABEL: module with_reset (
// CHECK:        /* verilator lint_off UNUSEDSIGNAL */
// CHECK-NEXT:   reg [1:0] r;
// CHECK-NEXT:   /* verilator lint_on UNUSEDSIGNAL */
// CHECK:        assign y = r[0];
// CHECK:        always @(posedge clk) r <= rst ? 2'h2 : d;
hw.module @with_reset(in %clk : !seq.clock, in %rst : i1, in %d : i2, out y : i1) {
  %init = hw.constant 2 : i2
  %r = seq.compreg %d, %clk reset %rst, %init : i2
  %y = comb.extract %r from 0 : (i2) -> i1
  hw.output %y : i1
}
