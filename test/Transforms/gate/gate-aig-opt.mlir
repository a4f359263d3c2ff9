// REQUIRES: aigverse
// RUN: lutopt %s -p gate-aig-opt | filecheck %s
// RUN: lutopt %s -p 'gate-aig-opt{script="b,rw,rs6,rfz,rwd,b"}' | filecheck %s --check-prefix=SCRIPT
// RUN: lutopt %s -p gate-aig-opt --check-passes > /dev/null
// RUN: not lutopt %s -p 'gate-aig-opt{script="rw,resyn9"}' 2>&1 | filecheck %s --check-prefix=BADSTEP

// The default script finds both the distributivity (a & b) | (a & c) = a & (b | c) that
// rewriting sees and the reassociated duplicate (a & c) & b that resubstitution sees.
// CHECK-LABEL: func.func @both
// CHECK:         gate.netlist(%{{.*}}, %{{.*}}, %{{.*}}) {
// CHECK-NEXT:      g0 = nor i1, i2
// CHECK-NEXT:      g1 = a_and_not_b i0, g0
// CHECK-NEXT:      g2 = and i0, i1
// CHECK-NEXT:      g3 = and i2, g2
// CHECK-NEXT:      output g1, g3, !g3
// CHECK-NEXT:    }
// Any script keeps the outputs; this one ends with four ANDs too.
// SCRIPT-LABEL: func.func @both
// SCRIPT-COUNT-4: g{{[0-9]}} = {{and|nor|a_and_not_b|not_a_and_b}} 
// SCRIPT-NEXT:    output {{!?}}g{{[0-9]}}, g{{[0-9]}}, !g{{[0-9]}}
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

// BADSTEP: error: gate-aig-opt: unknown AIG optimisation step 'resyn9' (known: rw, rwz, rwd, rs, rsd, rs6, rf, rfz, b)
