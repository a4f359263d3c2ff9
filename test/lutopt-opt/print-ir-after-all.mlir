// Named pipelines are expanded, and --mlir-print-ir-after-all shows the IR after each step.
// RUN: lutopt %s -p 'lower-to-rtl{pipeline-stages=1}' --mlir-print-ir-after-all -o /dev/null 2>&1 | filecheck %s

// CHECK: // -----// IR Dump After convert-lut-to-rtl //----- //
// CHECK: hw.module @f(in %a: i1, in %b: i1, out out0: i1) {
// CHECK-NOT: seq.compreg
// CHECK: // -----// IR Dump After rtl-pipeline //----- //
// CHECK: hw.module @f(in %clk: !seq.clock, in %a: i1, in %b: i1, out out0: i1) attributes {lutopt.latency = 1 : i64}
// CHECK: seq.compreg
func.func @f(%a: i1, %b: i1) -> i1 {
  %y = lut.table(%a, %b) [0, 1, 1, 0] : (i1, i1) -> i1
  func.return %y : i1
}
