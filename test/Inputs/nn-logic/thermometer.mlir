#map = affine_map<(d0, d1, d2) -> (d0, d1, 0)>
#map1 = affine_map<(d0, d1, d2) -> (d1, d2)>
#map2 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
module {
  func.func @thermometer(%arg0: tensor<1x4xf32>) -> tensor<1x12xf32> {
    %cst = arith.constant dense_resource<torch_tensor_4_3_torch.float32> : tensor<4x3xf32>
    %expanded = tensor.expand_shape %arg0 [[0], [1, 2]] output_shape [1, 4, 1] : tensor<1x4xf32> into tensor<1x4x1xf32>
    %0 = tensor.empty() : tensor<1x4x3xi1>
    %1 = linalg.generic {indexing_maps = [#map, #map1, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%expanded, %cst : tensor<1x4x1xf32>, tensor<4x3xf32>) outs(%0 : tensor<1x4x3xi1>) {
    ^bb0(%in: f32, %in_0: f32, %out: i1):
      %4 = arith.cmpf ogt, %in, %in_0 : f32
      linalg.yield %4 : i1
    } -> tensor<1x4x3xi1>
    %2 = tensor.empty() : tensor<1x4x3xf32>
    %3 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%1 : tensor<1x4x3xi1>) outs(%2 : tensor<1x4x3xf32>) {
    ^bb0(%in: i1, %out: f32):
      %4 = arith.uitofp %in : i1 to f32
      linalg.yield %4 : f32
    } -> tensor<1x4x3xf32>
    %collapsed = tensor.collapse_shape %3 [[0], [1, 2]] : tensor<1x4x3xf32> into tensor<1x12xf32>
    return %collapsed : tensor<1x12xf32>
  }
}

{-#
  dialect_resources: {
    builtin: {
      torch_tensor_4_3_torch.float32: "0x04000000CDCC4C3E0000003FCDCC4C3FCDCCCC3D9A99993E9A99193F0000803E0000003F0000403FCDCCCC3E0000003F6666663F"
    }
  }
#-}
