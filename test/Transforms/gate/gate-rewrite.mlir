// REQUIRES: aigverse
// RUN: lutopt %s -p gate-rewrite | filecheck %s
// RUN: lutopt %s -p 'gate-rewrite{cut-size=3 cut-limit=4 preserve-depth=true}' --check-passes > /dev/null
// RUN: not lutopt %s -p 'gate-rewrite{cut-size=5}' 2>&1 | filecheck %s --check-prefix=BADCUT

// (a & b) | (a & c) is a & (b | c): three gates become two ANDs.
// CHECK-LABEL: func.func @distribute
// CHECK:         gate.netlist(%{{.*}}, %{{.*}}, %{{.*}}) {
// CHECK-NEXT:      g0 = nor i1, i2
// CHECK-NEXT:      g1 = a_and_not_b i0, g0
// CHECK-NEXT:      output g1
// CHECK-NEXT:    }
func.func @distribute(%a: i1, %b: i1, %c: i1) -> i1 {
  %y = gate.netlist(%a, %b, %c) {
    t0 = and i0, i1
    t1 = and i0, i2
    t2 = or t0, t1
    output t2
  } : (i1, i1, i1) -> (i1)
  func.return %y : i1
}

// The result is an AIG whose XORs are recovered: an XNOR goes in as three ANDs and comes
// back as one gate (phase on the output flag), constant gates fold, and outputs that are
// inputs or constants stay so.
// CHECK-LABEL: func.func @aig_form
// CHECK:         gate.netlist(%{{.*}}, %{{.*}}) {
// CHECK-NEXT:      g0 = xor i0, i1
// CHECK-NEXT:      output !g0, i1, false, false
// CHECK-NEXT:    }
func.func @aig_form(%a: i1, %b: i1) -> (i1, i1, i1, i1) {
  %y:4 = gate.netlist(%a, %b) {
    t = xnor i0, i1
    k = true i0, i1
    output t, i1, false, !k
  } : (i1, i1) -> (i1, i1, i1, i1)
  func.return %y#0, %y#1, %y#2, %y#3 : i1, i1, i1, i1
}

// BADCUT: error: gate-rewrite: cut-size must be between 2 and 4, got 5
