"""The lut/rtl interpreter: signatures, the op registry, compilation and cycle simulation.

It runs `func.func` functions at the lut level and `hw.module` modules at the rtl level on
many input vectors at once. The ops' evaluators live with their level, one module per
dialect family, and register themselves with `compiles` or `register_op` when imported:

- `lutopt.interpreters.lut`: `lut.table`, `arith.constant`, `func.call`;
- `lutopt.interpreters.rtl`: `hw.*`, the `comb` ops;
- `lutopt.interpreters.arith`: the integer level (`arith` on signless integers);
- `lutopt.interpreters.gate`: `gate.netlist`;
- `lutopt.interpreters.nn`: `nn.partition` (imported on first use: it brings the
  enumeration's kernels).

`func.return`, `hw.output` and `seq.compreg` are run by the plan itself. The values an op
sees are described in `lutopt.interpreters.values` (one entry per lane), the functions'
interfaces in `lutopt.interpreters.functions` (`Signature`, lookup by name).

Compilation. The first evaluation of a function turns each op into a closure, in a
topological order of the block (hw.module bodies are graph regions, so a value may be used
before it is defined; a register's output is available from the start of a cycle).
An op whose operands are all constants runs once, then and there, so a 2^20-bit table
column is converted to a bit array once per `Interpreter` and every later evaluation is a
NumPy gather.

Cycles. `simulate_cycles` evaluates the combinational logic once per cycle with the
registers' current contents (all registers start at 0, or at their `powerOn` value), reads
the outputs, then loads every register with its input. Registers inside `hw.instance`s
keep their own state per instance path. `evaluate` on a pipelined module (a clock port and
`lutopt.latency = N`) gives the inputs at cycle 0 and reads the outputs at cycle N, so it
returns the combinational function the pipeline implements.

The comb ops' semantics, the icmp predicates, the order of a graph region and the
`lutopt.latency` attribute are those of `lutopt.ir` (shared with the Verilog target and
`rtl-pipeline`); the interpreter runs every op the Verilog target prints.

Other levels can add their ops with `register_op`.

Compiled evaluation. `Interpreter(module, backend=...)` with `"compiled"`, `"c"` or
`"numba"` runs `evaluate` on functions at the gate and mapped-LUT levels (gate.netlist,
lut.table of at most 12 input bits, comb.extract/concat, constants) through
`lutopt.interpreters.compiled`: the function is compiled once into bit-parallel native
code (C through the system compiler, or a numba kernel; `"compiled"` takes C when a
compiler is found), bit-exact with this interpreter and 10 to 100 times faster on large
batches. Other functions, pipelined modules, `simulate_cycles` and interpreters with
`observe` use the NumPy evaluation; `compiled_function(name)` says which one runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from xdsl.dialects.builtin import IntegerAttr, IntegerType, ModuleOp
from xdsl.ir import Attribute, Operation, SSAValue

from lutopt.diagnostics import LutoptError
from lutopt.interpreters.functions import (
    MAX_PORT_WIDTH,
    Signature,
    SimulationUnsupported,
    find_function,
    function_names,
    function_signature,
    is_clock,
    signature_of,
    sym_name,
)
from lutopt.interpreters.values import (
    CLOCK,
    ArrayValue,
    Bits,
    Value,
    constant,
    select,
    zero_of,
)
from lutopt.ir.comb import mask
from lutopt.ir.latency import LATENCY_ATTR
from lutopt.ir.order import is_register, topological_order

_U64 = np.uint64


BACKENDS = ("numpy", "compiled", "c", "numba")
"""`Interpreter`'s evaluators: the NumPy interpreter, or compiled bit-parallel code
(`lutopt.interpreters.compiled`; "compiled" picks C when a compiler is found, else numba)
where the function compiles."""

# --------------------------------------------------------------------- op registry

Closure = Callable[[list[Value], "Env"], list[Value]]
Compiler = Callable[[Operation, "Interpreter"], Closure]


@dataclass
class _OpKind:
    compile: Compiler
    pure: bool = True  # may be folded when its operands are constants
    regions: bool = False  # runs its own regions


_OPS: dict[str, _OpKind] = {}


def compiles(*names: str, pure: bool = True) -> Callable[[Compiler], Compiler]:
    """Registers the decorated compiler `(op, interpreter) -> closure` for the ops `names`
    (for the evaluators in this package; other code uses `register_op`)."""

    def wrap(fn: Compiler) -> Compiler:
        for n in names:
            _OPS[n] = _OpKind(fn, pure)
        return fn

    return wrap


def register_op(
    name: str,
    compile: Callable[[Operation], Callable[[list[Value]], list[Value]]],
    pure: bool = True,
    regions: bool = False,
) -> None:
    """Teaches the interpreter another op.

    `compile(op)` is called once per op and returns a function from the operand values
    (uint64 arrays of shape (lanes,) or (1,) for integers of at most 64 bits, see
    `lutopt.interpreters.values` for the others) to the list of result values. With
    `regions`, the op may have regions (its evaluator runs them itself).
    """
    _import_evaluators()  # so that an op registered here replaces a built-in one

    def compiler(op: Operation, interp: Interpreter) -> Closure:
        fn = compile(op)
        return lambda args, env: fn(args)

    _OPS[name] = _OpKind(compiler, pure, regions)


def _import_evaluators() -> None:
    """Imports the evaluators of the lut and rtl levels (they register their ops)."""
    from lutopt.interpreters import arith, lut, rtl  # noqa: F401


def _import_lazy_evaluator(name: str) -> None:
    """Imports the module that registers `name`, for ops whose evaluator is imported on
    first use."""
    if name == "gate.netlist":
        from lutopt.interpreters import gate  # noqa: F401
    elif name in ("nn.partition", "nn.partition_group"):
        from lutopt.interpreters import nn  # noqa: F401


def _op_kind(name: str) -> _OpKind | None:
    _import_evaluators()
    kind = _OPS.get(name)
    if kind is not None:
        return kind
    try:
        _import_lazy_evaluator(name)
    except ImportError:
        return None
    return _OPS.get(name)


def int_width(value: SSAValue) -> int:
    t = value.type
    if not isinstance(t, IntegerType):
        raise TypeError(f"expected an integer type, got {t}")
    return t.width.data


def unsupported(op: Operation, why: str = "") -> LutoptError:
    return SimulationUnsupported(f"cannot simulate '{op.name}'" + (f": {why}" if why else ""), op)


def compile_integer_constant(op: Operation, interp: Interpreter) -> Closure:
    """`hw.constant` and `arith.constant` of an integer type."""
    attr = op.properties.get("value")
    if attr is None:
        attr = op.attributes.get("value")
    rtype = op.results[0].type
    if not isinstance(attr, IntegerAttr) or not isinstance(rtype, IntegerType):
        raise unsupported(op, "only integer constants are supported")
    value = constant(attr.value.data, rtype.width.data)
    return lambda args, env: [value]


RUN_BY_THE_PLAN = frozenset({"seq.compreg", "hw.output"})
"""Ops that `_Plan` runs itself (registers, the terminator) rather than a compiler."""


# --------------------------------------------------------------------- plans


@dataclass
class _Register:
    key: int
    out: int  # slot of the register's output
    inp: int  # slot of its input
    init: Value
    reset: int | None = None
    reset_value: int | None = None


@dataclass
class _Plan:
    op: Operation
    nslots: int
    arg_slots: list[int]
    out_slots: list[int]
    initial: list[Value]  # constants prefilled
    steps: list[tuple[Closure, list[int], list[int]]]
    regs: list[_Register]
    has_state: bool = False  # registers here or in a callee


@dataclass
class Env:
    state: dict[tuple, Value] = field(default_factory=dict)
    next_state: dict[tuple, Value] = field(default_factory=dict)
    path: tuple = ()

    def child(self, key: int) -> Env:
        return Env(self.state, self.next_state, self.path + (key,))


class Interpreter:
    """Evaluates the functions of one module; compiled functions and folded constants are
    cached, so build one `Interpreter` and call it many times.

    The module must not change while the interpreter is in use.

    `observe(op, operand_values)`, when given, is called each time an op of the module runs
    (ops whose operands are all constants run once, when their function is compiled); the
    analyses that need the values an op sees (`lutopt.analysis.reached_codes`) use it.
    """

    def __init__(
        self,
        module: ModuleOp,
        observe: Callable[[Operation, list[Value]], None] | None = None,
        backend: str = "numpy",
    ):
        if backend not in BACKENDS:
            raise ValueError(f"unknown backend '{backend}' (expected one of {', '.join(BACKENDS)})")
        self.backend = backend
        self._compiled: dict[Operation, object] = {}
        self.module = module
        self.observe = observe
        self.functions: dict[str, Operation] = {}
        for op in module.ops:
            name = getattr(op, "sym_name", None)
            if name is not None and hasattr(name, "data"):
                self.functions.setdefault(name.data, op)
        self._plans: dict[Operation, _Plan] = {}
        self._compiling: set[Operation] = set()

    # ----------------------------------------------------------------- public API
    def signature(self, name: str | None = None) -> Signature:
        return signature_of(self._function(name))

    def evaluate(self, name: str | None, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
        """The function's outputs for a batch of input vectors (one uint64 array per input).

        A pipelined module (one with a clock port) is run for `latency + 1` cycles with
        the inputs at cycle 0 (and their complement afterwards, so that a pipeline that
        mixes cycles shows up) and its outputs are read at cycle `latency`.
        """
        op = self._function(name)
        sig = signature_of(op)
        ins = _check_inputs(sig, inputs)
        lanes = ins[0].shape[0] if ins else 1
        compiled = self._compiled_op(op) if ins else None
        if compiled is not None:
            return compiled.evaluate(ins)  # type: ignore[attr-defined]
        if not sig.has_clock:
            plan = self._plan(op)
            outs = self._run(plan, self._with_clock(op, ins), Env())
            return [_full(o, lanes) for o in outs]
        cycles = sig.latency + 1
        streams = []
        for x, w in zip(ins, sig.input_widths):
            s = np.empty((cycles, lanes), dtype=_U64)
            s[0] = x
            s[1:] = x ^ mask(w)
            streams.append(s)
        outs = self.simulate_cycles(sig.name, streams, lanes=lanes, cycles=cycles)
        return [o[sig.latency].copy() for o in outs]

    def simulate_cycles(
        self,
        name: str | None,
        input_streams: Sequence[np.ndarray],
        lanes: int | None = None,
        cycles: int | None = None,
    ) -> list[np.ndarray]:
        """Cycle-by-cycle simulation; each input stream has shape (cycles, lanes).

        Returns one array of shape (cycles, lanes) per output: the output during each cycle
        (after the inputs of that cycle are applied, before the clock edge that ends it).
        `lanes` and `cycles` are only used when the function has no inputs.
        """
        op = self._function(name)
        sig = signature_of(op)
        if len(input_streams) != len(sig.input_widths):
            raise ValueError(
                f"@{sig.name} has {len(sig.input_widths)} inputs, got {len(input_streams)} streams"
            )
        streams = [np.asarray(s) for s in input_streams]
        for s in streams:
            if s.ndim != 2:
                raise ValueError("input streams must have shape (cycles, lanes)")
        if streams:
            cycles, lanes = streams[0].shape
            if any(s.shape != (cycles, lanes) for s in streams):
                raise ValueError("all input streams must have the same shape")
        else:
            cycles, lanes = cycles or 1, lanes or 1
        streams = [(s.astype(_U64) & mask(w)) for s, w in zip(streams, sig.input_widths)]
        plan = self._plan(op)
        env = Env()
        outs = [np.zeros((cycles, lanes), dtype=_U64) for _ in sig.output_widths]
        for t in range(cycles):
            args = self._with_clock(op, [s[t] for s in streams])
            env.next_state = {}
            values = self._run(plan, args, env)
            for o, v in zip(outs, values):
                o[t] = v
            env.state = env.next_state
        return outs

    def compiled_function(self, name: str | None = None):
        """The `CompiledFunction` that `evaluate` runs for function `name`, or None when it
        runs the NumPy evaluation (backend "numpy", an interpreter with `observe`, a
        function with a clock or with ops the compiled evaluator does not handle)."""
        return self._compiled_op(self._function(name))

    # ----------------------------------------------------------------- internals
    def _compiled_op(self, op: Operation):
        if self.backend == "numpy" or self.observe is not None or op.name != "func.func":
            return None
        if op in self._compiled:
            return self._compiled[op]
        from lutopt.interpreters.compiled import CompiledUnsupported, compile_function

        try:
            kernel = "auto" if self.backend == "compiled" else self.backend
            compiled = compile_function(op, backend=kernel)
        except CompiledUnsupported:
            compiled = None
        self._compiled[op] = compiled
        return compiled

    def _function(self, name: str | None) -> Operation:
        if name is None:
            return find_function(self.module)
        op = self.functions.get(name)
        if op is None or op.name not in ("func.func", "hw.module"):
            raise LutoptError(f"no function named @{name}", self.module)
        return op

    def _with_clock(self, op: Operation, ins: list[np.ndarray]) -> list[Value]:
        """The block arguments: the inputs with the clock token at the clock ports."""
        if op.name != "hw.module":
            return list(ins)
        it = iter(ins)
        return [CLOCK if is_clock(a.type) else next(it) for a in op.body.block.args]  # type: ignore[attr-defined]

    def call_closure(self, op: Operation, callee: str) -> Closure:
        target = self.functions.get(callee)
        if target is None:
            raise LutoptError(f"cannot simulate '{op.name}': no function named @{callee}", op)
        if target.name not in ("func.func", "hw.module") or not target.regions or not target.regions[0].blocks:
            raise SimulationUnsupported(
                f"cannot simulate '{op.name}': @{callee} is a '{target.name}' without a body", op
            )
        plan = self._plan(target)
        key = id(op)
        run = self._run

        def call(args: list[Value], env: Env) -> list[Value]:
            return run(plan, args, env.child(key) if plan.has_state else env)

        call.has_state = plan.has_state  # type: ignore[attr-defined]
        return call

    def _plan(self, fn: Operation) -> _Plan:
        plan = self._plans.get(fn)
        if plan is not None:
            return plan
        if fn in self._compiling:
            raise LutoptError(f"cannot simulate recursive @{sym_name(fn)}", fn)
        self._compiling.add(fn)
        try:
            plan = self._compile(fn)
        finally:
            self._compiling.discard(fn)
        self._plans[fn] = plan
        return plan

    def _compile(self, fn: Operation) -> _Plan:
        if not fn.regions or not fn.regions[0].blocks:
            raise SimulationUnsupported(f"cannot simulate @{sym_name(fn)}: it has no body", fn)
        if len(fn.regions[0].blocks) != 1:
            raise SimulationUnsupported(f"cannot simulate @{sym_name(fn)}: more than one block", fn)
        block = fn.regions[0].block
        terminator = block.last_op
        if terminator is None or terminator.name not in ("func.return", "hw.output"):
            raise LutoptError(f"cannot simulate @{sym_name(fn)}: no func.return or hw.output", fn)

        slots: dict[SSAValue, int] = {}

        def slot(v: SSAValue) -> int:
            s = slots.get(v)
            if s is None:
                s = slots[v] = len(slots)
            return s

        arg_slots = [slot(a) for a in block.args]
        body = [op for op in block.ops if op is not terminator]
        regs_ops = [op for op in body if op.name == "seq.compreg"]
        for op in body:
            if op.name != "seq.compreg" and _op_kind(op.name) is None:
                raise unsupported(op)
            if op.regions and not _OPS[op.name].regions:
                raise unsupported(op, "ops with regions")
        operands_of = {op: tuple(op.operands) for op in body}
        order = [
            op
            for op in topological_order(block, body, loop_error=_loop_error)
            if not is_register(op)
        ]

        consts: dict[int, Value] = {}
        for a in block.args:
            if is_clock(a.type):
                consts[slot(a)] = CLOCK
        steps: list[tuple[Closure, list[int], list[int]]] = []
        has_state = bool(regs_ops)
        for op in order:
            kind = _OPS[op.name]
            closure = kind.compile(op, self)
            if self.observe is not None:
                closure = _observed(closure, op, self.observe)
            ins = [slot(v) for v in operands_of[op]]
            outs = [slot(r) for r in op.results]
            has_state |= bool(getattr(closure, "has_state", False))
            if kind.pure and all(i in consts for i in ins):
                try:
                    results = closure([consts[i] for i in ins], Env())
                except LutoptError:
                    raise
                except Exception as e:
                    raise LutoptError(f"cannot simulate '{op.name}': {e}", op) from e
                for s, r in zip(outs, results):
                    consts[s] = r
                continue
            steps.append((_located(closure, op), ins, outs))

        regs = []
        for op in regs_ops:
            from xdsl.dialects.seq import CompRegOp

            assert isinstance(op, CompRegOp)
            init = zero_of(op.data.type) if _simulable_type(op.data.type) else None
            if init is None:
                raise unsupported(op, f"registers of type {op.data.type}")
            if op.power_on_value is not None:
                s = slot(op.power_on_value)
                if s not in consts:
                    raise unsupported(op, "a powerOn value that is not a constant")
                init = consts[s]
            reg = _Register(id(op), slot(op.data), slot(op.input), init)
            if op.reset is not None and op.reset_value is not None:
                reg.reset, reg.reset_value = slot(op.reset), slot(op.reset_value)
            regs.append(reg)

        out_slots = [slot(v) for v in terminator.operands]
        initial: list[Value] = [None] * len(slots)
        for s, v in consts.items():
            initial[s] = v
        return _Plan(fn, len(slots), arg_slots, out_slots, initial, steps, regs, has_state)

    def _run(self, plan: _Plan, args: list[Value], env: Env) -> list[Value]:
        vals = list(plan.initial)
        for s, v in zip(plan.arg_slots, args):
            vals[s] = v
        regs = plan.regs
        if regs:
            state, path = env.state, env.path
            for r in regs:
                vals[r.out] = state.get((path, r.key), r.init)
        for closure, ins, outs in plan.steps:
            results = closure([vals[i] for i in ins], env)
            for s, v in zip(outs, results):
                vals[s] = v
        if regs:
            nxt, path = env.next_state, env.path
            for r in regs:
                v = vals[r.inp]
                if r.reset is not None:
                    v = select(vals[r.reset], vals[r.reset_value], v)
                nxt[(path, r.key)] = v
        return [vals[s] for s in plan.out_slots]


def _simulable_type(type_: Attribute) -> bool:
    try:
        zero_of(type_)
    except ValueError:
        return False
    return True


def _located(closure: Closure, op: Operation) -> Closure:
    """Turns unexpected failures inside an op's closure into a located error."""

    def run(args: list[Value], env: Env) -> list[Value]:
        try:
            return closure(args, env)
        except LutoptError:
            raise
        except Exception as e:
            raise LutoptError(f"cannot simulate '{op.name}': {type(e).__name__}: {e}", op) from e

    run.has_state = getattr(closure, "has_state", False)  # type: ignore[attr-defined]
    return run


