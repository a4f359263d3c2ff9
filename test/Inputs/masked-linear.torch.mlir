// torch-mlir output (unchanged) of a two-layer LogicNets-style model: see test/Pipelines/nn-to-lut.mlir.
#map = affine_map<(d0, d1) -> (d0, d1)>
#map1 = affine_map<(d0, d1) -> (d1)>
module {
  func.func @main(%arg0: tensor<1x4xf32>) -> tensor<1x2xf32> {
    %cst = arith.constant 0.000000e+00 : f32
    %cst_0 = arith.constant dense_resource<torch_tensor_2_torch.float32> : tensor<2xf32>
    %cst_1 = arith.constant dense_resource<torch_tensor_2_3_torch.float32> : tensor<2x3xf32>
    %cst_2 = arith.constant dense_resource<torch_tensor_3_torch.float32> : tensor<3xf32>
    %cst_3 = arith.constant dense_resource<torch_tensor_3_4_torch.float32_1> : tensor<3x4xf32>
    %cst_4 = arith.constant dense_resource<torch_tensor_3_4_torch.float32> : tensor<3x4xf32>
    %cst_5 = arith.constant 2.500000e-01 : f32
    %cst_6 = arith.constant -4.000000e+00 : f32
    %cst_7 = arith.constant 3.000000e+00 : f32
    %cst_8 = arith.constant 5.000000e-01 : f32
    %cst_9 = arith.constant -2.000000e+00 : f32
    %cst_10 = arith.constant 1.000000e+00 : f32
    %0 = tensor.empty() : tensor<1x4xf32>
    %1 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%arg0 : tensor<1x4xf32>) outs(%0 : tensor<1x4xf32>) {
    ^bb0(%in: f32, %out: f32):
      %26 = arith.divf %in, %cst_5 : f32
      linalg.yield %26 : f32
    } -> tensor<1x4xf32>
    %2 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%1 : tensor<1x4xf32>) outs(%0 : tensor<1x4xf32>) {
    ^bb0(%in: f32, %out: f32):
      %26 = math.roundeven %in : f32
      linalg.yield %26 : f32
    } -> tensor<1x4xf32>
    %3 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%2 : tensor<1x4xf32>) outs(%0 : tensor<1x4xf32>) {
    ^bb0(%in: f32, %out: f32):
      %26 = arith.cmpf ult, %in, %cst_6 : f32
      %27 = arith.select %26, %cst_6, %in : f32
      %28 = arith.cmpf ugt, %27, %cst_7 : f32
      %29 = arith.select %28, %cst_7, %27 : f32
      linalg.yield %29 : f32
    } -> tensor<1x4xf32>
    %4 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%3 : tensor<1x4xf32>) outs(%0 : tensor<1x4xf32>) {
    ^bb0(%in: f32, %out: f32):
      %26 = arith.mulf %in, %cst_5 : f32
      linalg.yield %26 : f32
    } -> tensor<1x4xf32>
    %5 = tensor.empty() : tensor<3x4xf32>
    %6 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel"]} ins(%cst_4, %cst_3 : tensor<3x4xf32>, tensor<3x4xf32>) outs(%5 : tensor<3x4xf32>) {
    ^bb0(%in: f32, %in_12: f32, %out: f32):
      %26 = arith.mulf %in, %in_12 : f32
      linalg.yield %26 : f32
    } -> tensor<3x4xf32>
    %7 = tensor.empty() : tensor<4x3xf32>
    %transposed = linalg.transpose ins(%6 : tensor<3x4xf32>) outs(%7 : tensor<4x3xf32>) permutation = [1, 0] 
    %8 = tensor.empty() : tensor<1x3xf32>
    %9 = linalg.fill ins(%cst : f32) outs(%8 : tensor<1x3xf32>) -> tensor<1x3xf32>
    %10 = linalg.matmul ins(%4, %transposed : tensor<1x4xf32>, tensor<4x3xf32>) outs(%9 : tensor<1x3xf32>) -> tensor<1x3xf32>
    %11 = linalg.generic {indexing_maps = [#map, #map1, #map], iterator_types = ["parallel", "parallel"]} ins(%10, %cst_2 : tensor<1x3xf32>, tensor<3xf32>) outs(%8 : tensor<1x3xf32>) {
    ^bb0(%in: f32, %in_12: f32, %out: f32):
      %26 = arith.addf %in, %in_12 : f32
      linalg.yield %26 : f32
    } -> tensor<1x3xf32>
    %12 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%11 : tensor<1x3xf32>) outs(%8 : tensor<1x3xf32>) {
    ^bb0(%in: f32, %out: f32):
      %26 = arith.cmpf ugt, %in, %cst : f32
      %27 = arith.select %26, %in, %cst : f32
      linalg.yield %27 : f32
    } -> tensor<1x3xf32>
    %13 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%12 : tensor<1x3xf32>) outs(%8 : tensor<1x3xf32>) {
    ^bb0(%in: f32, %out: f32):
      %26 = arith.divf %in, %cst_8 : f32
      linalg.yield %26 : f32
    } -> tensor<1x3xf32>
    %14 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%13 : tensor<1x3xf32>) outs(%8 : tensor<1x3xf32>) {
    ^bb0(%in: f32, %out: f32):
      %26 = math.roundeven %in : f32
      linalg.yield %26 : f32
    } -> tensor<1x3xf32>
    %15 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%14 : tensor<1x3xf32>) outs(%8 : tensor<1x3xf32>) {
    ^bb0(%in: f32, %out: f32):
      %26 = arith.cmpf ult, %in, %cst : f32
      %27 = arith.select %26, %cst, %in : f32
      %28 = arith.cmpf ugt, %27, %cst_7 : f32
      %29 = arith.select %28, %cst_7, %27 : f32
      linalg.yield %29 : f32
    } -> tensor<1x3xf32>
    %16 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%15 : tensor<1x3xf32>) outs(%8 : tensor<1x3xf32>) {
    ^bb0(%in: f32, %out: f32):
      %26 = arith.mulf %in, %cst_8 : f32
      linalg.yield %26 : f32
    } -> tensor<1x3xf32>
    %17 = tensor.empty() : tensor<3x2xf32>
    %transposed_11 = linalg.transpose ins(%cst_1 : tensor<2x3xf32>) outs(%17 : tensor<3x2xf32>) permutation = [1, 0] 
    %18 = tensor.empty() : tensor<1x2xf32>
    %19 = linalg.fill ins(%cst : f32) outs(%18 : tensor<1x2xf32>) -> tensor<1x2xf32>
    %20 = linalg.matmul ins(%16, %transposed_11 : tensor<1x3xf32>, tensor<3x2xf32>) outs(%19 : tensor<1x2xf32>) -> tensor<1x2xf32>
    %21 = linalg.generic {indexing_maps = [#map, #map1, #map], iterator_types = ["parallel", "parallel"]} ins(%20, %cst_0 : tensor<1x2xf32>, tensor<2xf32>) outs(%18 : tensor<1x2xf32>) {
    ^bb0(%in: f32, %in_12: f32, %out: f32):
      %26 = arith.addf %in, %in_12 : f32
      linalg.yield %26 : f32
    } -> tensor<1x2xf32>
    %22 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%21 : tensor<1x2xf32>) outs(%18 : tensor<1x2xf32>) {
    ^bb0(%in: f32, %out: f32):
      %26 = arith.divf %in, %cst_8 : f32
      linalg.yield %26 : f32
    } -> tensor<1x2xf32>
    %23 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%22 : tensor<1x2xf32>) outs(%18 : tensor<1x2xf32>) {
    ^bb0(%in: f32, %out: f32):
      %26 = math.roundeven %in : f32
      linalg.yield %26 : f32
    } -> tensor<1x2xf32>
    %24 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%23 : tensor<1x2xf32>) outs(%18 : tensor<1x2xf32>) {
    ^bb0(%in: f32, %out: f32):
      %26 = arith.cmpf ult, %in, %cst_9 : f32
      %27 = arith.select %26, %cst_9, %in : f32
      %28 = arith.cmpf ugt, %27, %cst_10 : f32
      %29 = arith.select %28, %cst_10, %27 : f32
      linalg.yield %29 : f32
    } -> tensor<1x2xf32>
    %25 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%24 : tensor<1x2xf32>) outs(%18 : tensor<1x2xf32>) {
    ^bb0(%in: f32, %out: f32):
      %26 = arith.mulf %in, %cst_8 : f32
      linalg.yield %26 : f32
    } -> tensor<1x2xf32>
    return %25 : tensor<1x2xf32>
  }
}

{-#
  dialect_resources: {
    builtin: {
      torch_tensor_2_torch.float32: "0x040000002777F53E4357F3BD",
      torch_tensor_2_3_torch.float32: "0x040000000834AF3C8DB9693E665EB13ED266C8BE69B980BE83BC563E",
      torch_tensor_3_torch.float32: "0x04000000B891F4BE528BA9BEE80E53BE",
      torch_tensor_3_4_torch.float32_1: "0x040000000000803F000000000000803F0000803F000000000000000000000000000000000000803F000000000000000000000000",
      torch_tensor_3_4_torch.float32: "0x04000000005475BB5E54893E16B3D2BE8066BCBEF43245BEEC4B093E404F22BCCEFACA3E70BF35BD4C7B073EACBB1ABE7048C9BD"
    }
  }
#-}

