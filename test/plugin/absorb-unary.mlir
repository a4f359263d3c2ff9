// A user's pass loaded from their own Python file (examples/plugin/absorb_unary.py).
// RUN: lutopt %s --load %S/../../examples/plugin/absorb_unary.py -p absorb-unary-tables,dce | filecheck %s
// RUN: lutopt %s --load %S/../../examples/plugin/absorb_unary.py -p absorb-unary-tables,dce --check-passes > /dev/null
// RUN: not lutopt %s --load %S/no-such-plugin.py -p absorb-unary-tables 2>&1 | filecheck %s --check-prefix=MISSING
// MISSING: error: cannot load plugin '{{.*}}no-such-plugin.py': no such file

// %n = NOT %a feeds the XOR: the XOR table absorbs it and becomes XNOR on %a, %b.
// CHECK-LABEL: func.func @f
// CHECK-NEXT: %[[X:.*]] = lut.table(%a, %b) [1, 0, 0, 1] : (i1, i1) -> i1
// CHECK-NEXT: func.return %[[X]]
func.func @f(%a: i1, %b: i1) -> i1 {
  %n = lut.table(%a) [1, 0] : (i1) -> i1
  %x = lut.table(%n, %b) [0, 1, 1, 0] : (i1, i1) -> i1
  func.return %x : i1
}
