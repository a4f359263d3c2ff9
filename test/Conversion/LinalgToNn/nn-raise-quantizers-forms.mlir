// RUN: lutopt %s -p nn-raise-quantizers | filecheck %s
// The forms torch-mlir prints for DESIGN.md's quantizer besides the plain one
// (nn-raise-quantizers.mlir): a scale float32 cannot hold, scale 1, tensor-held bounds.

#map = affine_map<(d0, d1) -> (d0, d1)>
#map1 = affine_map<(d0, d1) -> ()>

// `torch.clamp(torch.round(x / 0.1), -4, 3) * 0.1`: the Python float is an f64 constant,
// truncated to f32 in each body; the quantizer's scale is float32(0.1), as PyTorch computes.
// CHECK-LABEL: func.func @truncf_scale
// CHECK-SAME: (%[[X:.*]]: tensor<1x4xf32>)
// CHECK-NEXT: %[[Q:.*]] = nn.quantize %[[X]] scale(1.000000015e-01) range(-4, 3) : tensor<1x4xf32> -> tensor<1x4xi3>
// CHECK-NEXT: %[[D:.*]] = nn.dequantize %[[Q]] scale(1.000000015e-01) range(-4, 3) : tensor<1x4xi3> -> tensor<1x4xf32>
// CHECK-NEXT: func.return %[[D]]
func.func @truncf_scale(%arg0: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %cst = arith.constant 1.000000e-01 : f64
  %cst_0 = arith.constant -4.000000e+00 : f32
  %cst_1 = arith.constant 3.000000e+00 : f32
  %0 = tensor.empty() : tensor<1x4xf32>
  %1 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%arg0 : tensor<1x4xf32>) outs(%0 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %5 = arith.truncf %cst : f64 to f32
    %6 = arith.divf %in, %5 : f32
    linalg.yield %6 : f32
  } -> tensor<1x4xf32>
  %2 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%1 : tensor<1x4xf32>) outs(%0 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %5 = math.roundeven %in : f32
    linalg.yield %5 : f32
  } -> tensor<1x4xf32>
  %3 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%2 : tensor<1x4xf32>) outs(%0 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %5 = arith.cmpf ult, %in, %cst_0 : f32
    %6 = arith.select %5, %cst_0, %in : f32
    %7 = arith.cmpf ugt, %6, %cst_1 : f32
    %8 = arith.select %7, %cst_1, %6 : f32
    linalg.yield %8 : f32
  } -> tensor<1x4xf32>
  %4 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%3 : tensor<1x4xf32>) outs(%0 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %5 = arith.truncf %cst : f64 to f32
    %6 = arith.mulf %in, %5 : f32
    linalg.yield %6 : f32
  } -> tensor<1x4xf32>
  func.return %4 : tensor<1x4xf32>
}

// A float64 buffer as the scale: a 0-d tensor<f64> operand, truncated in the body.
// CHECK-LABEL: func.func @truncf_tensor_scale
// CHECK: nn.quantize %{{.*}} scale(2.285714388e+00) range(0, 3) : tensor<1x4xf32> -> tensor<1x4xi2>
// CHECK: nn.dequantize %{{.*}} scale(2.285714388e+00) range(0, 3)
// CHECK-NOT: linalg.generic
func.func @truncf_tensor_scale(%arg0: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %cst = arith.constant dense<2.2857142857142856> : tensor<f64>
  %cst_0 = arith.constant 0.000000e+00 : f32
  %cst_1 = arith.constant 3.000000e+00 : f32
  %0 = tensor.empty() : tensor<1x4xf32>
  %1 = linalg.generic {indexing_maps = [#map, #map1, #map], iterator_types = ["parallel", "parallel"]} ins(%arg0, %cst : tensor<1x4xf32>, tensor<f64>) outs(%0 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %in_2: f64, %out: f32):
    %5 = arith.truncf %in_2 : f64 to f32
    %6 = arith.divf %in, %5 : f32
    linalg.yield %6 : f32
  } -> tensor<1x4xf32>
  %2 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%1 : tensor<1x4xf32>) outs(%0 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %5 = math.roundeven %in : f32
    linalg.yield %5 : f32
  } -> tensor<1x4xf32>
  %3 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%2 : tensor<1x4xf32>) outs(%0 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %5 = arith.cmpf ult, %in, %cst_0 : f32
    %6 = arith.select %5, %cst_0, %in : f32
    %7 = arith.cmpf ugt, %6, %cst_1 : f32
    %8 = arith.select %7, %cst_1, %6 : f32
    linalg.yield %8 : f32
  } -> tensor<1x4xf32>
  %4 = linalg.generic {indexing_maps = [#map, #map1, #map], iterator_types = ["parallel", "parallel"]} ins(%3, %cst : tensor<1x4xf32>, tensor<f64>) outs(%0 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %in_2: f64, %out: f32):
    %5 = arith.truncf %in_2 : f64 to f32
    %6 = arith.mulf %in, %5 : f32
    linalg.yield %6 : f32
  } -> tensor<1x4xf32>
  func.return %4 : tensor<1x4xf32>
}

