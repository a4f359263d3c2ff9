"""Differential fuzzing of the integer level: random `arith` functions (sums and
differences in chains, exact and approximate products, products by constants,
extensions and truncations, comparisons, selects, min/max, shifts by constants and by
variables, bitwise ops) are run

- by lutopt's interpreter on the function as written, and
- after `convert-arith-to-gate{multiplier=M}` (gate netlists simulated bit-parallel),

and both are compared with a NumPy evaluation of upstream `arith`'s semantics and of
DESIGN.md's Mitch-w written here (not lutopt's code), exhaustively (at most 12 input
bits). A `muli` may carry `lutopt.multiplier`; the option applies to the others.

Long run: `bench/fuzz.py --level arith --examples N`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from .settings import fuzz_settings

MAX_ARG_BITS = 12
BINARY = ("addi", "subi", "muli", "andi", "ori", "xori", "minsi", "maxsi", "minui", "maxui",
          "shli", "shrui", "shrsi")
PREDICATES = ("eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule", "ugt", "uge")
MULTIPLIERS = ("exact", "mitchell", "mitch-w3", "mitch-w6")


# --------------------------------------------------------------------- the oracle


def sx(v: np.ndarray, w: int) -> np.ndarray:
    """Two's-complement reading of w-bit values (int64)."""
    v = v.astype(np.int64)
    return np.where(v >> (w - 1) & 1, v - (1 << w), v)


def mitch(a: int, b: int, F: int | None) -> int:
    """DESIGN.md's Mitch-w on integers (F None: no truncation), sign-magnitude."""
    x, y = abs(a), abs(b)
    if x == 0 or y == 0:
        return 0
    kx, ky = x.bit_length() - 1, y.bit_length() - 1
    F = max(kx, ky) if F is None else F
    fx = (x - (1 << kx)) * (1 << F) // (1 << kx)
    fy = (y - (1 << ky)) * (1 << F) // (1 << ky)
    s = (kx + ky) * (1 << F) + fx + fy
    c, m = s // (1 << F), (1 << F) + s % (1 << F)
    p = m * (1 << c) // (1 << F)
    return -p if (a < 0) != (b < 0) else p


@dataclass
class Val:
    width: int
    text: str  # SSA name
    op: str = "arg"  # "arg", "const", "extsi", "extui", or the op's name
    src: "Val | None" = None
    const: int = 0


def read_operand(v: Val, other: Val, values: dict[str, np.ndarray]) -> np.ndarray:
    """How an approximate muli reads an operand (docs/arithmetic.md)."""
    if v.op in ("extsi", "extui"):
        assert v.src is not None
        raw = values[v.src.text]
        return sx(raw, v.src.width) if v.op == "extsi" else raw.astype(np.int64)
    if v.op == "const":
        return sx(values[v.text], v.width) if other.op == "extsi" else values[v.text].astype(np.int64)
    return values[v.text].astype(np.int64)


