// RUN: lutopt %s -p 'lut-decompose{lut-size=3}' | filecheck %s
// RUN: lutopt %s -p 'lut-decompose{lut-size=3}' --check-passes > /dev/null
// RUN: lutopt %s -p 'lut-decompose{lut-size=6}' --check-passes | filecheck %s --check-prefix=K6
// RUN: lutopt %s -p 'lut-decompose{lut-size=4 effort=0}' --check-passes > /dev/null
// RUN: not lutopt %s -p 'lut-decompose{lut-size=9}' 2>&1 | filecheck %s --check-prefix=BADK
// RUN: not lutopt %s -p 'lut-decompose{effort=3}' 2>&1 | filecheck %s --check-prefix=BADEFFORT

// BADK: error: lut-decompose: lut-size must be between 3 and 8, got 9
// BADEFFORT: error: lut-decompose: effort must be 0, 1 or 2, got 3

// Three input bits fit one 3-LUT: the table stays one lut.table, on the bits of %a
// (comb.extract, most significant first in the index) and on %b directly.
// CHECK-LABEL: func.func @three
// CHECK-SAME:    (%[[A:.*]]: i2, %[[B:.*]]: i1)
// CHECK-DAG:     %[[A1:.*]] = comb.extract %[[A]] from 1 : (i2) -> i1
// CHECK-DAG:     %[[A0:.*]] = comb.extract %[[A]] from 0 : (i2) -> i1
// CHECK:         %[[Y:.*]] = lut.table(%[[B]], %[[A0]], %[[A1]]) [0, 1, 1, 0, 1, 0, 0, 1] : (i1, i1, i1) -> i1
// CHECK-NOT:     lut.table
// CHECK:         func.return %[[Y]] : i1
func.func @three(%a: i2, %b: i1) -> i1 {
  %y = "lut.table"(%a, %b) <{table = dense<[0, 1, 1, 0, 1, 0, 0, 1]> : tensor<8xi1>}> : (i2, i1) -> i1
  func.return %y : i1
}

// A 4-input AND needs two 3-LUTs, the second one fed by the first.
// CHECK-LABEL: func.func @and4
// CHECK:         %[[L:.*]] = lut.table({{.*}}) [0, 0, 0, 0, 0, 0, 0, 1] : (i1, i1, i1) -> i1
// CHECK:         %[[Y:.*]] = lut.table(%[[L]], {{.*}}) [0, 0, 0, 1] : (i1, i1) -> i1
// CHECK-NOT:     lut.table
// CHECK:         func.return %[[Y]] : i1
// K6-LABEL: func.func @and4
// K6-COUNT-1:    lut.table
// K6-NOT:        lut.table
func.func @and4(%a: i4) -> i1 {
  %y = "lut.table"(%a) <{table = dense<[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]> : tensor<16xi1>}> : (i4) -> i1
  func.return %y : i1
}

// A 2-bit result is reassembled from its two bits, most significant first.
// CHECK-LABEL: func.func @wide
// CHECK-COUNT-3: lut.table({{.*}}) {{.*}} -> i1
// CHECK-NOT:     lut.table
// CHECK:         %[[Y:.*]] = comb.concat %[[HI:.*]], %[[LO:.*]] : i1, i1
// CHECK:         func.return %[[Y]] : i2
// K6-LABEL: func.func @wide
// K6-COUNT-2:    lut.table({{.*}}) {{.*}} : (i1, i1, i1, i1) -> i1
// K6:            comb.concat
func.func @wide(%a: i2, %b: i2) -> i2 {
  %y = "lut.table"(%a, %b) <{table = dense<[0, 1, 3, 2, 0, 0, 1, 1, 2, 2, 3, 3, 1, 0, 0, 1]> : tensor<16xi2>}> : (i2, i2) -> i2
  func.return %y : i2
}

// Already a 3-LUT: left alone.
// CHECK-LABEL: func.func @kept
// CHECK-NEXT:    %[[Y:.*]] = lut.table(%a, %b, %c) [0, 1, 1, 0, 1, 0, 0, 1] : (i1, i1, i1) -> i1
// CHECK-NEXT:    func.return %[[Y]] : i1
func.func @kept(%a: i1, %b: i1, %c: i1) -> i1 {
  %y = "lut.table"(%a, %b, %c) <{table = dense<[0, 1, 1, 0, 1, 0, 0, 1]> : tensor<8xi1>}> : (i1, i1, i1) -> i1
  func.return %y : i1
}

// Two tables over the same operand are covered together: the second (the complement of
// the first) shares the first's 3-LUT.
// CHECK-LABEL: func.func @shared
// CHECK-COUNT-4: comb.extract
// CHECK:         %[[S:.*]] = lut.table({{.*}}) [0, 1, 1, 0, 1, 0, 0, 1] : (i1, i1, i1) -> i1
// CHECK:         %[[Y:.*]] = lut.table(%[[S]], {{.*}}) [0, 1, 1, 0] : (i1, i1) -> i1
// CHECK:         %[[Z:.*]] = lut.table(%[[S]], {{.*}}) [1, 0, 0, 1] : (i1, i1) -> i1
// CHECK-NOT:     lut.table
// CHECK:         func.return %[[Y]], %[[Z]] : i1, i1
func.func @shared(%a: i4) -> (i1, i1) {
  %y = "lut.table"(%a) <{table = dense<[0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0]> : tensor<16xi1>}> : (i4) -> i1
  %z = "lut.table"(%a) <{table = dense<[1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 1, 0, 1, 0, 0, 1]> : tensor<16xi1>}> : (i4) -> i1
  func.return %y, %z : i1, i1
}

// A table that uses another wide table's result: covered after it, on its new value.
// CHECK-LABEL: func.func @chained
// CHECK:         %[[W:.*]] = comb.concat
// CHECK:         comb.extract %[[W]] from 1 : (i2) -> i1
// CHECK:         func.return
func.func @chained(%a: i2, %b: i2) -> i1 {
  %w = "lut.table"(%a, %b) <{table = dense<[0, 1, 3, 2, 0, 0, 1, 1, 2, 2, 3, 3, 1, 0, 0, 1]> : tensor<16xi2>}> : (i2, i2) -> i2
  %z = "lut.table"(%w, %a) <{table = dense<[0, 1, 1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1]> : tensor<16xi1>}> : (i2, i2) -> i1
  func.return %z : i1
}

// Constant bits become constants; a bit equal to an input bit is that bit (no LUT).
// CHECK-LABEL: func.func @const
// CHECK-NOT:     lut.table
// CHECK-DAG:     %[[A0:.*]] = comb.extract %a from 0 : (i2) -> i1
// CHECK-DAG:     %[[T:.*]] = arith.constant true
// CHECK:         %[[Y:.*]] = comb.concat %[[T]], %[[A0]] : i1, i1
// CHECK:         func.return %[[Y]] : i2
func.func @const(%a: i2) -> i2 {
  %y = "lut.table"(%a) <{table = dense<[2, 3, 2, 3]> : tensor<4xi2>}> : (i2) -> i2
  func.return %y : i2
}
