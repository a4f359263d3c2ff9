// RUN: lutopt %s -p convert-arith-to-comb --check-passes | filecheck %s
// RUN: lutopt %s -p 'convert-arith-to-comb,convert-lut-to-rtl' --check-passes -t verilog | filecheck %s --check-prefix=V
// RUN: lutopt %s -p 'convert-arith-to-comb{multiplier=mitch-w6}' | filecheck %s --check-prefix=MITCH

// Word-level operators stay word-level: comb.add / comb.sub / comb.mul, printed as
// +, - and * (the interpreter runs them: --check-passes compares before and after).
// CHECK-LABEL: func.func @ops
// CHECK-DAG: comb.concat
// CHECK-DAG: comb.replicate
// CHECK-DAG: comb.mul
// CHECK-DAG: comb.add
// CHECK-DAG: comb.sub
// CHECK-DAG: comb.icmp slt
// CHECK-DAG: comb.mux
// CHECK-DAG: comb.extract
// CHECK-NOT: arith.{{(addi|subi|muli|extsi|extui|minsi|trunci|shrsi)}}
// CHECK: func.return
// V: module ops (
// V-DAG: = x * y;
// V-DAG: = p + c;
// V-DAG: = s - x;
// MITCH: arith.muli
// MITCH-NOT: comb.mul
func.func @ops(%a: i4, %b: i4, %c: i8) -> (i8, i8, i2) {
  %x = arith.extsi %a : i4 to i8
  %y = arith.extui %b : i4 to i8
  %p = arith.muli %x, %y : i8
  %s = arith.addi %p, %c : i8
  %d = arith.subi %s, %x : i8
  %m = arith.minsi %d, %c : i8
  %t = arith.trunci %m : i8 to i2
  %k = arith.constant 1 : i8
  %sh = arith.shrsi %d, %k : i8
  func.return %m, %sh, %t : i8, i8, i2
}
