// RUN: lutopt %s | filecheck %s
// RUN: lutopt %s | lutopt | filecheck %s
// RUN: lutopt %s --print-op-generic | lutopt | filecheck %s

// CHECK-LABEL: func.func @quantizers
func.func @quantizers(%x: tensor<1x4xf32>, %s: f32) -> (tensor<1x4xf32>, i2) {
  // CHECK: %[[Q:.*]] = nn.quantize %{{.*}} scale(2.500000000e-01) range(-4, 3) : tensor<1x4xf32> -> tensor<1x4xi3>
  %q = nn.quantize %x scale(0.25) range(-4, 3) : tensor<1x4xf32> -> tensor<1x4xi3>
  // CHECK: nn.dequantize %[[Q]] scale(2.500000000e-01) range(-4, 3) : tensor<1x4xi3> -> tensor<1x4xf32>
  %d = nn.dequantize %q scale(0.25) range(-4, 3) : tensor<1x4xi3> -> tensor<1x4xf32>
  // A scale that is not a short decimal keeps its float32 value.
  // CHECK: nn.quantize %{{.*}} scale(1.000000015e-01) range(0, 3) : f32 -> i2
  %c = nn.quantize %s scale(0.1) range(0, 3) : f32 -> i2
  func.return %d, %c : tensor<1x4xf32>, i2
}

// CHECK-LABEL: func.func @partition
func.func @partition(%a: i3, %b: i3) -> i2 {
  // CHECK: %{{.*}} = nn.partition(%{{.*}}, %{{.*}}) : (i3, i3) -> i2 {
  // CHECK-NEXT: ^{{.*}}(%[[U:.*]]: i3, %[[V:.*]]: i3):
  %p = nn.partition(%a, %b) : (i3, i3) -> i2 {
  ^bb0(%u: i3, %v: i3):
    // CHECK: tensor.from_elements %[[U]], %[[V]] : tensor<2xi3>
    %t = tensor.from_elements %u, %v : tensor<2xi3>
    %f = nn.dequantize %t scale(0.25) range(-4, 3) : tensor<2xi3> -> tensor<2xf32>
    // CHECK: nn.gather %{{.*}} [1, 0, 1] : tensor<2xf32> -> tensor<3xf32>
    %g = nn.gather %f [1, 0, 1] : tensor<2xf32> -> tensor<3xf32>
    %z = arith.constant dense<0.0> : tensor<1xf32>
    // CHECK: nn.contract %{{.*}}, %{{.*}} weights(dense<{{\[\[}}1.000000e+00, 2.000000e+00, -1.000000e+00]]> : tensor<1x3xf32>) indices(dense<{{\[\[}}0, 1, 2]]> : tensor<1x3xi32>) bias(dense<5.000000e-01> : tensor<1xf32>) fused : (tensor<3xf32>, tensor<1xf32>) -> tensor<1xf32>
    %c = nn.contract %g, %z weights(dense<[[1.0, 2.0, -1.0]]> : tensor<1x3xf32>) indices(dense<[[0, 1, 2]]> : tensor<1x3xi32>) bias(dense<0.5> : tensor<1xf32>) fused : (tensor<3xf32>, tensor<1xf32>) -> tensor<1xf32>
    // CHECK: nn.contract %{{.*}}, %{{.*}} weights({{.*}}) indices({{.*}}) : (tensor<3xf32>, tensor<1xf32>) -> tensor<1xf32>
    %c2 = nn.contract %g, %z weights(dense<[[1.0, 2.0, -1.0]]> : tensor<1x3xf32>) indices(dense<[[0, 1, 2]]> : tensor<1x3xi32>) : (tensor<3xf32>, tensor<1xf32>) -> tensor<1xf32>
    // CHECK: nn.map(%{{.*}}, %{{.*}}) : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32> {
    %m = nn.map(%c, %c2) : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32> {
    ^bb1(%e: f32, %e2: f32):
      %zero = arith.constant 0.0 : f32
      %s = arith.addf %e, %e2 : f32
      %r = arith.maximumf %s, %zero : f32
      // CHECK: nn.yield %{{.*}} : f32
      nn.yield %r : f32
    }
    %o = nn.quantize %m scale(0.5) range(0, 3) : tensor<1xf32> -> tensor<1xi2>
    // CHECK: nn.yield %{{.*}} : tensor<1xi2>
    nn.yield %o : tensor<1xi2>
  }
  func.return %p : i2
}

// linalg.batch_matmul (what einsum and bmm lower to) parses and prints as upstream.
// CHECK-LABEL: func.func @batch_matmul
func.func @batch_matmul(%a: tensor<4x1x2xf32>, %b: tensor<4x2x8xf32>, %c: tensor<4x1x8xf32>) -> tensor<4x1x8xf32> {
  // CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<4x1x2xf32>, tensor<4x2x8xf32>) outs(%{{.*}} : tensor<4x1x8xf32>) -> tensor<4x1x8xf32>
  %r = linalg.batch_matmul ins(%a, %b : tensor<4x1x2xf32>, tensor<4x2x8xf32>) outs(%c : tensor<4x1x8xf32>) -> tensor<4x1x8xf32>
  func.return %r : tensor<4x1x8xf32>
}
