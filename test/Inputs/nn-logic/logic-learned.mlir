#map = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#map1 = affine_map<(d0, d1, d2) -> (d2)>
#map2 = affine_map<(d0, d1, d2) -> (d0, d1)>
#map3 = affine_map<(d0, d1) -> (d1)>
#map4 = affine_map<(d0, d1) -> (d0, d1)>
#map5 = affine_map<(d0, d1) -> (d0)>
module {
  func.func @logic_learned(%arg0: tensor<1x8xf32>) -> tensor<1x6xf32> {
    %cst = arith.constant 0xFF800000 : f32
    %c3 = arith.constant 3 : index
    %c16_i64 = arith.constant 16 : i64
    %cst_0 = arith.constant dense_resource<torch_tensor_16_4_torch.float32> : tensor<16x4xf32>
    %cst_1 = arith.constant dense_resource<torch_tensor_6_16_torch.float32> : tensor<6x16xf32>
    %cst_2 = arith.constant dense_resource<torch_tensor_6_2_3_torch.float32> : tensor<6x2x3xf32>
    %cst_3 = arith.constant dense<5.000000e-01> : tensor<1xf32>
    %c0 = arith.constant 0 : index
    %c0_i64 = arith.constant 0 : i64
    %cst_4 = arith.constant dense_resource<torch_tensor_6_2_3_torch.int64> : tensor<6x2x3xi64>
    %expanded = tensor.expand_shape %arg0 [[0], [1, 2]] output_shape [1, 8, 1] : tensor<1x8xf32> into tensor<1x8x1xf32>
    %0 = tensor.empty() : tensor<1x8x1xi1>
    %1 = linalg.generic {indexing_maps = [#map, #map1, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%expanded, %cst_3 : tensor<1x8x1xf32>, tensor<1xf32>) outs(%0 : tensor<1x8x1xi1>) {
    ^bb0(%in: f32, %in_18: f32, %out: i1):
      %29 = arith.cmpf ogt, %in, %in_18 : f32
      linalg.yield %29 : i1
    } -> tensor<1x8x1xi1>
    %2 = tensor.empty() : tensor<1x8x1xf32>
    %3 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%1 : tensor<1x8x1xi1>) outs(%2 : tensor<1x8x1xf32>) {
    ^bb0(%in: i1, %out: f32):
      %29 = arith.uitofp %in : i1 to f32
      linalg.yield %29 : f32
    } -> tensor<1x8x1xf32>
    %collapsed = tensor.collapse_shape %3 [[0], [1, 2]] : tensor<1x8x1xf32> into tensor<1x8xf32>
    %4 = tensor.empty() : tensor<6x2xi64>
    %5 = linalg.fill ins(%c0_i64 : i64) outs(%4 : tensor<6x2xi64>) -> tensor<6x2xi64>
    %6 = tensor.empty() : tensor<6x2xf32>
    %7 = linalg.fill ins(%cst : f32) outs(%6 : tensor<6x2xf32>) -> tensor<6x2xf32>
    %8:2 = linalg.generic {indexing_maps = [#map, #map2, #map2], iterator_types = ["parallel", "parallel", "reduction"]} ins(%cst_2 : tensor<6x2x3xf32>) outs(%7, %5 : tensor<6x2xf32>, tensor<6x2xi64>) {
    ^bb0(%in: f32, %out: f32, %out_18: i64):
      %29 = linalg.index 2 : index
      %30 = arith.index_cast %29 : index to i64
      %31 = arith.maximumf %in, %out : f32
      %32 = arith.cmpf ogt, %in, %out : f32
      %33 = arith.select %32, %30, %out_18 : i64
      linalg.yield %31, %33 : f32, i64
    } -> (tensor<6x2xf32>, tensor<6x2xi64>)
    %expanded_5 = tensor.expand_shape %8#1 [[0], [1, 2]] output_shape [6, 2, 1] : tensor<6x2xi64> into tensor<6x2x1xi64>
    %9 = tensor.empty() : tensor<6x2x1xi64>
    %10 = linalg.fill ins(%c0_i64 : i64) outs(%9 : tensor<6x2x1xi64>) -> tensor<6x2x1xi64>
    %11 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%expanded_5 : tensor<6x2x1xi64>) outs(%10 : tensor<6x2x1xi64>) {
    ^bb0(%in: i64, %out: i64):
      %29 = linalg.index 0 : index
      %30 = linalg.index 1 : index
      %31 = arith.index_cast %in : i64 to index
      %32 = arith.cmpi slt, %31, %c3 : index
      cf.assert %32, "index must be smaller than dim size"
      %33 = arith.cmpi sge, %in, %c0_i64 : i64
      cf.assert %33, "index must be larger or equal to 0"
      %extracted = tensor.extract %cst_4[%29, %30, %31] : tensor<6x2x3xi64>
      linalg.yield %extracted : i64
    } -> tensor<6x2x1xi64>
    %collapsed_6 = tensor.collapse_shape %11 [[0], [1, 2]] : tensor<6x2x1xi64> into tensor<6x2xi64>
    %extracted_slice = tensor.extract_slice %collapsed_6[0, 0] [6, 1] [1, 1] : tensor<6x2xi64> to tensor<6x1xi64>
    %collapsed_7 = tensor.collapse_shape %extracted_slice [[0, 1]] : tensor<6x1xi64> into tensor<6xi64>
    %12 = tensor.empty() : tensor<1x6xf32>
    %13 = linalg.generic {indexing_maps = [#map3, #map4], iterator_types = ["parallel", "parallel"]} ins(%collapsed_7 : tensor<6xi64>) outs(%12 : tensor<1x6xf32>) {
    ^bb0(%in: i64, %out: f32):
      %29 = arith.index_cast %in : i64 to index
      %extracted = tensor.extract %collapsed[%c0, %29] : tensor<1x8xf32>
      linalg.yield %extracted : f32
    } -> tensor<1x6xf32>
    %extracted_slice_8 = tensor.extract_slice %collapsed_6[0, 1] [6, 1] [1, 1] : tensor<6x2xi64> to tensor<6x1xi64>
    %collapsed_9 = tensor.collapse_shape %extracted_slice_8 [[0, 1]] : tensor<6x1xi64> into tensor<6xi64>
    %14 = linalg.generic {indexing_maps = [#map3, #map4], iterator_types = ["parallel", "parallel"]} ins(%collapsed_9 : tensor<6xi64>) outs(%12 : tensor<1x6xf32>) {
    ^bb0(%in: i64, %out: f32):
      %29 = arith.index_cast %in : i64 to index
      %extracted = tensor.extract %collapsed[%c0, %29] : tensor<1x8xf32>
      linalg.yield %extracted : f32
    } -> tensor<1x6xf32>
    %15 = tensor.empty() : tensor<6xi64>
    %16 = linalg.fill ins(%c0_i64 : i64) outs(%15 : tensor<6xi64>) -> tensor<6xi64>
    %17 = tensor.empty() : tensor<6xf32>
    %18 = linalg.fill ins(%cst : f32) outs(%17 : tensor<6xf32>) -> tensor<6xf32>
    %19:2 = linalg.generic {indexing_maps = [#map4, #map5, #map5], iterator_types = ["parallel", "reduction"]} ins(%cst_1 : tensor<6x16xf32>) outs(%18, %16 : tensor<6xf32>, tensor<6xi64>) {
    ^bb0(%in: f32, %out: f32, %out_18: i64):
      %29 = linalg.index 1 : index
      %30 = arith.index_cast %29 : index to i64
      %31 = arith.maximumf %in, %out : f32
      %32 = arith.cmpf ogt, %in, %out : f32
      %33 = arith.select %32, %30, %out_18 : i64
      linalg.yield %31, %33 : f32, i64
    } -> (tensor<6xf32>, tensor<6xi64>)
    %20 = tensor.empty() : tensor<6x4xf32>
    %21 = linalg.generic {indexing_maps = [#map5, #map4], iterator_types = ["parallel", "parallel"]} ins(%19#1 : tensor<6xi64>) outs(%20 : tensor<6x4xf32>) {
    ^bb0(%in: i64, %out: f32):
      %29 = arith.cmpi slt, %in, %c0_i64 : i64
      %30 = arith.addi %in, %c16_i64 : i64
      %31 = arith.select %29, %30, %in : i64
      %32 = arith.index_cast %31 : i64 to index
      %33 = linalg.index 1 : index
      %extracted = tensor.extract %cst_0[%32, %33] : tensor<16x4xf32>
      linalg.yield %extracted : f32
    } -> tensor<6x4xf32>
    %extracted_slice_10 = tensor.extract_slice %21[0, 0] [6, 1] [1, 1] : tensor<6x4xf32> to tensor<6x1xf32>
    %collapsed_11 = tensor.collapse_shape %extracted_slice_10 [[0, 1]] : tensor<6x1xf32> into tensor<6xf32>
    %extracted_slice_12 = tensor.extract_slice %21[0, 1] [6, 1] [1, 1] : tensor<6x4xf32> to tensor<6x1xf32>
    %collapsed_13 = tensor.collapse_shape %extracted_slice_12 [[0, 1]] : tensor<6x1xf32> into tensor<6xf32>
    %22 = linalg.generic {indexing_maps = [#map3, #map4, #map4], iterator_types = ["parallel", "parallel"]} ins(%collapsed_13, %13 : tensor<6xf32>, tensor<1x6xf32>) outs(%12 : tensor<1x6xf32>) {
    ^bb0(%in: f32, %in_18: f32, %out: f32):
      %29 = arith.mulf %in, %in_18 : f32
      linalg.yield %29 : f32
    } -> tensor<1x6xf32>
    %23 = linalg.generic {indexing_maps = [#map3, #map4, #map4], iterator_types = ["parallel", "parallel"]} ins(%collapsed_11, %22 : tensor<6xf32>, tensor<1x6xf32>) outs(%12 : tensor<1x6xf32>) {
    ^bb0(%in: f32, %in_18: f32, %out: f32):
      %29 = arith.addf %in, %in_18 : f32
      linalg.yield %29 : f32
    } -> tensor<1x6xf32>
    %extracted_slice_14 = tensor.extract_slice %21[0, 2] [6, 1] [1, 1] : tensor<6x4xf32> to tensor<6x1xf32>
    %collapsed_15 = tensor.collapse_shape %extracted_slice_14 [[0, 1]] : tensor<6x1xf32> into tensor<6xf32>
    %24 = linalg.generic {indexing_maps = [#map3, #map4, #map4], iterator_types = ["parallel", "parallel"]} ins(%collapsed_15, %14 : tensor<6xf32>, tensor<1x6xf32>) outs(%12 : tensor<1x6xf32>) {
    ^bb0(%in: f32, %in_18: f32, %out: f32):
      %29 = arith.mulf %in, %in_18 : f32
      linalg.yield %29 : f32
    } -> tensor<1x6xf32>
    %25 = linalg.generic {indexing_maps = [#map4, #map4, #map4], iterator_types = ["parallel", "parallel"]} ins(%23, %24 : tensor<1x6xf32>, tensor<1x6xf32>) outs(%12 : tensor<1x6xf32>) {
    ^bb0(%in: f32, %in_18: f32, %out: f32):
      %29 = arith.addf %in, %in_18 : f32
      linalg.yield %29 : f32
    } -> tensor<1x6xf32>
    %extracted_slice_16 = tensor.extract_slice %21[0, 3] [6, 1] [1, 1] : tensor<6x4xf32> to tensor<6x1xf32>
    %collapsed_17 = tensor.collapse_shape %extracted_slice_16 [[0, 1]] : tensor<6x1xf32> into tensor<6xf32>
    %26 = linalg.generic {indexing_maps = [#map4, #map4, #map4], iterator_types = ["parallel", "parallel"]} ins(%13, %14 : tensor<1x6xf32>, tensor<1x6xf32>) outs(%12 : tensor<1x6xf32>) {
    ^bb0(%in: f32, %in_18: f32, %out: f32):
      %29 = arith.mulf %in, %in_18 : f32
      linalg.yield %29 : f32
    } -> tensor<1x6xf32>
    %27 = linalg.generic {indexing_maps = [#map3, #map4, #map4], iterator_types = ["parallel", "parallel"]} ins(%collapsed_17, %26 : tensor<6xf32>, tensor<1x6xf32>) outs(%12 : tensor<1x6xf32>) {
    ^bb0(%in: f32, %in_18: f32, %out: f32):
      %29 = arith.mulf %in, %in_18 : f32
      linalg.yield %29 : f32
    } -> tensor<1x6xf32>
    %28 = linalg.generic {indexing_maps = [#map4, #map4, #map4], iterator_types = ["parallel", "parallel"]} ins(%25, %27 : tensor<1x6xf32>, tensor<1x6xf32>) outs(%12 : tensor<1x6xf32>) {
    ^bb0(%in: f32, %in_18: f32, %out: f32):
      %29 = arith.addf %in, %in_18 : f32
      linalg.yield %29 : f32
    } -> tensor<1x6xf32>
    return %28 : tensor<1x6xf32>
  }
}

{-#
  dialect_resources: {
    builtin: {
      torch_tensor_16_4_torch.float32: "0x04000000000000000000000000000000000000000000000000000000000000000000803F000000000000803F00000000000080BF000000000000803F000000000000000000000000000000000000803F000080BF00000000000000000000803F00000000000000000000803F0000803F000000C0000000000000803F0000803F000080BF0000803F000080BF000080BF0000803F0000803F000080BF000080BF000000400000803F00000000000080BF000000000000803F00000000000080BF0000803F0000803F000080BF00000000000000000000803F000080BF000000000000803F0000803F0000000000000000000080BF0000803F000000000000000000000000",
      torch_tensor_6_16_torch.float32: "0x0400000081612ABF89CDCD3E7E43853F8D2DDE3F1E2DD33F7A2FEDBF13943A3FB63E163F5C9002BF09DF9FBF3AAA523FE28E8DBFCDBAE93E8DD44A3FC6A66DBD4230A63D75C460BFC908133FE6CD003FDC2DF53EE3DD62BFB77BE33E6483A2BE8E9E7BBE0A94BE3F7185B03F6670203F9FC6A53E628443BF0A89423EE5D5E7BE9B858ABF5DF61FBFD91256BFABA7EC3EBF389C3EE1D78EBE589261BF0A6F86BE7E2EF7BFEE0C1EBF95D314BF174D4ABFE4EF5C3F117F003D923CAF3EADAC7A3F795EF13F8FFE83BFB1E890BF3FF0BF3F35C6E83E0901813F943955BF007B973F65790EC09F0E9C3EE1B5143ECD2EC53EDC27C53E3FAE823F1726903F0FF4513FAAE58D3E34A502C0B985D0BF23BE12BF9F839DBE786479BE60493BBF13FCBB3FBB15CF3D4333993FD2B908BF14236A3EDB315C3F7B0E85BF0AA4DFBF0D8C273FC3470CBF72E1023FDB4E09C0DB7E903FFE56C3BF1ABBBA3E98DE1CBFA7DD843FAE31143EA6C6E03F9245E03C9538293E2D8582BF316ECBBFF316C33E0B7A4F3EFD1D72BF",
      torch_tensor_6_2_3_torch.float32: "0x0400000064A088BF649D37BFEC7B8B3F3C8FC9BFE416B93F047F1E3F801046BFD3CB1DC05F2F7F3F6BA5E73E4E56B1BE767839BF785CDA3F1F9B0E401BBE8ABD87A96E3E5B5892BF1F30543F4113743FCEEB963ED33BC03EC90D2EBEEECFE53EB6B3253F9E56B73E6822113F4351A43DDC5D99BFE0E4263FD8B7A7BF658AE63F51C974BFB83E15C0E5384B3EA746DDBFA6F527BF",
      torch_tensor_6_2_3_torch.int64: "0x08000000000000000000000001000000000000000100000000000000040000000000000002000000000000000400000000000000070000000000000001000000000000000600000000000000020000000000000007000000000000000200000000000000060000000000000005000000000000000100000000000000050000000000000006000000000000000700000000000000010000000000000003000000000000000700000000000000030000000000000001000000000000000400000000000000030000000000000001000000000000000000000000000000050000000000000003000000000000000500000000000000010000000000000000000000000000000400000000000000000000000000000007000000000000000600000000000000"
    }
  }
#-}
