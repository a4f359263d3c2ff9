// RUN: lutopt %s -t verilog | filecheck %s

// Names come from SSA name hints when legal; keywords, port names and repeated hints get
// a suffix; values without a hint are named after what they compute. Dead ops vanish.
// CHECK-LABEL: module names (
// CHECK-NEXT:   input [1:0] a,
// CHECK-NEXT:   input [1:0] wire_0,
// CHECK-NEXT:   output [1:0] y,
// CHECK-NEXT:   output [1:0] z
// CHECK-NEXT: );
// CHECK-NEXT:   wire [1:0] a_0 = a ^ wire_0;
// CHECK-NEXT:   wire [1:0] reg_0 = a_0 & a;
// CHECK-NEXT:   wire [1:0] y_0 = reg_0 | a_0;
// CHECK-NEXT:   wire [1:0] sum = y_0 + a;
// CHECK-NEXT:   wire [1:0] sum_0 = sum + y_0;
// CHECK-NEXT:   wire [1:0] sub = sum_0 - a;
// CHECK-NEXT:   wire [1:0] x_1 = sub ^ y_0;
// CHECK-NEXT:   assign z = x_1 | sum_0;
// CHECK-EMPTY:
// CHECK-NEXT:   assign y = y_0;
// CHECK-NEXT: endmodule
// CHECK-NOT: dead
hw.module @names(in %a : i2, in %wire : i2, out y : i2, out z : i2) {
  %a_0 = comb.xor %a, %wire : i2
  %reg = comb.and %a_0, %a : i2
  %y = comb.or %reg, %a_0 : i2
  %sum = comb.add %y, %a : i2
  %sum_1 = comb.add %sum, %y : i2
  %0 = comb.sub %sum_1, %a : i2
  %dead = comb.mul %0, %0 : i2
  %x.1 = comb.xor %0, %y : i2
  %z = comb.or %x.1, %sum_1 : i2
  hw.output %y, %z : i2, i2
}
