// REQUIRES: aigverse
// RUN: lutopt %s -p gate-resub | filecheck %s
// RUN: lutopt %s -p 'gate-resub{max-pis=6 max-inserts=0 use-dont-cares=true}' --check-passes > /dev/null
// RUN: not lutopt %s -p 'gate-resub{max-pis=1}' 2>&1 | filecheck %s --check-prefix=BADPIS

// (a & b) & c and a & (b & c) are one function that structural hashing cannot see:
// resubstitution replaces the second by the first, and both outputs share it.
// CHECK-LABEL: func.func @reassociated
// CHECK:         gate.netlist(%{{.*}}, %{{.*}}, %{{.*}}) {
// CHECK-NEXT:      g0 = and i{{[0-2]}}, i{{[0-2]}}
// CHECK-NEXT:      g1 = and i{{[0-2]}}, g0
// CHECK-NEXT:      output g1, !g1
// CHECK-NEXT:    }
func.func @reassociated(%a: i1, %b: i1, %c: i1) -> (i1, i1) {
  %y:2 = gate.netlist(%a, %b, %c) {
    t0 = and i0, i1
    t1 = and t0, i2
    u0 = and i1, i2
    u1 = nand i0, u0
    output t1, u1
  } : (i1, i1, i1) -> (i1, i1)
  func.return %y#0, %y#1 : i1, i1
}

// BADPIS: error: gate-resub: max-pis must be between 2 and 16, got 1
