// RUN: lutopt %s -p gate-balance | filecheck %s
// RUN: lutopt %s -p gate-balance --check-passes > /dev/null

// A chain of ANDs of depth 3 becomes a tree of depth 2.
// CHECK-LABEL: func.func @and_chain
// CHECK:         gate.netlist(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) {
// CHECK-NEXT:      g0 = and i0, i1
// CHECK-NEXT:      g1 = and i2, i3
// CHECK-NEXT:      g2 = and g0, g1
// CHECK-NEXT:      output g2
// CHECK-NEXT:    }
func.func @and_chain(%a: i1, %b: i1, %c: i1, %d: i1) -> i1 {
  %y = gate.netlist(%a, %b, %c, %d) {
    t0 = and i0, i1
    t1 = and t0, i2
    t2 = and t1, i3
    output t2
  } : (i1, i1, i1, i1) -> (i1)
  func.return %y : i1
}

// An OR chain is an AND chain with complemented fanins and result: it stays an OR tree.
// XOR chains balance too, complements moving to the root (the xnor).
// CHECK-LABEL: func.func @or_xor_chains
// CHECK:         gate.netlist(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) {
// CHECK-NEXT:      g0 = or i0, i1
// CHECK-NEXT:      g1 = or i2, i3
// CHECK-NEXT:      g2 = or g0, g1
// CHECK-NEXT:      g3 = xor i0, i1
// CHECK-NEXT:      g4 = xor i2, i3
// CHECK-NEXT:      g5 = xnor g3, g4
// CHECK-NEXT:      output g2, g5
// CHECK-NEXT:    }
func.func @or_xor_chains(%a: i1, %b: i1, %c: i1, %d: i1) -> (i1, i1) {
  %y:2 = gate.netlist(%a, %b, %c, %d) {
    o0 = or i0, i1
    o1 = or o0, i2
    o2 = or o1, i3
    x0 = xnor i0, i1
    x1 = xor x0, i2
    x2 = xor x1, i3
    output o2, x2
  } : (i1, i1, i1, i1) -> (i1, i1)
  func.return %y#0, %y#1 : i1, i1
}

// A gate with two fanouts is a leaf of the trees above it (nothing is duplicated), and
// the late-arriving leaf (depth 2) is combined last.
// CHECK-LABEL: func.func @shared
// CHECK:         gate.netlist(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) {
// CHECK-NEXT:      g0 = xor i0, i1
// CHECK-NEXT:      g1 = xor i2, g0
// CHECK-NEXT:      g2 = and i2, i3
// CHECK-NEXT:      g3 = and g2, g1
// CHECK-NEXT:      output g3, g0
// CHECK-NEXT:    }
func.func @shared(%a: i1, %b: i1, %c: i1, %d: i1) -> (i1, i1) {
  %y:2 = gate.netlist(%a, %b, %c, %d) {
    s = xor i0, i1
    late = xor s, i2
    t0 = and late, i2
    t1 = and t0, i3
    output t1, s
  } : (i1, i1, i1, i1) -> (i1, i1)
  func.return %y#0, %y#1 : i1, i1
}

// Repeated leaves merge: x & y & x is x & y, and x ^ y ^ x is y.
// CHECK-LABEL: func.func @repeated
// CHECK:         gate.netlist(%{{.*}}, %{{.*}}) {
// CHECK-NEXT:      g0 = and i0, i1
// CHECK-NEXT:      output g0, i1
// CHECK-NEXT:    }
func.func @repeated(%a: i1, %b: i1) -> (i1, i1) {
  %y:2 = gate.netlist(%a, %b) {
    t0 = and i0, i1
    t1 = and t0, i0
    x0 = xor i0, i1
    x1 = xor x0, i0
    output t1, x1
  } : (i1, i1) -> (i1, i1)
  func.return %y#0, %y#1 : i1, i1
}
