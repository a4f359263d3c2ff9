#map = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#map1 = affine_map<(d0, d1, d2) -> (d2)>
#map2 = affine_map<(d0, d1) -> (d1)>
#map3 = affine_map<(d0, d1) -> (d0, d1)>
#map4 = affine_map<(d0, d1) -> (d0)>
module {
  func.func @logic_unique(%arg0: tensor<1x8xf32>) -> tensor<1x6xf32> {
    %cst = arith.constant 0xFF800000 : f32
    %c16_i64 = arith.constant 16 : i64
    %cst_0 = arith.constant dense_resource<torch_tensor_16_4_torch.float32> : tensor<16x4xf32>
    %cst_1 = arith.constant dense_resource<torch_tensor_6_16_torch.float32> : tensor<6x16xf32>
    %cst_2 = arith.constant dense<5.000000e-01> : tensor<1xf32>
    %c0 = arith.constant 0 : index
    %c0_i64 = arith.constant 0 : i64
    %cst_3 = arith.constant dense_resource<torch_tensor_6_2_torch.int64> : tensor<6x2xi64>
    %expanded = tensor.expand_shape %arg0 [[0], [1, 2]] output_shape [1, 8, 1] : tensor<1x8xf32> into tensor<1x8x1xf32>
    %0 = tensor.empty() : tensor<1x8x1xi1>
    %1 = linalg.generic {indexing_maps = [#map, #map1, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%expanded, %cst_2 : tensor<1x8x1xf32>, tensor<1xf32>) outs(%0 : tensor<1x8x1xi1>) {
    ^bb0(%in: f32, %in_15: f32, %out: i1):
      %21 = arith.cmpf ogt, %in, %in_15 : f32
      linalg.yield %21 : i1
    } -> tensor<1x8x1xi1>
    %2 = tensor.empty() : tensor<1x8x1xf32>
    %3 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%1 : tensor<1x8x1xi1>) outs(%2 : tensor<1x8x1xf32>) {
    ^bb0(%in: i1, %out: f32):
      %21 = arith.uitofp %in : i1 to f32
      linalg.yield %21 : f32
    } -> tensor<1x8x1xf32>
    %collapsed = tensor.collapse_shape %3 [[0], [1, 2]] : tensor<1x8x1xf32> into tensor<1x8xf32>
    %extracted_slice = tensor.extract_slice %cst_3[0, 0] [6, 1] [1, 1] : tensor<6x2xi64> to tensor<6x1xi64>
    %collapsed_4 = tensor.collapse_shape %extracted_slice [[0, 1]] : tensor<6x1xi64> into tensor<6xi64>
    %4 = tensor.empty() : tensor<1x6xf32>
    %5 = linalg.generic {indexing_maps = [#map2, #map3], iterator_types = ["parallel", "parallel"]} ins(%collapsed_4 : tensor<6xi64>) outs(%4 : tensor<1x6xf32>) {
    ^bb0(%in: i64, %out: f32):
      %21 = arith.index_cast %in : i64 to index
      %extracted = tensor.extract %collapsed[%c0, %21] : tensor<1x8xf32>
      linalg.yield %extracted : f32
    } -> tensor<1x6xf32>
    %extracted_slice_5 = tensor.extract_slice %cst_3[0, 1] [6, 1] [1, 1] : tensor<6x2xi64> to tensor<6x1xi64>
    %collapsed_6 = tensor.collapse_shape %extracted_slice_5 [[0, 1]] : tensor<6x1xi64> into tensor<6xi64>
    %6 = linalg.generic {indexing_maps = [#map2, #map3], iterator_types = ["parallel", "parallel"]} ins(%collapsed_6 : tensor<6xi64>) outs(%4 : tensor<1x6xf32>) {
    ^bb0(%in: i64, %out: f32):
      %21 = arith.index_cast %in : i64 to index
      %extracted = tensor.extract %collapsed[%c0, %21] : tensor<1x8xf32>
      linalg.yield %extracted : f32
    } -> tensor<1x6xf32>
    %7 = tensor.empty() : tensor<6xi64>
    %8 = linalg.fill ins(%c0_i64 : i64) outs(%7 : tensor<6xi64>) -> tensor<6xi64>
    %9 = tensor.empty() : tensor<6xf32>
    %10 = linalg.fill ins(%cst : f32) outs(%9 : tensor<6xf32>) -> tensor<6xf32>
    %11:2 = linalg.generic {indexing_maps = [#map3, #map4, #map4], iterator_types = ["parallel", "reduction"]} ins(%cst_1 : tensor<6x16xf32>) outs(%10, %8 : tensor<6xf32>, tensor<6xi64>) {
    ^bb0(%in: f32, %out: f32, %out_15: i64):
      %21 = linalg.index 1 : index
      %22 = arith.index_cast %21 : index to i64
      %23 = arith.maximumf %in, %out : f32
      %24 = arith.cmpf ogt, %in, %out : f32
      %25 = arith.select %24, %22, %out_15 : i64
      linalg.yield %23, %25 : f32, i64
    } -> (tensor<6xf32>, tensor<6xi64>)
    %12 = tensor.empty() : tensor<6x4xf32>
    %13 = linalg.generic {indexing_maps = [#map4, #map3], iterator_types = ["parallel", "parallel"]} ins(%11#1 : tensor<6xi64>) outs(%12 : tensor<6x4xf32>) {
    ^bb0(%in: i64, %out: f32):
      %21 = arith.cmpi slt, %in, %c0_i64 : i64
      %22 = arith.addi %in, %c16_i64 : i64
      %23 = arith.select %21, %22, %in : i64
      %24 = arith.index_cast %23 : i64 to index
      %25 = linalg.index 1 : index
      %extracted = tensor.extract %cst_0[%24, %25] : tensor<16x4xf32>
      linalg.yield %extracted : f32
    } -> tensor<6x4xf32>
    %extracted_slice_7 = tensor.extract_slice %13[0, 0] [6, 1] [1, 1] : tensor<6x4xf32> to tensor<6x1xf32>
    %collapsed_8 = tensor.collapse_shape %extracted_slice_7 [[0, 1]] : tensor<6x1xf32> into tensor<6xf32>
    %extracted_slice_9 = tensor.extract_slice %13[0, 1] [6, 1] [1, 1] : tensor<6x4xf32> to tensor<6x1xf32>
    %collapsed_10 = tensor.collapse_shape %extracted_slice_9 [[0, 1]] : tensor<6x1xf32> into tensor<6xf32>
    %14 = linalg.generic {indexing_maps = [#map2, #map3, #map3], iterator_types = ["parallel", "parallel"]} ins(%collapsed_10, %5 : tensor<6xf32>, tensor<1x6xf32>) outs(%4 : tensor<1x6xf32>) {
    ^bb0(%in: f32, %in_15: f32, %out: f32):
      %21 = arith.mulf %in, %in_15 : f32
      linalg.yield %21 : f32
    } -> tensor<1x6xf32>
    %15 = linalg.generic {indexing_maps = [#map2, #map3, #map3], iterator_types = ["parallel", "parallel"]} ins(%collapsed_8, %14 : tensor<6xf32>, tensor<1x6xf32>) outs(%4 : tensor<1x6xf32>) {
    ^bb0(%in: f32, %in_15: f32, %out: f32):
      %21 = arith.addf %in, %in_15 : f32
      linalg.yield %21 : f32
    } -> tensor<1x6xf32>
    %extracted_slice_11 = tensor.extract_slice %13[0, 2] [6, 1] [1, 1] : tensor<6x4xf32> to tensor<6x1xf32>
    %collapsed_12 = tensor.collapse_shape %extracted_slice_11 [[0, 1]] : tensor<6x1xf32> into tensor<6xf32>
    %16 = linalg.generic {indexing_maps = [#map2, #map3, #map3], iterator_types = ["parallel", "parallel"]} ins(%collapsed_12, %6 : tensor<6xf32>, tensor<1x6xf32>) outs(%4 : tensor<1x6xf32>) {
    ^bb0(%in: f32, %in_15: f32, %out: f32):
      %21 = arith.mulf %in, %in_15 : f32
      linalg.yield %21 : f32
    } -> tensor<1x6xf32>
    %17 = linalg.generic {indexing_maps = [#map3, #map3, #map3], iterator_types = ["parallel", "parallel"]} ins(%15, %16 : tensor<1x6xf32>, tensor<1x6xf32>) outs(%4 : tensor<1x6xf32>) {
    ^bb0(%in: f32, %in_15: f32, %out: f32):
      %21 = arith.addf %in, %in_15 : f32
      linalg.yield %21 : f32
    } -> tensor<1x6xf32>
    %extracted_slice_13 = tensor.extract_slice %13[0, 3] [6, 1] [1, 1] : tensor<6x4xf32> to tensor<6x1xf32>
    %collapsed_14 = tensor.collapse_shape %extracted_slice_13 [[0, 1]] : tensor<6x1xf32> into tensor<6xf32>
    %18 = linalg.generic {indexing_maps = [#map3, #map3, #map3], iterator_types = ["parallel", "parallel"]} ins(%5, %6 : tensor<1x6xf32>, tensor<1x6xf32>) outs(%4 : tensor<1x6xf32>) {
    ^bb0(%in: f32, %in_15: f32, %out: f32):
      %21 = arith.mulf %in, %in_15 : f32
      linalg.yield %21 : f32
    } -> tensor<1x6xf32>
    %19 = linalg.generic {indexing_maps = [#map2, #map3, #map3], iterator_types = ["parallel", "parallel"]} ins(%collapsed_14, %18 : tensor<6xf32>, tensor<1x6xf32>) outs(%4 : tensor<1x6xf32>) {
    ^bb0(%in: f32, %in_15: f32, %out: f32):
      %21 = arith.mulf %in, %in_15 : f32
      linalg.yield %21 : f32
    } -> tensor<1x6xf32>
    %20 = linalg.generic {indexing_maps = [#map3, #map3, #map3], iterator_types = ["parallel", "parallel"]} ins(%17, %19 : tensor<1x6xf32>, tensor<1x6xf32>) outs(%4 : tensor<1x6xf32>) {
    ^bb0(%in: f32, %in_15: f32, %out: f32):
      %21 = arith.addf %in, %in_15 : f32
      linalg.yield %21 : f32
    } -> tensor<1x6xf32>
    return %20 : tensor<1x6xf32>
  }
}

{-#
  dialect_resources: {
    builtin: {
      torch_tensor_16_4_torch.float32: "0x04000000000000000000000000000000000000000000000000000000000000000000803F000000000000803F00000000000080BF000000000000803F000000000000000000000000000000000000803F000080BF00000000000000000000803F00000000000000000000803F0000803F000000C0000000000000803F0000803F000080BF0000803F000080BF000080BF0000803F0000803F000080BF000080BF000000400000803F00000000000080BF000000000000803F00000000000080BF0000803F0000803F000080BF00000000000000000000803F000080BF000000000000803F0000803F0000000000000000000080BF0000803F000000000000000000000000",
      torch_tensor_6_16_torch.float32: "0x04000000AC50693F64535D40EB810CBE15C29DBD7C10883F52DC0240E4F0613F351DA4BEAB8993BFDD75AC3F5E89813E5A9BEDBD5DC7FABF1BB0C53F1BF5C3BDB0DC36BF89615E3DEFD7F5BDA2E5E53E319745BD2A1CE7BDD6904D3FD60A90BF11BA273F434675BF2699ACBF674323BE12259B3F37C659BFB4C559BF0510DCBF60505BBF7B1D8FBFA5392F3F55881E40A1E3E23FBDB6C83FF1D2423F892E903D281EE7BE6B99B53D3DFB42BFBA24883EA8B499BFF5DC96BF9C51CE3E7361883E4F430A40CAE941BF5AE0CC3F39E728BE9F0F334011E9243F6B708B3EE3134ABE6DAC14BF18A12A3F1E43CF3F46F1DF3E39E75BBFF102FBBE517006BF4A4FE13EB329E2BCF6641CC0E31051BFC7A48ABE064F1D3F3473C03FD208B2BE9FFC993E7B2984BD4E1103BECDFC94BF97C7A9BF38BFE7BED7E8523FEE7CC4BE6DDA24BF7B82083F0E21303E2006BE3FAC7FA23D80CBE7BE20BB093FACB1A03ECBC77E3FBFA54A3F4A8B5C3FCC6C3A3FBF383940356BF43EC72ECABDEA81773FA6F0113F9AED8D3E",
      torch_tensor_6_2_torch.int64: "0x08000000050000000000000004000000000000000200000000000000060000000000000007000000000000000300000000000000010000000000000000000000000000000500000000000000010000000000000002000000000000000600000000000000"
    }
  }
#-}
