// RUN: lutopt %s -p convert-arith-to-gate --check-passes --split-input-file | filecheck %s
// RUN: lutopt %s -p 'convert-arith-to-gate{multiplier=mitch-w6}' --check-passes --split-input-file | filecheck %s --check-prefix=MITCH
// RUN: lutopt %s -p 'convert-arith-to-gate{multiplier=mitchell adder=prefix}' --check-passes --split-input-file | filecheck %s --check-prefix=MITCH
// --check-passes runs the interpreter on the function before and after the pass (all
// 65,536 vectors of an 8x8 product); with an approximate multiplier it compares with the
// IR whose muli carry lutopt.multiplier (DESIGN.md's Mitch-w semantics).

// An 8x8 unsigned product: the operands' bits go in through comb.extract, the 16
// product bits come out of one gate.netlist and are joined with comb.concat.
// CHECK-LABEL: func.func @mul8(%a: i8, %b: i8) -> i16
// CHECK-COUNT-8: comb.extract %a from
// CHECK-COUNT-8: comb.extract %b from
// CHECK: gate.netlist
// CHECK: %[[P:.*]] = comb.concat
// CHECK-SAME: : i1, i1, i1, i1, i1, i1, i1, i1, i1, i1, i1, i1, i1, i1, i1, i1{{$}}
// CHECK-NEXT: func.return %[[P]] : i16
// MITCH-LABEL: func.func @mul8
// MITCH: gate.netlist
// MITCH-NOT: arith.muli
func.func @mul8(%a: i8, %b: i8) -> i16 {
  %x = arith.extui %a : i8 to i16
  %y = arith.extui %b : i8 to i16
  %p = arith.muli %x, %y : i16
  func.return %p : i16
}

// -----

// A multiply-accumulate: signed product, product by a constant, a sum and a difference,
// then a compare, a max and a shift by a constant: one cluster, one netlist.
// CHECK-LABEL: func.func @mac
// CHECK-COUNT-1: gate.netlist
// CHECK-NOT: gate.netlist
// CHECK-NOT: arith.
// CHECK: func.return
func.func @mac(%a: i4, %b: i4, %c: i4, %d: i8) -> (i8, i1, i8) {
  %x = arith.extsi %a : i4 to i8
  %y = arith.extui %b : i4 to i8
  %p = arith.muli %x, %y : i8
  %k = arith.constant 3 : i8
  %z = arith.extui %c : i4 to i8
  %q = arith.muli %z, %k : i8
  %s = arith.addi %p, %q : i8
  %t = arith.subi %s, %d : i8
  %cmp = arith.cmpi slt, %t, %d : i8
  %m = arith.maxsi %t, %d : i8
  %sh = arith.shrsi %m, %k : i8
  func.return %t, %cmp, %sh : i8, i1, i8
}

// -----

// A path that leaves the arithmetic through a lut.table and comes back splits the
// cluster in two netlists (the table reads the first, the second reads the table).
// CHECK-LABEL: func.func @split
// CHECK: gate.netlist
// CHECK: lut.table
// CHECK: gate.netlist
// CHECK: func.return
func.func @split(%a: i3, %b: i3) -> i3 {
  %s = arith.addi %a, %b : i3
  %t = lut.table(%s) [7, 6, 5, 4, 3, 2, 1, 0] : (i3) -> i3
  %u = arith.xori %t, %s : i3
  %v = arith.minui %u, %a : i3
  %c = arith.cmpi ne, %a, %b : i3
  %w = arith.select %c, %v, %b : i3
  func.return %w : i3
}

// -----

// Variable shifts (barrel shifters), min/max, select, trunci and the bitwise ops;
// a muli marked exact keeps its exact circuit whatever the option.
// CHECK-LABEL: func.func @misc
// CHECK-NOT: arith.
// CHECK: func.return
// MITCH-LABEL: func.func @misc
// MITCH-NOT: arith.
func.func @misc(%a: i6, %b: i6) -> (i6, i6, i6, i6, i3, i6) {
  %l = arith.shli %a, %b : i6
  %r = arith.shrui %a, %b : i6
  %s = arith.shrsi %a, %b : i6
  %n = arith.minsi %a, %b : i6
  %t = arith.trunci %b : i6 to i3
  %o = arith.ori %a, %b : i6
  %x = arith.andi %o, %l : i6
  %p = arith.muli %x, %r {lutopt.multiplier = "exact"} : i6
  func.return %l, %r, %s, %n, %t, %p : i6, i6, i6, i6, i3, i6
}

// -----

// A cluster nothing reads leaves no netlist behind.
// CHECK-LABEL: func.func @dead
// CHECK-NEXT: func.return %a : i4
// MITCH-LABEL: func.func @dead
// MITCH-NEXT: func.return %a : i4
func.func @dead(%a: i4, %b: i4) -> i4 {
  %s = arith.addi %a, %b : i4
  %p = arith.muli %s, %b : i4
  func.return %a : i4
}
