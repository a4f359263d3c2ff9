// RUN: lutopt %s -p nn-fold-constants | filecheck %s

#map = affine_map<(d0, d1) -> (d0, d1)>
// A weight times a mask, transposed: one constant, with the mask's zeros in it.
// CHECK-LABEL: func.func @masked_weight
func.func @masked_weight(%x: tensor<1x2xf32>) -> tensor<1x3xf32> {
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %m = arith.constant dense<[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]> : tensor<3x2xf32>
  %e = tensor.empty() : tensor<3x2xf32>
  %wm = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel"]} ins(%w, %m : tensor<3x2xf32>, tensor<3x2xf32>) outs(%e : tensor<3x2xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    linalg.yield %p : f32
  } -> tensor<3x2xf32>
  %e2 = tensor.empty() : tensor<2x3xf32>
  %t = linalg.transpose ins(%wm : tensor<3x2xf32>) outs(%e2 : tensor<2x3xf32>) permutation = [1, 0]
  %zero = arith.constant 0.0 : f32
  %e3 = tensor.empty() : tensor<1x3xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e3 : tensor<1x3xf32>) -> tensor<1x3xf32>
  // CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 0.000000e+00, 5.000000e+00], [0.000000e+00, 4.000000e+00, 6.000000e+00]]> : tensor<2x3xf32>
  // CHECK-DAG: %[[Z:.*]] = arith.constant dense<0.000000e+00> : tensor<1x3xf32>
  // CHECK-NOT: linalg.generic
  // CHECK-NOT: linalg.transpose
  // CHECK: linalg.matmul ins(%{{.*}}, %[[W]] : tensor<1x2xf32>, tensor<2x3xf32>) outs(%[[Z]] : tensor<1x3xf32>)
  %r = linalg.matmul ins(%x, %t : tensor<1x2xf32>, tensor<2x3xf32>) outs(%f : tensor<1x3xf32>) -> tensor<1x3xf32>
  func.return %r : tensor<1x3xf32>
}

// dense_resource blobs (torch-mlir's weights) become dense attributes; reshapes fold.
// CHECK-LABEL: func.func @resource
func.func @resource() -> tensor<2x1xf32> {
  // CHECK: %[[C:.*]] = arith.constant dense<{{\[\[}}1.500000e+00], [-2.000000e+00]]> : tensor<2x1xf32>
  // CHECK-NEXT: func.return %[[C]]
  %c = arith.constant dense_resource<torch_tensor_2_torch.float32> : tensor<2xf32>
  %r = tensor.expand_shape %c [[0, 1]] output_shape [2, 1] : tensor<2xf32> into tensor<2x1xf32>
  func.return %r : tensor<2x1xf32>
}

{-#
  dialect_resources: {
    builtin: {
      torch_tensor_2_torch.float32: "0x040000000000C03F000000C0"
    }
  }
#-}
