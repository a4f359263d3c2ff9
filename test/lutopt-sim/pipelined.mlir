// REQUIRES: iverilog
// RUN: rm -rf %t && mkdir -p %t
// RUN: lutopt %s -p 'lower-to-rtl{pipeline-stages=2}' -t verilog -o %t/neuron.v
// RUN: lutopt-sim %s %t/neuron.v --simulator iverilog | filecheck %s
// RUN: lutopt %s -p lower-to-rtl -t verilog -o %t/comb.v
// RUN: lutopt-sim %s %t/comb.v --top neuron --simulator iverilog | filecheck %s
// RUN: sed -e "s/16'h0f96/16'h0f97/" %t/neuron.v > %t/broken.v
// RUN: not lutopt-sim %s %t/broken.v --simulator iverilog | filecheck %s --check-prefix=BROKEN

// The lut-level function is the reference for the Verilog of its pipelined and its
// combinational rtl lowering; flipping one table bit is caught.
// CHECK: lutopt-sim: 16 vectors, 0 mismatches (iverilog)
// BROKEN: lutopt-sim: 16 vectors, 1 mismatches (iverilog)
// BROKEN-NEXT: vector 0: a=0 b=0: out1 = 1, expected 0
func.func @neuron(%a: i2, %b: i2) -> (i2, i1) {
  %y = lut.table(%a, %b) [0, 1, 3, 2, 0, 0, 1, 1, 2, 2, 3, 3, 1, 0, 0, 1] : (i2, i2) -> i2
  %z = lut.table(%y, %a) [0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0] : (i2, i2) -> i1
  func.return %y, %z : i2, i1
}
