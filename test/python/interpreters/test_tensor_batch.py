"""The tensor interpreter (`lutopt.interpreters.tensor`) with a batch axis: many input
vectors at once give, vector by vector, what NumPy computes and what one vector at a time
gives (the evaluator `--check-passes` runs for the nn passes, and constant folding)."""

from __future__ import annotations

import numpy as np

from lutopt.api import parse_module
from lutopt.interpreters.structured import structured_view
from lutopt.interpreters.tensor import evaluate_movement, evaluate_op, evaluate_structured

# Integer-valued floats: every sum and product is exact, so NumPy is the oracle.
MODULE = """
func.func @f(%x: tensor<1x3xf32>, %y: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[1.0, -2.0], [3.0, 4.0], [-5.0, 6.0]]> : tensor<3x2xf32>
  %z = arith.constant dense<0.0> : tensor<1x2xf32>
  %m = linalg.matmul ins(%x, %w : tensor<1x3xf32>, tensor<3x2xf32>) outs(%z : tensor<1x2xf32>) -> tensor<1x2xf32>
  %e = tensor.empty() : tensor<1x2xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%m, %y : tensor<1x2xf32>, tensor<1x2xf32>) outs(%e : tensor<1x2xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %i = linalg.index 1 : index
    %ii = arith.index_cast %i : index to i64
    %fi = arith.sitofp %ii : i64 to f32
    %s = arith.addf %a, %b : f32
    %t = arith.addf %s, %fi : f32
    %c0 = arith.constant 0.0 : f32
    %u = arith.maximumf %t, %c0 : f32
    linalg.yield %u : f32
  } -> tensor<1x2xf32>
  %cat = tensor.concat dim(1) %r, %x : (tensor<1x2xf32>, tensor<1x3xf32>) -> tensor<1x5xf32>
  %sl = tensor.extract_slice %cat[0, 1] [1, 2] [1, 2] : tensor<1x5xf32> to tensor<1x2xf32>
  func.return %sl : tensor<1x2xf32>
}
"""

W = np.array([[1.0, -2.0], [3.0, 4.0], [-5.0, 6.0]], np.float32)


def _ops():
    m = parse_module(MODULE)
    return {op.results[0].name_hint: op for op in m.walk() if op.results and op.results[0].name_hint}


def test_batched_structured_ops_agree_with_numpy_and_with_one_vector_at_a_time():
    ops = _ops()
    rng = np.random.default_rng(1)
    b = 50
    x = rng.integers(-8, 8, size=(b, 1, 3)).astype(np.float32)
    y = rng.integers(-8, 8, size=(b, 1, 2)).astype(np.float32)
    (m,) = evaluate_structured(structured_view(ops["m"]), [x, W[None], np.zeros((1, 1, 2), np.float32)], batched=True)
    assert m.shape == (b, 1, 2) and m.dtype == np.float32
    np.testing.assert_array_equal(m, x @ W)
    (r,) = evaluate_structured(structured_view(ops["r"]), [m, y, np.zeros((1, 1, 2), np.float32)], batched=True)
    np.testing.assert_array_equal(r, np.maximum(m + y + np.array([0.0, 1.0], np.float32), 0))
    for k in range(b):
        (m1,) = evaluate_structured(structured_view(ops["m"]), [x[k], W, np.zeros((1, 2), np.float32)])
        (r1,) = evaluate_structured(structured_view(ops["r"]), [m1, y[k], np.zeros((1, 2), np.float32)])
        assert m1.shape == (1, 2)
        np.testing.assert_array_equal(m1, m[k])
        np.testing.assert_array_equal(r1, r[k])


def test_batched_movement_ops():
    ops = _ops()
    rng = np.random.default_rng(2)
    r = rng.standard_normal((7, 1, 2)).astype(np.float32)
    x = rng.standard_normal((1, 1, 3)).astype(np.float32)  # the same for every vector
    cat = evaluate_movement(ops["cat"], [r, x], batched=True)
    np.testing.assert_array_equal(cat, np.concatenate([r, np.broadcast_to(x, (7, 1, 3))], axis=2))
    sl = evaluate_movement(ops["sl"], [cat], batched=True)
    np.testing.assert_array_equal(sl, cat[:, :, 1:5:2])
    np.testing.assert_array_equal(evaluate_movement(ops["sl"], [cat[3]]), cat[3][:, 1:5:2])
    assert evaluate_movement(ops["m"], []) is None  # not a data-movement op


def test_reshape_takes_its_elements_and_dtype_from_the_source_only():
    m = parse_module(
        """
func.func @g(%s: tensor<2xi64>) -> tensor<2x2xf32> {
  %c = arith.constant dense<[1.5, 2.5, 3.5, 4.5]> : tensor<4xf32>
  %r = tensor.reshape %c(%s) : (tensor<4xf32>, tensor<2xi64>) -> tensor<2x2xf32>
  func.return %r : tensor<2x2xf32>
}
"""
    )
    op = next(o for o in m.walk() if o.name == "tensor.reshape")
    (out,) = evaluate_op(op, [np.array([1.5, 2.5, 3.5, 4.5], np.float32), np.array([2, 2], np.int64)])
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [[1.5, 2.5], [3.5, 4.5]])