// Scale 1: torch-mlir drops `/ 1.0` and `* 1.0`, leaving roundeven and the clamp.
// CHECK-LABEL: func.func @scale_one
// CHECK-SAME: (%[[X:.*]]: tensor<1x4xf32>)
// CHECK-NEXT: %[[Q:.*]] = nn.quantize %[[X]] scale(1.000000000e+00) range(-4, 3) : tensor<1x4xf32> -> tensor<1x4xi3>
// CHECK-NEXT: %[[D:.*]] = nn.dequantize %[[Q]] scale(1.000000000e+00) range(-4, 3) : tensor<1x4xi3> -> tensor<1x4xf32>
// CHECK-NEXT: func.return %[[D]]
func.func @scale_one(%arg0: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %cst = arith.constant -4.000000e+00 : f32
  %cst_0 = arith.constant 3.000000e+00 : f32
  %0 = tensor.empty() : tensor<1x4xf32>
  %1 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%arg0 : tensor<1x4xf32>) outs(%0 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %3 = math.roundeven %in : f32
    linalg.yield %3 : f32
  } -> tensor<1x4xf32>
  %2 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%1 : tensor<1x4xf32>) outs(%0 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %3 = arith.cmpf ult, %in, %cst : f32
    %4 = arith.select %3, %cst, %in : f32
    %5 = arith.cmpf ugt, %4, %cst_0 : f32
    %6 = arith.select %5, %cst_0, %4 : f32
    linalg.yield %6 : f32
  } -> tensor<1x4xf32>
  func.return %2 : tensor<1x4xf32>
}

// `torch.nn.functional.hardtanh(torch.round(x / 0.3), -2, 1) * 0.3`: the bounds are 0-d
// tensors, the clamp is `cmpf ogt` + `select` then `cmpf olt` + `select` with the bound as
// the first operand.
// CHECK-LABEL: func.func @tensor_bounds_swapped
// CHECK: nn.quantize %{{.*}} scale(3.000000119e-01) range(-2, 1) : tensor<1x4xf32> -> tensor<1x4xi2>
// CHECK-NOT: linalg.generic
func.func @tensor_bounds_swapped(%arg0: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %cst = arith.constant dense<1.000000e+00> : tensor<f32>
  %cst_0 = arith.constant dense<-2.000000e+00> : tensor<f32>
  %cst_1 = arith.constant 3.000000e-01 : f64
  %0 = tensor.empty() : tensor<1x4xf32>
  %1 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%arg0 : tensor<1x4xf32>) outs(%0 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %6 = arith.truncf %cst_1 : f64 to f32
    %7 = arith.divf %in, %6 : f32
    linalg.yield %7 : f32
  } -> tensor<1x4xf32>
  %2 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%1 : tensor<1x4xf32>) outs(%0 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %6 = math.roundeven %in : f32
    linalg.yield %6 : f32
  } -> tensor<1x4xf32>
  %3 = linalg.generic {indexing_maps = [#map, #map1, #map], iterator_types = ["parallel", "parallel"]} ins(%2, %cst_0 : tensor<1x4xf32>, tensor<f32>) outs(%0 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %in_2: f32, %out: f32):
    %6 = arith.cmpf ogt, %in, %in_2 : f32
    %7 = arith.select %6, %in, %in_2 : f32
    linalg.yield %7 : f32
  } -> tensor<1x4xf32>
  %4 = linalg.generic {indexing_maps = [#map1, #map, #map], iterator_types = ["parallel", "parallel"]} ins(%cst, %3 : tensor<f32>, tensor<1x4xf32>) outs(%0 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %in_2: f32, %out: f32):
    %6 = arith.cmpf olt, %in, %in_2 : f32
    %7 = arith.select %6, %in, %in_2 : f32
    linalg.yield %7 : f32
  } -> tensor<1x4xf32>
  %5 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%4 : tensor<1x4xf32>) outs(%0 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %6 = arith.truncf %cst_1 : f64 to f32
    %7 = arith.mulf %in, %6 : f32
    linalg.yield %7 : f32
  } -> tensor<1x4xf32>
  func.return %5 : tensor<1x4xf32>
}

// `x * 0.25` instead of `x / 4.0` (a reciprocal that is a power of two gives the same
// float32 quotient): a quantizer of scale 4.
// CHECK-LABEL: func.func @reciprocal_power_of_two
// CHECK: nn.quantize %{{.*}} scale(4.000000000e+00) range(0, 3)
// CHECK: nn.dequantize %{{.*}} scale(4.000000000e+00) range(0, 3)
// CHECK-NOT: linalg.generic
func.func @reciprocal_power_of_two(%arg0: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %r = arith.constant 2.500000e-01 : f32
  %s = arith.constant 4.000000e+00 : f32
  %lo = arith.constant 0.000000e+00 : f32
  %hi = arith.constant 3.000000e+00 : f32
  %0 = tensor.empty() : tensor<1x4xf32>
  %1 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%arg0 : tensor<1x4xf32>) outs(%0 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.mulf %in, %r : f32
    %b = math.roundeven %a : f32
    %c = arith.maximumf %b, %lo : f32
    %d = arith.minimumf %c, %hi : f32
    %e = arith.mulf %d, %s : f32
    linalg.yield %e : f32
  } -> tensor<1x4xf32>
  func.return %1 : tensor<1x4xf32>
}
