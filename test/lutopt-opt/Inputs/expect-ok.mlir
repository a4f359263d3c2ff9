func.func @f(%a: i1) -> i2 {
  // expected-error @+1 {{'table' has 3 entries but the operands (i1) need 2^1 = 2}}
  %y = lut.table(%a) [0, 1, 2] : (i1) -> i2
  func.return %y : i2
}
// -----
func.func @g(%a: i1) -> i1 {
  %y = lut.table(%a) [1, 0] : (i1) -> i1 // no error expected here
  func.return %y : i1
}
