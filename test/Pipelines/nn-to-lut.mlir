// RUN: lutopt %inputs/masked-linear.torch.mlir -p nn-to-lut | filecheck %s
// RUN: lutopt %inputs/masked-linear.torch.mlir -p lower-to-rtl -t verilog | filecheck %s --check-prefix=VERILOG
// RUN: not lutopt %inputs/masked-linear.torch.mlir -p 'nn-to-lut{max-table-bits=5}' -o %t.out 2>&1 | filecheck %s --check-prefix=WIDE
// RUN: not test -e %t.out

// torch-mlir's output of a model with 4 inputs (3-bit codes), a hidden layer of 3 with a
// mask multiplied into its weights (one neuron has no inputs left), and 2 outputs.
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X0:.*]]: i3, %[[X1:.*]]: i3, %[[X2:.*]]: i3, %[[X3:.*]]: i3) -> (i2, i2)
// CHECK-NOT: nn.
// CHECK-NOT: linalg.
// The mask leaves hidden neuron 0 with inputs 0, 2, 3, neuron 1 with none (a constant) and
// neuron 2 with input 0 alone.
// Each table carries the layer (the quantizer) it computes, for the report.
// CHECK: %[[H0:.*]] = lut.table(%[[X0]], %[[X2]], %[[X3]]) "0x{{[0-9A-F]+}}" {lutopt.layer = "layer1"} : (i3, i3, i3) -> i2
// CHECK: %[[H1:.*]] = lut.table() [0] {lutopt.layer = "layer1"} : () -> i2
// CHECK: %[[H2:.*]] = lut.table(%[[X0]]) [{{.*}}] {lutopt.layer = "layer1"} : (i3) -> i2
// CHECK: %[[Y0:.*]] = lut.table(%[[H0]], %[[H1]], %[[H2]]) [{{.*}}] {lutopt.layer = "layer2"} : (i2, i2, i2) -> i2
// CHECK: %[[Y1:.*]] = lut.table(%[[H0]], %[[H1]], %[[H2]]) [{{.*}}] {lutopt.layer = "layer2"} : (i2, i2, i2) -> i2
// CHECK: func.return %[[Y0]], %[[Y1]] : i2, i2

// VERILOG: module main (
// VERILOG: input [2:0] in0,
// VERILOG: output [1:0] out1

// WIDE: masked-linear.torch.mlir:{{[0-9]+}}:{{[0-9]+}}: error: the partition of element (0, 0) of this quantizer reads 3 codes, 9 bits: its table would have 2^9 entries, more than max-table-bits=5 allows
