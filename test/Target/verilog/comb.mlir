// RUN: lutopt %s -t verilog | filecheck %s

// One Verilog expression per comb op; signed operations use $signed; small constants
// are inlined as sized hexadecimal literals. Arrays are flat vectors (hw.array_create
// lists the highest element first). A wire with unread bits (rep[7:6], rep[3:0]) is
// wrapped in lint_off UNUSEDSIGNAL.
// CHECK-LABEL: module ops (
// CHECK:      wire [3:0] add = a + b + 4'h1;
// CHECK-NEXT: wire [3:0] mul = a * b;
// CHECK-NEXT: wire [3:0] sub = a - b;
// CHECK-NEXT: wire [3:0] and_ = a & b;
// CHECK-NEXT: wire [3:0] or_ = a | b;
// CHECK-NEXT: wire [3:0] xor_ = a ^ b;
// CHECK-NEXT: wire [3:0] shl = a << b;
// CHECK-NEXT: wire [3:0] shru = a >> b;
// CHECK-NEXT: wire [3:0] shrs = $signed(a) >>> b;
// CHECK-NEXT: wire [3:0] divu = a / b;
// CHECK-NEXT: wire [3:0] mods = $signed(a) % $signed(b);
// CHECK-NEXT: wire eq = a == b;
// CHECK-NEXT: wire ne = a != b;
// CHECK-NEXT: wire slt = $signed(a) < $signed(b);
// CHECK-NEXT: wire sge = $signed(a) >= $signed(b);
// CHECK-NEXT: wire ule = a <= b;
// CHECK-NEXT: wire ugt = a > b;
// CHECK-NEXT: wire parity = ^a;
// CHECK-NEXT: /* verilator lint_off UNUSEDSIGNAL */
// CHECK-NEXT: wire [7:0] rep = {2{a}};
// CHECK-NEXT: /* verilator lint_on UNUSEDSIGNAL */
// CHECK-NEXT: wire [1:0] ext = rep[5:4];
// CHECK-NEXT: wire [3:0] mux = eq ? add : mul;
// CHECK-NEXT: assign w = {ext, ext, ext, ext};
// CHECK-NEXT: assign y = {mux, sub, and_, or_, xor_, shl, shru, shrs, divu, mods};
// CHECK-NEXT: assign z = {ne, slt, sge, ule, ugt, parity};
hw.module @ops(in %a : i4, in %b : i4, out y : i40, out z : i6, out w : !hw.array<4xi2>) {
  %one = hw.constant 1 : i4
  %add = comb.add %a, %b, %one : i4
  %mul = comb.mul %a, %b : i4
  %sub = comb.sub %a, %b : i4
  %and_ = comb.and %a, %b : i4
  %or_ = comb.or %a, %b : i4
  %xor_ = comb.xor %a, %b : i4
  %shl = comb.shl %a, %b : i4
  %shru = comb.shru %a, %b : i4
  %shrs = comb.shrs %a, %b : i4
  %divu = comb.divu %a, %b : i4
  %mods = comb.mods %a, %b : i4
  %eq = comb.icmp eq %a, %b : i4
  %ne = comb.icmp ne %a, %b : i4
  %slt = comb.icmp slt %a, %b : i4
  %sge = comb.icmp sge %a, %b : i4
  %ule = comb.icmp ule %a, %b : i4
  %ugt = comb.icmp ugt %a, %b : i4
  %parity = "comb.parity"(%a) : (i4) -> i1
  %rep = comb.replicate %a : (i4) -> i8
  %ext = comb.extract %rep from 4 : (i8) -> i2
  %mux = comb.mux %eq, %add, %mul : i4
  %arr = hw.array_create %ext, %ext, %ext, %ext : i2
  %y = comb.concat %mux, %sub, %and_, %or_, %xor_, %shl, %shru, %shrs, %divu, %mods : i4, i4, i4, i4, i4, i4, i4, i4, i4, i4
  %z = comb.concat %ne, %slt, %sge, %ule, %ugt, %parity : i1, i1, i1, i1, i1, i1
  hw.output %y, %z, %arr : i40, i6, !hw.array<4xi2>
}
