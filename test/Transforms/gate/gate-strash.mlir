// RUN: lutopt %s -p gate-strash | filecheck %s
// RUN: lutopt %s -p gate-strash --check-passes > /dev/null

// Identical gates merge, also with their operands swapped, and a gate that is the
// complement of another (nand/and) merges with it: the complement moves to the consumer
// (here the output flag). Consumers of merged gates are rewired, so their duplicates
// merge too.
// CHECK-LABEL: func.func @merge
// CHECK:         gate.netlist(%{{.*}}, %{{.*}}, %{{.*}}) {
// CHECK-NEXT:      g0 = and i0, i1
// CHECK-NEXT:      g1 = xor i2, g0
// CHECK-NEXT:      output g1, g1, !g0, g0
// CHECK-NEXT:    }
func.func @merge(%a: i1, %b: i1, %c: i1) -> (i1, i1, i1, i1) {
  %r:4 = gate.netlist(%a, %b, %c) {
    x = and i0, i1
    y = and i1, i0
    n = nand i0, i1
    px = xor x, i2
    py = xor i2, y
    output px, py, n, x
  } : (i1, i1, i1) -> (i1, i1, i1, i1)
  func.return %r#0, %r#1, %r#2, %r#3 : i1, i1, i1, i1
}

// Normal form: fanins in increasing node order, and f(0,0) = 0 (so a NOR is stored as
// the complement of an OR, and merges with the OR of the same fanins).
// CHECK-LABEL: func.func @normalise
// CHECK:         gate.netlist(%{{.*}}, %{{.*}}) {
// CHECK-NEXT:      g0 = or i0, i1
// CHECK-NEXT:      output g0, !g0
// CHECK-NEXT:    }
func.func @normalise(%a: i1, %b: i1) -> (i1, i1) {
  %r:2 = gate.netlist(%a, %b) {
    o = or i1, i0
    n = nor i0, i1
    output o, n
  } : (i1, i1) -> (i1, i1)
  func.return %r#0, %r#1 : i1, i1
}

// Gates with no two-input normal form reduce while hashing: a buffer is its fanin,
// an inverter its complemented fanin, and `xor x, x` is false.
// CHECK-LABEL: func.func @trivial
// CHECK:         gate.netlist(%{{.*}}, %{{.*}}) {
// CHECK-NEXT:      g0 = not_a_and_b i0, i1
// CHECK-NEXT:      output g0, false
// CHECK-NEXT:    }
func.func @trivial(%a: i1, %b: i1) -> (i1, i1) {
  %r:2 = gate.netlist(%a, %b) {
    buf = b false, i1
    inv = not_a i0, i1
    g = and buf, inv
    z = xor g, g
    output g, z
  } : (i1, i1) -> (i1, i1)
  func.return %r#0, %r#1 : i1, i1
}
