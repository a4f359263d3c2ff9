// RUN: lutopt %s -p convert-lut-to-rtl --split-input-file --verify-diagnostics

func.func @tensor_arg(%a: tensor<4xi2>) -> tensor<4xi2> {
  // expected-error @-1 {{cannot lower an argument of type tensor<4xi2> to rtl}}
  func.return %a : tensor<4xi2>
}

// -----

func.func @unsupported(%a: i2, %b: i2) -> i2 {
  // expected-error @+1 {{cannot lower 'arith.addi' to rtl}}
  %y = arith.addi %a, %b : i2
  func.return %y : i2
}
