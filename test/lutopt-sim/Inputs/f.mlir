func.func @f(%a: i2) -> i2 {
  func.return %a : i2
}
