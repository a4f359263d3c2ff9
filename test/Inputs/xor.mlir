func.func @x(%a: i1, %b: i1) -> i1 {
  %y = lut.table(%a, %b) [0, 1, 1, 0] : (i1, i1) -> i1
  func.return %y : i1
}
