func.func @g(%a: i1, %b: i1) -> i1 {
  %y = arith.xori %a, %b : i1
  func.return %y : i1
}
