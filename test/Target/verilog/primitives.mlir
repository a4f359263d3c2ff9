// -t verilog{primitives=xilinx}: a one-bit table of k <= 6 one-bit inputs becomes a LUTk
// primitive; INIT is the table column (INIT bit i = f(I(k-1)..I0 = i)), and I0 is the
// least significant index bit, i.e. the last operand of the lut.table.
// RUN: lutopt %s -p lower-to-rtl -t 'verilog{primitives=xilinx}' | filecheck %s
// RUN: lutopt %s -p lower-to-rtl -t verilog | filecheck %s --check-prefix=PLAIN
// RUN: not lutopt %s -p lower-to-rtl -t 'verilog{primitives=altera}' 2>&1 | filecheck %s --check-prefix=BAD
// BAD: error: unknown primitives 'altera' (choose from none, xilinx)

// a & ~b: only index (a, b) = (1, 0) = 2 is set, so INIT = 4'h4 with I1 = a, I0 = b.
// The two-bit operand %c is two LUT inputs, bit 0 on I0.
// CHECK-LABEL: module f (
// CHECK: localparam [3:0] [[T:[a-z_0-9]+]] = 4'h4;
// CHECK: localparam [3:0] [[U:[a-z_0-9]+]] = 4'h6;
// CHECK: wire [1:0] [[IDX:[a-z_0-9]+]] = {a, b};
// CHECK: LUT2 #(.INIT([[T]])) {{[a-z_0-9]+}} (.O(out0), .I0([[IDX]][0]), .I1([[IDX]][1]));
// CHECK: LUT2 #(.INIT([[U]])) {{[a-z_0-9]+}} (.O(out1), .I0(c[0]), .I1(c[1]));
// PLAIN-NOT: LUT{{[0-9]}} #
func.func @f(%a: i1, %b: i1, %c: i2) -> (i1, i1) {
  %y = lut.table(%a, %b) [0, 0, 1, 0] : (i1, i1) -> i1
  %z = lut.table(%c) [0, 1, 1, 0] : (i2) -> i1
  func.return %y, %z : i1, i1
}
