// RUN: lutopt %s --split-input-file --verify-diagnostics

func.func @operand_type(%a: i2, %b: i1) -> i1 {
  // expected-error @+1 {{operand #0 must be i1, got i2}}
  %y = "gate.netlist"(%a, %b) <{fn = dense<1> : tensor<1xi8>, a = dense<1> : tensor<1xi32>, b = dense<2> : tensor<1xi32>, outputs = dense<6> : tensor<1xi32>}> : (i2, i1) -> i1
  func.return %y : i1
}

// -----

func.func @result_type(%a: i1, %b: i1) -> i4 {
  // expected-error @+1 {{result #0 must be i1, got i4}}
  %y = "gate.netlist"(%a, %b) <{fn = dense<1> : tensor<1xi8>, a = dense<1> : tensor<1xi32>, b = dense<2> : tensor<1xi32>, outputs = dense<6> : tensor<1xi32>}> : (i1, i1) -> i4
  func.return %y : i4
}

// -----

func.func @fn_type(%a: i1, %b: i1) -> i1 {
  // expected-error @+1 {{'fn' must be a one-dimensional tensor of i8, got tensor<1xi32>}}
  %y = "gate.netlist"(%a, %b) <{fn = dense<1> : tensor<1xi32>, a = dense<1> : tensor<1xi32>, b = dense<2> : tensor<1xi32>, outputs = dense<6> : tensor<1xi32>}> : (i1, i1) -> i1
  func.return %y : i1
}

// -----

func.func @fanin_type(%a: i1, %b: i1) -> i1 {
  // expected-error @+1 {{'b' must be a one-dimensional tensor of i32, got tensor<1x1xi32>}}
  %y = "gate.netlist"(%a, %b) <{fn = dense<1> : tensor<1xi8>, a = dense<1> : tensor<1xi32>, b = dense<2> : tensor<1x1xi32>, outputs = dense<6> : tensor<1xi32>}> : (i1, i1) -> i1
  func.return %y : i1
}

// -----

func.func @lengths(%a: i1, %b: i1) -> i1 {
  // expected-error @+1 {{'fn', 'a' and 'b' must have one entry per gate, got 2, 1 and 1}}
  %y = "gate.netlist"(%a, %b) <{fn = dense<1> : tensor<2xi8>, a = dense<1> : tensor<1xi32>, b = dense<2> : tensor<1xi32>, outputs = dense<6> : tensor<1xi32>}> : (i1, i1) -> i1
  func.return %y : i1
}

// -----

func.func @output_count(%a: i1, %b: i1) -> i1 {
  // expected-error @+1 {{'outputs' has 2 entries but the op has 1 results}}
  %y = "gate.netlist"(%a, %b) <{fn = dense<1> : tensor<1xi8>, a = dense<1> : tensor<1xi32>, b = dense<2> : tensor<1xi32>, outputs = dense<6> : tensor<2xi32>}> : (i1, i1) -> i1
  func.return %y : i1
}

// -----

func.func @negative_output(%a: i1, %b: i1) -> i1 {
  // expected-error @+1 {{output 0 has negative literal -3}}
  %y = "gate.netlist"(%a, %b) <{fn = dense<1> : tensor<1xi8>, a = dense<1> : tensor<1xi32>, b = dense<2> : tensor<1xi32>, outputs = dense<-3> : tensor<1xi32>}> : (i1, i1) -> i1
  func.return %y : i1
}

// -----

func.func @function_range(%a: i1, %b: i1) -> i1 {
  // expected-error @+1 {{gate 1 has function 16, expected 0..15}}
  %y = "gate.netlist"(%a, %b) <{fn = dense<[1, 16]> : tensor<2xi8>, a = dense<1> : tensor<2xi32>, b = dense<2> : tensor<2xi32>, outputs = dense<6> : tensor<1xi32>}> : (i1, i1) -> i1
  func.return %y : i1
}

// -----

func.func @cycle(%a: i1, %b: i1) -> i1 {
  // expected-error @+1 {{gate 0 (node 3) has second fanin node 4, which is not an earlier node (the netlist must be acyclic and in topological order)}}
  %y = "gate.netlist"(%a, %b) <{fn = dense<1> : tensor<2xi8>, a = dense<[1, 3]> : tensor<2xi32>, b = dense<[4, 2]> : tensor<2xi32>, outputs = dense<8> : tensor<1xi32>}> : (i1, i1) -> i1
  func.return %y : i1
}

// -----

func.func @self_loop(%a: i1, %b: i1) -> i1 {
  // expected-error @+1 {{gate 0 (node 3) has first fanin node 3, which is not an earlier node}}
  %y = "gate.netlist"(%a, %b) <{fn = dense<1> : tensor<1xi8>, a = dense<3> : tensor<1xi32>, b = dense<2> : tensor<1xi32>, outputs = dense<6> : tensor<1xi32>}> : (i1, i1) -> i1
  func.return %y : i1
}

// -----

