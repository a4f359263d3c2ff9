// RUN: lutopt %s -p 'nn-partition{max-table-bits=3}' --split-input-file --verify-diagnostics

func.func @too_wide(%x: tensor<1x2xf32>) -> tensor<1x1xf32> {
  %q = nn.quantize %x scale(0.5) range(-2, 1) : tensor<1x2xf32> -> tensor<1x2xi2>
  %d = nn.dequantize %q scale(0.5) range(-2, 1) : tensor<1x2xi2> -> tensor<1x2xf32>
  %w = arith.constant dense<[[1.0], [2.0]]> : tensor<2x1xf32>
  %z = arith.constant dense<0.0> : tensor<1x1xf32>
  %m = linalg.matmul ins(%d, %w : tensor<1x2xf32>, tensor<2x1xf32>) outs(%z : tensor<1x1xf32>) -> tensor<1x1xf32>
  // expected-error @+1 {{the partition of element (0, 0) of this quantizer reads 2 codes, 4 bits: its table would have 2^4 entries, more than max-table-bits=3 allows}}
  %q2 = nn.quantize %m scale(0.25) range(0, 3) : tensor<1x1xf32> -> tensor<1x1xi2>
  %d2 = nn.dequantize %q2 scale(0.25) range(0, 3) : tensor<1x1xi2> -> tensor<1x1xf32>
  func.return %d2 : tensor<1x1xf32>
}

// -----

func.func @unquantized_input(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %e = tensor.empty() : tensor<1x2xf32>
  // expected-error @+1 {{function argument #0 is used without a quantizer}}
  %a = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<1x2xf32>) outs(%e : tensor<1x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.absf %in : f32
    linalg.yield %r : f32
  } -> tensor<1x2xf32>
  %q = nn.quantize %a scale(0.5) range(0, 3) : tensor<1x2xf32> -> tensor<1x2xi2>
  %d = nn.dequantize %q scale(0.5) range(0, 3) : tensor<1x2xi2> -> tensor<1x2xf32>
  func.return %d : tensor<1x2xf32>
}

// -----

func.func @unquantized_output(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %q = nn.quantize %x scale(0.5) range(0, 3) : tensor<1x2xf32> -> tensor<1x2xi2>
  %d = nn.dequantize %q scale(0.5) range(0, 3) : tensor<1x2xi2> -> tensor<1x2xf32>
  %e = tensor.empty() : tensor<1x2xf32>
  %a = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%d : tensor<1x2xf32>) outs(%e : tensor<1x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.absf %in : f32
    linalg.yield %r : f32
  } -> tensor<1x2xf32>
  // expected-error @+1 {{result #0 is not the output of a quantizer (the model must end with a quantizer)}}
  func.return %a : tensor<1x2xf32>
}

// -----

func.func @two_computed_operands(%x: tensor<1x2xf32>) -> tensor<2x2xf32> {
  %q = nn.quantize %x scale(0.5) range(0, 1) : tensor<1x2xf32> -> tensor<1x2xi1>
  %d = nn.dequantize %q scale(0.5) range(0, 1) : tensor<1x2xi1> -> tensor<1x2xf32>
  %e = tensor.empty() : tensor<2x1xf32>
  %t = linalg.transpose ins(%d : tensor<1x2xf32>) outs(%e : tensor<2x1xf32>) permutation = [1, 0]
  %z = arith.constant dense<0.0> : tensor<2x2xf32>
  // expected-error @+1 {{a contraction of two computed tensors (one operand must be constant weights)}}
  %m = linalg.matmul ins(%t, %d : tensor<2x1xf32>, tensor<1x2xf32>) outs(%z : tensor<2x2xf32>) -> tensor<2x2xf32>
  %q2 = nn.quantize %m scale(0.25) range(0, 3) : tensor<2x2xf32> -> tensor<2x2xi2>
  %d2 = nn.dequantize %q2 scale(0.25) range(0, 3) : tensor<2x2xi2> -> tensor<2x2xf32>
  func.return %d2 : tensor<2x2xf32>
}
