"""Exhaustive enumeration of partitions: the algorithm behind `nn-absorb-partitions`.

A partition (`nn.partition`) is compiled into a `Program`: a list of array
instructions, with the per-partition data (weights, gather indices, constants) kept
apart. Partitions whose programs have the same structure (a layer of a network) form a
group; a group is evaluated once for all its partitions and all table entries, on
arrays of shape (partitions, entries, elements), in chunks of partitions.

Float semantics are those of the ops (float32, see `dialects/nn.py`): `nn.contract
... fused` uses a true fused multiply-add per step, which is what PyTorch's CPU matmul
kernels compute, so the entries are the codes PyTorch computes.

Kernels (`EnumerateParams.kernel`, or `$LUTOPT_ENUM_KERNEL` when that is None):

- `c`: the group's program as generated C (`lutopt.analysis._nn_c`), compiled once with
  the system C compiler and cached on disk, run on ranges of partitions and entries in
  parallel threads; `fmaf` for a fused step;
- `numba`: the program on NumPy arrays with numba's contraction kernels (`_nn_kernels`,
  `llvm.fma` for a fused step);
- `numpy`: all in NumPy (a fused step emulated through float64: it can differ from a true
  fused multiply-add, rarely, when the float64 sum lies half-way between two float32);
- `auto` (the default): C when a compiler is found and the program has a C form (every
  op of the map bodies has a bit-exact C equivalent), else numba when installed (and
  `use_numba`), else NumPy. numba is imported only when it runs.

The C and numba kernels give the same entries, bit for bit (the tests compare them).

    tables, stats = enumerate_partitions(partition_ops, EnumerateParams())
"""

from __future__ import annotations

import functools
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from xdsl.dialects import arith, tensor
from xdsl.ir import Block, Operation, SSAValue

from lutopt.dialects.nn import (
    ContractOp,
    DequantizeOp,
    GatherOp,
    MapOp,
    PartitionGroupOp,
    PartitionOp,
    QuantizeOp,
    YieldOp,
    body_arrays,
)
from lutopt.interpreters.common import Unsupported
from lutopt.interpreters.tensor import cmpf_predicate, eval_body, fma_f32
from lutopt.progress import progress_wanted

PROGRESS_ENTRIES = 1 << 22
"""Runs of this many table entries in all (4M) or more show a progress bar (see `progress`)."""


@dataclass
class EnumerateParams:
    """Knobs of the enumeration."""

    chunk_elements: int = 1 << 20
    """Partitions are evaluated in chunks of about this many float32 per array."""
    progress: bool | None = None
    """A progress bar on stderr; None: for runs of `PROGRESS_ENTRIES` entries or more, when
    `lutopt.progress.progress_wanted()`."""
    use_numba: bool = True
    """Where the arrays kernel runs (no C kernel): compile its contractions with numba
    (when installed)."""
    threads: int = 0
    """Chunks evaluated in parallel threads (0: one per CPU)."""
    kernel: str | None = None
    """`auto`, `c`, `numba` or `numpy` (see the module docstring); None: `$LUTOPT_ENUM_KERNEL`,
    default `auto`. `c` when the C kernel cannot run (no compiler, an op with no C form)
    is an error."""


KERNELS = ("auto", "c", "numba", "numpy")
KERNEL_ENV = "LUTOPT_ENUM_KERNEL"


@dataclass
class EnumerateStats:
    partitions: int = 0
    groups: int = 0
    entries: int = 0
    seconds: float = 0.0
    kernel: str = ""
    """The kernels that ran (`c`, `numba`, `numpy`; several joined by `+`)."""
    compile_seconds: float = 0.0
    """Wall time spent compiling C (0 when the libraries came from the disk cache)."""
    fallback: str = ""
    """Why the C kernel did not run for some group (`auto`), if it did not."""

    def report(self) -> str:
        rate = self.entries / self.seconds if self.seconds else float("inf")
        extra = ""
        if "c" in self.kernel.split("+"):
            extra = f", C compiled in {self.compile_seconds:.2f} s" if self.compile_seconds else ", C from the cache"
        if self.fallback:
            extra += f"; no C kernel: {self.fallback}"
        return (
            f"{self.partitions} partitions in {self.groups} groups, {self.entries} entries, "
            f"{self.seconds:.2f} s ({rate:,.0f} entries/s, kernel: {self.kernel}{extra})"
        )

    def _ran(self, kernel: str) -> None:
        names = set(self.kernel.split("+")) - {""}
        names.add(kernel)
        self.kernel = "+".join(k for k in ("c", "numba", "numpy") if k in names)


