// RUN: lutopt %s -p convert-nn-to-arith --check-passes 2>/dev/null | filecheck %s

// A decreasing output (a negative BatchNorm-like factor) with ties that round half to
// even: y = clamp(round_half_even(-0.5 * (a + 2b)), -2, 1) on unsigned 4-bit codes.
// A = a + 2b in 0..45; -A/2 is a tie for every odd A: -0.5 -> 0, -1.5 -> -2, -2.5 -> -2.
// Codes: A <= 1 -> 0 (A = 1 is the tie -0.5 -> -0, code 0), A = 2 -> -1, A >= 3 -> -2,
// and nothing reaches 1: thresholds (A <= T) 2 and 1 above the lowest code -2.
// CHECK-LABEL: func.func @dec
// CHECK-DAG: %[[T2:.*]] = arith.constant 2 : i7
// CHECK-DAG: %[[T1:.*]] = arith.constant 1 : i7
// CHECK: arith.cmpi sle, %[[A:.*]], %[[T2]] : i7
// CHECK: arith.cmpi sle, %[[A]], %[[T1]] : i7
// CHECK-NOT: arith.cmpi
// CHECK: func.return
func.func @dec(%a: i4, %b: i4) -> i2 {
  %p = nn.partition(%a, %b) : (i4, i4) -> i2 {
  ^bb0(%x: i4, %y: i4):
    %t = tensor.from_elements %x, %y : tensor<2xi4>
    %v = nn.dequantize %t scale(1.0) range(0, 15) : tensor<2xi4> -> tensor<2xf32>
    %z = arith.constant dense<0.0> : tensor<1xf32>
    %m = nn.contract %v, %z weights(dense<[[1.0, 2.0]]> : tensor<1x2xf32>) indices(dense<[[0, 1]]> : tensor<1x2xi32>) fused : (tensor<2xf32>, tensor<1xf32>) -> tensor<1xf32>
    %r = nn.map(%m) : (tensor<1xf32>) -> tensor<1xf32> {
    ^bb0(%e0: f32):
      %k = arith.constant -0.5 : f32
      %n = arith.mulf %e0, %k : f32
      nn.yield %n : f32
    }
    %q = nn.quantize %r scale(1.0) range(-2, 1) : tensor<1xf32> -> tensor<1xi2>
    nn.yield %q : tensor<1xi2>
  }
  func.return %p : i2
}
