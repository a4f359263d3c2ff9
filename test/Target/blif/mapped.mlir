// RUN: lutopt %s -p 'lower-to-luts{lut-size=4}' -t blif | filecheck %s
// RUN: lutopt %s -p 'lower-to-luts{lut-size=4}' -t blif -o %t.direct.blif
// RUN: lutopt %s -p 'lower-to-luts{lut-size=4}' | lutopt-translate --export-blif -o %t.via-mlir.blif
// RUN: diff %t.direct.blif %t.via-mlir.blif
// RUN: not lutopt %S/Inputs/two_functions.mlir -t blif 2>&1 | filecheck %s --check-prefix=TWO
// RUN: lutopt %S/Inputs/two_functions.mlir -t 'blif{function=g}' | filecheck %s --check-prefix=PICK

// `-t blif` writes the mapped function directly, the same text as
// `lutopt-translate --export-blif` on the printed IR: a 5-input parity needs two 4-LUTs.
// CHECK:      .model parity5
// CHECK-NEXT: .inputs a b c d e
// CHECK-NEXT: .outputs y
// CHECK-COUNT-2: .names
// CHECK-NOT:  .names
// CHECK:      .end
func.func @parity5(%a: i1 {lutopt.name = "a"}, %b: i1 {lutopt.name = "b"}, %c: i1 {lutopt.name = "c"},
                   %d: i1 {lutopt.name = "d"}, %e: i1 {lutopt.name = "e"}) -> (i1 {lutopt.name = "y"}) {
  %y = gate.netlist(%a, %b, %c, %d, %e) {
    g0 = xor i0, i1
    g1 = xor g0, i2
    g2 = xor g1, i3
    g3 = xor g2, i4
    output g3
  } : (i1, i1, i1, i1, i1) -> (i1)
  func.return %y : i1
}

// TWO: two_functions.mlir:5:1: error: the input has 2 functions (f, g); choose one with -t 'blif{function=NAME}'
// PICK: .model g