func.func @negative_fanin(%a: i1, %b: i1) -> i1 {
  // expected-error @+1 {{gate 0 (node 3) has first fanin node -1, which is not an earlier node}}
  %y = "gate.netlist"(%a, %b) <{fn = dense<1> : tensor<1xi8>, a = dense<-1> : tensor<1xi32>, b = dense<2> : tensor<1xi32>, outputs = dense<6> : tensor<1xi32>}> : (i1, i1) -> i1
  func.return %y : i1
}

// -----

func.func @output_range(%a: i1, %b: i1) -> i1 {
  // expected-error @+1 {{output 0 refers to node 7, but there are 4 nodes}}
  %y = "gate.netlist"(%a, %b) <{fn = dense<1> : tensor<1xi8>, a = dense<1> : tensor<1xi32>, b = dense<2> : tensor<1xi32>, outputs = dense<14> : tensor<1xi32>}> : (i1, i1) -> i1
  func.return %y : i1
}

// -----

// Custom form: a gate may only use earlier nodes.
func.func @use_before_def(%a: i1, %b: i1) -> i1 {
  %y = gate.netlist(%a, %b) {
    // expected-error @+1 {{'later' is not defined (a gate may only use false, the inputs i0..i1 and earlier gates)}}
    g0 = and i0, later
    later = or i0, i1
    output g0
  } : (i1, i1) -> (i1)
  func.return %y : i1
}

// -----

func.func @input_out_of_range(%a: i1, %b: i1) -> i1 {
  %y = gate.netlist(%a, %b) {
    // expected-error @+1 {{'i2' is not defined}}
    g0 = and i0, i2
    output g0
  } : (i1, i1) -> (i1)
  func.return %y : i1
}

// -----

func.func @redefined(%a: i1, %b: i1) -> i1 {
  %y = gate.netlist(%a, %b) {
    g0 = and i0, i1
    // expected-error @+1 {{'g0' is already defined}}
    g0 = or i0, i1
    output g0
  } : (i1, i1) -> (i1)
  func.return %y : i1
}

// -----

func.func @unknown_function(%a: i1, %b: i1) -> i1 {
  %y = gate.netlist(%a, %b) {
    // expected-error @+1 {{unknown gate function 'mux' (expected one of false, and, a_and_not_b}}
    g0 = mux i0, i1
    output g0
  } : (i1, i1) -> (i1)
  func.return %y : i1
}

// -----

func.func @undefined_output(%a: i1, %b: i1) -> i1 {
  %y = gate.netlist(%a, %b) {
    g0 = and i0, i1
    // expected-error @+1 {{'g1' is not defined}}
    output !g1
  } : (i1, i1) -> (i1)
  func.return %y : i1
}

// -----

func.func @result_count(%a: i1, %b: i1) -> i1 {
  %y = gate.netlist(%a, %b) {
    output i0
  // expected-error @+1 {{1 outputs but 2 result types}}
  } : (i1, i1) -> (i1, i1)
  func.return %y : i1
}

// -----

func.func @operand_count(%a: i1, %b: i1) -> i1 {
  %y = gate.netlist(%a, %b) {
    output i0
  // expected-error @+1 {{2 operands but 1 operand types}}
  } : (i1) -> (i1)
  func.return %y : i1
}

// -----

func.func @hex_length(%a: i1, %b: i1) -> i1 {
  // expected-error @+1 {{the gates hold 8 bytes, not a multiple of 9 (fn: 1 byte, a and b: 4 bytes per gate)}}
  %y = gate.netlist(%a, %b) gates "0x0101000000020000" outputs "0x06000000" : (i1, i1) -> (i1)
  func.return %y : i1
}

// -----

func.func @hex_digits(%a: i1, %b: i1) -> i1 {
  // expected-error @+1 {{malformed hex in the gates}}
  %y = gate.netlist(%a, %b) gates "0x01zz" outputs "0x06000000" : (i1, i1) -> (i1)
  func.return %y : i1
}

// -----

func.func @hex_prefix(%a: i1, %b: i1) -> i1 {
  // expected-error @+1 {{the outputs must be a hex string starting with 0x}}
  %y = gate.netlist(%a, %b) gates "0x" outputs "06000000" : (i1, i1) -> (i1)
  func.return %y : i1
}

// -----

func.func @hex_outputs(%a: i1, %b: i1) -> i1 {
  // expected-error @+1 {{the outputs hold 3 bytes, not a multiple of 4 (one 4-byte literal per output)}}
  %y = gate.netlist(%a, %b) gates "0x" outputs "0x060000" : (i1, i1) -> (i1)
  func.return %y : i1
}

// -----

func.func @hex_verified(%a: i1, %b: i1) -> i1 {
  // expected-error @+1 {{gate 0 (node 3) has first fanin node 9, which is not an earlier node}}
  %y = gate.netlist(%a, %b) gates "0x010900000002000000" outputs "0x06000000" : (i1, i1) -> (i1)
  func.return %y : i1
}
