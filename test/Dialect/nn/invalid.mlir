// RUN: lutopt %s --split-input-file --verify-diagnostics

func.func @wrong_code_width(%x: tensor<4xf32>) -> tensor<4xi2> {
  // expected-error @+1 {{codes in range [-4, 3] must be i3, got i2}}
  %q = nn.quantize %x scale(0.25) range(-4, 3) : tensor<4xf32> -> tensor<4xi2>
  func.return %q : tensor<4xi2>
}

// -----

func.func @empty_range(%x: f32) -> i2 {
  // expected-error @+1 {{empty range: qmin 3 > qmax 0}}
  %q = nn.quantize %x scale(0.25) range(3, 0) : f32 -> i2
  func.return %q : i2
}

// -----

func.func @bad_scale(%x: f32) -> i2 {
  // expected-error @+1 {{scale must be positive and finite, got -0.25}}
  %q = nn.quantize %x scale(-0.25) range(0, 3) : f32 -> i2
  func.return %q : i2
}

// -----

func.func @shape_mismatch(%q: tensor<4xi2>) -> tensor<2xf32> {
  // expected-error @+1 {{shapes differ}}
  %d = nn.dequantize %q scale(0.25) range(0, 3) : tensor<4xi2> -> tensor<2xf32>
  func.return %d : tensor<2xf32>
}

// -----

func.func @gather_out_of_range(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{index out of range for an input of 2 elements}}
  %g = nn.gather %x [0, 2] : tensor<2xf32> -> tensor<2xf32>
  func.return %g : tensor<2xf32>
}

// -----

func.func @contract_shapes(%x: tensor<2xf32>, %i: tensor<1xf32>) -> tensor<1xf32> {
  // expected-error @+1 {{weights [1, 2] and indices [1, 3] must both be [1, K]}}
  %c = nn.contract %x, %i weights(dense<[[1.0, 2.0]]> : tensor<1x2xf32>) indices(dense<[[0, 1, 1]]> : tensor<1x3xi32>) : (tensor<2xf32>, tensor<1xf32>) -> tensor<1xf32>
  func.return %c : tensor<1xf32>
}

// -----

func.func @partition_yields_wrong_width(%a: i2) -> i3 {
  // expected-error @+1 {{partition yields tensor<1xi2> but its result is i3}}
  %p = nn.partition(%a) : (i2) -> i3 {
  ^bb0(%u: i2):
    %t = tensor.from_elements %u : tensor<1xi2>
    nn.yield %t : tensor<1xi2>
  }
  func.return %p : i3
}

// -----

func.func @partition_block_args(%a: i2) -> i2 {
  // expected-error @+1 {{partition block arguments (i3) must match the operands (i2)}}
  %p = nn.partition(%a) : (i2) -> i2 {
  ^bb0(%u: i3):
    %c = arith.constant 0 : i2
    nn.yield %c : i2
  }
  func.return %p : i2
}

// -----

func.func @map_lengths(%a: tensor<2xf32>, %b: tensor<3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{operand #1 has a different length than the result (2)}}
  %m = nn.map(%a, %b) : (tensor<2xf32>, tensor<3xf32>) -> tensor<2xf32> {
  ^bb0(%x: f32, %y: f32):
    %s = arith.addf %x, %y : f32
    nn.yield %s : f32
  }
  func.return %m : tensor<2xf32>
}

// -----

func.func @group_reads_rows(%a: i2, %b: i2) -> (i2, i2) {
  // expected-error @+1 {{reads has 1 rows for 2 results}}
  %r:2 = "nn.partition_group"(%a, %b) <{reads = dense<[[0]]> : tensor<1x1xi32>, data = []}> ({
  ^bb0(%x: i2):
    %v = tensor.from_elements %x : tensor<1xi2>
    nn.yield %v : tensor<1xi2>
  }) : (i2, i2) -> (i2, i2)
  func.return %r#0, %r#1 : i2, i2
}

// -----

func.func @group_reads_wrong_width(%a: i2, %b: i3) -> (i2, i2) {
  // expected-error @+1 {{partition 1 reads operand #1 (i3) as body argument #0 (i2)}}
  %r:2 = nn.partition_group(%a, %b) reads(dense<[[0], [1]]> : tensor<2x1xi32>) data() : (i2, i3) -> i2 {
  ^bb0(%x: i2):
    %v = tensor.from_elements %x : tensor<1xi2>
    nn.yield %v : tensor<1xi2>
  }
  func.return %r#0, %r#1 : i2, i2
}

// -----

func.func @group_data_first_row(%a: i2, %b: i2) -> (i2, i2) {
  // expected-error @+1 {{data #0[0] differs from the body's own array ('nn.gather')}}
  %r:2 = nn.partition_group(%a, %b) reads(dense<[[0, 1], [1, 0]]> : tensor<2x2xi32>) data(dense<[[1], [0]]> : tensor<2x1xi64>) : (i2, i2) -> i2 {
  ^bb0(%x: i2, %y: i2):
    %v = tensor.from_elements %x, %y : tensor<2xi2>
    %d = nn.dequantize %v scale(0.5) range(0, 3) : tensor<2xi2> -> tensor<2xf32>
    %g = nn.gather %d [0] : tensor<2xf32> -> tensor<1xf32>
    %q = nn.quantize %g scale(0.5) range(0, 3) : tensor<1xf32> -> tensor<1xi2>
    nn.yield %q : tensor<1xi2>
  }
  func.return %r#0, %r#1 : i2, i2
}

// -----

func.func @group_data_index_range(%a: i2, %b: i2) -> (i2, i2) {
  // expected-error @+1 {{data #0 has an index out of range for an input of 2 elements}}
  %r:2 = nn.partition_group(%a, %b) reads(dense<[[0, 1], [1, 0]]> : tensor<2x2xi32>) data(dense<[[0], [2]]> : tensor<2x1xi64>) : (i2, i2) -> i2 {
  ^bb0(%x: i2, %y: i2):
    %v = tensor.from_elements %x, %y : tensor<2xi2>
    %d = nn.dequantize %v scale(0.5) range(0, 3) : tensor<2xi2> -> tensor<2xf32>
    %g = nn.gather %d [0] : tensor<2xf32> -> tensor<1xf32>
    %q = nn.quantize %g scale(0.5) range(0, 3) : tensor<1xf32> -> tensor<1xi2>
    nn.yield %q : tensor<1xi2>
  }
  func.return %r#0, %r#1 : i2, i2
}
