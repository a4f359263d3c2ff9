// RUN: lutopt %s -p nn-absorb-partitions | filecheck %s

// Two partitions of the same structure with no per-partition data (no contraction: an
// element-wise map with the constant in its body) form one group; each still gets its
// table. This crashed with an IndexError (the group's evaluation had one row, not two).
// x + 1.5 with x in 0..3, codes clamped to 0..3: [2 (1.5 rounds to even), 2, 3, 3].
// CHECK-LABEL: func.func @no_data
// CHECK-SAME: (%[[A:.*]]: i2, %[[B:.*]]: i2)
// CHECK: %[[T:.*]] = lut.table(%[[A]]) [2, 2, 3, 3] : (i2) -> i2
// CHECK: %[[U:.*]] = lut.table(%[[B]]) [2, 2, 3, 3] : (i2) -> i2
// CHECK: func.return %[[T]], %[[U]]
func.func @no_data(%a: i2, %b: i2) -> (i2, i2) {
  %p = nn.partition(%a) : (i2) -> i2 {
  ^bb0(%x: i2):
    %t = tensor.from_elements %x : tensor<1xi2>
    %v = nn.dequantize %t scale(1.0) range(0, 3) : tensor<1xi2> -> tensor<1xf32>
    %m = nn.map(%v) : (tensor<1xf32>) -> tensor<1xf32> {
    ^bb0(%e: f32):
      %c = arith.constant 1.500000e+00 : f32
      %r = arith.addf %e, %c : f32
      nn.yield %r : f32
    }
    %q = nn.quantize %m scale(1.0) range(0, 3) : tensor<1xf32> -> tensor<1xi2>
    nn.yield %q : tensor<1xi2>
  }
  %p2 = nn.partition(%b) : (i2) -> i2 {
  ^bb0(%x: i2):
    %t = tensor.from_elements %x : tensor<1xi2>
    %v = nn.dequantize %t scale(1.0) range(0, 3) : tensor<1xi2> -> tensor<1xf32>
    %m = nn.map(%v) : (tensor<1xf32>) -> tensor<1xf32> {
    ^bb0(%e: f32):
      %c = arith.constant 1.500000e+00 : f32
      %r = arith.addf %e, %c : f32
      nn.yield %r : f32
    }
    %q = nn.quantize %m scale(1.0) range(0, 3) : tensor<1xf32> -> tensor<1xi2>
    nn.yield %q : tensor<1xi2>
  }
  func.return %p, %p2 : i2, i2
}
