// RUN: lutopt %s --split-input-file --verify-diagnostics

func.func @too_few_entries(%a: i2, %b: i2) -> i2 {
  // expected-error @+1 {{'table' has 15 entries but the operands (i2, i2) need 2^4 = 16}}
  %y = "lut.table"(%a, %b) <{table = dense<[0, 1, 3, 2, 0, 0, 1, 1, 2, 2, 3, 3, 1, 0, 0]> : tensor<15xi2>}> : (i2, i2) -> i2
  func.return %y : i2
}

// -----

func.func @entry_width(%a: i1) -> i2 {
  // expected-error @+1 {{'table' entries are i3 but the result is i2}}
  %y = "lut.table"(%a) <{table = dense<[0, 1]> : tensor<2xi3>}> : (i1) -> i2
  func.return %y : i2
}

// -----

func.func @two_dimensional(%a: i1) -> i2 {
  // expected-error @+1 {{'table' must be a one-dimensional tensor}}
  %y = "lut.table"(%a) <{table = dense<[[0, 1]]> : tensor<1x2xi2>}> : (i1) -> i2
  func.return %y : i2
}

// -----

func.func @signed_operand(%a: si2) -> i2 {
  // expected-error @+1 {{operand #0 must be a signless integer, got si2}}
  %y = "lut.table"(%a) <{table = dense<[0, 1, 2, 3]> : tensor<4xi2>}> : (si2) -> i2
  func.return %y : i2
}

// -----

func.func @float_entries(%a: i1) -> i2 {
  // expected-error @+1 {{'table' entries must be signless integers, got f32}}
  %y = "lut.table"(%a) <{table = dense<[0.0, 1.0]> : tensor<2xf32>}> : (i1) -> i2
  func.return %y : i2
}

// -----

func.func @custom_wrong_count(%a: i1) -> i2 {
  // expected-error @+1 {{'table' has 3 entries but the operands (i1) need 2^1 = 2}}
  %y = lut.table(%a) [0, 1, 2] : (i1) -> i2
  func.return %y : i2
}

// -----

func.func @bad_hex(%a: i1) -> i2 {
  // expected-error @+1 {{malformed hex table}}
  %y = lut.table(%a) "0xZZ01" : (i1) -> i2
  func.return %y : i2
}

// -----

func.func @undefined_value(%a: i1) -> i1 {
  // expected-error @+1 {{use of undefined value '%nope'}}
  %y = lut.table(%a, %nope) [0, 1, 1, 0] : (i1, i1) -> i1
  func.return %y : i1
}

// -----

// A valid table first: the verifier remembers signatures it has accepted, and a second
// op of another shape must still be checked in full.
func.func @second_op_checked(%a: i1, %b: i1) -> i1 {
  %x = lut.table(%a, %b) [0, 1, 1, 0] : (i1, i1) -> i1
  // expected-error @+1 {{'table' has 2 entries but the operands (i1, i1) need 2^2 = 4}}
  %y = lut.table(%a, %x) [0, 1] : (i1, i1) -> i1
  func.return %y : i1
}

// -----

func.func @operand_type_mismatch(%a: i2, %b: i1) -> i1 {
  // expected-error @+1 {{operand is used with type i1, but has been previously used or defined with type i2}}
  %y = lut.table(%b, %a) [0, 1, 1, 0] : (i1, i1) -> i1
  func.return %y : i1
}

// -----

// Malformed entry lists are reported by the general parser, not by the fast one.
func.func @bad_entry(%a: i1) -> i1 {
  // expected-error @+1 {{']' expected}}
  %y = lut.table(%a) [0, 1-] : (i1) -> i1
  func.return %y : i1
}

// -----

func.func @empty_entry(%a: i1) -> i1 {
  // expected-error @+1 {{Expected integer literal}}
  %y = lut.table(%a) [0,,1] : (i1) -> i1
  func.return %y : i1
}