# --------------------------------------------------------------------- programs


@dataclass
class Program:
    """One partition as array instructions; `data` holds its own arrays by key."""

    widths: list[int]  # operand code widths, operand 0 most significant
    instrs: list[tuple]
    data: list[np.ndarray]
    out_width: int
    key: tuple = field(default=())


def body_key(block: Block) -> tuple:
    num: dict[SSAValue, int] = {a: i for i, a in enumerate(block.args)}
    items = []
    for op in block.ops:
        extra: object = None
        if isinstance(op, arith.ConstantOp):
            extra = op.value
        elif isinstance(op, arith.CmpfOp):
            extra = cmpf_predicate(op)
        elif op.name == "arith.cmpi":
            extra = op.predicate.value.data  # type: ignore[attr-defined]
        items.append((op.name, tuple(num.get(v, -1) for v in op.operands), extra, tuple(r.type for r in op.results)))
        for r in op.results:
            num[r] = len(num)
    return tuple(items)


def compile_partition(part: PartitionOp | PartitionGroupOp, bodies: dict[tuple, Block] | None = None) -> Program:
    """The program of a partition (of a group's body: its `data` are partition 0's arrays,
    `dialects.nn.body_arrays`, in the order the group's data arrays stack them); the body
    of each `nn.map` goes into `bodies` by its key."""
    block = part.body.block
    slot: dict[SSAValue, int] = {}
    instrs: list[tuple] = []
    arrays = body_arrays(block)  # the data, in the order a group's data arrays stack them
    data = [np.asarray(a) for a, _, _ in arrays]
    keys: dict[Operation, list[int]] = {}
    for k, (_, _, op) in enumerate(arrays):
        keys.setdefault(op, []).append(k)
    argpos = {a: i for i, a in enumerate(block.args)}
    widths = [a.type.width.data for a in block.args]  # type: ignore[attr-defined]

    def new(v: SSAValue) -> int:
        slot[v] = len(slot)
        return slot[v]

    out_width = part.results[0].type.width.data  # type: ignore[attr-defined]
    for op in block.ops:
        if isinstance(op, tensor.FromElementsOp):
            pos = []
            for v in op.operands:
                if v not in argpos:
                    raise Unsupported("'tensor.from_elements' of values that are not partition operands", op)
                pos.append(argpos[v])
            instrs.append(("codes", new(op.results[0]), tuple(pos)))
        elif isinstance(op, DequantizeOp):
            lo, hi = op.bounds
            instrs.append(("dequant", new(op.output), slot[op.input], float(op.scale_value), op.width, lo < 0))
        elif isinstance(op, tensor.ConcatOp):
            instrs.append(("concat", new(op.results[0]), tuple(slot[v] for v in op.operands)))
        elif isinstance(op, GatherOp):
            (k,) = keys[op]
            instrs.append(("gather", new(op.output), slot[op.input], k, data[k].shape))
        elif isinstance(op, arith.ConstantOp):
            if op not in keys:  # body_arrays takes the dense f32 constants only
                raise Unsupported("unsupported constant inside a partition", op)
            (k,) = keys[op]
            instrs.append(("const", new(op.result), k, data[k].shape))
        elif isinstance(op, MapOp):
            bkey = body_key(op.body.block)
            if bodies is not None:
                bodies.setdefault(bkey, op.body.block)
            instrs.append(("map", new(op.output), tuple(slot[v] for v in op.inputs), bkey, op.output.type.get_shape()[0]))  # type: ignore[attr-defined]
        elif isinstance(op, ContractOp):
            wk, ik, *bk = keys[op]  # weights, indices[, bias]
            instrs.append(("contract", new(op.output), slot[op.input], slot[op.init], wk, ik, data[wk].shape, op.fused is not None, bk[0] if bk else None))
        elif isinstance(op, QuantizeOp):
            lo, hi = op.bounds
            instrs.append(("quantize", new(op.output), slot[op.input], float(op.scale_value), lo, hi, op.width))
        elif isinstance(op, YieldOp):
            instrs.append(("yield", slot[op.values[0]]))
        else:
            raise Unsupported(f"'{op.name}' is not supported inside a partition", op)
    key = (tuple(widths), out_width, tuple(instrs))
    return Program(widths, instrs, data, out_width, key)


# --------------------------------------------------------------------- kernels

def _numba_kernels():
    from lutopt.analysis import _nn_kernels as k

    return k


