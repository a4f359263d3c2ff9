// RUN: lutopt %s -t verilog --split-input-file --verify-diagnostics

hw.module @unsupported(in %a : i2, out y : i2) {
  // expected-error @+1 {{cannot emit 'arith.addi' as Verilog}}
  %y = arith.addi %a, %a : i2
  hw.output %y : i2
}

// -----

// expected-error @+1 {{cannot emit 'func.func' as Verilog}}
func.func @not_rtl(%a: i2) -> i2 {
  func.return %a : i2
}

// -----

hw.module @power_on(in %clk : !seq.clock, in %a : i2, out y : i2) {
  %init = hw.constant 1 : i2
  // expected-error @+1 {{cannot emit 'seq.compreg' with a power-on value as Verilog}}
  %r = seq.compreg %a, %clk powerOn %init : i2
  hw.output %r : i2
}

// -----

hw.module @loop(in %a : i1, out y : i1) {
  // expected-error @+1 {{cannot emit a combinational cycle as Verilog}}
  %x = comb.xor %a, %z : i1
  %z = comb.and %x, %a : i1
  hw.output %z : i1
}

// -----

hw.module @zero_width(in %a : i2, out y : i2) {
  // expected-error @+1 {{cannot emit a zero-width value as Verilog}}
  %e = comb.extract %a from 0 : (i2) -> i0
  %c = comb.concat %e, %a : i0, i2
  hw.output %c : i2
}
