"""The interpreter runs the integer level (upstream `arith` on signless integers in
`func.func`), checked against definitions written here: wrap-around modulo 2^N, the
signed/unsigned readings of the compare predicates and of min/max, extensions and
truncation, at widths 8, 64 and wider than 64 (Python integers here, the interpreter's
wide path there)."""

from __future__ import annotations

import numpy as np
import pytest
from lutopt.sim import Interpreter
from lutopt.sim.parsing import parse_module


def signed(x: int, w: int) -> int:
    return x - (1 << w) if x >> (w - 1) & 1 else x


BINARY = {
    "addi": lambda x, y, w: x + y,
    "subi": lambda x, y, w: x - y,
    "muli": lambda x, y, w: x * y,
    "andi": lambda x, y, w: x & y,
    "ori": lambda x, y, w: x | y,
    "xori": lambda x, y, w: x ^ y,
    "shli": lambda x, y, w: x << y if y < w else 0,
    "shrui": lambda x, y, w: x >> y if y < w else 0,
    "shrsi": lambda x, y, w: signed(x, w) >> min(y, w - 1),
    "minsi": lambda x, y, w: min(signed(x, w), signed(y, w)),
    "maxsi": lambda x, y, w: max(signed(x, w), signed(y, w)),
    "minui": lambda x, y, w: min(x, y),
    "maxui": lambda x, y, w: max(x, y),
}

PREDICATES = {
    "eq": lambda x, y, w: x == y,
    "ne": lambda x, y, w: x != y,
    "slt": lambda x, y, w: signed(x, w) < signed(y, w),
    "sle": lambda x, y, w: signed(x, w) <= signed(y, w),
    "sgt": lambda x, y, w: signed(x, w) > signed(y, w),
    "sge": lambda x, y, w: signed(x, w) >= signed(y, w),
    "ult": lambda x, y, w: x < y,
    "ule": lambda x, y, w: x <= y,
    "ugt": lambda x, y, w: x > y,
    "uge": lambda x, y, w: x >= y,
}


def _vectors(w: int, n: int, seed: int) -> list[int]:
    rng = np.random.default_rng(seed)
    special = [0, 1, 2, (1 << w) - 1, 1 << (w - 1), (1 << (w - 1)) - 1, w - 1, w]
    rand = [int.from_bytes(rng.bytes((w + 7) // 8), "little") & ((1 << w) - 1) for _ in range(n)]
    small = [int(v) for v in rng.integers(0, w + 2, n)]  # shift amounts around w
    return [v & ((1 << w) - 1) for v in special + rand + small]


def _run(text: str, inputs: list[list[int]], widths: list[int]) -> list[list[int]]:
    """Runs @f on the vectors; wide values go in and out as Python integers."""
    from lutopt.interpreters.values import from_pyints, to_pyints

    module = parse_module(text)
    interp = Interpreter(module)
    fn = interp._function("f")
    plan = interp._plan(fn)
    from lutopt.interpreters.core import Env

    args = [from_pyints(col, w) for col, w in zip(inputs, widths)]
    outs = interp._run(plan, args, Env())
    res_widths = [r.width.data for r in fn.function_type.outputs.data]
    return [to_pyints(o, w) for o, w in zip(outs, res_widths)]


@pytest.mark.parametrize("w", [1, 8, 64, 100])
def test_binary_ops_and_compares(w: int) -> None:
    names = list(BINARY)
    body = "\n".join(f"  %{n} = arith.{n} %a, %b : i{w}" for n in names)
    body += "\n" + "\n".join(f"  %c_{p} = arith.cmpi {p}, %a, %b : i{w}" for p in PREDICATES)
    results = [f"%{n}" for n in names] + [f"%c_{p}" for p in PREDICATES]
    types = [f"i{w}"] * len(names) + ["i1"] * len(PREDICATES)
    text = (
        f"func.func @f(%a: i{w}, %b: i{w}) -> ({', '.join(types)}) {{\n{body}\n"
        f"  func.return {', '.join(results)} : {', '.join(types)}\n}}"
    )
    xs = _vectors(w, 60, 1)
    ys = _vectors(w, 60, 2)[::-1]
    xs, ys = xs[: len(ys)], ys[: len(xs)]
    outs = _run(text, [xs, ys], [w, w])
    m = (1 << w) - 1
    for k, n in enumerate(names):
        want = [BINARY[n](x, y, w) & m for x, y in zip(xs, ys)]
        assert outs[k] == want, n
    for k, p in enumerate(PREDICATES):
        want = [int(PREDICATES[p](x, y, w)) for x, y in zip(xs, ys)]
        assert outs[len(names) + k] == want, p


@pytest.mark.parametrize("w_in,w_out", [(8, 16), (5, 64), (8, 70), (64, 130), (70, 100)])
def test_extensions_and_truncation(w_in: int, w_out: int) -> None:
    text = f"""
func.func @f(%a: i{w_in}, %b: i{w_out}) -> (i{w_out}, i{w_out}, i{w_in}, i{w_out}) {{
  %z = arith.extui %a : i{w_in} to i{w_out}
  %s = arith.extsi %a : i{w_in} to i{w_out}
  %t = arith.trunci %b : i{w_out} to i{w_in}
  %c = arith.cmpi sgt, %z, %s : i{w_out}
  %sel = arith.select %c, %z, %b : i{w_out}
  func.return %z, %s, %t, %sel : i{w_out}, i{w_out}, i{w_in}, i{w_out}
}}"""
    xs = _vectors(w_in, 40, 3)
    ys = _vectors(w_out, 40, 4)[: len(xs)]
    xs = xs[: len(ys)]
    z, s, t, sel = _run(text, [xs, ys], [w_in, w_out])
    mo = (1 << w_out) - 1
    assert z == xs
    assert s == [signed(x, w_in) & mo for x in xs]
    assert t == [y & ((1 << w_in) - 1) for y in ys]
    # zero extension > sign extension, read signed, exactly when the sign bit is set
    assert sel == [x if x >> (w_in - 1) & 1 else y for x, y in zip(xs, ys)]


def test_constants_and_a_mixed_lut_function() -> None:
    """An integer function that also holds a lut.table (the lut level is iN codes too),
    run through the public evaluate (exhaustive over i4 x i4)."""
    table = ", ".join(str((i * 3) % 4) for i in range(16))
    text = f"""
func.func @f(%a: i4, %b: i4) -> (i9, i2) {{
  %c5 = arith.constant 5 : i9
  %x = arith.extui %a : i4 to i9
  %y = arith.extsi %b : i4 to i9
  %p = arith.muli %x, %y : i9
  %q = arith.addi %p, %c5 : i9
  %t = "lut.table"(%a) <{{table = dense<[{table}]> : tensor<16xi2>}}> : (i4) -> i2
  func.return %q, %t : i9, i2
}}"""
    from lutopt.sim import evaluate

    a, b = np.meshgrid(np.arange(16), np.arange(16), indexing="ij")
    a, b = a.ravel(), b.ravel()
    q, t = evaluate(parse_module(text), "f", [a.astype(np.uint64), b.astype(np.uint64)])
    want = [(int(x) * signed(int(y), 4) + 5) % 512 for x, y in zip(a, b)]
    assert q.tolist() == want
    assert t.tolist() == [(int(x) * 3) % 4 for x in a]