def _contract_numpy(x, init, w, idx, fused: bool, shape, bias) -> np.ndarray:
    P, N, C = shape
    K = w.shape[2]
    xb = np.broadcast_to(x, (P, N, x.shape[2]))
    acc = np.array(np.broadcast_to(init, (P, N, C)), dtype=np.float32)
    for k in range(K):
        xi = np.take_along_axis(xb, np.broadcast_to(idx[:, None, :, k], (P, N, C)).astype(np.int64), axis=2)
        wk = w[:, None, :, k]
        if fused:
            acc = fma_f32(xi, wk, acc)
        else:
            acc = acc + xi * wk
    if bias is not None:
        acc = acc + bias[:, None, :]
    return acc


def contract(x, init, w, idx, fused: bool, use_numba: bool, bias=None) -> tuple[np.ndarray, str]:
    P = max(x.shape[0], init.shape[0], w.shape[0])
    N = max(x.shape[1], init.shape[1])
    C = w.shape[1]
    if use_numba:
        try:
            kernels = _numba_kernels()
        except ImportError:
            use_numba = False
    if not use_numba:
        return _contract_numpy(x, init, w, idx, fused, (P, N, C), bias), "numpy"
    out = np.empty((P, N, C), np.float32)
    if init.shape[2] != C:
        init = np.broadcast_to(init, init.shape[:2] + (C,))
    args_tail = (
        np.zeros((1, 1), np.float32) if bias is None else np.ascontiguousarray(np.broadcast_to(bias, (P, C)), np.float32),
        bias is not None,
        out,
    )
    x = np.ascontiguousarray(x, np.float32)
    init = np.ascontiguousarray(init, np.float32)
    w = np.broadcast_to(w, (P,) + w.shape[1:])
    idx = np.broadcast_to(idx, (P,) + idx.shape[1:])
    if bool((idx == idx[:, :1, :]).all()):
        # Every output element reads the same inputs (a dense layer): the vectorised kernel.
        kernel = kernels.contract_dense_fused if fused else kernels.contract_dense_plain
        wt = np.ascontiguousarray(np.swapaxes(w, 1, 2), np.float32)
        kernel(x, init, wt, np.ascontiguousarray(idx[:, 0, :], np.int32), *args_tail)
    else:
        kernel = kernels.contract_fused if fused else kernels.contract_plain
        kernel(x, init, np.ascontiguousarray(w, np.float32), np.ascontiguousarray(idx, np.int32), *args_tail)
    return out, "numba"


def _arrays_kernel(use_numba: bool) -> str:
    """The arrays kernel that runs: numba if wanted and installed, else numpy."""
    if use_numba:
        try:
            _numba_kernels()
            return "numba"
        except ImportError:
            pass
    return "numpy"


def kernel_choice(params: EnumerateParams) -> str:
    """`params.kernel`, or `$LUTOPT_ENUM_KERNEL`, or `auto`."""
    choice = params.kernel or os.environ.get(KERNEL_ENV) or "auto"
    if choice not in KERNELS:
        raise ValueError(f"enumeration kernel '{choice}': expected one of {', '.join(KERNELS)}")
    return choice


_C_KERNELS: dict[tuple, object] = {}
"""The C kernel of each program key this process has met (or why there is none)."""


def c_kernel(prog: Program, bodies: dict[tuple, Block], stats: EnumerateStats, forced: bool = False):
    """The C kernel of `prog` (a `_nn_c.CKernel`, compiled or loaded once per process),
    or None when it cannot run (the reason goes to `stats.fallback`; with `forced`, it is
    an `Unsupported` error)."""
    kernel = _C_KERNELS.get(prog.key)
    if kernel is None:
        from lutopt.analysis import _nn_c
        from lutopt.cbuild import find_compiler
        from lutopt.diagnostics import LutoptError

        cc = find_compiler()
        if cc is None:
            kernel = "no C compiler found (set CC)"
        else:
            try:
                kernel = _nn_c.CKernel(prog, bodies, cc)
                stats.compile_seconds += kernel.stats["cc_s"]
            except _nn_c.NotCompilable as e:
                kernel = f"no C form: {e}"
            except LutoptError as e:  # the compiler failed
                kernel = e.message
            except OSError as e:  # the library did not load
                kernel = f"the compiled enumeration kernel did not load: {e}"
        _C_KERNELS[prog.key] = kernel
    if isinstance(kernel, str):
        if forced:
            raise Unsupported(f"the C kernel of the enumeration cannot run: {kernel}", None)  # type: ignore[arg-type]
        if kernel not in stats.fallback:
            stats.fallback = f"{stats.fallback}; {kernel}" if stats.fallback else kernel
        return None
    return kernel


