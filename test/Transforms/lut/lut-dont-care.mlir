// The data set: @f reads (a, b) = (0, 1), (1, 2), (3, 3) -- entries 1, 6 and 15 of its
// table, all 1; @chain reads a = 2 and 3. @kept is not in the data set.
// RUN: %python -c "import numpy as np; np.savez('%t.npz', f=np.array([[0, 1], [1, 2], [3, -1]]), chain=np.array([[2], [3]]))"
// RUN: lutopt %s -p 'lut-dont-care{data="%t.npz" lut-size=3}' 2>%t.err | filecheck %s
// RUN: filecheck %s --check-prefix=REMARK < %t.err
// RUN: lutopt %s -p 'lut-dont-care{data="%t.npz" lut-size=3 report="%t.tsv"}' 2>%t.err2 >/dev/null
// RUN: filecheck %s --check-prefix=TSV < %t.tsv
// RUN: filecheck %s --check-prefix=SUMMARY-ONLY < %t.err2
// RUN: lutopt %s -p 'lut-dont-care{data="%t.npz" lut-size=3}' --check-passes 2>&1 >/dev/null | filecheck %s --check-prefix=CHECKED
// RUN: lutopt %s -p 'lower-to-luts{lut-size=3 dont-care="%t.npz"}' --check-passes 2>&1 >/dev/null | filecheck %s --check-prefix=PIPELINE
// RUN: lutopt %s -p 'lower-to-luts{lut-size=3}' 2>&1 >/dev/null | filecheck %s --check-prefix=OFF --allow-empty

// Bad data files and options: one error, exit 1, no output file.
// RUN: not lutopt %s -p 'lut-dont-care' -o %t.out 2>&1 | filecheck %s --check-prefix=NODATA
// RUN: not test -e %t.out
// RUN: not lutopt %s -p 'lut-dont-care{data="%t.missing.npz"}' 2>&1 | filecheck %s --check-prefix=MISSING
// RUN: not lutopt %s -p 'lut-dont-care{data="%s"}' -o %t.out 2>&1 | filecheck %s --check-prefix=NOTNPZ
// RUN: not test -e %t.out
// RUN: %python -c "import numpy as np; np.savez('%t.shape.npz', f=np.array([[0, 1, 2]]))"
// RUN: not lutopt %s -p 'lut-dont-care{data="%t.shape.npz"}' 2>&1 | filecheck %s --check-prefix=SHAPE
// RUN: %python -c "import numpy as np; np.savez('%t.range.npz', f=np.array([[0, 1], [4, 0]]))"
// RUN: not lutopt %s -p 'lut-dont-care{data="%t.range.npz"}' 2>&1 | filecheck %s --check-prefix=RANGE
// RUN: %python -c "import numpy as np; np.savez('%t.name.npz', h=np.array([[0, 1]]))"
// RUN: not lutopt %s -p 'lut-dont-care{data="%t.name.npz"}' 2>&1 | filecheck %s --check-prefix=NAME
// RUN: %python -c "import numpy as np; np.savez('%t.float.npz', f=np.array([[0.5, 1.0]]))"
// RUN: not lutopt %s -p 'lut-dont-care{data="%t.float.npz"}' 2>&1 | filecheck %s --check-prefix=FLOAT
// RUN: not lutopt %s -p 'lut-dont-care{data="%t.npz" effort=3}' 2>&1 | filecheck %s --check-prefix=EFFORT
// RUN: not lutopt %s -p 'lut-dont-care{data="%t.npz" lut-size=2}' 2>&1 | filecheck %s --check-prefix=LUTSIZE
// RUN: not lutopt %s -p 'lut-dont-care{data="%t.npz" neighbours=-1}' 2>&1 | filecheck %s --check-prefix=NEIGHBOURS
// RUN: lutopt %s -p 'lut-dont-care{data="%t.npz" lut-size=3 neighbours=1}' 2>&1 >/dev/null | filecheck %s --check-prefix=WIDE
// RUN: not lutopt %s -p 'lower-to-rtl{dont-care="%t.npz"}' 2>&1 | filecheck %s --check-prefix=RTL
// RUN: lutopt %s -p 'lower-to-rtl{lut-size=3 dont-care="%t.npz"}' --check-passes -t verilog 2>&1 >/dev/null | filecheck %s --check-prefix=PIPELINE
// RUN: not lutopt %s -p 'lut-dont-care{data="%t.npz" report="%t.nodir/r.tsv"}' -o %t.out 2>&1 | filecheck %s --check-prefix=REPORT
// RUN: not test -e %t.out

