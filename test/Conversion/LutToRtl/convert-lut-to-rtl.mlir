// RUN: lutopt %s -p convert-lut-to-rtl --split-input-file | filecheck %s

// One table bit: a 4-bit column constant (XOR: entries 0,1,1,0 -> bits 0b0110 = 6),
// bitcast to an array of bits, indexed by the concatenated operands (operand 0 high).
// CHECK-LABEL: hw.module @xor2(in %a: i1, in %b: i1, out out0: i1)
// CHECK-NEXT: %[[IDX:.*]] = comb.concat %a, %b : i1, i1
// CHECK-NEXT: %[[COL:.*]] = hw.constant 6 : i4
// CHECK-NEXT: %[[ARR:.*]] = hw.bitcast %[[COL]] : (i4) -> !hw.array<4xi1>
// CHECK-NEXT: %[[Y:.*]] = hw.array_get %[[ARR]][%[[IDX]]] : !hw.array<4xi1>, i2
// CHECK-NEXT: hw.output %[[Y]] : i1
func.func @xor2(%a: i1, %b: i1) -> i1 {
  %y = lut.table(%a, %b) [0, 1, 1, 0] : (i1, i1) -> i1
  func.return %y : i1
}

// -----

// Two result bits: one column per bit, concatenated with bit 1 first.
// Entries 0,1,2,3 of (i2) -> i2: bit 0 column 0b1010 = 10 (-6 as signless i4), bit 1 0b1100.
// CHECK-LABEL: hw.module @two_bits(in %a: i2, out out0: i2)
// CHECK: %[[C0:.*]] = hw.constant -6 : i4
// CHECK: %[[B0:.*]] = hw.array_get %{{.*}}[%a]
// CHECK: %[[C1:.*]] = hw.constant -4 : i4
// CHECK: %[[B1:.*]] = hw.array_get %{{.*}}[%a]
// CHECK: %[[R:.*]] = comb.concat %[[B1]], %[[B0]] : i1, i1
// CHECK: hw.output %[[R]] : i2
func.func @two_bits(%a: i2) -> i2 {
  %y = lut.table(%a) [0, 1, 2, 3] : (i2) -> i2
  func.return %y : i2
}

// -----

// Constants and calls.
// CHECK-LABEL: hw.module @callee(in %x: i1, out out0: i1)
// CHECK-LABEL: hw.module @caller(in %in0: i1, out out0: i1, out out1: i2)
// CHECK: %[[C:.*]] = hw.constant 1 : i2
// CHECK: %[[R:.*]] = hw.instance "{{.*}}" @callee(x: %in0: i1) -> (out0: i1)
// CHECK: hw.output %[[R]], %[[C]] : i1, i2
func.func @callee(%x: i1) -> i1 {
  %y = lut.table(%x) [1, 0] : (i1) -> i1
  func.return %y : i1
}
func.func @caller(%0: i1) -> (i1, i2) {
  %c = arith.constant 1 : i2
  %r = func.call @callee(%0) : (i1) -> i1
  func.return %r, %c : i1, i2
}

// -----

// Mapped LUTs read single bits of a code through comb.extract and assemble codes with
// comb.concat; those ops are rtl already and are kept.
// CHECK-LABEL: hw.module @mapped(in %a: i2, out out0: i2)
// CHECK: %[[HI:.*]] = comb.extract %a from 1 : (i2) -> i1
// CHECK: %[[LO:.*]] = comb.extract %a from 0 : (i2) -> i1
// CHECK: %[[X:.*]] = hw.array_get
// CHECK: comb.concat %[[X]], %[[LO]] : i1, i1
func.func @mapped(%a: i2) -> i2 {
  %hi = comb.extract %a from 1 : (i2) -> i1
  %lo = comb.extract %a from 0 : (i2) -> i1
  %x = lut.table(%hi, %lo) [0, 1, 1, 0] : (i1, i1) -> i1
  %r = comb.concat %x, %lo : i1, i1
  func.return %r : i2
}

// -----

// Port names come from the `lutopt.name` argument/result attributes (lutopt-translate
// keeps AIGER/BLIF signal names there), made legal Verilog identifiers and unique.
// CHECK-LABEL: hw.module @named(in %{{.*}}B_0: i1, in %{{.*}}B_0_1: i1, in %c: i1, out Y_n: i1)
func.func @named(%x: i1 {lutopt.name = "B[0]"}, %y: i1 {lutopt.name = "B_0"}, %c: i1) -> (i1 {lutopt.name = "Y.n"}) {
  %t = lut.table(%x, %y, %c) [0, 1, 1, 0, 1, 0, 0, 1] : (i1, i1, i1) -> i1
  func.return %t : i1
}

// -----

// Equal columns in one function are one constant and one bitcast, read by every table
// that has them (XOR twice, and the XOR bit of a two-bit table); another function makes
// its own.
// CHECK-LABEL: hw.module @shared(in %a: i1, in %b: i1, in %c: i1, out out0: i1, out out1: i1, out out2: i2)
// CHECK: %[[COL:.*]] = hw.constant 6 : i4
// CHECK-NEXT: %[[ARR:.*]] = hw.bitcast %[[COL]] : (i4) -> !hw.array<4xi1>
// CHECK-NEXT: hw.array_get %[[ARR]]
// CHECK-NOT: hw.constant 6 : i4
// CHECK: hw.array_get %[[ARR]]
// CHECK-NOT: hw.constant 6 : i4
// CHECK: %[[LOW:.*]] = hw.array_get %[[ARR]]
// CHECK-NOT: hw.constant 6 : i4
// CHECK: hw.output
// CHECK-LABEL: hw.module @other(
// CHECK: hw.constant 6 : i4
func.func @shared(%a: i1, %b: i1, %c: i1) -> (i1, i1, i2) {
  %x = lut.table(%a, %b) [0, 1, 1, 0] : (i1, i1) -> i1
  %y = lut.table(%b, %c) [0, 1, 1, 0] : (i1, i1) -> i1
  %z = lut.table(%a, %c) [0, 3, 1, 2] : (i1, i1) -> i2
  func.return %x, %y, %z : i1, i1, i2
}
func.func @other(%a: i1, %b: i1) -> i1 {
  %x = lut.table(%a, %b) [0, 1, 1, 0] : (i1, i1) -> i1
  func.return %x : i1
}
