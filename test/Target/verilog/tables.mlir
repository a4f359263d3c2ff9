// RUN: lutopt %s -t verilog --split-input-file | filecheck %s

// A table column (a constant bitcast to an array of bits and indexed by the table's
// operands) is one localparam in hexadecimal and one indexed read.
// CHECK-LABEL: module column (
// CHECK:        localparam [15:0] y_table = 16'h6996;
// CHECK-EMPTY:
// CHECK-NEXT:   wire [3:0] idx = {a, b};
// CHECK-NEXT:   assign y = y_table[idx];
// CHECK-NEXT: endmodule
hw.module @column(in %a : i2, in %b : i2, out y : i1) {
  %0 = hw.constant 0x6996 : i16
  %1 = hw.bitcast %0 : (i16) -> !hw.array<16xi1>
  %idx = comb.concat %a, %b : i2, i2
  %y = hw.array_get %1[%idx] : !hw.array<16xi1>, i4
  hw.output %y : i1
}

// -----

// A 2^12-entry column stays one line with all 1024 hex digits (leading zeros kept);
// two columns on the same index share it; bits of a multi-bit table are concatenated.
// CHECK-LABEL: module wide (
// CHECK:      localparam [4095:0] y_b0_table = 4096'h{{0{1022}1f}};
// CHECK-NEXT: localparam [4095:0] y_b1_table = 4096'h{{0{1021}123}};
// CHECK:      wire [11:0] idx = {a, b, c};
// CHECK-NEXT: wire y_b0 = y_b0_table[idx];
// CHECK-NEXT: wire y_b1 = y_b1_table[idx];
// CHECK-NEXT: assign y = {y_b1, y_b0};
hw.module @wide(in %a : i4, in %b : i4, in %c : i4, out y : i2) {
  %0 = hw.constant 0x1f : i4096
  %1 = hw.bitcast %0 : (i4096) -> !hw.array<4096xi1>
  %idx = comb.concat %a, %b, %c : i4, i4, i4
  %y_b0 = hw.array_get %1[%idx] : !hw.array<4096xi1>, i12
  %2 = hw.constant 0x123 : i4096
  %3 = hw.bitcast %2 : (i4096) -> !hw.array<4096xi1>
  %y_b1 = hw.array_get %3[%idx] : !hw.array<4096xi1>, i12
  %y = comb.concat %y_b1, %y_b0 : i1, i1
  hw.output %y : i2
}

// -----

// Arrays of wider elements are flat vectors: element i is bits [4i+3:4i].
// A constant index is a fixed part-select.
// CHECK-LABEL: module nibbles (
// CHECK:      localparam [31:0] c = 32'h76543210;
// CHECK:      assign y = c[4 * i +: 4];
// CHECK-NEXT: assign z = c[23:20];
// CHECK-NEXT: assign w = b[5];
hw.module @nibbles(in %i : i3, in %b : i8, out y : i4, out z : i4, out w : i1) {
  %c = hw.constant 0x76543210 : i32
  %arr = hw.bitcast %c : (i32) -> !hw.array<8xi4>
  %y = hw.array_get %arr[%i] : !hw.array<8xi4>, i3
  %five = hw.constant 5 : i3
  %z = hw.array_get %arr[%five] : !hw.array<8xi4>, i3
  %bits = hw.bitcast %b : (i8) -> !hw.array<8xi1>
  %w = hw.array_get %bits[%five] : !hw.array<8xi1>, i3
  hw.output %y, %z, %w : i4, i4, i1
}
