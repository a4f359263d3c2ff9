// RUN: lutopt %s -p gate-const-prop | filecheck %s
// RUN: lutopt %s -p gate-const-prop --check-passes > /dev/null

// Constants propagate; gates whose function ignores a fanin become that fanin or its
// complement, and gates over one node twice reduce too. A complement folds into the
// consumer's function (`and` of two complements is a `nor`) or the output flag. The
// gate that only fed a folded gate stays (gate-dce removes it).
// CHECK-LABEL: func.func @constants
// CHECK:         gate.netlist(%{{.*}}, %{{.*}}) {
// CHECK-NEXT:      g0 = and i0, i1
// CHECK-NEXT:      g1 = nor i0, i1
// CHECK-NEXT:      output false, !i0, !false, i1, false, i1, g1
// CHECK-NEXT:    }
func.func @constants(%a: i1, %b: i1) -> (i1, i1, i1, i1, i1, i1, i1) {
  %r:7 = gate.netlist(%a, %b) {
    x = and i0, i1
    zero = and x, false
    one = not_a false, i0
    n = nand i0, one
    buf = a i1, i0
    inv = not_b i0, i1
    same = xor i0, i0
    same2 = or i1, i1
    y = and n, inv
    output zero, n, one, buf, same, same2, y
  } : (i1, i1) -> (i1, i1, i1, i1, i1, i1, i1)
  func.return %r#0, %r#1, %r#2, %r#3, %r#4, %r#5, %r#6 : i1, i1, i1, i1, i1, i1, i1
}

// Complementary fanins: x & ~x is false, x | ~x is true (after an inverter folds).
// CHECK-LABEL: func.func @complementary
// CHECK:         gate.netlist(%{{.*}}) {
// CHECK-NEXT:      output false, !false
// CHECK-NEXT:    }
func.func @complementary(%a: i1) -> (i1, i1) {
  %r:2 = gate.netlist(%a) {
    n = not_a i0, false
    c = and i0, n
    t = or n, i0
    output c, t
  } : (i1) -> (i1, i1)
  func.return %r#0, %r#1 : i1, i1
}
