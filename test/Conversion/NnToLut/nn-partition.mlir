// RUN: lutopt %s -p nn-partition | filecheck %s

// A dense layer whose weights have zeros: each output element reads only the inputs
// with a non-zero weight, and becomes one nn.partition on their codes.
// CHECK-LABEL: func.func @masked
// CHECK-SAME: (%[[A0:.*]]: i2, %[[A1:.*]]: i2, %[[A2:.*]]: i2) -> (i2, i2)
// CHECK: %[[P0:.*]] = nn.partition(%[[A0]], %[[A2]]) {lutopt.layer = "layer1"} : (i2, i2) -> i2 {
// CHECK: nn.dequantize %{{.*}} scale(5.000000000e-01) range(-2, 1) : tensor<2xi2> -> tensor<2xf32>
// CHECK: nn.contract {{.*}} weights(dense<{{\[\[}}1.000000e+00, 3.000000e+00]]> : tensor<1x2xf32>) indices(dense<{{\[\[}}0, 1]]> : tensor<1x2xi32>) bias(dense<2.500000e-01> : tensor<1xf32>) fused
// CHECK: nn.quantize %{{.*}} scale(2.500000000e-01) range(0, 3) : tensor<1xf32> -> tensor<1xi2>
// CHECK: %[[P1:.*]] = nn.partition(%[[A1]], %[[A2]]) {lutopt.layer = "layer1"} : (i2, i2) -> i2 {
// CHECK: nn.contract {{.*}} weights(dense<{{\[\[}}2.000000e+00, -1.000000e+00]]> : tensor<1x2xf32>)
// CHECK: func.return %[[P0]], %[[P1]] : i2, i2
func.func @masked(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %q = nn.quantize %x scale(0.5) range(-2, 1) : tensor<1x3xf32> -> tensor<1x3xi2>
  %d = nn.dequantize %q scale(0.5) range(-2, 1) : tensor<1x3xi2> -> tensor<1x3xf32>
  %w = arith.constant dense<[[1.0, 0.0], [0.0, 2.0], [3.0, -1.0]]> : tensor<3x2xf32>
  %b = arith.constant dense<[0.25, -0.5]> : tensor<2xf32>
  %z = arith.constant dense<0.0> : tensor<1x2xf32>
  %m = linalg.matmul ins(%d, %w : tensor<1x3xf32>, tensor<3x2xf32>) outs(%z : tensor<1x2xf32>) -> tensor<1x2xf32>
  %e = tensor.empty() : tensor<1x2xf32>
  %mb = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%m, %b : tensor<1x2xf32>, tensor<2xf32>) outs(%e : tensor<1x2xf32>) {
  ^bb0(%i: f32, %j: f32, %o: f32):
    %s = arith.addf %i, %j : f32
    linalg.yield %s : f32
  } -> tensor<1x2xf32>
  %q2 = nn.quantize %mb scale(0.25) range(0, 3) : tensor<1x2xf32> -> tensor<1x2xi2>
  %d2 = nn.dequantize %q2 scale(0.25) range(0, 3) : tensor<1x2xi2> -> tensor<1x2xf32>
  func.return %d2 : tensor<1x2xf32>
}

