// REQUIRES: aigverse
// RUN: lutopt %s -p gate-refactor | filecheck %s
// RUN: lutopt %s -p 'gate-refactor{max-pis=4 allow-zero-gain=true}' --check-passes > /dev/null
// RUN: not lutopt %s -p 'gate-refactor{max-pis=13}' 2>&1 | filecheck %s --check-prefix=BADPIS

// (a & b) | (a & c) | (a & d), a sum of products over a window of four leaves, is
// factored as a & (b | c | d): five gates become three ANDs.
// CHECK-LABEL: func.func @factor
// CHECK:         gate.netlist(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) {
// CHECK-NEXT:      g0 = nor i2, i3
// CHECK-NEXT:      g1 = not_a_and_b i1, g0
// CHECK-NEXT:      g2 = a_and_not_b i0, g1
// CHECK-NEXT:      output g2
// CHECK-NEXT:    }
func.func @factor(%a: i1, %b: i1, %c: i1, %d: i1) -> i1 {
  %y = gate.netlist(%a, %b, %c, %d) {
    t0 = and i0, i1
    t1 = and i0, i2
    t2 = and i0, i3
    o0 = or t0, t1
    o1 = or o0, t2
    output o1
  } : (i1, i1, i1, i1) -> (i1)
  func.return %y : i1
}

// BADPIS: error: gate-refactor: max-pis must be between 2 and 12, got 13
