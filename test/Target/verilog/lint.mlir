// REQUIRES: verilator
// RUN: rm -rf %t && mkdir -p %t
// RUN: lutopt %s -t verilog -o %t/lint_top.v
// RUN: verilator --lint-only -Wall --top-module lint_top %t/lint_top.v

// What the printer emits is lint-clean under Verilator -Wall (see iverilog.mlir for Icarus):
// unused and partly read inputs, wires and registers, a clock without registers in the
// submodule, instances, wide tables, constant and variable indices, every comb op.
hw.module @sub(in %clk : !seq.clock, in %x : i4, in %unused : i3, out o : i4, out p : i1) {
  %0 = comb.add %x, %x : i4
  %1 = comb.extract %x from 3 : (i4) -> i1
  hw.output %0, %1 : i4, i1
}
hw.module @lint_top(in %clk : !seq.clock, in %a : i4, in %b : i8, in %idle : i2, out y : i4, out q : i1, out t : i2, out r : i3) attributes {lutopt.latency = 1 : i64} {
  %lo = comb.extract %b from 0 : (i8) -> i4
  %r0, %r1 = hw.instance "u" @sub(clk: %clk : !seq.clock, x: %a : i4, unused: %a3 : i3) -> (o: i4, p: i1)
  %v0, %v1 = hw.instance "unread" @sub(clk: %clk : !seq.clock, x: %lo : i4, unused: %a3 : i3) -> (o: i4, p: i1)
  %a3 = comb.extract %a from 0 : (i4) -> i3
  %c3 = hw.constant 3 : i4
  %s = comb.sub %r0, %c3 : i4
  %e = comb.icmp slt %s, %a : i4
  %f = comb.icmp uge %s, %a : i4
  %g = comb.and %e, %f, %r1 : i1
  %sh = comb.shrs %s, %a : i4
  %shl = comb.shl %sh, %a : i4
  %rep = comb.replicate %g : (i1) -> i4
  %x = comb.xor %shl, %rep : i4
  %p = "comb.parity"(%x) : (i4) -> i1
  %col = hw.constant 0x0123456789abcdef0123456789abcdef : i256
  %arr = hw.bitcast %col : (i256) -> !hw.array<256xi1>
  %idx = comb.concat %a, %b : i4, i8
  %hi = comb.extract %idx from 4 : (i12) -> i8
  %bit = hw.array_get %arr[%hi] : !hw.array<256xi1>, i8
  %pairs = hw.bitcast %col : (i256) -> !hw.array<128xi2>
  %seven = hw.constant 7 : i7
  %pair = hw.array_get %pairs[%seven] : !hw.array<128xi2>, i7
  %sel = comb.extract %b from 1 : (i8) -> i7
  %pair2 = hw.array_get %pairs[%sel] : !hw.array<128xi2>, i7
  %t = comb.mux %bit, %pair, %pair2 : i2
  %m = comb.mul %x, %a : i4
  %rt = seq.compreg %m, %clk : i4
  %rq = seq.compreg %p, %clk : i1
  %rr = seq.compreg %a3, %clk : i3
  %rtt = seq.compreg %t, %clk : i2
  hw.output %rt, %rq, %rtt, %rr : i4, i1, i2, i3
}
