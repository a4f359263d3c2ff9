// RUN: lutopt %s -p nn-raise-quantizers | filecheck %s

#map = affine_map<(d0, d1) -> (d0, d1)>
// torch.clamp(torch.round(x / 0.25), -4, 3) * 0.25 as torch-mlir prints it: four generics,
// the clamp as cmpf ult / ugt and select.
// CHECK-LABEL: func.func @four_generics
// CHECK-SAME: (%[[X:.*]]: tensor<1x4xf32>)
// CHECK-NEXT: %[[Q:.*]] = nn.quantize %[[X]] scale(2.500000000e-01) range(-4, 3) : tensor<1x4xf32> -> tensor<1x4xi3>
// CHECK-NEXT: %[[D:.*]] = nn.dequantize %[[Q]] scale(2.500000000e-01) range(-4, 3) : tensor<1x4xi3> -> tensor<1x4xf32>
// CHECK-NEXT: func.return %[[D]]
func.func @four_generics(%arg0: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %s = arith.constant 2.500000e-01 : f32
  %lo = arith.constant -4.000000e+00 : f32
  %hi = arith.constant 3.000000e+00 : f32
  %0 = tensor.empty() : tensor<1x4xf32>
  %1 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%arg0 : tensor<1x4xf32>) outs(%0 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.divf %in, %s : f32
    linalg.yield %r : f32
  } -> tensor<1x4xf32>
  %2 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%1 : tensor<1x4xf32>) outs(%0 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.roundeven %in : f32
    linalg.yield %r : f32
  } -> tensor<1x4xf32>
  %3 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%2 : tensor<1x4xf32>) outs(%0 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.cmpf ult, %in, %lo : f32
    %b = arith.select %a, %lo, %in : f32
    %c = arith.cmpf ugt, %b, %hi : f32
    %d = arith.select %c, %hi, %b : f32
    linalg.yield %d : f32
  } -> tensor<1x4xf32>
  %4 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%3 : tensor<1x4xf32>) outs(%0 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.mulf %in, %s : f32
    linalg.yield %r : f32
  } -> tensor<1x4xf32>
  func.return %4 : tensor<1x4xf32>
}

// One fused generic, the clamp as minimumf / maximumf (upper bound first).
// CHECK-LABEL: func.func @fused_min_max
// CHECK: nn.quantize %{{.*}} scale(5.000000000e-01) range(0, 7) : tensor<8xf32> -> tensor<8xi3>
// CHECK-NOT: linalg.generic
func.func @fused_min_max(%x: tensor<8xf32>) -> tensor<8xf32> {
  %s = arith.constant 5.000000e-01 : f32
  %lo = arith.constant 0.000000e+00 : f32
  %hi = arith.constant 7.000000e+00 : f32
  %0 = tensor.empty() : tensor<8xf32>
  %1 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<8xf32>) outs(%0 : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.divf %in, %s : f32
    %b = math.roundeven %a : f32
    %c = arith.minimumf %b, %hi : f32
    %d = arith.maximumf %c, %lo : f32
    %e = arith.mulf %d, %s : f32
    linalg.yield %e : f32
  } -> tensor<8xf32>
  func.return %1 : tensor<8xf32>
}

// Different scales before and after the rounding: not a quantizer, left alone.
// CHECK-LABEL: func.func @different_scales
// CHECK-NOT: nn.quantize
// CHECK: linalg.generic
func.func @different_scales(%x: tensor<8xf32>) -> tensor<8xf32> {
  %s = arith.constant 5.000000e-01 : f32
  %s2 = arith.constant 2.500000e-01 : f32
  %lo = arith.constant 0.000000e+00 : f32
  %hi = arith.constant 7.000000e+00 : f32
  %0 = tensor.empty() : tensor<8xf32>
  %1 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<8xf32>) outs(%0 : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.divf %in, %s : f32
    %b = math.roundeven %a : f32
    %c = arith.minimumf %b, %hi : f32
    %d = arith.maximumf %c, %lo : f32
    %e = arith.mulf %d, %s2 : f32
    linalg.yield %e : f32
  } -> tensor<8xf32>
  func.return %1 : tensor<8xf32>
}

// The scale held in a tensor (a learned or buffered scale): a one-element constant operand
// with a broadcasting map, as torch-mlir prints `x / self.scale`.
// CHECK-LABEL: func.func @tensor_scale
// CHECK: nn.quantize %{{.*}} scale(5.333333492e+00) range(0, 3) : tensor<1x4xf32> -> tensor<1x4xi2>
// CHECK-NOT: linalg.generic
func.func @tensor_scale(%arg0: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %cst = arith.constant 0.000000e+00 : f32
  %s = arith.constant dense<5.33333349> : tensor<f32>
  %hi = arith.constant 3.000000e+00 : f32
  %0 = tensor.empty() : tensor<1x4xf32>
  %1 = linalg.generic {indexing_maps = [#map, affine_map<(d0, d1) -> ()>, #map], iterator_types = ["parallel", "parallel"]} ins(%arg0, %s : tensor<1x4xf32>, tensor<f32>) outs(%0 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %r = arith.divf %in, %in_1 : f32
    linalg.yield %r : f32
  } -> tensor<1x4xf32>
  %2 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%1 : tensor<1x4xf32>) outs(%0 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.roundeven %in : f32
    linalg.yield %r : f32
  } -> tensor<1x4xf32>
  %3 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%2 : tensor<1x4xf32>) outs(%0 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.cmpf ult, %in, %cst : f32
    %b = arith.select %a, %cst, %in : f32
    %c = arith.cmpf ugt, %b, %hi : f32
    %d = arith.select %c, %hi, %b : f32
    linalg.yield %d : f32
  } -> tensor<1x4xf32>
  %4 = linalg.generic {indexing_maps = [#map, affine_map<(d0, d1) -> ()>, #map], iterator_types = ["parallel", "parallel"]} ins(%3, %s : tensor<1x4xf32>, tensor<f32>) outs(%0 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %r = arith.mulf %in, %in_1 : f32
    linalg.yield %r : f32
  } -> tensor<1x4xf32>
  func.return %4 : tensor<1x4xf32>
}
