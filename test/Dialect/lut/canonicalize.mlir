// RUN: lutopt %s -p canonicalize --split-input-file | filecheck %s
// RUN: lutopt %s -p canonicalize --split-input-file --check-passes > /dev/null

// A constant operand is substituted into the table: rows with a = 2 remain.
// CHECK-LABEL: func.func @fold_constant
// CHECK-NEXT: %[[T:.*]] = lut.table(%b) [2, 2, 3, 3] : (i2) -> i2
// CHECK-NEXT: func.return %[[T]]
func.func @fold_constant(%b: i2) -> i2 {
  %c = arith.constant 2 : i2
  %y = lut.table(%c, %b) [0, 1, 3, 2, 0, 0, 1, 1, 2, 2, 3, 3, 1, 0, 0, 3] : (i2, i2) -> i2
  func.return %y : i2
}

// -----

// All operands constant: the table becomes a constant (bit pattern 3 of i2 is -1).
// CHECK-LABEL: func.func @fold_all
// CHECK-NEXT: %[[C:.*]] = arith.constant -1 : i2
// CHECK-NEXT: func.return %[[C]]
func.func @fold_all() -> i2 {
  %c = arith.constant 3 : i2
  %d = arith.constant 3 : i2
  %y = lut.table(%c, %d) [0, 1, 3, 2, 0, 0, 1, 1, 2, 2, 3, 3, 1, 0, 0, 3] : (i2, i2) -> i2
  func.return %y : i2
}

// -----

// The table ignores %a: the operand is dropped.
// CHECK-LABEL: func.func @drop_unused
// CHECK-NEXT: %[[T:.*]] = lut.table(%b) [1, 0] : (i1) -> i1
func.func @drop_unused(%a: i2, %b: i1) -> i1 {
  %y = lut.table(%a, %b) [1, 0, 1, 0, 1, 0, 1, 0] : (i2, i1) -> i1
  func.return %y : i1
}

// -----

// The same value twice: only the diagonal of the table matters.
// CHECK-LABEL: func.func @repeated_operand
// CHECK-NEXT: %[[T:.*]] = lut.table(%a) [1, 0] : (i1) -> i1
func.func @repeated_operand(%a: i1) -> i1 {
  %y = lut.table(%a, %a) [1, 1, 1, 0] : (i1, i1) -> i1
  func.return %y : i1
}

// -----

// An identity table is its operand.
// CHECK-LABEL: func.func @identity
// CHECK-NEXT: func.return %a
func.func @identity(%a: i2) -> i2 {
  %y = lut.table(%a) [0, 1, 2, 3] : (i2) -> i2
  func.return %y : i2
}

// -----

// Identical tables on the same operands are merged; a different table is kept.
// CHECK-LABEL: func.func @merge
// CHECK-NEXT: %[[X:.*]] = lut.table(%a, %b) [0, 1, 1, 0] : (i1, i1) -> i1
// CHECK-NEXT: %[[Z:.*]] = lut.table(%a, %b) [0, 1, 1, 1] : (i1, i1) -> i1
// CHECK-NEXT: %[[R:.*]] = lut.table(%[[X]], %[[Z]]) [0, 1, 0, 0] : (i1, i1) -> i1
// CHECK-NEXT: func.return %[[R]]
func.func @merge(%a: i1, %b: i1) -> i1 {
  %x = lut.table(%a, %b) [0, 1, 1, 0] : (i1, i1) -> i1
  %y = lut.table(%a, %b) [0, 1, 1, 0] : (i1, i1) -> i1
  %z = lut.table(%a, %b) [0, 1, 1, 1] : (i1, i1) -> i1
  %r = lut.table(%x, %y, %z) [0, 1, 1, 0, 1, 0, 0, 0] : (i1, i1, i1) -> i1
  func.return %r : i1
}

// -----

// hw.constant operands fold too, including the constant 0.
// CHECK-LABEL: func.func @fold_hw_zero
// CHECK-NEXT: %[[T:.*]] = lut.table(%b) [1, 0] : (i1) -> i1
func.func @fold_hw_zero(%b: i1) -> i1 {
  %z = hw.constant 0 : i1
  %y = lut.table(%z, %b) [1, 0, 1, 1] : (i1, i1) -> i1
  func.return %y : i1
}
