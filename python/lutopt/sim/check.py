"""Pass-by-pass equivalence checking by simulation.

`check_pass(before, after, pass_name)` runs every top-level function of `before` and the
function of the same name in `after` on the same input vectors -- all of them when the
inputs have at most 16 bits together, `num_vectors` random ones otherwise -- and raises a
`LutoptError` with one counterexample at the first difference:

    pass 'lower-to-rtl' changed the function of @f: for inputs a=1, b=2 output #0 is 3
    before and 1 after

A pipelined module (an hw.module with a clock port and `lutopt.latency = N`) is simulated
cycle by cycle on random input streams; its output at cycle t+N is compared with the other
side's result for the inputs of cycle t, so a pipeline that mixes data from different
cycles is caught.

Functions that the interpreter cannot run (an op it does not know, tensor arguments) are
not checked; each is reported as a warning (on stderr unless `warn` is given).

The nn passes: the function before `nn-partition` (on tensors, quantizers raised) is kept
as the *reference* (`next_reference`), and `nn-partition` and `nn-absorb-partitions` are
checked against it, evaluated on codes by `lutopt.sim.nn_reference` (the tensor
interpreter of `python/lutopt/interpreters/tensor.py`), not by the passes' own partition evaluator.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence

import numpy as np
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation

from lutopt.diagnostics import LutoptError
from lutopt.interpreters.core import (
    Interpreter,
    Signature,
    SimulationUnsupported,
    signature_of,
)
from lutopt.ir.comb import mask
from lutopt.sim.mismatch import Mismatch

EXHAUSTIVE_MAX_BITS = 16
"""Up to this many input bits, every input vector is tried."""

PAYLOAD_CYCLES = 4
"""Cycles of fresh vectors per lane when a pipelined module is simulated."""


def random_or_exhaustive_vectors(
    widths: Sequence[int], num_vectors: int = 4096, seed: int = 0
) -> list[np.ndarray]:
    """Input vectors for inputs of the given widths, one uint64 array per input.

    With at most `EXHAUSTIVE_MAX_BITS` input bits in total, all 2^bits vectors in order
    (input 0 in the most significant bits of the vector's number, as a table index).
    Otherwise `num_vectors` vectors: all zeros, all ones, then random ones drawn from
    `numpy.random.default_rng(seed)`.
    """
    total = sum(widths)
    if total <= EXHAUSTIVE_MAX_BITS:
        k = np.arange(1 << total, dtype=np.uint64)
        cols = []
        pos = total
        for w in widths:
            pos -= w
            cols.append((k >> np.uint64(pos)) & mask(w))
        return cols
    rng = np.random.default_rng(seed)
    cols = []
    for w in widths:
        c = rng.integers(0, 0xFFFF_FFFF_FFFF_FFFF, size=num_vectors, dtype=np.uint64, endpoint=True)
        c &= mask(w)
        if num_vectors >= 2:
            c[0], c[1] = 0, mask(w)
        cols.append(c)
    return cols


def vector_count(widths: Sequence[int], vectors: Sequence[np.ndarray]) -> int:
    return len(vectors[0]) if vectors else 1


def aligned_outputs(
    interp: Interpreter, sig: Signature, vectors: Sequence[np.ndarray], seed: int = 0
) -> list[np.ndarray]:
    """The outputs of function `sig.name` for each vector (one array per output).

    A module with a clock port is simulated cycle by cycle: lane l receives vector
    t*lanes + l at cycle t (for PAYLOAD_CYCLES cycles), random inputs otherwise, and the
    outputs are read `latency` cycles later.
    """
    n = vector_count(sig.input_widths, vectors)
    if not sig.has_clock:
        outs = interp.evaluate(sig.name, vectors)
        return [np.broadcast_to(o, (n,)).copy() for o in outs]
    lat = sig.latency
    k = min(PAYLOAD_CYCLES, n)
    lanes = -(-n // k)
    rng = np.random.default_rng([seed, 0x5EED])
    streams = []
    for x, w in zip(vectors, sig.input_widths):
        s = rng.integers(0, 0xFFFF_FFFF_FFFF_FFFF, size=(k + lat, lanes), dtype=np.uint64, endpoint=True)
        s &= mask(w)
        payload = s[:k].reshape(-1)  # a view: row t, lane l is vector t*lanes + l
        payload[:n] = x
        streams.append(s)
    outs = interp.simulate_cycles(sig.name, streams, lanes=lanes, cycles=k + lat)
    return [o[lat : lat + k].reshape(-1)[:n].copy() for o in outs]


def first_mismatch(
    sig: Signature,
    vectors: Sequence[np.ndarray],
    expected: Sequence[np.ndarray],
    got: Sequence[np.ndarray],
) -> Mismatch | None:
    """The first vector (in order) on which `got` differs from `expected`, if any."""
    first: int | None = None
    for e, g in zip(expected, got):
        diff = np.flatnonzero(e != g)
        if diff.size and (first is None or diff[0] < first):
            first = int(diff[0])
    if first is None:
        return None
    out = next(j for j, (e, g) in enumerate(zip(expected, got)) if e[first] != g[first])
    inputs = [(nm, int(v[first])) for nm, v in zip(sig.input_names, vectors)]
    return Mismatch(
        sig.name, inputs, out, int(expected[out][first]), int(got[out][first]),
        vector=first, output_name=sig.output_names[out] if out < len(sig.output_names) else "",
    )


def compare_functions(
    before: ModuleOp | Interpreter,
    after: ModuleOp | Interpreter,
    name: str,
    num_vectors: int = 4096,
    seed: int = 0,
) -> Mismatch | None:
    """Runs @name of both modules on the same vectors; the first difference, or None.

    Raises `SimulationUnsupported` when either side cannot be simulated, and a
    `LutoptError` when the signatures differ.
    """
    bi = before if isinstance(before, Interpreter) else Interpreter(before)
    ai = after if isinstance(after, Interpreter) else Interpreter(after)
    bsig, asig = bi.signature(name), ai.signature(name)
    if (bsig.input_widths, bsig.output_widths) != (asig.input_widths, asig.output_widths):
        raise LutoptError(
            f"the signature of @{name} changed from {_format_sig(bsig)} to {_format_sig(asig)}",
            ai.functions.get(name),
        )
    vectors = random_or_exhaustive_vectors(bsig.input_widths, num_vectors, seed)
    expected = aligned_outputs(bi, bsig, vectors, seed)
    got = aligned_outputs(ai, asig, vectors, seed)
    return first_mismatch(bsig, vectors, expected, got)


def _format_sig(sig: Signature) -> str:
    ins = ", ".join(f"i{w}" for w in sig.input_widths)
    outs = ", ".join(f"i{w}" for w in sig.output_widths)
    return f"({ins}) -> ({outs})"


def _top_functions(module: ModuleOp) -> dict[str, Operation]:
    result: dict[str, Operation] = {}
    for op in module.ops:
        if op.name in ("func.func", "hw.module"):
            result.setdefault(op.sym_name.data, op)  # type: ignore[attr-defined]
    return result


def _has_body(op: Operation) -> bool:
    return bool(op.regions) and bool(op.regions[0].blocks)


def _is_private(op: Operation) -> bool:
    vis = getattr(op, "sym_visibility", None)
    return vis is not None and getattr(vis, "data", None) == "private"


def _is_tensor_level(op: Operation) -> bool:
    from lutopt.sim.nn_reference import is_tensor_level

    return is_tensor_level(op)


def _warn_stderr(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def _is_partitioned(op: Operation) -> bool:
    return any(o.name in ("nn.partition", "nn.partition_group") for o in op.walk())


def next_reference(module: ModuleOp, previous: ModuleOp | None) -> ModuleOp | None:
    """The reference for the nn passes after `module` was seen: `module` when one of its
    functions is at the tensor level with raised quantizers, otherwise `previous`."""
    from lutopt.sim.nn_reference import is_tensor_level

    return module if any(is_tensor_level(op) for op in module.ops) else previous


def _check_against_reference(
    ref_fn: Operation, aop: Operation, ai: Interpreter, pass_name: str, name: str,
    num_vectors: int, seed: int, ctx, warn: Callable[[str], None],
) -> None:
    from lutopt.interpreters.tensor import Unsupported
    from lutopt.sim.nn_reference import TensorReference

    try:
        ref = TensorReference(ref_fn, ctx)  # type: ignore[arg-type]
        asig = signature_of(aop)
    except (Unsupported, SimulationUnsupported) as e:
        warn(f"pass '{pass_name}' not checked on @{name}: {e.message}")
        return
    if list(ref.input_widths) != list(asig.input_widths):
        raise LutoptError(
            f"pass '{pass_name}' changed the inputs of @{name}: the tensor-level function reads codes of "
            f"widths {ref.input_widths}, after the pass {asig.input_widths}",
            aop,
        )
    vectors = random_or_exhaustive_vectors(asig.input_widths, num_vectors, seed)
    try:
        expected = ref.evaluate(vectors)
    except Unsupported as e:
        warn(f"pass '{pass_name}' not checked on @{name}: {e.message}")
        return
    got = aligned_outputs(ai, asig, vectors, seed)
    if len(expected) != len(got):
        raise LutoptError(
            f"pass '{pass_name}' changed the number of outputs of @{name} from {len(expected)} to {len(got)}", aop
        )
    mismatch = first_mismatch(asig, vectors, expected, got)
    if mismatch is not None:
        raise LutoptError(
            f"pass '{pass_name}' changed the function of @{name}: "
            f"{mismatch.describe('in the tensor-level reference', 'after')}",
            aop,
        )


def check_pass(
    before: ModuleOp,
    after: ModuleOp,
    pass_name: str,
    num_vectors: int = 4096,
    seed: int = 0,
    *,
    warn: Callable[[str], None] | None = None,
    reference: ModuleOp | None = None,
    ctx=None,
    vectors: Mapping[str, Sequence[np.ndarray]] | None = None,
) -> None:
    """Checks that `pass_name`, which turned `before` into `after`, kept every function.

    Every top-level func.func or hw.module with a body in `before` must still exist in
    `after` (a private one may disappear, e.g. once inlined) with the same input and
    output widths, and compute the same outputs. Raises `LutoptError` naming the pass,
    with one counterexample. Functions that cannot be simulated are reported to `warn`
    (default: a warning on stderr) and skipped.

    A function that is at the tensor level or partitioned (`nn.partition`) before the pass
    is compared with its tensor-level version in `reference` (see `next_reference`),
    evaluated by `lutopt.sim.nn_reference` on codes, when `reference` has it.

    With `vectors` ({function name: one array per input}), the pass is one declared not
    equivalence-preserving (lut-dont-care): only the functions named there are compared,
    and only on those vectors (the others are reported to `warn` as not checked).
    """
    warn = warn or _warn_stderr
    after_funcs = _top_functions(after)
    bi, ai = Interpreter(before), Interpreter(after)
    for name, bop in _top_functions(before).items():
        if not _has_body(bop):
            continue
        aop = after_funcs.get(name)
        if aop is None:
            if _is_private(bop):
                continue
            raise LutoptError(f"pass '{pass_name}' removed @{name}", bop)
        if vectors is not None and name not in vectors:
            warn(f"pass '{pass_name}' not checked on @{name}: it is not equivalence-preserving and "
                 f"its data set does not run @{name}")
            continue
        ref_fn = _top_functions(reference).get(name) if reference is not None else None
        if ref_fn is not None and (_is_partitioned(bop) or ref_fn is bop or _is_tensor_level(bop)):
            if _is_partitioned(aop) or not _is_tensor_level(aop):
                _check_against_reference(ref_fn, aop, ai, pass_name, name, num_vectors, seed, ctx, warn)
                continue
        try:
            bsig = signature_of(bop)
        except SimulationUnsupported as e:
            warn(f"pass '{pass_name}' not checked on @{name}: {e.message}")
            continue
        try:
            asig = signature_of(aop)
        except SimulationUnsupported as e:
            warn(f"pass '{pass_name}' not checked on @{name}: after it, {e.message}")
            continue
        if (bsig.input_widths, bsig.output_widths) != (asig.input_widths, asig.output_widths):
            raise LutoptError(
                f"pass '{pass_name}' changed the signature of @{name} from "
                f"{_format_sig(bsig)} to {_format_sig(asig)}",
                aop,
            )
        inputs = (list(vectors[name]) if vectors is not None
                  else random_or_exhaustive_vectors(bsig.input_widths, num_vectors, seed))
        try:
            expected = aligned_outputs(bi, bsig, inputs, seed)
        except SimulationUnsupported as e:
            warn(f"pass '{pass_name}' not checked on @{name}: {e.message}")
            continue
        except LutoptError as e:
            raise LutoptError(f"before pass '{pass_name}': {e.message}", e.op) from e
        try:
            got = aligned_outputs(ai, asig, inputs, seed)
        except SimulationUnsupported as e:
            warn(f"pass '{pass_name}' not checked on @{name}: after it, {e.message}")
            continue
        except LutoptError as e:
            raise LutoptError(f"after pass '{pass_name}': {e.message}", e.op) from e
        mismatch = first_mismatch(bsig, inputs, expected, got)
        if mismatch is not None:
            where = f" on vector {mismatch.vector} of its data set" if vectors is not None else ""
            raise LutoptError(
                f"pass '{pass_name}' changed the function of @{name}{where}: {mismatch.describe()}",
                aop,
            )