// An index_select gather (a generic around tensor.extract) and an element-wise body:
// output element i reads input idx[i]; the reversed order shows in the operands.
// CHECK-LABEL: func.func @gather
// CHECK-SAME: (%[[B0:.*]]: i2, %[[B1:.*]]: i2) -> (i2, i2)
// The layer is the quantizer a partition ends at, counting those with a needed element.
// CHECK: %[[G0:.*]] = nn.partition(%[[B1]]) {lutopt.layer = "layer1"} : (i2) -> i2
// CHECK: nn.map
// CHECK: math.absf
// CHECK: %[[G1:.*]] = nn.partition(%[[B0]]) {lutopt.layer = "layer1"} : (i2) -> i2
// CHECK: func.return %[[G0]], %[[G1]]
func.func @gather(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %c0 = arith.constant 0 : index
  %idx = arith.constant dense<[1, 0]> : tensor<2xi64>
  %q = nn.quantize %x scale(0.5) range(-2, 1) : tensor<1x2xf32> -> tensor<1x2xi2>
  %d = nn.dequantize %q scale(0.5) range(-2, 1) : tensor<1x2xi2> -> tensor<1x2xf32>
  %e = tensor.empty() : tensor<1x2xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%idx : tensor<2xi64>) outs(%e : tensor<1x2xf32>) {
  ^bb0(%in: i64, %out: f32):
    %i = arith.index_cast %in : i64 to index
    %v = tensor.extract %d[%c0, %i] : tensor<1x2xf32>
    linalg.yield %v : f32
  } -> tensor<1x2xf32>
  %a = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%g : tensor<1x2xf32>) outs(%e : tensor<1x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.absf %in : f32
    linalg.yield %r : f32
  } -> tensor<1x2xf32>
  %q2 = nn.quantize %a scale(0.5) range(0, 1) : tensor<1x2xf32> -> tensor<1x2xi1>
  %q3 = nn.quantize %a scale(0.5) range(0, 3) : tensor<1x2xf32> -> tensor<1x2xi2>
  %d3 = nn.dequantize %q3 scale(0.5) range(0, 3) : tensor<1x2xi2> -> tensor<1x2xf32>
  func.return %d3 : tensor<1x2xf32>
}

// torch.cat of a computed tensor and the inputs (a skip connection): the partition
// concatenates the two parts and restores the element order.
// CHECK-LABEL: func.func @concat
// CHECK-SAME: (%[[C0:.*]]: i2, %[[C1:.*]]: i2) -> i2
// CHECK: nn.partition(%[[C0]], %[[C1]]) {lutopt.layer = "layer1"} : (i2, i2) -> i2
// CHECK: %[[DEQ:.*]] = nn.dequantize
// CHECK: %[[ABS:.*]] = nn.map
// CHECK: %[[CAT:.*]] = tensor.concat dim(0) %[[DEQ]], %[[ABS]] : (tensor<2xf32>, tensor<1xf32>) -> tensor<3xf32>
// CHECK-NOT: nn.gather
// CHECK: nn.contract %[[CAT]], %{{.*}} weights(dense<{{\[\[}}1.000000e+00, 2.000000e+00, 4.000000e+00]]>
func.func @concat(%x: tensor<1x2xf32>) -> tensor<1x1xf32> {
  %q = nn.quantize %x scale(0.5) range(-2, 1) : tensor<1x2xf32> -> tensor<1x2xi2>
  %d = nn.dequantize %q scale(0.5) range(-2, 1) : tensor<1x2xi2> -> tensor<1x2xf32>
  %s = tensor.extract_slice %d[0, 0] [1, 1] [1, 1] : tensor<1x2xf32> to tensor<1x1xf32>
  %e = tensor.empty() : tensor<1x1xf32>
  %a = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%s : tensor<1x1xf32>) outs(%e : tensor<1x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.absf %in : f32
    linalg.yield %r : f32
  } -> tensor<1x1xf32>
  %c = tensor.concat dim(1) %d, %a : (tensor<1x2xf32>, tensor<1x1xf32>) -> tensor<1x3xf32>
  %w = arith.constant dense<[[1.0], [2.0], [4.0]]> : tensor<3x1xf32>
  %z = arith.constant dense<0.0> : tensor<1x1xf32>
  %m = linalg.matmul ins(%c, %w : tensor<1x3xf32>, tensor<3x1xf32>) outs(%z : tensor<1x1xf32>) -> tensor<1x1xf32>
  %q2 = nn.quantize %m scale(0.25) range(0, 3) : tensor<1x1xf32> -> tensor<1x1xi2>
  %d2 = nn.dequantize %q2 scale(0.25) range(0, 3) : tensor<1x1xi2> -> tensor<1x1xf32>
  func.return %d2 : tensor<1x1xf32>
}