def evaluate(prog: "Program", inputs: list[np.ndarray], option: str) -> list[np.ndarray]:
    vals: dict[str, np.ndarray] = {}
    for v, x in zip(prog.args, inputs):
        vals[v.text] = x.astype(np.int64)
    n = len(inputs[0])
    for st_ in prog.steps:
        r, kind = st_.result, st_.kind
        m = (1 << r.width) - 1
        if kind == "const":
            vals[r.text] = np.full(n, r.const & m, dtype=np.int64)
            continue
        ops = [vals[o.text] for o in st_.operands]
        w = st_.operands[0].width if st_.operands else r.width
        if kind == "extui":
            out = ops[0]
        elif kind == "extsi":
            out = sx(ops[0], w)
        elif kind == "trunci":
            out = ops[0]
        elif kind == "addi":
            out = ops[0] + ops[1]
        elif kind == "subi":
            out = ops[0] - ops[1]
        elif kind == "muli":
            mult = st_.attr or option
            if mult == "exact":
                out = ops[0] * ops[1]
            else:
                a = read_operand(st_.operands[0], st_.operands[1], vals)
                b = read_operand(st_.operands[1], st_.operands[0], vals)
                F = None if mult == "mitchell" else int(mult.removeprefix("mitch-w")) - 1
                out = np.array([mitch(int(p), int(q), F) for p, q in zip(a, b)], dtype=np.int64)
        elif kind == "andi":
            out = ops[0] & ops[1]
        elif kind == "ori":
            out = ops[0] | ops[1]
        elif kind == "xori":
            out = ops[0] ^ ops[1]
        elif kind in ("minsi", "maxsi"):
            a, b = sx(ops[0], w), sx(ops[1], w)
            out = np.minimum(a, b) if kind == "minsi" else np.maximum(a, b)
        elif kind in ("minui", "maxui"):
            out = np.minimum(ops[0], ops[1]) if kind == "minui" else np.maximum(ops[0], ops[1])
        elif kind == "shli":
            out = np.where(ops[1] < w, ops[0] << np.minimum(ops[1], w), 0)
        elif kind == "shrui":
            out = np.where(ops[1] < w, ops[0] >> np.minimum(ops[1], w), 0)
        elif kind == "shrsi":
            out = sx(ops[0], w) >> np.minimum(ops[1], w - 1)
        elif kind == "cmpi":
            p = st_.pred
            a, b = (sx(ops[0], w), sx(ops[1], w)) if p[0] == "s" else (ops[0], ops[1])
            out = {"eq": a == b, "ne": a != b, "lt": a < b, "le": a <= b, "gt": a > b, "ge": a >= b}[
                p if p in ("eq", "ne") else p[1:]].astype(np.int64)
        elif kind == "select":
            out = np.where(ops[0] != 0, ops[1], ops[2])
        else:  # pragma: no cover
            raise AssertionError(kind)
        vals[r.text] = out & m
    return [vals[v.text] & ((1 << v.width) - 1) for v in prog.results]


# --------------------------------------------------------------------- programs


@dataclass
class Step:
    kind: str
    result: Val
    operands: list[Val]
    pred: str = ""
    attr: str | None = None

    def text(self) -> str:
        r, o = self.result, self.operands
        if self.kind == "const":
            return f"  {r.text} = arith.constant {r.const} : i{r.width}"
        if self.kind in ("extui", "extsi", "trunci"):
            return f"  {r.text} = arith.{self.kind} {o[0].text} : i{o[0].width} to i{r.width}"
        if self.kind == "cmpi":
            return f"  {r.text} = arith.cmpi {self.pred}, {o[0].text}, {o[1].text} : i{o[0].width}"
        if self.kind == "select":
            return f"  {r.text} = arith.select {o[0].text}, {o[1].text}, {o[2].text} : i{r.width}"
        attr = f' {{lutopt.multiplier = "{self.attr}"}}' if self.attr else ""
        return f"  {r.text} = arith.{self.kind} {o[0].text}, {o[1].text}{attr} : i{r.width}"


@dataclass
class Program:
    args: list[Val]
    steps: list[Step]
    results: list[Val]

    def text(self) -> str:
        params = ", ".join(f"{a.text}: i{a.width}" for a in self.args)
        types = ", ".join(f"i{v.width}" for v in self.results)
        body = "\n".join(s.text() for s in self.steps)
        rets = ", ".join(v.text for v in self.results)
        return f"func.func @f({params}) -> ({types}) {{\n{body}\n  func.return {rets} : {types}\n}}\n"


