func.func @f(%a: i2) -> i2 {
  %y = lut.table(%a) [0, 1, 2, 3] : (i2) -> i2
  func.return %y : i2
}
