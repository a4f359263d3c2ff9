// lower-to-luts{lut-size=K}: every table becomes LUTs of at most K one-bit inputs and a
// one-bit result; codes are split into bits with comb.extract and rebuilt with comb.concat.
// RUN: lutopt %s -p 'lower-to-luts{lut-size=4}' | filecheck %s
// RUN: lutopt %s -p 'lower-to-luts{lut-size=4}' --check-passes > /dev/null
// RUN: lutopt %s -p 'lower-to-rtl{lut-size=4 pipeline-stages=1}' --check-passes > /dev/null
// RUN: not lutopt %s -p 'lower-to-luts{lut-size=9}' 2>&1 | filecheck %s --check-prefix=BADK
// BADK: error: lower-to-luts: lut-size must be between 3 and 8, got 9

// CHECK-LABEL: func.func @f(%a: i2, %b: i2, %c: i2) -> i2
// CHECK-DAG: comb.extract %a from 1
// CHECK-DAG: comb.extract %a from 0
// CHECK-NOT: (i1, i1, i1, i1, i1
// CHECK-NOT: lut.table({{.*}}) -> i2
// CHECK-NOT: lut.table({{.*}}i2{{.*}}) ->
// CHECK: %[[R:.*]] = comb.concat %{{.*}}, %{{.*}} : i1, i1
// CHECK-NEXT: func.return %[[R]] : i2
func.func @f(%a: i2, %b: i2, %c: i2) -> i2 {
  %t = lut.table(%a, %b, %c) "0x02030202030200030302030000000303030200010001030201000102010100010300030300010300020000010201000103000002000202010300020002000200" : (i2, i2, i2) -> i2
  func.return %t : i2
}
// The covering effort reaches lut-decompose through both pipelines.
// RUN: lutopt %s -p 'lower-to-luts{lut-size=4 effort=0}' --check-passes > /dev/null
// RUN: lutopt %s -p 'lower-to-rtl{lut-size=4 effort=1}' --check-passes > /dev/null
// RUN: not lutopt %s -p 'lower-to-luts{lut-size=4 effort=7}' 2>&1 | filecheck %s --check-prefix=BADE
// BADE: effort must be 0, 1 or 2, got 7
