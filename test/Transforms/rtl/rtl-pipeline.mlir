// RUN: lutopt %s -p 'rtl-pipeline{stages=1}' | filecheck %s --check-prefix=ONE
// RUN: lutopt %s -p 'rtl-pipeline{stages=2}' | filecheck %s --check-prefix=TWO
// RUN: lutopt %s -p 'rtl-pipeline{stages=2}' --check-passes > /dev/null

// A chain of three logic levels (array_get) plus free wiring.
hw.module @chain(in %a : i1, in %b : i1, out y : i1) {
  %idx = comb.concat %a, %b : i1, i1
  %c = hw.constant 6 : i4
  %arr = hw.bitcast %c : (i4) -> !hw.array<4xi1>
  %l1 = hw.array_get %arr[%idx] : !hw.array<4xi1>, i2
  %idx2 = comb.concat %l1, %b : i1, i1
  %l2 = hw.array_get %arr[%idx2] : !hw.array<4xi1>, i2
  %idx3 = comb.concat %l2, %a : i1, i1
  %l3 = hw.array_get %arr[%idx3] : !hw.array<4xi1>, i2
  hw.output %l3 : i1
}

// One rank: levels 1-2 in stage 0, level 3 in stage 1. The register sits on the
// concatenated index of level 3 (wiring is free, so it stays in the earlier stage).
// ONE-LABEL: hw.module @chain(in %clk: !seq.clock, in %a: i1, in %b: i1, out y: i1) attributes {lutopt.latency = 1 : i64}
// ONE: %l2 = hw.array_get
// ONE-NEXT: %idx3 = comb.concat %l2, %a
// ONE-NEXT: %[[R:.*]] = seq.compreg %idx3, %clk : i2
// ONE-NEXT: %[[L3:.*]] = hw.array_get %arr[%[[R]]]
// ONE-NEXT: hw.output %[[L3]] : i1

// Two ranks: one level per stage; %a waits one cycle before joining level 2's result.
// TWO-LABEL: attributes {lutopt.latency = 2 : i64}
// TWO: %[[I2:.*]] = seq.compreg %idx2, %clk : i2
// TWO-NEXT: %l2 = hw.array_get %arr[%[[I2]]]
// TWO-NEXT: %[[A:.*]] = seq.compreg %a, %clk : i1
// TWO-NEXT: %idx3 = comb.concat %l2, %[[A]]
// TWO-NEXT: %[[I3:.*]] = seq.compreg %idx3, %clk : i2
// TWO-NOT: seq.compreg
// TWO: hw.output
