// The integer level through lower-to-rtl: to 6-LUTs (the default), and with
// keep-arith=true to word-level operators; both simulated in Icarus against the
// interpreter of this file (lutopt-sim), and each pass checked (--check-passes).
// REQUIRES: iverilog
// RUN: rm -rf %t && mkdir -p %t
// RUN: lutopt %s -p 'lower-to-rtl{lut-size=6}' --check-passes -t verilog -o %t/luts.v
// RUN: lutopt-sim %s %t/luts.v --simulator iverilog | filecheck %s
// RUN: lutopt %s -p 'lower-to-rtl{lut-size=6 keep-arith=true}' --check-passes -t verilog -o %t/words.v
// RUN: lutopt-sim %s %t/words.v --simulator iverilog | filecheck %s
// RUN: filecheck %s --check-prefix=WORDS < %t/words.v
// RUN: lutopt %s -p 'lower-to-rtl{lut-size=6 multiplier=mitch-w6}' --check-passes -t verilog -o %t/mitch.v
// RUN: not lutopt %s -p 'lower-to-rtl{multiplier=booth}' 2>&1 | filecheck %s --check-prefix=BAD
// CHECK: 0 mismatches
// WORDS: = x * y;
// WORDS: = p + c;
// BAD: error: lower-to-rtl: multiplier must be exact, mitchell or mitch-w<W> (W >= 1), got 'booth'
func.func @mac(%a: i4, %b: i4, %c: i8) -> (i8, i1) {
  %x = arith.extsi %a : i4 to i8
  %y = arith.extui %b : i4 to i8
  %p = arith.muli %x, %y : i8
  %s = arith.addi %p, %c : i8
  %neg = arith.cmpi slt, %s, %c : i8
  func.return %s, %neg : i8, i1
}
