// RUN: lutopt %s -p 'gate-map-luts{lut-size=3}' | filecheck %s
// RUN: lutopt %s -p 'gate-map-luts{lut-size=3}' --check-passes > /dev/null
// RUN: lutopt %s -p 'gate-map-luts{lut-size=6}' | filecheck %s --check-prefix=K6
// RUN: not lutopt %s -p 'gate-map-luts{lut-size=9}' 2>&1 | filecheck %s --check-prefix=BADK

// BADK: error: gate-map-luts: lut-size must be between 3 and 8, got 9

// A 3-LUT cover: the XOR is shared by two LUTs, the complemented output is inside its
// table, an input output is forwarded and a constant output becomes a constant.
// CHECK-LABEL: func.func @mixed
// CHECK-SAME:    (%[[A:.*]]: i1, %[[B:.*]]: i1, %[[C:.*]]: i1, %[[D:.*]]: i1)
// CHECK:         %[[X:.*]] = lut.table(%[[B]], %[[A]]) [0, 1, 1, 0] : (i1, i1) -> i1
// CHECK-DAG:     %[[NZ:.*]] = lut.table(%[[X]], %[[D]], %[[C]]) [1, 1, 0, 0, 1, 0, 0, 0] : (i1, i1, i1) -> i1
// CHECK-DAG:     %[[W:.*]] = lut.table(%[[X]], %[[D]], %[[C]]) [1, 1, 1, 1, 1, 0, 0, 0] : (i1, i1, i1) -> i1
// CHECK-DAG:     %[[F:.*]] = arith.constant false
// CHECK:         func.return %[[W]], %[[NZ]], %[[A]], %[[F]] : i1, i1, i1, i1
// With K = 6 each output is one LUT over the four inputs.
// K6-LABEL: func.func @mixed
// K6-COUNT-2: lut.table({{.*}}) {{.*}} : (i1, i1, i1, i1) -> i1
// K6-NOT:     lut.table
func.func @mixed(%a: i1, %b: i1, %c: i1, %d: i1) -> (i1, i1, i1, i1) {
  %r:4 = gate.netlist(%a, %b, %c, %d) {
    x = xor i0, i1
    y = and x, i2
    z = or y, i3
    w = nand z, x
    output w, !z, i0, false
  } : (i1, i1, i1, i1) -> (i1, i1, i1, i1)
  func.return %r#0, %r#1, %r#2, %r#3 : i1, i1, i1, i1
}

// A 4-input AND chain needs two 3-LUTs in depth 2; the single-input and constant gates
// fold away first.
// CHECK-LABEL: func.func @chain
// K6-LABEL:    func.func @chain
// K6-COUNT-1:    lut.table
// K6-NOT:        lut.table
// CHECK-COUNT-2: lut.table
// CHECK-NOT:     lut.table
// CHECK:         func.return
func.func @chain(%a: i1, %b: i1, %c: i1, %d: i1) -> i1 {
  %r = gate.netlist(%a, %b, %c, %d) {
    n = not_a i0, i0
    nn = not_a n, n
    t = true i0, i1
    x = and nn, i1
    y = and x, t
    z = and y, i2
    u = and z, i3
    output u
  } : (i1, i1, i1, i1) -> (i1)
  func.return %r : i1
}
