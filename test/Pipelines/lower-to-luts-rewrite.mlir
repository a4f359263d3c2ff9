// REQUIRES: aigverse
// lower-to-luts runs gate-aig-opt (with its probe step) between lutopt's own logic passes
// and the mapper; rewrite=false leaves it out.
// RUN: lutopt %s -p 'lower-to-luts{lut-size=4}' --time-passes 2>&1 | filecheck %s --check-prefix=PASSES
// RUN: lutopt %s -p 'lower-to-luts{lut-size=4 rewrite=false}' --time-passes 2>&1 | filecheck %s --check-prefix=PLAIN
// RUN: lutopt %s -p 'lower-to-rtl{lut-size=4 rewrite=false}' --time-passes 2>&1 | filecheck %s --check-prefix=PLAIN
// RUN: lutopt %s -p 'lower-to-luts{lut-size=4}' | filecheck %s
// RUN: lutopt %s -p 'lower-to-luts{lut-size=4}' --check-passes > /dev/null

// PASSES:      gate-const-prop:
// PASSES-NEXT: gate-recover-xors:
// PASSES-NEXT: gate-strash:
// PASSES-NEXT: gate-dce:
// PASSES-NEXT: gate-aig-opt:
// PASSES-NEXT: gate-map-luts:
// PLAIN:       gate-dce:
// PLAIN-NEXT:  gate-map-luts:

// The mapped result: one 3-input LUT per output.
// CHECK-LABEL: func.func @both
// CHECK-COUNT-3: lut.table(%c, %b, %a)
// CHECK-NOT:     lut.table
// CHECK:         func.return
func.func @both(%a: i1, %b: i1, %c: i1) -> (i1, i1, i1) {
  %y:3 = gate.netlist(%a, %b, %c) {
    t0 = and i0, i1
    t1 = and i0, i2
    t2 = or t0, t1
    u0 = and t0, i2
    v0 = and i0, i2
    v1 = and v0, i1
    output t2, u0, !v1
  } : (i1, i1, i1) -> (i1, i1, i1)
  func.return %y#0, %y#1, %y#2 : i1, i1, i1
}
