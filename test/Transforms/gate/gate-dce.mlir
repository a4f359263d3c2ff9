// RUN: lutopt %s -p gate-dce | filecheck %s
// RUN: lutopt %s -p gate-dce --check-passes > /dev/null

// Gates no output depends on are removed; the rest keep their order and functions.
// CHECK-LABEL: func.func @dead
// CHECK:         gate.netlist(%{{.*}}, %{{.*}}, %{{.*}}) {
// CHECK-NEXT:      g0 = xor i0, i1
// CHECK-NEXT:      g1 = nand g0, i2
// CHECK-NEXT:      output !g1, g0
// CHECK-NEXT:    }
func.func @dead(%a: i1, %b: i1, %c: i1) -> (i1, i1) {
  %r:2 = gate.netlist(%a, %b, %c) {
    unused = and i0, i1
    x = xor i0, i1
    also_unused = or unused, x
    y = nand x, i2
    output !y, x
  } : (i1, i1, i1) -> (i1, i1)
  func.return %r#0, %r#1 : i1, i1
}

// With no outputs, every gate is dead.
// CHECK-LABEL: func.func @no_outputs
// CHECK:         gate.netlist(%{{.*}}) {
// CHECK-NEXT:      output
// CHECK-NEXT:    }
func.func @no_outputs(%a: i1) {
  gate.netlist(%a) {
    g0 = xor i0, false
    output
  } : (i1) -> ()
  func.return
}
