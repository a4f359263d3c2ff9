#!/usr/bin/env bash
# The main job: compile the bundled digits model (examples/digits: a LogicNets-style
# network trained on scikit-learn's load_digits, exported with torch-mlir) to Verilog with
# 6-input LUTs, simulate the Verilog on the test set with Verilator (Icarus as the
# fallback), and print the hardware's accuracy next to PyTorch's (they must be equal) and
# the table and LUT counts. Extra arguments go to examples/digits/run.py (see its --help).
source "$(dirname "$0")/setup-env.sh"
exec python examples/digits/run.py "$@"
