// REQUIRES: iverilog
// RUN: rm -rf %t && mkdir -p %t
// RUN: lutopt %S/lint.mlir -t verilog -o %t/lint_top.v
// RUN: iverilog -g2001 -s lint_top -o %t/lint_top.vvp %t/lint_top.v
// RUN: lutopt %S/comb.mlir -t verilog -o %t/ops.v
// RUN: iverilog -g2001 -o %t/ops.vvp %t/ops.v

// The Verilog of lint.mlir and comb.mlir compiles with Icarus Verilog as Verilog-2001.