// NODATA: error: lut-dont-care: the option data=FILE is required
// MISSING: .missing.npz: error: no such data file
// NOTNPZ: lut-dont-care.mlir: error: not a NumPy .npz archive of input vectors
// SHAPE: .shape.npz: error: array 'f' has shape (1, 3); @f takes 2 argument(s), so it must be (vectors, 2)
// RANGE: .range.npz: error: array 'f', row 1, column 0: 4 does not fit argument #0 (i2: codes -2..3)
// NAME: .name.npz: error: array 'h' names no function of the module (functions: 'f', 'chain', 'kept')
// FLOAT: .float.npz: error: array 'f' holds float64 values; input codes are integers
// EFFORT: error: lut-dont-care: effort must be 0, 1 or 2, got 3
// LUTSIZE: error: lut-dont-care: lut-size must be between 3 and 8, got 2
// NEIGHBOURS: error: lut-dont-care: neighbours must not be negative, got -1
// One code step around (0, 1), (1, 2), (3, 3) keeps 10 of @f's 16 entries.
// WIDE: remark: lut-dont-care: 3 of 16 entries reached, 10 kept, 6 don't-cares
// RTL: error: lower-to-rtl: dont-care needs lut-size
// REPORT: error: lut-dont-care: cannot write the report {{.*}}.nodir/r.tsv: No such file or directory

// The three reached entries are 1: the table becomes the constant 1 (no LUT at all).
// CHECK-LABEL: func.func @f
// CHECK:         lut.table(%{{.*}}, %{{.*}}) [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1] : (i2, i2) -> i2
// REMARK: lut-dont-care.mlir:{{[0-9]+}}:3: remark: lut-dont-care: 3 of 16 entries reached, 3 kept, 13 don't-cares; 3-LUTs covered alone 3 -> 0
func.func @f(%a: i2, %b: i2) -> i2 {
  %y = "lut.table"(%a, %b) <{table = dense<[0, 1, 3, 2, 0, 0, 1, 1, 2, 2, 3, 3, 1, 0, 0, 1]> : tensor<16xi2>}> : (i2, i2) -> i2
  func.return %y : i2
}

// Only a = 2 and a = 3 reach the first table (entries 2 and 3 kept: 1 and 0); they make
// the second table read entries 6 and 3, both 0, so it becomes the constant 0.
// CHECK-LABEL: func.func @chain
// CHECK:         %[[T:.*]] = lut.table(%{{.*}}) [{{[0-9]+}}, {{[0-9]+}}, 1, 0] : (i2) -> i1
// CHECK:         lut.table(%[[T]], %{{.*}}) [0, 0, 0, 0, 0, 0, 0, 0] : (i1, i2) -> i1
// REMARK: remark: lut-dont-care: 2 of 4 entries reached, 2 kept
// REMARK: remark: lut-dont-care: 2 of 8 entries reached, 2 kept
func.func @chain(%a: i2) -> i1 {
  %t = "lut.table"(%a) <{table = dense<[0, 1, 1, 0]> : tensor<4xi1>}> : (i2) -> i1
  %y = "lut.table"(%t, %a) <{table = dense<[0, 1, 1, 0, 1, 0, 0, 1]> : tensor<8xi1>}> : (i1, i2) -> i1
  func.return %y : i1
}

// Not run by the data set: kept whole.
// CHECK-LABEL: func.func @kept
// CHECK:         lut.table(%{{.*}}) [0, 1, 1, 0] : (i2) -> i1
func.func @kept(%a: i2) -> i1 {
  %y = "lut.table"(%a) <{table = dense<[0, 1, 1, 0]> : tensor<4xi1>}> : (i2) -> i1
  func.return %y : i1
}

// REMARK: remark: lut-dont-care: 3 table(s) examined (3 vectors of @f, 2 vectors of @chain from {{.*}}.npz): 7 of 28 entries reached, 7 kept (neighbours=0), the others don't-cares; 3-LUTs of the tables covered alone {{[0-9]+}} -> {{[0-9]+}} ({{[-+][0-9]+}}, effort 1); outputs may differ on inputs outside the data set; 1 table(s) not run by the data set (or over 24 bits) kept whole

// TSV: location	entries	reached	kept	dont_cares	luts_before	luts_after
// TSV: lut-dont-care.mlir:{{[0-9]+}}:3	16	3	3	13	3	0
// SUMMARY-ONLY-NOT: remark: lut-dont-care: 3 of 16 entries
// SUMMARY-ONLY: remark: lut-dont-care: 3 table(s) examined

// CHECKED: note: --check-passes: 'lut-dont-care' is declared not equivalence-preserving: checked only on the input vectors of {{.*}}.npz (3 of @f, 2 of @chain), whose table entries it keeps
// CHECKED: warning: pass 'lut-dont-care' not checked on @kept: it is not equivalence-preserving and its data set does not run @kept
// PIPELINE: remark: lut-dont-care: 3 table(s) examined
// PIPELINE: note: --check-passes: 'lut-dont-care' is declared not equivalence-preserving
// OFF-NOT: lut-dont-care
