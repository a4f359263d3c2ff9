// The report (docs/report.md): per layer and in total the gates, LUTs, depth, register
// bits and latency, on stderr with --report and as JSON with --report-file.
// RUN: lutopt %s -p 'convert-lut-to-rtl,rtl-pipeline{stages=1}' -o /dev/null --report --report-file %t.json 2>&1 | filecheck %s
// RUN: filecheck %s --check-prefix=JSON < %t.json
// RUN: lutopt %s -p 'lower-to-rtl{lut-size=6}' -o /dev/null --report 2>&1 | filecheck %s --check-prefix=MAPPED
// RUN: lutopt %s -p 'convert-lut-to-rtl,rtl-pipeline{stages=1}' -o %t.rtl.mlir
// RUN: lutopt %t.rtl.mlir -o /dev/null --report 2>&1 | filecheck %s --check-prefix=RTL

// Two LUTs of layer1 read the inputs, one LUT of layer2 reads them: 3 LUTs, depth 2,
// each layer one LUT deep. rtl-pipeline puts its one rank of registers after the first
// level: %x, %y and %a (read by layer2) are registered, 3 bits, latency 1. No gate
// level: "-"; registers and latency are not per layer.
// CHECK:      lutopt report: @two_layers (LUTs of up to 3 inputs; depth in LUTs, registers in bits, latency in cycles)
// CHECK-NEXT:   layer   gates  LUTs  depth  registers  latency
// CHECK-NEXT:   layer1      -     2      1          -        -
// CHECK-NEXT:   layer2      -     1      1          -        -
// CHECK-NEXT:   total       -     3      2          3        1
// A function without layers has one row, (all), equal to the total (registers: %x, %b).
// CHECK-NEXT: lutopt report: @no_layers (LUTs of up to 2 inputs; depth in LUTs, registers in bits, latency in cycles)
// CHECK-NEXT:   layer  gates  LUTs  depth  registers  latency
// CHECK-NEXT:   (all)      -     2      2          2        1
// CHECK-NEXT:   total      -     2      2          2        1

// JSON:      "functions": [
// JSON:          "name": "two_layers",
// JSON:          "layers": [
// JSON:              "layer": "layer1",
// JSON-NEXT:         "gates": null,
// JSON-NEXT:         "luts": 2,
// JSON-NEXT:         "depth": 1,
// JSON:          "total": {
// JSON-NEXT:       "layer": "total",
// JSON-NEXT:       "gates": null,
// JSON-NEXT:       "luts": 3,
// JSON-NEXT:       "depth": 2,
// JSON-NEXT:       "registers": 3,
// JSON-NEXT:       "latency": 1
// JSON:        "lut_size": 3

// lower-to-rtl covers the tables again: lut-decompose keeps each LUT's layer, and the
// combinational design has no registers.
// MAPPED:      lutopt report: @two_layers
// MAPPED:        layer1      -     2      1          -        -
// MAPPED-NEXT:   layer2      -     1      1          -        -
// MAPPED-NEXT:   total       -     3      2          0        0

// An rtl input: its LUTs are the hw.array_get ops of table columns, no layers survive
// convert-lut-to-rtl, and the depth is the longest chain between registers (one LUT).
// RTL:      lutopt report: @two_layers (LUTs of up to 3 inputs; depth in LUTs, registers in bits, latency in cycles)
// RTL-NEXT:   layer  gates  LUTs  depth  registers  latency
// RTL-NEXT:   (all)      -     3      1          3        1
// RTL:      lutopt report: @no_layers (LUTs of up to 2 inputs;
// RTL-NEXT:   layer  gates  LUTs  depth  registers  latency
// RTL-NEXT:   (all)      -     2      1          2        1

func.func @two_layers(%a: i1, %b: i1, %c: i1) -> i1 {
  %x = lut.table(%a, %b, %c) [0, 1, 1, 0, 1, 0, 0, 1] {lutopt.layer = "layer1"} : (i1, i1, i1) -> i1
  %y = lut.table(%a, %b, %c) [0, 0, 0, 1, 0, 1, 1, 1] {lutopt.layer = "layer1"} : (i1, i1, i1) -> i1
  %z = lut.table(%x, %y, %a) [0, 1, 1, 0, 1, 1, 0, 1] {lutopt.layer = "layer2"} : (i1, i1, i1) -> i1
  func.return %z : i1
}

func.func @no_layers(%a: i1, %b: i1) -> i1 {
  %x = lut.table(%a, %b) [0, 1, 1, 0] : (i1, i1) -> i1
  %y = lut.table(%x, %b) [0, 1, 1, 1] : (i1, i1) -> i1
  func.return %y : i1
}
