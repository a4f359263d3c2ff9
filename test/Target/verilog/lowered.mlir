// RUN: lutopt %s -p 'lower-to-rtl{pipeline-stages=1}' -t verilog | filecheck %s
// RUN: lutopt %s -p lower-to-rtl -t verilog | filecheck %s --check-prefix=COMB

// The one-line flow from the lut level: ports named after the function's arguments,
// one localparam per result bit of each table, the latency in the header.
// CHECK:      // latency: 1 cycles
// CHECK-NEXT: module neuron (
// CHECK-NEXT:   input clk,
// CHECK-NEXT:   input [1:0] a,
// CHECK-NEXT:   input [1:0] b,
// CHECK-NEXT:   output reg [1:0] out0,
// CHECK-NEXT:   output {{(reg )?}}out1
// CHECK-NEXT: );
// CHECK-NEXT:   localparam [15:0] y_b0_table = 16'h9cc6;
// CHECK-NEXT:   localparam [15:0] y_b1_table = 16'h0f0c;
// CHECK-NEXT:   localparam [15:0] z_table = 16'h0f96;
// CHECK:        wire [3:0] idx = {a, b};
// CHECK-NEXT:   wire y_b0 = y_b0_table[idx];
// CHECK-NEXT:   wire y_b1 = y_b1_table[idx];
// CHECK:        always @(posedge clk)
// CHECK:      endmodule

// COMB:      // combinational
// COMB-NEXT: module neuron (
// COMB-NEXT:   input [1:0] a,
// COMB-NEXT:   input [1:0] b,
// COMB-NEXT:   output [1:0] out0,
// COMB-NEXT:   output out1
// COMB-NEXT: );
// COMB-NOT:  always
// COMB:      assign out1 = z_table[idx_0];
func.func @neuron(%a: i2, %b: i2) -> (i2, i1) {
  %y = lut.table(%a, %b) [0, 1, 3, 2, 0, 0, 1, 1, 2, 2, 3, 3, 1, 0, 0, 1] : (i2, i2) -> i2
  %z = lut.table(%y, %a) [0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0] : (i2, i2) -> i1
  func.return %y, %z : i2, i1
}
