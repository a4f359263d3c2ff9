// The report of a gate netlist whose gates carry their layers (`lutopt.gate_layers`, as
// nn-logic-to-gate writes it): the gate passes and gate-map-luts carry the layers over to
// the LUTs by simulation (lutopt.logic.layers, docs/report.md).
// RUN: lutopt %s -p 'gate-map-luts{lut-size=3}' -o /dev/null --report 2>&1 | filecheck %s --check-prefix=K3
// RUN: lutopt %s -p 'lower-to-rtl{lut-size=3}' -o /dev/null --report 2>&1 | filecheck %s --check-prefix=K3
// RUN: lutopt %s -p 'lower-to-rtl{lut-size=6}' -o /dev/null --report 2>&1 | filecheck %s --check-prefix=K6
// RUN: lutopt %inputs/nn-logic/groupsum.mlir -p 'lower-to-rtl{lut-size=6}' -o /dev/null --report 2>&1 | filecheck %s --check-prefix=GROUPSUM

// Four inputs do not fit one 3-LUT: one LUT computes a gate of layer1 (p or q), the
// other the rest of r, whose function is that of r (layer2).
// K3:      layer   gates  LUTs  depth  registers  latency
// K3-NEXT: layer1      2     1      1          -        -
// K3-NEXT: layer2      1     1      1          -        -
// K3-NEXT: total       3     2      2          0        0

// One 6-LUT computes r: layer1's gates are in layer2's LUT.
// K6:      layer   gates  LUTs  depth  registers  latency
// K6-NEXT: layer1      2     0      0          -        -
// K6-NEXT: layer2      1     1      1          -        -
// K6-NEXT: total       3     1      1          0        0
func.func @two_layers(%a: i1, %b: i1, %c: i1, %d: i1) -> i1 {
  %y = gate.netlist(%a, %b, %c, %d) {
    p = and i0, i1
    q = xor i2, i3
    r = or p, q
    output r
  } attributes {lutopt.gate_layers = dense<[1, 1, 2]> : tensor<3xi32>} : (i1, i1, i1, i1) -> (i1)
  func.return %y : i1
}

// A logic network from torch-mlir (test/Inputs/nn-logic/groupsum.json: two logic layers
// over 2-bit thermometer codes, a GroupSum over two groups). nn-logic-to-gate keeps the
// first layer inside the tables of the second (each element of the second is a small
// function of the threshold bits), so the gates made at once are one layer, layer1;
// then the head (the popcounts); then what has no layer (decoding the thermometer codes).
// GROUPSUM:      lutopt report: @groupsum
// GROUPSUM-NEXT:   layer    gates  LUTs  depth  registers  latency
// GROUPSUM-NEXT:   layer1 {{ +[1-9][0-9]* +[1-9][0-9]* +[1-9]}}
// GROUPSUM-NEXT:   head {{ +[1-9][0-9]* +[1-9][0-9]* +[1-9]}}
// GROUPSUM-NEXT:   (other)
// GROUPSUM-NEXT:   total
