#map = affine_map<(d0, d1, d2) -> (d0, d1, 0)>
#map1 = affine_map<(d0, d1, d2) -> (d2)>
#map2 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#map3 = affine_map<(d0, d1) -> (d1)>
#map4 = affine_map<(d0, d1) -> (d0, d1)>
#map5 = affine_map<(d0, d1) -> (d0)>
#map6 = affine_map<(d0, d1, d2) -> (d0, d1)>
module {
  func.func @groupsum(%arg0: tensor<1x4xf32>) -> tensor<1x2xf32> {
    %cst = arith.constant 0xFF800000 : f32
    %c16_i64 = arith.constant 16 : i64
    %cst_0 = arith.constant 0.000000e+00 : f32
    %cst_1 = arith.constant dense_resource<torch_tensor_16_4_torch.float32_1> : tensor<16x4xf32>
    %cst_2 = arith.constant dense_resource<torch_tensor_6_16_torch.float32> : tensor<6x16xf32>
    %cst_3 = arith.constant dense_resource<torch_tensor_16_4_torch.float32> : tensor<16x4xf32>
    %cst_4 = arith.constant dense_resource<torch_tensor_8_16_torch.float32> : tensor<8x16xf32>
    %cst_5 = arith.constant dense_resource<torch_tensor_2_torch.float32> : tensor<2xf32>
    %c0 = arith.constant 0 : index
    %cst_6 = arith.constant 2.000000e+00 : f32
    %c0_i64 = arith.constant 0 : i64
    %cst_7 = arith.constant dense_resource<torch_tensor_6_2_torch.int64> : tensor<6x2xi64>
    %cst_8 = arith.constant dense_resource<torch_tensor_8_2_torch.int64> : tensor<8x2xi64>
    %expanded = tensor.expand_shape %arg0 [[0], [1, 2]] output_shape [1, 4, 1] : tensor<1x4xf32> into tensor<1x4x1xf32>
    %0 = tensor.empty() : tensor<1x4x2xi1>
    %1 = linalg.generic {indexing_maps = [#map, #map1, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%expanded, %cst_5 : tensor<1x4x1xf32>, tensor<2xf32>) outs(%0 : tensor<1x4x2xi1>) {
    ^bb0(%in: f32, %in_33: f32, %out: i1):
      %42 = arith.cmpf ogt, %in, %in_33 : f32
      linalg.yield %42 : i1
    } -> tensor<1x4x2xi1>
    %2 = tensor.empty() : tensor<1x4x2xf32>
    %3 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%1 : tensor<1x4x2xi1>) outs(%2 : tensor<1x4x2xf32>) {
    ^bb0(%in: i1, %out: f32):
      %42 = arith.uitofp %in : i1 to f32
      linalg.yield %42 : f32
    } -> tensor<1x4x2xf32>
    %collapsed = tensor.collapse_shape %3 [[0], [1, 2]] : tensor<1x4x2xf32> into tensor<1x8xf32>
    %extracted_slice = tensor.extract_slice %cst_8[0, 0] [8, 1] [1, 1] : tensor<8x2xi64> to tensor<8x1xi64>
    %collapsed_9 = tensor.collapse_shape %extracted_slice [[0, 1]] : tensor<8x1xi64> into tensor<8xi64>
    %4 = tensor.empty() : tensor<1x8xf32>
    %5 = linalg.generic {indexing_maps = [#map3, #map4], iterator_types = ["parallel", "parallel"]} ins(%collapsed_9 : tensor<8xi64>) outs(%4 : tensor<1x8xf32>) {
    ^bb0(%in: i64, %out: f32):
      %42 = arith.index_cast %in : i64 to index
      %extracted = tensor.extract %collapsed[%c0, %42] : tensor<1x8xf32>
      linalg.yield %extracted : f32
    } -> tensor<1x8xf32>
    %extracted_slice_10 = tensor.extract_slice %cst_8[0, 1] [8, 1] [1, 1] : tensor<8x2xi64> to tensor<8x1xi64>
    %collapsed_11 = tensor.collapse_shape %extracted_slice_10 [[0, 1]] : tensor<8x1xi64> into tensor<8xi64>
    %6 = linalg.generic {indexing_maps = [#map3, #map4], iterator_types = ["parallel", "parallel"]} ins(%collapsed_11 : tensor<8xi64>) outs(%4 : tensor<1x8xf32>) {
    ^bb0(%in: i64, %out: f32):
      %42 = arith.index_cast %in : i64 to index
      %extracted = tensor.extract %collapsed[%c0, %42] : tensor<1x8xf32>
      linalg.yield %extracted : f32
    } -> tensor<1x8xf32>
    %7 = tensor.empty() : tensor<8xi64>
    %8 = linalg.fill ins(%c0_i64 : i64) outs(%7 : tensor<8xi64>) -> tensor<8xi64>
    %9 = tensor.empty() : tensor<8xf32>
    %10 = linalg.fill ins(%cst : f32) outs(%9 : tensor<8xf32>) -> tensor<8xf32>
    %11:2 = linalg.generic {indexing_maps = [#map4, #map5, #map5], iterator_types = ["parallel", "reduction"]} ins(%cst_4 : tensor<8x16xf32>) outs(%10, %8 : tensor<8xf32>, tensor<8xi64>) {
    ^bb0(%in: f32, %out: f32, %out_33: i64):
      %42 = linalg.index 1 : index
      %43 = arith.index_cast %42 : index to i64
      %44 = arith.maximumf %in, %out : f32
      %45 = arith.cmpf ogt, %in, %out : f32
      %46 = arith.select %45, %43, %out_33 : i64
      linalg.yield %44, %46 : f32, i64
    } -> (tensor<8xf32>, tensor<8xi64>)
    %12 = tensor.empty() : tensor<8x4xf32>
    %13 = linalg.generic {indexing_maps = [#map5, #map4], iterator_types = ["parallel", "parallel"]} ins(%11#1 : tensor<8xi64>) outs(%12 : tensor<8x4xf32>) {
    ^bb0(%in: i64, %out: f32):
      %42 = arith.cmpi slt, %in, %c0_i64 : i64
      %43 = arith.addi %in, %c16_i64 : i64
      %44 = arith.select %42, %43, %in : i64
      %45 = arith.index_cast %44 : i64 to index
      %46 = linalg.index 1 : index
      %extracted = tensor.extract %cst_3[%45, %46] : tensor<16x4xf32>
      linalg.yield %extracted : f32
    } -> tensor<8x4xf32>
    %extracted_slice_12 = tensor.extract_slice %13[0, 0] [8, 1] [1, 1] : tensor<8x4xf32> to tensor<8x1xf32>
    %collapsed_13 = tensor.collapse_shape %extracted_slice_12 [[0, 1]] : tensor<8x1xf32> into tensor<8xf32>
    %extracted_slice_14 = tensor.extract_slice %13[0, 1] [8, 1] [1, 1] : tensor<8x4xf32> to tensor<8x1xf32>
    %collapsed_15 = tensor.collapse_shape %extracted_slice_14 [[0, 1]] : tensor<8x1xf32> into tensor<8xf32>
    %14 = linalg.generic {indexing_maps = [#map3, #map4, #map4], iterator_types = ["parallel", "parallel"]} ins(%collapsed_15, %5 : tensor<8xf32>, tensor<1x8xf32>) outs(%4 : tensor<1x8xf32>) {
    ^bb0(%in: f32, %in_33: f32, %out: f32):
      %42 = arith.mulf %in, %in_33 : f32
      linalg.yield %42 : f32
    } -> tensor<1x8xf32>
    %15 = linalg.generic {indexing_maps = [#map3, #map4, #map4], iterator_types = ["parallel", "parallel"]} ins(%collapsed_13, %14 : tensor<8xf32>, tensor<1x8xf32>) outs(%4 : tensor<1x8xf32>) {
    ^bb0(%in: f32, %in_33: f32, %out: f32):
      %42 = arith.addf %in, %in_33 : f32
      linalg.yield %42 : f32
    } -> tensor<1x8xf32>
    %extracted_slice_16 = tensor.extract_slice %13[0, 2] [8, 1] [1, 1] : tensor<8x4xf32> to tensor<8x1xf32>
    %collapsed_17 = tensor.collapse_shape %extracted_slice_16 [[0, 1]] : tensor<8x1xf32> into tensor<8xf32>
    %16 = linalg.generic {indexing_maps = [#map3, #map4, #map4], iterator_types = ["parallel", "parallel"]} ins(%collapsed_17, %6 : tensor<8xf32>, tensor<1x8xf32>) outs(%4 : tensor<1x8xf32>) {
    ^bb0(%in: f32, %in_33: f32, %out: f32):
      %42 = arith.mulf %in, %in_33 : f32
      linalg.yield %42 : f32
    } -> tensor<1x8xf32>
    %17 = linalg.generic {indexing_maps = [#map4, #map4, #map4], iterator_types = ["parallel", "parallel"]} ins(%15, %16 : tensor<1x8xf32>, tensor<1x8xf32>) outs(%4 : tensor<1x8xf32>) {
    ^bb0(%in: f32, %in_33: f32, %out: f32):
      %42 = arith.addf %in, %in_33 : f32
      linalg.yield %42 : f32
    } -> tensor<1x8xf32>
    %extracted_slice_18 = tensor.extract_slice %13[0, 3] [8, 1] [1, 1] : tensor<8x4xf32> to tensor<8x1xf32>
    %collapsed_19 = tensor.collapse_shape %extracted_slice_18 [[0, 1]] : tensor<8x1xf32> into tensor<8xf32>
    %18 = linalg.generic {indexing_maps = [#map4, #map4, #map4], iterator_types = ["parallel", "parallel"]} ins(%5, %6 : tensor<1x8xf32>, tensor<1x8xf32>) outs(%4 : tensor<1x8xf32>) {
    ^bb0(%in: f32, %in_33: f32, %out: f32):
      %42 = arith.mulf %in, %in_33 : f32
      linalg.yield %42 : f32
    } -> tensor<1x8xf32>
    %19 = linalg.generic {indexing_maps = [#map3, #map4, #map4], iterator_types = ["parallel", "parallel"]} ins(%collapsed_19, %18 : tensor<8xf32>, tensor<1x8xf32>) outs(%4 : tensor<1x8xf32>) {
    ^bb0(%in: f32, %in_33: f32, %out: f32):
      %42 = arith.mulf %in, %in_33 : f32
      linalg.yield %42 : f32
    } -> tensor<1x8xf32>
    %20 = linalg.generic {indexing_maps = [#map4, #map4, #map4], iterator_types = ["parallel", "parallel"]} ins(%17, %19 : tensor<1x8xf32>, tensor<1x8xf32>) outs(%4 : tensor<1x8xf32>) {
    ^bb0(%in: f32, %in_33: f32, %out: f32):
      %42 = arith.addf %in, %in_33 : f32
      linalg.yield %42 : f32
    } -> tensor<1x8xf32>
    %extracted_slice_20 = tensor.extract_slice %cst_7[0, 0] [6, 1] [1, 1] : tensor<6x2xi64> to tensor<6x1xi64>
    %collapsed_21 = tensor.collapse_shape %extracted_slice_20 [[0, 1]] : tensor<6x1xi64> into tensor<6xi64>
    %21 = tensor.empty() : tensor<1x6xf32>
    %22 = linalg.generic {indexing_maps = [#map3, #map4], iterator_types = ["parallel", "parallel"]} ins(%collapsed_21 : tensor<6xi64>) outs(%21 : tensor<1x6xf32>) {
    ^bb0(%in: i64, %out: f32):
      %42 = arith.index_cast %in : i64 to index
      %extracted = tensor.extract %20[%c0, %42] : tensor<1x8xf32>
      linalg.yield %extracted : f32
    } -> tensor<1x6xf32>
    %extracted_slice_22 = tensor.extract_slice %cst_7[0, 1] [6, 1] [1, 1] : tensor<6x2xi64> to tensor<6x1xi64>
    %collapsed_23 = tensor.collapse_shape %extracted_slice_22 [[0, 1]] : tensor<6x1xi64> into tensor<6xi64>
    %23 = linalg.generic {indexing_maps = [#map3, #map4], iterator_types = ["parallel", "parallel"]} ins(%collapsed_23 : tensor<6xi64>) outs(%21 : tensor<1x6xf32>) {
    ^bb0(%in: i64, %out: f32):
      %42 = arith.index_cast %in : i64 to index
      %extracted = tensor.extract %20[%c0, %42] : tensor<1x8xf32>
      linalg.yield %extracted : f32
    } -> tensor<1x6xf32>
    %24 = tensor.empty() : tensor<6xi64>
    %25 = linalg.fill ins(%c0_i64 : i64) outs(%24 : tensor<6xi64>) -> tensor<6xi64>
    %26 = tensor.empty() : tensor<6xf32>
    %27 = linalg.fill ins(%cst : f32) outs(%26 : tensor<6xf32>) -> tensor<6xf32>
    %28:2 = linalg.generic {indexing_maps = [#map4, #map5, #map5], iterator_types = ["parallel", "reduction"]} ins(%cst_2 : tensor<6x16xf32>) outs(%27, %25 : tensor<6xf32>, tensor<6xi64>) {
    ^bb0(%in: f32, %out: f32, %out_33: i64):
      %42 = linalg.index 1 : index
      %43 = arith.index_cast %42 : index to i64
      %44 = arith.maximumf %in, %out : f32
      %45 = arith.cmpf ogt, %in, %out : f32
      %46 = arith.select %45, %43, %out_33 : i64
      linalg.yield %44, %46 : f32, i64
    } -> (tensor<6xf32>, tensor<6xi64>)
    %29 = tensor.empty() : tensor<6x4xf32>
    %30 = linalg.generic {indexing_maps = [#map5, #map4], iterator_types = ["parallel", "parallel"]} ins(%28#1 : tensor<6xi64>) outs(%29 : tensor<6x4xf32>) {
    ^bb0(%in: i64, %out: f32):
      %42 = arith.cmpi slt, %in, %c0_i64 : i64
      %43 = arith.addi %in, %c16_i64 : i64
      %44 = arith.select %42, %43, %in : i64
      %45 = arith.index_cast %44 : i64 to index
      %46 = linalg.index 1 : index
      %extracted = tensor.extract %cst_1[%45, %46] : tensor<16x4xf32>
      linalg.yield %extracted : f32
    } -> tensor<6x4xf32>
    %extracted_slice_24 = tensor.extract_slice %30[0, 0] [6, 1] [1, 1] : tensor<6x4xf32> to tensor<6x1xf32>
    %collapsed_25 = tensor.collapse_shape %extracted_slice_24 [[0, 1]] : tensor<6x1xf32> into tensor<6xf32>
    %extracted_slice_26 = tensor.extract_slice %30[0, 1] [6, 1] [1, 1] : tensor<6x4xf32> to tensor<6x1xf32>
    %collapsed_27 = tensor.collapse_shape %extracted_slice_26 [[0, 1]] : tensor<6x1xf32> into tensor<6xf32>
    %31 = linalg.generic {indexing_maps = [#map3, #map4, #map4], iterator_types = ["parallel", "parallel"]} ins(%collapsed_27, %22 : tensor<6xf32>, tensor<1x6xf32>) outs(%21 : tensor<1x6xf32>) {
    ^bb0(%in: f32, %in_33: f32, %out: f32):
      %42 = arith.mulf %in, %in_33 : f32
      linalg.yield %42 : f32
    } -> tensor<1x6xf32>
    %32 = linalg.generic {indexing_maps = [#map3, #map4, #map4], iterator_types = ["parallel", "parallel"]} ins(%collapsed_25, %31 : tensor<6xf32>, tensor<1x6xf32>) outs(%21 : tensor<1x6xf32>) {
    ^bb0(%in: f32, %in_33: f32, %out: f32):
      %42 = arith.addf %in, %in_33 : f32
      linalg.yield %42 : f32
    } -> tensor<1x6xf32>
    %extracted_slice_28 = tensor.extract_slice %30[0, 2] [6, 1] [1, 1] : tensor<6x4xf32> to tensor<6x1xf32>
    %collapsed_29 = tensor.collapse_shape %extracted_slice_28 [[0, 1]] : tensor<6x1xf32> into tensor<6xf32>
    %33 = linalg.generic {indexing_maps = [#map3, #map4, #map4], iterator_types = ["parallel", "parallel"]} ins(%collapsed_29, %23 : tensor<6xf32>, tensor<1x6xf32>) outs(%21 : tensor<1x6xf32>) {
    ^bb0(%in: f32, %in_33: f32, %out: f32):
      %42 = arith.mulf %in, %in_33 : f32
      linalg.yield %42 : f32
    } -> tensor<1x6xf32>
    %34 = linalg.generic {indexing_maps = [#map4, #map4, #map4], iterator_types = ["parallel", "parallel"]} ins(%32, %33 : tensor<1x6xf32>, tensor<1x6xf32>) outs(%21 : tensor<1x6xf32>) {
    ^bb0(%in: f32, %in_33: f32, %out: f32):
      %42 = arith.addf %in, %in_33 : f32
      linalg.yield %42 : f32
    } -> tensor<1x6xf32>
    %extracted_slice_30 = tensor.extract_slice %30[0, 3] [6, 1] [1, 1] : tensor<6x4xf32> to tensor<6x1xf32>
    %collapsed_31 = tensor.collapse_shape %extracted_slice_30 [[0, 1]] : tensor<6x1xf32> into tensor<6xf32>
    %35 = linalg.generic {indexing_maps = [#map4, #map4, #map4], iterator_types = ["parallel", "parallel"]} ins(%22, %23 : tensor<1x6xf32>, tensor<1x6xf32>) outs(%21 : tensor<1x6xf32>) {
    ^bb0(%in: f32, %in_33: f32, %out: f32):
      %42 = arith.mulf %in, %in_33 : f32
      linalg.yield %42 : f32
    } -> tensor<1x6xf32>
    %36 = linalg.generic {indexing_maps = [#map3, #map4, #map4], iterator_types = ["parallel", "parallel"]} ins(%collapsed_31, %35 : tensor<6xf32>, tensor<1x6xf32>) outs(%21 : tensor<1x6xf32>) {
    ^bb0(%in: f32, %in_33: f32, %out: f32):
      %42 = arith.mulf %in, %in_33 : f32
      linalg.yield %42 : f32
    } -> tensor<1x6xf32>
    %37 = linalg.generic {indexing_maps = [#map4, #map4, #map4], iterator_types = ["parallel", "parallel"]} ins(%34, %36 : tensor<1x6xf32>, tensor<1x6xf32>) outs(%21 : tensor<1x6xf32>) {
    ^bb0(%in: f32, %in_33: f32, %out: f32):
      %42 = arith.addf %in, %in_33 : f32
      linalg.yield %42 : f32
    } -> tensor<1x6xf32>
    %expanded_32 = tensor.expand_shape %37 [[0], [1, 2]] output_shape [1, 2, 3] : tensor<1x6xf32> into tensor<1x2x3xf32>
    %38 = tensor.empty() : tensor<1x2xf32>
    %39 = linalg.fill ins(%cst_0 : f32) outs(%38 : tensor<1x2xf32>) -> tensor<1x2xf32>
    %40 = linalg.generic {indexing_maps = [#map2, #map6], iterator_types = ["parallel", "parallel", "reduction"]} ins(%expanded_32 : tensor<1x2x3xf32>) outs(%39 : tensor<1x2xf32>) {
    ^bb0(%in: f32, %out: f32):
      %42 = arith.addf %in, %out : f32
      linalg.yield %42 : f32
    } -> tensor<1x2xf32>
    %41 = linalg.generic {indexing_maps = [#map4, #map4], iterator_types = ["parallel", "parallel"]} ins(%40 : tensor<1x2xf32>) outs(%38 : tensor<1x2xf32>) {
    ^bb0(%in: f32, %out: f32):
      %42 = arith.divf %in, %cst_6 : f32
      linalg.yield %42 : f32
    } -> tensor<1x2xf32>
    return %41 : tensor<1x2xf32>
  }
}

{-#
  dialect_resources: {
    builtin: {
      torch_tensor_16_4_torch.float32_1: "0x04000000000000000000000000000000000000000000000000000000000000000000803F000000000000803F00000000000080BF000000000000803F000000000000000000000000000000000000803F000080BF00000000000000000000803F00000000000000000000803F0000803F000000C0000000000000803F0000803F000080BF0000803F000080BF000080BF0000803F0000803F000080BF000080BF000000400000803F00000000000080BF000000000000803F00000000000080BF0000803F0000803F000080BF00000000000000000000803F000080BF000000000000803F0000803F0000000000000000000080BF0000803F000000000000000000000000",
      torch_tensor_6_16_torch.float32: "0x04000000856FAF3F98F9B83F60DB5FBF9D740C3F67ADAA3F5B011FBFCA0C813F7C91E3BCC9E1D0BC3A62FDBCDBF9CA3FF30B22C0E8D31DBF8DDA063F65E9553F56C8ED3E29C15CBF1F05773E6FC8833F5345253F2E79D2BFF745E4BE368879BFE3CCD13EE717E7BE7E9D723FB904C7BE5760193D46ECA1BE3C516A3EA2655D3F8D412ABE8182B8BDFE2253BFE64E9EBE55F70ABFF40A703FFEBAB5BF480414408EA18C3F9AB5963E4778B7BED1C59BBE5F7CEBBD9B678C3F1D3051BE212E42BF577C553EE60B973ED907BDBE125D1ABF7AD047BFCF346E3F8C93243F4D68FC3D9E5BF0BFA361FC3D8916CF3F52C11240A925C5BD466575BE8D53FCBF4EA58CBF9807953FE8FE7F3EE46CE53E2066EA3F012AD13EBA3905C06B510DBE868C223E5429BF3FDE4668BDF3D131BFB0682EBE5601DABDBDCC52BE6D4C05BE36EC263F895B1EBFBC2D42BF6AB6503F7FB61B3F505A593FAB9BDCBFB75BB43F352852BF9F9CF0BEC6B1C43FF07D4BBE72FABEBDBAB25B4099AA1EBFC4019F3E5EDD713F43F9113F",
      torch_tensor_16_4_torch.float32: "0x04000000000000000000000000000000000000000000000000000000000000000000803F000000000000803F00000000000080BF000000000000803F000000000000000000000000000000000000803F000080BF00000000000000000000803F00000000000000000000803F0000803F000000C0000000000000803F0000803F000080BF0000803F000080BF000080BF0000803F0000803F000080BF000080BF000000400000803F00000000000080BF000000000000803F00000000000080BF0000803F0000803F000080BF00000000000000000000803F000080BF000000000000803F0000803F0000000000000000000080BF0000803F000000000000000000000000",
      torch_tensor_8_16_torch.float32: "0x04000000DD5CED3EC8252DBFB7A5373FEAC56A3F22E5383FBCF1D9BF703F1A3F59A6A9BF965AD93EA9DE02C0697BF43FF464AE3D5F63AA3EBF42523F3CA92FBFF2592F3FF355BABF5530D53CD5FE07BF4695043F2EED8EBDD8ABEABFC982AD3E1540A13FDC09EFBF9AF30FBF84AA87BF8F66F83E85D4C63F8A11BF3E98AD48BEFAB30A401F068F3F862931404A73D4BED4E68FBFDBD2423F58AE513EE7BE843E080B0ABF1FBC973F5C5D813F0B73A0BF55AFD13CDABEB43EAEBBA83F4D2F2B3F089AE2BE04D34DBFD8E4A63F5F066B3E142256BF4AF3014078AE043FAA653CBFC488363F3650E83F61B6F03EAF6688BFF172563E851D3ABFBE642BBFB7BAF83D57FD09BF01BA1C3F55284DBFDF3C90BF3614343F1F605DBF74E5A8BF3C994D3FE005C6BC885A343C0CA08E3FF457D73FACEAD0BF0C3C973EA6A87EBE82C95A3F2E49833E4098B13F61AE803E9728DDBE7DB652BEA4DA9D3FFA23863F2E8F513E924E1FBF2A7AF1BD217BD43FC0F3253DCBCD503FF50868BE4EAC7CBF8B3709C06AC63DBFD77FD83FD6451F3C226DAC3F26C846BF96A317BFB5D3DABF3BA4933F06FB87BF4688283EBC7985BF57914ABDEAE76FBF902DE4BECB537ABF9B625F3EB9819B3FC64BDFBF6DB9723EEA48CA3F617AB33EA719B23E8D46963F71E6C33FB9EC16406E8EA7BE3BFD71BE6576DFBFBFBF304047F91FBFC26A703F999D80BCAD432EBE",
      torch_tensor_2_torch.float32: "0x040000009A99993E3333333F",
      torch_tensor_6_2_torch.int64: "0x08000000020000000000000007000000000000000300000000000000060000000000000005000000000000000100000000000000040000000000000000000000000000000000000000000000060000000000000005000000000000000100000000000000",
      torch_tensor_8_2_torch.int64: "0x080000000200000000000000040000000000000003000000000000000500000000000000010000000000000000000000000000000600000000000000070000000000000005000000000000000600000000000000030000000000000007000000000000000200000000000000040000000000000000000000000000000100000000000000"
    }
  }
#-}
