// RUN: lutopt %s -p gate-recover-xors | filecheck %s
// RUN: lutopt %s -p gate-recover-xors,gate-dce --check-passes | filecheck %s --check-prefix=DCE
// RUN: lutopt-translate --import-aiger %inputs/xor3.aag | lutopt -p gate-recover-xors,gate-dce --check-passes | filecheck %s --check-prefix=AIGER

// x ^ y as an AIG: ~(x & y) & ~(~x & ~y). The outer AND becomes one xor gate; the inner
// ANDs stay until gate-dce (one of them also feeds an output here, so it stays then too).
// CHECK-LABEL: func.func @xor
// CHECK:         gate.netlist(%{{.*}}, %{{.*}}) {
// CHECK-NEXT:      g0 = and i0, i1
// CHECK-NEXT:      g1 = nor i0, i1
// CHECK-NEXT:      g2 = xor i0, i1
// CHECK-NEXT:      output g2, g0
// DCE-LABEL: func.func @xor
// DCE:           g0 = and i0, i1
// DCE-NEXT:      g1 = xor i0, i1
// DCE-NEXT:      output g1, g0
func.func @xor(%x: i1, %y: i1) -> (i1, i1) {
  %r:2 = gate.netlist(%x, %y) {
    p = and i0, i1
    q = nor i0, i1
    z = nor p, q
    output z, p
  } : (i1, i1) -> (i1, i1)
  func.return %r#0, %r#1 : i1, i1
}

// The other phase, (x & ~y) | (~x & y) = ~(~(x & ~y) & ~(~x & y)), is an xnor of the
// outer gate's fanins' leaves with the output complemented: still x ^ y.
// CHECK-LABEL: func.func @xor_other_phase
// CHECK:         g2 = xnor i0, i1
// CHECK-NEXT:    output !g2
func.func @xor_other_phase(%x: i1, %y: i1) -> i1 {
  %r = gate.netlist(%x, %y) {
    p = a_and_not_b i0, i1
    q = not_a_and_b i0, i1
    z = nor p, q
    output !z
  } : (i1, i1) -> (i1)
  func.return %r : i1
}

// Not an XOR: the inner ANDs share only one leaf, or are not in opposite phases.
// CHECK-LABEL: func.func @not_xor
// CHECK-NOT:     xor
// CHECK:         output
func.func @not_xor(%x: i1, %y: i1, %z: i1) -> (i1, i1) {
  %r:2 = gate.netlist(%x, %y, %z) {
    p = and i0, i1
    q = nor i0, i2
    u = nor p, q
    s = a_and_not_b i0, i1
    v = nor p, s
    output u, v
  } : (i1, i1, i1) -> (i1, i1)
  func.return %r#0, %r#1 : i1, i1
}

// A three-input parity written as ASCII AIGER (six ANDs) comes back as two xor gates.
// AIGER:      gate.netlist
// AIGER-NEXT:   g0 = {{xor|xnor}} i0, i1
// AIGER-NEXT:   g1 = {{xor|xnor}} {{g0, i2|i2, g0}}
// AIGER-NEXT:   output {{!?}}g1
