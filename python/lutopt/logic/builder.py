"""Building gate netlists gate by gate, on literals.

A *literal* is `2 * node + complemented`: literal 0 is constant false, 1 is constant
true, `2 * (k + 1)` is input k. Complemented fanins never reach the netlist: `gate()`
folds them into the gate's function (any two-input function of `~x` is another two-input
function of `x`), so the netlists built here contain no inverters unless asked for.

Options (all off by default, so a plain builder reproduces its input gate for gate):
- `simplify`: constant fanins, functions that ignore a fanin (0, 3, 5, 10, 12, 15) and
  gates whose two fanins are the same node reduce to a literal instead of a gate;
- `fold_inverters`: only the inverters (functions 10 and 12, also after complemented
  fanins are folded: a buffer of a complement) reduce to a literal;
- `strash`: structural hashing. Gates are normalised (fanins in increasing node order,
  output phase chosen so that f(0,0) = 0, the complement moving to the literal) and a
  gate equal to an earlier one returns the earlier one's literal. Like an AIG package
  building its nodes, hashing also reduces the gates that have no two-input normal form
  (those `simplify` reduces: constants, buffers, inverters, one node twice).

Function tables (difflogic numbering: bit 3 - (2a + b) of `fn` is f(a, b)):
`SWAP[fn]` is f(b, a), `NEG_A[fn]` is f(~a, b), `NEG_B[fn]` is f(a, ~b).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np

from lutopt.logic.netlist import GateNetlist

FALSE = 0
TRUE = 1


def _tabulate(transform: Callable[[Callable[[int, int], int], int, int], int]) -> tuple[int, ...]:
    out = []
    for fn in range(16):
        f = lambda x, y, fn=fn: (fn >> (3 - (2 * x + y))) & 1  # noqa: E731
        out.append(sum(transform(f, x, y) << (3 - (2 * x + y)) for x in (0, 1) for y in (0, 1)))
    return tuple(out)


def fn_value(fn: int, x: int, y: int) -> int:
    """f(x, y) for function number `fn`."""
    return (fn >> (3 - (2 * x + y))) & 1


def fn_from_values(f00: int, f01: int, f10: int, f11: int) -> int:
    return (f00 << 3) | (f01 << 2) | (f10 << 1) | f11


SWAP = _tabulate(lambda f, x, y: f(y, x))
NEG_A = _tabulate(lambda f, x, y: f(1 - x, y))
NEG_B = _tabulate(lambda f, x, y: f(x, 1 - y))
# FOLD[4 * fn + 2 * neg_a + neg_b]: the function of the fanin nodes when the fanin
# literals carry the given complements.
FOLD = tuple(
    (NEG_B[NEG_A[fn]] if na and nb else NEG_A[fn] if na else NEG_B[fn] if nb else fn)
    for fn in range(16)
    for na in (0, 1)
    for nb in (0, 1)
)

AND, XOR, OR = 1, 6, 7


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pauses Python's cyclic garbage collector. Loops that allocate hundreds of
    thousands of small objects (one per gate) otherwise trigger collections that rescan
    every live object, IR included, and cost more than the loop itself (3x on a 200k-gate
    BLIF export)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _unary(u0: int, u1: int, x: int) -> int:
    """The literal of the one-input function (u(0), u(1)) applied to literal `x`."""
    if u0 == u1:
        return u0  # FALSE or TRUE
    return x if u1 else x ^ 1


def simplify_gate(fn: int, la: int, lb: int) -> int | None:
    """The literal that gate `fn(la, lb)` reduces to, or None when it is a real gate
    (both fanins non-constant, distinct nodes, and the function depends on both)."""
    na, nb = la >> 1, lb >> 1
    if na == 0:  # constant first fanin
        va = la & 1
        return _unary(fn_value(fn, va, 0), fn_value(fn, va, 1), lb)
    if nb == 0:
        vb = lb & 1
        return _unary(fn_value(fn, 0, vb), fn_value(fn, 1, vb), la)
    f = FOLD[4 * fn + 2 * (la & 1) + (lb & 1)]
    if na == nb:  # f(x, x) on the node
        return _unary((f >> 3) & 1, f & 1, 2 * na)
    ign_a = ((f >> 3) & 1) == ((f >> 1) & 1) and ((f >> 2) & 1) == (f & 1)
    ign_b = ((f >> 3) & 1) == ((f >> 2) & 1) and ((f >> 1) & 1) == (f & 1)
    if ign_a:  # also covers constant functions (ign_a and ign_b)
        return _unary((f >> 3) & 1, (f >> 2) & 1, 2 * nb)
    if ign_b:
        return _unary((f >> 3) & 1, (f >> 1) & 1, 2 * na)
    return None


class NetlistBuilder:
    """Appends gates to a netlist of `num_inputs` inputs; see the module docstring."""

    def __init__(
        self,
        num_inputs: int,
        *,
        simplify: bool = False,
        strash: bool = False,
        fold_inverters: bool = False,
    ):
        self.num_inputs = num_inputs
        self.fn: list[int] = []
        self.a: list[int] = []
        self.b: list[int] = []
        self.simplify = simplify
        self.strash = strash
        self.fold_inverters = fold_inverters
        self._table: dict[tuple[int, int, int], int] = {}
        self._base = num_inputs + 1

    @staticmethod
    def input(k: int) -> int:
        return 2 * (k + 1)

    @property
    def num_gates(self) -> int:
        return len(self.fn)

    def gate(self, fn: int, la: int, lb: int) -> int:
        """The literal of `fn(la, lb)`, adding a gate unless the options reduce it."""
        if self.simplify or self.strash:
            lit = simplify_gate(fn, la, lb)
            if lit is not None:
                return lit
        if self.fold_inverters:
            if fn == 12:
                return la ^ 1
            if fn == 10:
                return lb ^ 1
        f = FOLD[4 * fn + 2 * (la & 1) + (lb & 1)]
        a, b = la >> 1, lb >> 1
        if self.fold_inverters and f in (10, 12):
            # A buffer whose fanin is complemented is an inverter too.
            return 2 * a + 1 if f == 12 else 2 * b + 1
        if not self.strash:
            self.fn.append(f)
            self.a.append(a)
            self.b.append(b)
            return 2 * (self._base + len(self.fn) - 1)
        if a > b:
            a, b = b, a
            f = SWAP[f]
        neg = f >> 3  # f(0, 0) = 1: store the complement
        if neg:
            f ^= 15
        key = (f, a, b)
        node = self._table.get(key)
        if node is None:
            node = self._base + len(self.fn)
            self._table[key] = node
            self.fn.append(f)
            self.a.append(a)
            self.b.append(b)
        return 2 * node + neg

    # Convenience constructors on literals.
    def and_(self, la: int, lb: int) -> int:
        return self.gate(AND, la, lb)

    def or_(self, la: int, lb: int) -> int:
        return self.gate(OR, la, lb)

    def xor(self, la: int, lb: int) -> int:
        return self.gate(XOR, la, lb)

    def mux(self, sel: int, then: int, other: int) -> int:
        """sel ? then : other."""
        return self.or_(self.and_(sel, then), self.and_(sel ^ 1, other))

    def and_tree(self, lits: Sequence[int]) -> int:
        return self._tree(AND, list(lits), TRUE)

    def or_tree(self, lits: Sequence[int]) -> int:
        return self._tree(OR, list(lits), FALSE)

    def _tree(self, fn: int, lits: list[int], empty: int) -> int:
        """A balanced tree of `fn` over `lits` (pairs adjacent literals level by level)."""
        if not lits:
            return empty
        while len(lits) > 1:
            nxt = [self.gate(fn, lits[i], lits[i + 1]) for i in range(0, len(lits) - 1, 2)]
            if len(lits) % 2:
                nxt.append(lits[-1])
            lits = nxt
        return lits[0]

    def build(
        self,
        output_literals: Sequence[int],
        input_names: list[str] | None = None,
        output_names: list[str] | None = None,
    ) -> GateNetlist:
        lits = np.asarray(output_literals, dtype=np.int64).reshape(-1)
        return GateNetlist(
            num_inputs=self.num_inputs,
            fn=np.array(self.fn, dtype=np.uint8),
            a=np.array(self.a, dtype=np.int32),
            b=np.array(self.b, dtype=np.int32),
            outputs=(lits >> 1).astype(np.int32),
            output_neg=(lits & 1).astype(bool),
            input_names=input_names,
            output_names=output_names,
        )


def rebuild(net: GateNetlist, builder: NetlistBuilder) -> GateNetlist:
    """Copies `net` gate by gate through `builder` (whose options do the work)."""
    n = net.num_inputs
    lit = [2 * k for k in range(1 + n)]  # node -> literal in the new netlist
    gate = builder.gate
    append = lit.append
    with gc_paused():
        for f, x, y in zip(net.fn.tolist(), net.a.tolist(), net.b.tolist()):
            append(gate(f, lit[x], lit[y]))
    outs = [lit[o] ^ int(neg) for o, neg in zip(net.outputs.tolist(), net.output_neg.tolist())]
    return builder.build(outs, net.input_names, net.output_names)


def table_literal(builder: NetlistBuilder, fanins: Sequence[int], table: np.ndarray) -> int:
    """The literal of a truth table over fanin literals (entry i is the value for the
    fanin values with fanin 0 as the most significant bit of i), built by Shannon
    expansion on fanin 0, 1, ...: a cofactor pair that is equal needs no gate, a
    complementary pair one XOR, a constant cofactor one AND/OR, otherwise a multiplexer;
    equal sub-tables are built once. Use a `strash` builder to share more."""
    t = np.asarray(table, dtype=np.uint8).reshape(-1) & 1
    n = len(fanins)
    if len(t) != 1 << n:
        raise ValueError(f"a table over {n} fanins needs {1 << n} entries, got {len(t)}")
    memo: dict[tuple[int, bytes], int] = {}

    def build(k: int, sub: np.ndarray) -> int:
        if not sub.any():
            return FALSE
        if sub.all():
            return TRUE
        key = (k, sub.tobytes())
        hit = memo.get(key)
        if hit is not None:
            return hit
        neg_key = (k, (sub ^ 1).tobytes())
        hit = memo.get(neg_key)
        if hit is not None:
            return hit ^ 1
        half = len(sub) // 2
        f0, f1 = sub[:half], sub[half:]
        x = fanins[k]
        if np.array_equal(f0, f1):
            r = build(k + 1, f0)
        elif np.array_equal(f0, f1 ^ 1):
            r = builder.xor(x, build(k + 1, f0))
        elif not f0.any():
            r = builder.and_(x, build(k + 1, f1))
        elif f0.all():
            r = builder.or_(x ^ 1, build(k + 1, f1))
        elif not f1.any():
            r = builder.and_(x ^ 1, build(k + 1, f0))
        elif f1.all():
            r = builder.or_(x, build(k + 1, f0))
        else:
            r = builder.mux(x, build(k + 1, f1), build(k + 1, f0))
        memo[key] = r
        return r

    return build(0, t)