@st.composite
def programs(draw) -> Program:
    nargs = draw(st.integers(1, 3))
    widths = [draw(st.integers(1, 6)) for _ in range(nargs)]
    while sum(widths) > MAX_ARG_BITS:
        widths[widths.index(max(widths))] -= 1
    args = [Val(w, f"%a{i}") for i, w in enumerate(widths)]
    pool: list[Val] = list(args)
    steps: list[Step] = []

    names = iter(range(1 << 30))

    def new(width: int, op: str, **kw) -> Val:
        return Val(width, f"%v{next(names)}", op, **kw)

    def fit(v: Val, w: int) -> Val:
        """v at width w (an extension or truncation step, or v itself)."""
        if v.width == w:
            return v
        if v.width < w:
            kind = draw(st.sampled_from(["extui", "extsi"]))
            r = new(w, kind, src=v)
        else:
            kind = "trunci"
            r = new(w, kind)
        steps.append(Step(kind, r, [v]))
        pool.append(r)
        return r

    def operand(w: int) -> Val:
        if draw(st.integers(0, 5)) == 0:
            c = draw(st.integers(-(1 << (w - 1)) if w > 1 else 0, (1 << w) - 1))
            r = new(w, "const", const=c)
            steps.append(Step("const", r, []))
            return r
        return fit(draw(st.sampled_from(pool)), w)

    for _ in range(draw(st.integers(1, 9))):
        kind = draw(st.sampled_from(BINARY + ("cmpi", "select", "sum")))
        w = draw(st.integers(1, 12))
        if kind == "sum":  # a chain of additions and subtractions
            acc = operand(w)
            for _ in range(draw(st.integers(2, 4))):
                k = draw(st.sampled_from(["addi", "subi"]))
                r = new(w, k)
                steps.append(Step(k, r, [acc, operand(w)]))
                acc = r
            pool.append(acc)
            continue
        if kind == "cmpi":
            a, b = operand(w), operand(w)
            r = new(1, "cmpi")
            steps.append(Step("cmpi", r, [a, b], pred=draw(st.sampled_from(PREDICATES))))
        elif kind == "select":
            c = operand(1)
            a, b = operand(w), operand(w)
            r = new(w, "select")
            steps.append(Step("select", r, [c, a, b]))
        else:
            a, b = operand(w), operand(w)
            r = new(w, kind)
            attr = None
            if kind == "muli" and draw(st.booleans()):
                attr = draw(st.sampled_from(MULTIPLIERS))
            steps.append(Step(kind, r, [a, b], attr=attr))
        pool.append(r)
    nres = draw(st.integers(1, 3))
    results = [draw(st.sampled_from(pool)) for _ in range(nres)]
    return Program(args, steps, results)


# --------------------------------------------------------------------- the fuzzer


def _inputs(prog: Program) -> list[np.ndarray]:
    widths = [a.width for a in prog.args]
    total = sum(widths)
    idx = np.arange(1 << total, dtype=np.int64)
    out, pos = [], total
    for w in widths:
        pos -= w
        out.append((idx >> pos) & ((1 << w) - 1))
    return out


@given(prog=programs(), option=st.sampled_from(MULTIPLIERS), adder=st.sampled_from(["ripple", "prefix"]))
@fuzz_settings(default_examples=30)
def test_arith_interpreter_and_lowering_match_the_semantics(prog: Program, option: str, adder: str, fuzz_count) -> None:
    from lutopt.api import parse_module, run_passes
    from lutopt.sim import evaluate as lutopt_evaluate

    text = prog.text()
    ins = _inputs(prog)
    want = evaluate(prog, ins, option)
    want_exact_option = evaluate(prog, ins, "exact")
    u = [x.astype(np.uint64) for x in ins]
    module = parse_module(text)
    got = lutopt_evaluate(module, "f", u)
    for k, (g, w_) in enumerate(zip(got, want_exact_option)):
        assert g.astype(np.int64).tolist() == w_.tolist(), f"interpreter, result {k}\n{text}"
    run_passes(module, f"convert-arith-to-gate{{multiplier={option} adder={adder}}}")
    assert not any(op.name.startswith("arith.") and op.name != "arith.constant" for op in module.walk())
    got = lutopt_evaluate(module, "f", u)
    for k, (g, w_) in enumerate(zip(got, want)):
        assert g.astype(np.int64).tolist() == w_.tolist(), f"convert-arith-to-gate{{multiplier={option}}}, result {k}\n{text}"
    fuzz_count()
