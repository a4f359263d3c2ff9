"""What the tensor interpreter (`lutopt.interpreters.tensor`) and the structured-op view
(`lutopt.interpreters.structured`) share: the `Unsupported` exception, NumPy dtypes of
element types, static shapes."""

from __future__ import annotations

import numpy as np
from xdsl.dialects.builtin import IndexType, IntegerType, TensorType
from xdsl.ir import Operation, SSAValue


class Unsupported(Exception):
    """An op (or a form of it) the nn passes do not model; carries the op for its location."""

    def __init__(self, message: str, op: Operation):
        super().__init__(message)
        self.message = message
        self.op = op


# --------------------------------------------------------------------- dtypes


def numpy_dtype(t) -> np.dtype:
    from xdsl.dialects.builtin import Float16Type, Float32Type, Float64Type

    if isinstance(t, Float32Type):
        return np.dtype(np.float32)
    if isinstance(t, Float64Type):
        return np.dtype(np.float64)
    if isinstance(t, Float16Type):
        return np.dtype(np.float16)
    if isinstance(t, IndexType):
        return np.dtype(np.int64)
    if isinstance(t, IntegerType):
        w = t.width.data
        if w == 1:
            return np.dtype(np.bool_)
        for n in (8, 16, 32, 64):
            if w <= n:
                return np.dtype("int%d" % n)
    raise ValueError(f"unsupported element type {t}")


def shape_of(value: SSAValue) -> tuple[int, ...]:
    t = value.type
    if isinstance(t, TensorType):
        return tuple(t.get_shape())
    return ()
