// RUN: lutopt %s | filecheck %s
// RUN: lutopt %s | lutopt | filecheck %s
// RUN: lutopt %s --print-op-generic | lutopt | filecheck %s

// The generic form from DESIGN.md parses; entries are modulo 2^w, so -1 is 3 in i2.
// CHECK-LABEL: func.func @generic
// CHECK: %[[Y:.*]] = lut.table(%a, %b) [0, 1, 3, 2, 0, 0, 1, 1, 2, 2, 3, 3, 1, 0, 0, 3] : (i2, i2) -> i2
func.func @generic(%a: i2, %b: i2) -> i2 {
  %y = "lut.table"(%a, %b) <{table = dense<[0, 1, 3, 2, 0, 0, 1, 1, 2, 2, 3, 3, 1, 0, 0, -1]> : tensor<16xi2>}> : (i2, i2) -> i2
  func.return %y : i2
}

// MLIR's hex form of the dense attribute, one byte per entry.
// CHECK-LABEL: func.func @generic_hex
// CHECK: lut.table(%a) [3, 0, 1, 2] : (i2) -> i2
func.func @generic_hex(%a: i2) -> i2 {
  %y = "lut.table"(%a) <{table = dense<"0xFF000102"> : tensor<4xi2>}> : (i2) -> i2
  func.return %y : i2
}

// Mixed widths, several output bits, custom form.
// CHECK-LABEL: func.func @custom
// CHECK: lut.table(%x, %y) [0, 7, 1, 6, 2, 5, 3, 4] : (i1, i2) -> i3
func.func @custom(%x: i1, %y: i2) -> i3 {
  %t = lut.table(%x, %y) [0, 7, 1, 6, 2, 5, 3, 4] : (i1, i2) -> i3
  func.return %t : i3
}

// Big tables print in hex (one byte per entry) and read back.
// CHECK-LABEL: func.func @big
// CHECK: lut.table(%a, %b) "0x000102030405060708090A0B0C0D0E0F00010203
// CHECK-SAME: : (i4, i3) -> i4
func.func @big(%a: i4, %b: i3) -> i4 {
  %t = lut.table(%a, %b) [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] : (i4, i3) -> i4
  func.return %t : i4
}

// Wide entries (i12) take two bytes each in the hex form.
// CHECK-LABEL: func.func @wide_entries
// CHECK: lut.table(%a) [4095, 0] : (i1) -> i12
func.func @wide_entries(%a: i1) -> i12 {
  %t = lut.table(%a) "0xFF0F0000" : (i1) -> i12
  func.return %t : i12
}

// A table of no operands is a constant.
// CHECK-LABEL: func.func @nullary
// CHECK: lut.table() [2] : () -> i2
func.func @nullary() -> i2 {
  %t = lut.table() [2] : () -> i2
  func.return %t : i2
}
