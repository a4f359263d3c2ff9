"""NumPy semantics of the tensor-level ops torch-mlir prints (shared by the nn passes).

- `constant_array(op_or_value, ctx)`: the array of an `arith.constant` (dense, splat,
  `dense_resource` blob, scalar).
- linalg ops are seen as loop nests by `lutopt.interpreters.structured` (`structured_view`,
  domain points, flat ids); `evaluate_structured(view, arrays)` evaluates one, and
  `evaluate_movement(op, arrays)` a data-movement op (reshapes, slices, concat); with
  `batched=True` both run on many input vectors at once (a leading batch axis).
- `eval_body(block, args, ...)`: the scalar body of a `linalg.generic` on arrays.
- `evaluate_op(op, operands)`: any supported op on constant arrays (constant folding).

Float semantics are float32 throughout. Contractions of the matmul family use a fused
multiply-add per step in order of k (`fma_f32`), which is what PyTorch's CPU kernels
compute; other reductions round each `mulf`/`addf` as MLIR specifies.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from xdsl.context import Context
from xdsl.dialects import arith, tensor
from xdsl.dialects.builtin import (
    DenseIntOrFPElementsAttr,
    DenseResourceAttr,
    FloatAttr,
    IntegerAttr,
    IntegerType,
    TensorType,
)
from xdsl.ir import Block, Operation, SSAValue

from lutopt.interpreters.common import Unsupported, numpy_dtype, shape_of
from lutopt.interpreters.structured import StructuredView, domain_points, flat_ids, reduction_order, structured_view
from lutopt.ir.comb import icmp_predicate


# --------------------------------------------------------------------- constants


def _resource_blob(ctx: Context | None, key: str) -> bytes | None:
    from xdsl.dialect_interfaces.op_asm import OpAsmDialectInterface

    dialects = []
    if ctx is not None:
        d = ctx.get_optional_dialect("builtin")
        if d is not None:
            dialects.append(d)
    from xdsl.dialects.builtin import Builtin

    dialects.append(Builtin)
    keys = [key]
    for k in keys:
        for d in dialects:
            iface = d.get_interface(OpAsmDialectInterface)
            if iface is None:
                continue
            blob = iface.lookup(k)
            if blob:
                return bytes.fromhex(blob[2:])
    return None


def attr_array(attr, ctx: Context | None = None) -> np.ndarray | None:
    """The value of a constant attribute as an array (None if not understood)."""
    if isinstance(attr, DenseIntOrFPElementsAttr):
        t = attr.get_type()
        shape = tuple(t.get_shape())
        elt = t.get_element_type()
        dt = numpy_dtype(elt)
        if isinstance(elt, IntegerType) and elt.width.data == 1:
            raw = np.frombuffer(attr.data.data, dtype=np.int8).astype(np.bool_)
        else:
            raw = np.frombuffer(attr.data.data, dtype=dt.newbyteorder("<"))
        n = int(np.prod(shape)) if shape else 1
        if raw.size == 1 and n != 1:
            return np.full(shape, raw[0], dtype=dt)
        return raw.astype(dt).reshape(shape)
    if isinstance(attr, DenseResourceAttr):
        t = attr.get_type()
        shape = tuple(t.get_shape())
        dt = numpy_dtype(t.get_element_type())
        blob = _resource_blob(ctx, attr.resource_handle.data)
        if blob is None:
            return None
        data = blob[4:]  # the first four bytes are the alignment
        raw = np.frombuffer(data, dtype=dt.newbyteorder("<") if dt != np.bool_ else np.int8)
        n = int(np.prod(shape)) if shape else 1
        if raw.size == 1 and n != 1:
            return np.full(shape, raw[0], dtype=dt)
        if raw.size != n:
            return None
        return raw.astype(dt).reshape(shape)
    if isinstance(attr, FloatAttr):
        return np.array(attr.value.data, dtype=numpy_dtype(attr.type))
    if isinstance(attr, IntegerAttr):
        return np.array(attr.value.data, dtype=numpy_dtype(attr.type))
    return None


def constant_array(value: SSAValue | Operation, ctx: Context | None = None) -> np.ndarray | None:
    op = value if isinstance(value, Operation) else value.owner
    if isinstance(op, arith.ConstantOp):
        return attr_array(op.value, ctx)
    return None


# --------------------------------------------------------------------- scalar bodies


def fma_f32(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """float32 fused multiply-add (exact product in float64, one rounding to float32 per step).

    The product of two float32 is exact in float64; the sum rounds twice (to float64,
    then to float32), which differs from a single rounding only when the float64 result
    lies exactly half-way between two float32 numbers.
    """
    return (a.astype(np.float64) * b.astype(np.float64) + c.astype(np.float64)).astype(np.float32)


_CMPF = {
    # predicate -> (ordered test, true on unordered)
    "false": None,
    "oeq": (np.equal, False),
    "ogt": (np.greater, False),
    "oge": (np.greater_equal, False),
    "olt": (np.less, False),
    "ole": (np.less_equal, False),
    "one": (np.not_equal, False),
    "ord": None,
    "ueq": (np.equal, True),
    "ugt": (np.greater, True),
    "uge": (np.greater_equal, True),
    "ult": (np.less, True),
    "ule": (np.less_equal, True),
    "une": (np.not_equal, True),
    "uno": None,
    "true": None,
}
_CMPF_NAMES = list(_CMPF)


def cmpf_predicate(op: arith.CmpfOp) -> str:
    return _CMPF_NAMES[op.predicate.value.data]


def _not(r: np.ndarray) -> np.ndarray:
    return np.logical_not(r, out=r) if isinstance(r, np.ndarray) else np.logical_not(r)


def _cmpf(pred: str, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """arith.cmpf: NumPy's comparisons are the ordered ones (false on NaN); an unordered
    predicate is the negation of the opposite ordered one."""
    with np.errstate(invalid="ignore"):
        if pred == "oeq":
            return np.equal(a, b)
        if pred == "ogt":
            return np.greater(a, b)
        if pred == "oge":
            return np.greater_equal(a, b)
        if pred == "olt":
            return np.less(a, b)
        if pred == "ole":
            return np.less_equal(a, b)
        if pred == "one":
            return np.less(a, b) | np.greater(a, b)
        if pred == "ueq":
            return _not(np.less(a, b) | np.greater(a, b))
        if pred == "ugt":
            return _not(np.less_equal(a, b))
        if pred == "uge":
            return _not(np.less(a, b))
        if pred == "ult":
            return _not(np.greater_equal(a, b))
        if pred == "ule":
            return _not(np.greater(a, b))
        if pred == "une":
            return np.not_equal(a, b)
        unordered = np.isnan(a) | np.isnan(b)
        if pred == "ord":
            return _not(unordered)
        if pred == "uno":
            return unordered
        full = np.broadcast(a, b).shape
        return np.ones(full, np.bool_) if pred == "true" else np.zeros(full, np.bool_)


def _binary_float(fn: Callable) -> Callable:
    def f(op, a, b):
        with np.errstate(all="ignore"):
            return fn(a, b).astype(a.dtype if hasattr(a, "dtype") else np.float32, copy=False)

    return f


def _maximumf(a, b):
    r = np.maximum(a, b)
    return r


def _minimumf(a, b):
    return np.minimum(a, b)


SCALAR_OPS: dict[str, Callable] = {
    "arith.addf": _binary_float(np.add),
    "arith.subf": _binary_float(np.subtract),
    "arith.mulf": _binary_float(np.multiply),
    "arith.divf": _binary_float(np.divide),
    "arith.maximumf": _binary_float(_maximumf),
    "arith.minimumf": _binary_float(_minimumf),
    "arith.maxnumf": _binary_float(np.fmax),
    "arith.minnumf": _binary_float(np.fmin),
    "arith.negf": lambda op, a: np.negative(a),
    "math.absf": lambda op, a: np.abs(a),
    "math.roundeven": lambda op, a: np.rint(a),
    "math.round": lambda op, a: (np.sign(a) * np.floor(np.abs(a) + np.asarray(0.5, a.dtype))).astype(a.dtype),
    "math.floor": lambda op, a: np.floor(a),
    "math.ceil": lambda op, a: np.ceil(a),
    "math.trunc": lambda op, a: np.trunc(a),
    "math.sqrt": lambda op, a: np.sqrt(a),
    "math.exp": lambda op, a: np.exp(a),
    "math.tanh": lambda op, a: np.tanh(a),
    "arith.cmpf": lambda op, a, b: _cmpf(cmpf_predicate(op), a, b),
    "arith.select": lambda op, c, a, b: np.where(c, a, b),
    "arith.addi": lambda op, a, b: a + b,
    "arith.subi": lambda op, a, b: a - b,
    "arith.muli": lambda op, a, b: a * b,
    "arith.andi": lambda op, a, b: a & b,
    "arith.ori": lambda op, a, b: a | b,
    "arith.xori": lambda op, a, b: a ^ b,
    "arith.index_cast": lambda op, a: a.astype(numpy_dtype(op.results[0].type)),
    "arith.sitofp": lambda op, a: a.astype(numpy_dtype(op.results[0].type)),
    "arith.uitofp": lambda op, a: a.astype(numpy_dtype(op.results[0].type)),
    "arith.fptosi": lambda op, a: a.astype(numpy_dtype(op.results[0].type)),
    "arith.extf": lambda op, a: a.astype(numpy_dtype(op.results[0].type)),
    "arith.truncf": lambda op, a: a.astype(numpy_dtype(op.results[0].type)),
    "arith.extsi": lambda op, a: a.astype(numpy_dtype(op.results[0].type)),
    "arith.extui": lambda op, a: a.astype(numpy_dtype(op.results[0].type)),
    "arith.trunci": lambda op, a: a.astype(numpy_dtype(op.results[0].type)),
}


def eval_body(
    block: Block,
    args: Sequence[np.ndarray],
    outer: Callable[[SSAValue], np.ndarray],
    index: Callable[[int], np.ndarray] | None = None,
    extract: Callable[[Operation, SSAValue, list[np.ndarray]], np.ndarray] | None = None,
) -> list[np.ndarray]:
    """Runs a scalar body on arrays (one element per point); returns the yielded arrays.

    `outer(v)` gives the value of a value defined outside the block (a scalar constant);
    `index(d)` the loop index of dim d (`linalg.index`); `extract(op, tensor, indices)`
    implements `tensor.extract` from a tensor defined outside.
    """
    env: dict[SSAValue, np.ndarray] = dict(zip(block.args, args))

    def get(v: SSAValue) -> np.ndarray:
        if v in env:
            return env[v]
        r = outer(v)
        env[v] = r
        return r

    for op in block.ops:
        name = op.name
        if name in ("linalg.yield", "nn.yield"):
            return [get(v) for v in op.operands]
        if isinstance(op, arith.ConstantOp):
            a = attr_array(op.value)
            if a is None:
                raise Unsupported("unsupported constant in a body", op)
            env[op.result] = a
            continue
        if name == "linalg.index":
            if index is None:
                raise Unsupported("'linalg.index' is not supported here", op)
            env[op.results[0]] = index(op.dim.value.data)  # type: ignore[attr-defined]
            continue
        if name == "tensor.extract":
            if extract is None:
                raise Unsupported("'tensor.extract' is not supported here", op)
            env[op.results[0]] = extract(op, op.operands[0], [get(v) for v in op.operands[1:]])
            continue
        if name == "cf.assert":
            # torch-mlir guards some constant computations (batch norm's 1 / sqrt(var)).
            cond = np.asarray(get(op.operands[0]))
            if not bool(np.all(cond)):
                msg = op.properties.get("msg") or op.attributes.get("msg")
                raise Unsupported(f"assertion fails: {getattr(msg, 'data', msg)}", op)
            continue
        if name == "arith.cmpi":
            a, b = get(op.operands[0]), get(op.operands[1])
            pred = icmp_predicate(op.predicate.value.data)  # type: ignore[attr-defined]
            if pred is None:
                raise Unsupported(f"predicate {op.predicate.value.data} is not supported", op)  # type: ignore[attr-defined]
            if pred.name[0] == "u":
                a, b = a.astype(np.uint64), b.astype(np.uint64)
            env[op.results[0]] = pred.numpy(a, b)
            continue
        fn = SCALAR_OPS.get(name)
        if fn is None:
            raise Unsupported(f"'{name}' is not supported", op)
        env[op.results[0]] = fn(op, *[get(v) for v in op.operands])
    raise Unsupported("body without a terminator", block.parent_op() or block.first_op)  # type: ignore[arg-type]


# --------------------------------------------------------------------- evaluation


def _flat(a: np.ndarray) -> np.ndarray:
    """An array with a batch axis as (batch, elements)."""
    return a.reshape(a.shape[0], -1)


def evaluate_structured(
    view: StructuredView, arrays: Sequence[np.ndarray], ctx: Context | None = None, *, batched: bool = False
) -> list[np.ndarray]:
    """A linalg op on arrays (inputs then outputs); returns the results.

    With `batched`, every array has a leading batch axis, of length B (many input vectors
    at once) or 1 (a value the same for all of them, such as a constant), and so do the
    results (length B, the longest). Values read from outside the body (scalars,
    `tensor.extract` sources) must be constants.
    """
    if not batched:
        arrays = [np.asarray(a)[None] for a in arrays]
        return [r[0] for r in evaluate_structured(view, arrays, ctx, batched=True)]
    b = max(a.shape[0] for a in arrays)
    npoints = int(np.prod(view.domain)) if view.domain else 1
    dims = domain_points(view.domain)
    operands = view.inputs + view.outputs
    ids = [flat_ids(m, dims, shape_of(v), npoints) for v, m in zip(operands, view.maps)]
    nin = len(view.inputs)
    results = [np.array(np.broadcast_to(_flat(a), (b, _flat(a).shape[1]))) for a in arrays[nin:]]

    def outer(v: SSAValue) -> np.ndarray:
        return _outer_constant(v, ctx, view.op)

    def extract(op: Operation, t: SSAValue, idx: list[np.ndarray]) -> np.ndarray:
        return _extract_constant(op, t, idx, ctx)

    if not any(view.reduction):
        vals = [_flat(a)[:, i] for a, i in zip(arrays, ids)]
        if view.body == "copy":
            outs = [vals[0]]
        elif view.body == "matmul":
            raise Unsupported("a matmul without reduction", view.op)
        else:
            outs = eval_body(view.body, vals, outer, index=lambda d: dims[d], extract=extract)  # type: ignore[arg-type]
        for r, i, o in zip(results, ids[nin:], outs):
            r[:, i] = np.broadcast_to(o, (b, npoints))
        return [r.reshape((b, *shape_of(v))) for r, v in zip(results, view.outputs)]
    order = reduction_order(view)
    red = [d for d, r in enumerate(view.reduction) if r]
    k = int(np.prod([view.domain[d] for d in red]))
    npar = npoints // k
    ids = [i[order].reshape(npar, k) for i in ids]
    pts = [d[order].reshape(npar, k) for d in dims]
    acc = [r[:, i[:, 0]] for r, i in zip(results, ids[nin:])]
    for j in range(k):
        vals = [_flat(a)[:, i[:, j]] for a, i in zip(arrays[:nin], ids[:nin])]
        if view.body == "matmul":
            acc = [fma_f32(vals[0], vals[1], acc[0])]
        else:
            acc = eval_body(view.body, vals + acc, outer, index=lambda d, j=j: pts[d][:, j], extract=extract)  # type: ignore[arg-type]
            acc = [np.broadcast_to(a, (b, npar)) for a in acc]
    for r, i, a in zip(results, ids[nin:], acc):
        r[:, i[:, 0]] = a
    return [r.reshape((b, *shape_of(v))) for r, v in zip(results, view.outputs)]


def _outer_constant(v: SSAValue, ctx: Context | None, op: Operation) -> np.ndarray:
    a = constant_array(v, ctx)
    if a is None:
        raise Unsupported("the body reads a value that is not a constant", op)
    return a


def _extract_constant(op: Operation, t: SSAValue, idx: list[np.ndarray], ctx: Context | None) -> np.ndarray:
    a = constant_array(t, ctx)
    if a is None:
        raise Unsupported("'tensor.extract' from a tensor that is not constant", op)
    return a[tuple(np.asarray(i, dtype=np.int64) for i in idx)]


def static_slice(op: Operation) -> tuple[list[int], list[int], list[int]]:
    if op.operands[1:] and any(True for _ in getattr(op, "offsets", [])):
        raise Unsupported("dynamic offsets are not supported", op)
    offs = list(op.static_offsets.get_values())  # type: ignore[attr-defined]
    sizes = list(op.static_sizes.get_values())  # type: ignore[attr-defined]
    strides = list(op.static_strides.get_values())  # type: ignore[attr-defined]
    if any(s < 0 for s in offs + sizes + strides):
        raise Unsupported("dynamic offsets, sizes or strides are not supported", op)
    return offs, sizes, strides


def movement_ids(op: Operation) -> list[tuple[int, np.ndarray]] | None:
    """For a pure data-movement tensor op: per result element, (operand #, flat id) as two arrays.

    Returns a list with one (operand index array, flat id array) pair flattened into a
    single structure: [(operand_number_array, id_array)], or None if `op` is not one.
    """
    name = op.name
    if name in ("tensor.expand_shape", "tensor.collapse_shape", "tensor.reshape", "tensor.cast"):
        n = int(np.prod(shape_of(op.results[0])))
        return [(np.zeros(n, np.int64), np.arange(n, dtype=np.int64))]
    if name == "tensor.extract_slice":
        offs, sizes, strides = static_slice(op)
        src = shape_of(op.operands[0])
        grids = np.indices(sizes, dtype=np.int64)
        flat = np.zeros(grids.shape[1:], np.int64)
        for d in range(len(src)):
            flat = flat * src[d] + offs[d] + grids[d] * strides[d]
        return [(np.zeros(flat.size, np.int64), flat.reshape(-1))]
    if name == "tensor.concat":
        dim = op.dim.value.data  # type: ignore[attr-defined]
        pieces = []
        for i, v in enumerate(op.operands):
            shp = shape_of(v)
            ids = np.arange(int(np.prod(shp)), dtype=np.int64).reshape(shp)
            pieces.append((np.full(shp, i, np.int64), ids))
        opn = np.concatenate([p[0] for p in pieces], axis=dim).reshape(-1)
        ids = np.concatenate([p[1] for p in pieces], axis=dim).reshape(-1)
        return [(opn, ids)]
    if name == "tensor.insert_slice":
        offs, sizes, strides = static_slice(op)
        dst = shape_of(op.operands[1])
        n = int(np.prod(dst))
        opn = np.ones(n, np.int64)
        ids = np.arange(n, dtype=np.int64)
        grids = np.indices(sizes, dtype=np.int64)
        flat = np.zeros(grids.shape[1:], np.int64)
        for d in range(len(dst)):
            flat = flat * dst[d] + offs[d] + grids[d] * strides[d]
        opn[flat.reshape(-1)] = 0
        ids[flat.reshape(-1)] = np.arange(flat.size)
        return [(opn, ids)]
    return None


def evaluate_movement(op: Operation, arrays: Sequence[np.ndarray], *, batched: bool = False) -> np.ndarray | None:
    """The result of a data-movement op (see `movement_ids`) on its operand arrays; None
    if `op` is not one.

    Elements, and the result's dtype, come from the operands that supply elements (not
    a `tensor.reshape`'s shape operand). With `batched`, as `evaluate_structured`.
    """
    mv = movement_ids(op)
    if mv is None:
        return None
    if not batched:
        arrays = [np.asarray(a)[None] for a in arrays]
    opn, ids = mv[0]
    arrays = arrays[: int(opn.max(initial=0)) + 1]
    b = max(a.shape[0] for a in arrays)
    flat = [np.broadcast_to(_flat(a), (b, _flat(a).shape[1])) for a in arrays]
    out = np.empty((b, len(ids)), dtype=np.result_type(*[a.dtype for a in flat]))
    for i, a in enumerate(flat):
        sel = opn == i
        out[:, sel] = a[:, ids[sel]]
    out = out.reshape((b, *shape_of(op.results[0])))
    return out if batched else out[0]


def evaluate_op(op: Operation, arrays: Sequence[np.ndarray], ctx: Context | None = None) -> list[np.ndarray] | None:
    """Evaluates `op` on constant operand arrays; None if the op is not modelled."""
    view = structured_view(op)
    if view is not None:
        return evaluate_structured(view, arrays, ctx)
    moved = evaluate_movement(op, arrays)
    if moved is not None:
        return [moved]
    if isinstance(op, tensor.EmptyOp):
        t = op.results[0].type
        return [np.zeros(shape_of(op.results[0]), dtype=numpy_dtype(t.get_element_type()))]  # type: ignore[attr-defined]
    if op.name == "tensor.from_elements":
        return [np.array([np.asarray(a).item() for a in arrays]).astype(numpy_dtype(op.results[0].type.get_element_type())).reshape(shape_of(op.results[0]))]  # type: ignore[attr-defined]
    if op.name == "tensor.extract":
        a = arrays[0]
        return [np.asarray(a[tuple(int(i) for i in arrays[1:])])]
    if op.name == "tensor.splat":
        return [np.full(shape_of(op.results[0]), np.asarray(arrays[0]).item(), dtype=np.asarray(arrays[0]).dtype)]
    fn = SCALAR_OPS.get(op.name)
    if fn is not None and not isinstance(op.results[0].type, TensorType):
        return [np.asarray(fn(op, *arrays))]
    return None
