// RUN: lutopt %s -p nn-logic-to-gate --split-input-file | filecheck %s
// RUN: lutopt %s -p 'lower-to-rtl{lut-size=6}' --check-passes --split-input-file -t verilog | filecheck %s --check-prefix=VLOG
// Logic-gate networks as torch-mlir prints them (trimmed), to one gate.netlist per
// function and an integer-level head. --check-passes checks every pass after
// nn-logic-to-gate with the interpreter.

// (b) and (e): inputs binarised by `x > 0.5` (a Python float: extf to f64), gathered by
// constant index tensors (tensor.extract in a generic), i1 logic (and, xor, nor with a
// constant `true`), GroupSum of the three bits divided by 2.
// CHECK-LABEL: func.func @bool_groupsum(%0: i1, %1: i1, %2: i1) -> i2 attributes {lutopt.groupsum_divisor = 2.000000e+00 : f64}
// CHECK: gate.netlist(%0, %1, %2)
// CHECK: output
// CHECK-COUNT-3: arith.extui {{.*}} : i1 to i2
// CHECK-COUNT-2: arith.addi
// CHECK: func.return {{.*}} : i2
// VLOG: // GroupSum divisor: 2.0 (the count outputs are the model
// VLOG: module bool_groupsum
// VLOG: output [1:0] out0
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#zero = affine_map<(d0, d1) -> (0, 0)>
#col = affine_map<(d0, d1) -> (d1)>
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#red = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @bool_groupsum(%arg0: tensor<1x3xf32>) -> tensor<1x1xf32> {
  %true = arith.constant true
  %cst = arith.constant 0.000000e+00 : f32
  %half = arith.constant 5.000000e-01 : f64
  %two = arith.constant 2.000000e+00 : f32
  %row = arith.constant dense<0> : tensor<1x1xi64>
  %ia = arith.constant dense<[2, 0, 2]> : tensor<3xi64>
  %ib = arith.constant dense<[0, 1, 0]> : tensor<3xi64>
  %e = tensor.empty() : tensor<1x3xi1>
  %x = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%arg0 : tensor<1x3xf32>) outs(%e : tensor<1x3xi1>) {
  ^bb0(%in: f32, %out: i1):
    %w = arith.extf %in : f32 to f64
    %c = arith.cmpf ogt, %w, %half : f64
    linalg.yield %c : i1
  } -> tensor<1x3xi1>
  %a = linalg.generic {indexing_maps = [#zero, #col, #id2], iterator_types = ["parallel", "parallel"]} ins(%row, %ia : tensor<1x1xi64>, tensor<3xi64>) outs(%e : tensor<1x3xi1>) {
  ^bb0(%r: i64, %i: i64, %out: i1):
    %ri = arith.index_cast %r : i64 to index
    %ii = arith.index_cast %i : i64 to index
    %v = tensor.extract %x[%ri, %ii] : tensor<1x3xi1>
    linalg.yield %v : i1
  } -> tensor<1x3xi1>
  %b = linalg.generic {indexing_maps = [#zero, #col, #id2], iterator_types = ["parallel", "parallel"]} ins(%row, %ib : tensor<1x1xi64>, tensor<3xi64>) outs(%e : tensor<1x3xi1>) {
  ^bb0(%r: i64, %i: i64, %out: i1):
    %ri = arith.index_cast %r : i64 to index
    %ii = arith.index_cast %i : i64 to index
    %v = tensor.extract %x[%ri, %ii] : tensor<1x3xi1>
    linalg.yield %v : i1
  } -> tensor<1x3xi1>
  %a0 = tensor.extract_slice %a[0, 0] [1, 1] [1, 1] : tensor<1x3xi1> to tensor<1x1xi1>
  %b0 = tensor.extract_slice %b[0, 0] [1, 1] [1, 1] : tensor<1x3xi1> to tensor<1x1xi1>
  %a1 = tensor.extract_slice %a[0, 1] [1, 1] [1, 1] : tensor<1x3xi1> to tensor<1x1xi1>
  %b1 = tensor.extract_slice %b[0, 1] [1, 1] [1, 1] : tensor<1x3xi1> to tensor<1x1xi1>
  %a2 = tensor.extract_slice %a[0, 2] [1, 1] [1, 1] : tensor<1x3xi1> to tensor<1x1xi1>
  %b2 = tensor.extract_slice %b[0, 2] [1, 1] [1, 1] : tensor<1x3xi1> to tensor<1x1xi1>
  %e1 = tensor.empty() : tensor<1x1xi1>
  %g0 = linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%a0, %b0 : tensor<1x1xi1>, tensor<1x1xi1>) outs(%e1 : tensor<1x1xi1>) {
  ^bb0(%p: i1, %q: i1, %out: i1):
    %r = arith.andi %p, %q : i1
    linalg.yield %r : i1
  } -> tensor<1x1xi1>
  %g1 = linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%a1, %b1 : tensor<1x1xi1>, tensor<1x1xi1>) outs(%e1 : tensor<1x1xi1>) {
  ^bb0(%p: i1, %q: i1, %out: i1):
    %r = arith.xori %p, %q : i1
    linalg.yield %r : i1
  } -> tensor<1x1xi1>
  %g2 = linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%a2, %b2 : tensor<1x1xi1>, tensor<1x1xi1>) outs(%e1 : tensor<1x1xi1>) {
  ^bb0(%p: i1, %q: i1, %out: i1):
    %r = arith.ori %p, %q : i1
    %n = arith.xori %r, %true : i1
    linalg.yield %n : i1
  } -> tensor<1x1xi1>
  %cat = tensor.concat dim(1) %g0, %g1, %g2 : (tensor<1x1xi1>, tensor<1x1xi1>, tensor<1x1xi1>) -> tensor<1x3xi1>
  %ef = tensor.empty() : tensor<1x3xf32>
  %f = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%cat : tensor<1x3xi1>) outs(%ef : tensor<1x3xf32>) {
  ^bb0(%in: i1, %out: f32):
    %v = arith.uitofp %in : i1 to f32
    linalg.yield %v : f32
  } -> tensor<1x3xf32>
  %f3 = tensor.expand_shape %f [[0], [1, 2]] output_shape [1, 1, 3] : tensor<1x3xf32> into tensor<1x1x3xf32>
  %es = tensor.empty() : tensor<1x1xf32>
  %z = linalg.fill ins(%cst : f32) outs(%es : tensor<1x1xf32>) -> tensor<1x1xf32>
  %s = linalg.generic {indexing_maps = [#id3, #red], iterator_types = ["parallel", "parallel", "reduction"]} ins(%f3 : tensor<1x1x3xf32>) outs(%z : tensor<1x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.addf %in, %out : f32
    linalg.yield %v : f32
  } -> tensor<1x1xf32>
  %d = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%s : tensor<1x1xf32>) outs(%es : tensor<1x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.divf %in, %two : f32
    linalg.yield %v : f32
  } -> tensor<1x1xf32>
  return %d : tensor<1x1xf32>
}

