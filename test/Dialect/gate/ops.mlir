// RUN: lutopt %s | filecheck %s
// RUN: lutopt %s | lutopt | filecheck %s
// RUN: lutopt %s --print-op-generic | lutopt | filecheck %s
// RUN: lutopt %s --print-op-generic | filecheck %s --check-prefix=GENERIC

// A full adder: gates are named g0.., inputs i0.., complemented outputs carry `!`.
// CHECK-LABEL: func.func @full_adder(
// CHECK-SAME:      %[[A:.*]]: i1, %[[B:.*]]: i1, %[[C:.*]]: i1) -> (i1, i1)
// CHECK:         %[[S:.*]], %[[CO:.*]] = gate.netlist(%[[A]], %[[B]], %[[C]]) {
// CHECK-NEXT:      g0 = xor i0, i1
// CHECK-NEXT:      g1 = xor g0, i2
// CHECK-NEXT:      g2 = and i0, i1
// CHECK-NEXT:      g3 = and g0, i2
// CHECK-NEXT:      g4 = or g2, g3
// CHECK-NEXT:      output g1, g4
// CHECK-NEXT:    } : (i1, i1, i1) -> (i1, i1)
// CHECK-NEXT:    func.return %[[S]], %[[CO]] : i1, i1
// GENERIC-LABEL: "func.func"() <{sym_name = "full_adder"
// GENERIC: "gate.netlist"(%{{.*}}, %{{.*}}, %{{.*}}) <{fn = dense<[6, 6, 1, 1, 7]> : tensor<5xi8>, a = dense<[1, 4, 1, 4, 6]> : tensor<5xi32>, b = dense<[2, 3, 2, 3, 7]> : tensor<5xi32>, outputs = dense<[10, 16]> : tensor<2xi32>}> : (i1, i1, i1) -> (i1, i1)
func.func @full_adder(%a: i1, %b: i1, %c: i1) -> (i1, i1) {
  %s, %co = gate.netlist(%a, %b, %c) {
    ab = xor i0, i1
    sum = xor ab, i2
    and_ab = and i0, i1
    and_c = and ab, i2
    carry = or and_ab, and_c
    output sum, carry
  } : (i1, i1, i1) -> (i1, i1)
  func.return %s, %co : i1, i1
}

// All sixteen function names, the constant node, complemented outputs, an output that
// is an input, and attributes.
// CHECK-LABEL: func.func @every_function(
// CHECK:         gate.netlist(%{{.*}}, %{{.*}}) {
// CHECK-NEXT:      g0 = false i0, i1
// CHECK-NEXT:      g1 = and i0, i1
// CHECK-NEXT:      g2 = a_and_not_b i0, i1
// CHECK-NEXT:      g3 = a i0, i1
// CHECK-NEXT:      g4 = not_a_and_b i0, i1
// CHECK-NEXT:      g5 = b i0, i1
// CHECK-NEXT:      g6 = xor i0, i1
// CHECK-NEXT:      g7 = or i0, i1
// CHECK-NEXT:      g8 = nor i0, i1
// CHECK-NEXT:      g9 = xnor i0, i1
// CHECK-NEXT:      g10 = not_b i0, i1
// CHECK-NEXT:      g11 = a_or_not_b i0, i1
// CHECK-NEXT:      g12 = not_a i0, i1
// CHECK-NEXT:      g13 = not_a_or_b i0, i1
// CHECK-NEXT:      g14 = nand i0, i1
// CHECK-NEXT:      g15 = true g14, false
// CHECK-NEXT:      output !g15, i1, !false, false
// CHECK-NEXT:    } attributes {lutopt.origin = "test"} : (i1, i1) -> (i1, i1, i1, i1)
func.func @every_function(%a: i1, %b: i1) -> (i1, i1, i1, i1) {
  %r:4 = gate.netlist(%a, %b) {
    f0 = false i0, i1
    f1 = and i0, i1
    f2 = a_and_not_b i0, i1
    f3 = a i0, i1
    f4 = not_a_and_b i0, i1
    f5 = b i0, i1
    f6 = xor i0, i1
    f7 = or i0, i1
    f8 = nor i0, i1
    f9 = xnor i0, i1
    f10 = not_b i0, i1
    f11 = a_or_not_b i0, i1
    f12 = not_a i0, i1
    f13 = not_a_or_b i0, i1
    f14 = nand i0, i1
    f15 = true f14, false
    output !f15, i1, !false, false
  } attributes {lutopt.origin = "test"} : (i1, i1) -> (i1, i1, i1, i1)
  func.return %r#0, %r#1, %r#2, %r#3 : i1, i1, i1, i1
}

// No gates, no inputs; and no outputs.
// CHECK-LABEL: func.func @empty(
// CHECK:         %{{.*}} = gate.netlist() {
// CHECK-NEXT:      output !false
// CHECK-NEXT:    } : () -> (i1)
// CHECK:         gate.netlist(%{{.*}}) {
// CHECK-NEXT:      output
// CHECK-NEXT:    } : (i1) -> ()
func.func @empty(%a: i1) -> i1 {
  %t = gate.netlist() {
    output !false
  } : () -> (i1)
  gate.netlist(%a) {
    output
  } : (i1) -> ()
  func.return %t : i1
}

// The compact form (columns fn | a | b little-endian, then the output literals) parses
// and prints one line per gate while the netlist is small.
// CHECK-LABEL: func.func @hex(
// CHECK:         gate.netlist(%{{.*}}, %{{.*}}) {
// CHECK-NEXT:      g0 = and i0, i1
// CHECK-NEXT:      g1 = xor g0, i1
// CHECK-NEXT:      output !g1
func.func @hex(%a: i1, %b: i1) -> i1 {
  %y = gate.netlist(%a, %b) gates "0x010601000000030000000200000002000000" outputs "0x09000000" : (i1, i1) -> (i1)
  func.return %y : i1
}
