"""The reference semantics of an nn-level function on codes, independent of the nn passes.

`TensorReference(func)` evaluates a function at the tensor level -- what torch-mlir
prints, after `nn-fold-constants` and `nn-raise-quantizers` (float tensors, `nn.quantize`
and `nn.dequantize` on tensors) -- on many input-code vectors at once, with the op
semantics of `python/lutopt/interpreters/tensor.py` (the tensor interpreter that constant folding uses),
and returns the output codes in the layout of the lut-level function nn-to-lut makes of
it: one scalar argument per element of each input tensor (row-major, as wide as its
quantizer's code), one result per element of each result.

It does not use the partition analysis or the enumeration (`nn_partition.py`,
`nn_enumerate.py`, `nn_absorb.py`), so `--check-passes` can check `nn-partition` and
`nn-absorb-partitions` against the function they started from.

Values carry a leading batch axis (1 for constants, B for values that depend on inputs):
the tensor interpreter's `evaluate_structured` and `evaluate_movement` with `batched=True`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from xdsl.context import Context
from xdsl.dialects import arith, func
from xdsl.dialects.builtin import TensorType
from xdsl.ir import Operation, SSAValue

from lutopt.diagnostics import LutoptError
from lutopt.interpreters.tensor import (
    Unsupported,
    constant_array,
    evaluate_movement,
    evaluate_structured,
    movement_ids,
    numpy_dtype,
    shape_of,
    structured_view,
)


def is_tensor_level(f: Operation) -> bool:
    """A function with tensor arguments whose body has raised quantizers and no partitions."""
    if not isinstance(f, func.FuncOp) or not f.body.blocks:
        return False
    if not any(isinstance(a.type, TensorType) for a in f.body.block.args):
        return False
    names = {op.name for op in f.body.block.ops}
    return "nn.quantize" in names and "nn.partition" not in names and "nn.partition_group" not in names


def quantize(x: np.ndarray, scale: np.float32, lo: int, hi: int) -> np.ndarray:
    """DESIGN.md's code: clamp(round_half_even(x / s), qmin, qmax) in float32; NaN -> qmin."""
    with np.errstate(all="ignore"):
        r = np.rint(x.astype(np.float32) / np.float32(scale))
    r = np.where(np.isnan(r), lo, r)
    return np.clip(r, lo, hi).astype(np.int64)


class TensorReference:
    """Evaluates a tensor-level function on input codes (see the module docstring)."""

    def __init__(self, f: func.FuncOp, ctx: Context | None = None):
        self.f = f
        self.ctx = ctx
        block = f.body.block
        self.input_widths: list[int] = []
        self.input_signed: list[bool] = []
        self.arg_shapes: list[tuple[int, ...]] = []
        for i, a in enumerate(block.args):
            q = self._input_quantizer(a)
            if q is None:
                raise Unsupported(f"function argument #{i} does not reach a quantizer", f)
            n = int(np.prod(shape_of(a)))
            self.input_widths += [q.width] * n
            self.input_signed += [q.signed] * n
            self.arg_shapes.append(shape_of(a))

    def _input_quantizer(self, v: SSAValue):
        from lutopt.dialects.nn import QuantizeOp

        seen = 0
        while seen < 16:
            uses = list(v.uses)
            if len(uses) != 1:
                return None
            op = uses[0].operation
            if isinstance(op, QuantizeOp):
                return op
            mv = movement_ids(op)
            if mv is None or op.operands[0] is not v or set(mv[0][0].tolist()) != {0}:
                return None
            v, seen = op.results[0], seen + 1
        return None

    def evaluate(self, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
        """Output codes (uint64 bit patterns, one array per result element) for input codes
        (uint64 bit patterns, one array per argument element)."""
        from lutopt.dialects.nn import DequantizeOp, QuantizeOp

        n = len(inputs[0]) if inputs else 1
        codes = []
        for x, w, s in zip(inputs, self.input_widths, self.input_signed):
            c = np.asarray(x, np.uint64).astype(np.int64) & ((1 << w) - 1)
            if s:
                c = np.where(c >= 1 << (w - 1), c - (1 << w), c)
            codes.append(np.broadcast_to(c, (n,)))
        env: dict[SSAValue, np.ndarray] = {}
        arg_codes: dict[SSAValue, np.ndarray] = {}  # codes of the inputs, before their quantizers
        out_codes: dict[SSAValue, tuple[np.ndarray, np.ndarray]] = {}  # (codes, widths) of dequantized values
        k = 0
        block = self.f.body.block
        for a, shp in zip(block.args, self.arg_shapes):
            m = int(np.prod(shp))
            arg_codes[a] = np.stack(codes[k : k + m], axis=1).reshape((n, *shp)) if m else np.zeros((n, *shp), np.int64)
            env[a] = np.full((1, *shp), np.nan, np.float32)
            k += m
        for op in block.ops:
            if isinstance(op, func.ReturnOp):
                return self._results(op, out_codes)
            if isinstance(op, QuantizeOp):
                lo, hi = op.bounds
                if op.input in arg_codes:
                    env[op.output] = arg_codes[op.input]
                else:
                    env[op.output] = quantize(env[op.input], op.scale_value, lo, hi)
                continue
            if isinstance(op, DequantizeOp):
                q = env[op.input]
                env[op.output] = (q.astype(np.float32) * op.scale_value).astype(np.float32)
                out_codes[op.output] = (q, np.full(q.shape[1:], op.width, np.int64))
                continue
            if isinstance(op, arith.ConstantOp):
                c = constant_array(op, self.ctx)
                if c is None:
                    raise Unsupported("unsupported constant", op)
                env[op.results[0]] = c[None]
                continue
            if op.name == "tensor.empty":
                t = op.results[0].type
                env[op.results[0]] = np.zeros((1, *shape_of(op.results[0])), numpy_dtype(t.get_element_type()))  # type: ignore[attr-defined]
                continue
            args = [env[v] for v in op.operands]
            mv = movement_ids(op)
            if mv is not None:
                # Only the operands elements come from (not a reshape's shape operand).
                srcs = op.operands[: int(mv[0][0].max(initial=0)) + 1]
                if all(v in arg_codes for v in srcs):
                    arg_codes[op.results[0]] = evaluate_movement(op, [arg_codes[v] for v in srcs], batched=True)
                if all(v in out_codes for v in srcs):
                    out_codes[op.results[0]] = (
                        evaluate_movement(op, [out_codes[v][0] for v in srcs], batched=True),
                        evaluate_movement(op, [out_codes[v][1] for v in srcs]),
                    )
                env[op.results[0]] = evaluate_movement(op, args, batched=True)
                continue
            view = structured_view(op)
            if view is None:
                raise Unsupported(f"the tensor reference does not evaluate '{op.name}'", op)
            outs = evaluate_structured(view, args, self.ctx, batched=True)
            for r, v in zip(op.results, outs):
                env[r] = v
        raise Unsupported("function without a return", self.f)

    def _results(self, ret: Operation, out_codes) -> list[np.ndarray]:
        results = []
        for i, v in enumerate(ret.operands):
            if v not in out_codes:
                raise LutoptError(f"result #{i} is not the output of a quantizer", ret)
            q, w = out_codes[v]
            q, w = q.reshape(q.shape[0], -1), w.reshape(-1)
            for e in range(q.shape[1]):
                results.append((q[:, e] & ((1 << int(w[e])) - 1)).astype(np.uint64))
        return results
