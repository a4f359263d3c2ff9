// RUN: lutopt %s -p convert-arith-to-gate --split-input-file --verify-diagnostics

func.func @division(%a: i8, %b: i8) -> i8 {
  // expected-error @+1 {{convert-arith-to-gate: 'arith.divui' is not supported}}
  %q = arith.divui %a, %b : i8
  func.return %q : i8
}

// -----

func.func @bad_multiplier(%a: i8, %b: i8) -> i8 {
  // expected-error @+1 {{convert-arith-to-gate: unknown multiplier 'booth'}}
  %p = arith.muli %a, %b {lutopt.multiplier = "booth"} : i8
  func.return %p : i8
}
