// lower-to-rtl takes whatever levels are present down to hw/comb/seq: whole tables as
// column constants, with lut-size through lower-to-luts, with pipeline-stages through
// rtl-pipeline (latency = stages). Gate netlists are mapped to 6-LUTs when no lut-size
// is given.
// RUN: lutopt %s -p lower-to-rtl | filecheck %s
// RUN: lutopt %s -p lower-to-rtl --check-passes > /dev/null
// RUN: lutopt %s -p 'lower-to-rtl{lut-size=3 pipeline-stages=2}' | filecheck %s --check-prefix=PIPE
// RUN: lutopt %s -p 'lower-to-rtl{lut-size=3 pipeline-stages=2}' --check-passes > /dev/null
// RUN: not lutopt %s -p 'lower-to-rtl{pipeline-stages=-1}' -o %t.out 2>&1 | filecheck %s --check-prefix=NEG
// RUN: not test -e %t.out
// RUN: not lutopt %s -p 'lower-to-rtl{lut-size=2}' 2>&1 | filecheck %s --check-prefix=BADK

// CHECK-LABEL: hw.module @f(in %a: i2, in %b: i2, out out0: i2) {
// CHECK-NOT: lut.table
// CHECK: hw.array_get
// CHECK: hw.output
// CHECK-LABEL: hw.module @g(in %x: i1, in %y: i1, in %z: i1, out out0: i1) {
// CHECK-NOT: gate.netlist
// CHECK: hw.array_get
// CHECK: hw.output

// PIPE-LABEL: hw.module @f(in %clk: !seq.clock, in %a: i2, in %b: i2, out out0: i2) attributes {lutopt.latency = 2 : i64}
// PIPE-NOT: lut.table
// PIPE: seq.compreg
// PIPE-LABEL: hw.module @g(in %clk: !seq.clock, in %x: i1, in %y: i1, in %z: i1, out out0: i1) attributes {lutopt.latency = 2 : i64}
// PIPE: seq.compreg

// NEG: error: lower-to-rtl: pipeline-stages must be >= 0, got -1
// BADK: error: lower-to-rtl: lut-size must be between 3 and 8, got 2

func.func @f(%a: i2, %b: i2) -> i2 {
  %t = lut.table(%a, %b) [0, 1, 3, 2, 0, 0, 1, 1, 2, 2, 3, 3, 1, 0, 0, 1] : (i2, i2) -> i2
  %u = lut.table(%t, %a) [3, 2, 1, 0, 0, 1, 2, 3, 1, 1, 2, 2, 0, 3, 3, 0] : (i2, i2) -> i2
  func.return %u : i2
}

func.func @g(%x: i1, %y: i1, %z: i1) -> i1 {
  %r = gate.netlist(%x, %y, %z) {
    t = xor i0, i1
    r = and t, i2
    output r
  } : (i1, i1, i1) -> (i1)
  func.return %r : i1
}
