// RUN: lutopt %s -p 'nn-partition{group=true}' | filecheck %s
// RUN: lutopt %s -p 'nn-partition{group=true}' | lutopt | filecheck %s
// RUN: lutopt %s -p 'nn-partition{group=true}' --print-op-generic | lutopt | filecheck %s
// RUN: lutopt %s -p 'nn-partition{group=true},nn-absorb-partitions' | filecheck %s --check-prefix=TABLE
// RUN: lutopt %s -p 'nn-partition,nn-absorb-partitions' | filecheck %s --check-prefix=TABLE
// RUN: lutopt %s -p 'nn-partition{group=true},nn-absorb-partitions' --check-passes -o /dev/null

// The two output elements of a masked dense layer are computed by the same sub-network
// with their own weights: with group=true they are one nn.partition_group, whose body is
// the first partition's and whose data stack both partitions' arrays (in the order of
// the body's ops: the init constant, the contraction's weights, indices and bias).
// Element 0 reads inputs 0 and 2, element 1 reads inputs 1 and 2.
// CHECK-LABEL: func.func @masked
// CHECK-SAME: (%[[A0:.*]]: i2, %[[A1:.*]]: i2, %[[A2:.*]]: i2) -> (i2, i2)
// CHECK: %[[R0:.*]], %[[R1:.*]] = nn.partition_group(%[[A0]], %[[A2]], %[[A1]]) reads(dense<{{\[\[}}0, 1], [2, 1]]> : tensor<2x2xi32>)
// CHECK-SAME: data(dense<0.000000e+00> : tensor<2x1xf32>, dense<{{\[\[\[}}1.000000e+00, 3.000000e+00]], {{\[\[}}2.000000e+00, -1.000000e+00]]]> : tensor<2x1x2xf32>, dense<{{\[\[\[}}0, 1]], {{\[\[}}0, 1]]]> : tensor<2x1x2xi32>, dense<{{\[\[}}2.500000e-01], [-5.000000e-01]]> : tensor<2x1xf32>)
// CHECK-SAME: {lutopt.layer = "layer1"} : (i2, i2, i2) -> i2 {
// CHECK: nn.contract {{.*}} weights(dense<{{\[\[}}1.000000e+00, 3.000000e+00]]> : tensor<1x2xf32>) indices(dense<{{\[\[}}0, 1]]> : tensor<1x2xi32>) bias(dense<2.500000e-01> : tensor<1xf32>) fused
// CHECK: func.return %[[R0]], %[[R1]] : i2, i2

// The tables are the same as with one nn.partition per element (the two RUN lines
// above share these checks): out = clamp(round((0.5*a*w0 + 0.5*c*w1 + b) / 0.25), 0, 3).
// TABLE-LABEL: func.func @masked
// TABLE: lut.table(%0, %2) [1, 3, 0, 0, 3, 3, 0, 0, 0, 3, 0, 0, 0, 3, 0, 0] {lutopt.layer = "layer1"} : (i2, i2) -> i2
// TABLE: lut.table(%1, %2) [0, 0, 2, 0, 2, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0] {lutopt.layer = "layer1"} : (i2, i2) -> i2
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