def _tiles(P: int, N: int, target: int) -> list[tuple[int, int, int, int]]:
    """(p0, p1, n0, n1) ranges of about `target` entries that cover P partitions of N entries."""
    from lutopt.analysis._nn_c import LANES

    if N >= target:
        step = -(-target // LANES) * LANES
        return [(p, p + 1, n, min(N, n + step)) for p in range(P) for n in range(0, N, step)]
    per = max(1, target // max(N, 1))
    return [(p, min(P, p + per), 0, N) for p in range(0, P, per)]


def _tile_target(total: int, workers: int) -> int:
    """Entries per call of a C kernel: a few calls per thread (the machine may be shared)."""
    return min(1 << 20, max(1 << 14, total // (8 * workers)))


def _run_c(kernel, stacked: list[np.ndarray], codes: np.ndarray | None, params: EnumerateParams, stats: EnumerateStats) -> np.ndarray:
    stats._ran("c")
    prepared = kernel.prepare(stacked)
    P = prepared[3]
    if codes is not None:
        codes = np.ascontiguousarray(codes, dtype=np.int64)
        N = codes.shape[-2]
        if codes.ndim == 3:
            if codes.shape[0] not in (1, P) and P > 1:
                raise ValueError(f"codes for {codes.shape[0]} partitions, data for {P}")
            P = max(P, codes.shape[0])
    else:
        N = 1 << kernel.bits
    out = np.empty((P, N), dtype=np.uint64)
    workers = params.threads or os.cpu_count() or 1
    tiles = _tiles(P, N, _tile_target(P * N, workers))
    if workers > 1 and len(tiles) > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(lambda t: kernel.run(prepared, out, *t, codes=codes), tiles))
    else:
        for t in tiles:
            kernel.run(prepared, out, *t, codes=codes)
    return out


# --------------------------------------------------------------------- evaluation


def quantize_codes(x: np.ndarray, scale: float, lo: int, hi: int, width: int) -> np.ndarray:
    """nn.quantize on float32 arrays: the codes as uint64 bit patterns."""
    with np.errstate(all="ignore"):
        q = np.rint(np.divide(x, np.float32(scale), dtype=np.float32))
    q = np.where(np.isnan(q) | (q < lo), np.float32(lo), q)
    q = np.where(q > hi, np.float32(hi), q)
    return q.astype(np.int64).astype(np.uint64) & np.uint64((1 << width) - 1)


def run_program(
    prog: Program,
    stacked: list[np.ndarray],
    bodies: dict[tuple, Block],
    params: EnumerateParams,
    stats: EnumerateStats,
    codes: np.ndarray | None = None,
) -> np.ndarray:
    """Evaluates a group's program for its stacked data; returns (P, 2^bits) uint64 entries.

    With `codes` (N, operands), evaluates those operand vectors instead of every entry;
    with `codes` (P, N, operands), each partition on its own vectors. The kernel is chosen
    as `enumerate_partitions` chooses it (the C kernel runs on `params.threads` threads)."""
    choice = kernel_choice(params)
    if choice in ("auto", "c"):
        kernel = c_kernel(prog, bodies, stats, forced=choice == "c")
        if kernel is not None:
            return _run_c(kernel, stacked, codes, params, stats)
    return run_arrays(prog, stacked, bodies, params, stats, codes, use_numba=choice != "numpy" and params.use_numba)


def run_arrays(
    prog: Program,
    stacked: list[np.ndarray],
    bodies: dict[tuple, Block],
    params: EnumerateParams,
    stats: EnumerateStats,
    codes: np.ndarray | None = None,
    use_numba: bool = True,
) -> np.ndarray:
    """`run_program` on NumPy arrays (the numba or the NumPy kernel)."""
    stats._ran(_arrays_kernel(use_numba))
    bits = sum(prog.widths)
    N = (1 << bits) if codes is None else codes.shape[-2]
    entries = np.arange(N, dtype=np.int64)
    shifts = np.cumsum([0] + prog.widths[::-1])[:-1][::-1]
    vals: dict[int, np.ndarray] = {}
    P = stacked[0].shape[0] if stacked else 1
    if codes is not None and codes.ndim == 3:
        P = max(P, codes.shape[0])
    result = None
    for ins in prog.instrs:
        kind = ins[0]
        if kind == "codes":
            if codes is None:
                cols = [(entries >> int(shifts[a])) & ((1 << prog.widths[a]) - 1) for a in ins[2]]
            else:
                cols = [codes[..., a] & ((1 << prog.widths[a]) - 1) for a in ins[2]]
            v = np.stack(cols, axis=-1) if cols else np.zeros((1, N, 0), np.int64)
            vals[ins[1]] = v if v.ndim == 3 else v[None]
        elif kind == "dequant":
            _, dst, src, scale, width, signed = ins
            q = vals[src]
            if signed:
                q = np.where(q >= (1 << (width - 1)), q - (1 << width), q)
            vals[dst] = q.astype(np.float32) * np.float32(scale)
        elif kind == "gather":
            _, dst, src, key, _shape = ins
            idx = stacked[key]
            x = vals[src]
            if x.shape[0] == 1:
                vals[dst] = np.moveaxis(x[0][:, idx], 0, 1)
            else:
                vals[dst] = np.take_along_axis(x, idx[:, None, :], axis=2)
        elif kind == "concat":
            parts = [vals[v] for v in ins[2]]
            lead = np.broadcast_shapes(*[p.shape[:2] for p in parts])
            vals[ins[1]] = np.concatenate([np.broadcast_to(p, lead + p.shape[2:]) for p in parts], axis=2)
        elif kind == "const":
            vals[ins[1]] = stacked[ins[2]][:, None, :]
        elif kind == "map":
            _, dst, srcs, bkey, length = ins
            args = [vals[s] for s in srcs]
            out = eval_body(bodies[bkey], args, _no_outer)[0]
            shape = np.broadcast_shapes(*[a.shape for a in args]) if args else (P, 1, length)
            vals[dst] = np.broadcast_to(np.asarray(out, np.float32), shape)
        elif kind == "contract":
            _, dst, x, init, wk, ik, _shape, fused, bk = ins
            bias = None if bk is None else stacked[bk]
            out, _kernel = contract(vals[x], vals[init], stacked[wk], stacked[ik], fused, use_numba, bias)
            vals[dst] = out
        elif kind == "quantize":
            _, dst, src, scale, lo, hi, width = ins
            vals[dst] = quantize_codes(vals[src], scale, lo, hi, width)
        elif kind == "yield":
            result = vals[ins[1]]
    assert result is not None
    return np.broadcast_to(result[..., 0], (P, N))


def _no_outer(v: SSAValue) -> np.ndarray:
    raise Unsupported("a map body that reads a value from outside", v.owner if isinstance(v.owner, Operation) else None)  # type: ignore[arg-type]


class _Progress:
    def __init__(self, total: int, enabled: bool):
        self.total, self.done, self.enabled = total, 0, enabled
        self.start = time.perf_counter()

    def step(self, n: int) -> None:
        self.done += n
        if not self.enabled:
            return
        frac = self.done / self.total if self.total else 1.0
        bar = "#" * int(30 * frac)
        el = time.perf_counter() - self.start
        sys.stderr.write(f"\rnn-absorb-partitions [{bar:<30}] {self.done}/{self.total} entries {el:5.1f} s")
        if self.done >= self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def stacked_program(op: PartitionOp | PartitionGroupOp, bodies: dict[tuple, Block]) -> tuple[Program, list[np.ndarray], int]:
    """(program, its data stacked with the partitions in front, number of partitions); the
    bodies of its maps go into `bodies`."""
    prog = compile_partition(op, bodies)
    if isinstance(op, PartitionGroupOp):
        data = op.data_arrays()
        if len(data) != len(prog.data) or any(d.shape[1:] != a.shape for d, a in zip(data, prog.data)):
            raise Unsupported("the data arrays of this partition group do not match its body", op)
        return prog, data, len(op.outputs)
    return prog, [d[None] for d in prog.data], 1


def enumerate_partitions(
    parts: Sequence[PartitionOp | PartitionGroupOp], params: EnumerateParams | None = None
) -> tuple[list[np.ndarray], EnumerateStats]:
    """The table of every partition (uint64 entries, index = operands concatenated, operand 0
    MSB): one per `nn.partition`, one per result of an `nn.partition_group`, in order."""
    params = params or EnumerateParams()
    start = time.perf_counter()
    choice = kernel_choice(params)
    bodies: dict[tuple, Block] = {}
    batches = [stacked_program(p, bodies) for p in parts]
    # Batches of the same structure (a layer) are evaluated together.
    groups: dict[tuple, list[int]] = {}
    for i, (prog, _, _) in enumerate(batches):
        groups.setdefault(prog.key, []).append(i)
    first = np.cumsum([0] + [n for _, _, n in batches])
    stats = EnumerateStats(partitions=int(first[-1]))
    stats.groups = len(groups)
    total = sum((1 << sum(batches[i][0].widths)) * batches[i][2] for m in groups.values() for i in m)
    stats.entries = total
    show = params.progress
    if show is None:
        show = total >= PROGRESS_ENTRIES and progress_wanted()
    bar = _Progress(total, bool(show))
    tables: list[np.ndarray | None] = [None] * int(first[-1])
    workers = params.threads or os.cpu_count() or 1

    # The C kernels of the groups (compiled in parallel: the compiler runs outside the GIL).
    kernels: dict[tuple, object] = {}
    if choice in ("auto", "c"):
        t0 = time.perf_counter()
        keys = list(groups)

        def kernel_of(key: tuple) -> object:
            return c_kernel(batches[groups[key][0]][0], bodies, stats, forced=choice == "c")

        if workers > 1 and sum(k not in _C_KERNELS for k in keys) > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max_workers=workers) as pool:
                found = list(pool.map(kernel_of, keys))
        else:
            found = [kernel_of(k) for k in keys]
        kernels = {k: c for k, c in zip(keys, found) if c is not None}
        if stats.compile_seconds:  # the wall time (compilers run in parallel)
            stats.compile_seconds = time.perf_counter() - t0

    # Jobs: calls of a C kernel on ranges of partitions and entries, and chunks of
    # partitions for the arrays kernels; each returns the entries it evaluated.
    jobs: list[Callable[[], int]] = []
    target = _tile_target(total, workers)
    use_numba = choice != "numpy" and params.use_numba
    for key, members in groups.items():
        prog = batches[members[0]][0]
        if len(members) == 1:
            stacked = batches[members[0]][1]
        else:
            stacked = [np.concatenate([batches[i][1][k] for i in members]) for k in range(len(prog.data))]
        where = np.concatenate([np.arange(first[i], first[i + 1]) for i in members])
        n = 1 << sum(prog.widths)
        kernel = kernels.get(key)
        if kernel is not None:
            stats._ran("c")
            prepared = kernel.prepare(stacked)  # type: ignore[attr-defined]
            out = np.empty((prepared[3], n), dtype=np.uint64)
            # A program without per-partition data is evaluated once for the whole group.
            for j, i in enumerate(where):
                tables[int(i)] = out[j if out.shape[0] > 1 else 0]
            for tile in _tiles(out.shape[0], n, target):
                jobs.append(functools.partial(_c_job, kernel, prepared, out, tile))
            continue
        stats._ran(_arrays_kernel(use_numba))
        cmax = max([1] + [int(ins[4]) for ins in prog.instrs if ins[0] == "map"] + [int(ins[6][0]) for ins in prog.instrs if ins[0] == "contract"])
        chunk = max(1, params.chunk_elements // (n * cmax))
        for s in range(0, len(where), chunk):
            sub = [d[s : s + chunk] for d in stacked]
            jobs.append(functools.partial(_arrays_job, prog, sub, where[s : s + chunk], n, bodies, params, stats, use_numba, tables))

    if workers > 1 and len(jobs) > 1:
        # The C kernels (ctypes), NumPy's element-wise loops and the numba kernels release the GIL.
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=workers) as pool:
            for done in pool.map(lambda job: job(), jobs):
                bar.step(done)
    else:
        for job in jobs:
            bar.step(job())
    stats.seconds = time.perf_counter() - start
    return [t for t in tables if t is not None], stats  # type: ignore[misc]


def _c_job(kernel, prepared, out: np.ndarray, tile: tuple[int, int, int, int]) -> int:
    kernel.run(prepared, out, *tile)
    p0, p1, n0, n1 = tile
    return (p1 - p0) * (n1 - n0)


def _arrays_job(
    prog: Program, stacked: list[np.ndarray], where: np.ndarray, n: int, bodies: dict[tuple, Block],
    params: EnumerateParams, stats: EnumerateStats, use_numba: bool, tables: list[np.ndarray | None],
) -> int:
    out = run_arrays(prog, stacked, bodies, params, stats, use_numba=use_numba)
    # A program without per-partition data is evaluated once for the whole group.
    out = np.broadcast_to(out, (len(where), *out.shape[1:]))
    for j, i in enumerate(where):
        tables[int(i)] = np.ascontiguousarray(out[j])
    return n * len(where)
