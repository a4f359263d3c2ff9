#map = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#map1 = affine_map<(d0, d1, d2) -> (d2)>
#map2 = affine_map<(d0, d1) -> (d1)>
#map3 = affine_map<(d0, d1) -> (d0, d1)>
#map4 = affine_map<(d0, d1, d2) -> (d0, d1)>
#map5 = affine_map<(d0, d1, d2) -> (d1, d2)>
module {
  func.func @lut(%arg0: tensor<1x8xf32>) -> tensor<1x4xf32> {
    %c0_i64 = arith.constant 0 : i64
    %c8 = arith.constant 8 : index
    %cst = arith.constant 0.000000e+00 : f32
    %cst_0 = arith.constant dense_resource<torch_tensor_4_8_torch.float32> : tensor<4x8xf32>
    %cst_1 = arith.constant dense_resource<torch_tensor_3_torch.float32> : tensor<3xf32>
    %cst_2 = arith.constant dense<5.000000e-01> : tensor<1xf32>
    %c0 = arith.constant 0 : index
    %cst_3 = arith.constant dense_resource<torch_tensor_4_3_torch.int64> : tensor<4x3xi64>
    %expanded = tensor.expand_shape %arg0 [[0], [1, 2]] output_shape [1, 8, 1] : tensor<1x8xf32> into tensor<1x8x1xf32>
    %0 = tensor.empty() : tensor<1x8x1xi1>
    %1 = linalg.generic {indexing_maps = [#map, #map1, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%expanded, %cst_2 : tensor<1x8x1xf32>, tensor<1xf32>) outs(%0 : tensor<1x8x1xi1>) {
    ^bb0(%in: f32, %in_14: f32, %out: i1):
      %23 = arith.cmpf ogt, %in, %in_14 : f32
      linalg.yield %23 : i1
    } -> tensor<1x8x1xi1>
    %2 = tensor.empty() : tensor<1x8x1xf32>
    %3 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%1 : tensor<1x8x1xi1>) outs(%2 : tensor<1x8x1xf32>) {
    ^bb0(%in: i1, %out: f32):
      %23 = arith.uitofp %in : i1 to f32
      linalg.yield %23 : f32
    } -> tensor<1x8x1xf32>
    %collapsed = tensor.collapse_shape %3 [[0], [1, 2]] : tensor<1x8x1xf32> into tensor<1x8xf32>
    %extracted_slice = tensor.extract_slice %cst_3[0, 0] [4, 1] [1, 1] : tensor<4x3xi64> to tensor<4x1xi64>
    %collapsed_4 = tensor.collapse_shape %extracted_slice [[0, 1]] : tensor<4x1xi64> into tensor<4xi64>
    %4 = tensor.empty() : tensor<1x4xf32>
    %5 = linalg.generic {indexing_maps = [#map2, #map3], iterator_types = ["parallel", "parallel"]} ins(%collapsed_4 : tensor<4xi64>) outs(%4 : tensor<1x4xf32>) {
    ^bb0(%in: i64, %out: f32):
      %23 = arith.index_cast %in : i64 to index
      %extracted = tensor.extract %collapsed[%c0, %23] : tensor<1x8xf32>
      linalg.yield %extracted : f32
    } -> tensor<1x4xf32>
    %extracted_slice_5 = tensor.extract_slice %cst_3[0, 1] [4, 1] [1, 1] : tensor<4x3xi64> to tensor<4x1xi64>
    %collapsed_6 = tensor.collapse_shape %extracted_slice_5 [[0, 1]] : tensor<4x1xi64> into tensor<4xi64>
    %6 = linalg.generic {indexing_maps = [#map2, #map3], iterator_types = ["parallel", "parallel"]} ins(%collapsed_6 : tensor<4xi64>) outs(%4 : tensor<1x4xf32>) {
    ^bb0(%in: i64, %out: f32):
      %23 = arith.index_cast %in : i64 to index
      %extracted = tensor.extract %collapsed[%c0, %23] : tensor<1x8xf32>
      linalg.yield %extracted : f32
    } -> tensor<1x4xf32>
    %extracted_slice_7 = tensor.extract_slice %cst_3[0, 2] [4, 1] [1, 1] : tensor<4x3xi64> to tensor<4x1xi64>
    %collapsed_8 = tensor.collapse_shape %extracted_slice_7 [[0, 1]] : tensor<4x1xi64> into tensor<4xi64>
    %7 = linalg.generic {indexing_maps = [#map2, #map3], iterator_types = ["parallel", "parallel"]} ins(%collapsed_8 : tensor<4xi64>) outs(%4 : tensor<1x4xf32>) {
    ^bb0(%in: i64, %out: f32):
      %23 = arith.index_cast %in : i64 to index
      %extracted = tensor.extract %collapsed[%c0, %23] : tensor<1x8xf32>
      linalg.yield %extracted : f32
    } -> tensor<1x4xf32>
    %expanded_9 = tensor.expand_shape %5 [[0], [1, 2]] output_shape [1, 4, 1] : tensor<1x4xf32> into tensor<1x4x1xf32>
    %expanded_10 = tensor.expand_shape %6 [[0], [1, 2]] output_shape [1, 4, 1] : tensor<1x4xf32> into tensor<1x4x1xf32>
    %expanded_11 = tensor.expand_shape %7 [[0], [1, 2]] output_shape [1, 4, 1] : tensor<1x4xf32> into tensor<1x4x1xf32>
    %concat = tensor.concat dim(2) %expanded_9, %expanded_10, %expanded_11 : (tensor<1x4x1xf32>, tensor<1x4x1xf32>, tensor<1x4x1xf32>) -> tensor<1x4x3xf32>
    %8 = tensor.empty() : tensor<1x4x3xf32>
    %9 = linalg.generic {indexing_maps = [#map, #map1, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%concat, %cst_1 : tensor<1x4x3xf32>, tensor<3xf32>) outs(%8 : tensor<1x4x3xf32>) {
    ^bb0(%in: f32, %in_14: f32, %out: f32):
      %23 = arith.mulf %in, %in_14 : f32
      linalg.yield %23 : f32
    } -> tensor<1x4x3xf32>
    %10 = linalg.fill ins(%cst : f32) outs(%4 : tensor<1x4xf32>) -> tensor<1x4xf32>
    %11 = linalg.generic {indexing_maps = [#map, #map4], iterator_types = ["parallel", "parallel", "reduction"]} ins(%9 : tensor<1x4x3xf32>) outs(%10 : tensor<1x4xf32>) {
    ^bb0(%in: f32, %out: f32):
      %23 = arith.addf %in, %out : f32
      linalg.yield %23 : f32
    } -> tensor<1x4xf32>
    %12 = tensor.empty() : tensor<1x4xi64>
    %13 = linalg.generic {indexing_maps = [#map3, #map3], iterator_types = ["parallel", "parallel"]} ins(%11 : tensor<1x4xf32>) outs(%12 : tensor<1x4xi64>) {
    ^bb0(%in: f32, %out: i64):
      %23 = arith.fptosi %in : f32 to i64
      linalg.yield %23 : i64
    } -> tensor<1x4xi64>
    %14 = tensor.empty() : tensor<4x8xi1>
    %15 = linalg.generic {indexing_maps = [#map3, #map3], iterator_types = ["parallel", "parallel"]} ins(%cst_0 : tensor<4x8xf32>) outs(%14 : tensor<4x8xi1>) {
    ^bb0(%in: f32, %out: i1):
      %23 = arith.cmpf ogt, %in, %cst : f32
      linalg.yield %23 : i1
    } -> tensor<4x8xi1>
    %16 = tensor.empty() : tensor<4x8xf32>
    %17 = linalg.generic {indexing_maps = [#map3, #map3], iterator_types = ["parallel", "parallel"]} ins(%15 : tensor<4x8xi1>) outs(%16 : tensor<4x8xf32>) {
    ^bb0(%in: i1, %out: f32):
      %23 = arith.uitofp %in : i1 to f32
      linalg.yield %23 : f32
    } -> tensor<4x8xf32>
    %18 = tensor.empty() : tensor<1x4x8xf32>
    %19 = linalg.generic {indexing_maps = [#map5, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%17 : tensor<4x8xf32>) outs(%18 : tensor<1x4x8xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<1x4x8xf32>
    %expanded_12 = tensor.expand_shape %13 [[0], [1, 2]] output_shape [1, 4, 1] : tensor<1x4xi64> into tensor<1x4x1xi64>
    %20 = tensor.empty() : tensor<1x4x1xf32>
    %21 = linalg.fill ins(%cst : f32) outs(%20 : tensor<1x4x1xf32>) -> tensor<1x4x1xf32>
    %22 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%expanded_12 : tensor<1x4x1xi64>) outs(%21 : tensor<1x4x1xf32>) {
    ^bb0(%in: i64, %out: f32):
      %23 = linalg.index 1 : index
      %24 = arith.index_cast %in : i64 to index
      %25 = arith.cmpi slt, %24, %c8 : index
      cf.assert %25, "index must be smaller than dim size"
      %26 = arith.cmpi sge, %in, %c0_i64 : i64
      cf.assert %26, "index must be larger or equal to 0"
      %extracted = tensor.extract %19[%c0, %23, %24] : tensor<1x4x8xf32>
      linalg.yield %extracted : f32
    } -> tensor<1x4x1xf32>
    %collapsed_13 = tensor.collapse_shape %22 [[0], [1, 2]] : tensor<1x4x1xf32> into tensor<1x4xf32>
    return %collapsed_13 : tensor<1x4xf32>
  }
}

{-#
  dialect_resources: {
    builtin: {
      torch_tensor_4_8_torch.float32: "0x040000005E87C8BE0FD3153E31B1CFBEFC3434BE853011BF6F1E25BEEB4C163F24CA163E8EF8763EF03807BF6EBD993E7FE5A6BD23C2C83B6CD33DBECB022DBF2C81BE3E5617143F240029BE79D2113FABD368BE9CAF133FECF4AEBE2E60A53EDE4CC83E7793ABBE6D42D23E71BCB33DB4A17DBFD890CD3EA5B203BF4551C03E639775BE",
      torch_tensor_3_torch.float32: "0x0400000000008040000000400000803F",
      torch_tensor_4_3_torch.int64: "0x08000000030000000000000006000000000000000000000000000000020000000000000001000000000000000400000000000000050000000000000007000000000000000100000000000000060000000000000000000000000000000200000000000000"
    }
  }
#-}
