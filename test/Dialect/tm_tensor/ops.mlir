// RUN: lutopt %s | filecheck %s
// RUN: lutopt %s | lutopt | filecheck %s
// tm_tensor.scatter as torch-mlir prints it, and linalg.generic with two results (argmax).

// CHECK-LABEL: func.func @scatter
// CHECK: tm_tensor.scatter {dimension_map = array<i64: 0, 1>} unique_indices(true) ins(%{{.*}}, %{{.*}} : tensor<2x1x1xf32>, tensor<2x2xi64>) outs(%{{.*}} : tensor<1x4xf32>) {
// CHECK: tm_tensor.yield
// CHECK: } -> tensor<1x4xf32>
func.func @scatter(%u: tensor<2x1x1xf32>, %i: tensor<2x2xi64>, %o: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %r = tm_tensor.scatter {dimension_map = array<i64: 0, 1>} unique_indices(true) ins(%u, %i : tensor<2x1x1xf32>, tensor<2x2xi64>) outs(%o : tensor<1x4xf32>) {
  ^bb0(%a: f32, %b: f32):
    tm_tensor.yield %a : f32
  } -> tensor<1x4xf32>
  return %r : tensor<1x4xf32>
}

// CHECK-LABEL: func.func @argmax
// CHECK: linalg.generic
// CHECK: } -> (tensor<6xf32>, tensor<6xi64>)
func.func @argmax(%w: tensor<6x16xf32>, %m: tensor<6xf32>, %i: tensor<6xi64>) -> tensor<6xi64> {
  %r:2 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%w : tensor<6x16xf32>) outs(%m, %i : tensor<6xf32>, tensor<6xi64>) {
  ^bb0(%in: f32, %out: f32, %out_i: i64):
    %k = linalg.index 1 : index
    %ki = arith.index_cast %k : index to i64
    %mx = arith.maximumf %in, %out : f32
    %gt = arith.cmpf ogt, %in, %out : f32
    %s = arith.select %gt, %ki, %out_i : i64
    linalg.yield %mx, %s : f32, i64
  } -> (tensor<6xf32>, tensor<6xi64>)
  return %r#1 : tensor<6xi64>
}