def _observed(closure: Closure, op: Operation, observe: Callable[[Operation, list[Value]], None]) -> Closure:
    def run(args: list[Value], env: Env) -> list[Value]:
        observe(op, args)
        return closure(args, env)

    run.has_state = getattr(closure, "has_state", False)  # type: ignore[attr-defined]
    return run


def _loop_error(op: Operation) -> LutoptError:
    return LutoptError(f"cannot simulate: combinational loop through '{op.name}'", op)


def _check_inputs(sig: Signature, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
    if len(inputs) != len(sig.input_widths):
        raise ValueError(f"@{sig.name} has {len(sig.input_widths)} inputs, got {len(inputs)}")
    ins = [np.asarray(x).reshape(-1).astype(_U64) & mask(w) for x, w in zip(inputs, sig.input_widths)]
    if ins and any(x.shape != ins[0].shape for x in ins):
        raise ValueError("all inputs must have the same number of vectors")
    return ins


def _full(value: Value, lanes: int) -> np.ndarray:
    if not isinstance(value, np.ndarray):
        raise TypeError(f"expected an integer output, got {value!r}")
    return np.broadcast_to(value, (lanes,)).astype(_U64)


# --------------------------------------------------------------------- module-level API


def evaluate(
    module: ModuleOp, name: str | None, inputs: Sequence[np.ndarray], backend: str = "numpy"
) -> list[np.ndarray]:
    """Evaluates function `name` of `module` on a batch of vectors (see `Interpreter.evaluate`;
    `backend` as `Interpreter`'s)."""
    return Interpreter(module, backend=backend).evaluate(name, inputs)


def simulate_cycles(
    module: ModuleOp, name: str | None, input_streams: Sequence[np.ndarray]
) -> list[np.ndarray]:
    """Cycle-by-cycle simulation (see `Interpreter.simulate_cycles`)."""
    return Interpreter(module).simulate_cycles(name, input_streams)


__all__ = [
    "BACKENDS",
    "CLOCK",
    "MAX_PORT_WIDTH",
    "LATENCY_ATTR",
    "ArrayValue",
    "Bits",
    "Interpreter",
    "Signature",
    "SimulationUnsupported",
    "evaluate",
    "find_function",
    "function_names",
    "function_signature",
    "register_op",
    "signature_of",
    "simulate_cycles",
]
