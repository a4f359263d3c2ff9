// lutopt's dialects and passes are registered with plain xdsl-opt (entry point xdsl.universe).
// RUN: xdsl-opt %s -p canonicalize | filecheck %s --check-prefix=CANON
// RUN: xdsl-opt %s -p convert-lut-to-rtl | filecheck %s --check-prefix=RTL

// CANON: lut.table(%b) [1, 0] : (i1) -> i1
// RTL: hw.module @f(in %a: i2, in %b: i1, out out0: i1)
// RTL: hw.array_get
func.func @f(%a: i2, %b: i1) -> i1 {
  %y = lut.table(%a, %b) [1, 0, 1, 0, 1, 0, 1, 0] : (i2, i1) -> i1
  func.return %y : i1
}