// -----

// (d) a thermometer of two thresholds per input (2-bit codes, decoded in the netlist)
// and (e) an argmax over two groups: torch-mlir's two-result linalg.generic.
// CHECK-LABEL: func.func @thermometer_argmax(%0: i2, %1: i2) -> i1
// CHECK-COUNT-4: comb.extract
// CHECK: gate.netlist
// CHECK: arith.cmpi ugt
// CHECK: arith.select
// CHECK: func.return {{.*}} : i1
// VLOG: module thermometer_argmax
// VLOG: input [1:0] in0
// VLOG: output out0
#m3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#t3 = affine_map<(d0, d1, d2) -> (d2)>
#r2 = affine_map<(d0, d1) -> (d0, d1)>
#r1 = affine_map<(d0, d1) -> (d0)>
func.func @thermometer_argmax(%arg0: tensor<1x2xf32>) -> tensor<1xi64> {
  %th = arith.constant dense<[2.500000e-01, 7.500000e-01]> : tensor<2xf32>
  %ninf = arith.constant 0xFF800000 : f32
  %zero = arith.constant 0.000000e+00 : f32
  %c0 = arith.constant 0 : i64
  %x3 = tensor.expand_shape %arg0 [[0], [1, 2]] output_shape [1, 2, 1] : tensor<1x2xf32> into tensor<1x2x1xf32>
  %e = tensor.empty() : tensor<1x2x2xf32>
  %bits = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, 0)>, #t3, #m3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x3, %th : tensor<1x2x1xf32>, tensor<2xf32>) outs(%e : tensor<1x2x2xf32>) {
  ^bb0(%in: f32, %t: f32, %out: f32):
    %c = arith.cmpf ogt, %in, %t : f32
    %v = arith.uitofp %c : i1 to f32
    linalg.yield %v : f32
  } -> tensor<1x2x2xf32>
  %es = tensor.empty() : tensor<1x2xf32>
  %z = linalg.fill ins(%zero : f32) outs(%es : tensor<1x2xf32>) -> tensor<1x2xf32>
  %counts = linalg.generic {indexing_maps = [#m3, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%bits : tensor<1x2x2xf32>) outs(%z : tensor<1x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.addf %in, %out : f32
    linalg.yield %v : f32
  } -> tensor<1x2xf32>
  %em = tensor.empty() : tensor<1xf32>
  %mi = linalg.fill ins(%ninf : f32) outs(%em : tensor<1xf32>) -> tensor<1xf32>
  %ei = tensor.empty() : tensor<1xi64>
  %ii = linalg.fill ins(%c0 : i64) outs(%ei : tensor<1xi64>) -> tensor<1xi64>
  %max:2 = linalg.generic {indexing_maps = [#r2, #r1, #r1], iterator_types = ["parallel", "reduction"]} ins(%counts : tensor<1x2xf32>) outs(%mi, %ii : tensor<1xf32>, tensor<1xi64>) {
  ^bb0(%in: f32, %out: f32, %out_i: i64):
    %k = linalg.index 1 : index
    %ki = arith.index_cast %k : index to i64
    %m = arith.maximumf %in, %out : f32
    %gt = arith.cmpf ogt, %in, %out : f32
    %s = arith.select %gt, %ki, %out_i : i64
    linalg.yield %m, %s : f32, i64
  } -> (tensor<1xf32>, tensor<1xi64>)
  return %max#1 : tensor<1xi64>
}

// -----

// (c) a layer assembled by tm_tensor.scatter (torch-mlir's indexed assignment): out[0, 1] =
// a & b, out[0, 0] = a | b; the results are the two bits.
// CHECK-LABEL: func.func @scatter(%0: i1, %1: i1) -> (i1, i1)
// CHECK: %[[N:.*]], %{{.*}} = gate.netlist(%0, %1) {
// CHECK-NEXT: g0 = or i0, i1
// CHECK-NEXT: g1 = and i0, i1
// CHECK-NEXT: output g0, g1
// VLOG: module scatter
func.func @scatter(%arg0: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %half = arith.constant 5.000000e-01 : f32
  %zeros = arith.constant dense<0.000000e+00> : tensor<1x2xf32>
  %idx = arith.constant dense<[[0, 1], [0, 0]]> : tensor<2x2xi64>
  %e = tensor.empty() : tensor<1x2xf32>
  %x = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%arg0 : tensor<1x2xf32>) outs(%e : tensor<1x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %c = arith.cmpf ogt, %in, %half : f32
    %v = arith.uitofp %c : i1 to f32
    linalg.yield %v : f32
  } -> tensor<1x2xf32>
  %a = tensor.extract_slice %x[0, 0] [1, 1] [1, 1] : tensor<1x2xf32> to tensor<1x1xf32>
  %b = tensor.extract_slice %x[0, 1] [1, 1] [1, 1] : tensor<1x2xf32> to tensor<1x1xf32>
  %e1 = tensor.empty() : tensor<1x1xf32>
  %and = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%a, %b : tensor<1x1xf32>, tensor<1x1xf32>) outs(%e1 : tensor<1x1xf32>) {
  ^bb0(%p: f32, %q: f32, %out: f32):
    %v = arith.mulf %p, %q : f32
    linalg.yield %v : f32
  } -> tensor<1x1xf32>
  %or = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%a, %b : tensor<1x1xf32>, tensor<1x1xf32>) outs(%e1 : tensor<1x1xf32>) {
  ^bb0(%p: f32, %q: f32, %out: f32):
    %s = arith.addf %p, %q : f32
    %m = arith.mulf %p, %q : f32
    %v = arith.subf %s, %m : f32
    linalg.yield %v : f32
  } -> tensor<1x1xf32>
  %cat = tensor.concat dim(0) %and, %or : (tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<2x1xf32>
  %upd = tensor.expand_shape %cat [[0], [1, 2]] output_shape [2, 1, 1] : tensor<2x1xf32> into tensor<2x1x1xf32>
  %r = tm_tensor.scatter {dimension_map = array<i64: 0, 1>} unique_indices(true) ins(%upd, %idx : tensor<2x1x1xf32>, tensor<2x2xi64>) outs(%zeros : tensor<1x2xf32>) {
  ^bb0(%u: f32, %o: f32):
    tm_tensor.yield %u : f32
  } -> tensor<1x2xf32>
  return %r : tensor<1x2xf32>
}
