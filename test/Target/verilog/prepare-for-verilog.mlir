// prepare-for-verilog (run by -t verilog) legalises names and records how the printer
// declares each value; it removes dead ops and renames what is a Verilog keyword.
// RUN: lutopt %s -p prepare-for-verilog | filecheck %s
// RUN: lutopt %s -p prepare-for-verilog -t verilog | filecheck %s --check-prefix=V

// CHECK-LABEL: hw.module @reg(in %a: i2, in %b: i2, out out: i2)
// CHECK-SAME: lutopt.verilog_name = "reg_0"
// CHECK-SAME: lutopt.verilog_ports = ["a", "b", "out"]
// CHECK-NOT: comb.xor
// CHECK: comb.add %a, %b {lutopt.verilog_names = ["s"], lutopt.verilog_kinds = ["wire"]}
// CHECK: hw.constant {lutopt.verilog_names = [""], lutopt.verilog_kinds = ["inline"]} 1 : i2
// CHECK: comb.and %s, %c {lutopt.verilog_names = ["out"], lutopt.verilog_kinds = ["port"]}

// V: module reg_0 (
// V-NOT: xor
// V: assign out = s & 2'h1;
hw.module @reg(in %a : i2, in %b : i2, out out : i2) {
  %unused = comb.xor %a, %b : i2
  %s = comb.add %a, %b : i2
  %c = hw.constant 1 : i2
  %x = comb.and %s, %c : i2
  hw.output %x : i2
}
