// RUN: lutopt %s -p nn-logic-to-gate --split-input-file --verify-diagnostics

// The sum of two bits is neither a bit nor a GroupSum over a group: a located error.
func.func @not_binary(%arg0: tensor<2xf32>) -> tensor<1xf32> {
  %half = arith.constant 5.000000e-01 : f32
  %e = tensor.empty() : tensor<2xf32>
  %x = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%arg0 : tensor<2xf32>) outs(%e : tensor<2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %c = arith.cmpf ogt, %in, %half : f32
    %v = arith.uitofp %c : i1 to f32
    linalg.yield %v : f32
  } -> tensor<2xf32>
  %a = tensor.extract_slice %x[0] [1] [1] : tensor<2xf32> to tensor<1xf32>
  %b = tensor.extract_slice %x[1] [1] [1] : tensor<2xf32> to tensor<1xf32>
  %e1 = tensor.empty() : tensor<1xf32>
  %s = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%a, %b : tensor<1xf32>, tensor<1xf32>) outs(%e1 : tensor<1xf32>) {
  ^bb0(%p: f32, %q: f32, %out: f32):
    %v = arith.addf %p, %q : f32
    linalg.yield %v : f32
  } -> tensor<1xf32>
  // expected-error @+1 {{result #0 element 0 is not binary (values [0.0, 1.0, 2.0]): a logic network's results are bits, GroupSum counts or an argmax}}
  return %s : tensor<1xf32>
}

// -----

// A gather whose index depends on a binary value.
func.func @dynamic_gather(%arg0: tensor<2xf32>) -> tensor<1xf32> {
  %half = arith.constant 5.000000e-01 : f32
  %e = tensor.empty() : tensor<2xf32>
  %x = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%arg0 : tensor<2xf32>) outs(%e : tensor<2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %c = arith.cmpf ogt, %in, %half : f32
    %v = arith.uitofp %c : i1 to f32
    linalg.yield %v : f32
  } -> tensor<2xf32>
  %a = tensor.extract_slice %x[0] [1] [1] : tensor<2xf32> to tensor<1xf32>
  %e1 = tensor.empty() : tensor<1xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%a : tensor<1xf32>) outs(%e1 : tensor<1xf32>) {
  ^bb0(%p: f32, %out: f32):
    %i = arith.fptosi %p : f32 to i64
    %ii = arith.index_cast %i : i64 to index
    // expected-error @+1 {{the index of this gather depends on a binary value}}
    %v = tensor.extract %x[%ii] : tensor<2xf32>
    linalg.yield %v : f32
  } -> tensor<1xf32>
  return %g : tensor<1xf32>
}
