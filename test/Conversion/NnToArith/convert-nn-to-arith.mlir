// RUN: lutopt %s -p convert-nn-to-arith --check-passes 2>%t.err | filecheck %s
// RUN: filecheck %s --check-prefix=REMARK < %t.err
// RUN: lutopt %s -p 'convert-nn-to-arith{multiplier=mitch-w6}' | filecheck %s --check-prefix=MUL
// RUN: not lutopt %s -p 'convert-nn-to-arith{multiplier=booth}' 2>&1 | filecheck %s --check-prefix=BAD

// y = clamp(round_half_even(relu(3a - 2b + 0.5) / 2), 0, 3) on signed 3-bit codes a, b.
// A = 3a - 2b lies in -18..17; relu(A + 0.5) / 2 rounds half to even: the codes step
// at A = 1 (0.75 -> 1), A = 3 (1.75 -> 2), A = 5 (2.75 -> 3), so the thresholds are 1, 3, 5.
// CHECK-LABEL: func.func @layer(%{{.*}}: i3, %{{.*}}: i3) -> i2
// CHECK-DAG: arith.extsi %{{.*}} : i3 to
// CHECK-DAG: arith.shli
// CHECK: %[[C1:.*]] = arith.constant 1 : i6
// CHECK: arith.cmpi sge, %[[A:.*]], %[[C1]] : i6
// CHECK: %[[C3:.*]] = arith.constant 3 : i6
// CHECK: arith.cmpi sge, %[[A]], %[[C3]] : i6
// CHECK: %[[C5:.*]] = arith.constant 5 : i6
// CHECK: arith.cmpi sge, %[[A]], %[[C5]] : i6
// CHECK: arith.select
// CHECK: arith.select
// CHECK: %[[Y:.*]] = arith.select %{{.*}}, %{{.*}}, %{{.*}} : i2
// CHECK: func.return %[[Y]] : i2
// CHECK-NOT: nn.partition
// REMARK: convert-nn-to-arith.mlir:30:3: remark: 1 element(s) of this quantizer as integer arithmetic
// REMARK-SAME: bit-exact
// MUL: arith.muli %{{.*}}, %{{.*}} : i
// MUL: arith.muli %{{.*}}, %{{.*}} : i
// MUL-NOT: arith.shli
// BAD: error: convert-nn-to-arith: multiplier must be exact, mitchell or mitch-w<W> (W >= 1), got 'booth'
func.func @layer(%a: i3, %b: i3) -> i2 {
  %p = nn.partition(%a, %b) : (i3, i3) -> i2 {
  ^bb0(%x: i3, %y: i3):
    %t = tensor.from_elements %x, %y : tensor<2xi3>
    %v = nn.dequantize %t scale(1.0) range(-4, 3) : tensor<2xi3> -> tensor<2xf32>
    %z = arith.constant dense<0.0> : tensor<1xf32>
    %m = nn.contract %v, %z weights(dense<[[3.0, -2.0]]> : tensor<1x2xf32>) indices(dense<[[0, 1]]> : tensor<1x2xi32>) bias(dense<0.5> : tensor<1xf32>) fused : (tensor<2xf32>, tensor<1xf32>) -> tensor<1xf32>
    %r = nn.map(%m) : (tensor<1xf32>) -> tensor<1xf32> {
    ^bb0(%e: f32):
      %c0 = arith.constant 0.0 : f32
      %mx = arith.maximumf %e, %c0 : f32
      nn.yield %mx : f32
    }
    %q = nn.quantize %r scale(2.0) range(0, 3) : tensor<1xf32> -> tensor<1xi2>
    nn.yield %q : tensor<1xi2>
  }
  func.return %p : i2
}
