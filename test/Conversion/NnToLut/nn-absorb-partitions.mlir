// RUN: lutopt %s -p nn-absorb-partitions | filecheck %s

// CHECK-LABEL: func.func @tables
// CHECK-SAME: (%[[A:.*]]: i2, %[[B:.*]]: i1, %[[C:.*]]: i1)
func.func @tables(%a: i2, %b: i1, %c: i1) -> (i2, i2, i2) {
  // 2 * a clamped to 0..3: [0, 2, 4 -> 3, 6 -> 3].
  // CHECK: %[[T:.*]] = lut.table(%[[A]]) [0, 2, 3, 3] : (i2) -> i2
  %p = nn.partition(%a) : (i2) -> i2 {
  ^bb0(%x: i2):
    %t = tensor.from_elements %x : tensor<1xi2>
    %v = nn.dequantize %t scale(1.0) range(0, 3) : tensor<1xi2> -> tensor<1xf32>
    %z = arith.constant dense<0.0> : tensor<1xf32>
    %m = nn.contract %v, %z weights(dense<[[2.0]]> : tensor<1x1xf32>) indices(dense<[[0]]> : tensor<1x1xi32>) fused : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
    %q = nn.quantize %m scale(1.0) range(0, 3) : tensor<1xf32> -> tensor<1xi2>
    nn.yield %q : tensor<1xi2>
  }
  // The same function of the same operand: the table is shared.
  // CHECK-NOT: lut.table(%[[A]])
  %p2 = nn.partition(%a) : (i2) -> i2 {
  ^bb0(%x: i2):
    %t = tensor.from_elements %x : tensor<1xi2>
    %v = nn.dequantize %t scale(1.0) range(0, 3) : tensor<1xi2> -> tensor<1xf32>
    %z = arith.constant dense<0.0> : tensor<1xf32>
    %m = nn.contract %v, %z weights(dense<[[2.0]]> : tensor<1x1xf32>) indices(dense<[[0]]> : tensor<1x1xi32>) fused : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
    %q = nn.quantize %m scale(1.0) range(0, 3) : tensor<1xf32> -> tensor<1xi2>
    nn.yield %q : tensor<1xi2>
  }
  // 2 * b + c: operand 0 is the most significant part of the index, so the table is the identity.
  // CHECK: %[[U:.*]] = lut.table(%[[B]], %[[C]]) [0, 1, 2, 3] : (i1, i1) -> i2
  %p3 = nn.partition(%b, %c) : (i1, i1) -> i2 {
  ^bb0(%x: i1, %y: i1):
    %t = tensor.from_elements %x, %y : tensor<2xi1>
    %v = nn.dequantize %t scale(1.0) range(0, 1) : tensor<2xi1> -> tensor<2xf32>
    %z = arith.constant dense<0.0> : tensor<1xf32>
    %m = nn.contract %v, %z weights(dense<[[2.0, 1.0]]> : tensor<1x2xf32>) indices(dense<[[0, 1]]> : tensor<1x2xi32>) : (tensor<2xf32>, tensor<1xf32>) -> tensor<1xf32>
    %q = nn.quantize %m scale(1.0) range(0, 3) : tensor<1xf32> -> tensor<1xi2>
    nn.yield %q : tensor<1xi2>
  }
  // CHECK: func.return %[[T]], %[[T]], %[[U]]
  func.return %p, %p2, %p3 : i2, i2, i2
}

// Signed codes (index 0..3 is x = 0, 1, -2, -1), a map body relu(x + 0.5), and rounding
// half to even: 0.5 -> 0, 1.5 -> 2, so the table is [0, 2, 0, 0].
// CHECK-LABEL: func.func @signed
// CHECK: lut.table(%{{.*}}) [0, 2, 0, 0] : (i2) -> i2
func.func @signed(%a: i2) -> i2 {
  %p = nn.partition(%a) : (i2) -> i2 {
  ^bb0(%x: i2):
    %t = tensor.from_elements %x : tensor<1xi2>
    %v = nn.dequantize %t scale(1.0) range(-2, 1) : tensor<1xi2> -> tensor<1xf32>
    %m = nn.map(%v) : (tensor<1xf32>) -> tensor<1xf32> {
    ^bb1(%e: f32):
      %h = arith.constant 0.5 : f32
      %z = arith.constant 0.0 : f32
      %s = arith.addf %e, %h : f32
      %c = arith.cmpf ugt, %s, %z : f32
      %r = arith.select %c, %s, %z : f32
      nn.yield %r : f32
    }
    %q = nn.quantize %m scale(1.0) range(0, 3) : tensor<1xf32> -> tensor<1xi2>
    nn.yield %q : tensor<1xi2>
  }
  func.return %p : i2
}
