#!/usr/bin/env bash
# The main job: compile the bundled example to Verilog and check it by simulation.
source "$(dirname "$0")/setup-env.sh"
mkdir -p build
echo "== lutopt: examples/lut/tiny_net.mlir -> build/tiny_net.v =="
lutopt examples/lut/tiny_net.mlir -p 'lower-to-rtl' -t verilog -o build/tiny_net.v
lutopt-sim examples/lut/tiny_net.mlir build/tiny_net.v
echo "== pipelined, 2 register stages =="
lutopt examples/lut/tiny_net.mlir -p 'lower-to-rtl{pipeline-stages=2}' -t verilog -o build/tiny_net_p2.v
lutopt-sim examples/lut/tiny_net.mlir build/tiny_net_p2.v
