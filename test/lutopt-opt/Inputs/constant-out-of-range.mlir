hw.module @m(out y: i4) {
  %c = hw.constant 0x8F : i4
  hw.output %c : i4
}
