// RUN: lutopt %s -p gate-double-inversion | filecheck %s
// RUN: lutopt %s -p gate-double-inversion --check-passes > /dev/null

// NOT(NOT x) is x; an inverter feeding a gate folds into the gate's function; an
// inverter feeding an output becomes the output's complement flag. Inverters disappear,
// other gates stay as they are.
// CHECK-LABEL: func.func @inversions
// CHECK:         gate.netlist(%{{.*}}, %{{.*}}) {
// CHECK-NEXT:      g0 = not_a_and_b i0, i1
// CHECK-NEXT:      g1 = nand i0, i1
// CHECK-NEXT:      g2 = a i1, i0
// CHECK-NEXT:      output i0, g0, g1, !i1, g2
// CHECK-NEXT:    }
func.func @inversions(%a: i1, %b: i1) -> (i1, i1, i1, i1, i1) {
  %r:5 = gate.netlist(%a, %b) {
    n1 = not_a i0, false
    n2 = not_a n1, i1
    g = and n1, i1
    na = nand i0, i1
    nn = not_b i0, na
    back = not_a nn, false
    inv = not_b i0, i1
    buf = a i1, i0
    output n2, g, back, inv, buf
  } : (i1, i1) -> (i1, i1, i1, i1, i1)
  func.return %r#0, %r#1, %r#2, %r#3, %r#4 : i1, i1, i1, i1, i1
}
