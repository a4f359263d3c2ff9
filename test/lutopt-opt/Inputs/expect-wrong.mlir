func.func @f(%a: i1) -> i2 {
  // The error below is real but its message differs from the expectation.
  %y = lut.table(%a) [0, 1, 2] : (i1) -> i2
  func.return %y : i2
  // expected-error @-2 {{this message is not produced}}
}
// -----
func.func @g(%a: i1) -> i1 {
  %y = lut.table(%a) [1, 0] : (i1) -> i1
  func.return %y : i1
}
// expected-error @+1 {{never happens}}
