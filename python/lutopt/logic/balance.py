"""Depth balancing of AND, OR and XOR chains (the idea of ABC's `balance`).

Every gate whose function is an AND of (possibly complemented) fanins with a possibly
complemented result -- functions 1, 2, 4, 8 (AND, AND with complemented fanins, NOR)
and 7, 11, 13, 14 (OR-like, NAND) -- or an XOR (6, 9) belongs to a family. A *supergate*
is a maximal tree of same-family gates in which every inner gate has exactly one fanout
(one consumer, not an output) that sees it uncomplemented (for AND; XOR absorbs any
complement into the parity). Its leaves are collected, repeated leaves merged (x & x = x,
x & ~x = 0, x ^ x = 0), and the tree is rebuilt by always combining the two leaves of
lowest level, which gives the least depth for those leaf levels. Gates with more than one
fanout stay, so no logic is duplicated and the gate count never grows; the depth of no
node grows either.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from time import perf_counter

from lutopt.logic.builder import AND, FOLD, XOR, NetlistBuilder, gc_paused
from lutopt.logic.netlist import GateNetlist

# For an AND-family function: (output complement, fanin-a complement, fanin-b complement),
# so that fn(a, b) = out ^ AND(a ^ ca, b ^ cb).
_AND_FAMILY: dict[int, tuple[int, int, int]] = {}
for _fn in range(16):
    _ones = [(x, y) for x in (0, 1) for y in (0, 1) if (_fn >> (3 - (2 * x + y))) & 1]
    if len(_ones) == 1:
        _AND_FAMILY[_fn] = (0, 1 - _ones[0][0], 1 - _ones[0][1])
    elif len(_ones) == 3:
        _zero = next((x, y) for x in (0, 1) for y in (0, 1) if (x, y) not in _ones)
        _AND_FAMILY[_fn] = (1, 1 - _zero[0], 1 - _zero[1])
_XOR_FAMILY = {6: 0, 9: 1}

_NONE, _ANDF, _XORF = 0, 1, 2


@dataclass
class BalanceStats:
    supergates: int = 0
    gates_before: int = 0
    gates_after: int = 0
    depth_before: int = 0
    depth_after: int = 0
    seconds: float = 0.0
    extra: dict[str, int] = field(default_factory=dict)

    def report(self) -> str:
        return (
            f"balance: {self.supergates} supergates, gates {self.gates_before} -> {self.gates_after}, "
            f"depth {self.depth_before} -> {self.depth_after}, {self.seconds:.3f} s"
        )


def balance(net: GateNetlist, stats: BalanceStats | None = None) -> GateNetlist:
    """The netlist with every AND/OR/XOR supergate rebuilt as a tree of least depth."""
    with gc_paused():
        return _balance(net, stats)


def _balance(net: GateNetlist, stats: BalanceStats | None) -> GateNetlist:
    start = perf_counter()
    n = net.num_inputs
    base = 1 + n
    fns, fa, fb = net.fn.tolist(), net.a.tolist(), net.b.tolist()
    num_gates = len(fns)

    family = [_NONE] * num_gates
    for g, f in enumerate(fns):
        if f in _AND_FAMILY:
            family[g] = _ANDF
        elif f in _XOR_FAMILY:
            family[g] = _XORF

    # Fanout counts over gate fanins and outputs; the consumer of single-fanout gates.
    fanout = [0] * (base + num_gates)
    consumer = [-1] * (base + num_gates)
    for g in range(num_gates):
        for x in (fa[g], fb[g]):
            fanout[x] += 1
            consumer[x] = g
    for o in net.outputs.tolist():
        fanout[o] += 1
        consumer[o] = -1

    # absorbed[g]: gate g is an inner gate of its consumer's supergate.
    absorbed = [False] * num_gates
    for g in range(num_gates):
        node = base + g
        c = consumer[node]
        if fanout[node] != 1 or c < 0 or family[g] == _NONE or family[c] != family[g]:
            continue
        if family[g] == _XORF:
            absorbed[g] = True
            continue
        out_neg = _AND_FAMILY[fns[g]][0]
        _, ca, cb = _AND_FAMILY[fns[c]]
        pol = ca if fa[c] == node else cb
        absorbed[g] = (pol ^ out_neg) == 0

    builder = NetlistBuilder(n)
    lit = [2 * k for k in range(base)] + [0] * num_gates
    level = [0] * base  # level of each node of the new netlist
    supergates = 0

    def new_gate(fn: int, la: int, lb: int, inner: bool = False) -> int:
        """A gate of the new netlist. An inner gate of a tree is built in the phase with
        f(0,0) = 0 (an OR rather than a NOR), its consumer taking the complement."""
        neg = 0
        if inner and FOLD[4 * fn + 2 * (la & 1) + (lb & 1)] >= 8:
            fn, neg = fn ^ 15, 1
        r = builder.gate(fn, la, lb)
        level.append(max(level[la >> 1], level[lb >> 1]) + 1)
        return r ^ neg

    for g in range(num_gates):
        if absorbed[g]:
            continue
        f = fns[g]
        fam = family[g]
        if fam == _NONE:
            lit[base + g] = new_gate(f, lit[fa[g]], lit[fb[g]])
            continue
        supergates += 1
        leaves: list[int] = []
        if fam == _ANDF:
            out_neg, ca, cb = _AND_FAMILY[f]
            stack = [(fa[g], ca), (fb[g], cb)]
            while stack:
                x, pol = stack.pop()
                if x >= base and absorbed[x - base]:
                    _, xa, xb = _AND_FAMILY[fns[x - base]]
                    stack.append((fa[x - base], xa))
                    stack.append((fb[x - base], xb))
                else:
                    leaves.append(lit[x] ^ pol)
            unique = set(leaves)
            if any(l ^ 1 in unique for l in unique) or 0 in unique:
                lit[base + g] = 0 ^ out_neg  # x & ~x, or a constant-false leaf
                continue
            unique.discard(1)  # constant-true leaves
            if not unique:
                lit[base + g] = 1 ^ out_neg
                continue
            result = _tree(AND, sorted(unique), level, new_gate, out_neg)
        else:
            parity = _XOR_FAMILY[f]
            stack = [fa[g], fb[g]]
            while stack:
                x = stack.pop()
                if x >= base and absorbed[x - base]:
                    parity ^= _XOR_FAMILY[fns[x - base]]
                    stack.append(fa[x - base])
                    stack.append(fb[x - base])
                else:
                    leaves.append(lit[x])
            odd: dict[int, int] = {}
            for l in leaves:
                parity ^= l & 1
                node = l >> 1
                if node == 0:
                    continue
                odd[node] = odd.get(node, 0) ^ 1
            nodes = sorted(k for k, v in odd.items() if v)
            if not nodes:
                lit[base + g] = parity
                continue
            result = _tree(XOR, [2 * k for k in nodes], level, new_gate, parity)
        lit[base + g] = result

    outs = [lit[o] ^ int(neg) for o, neg in zip(net.outputs.tolist(), net.output_neg.tolist())]
    out = builder.build(outs, net.input_names, net.output_names)
    if stats is not None:
        from lutopt.logic.simplify import depth

        stats.supergates += supergates
        stats.gates_before += net.num_gates
        stats.gates_after += out.num_gates
        stats.depth_before = max(stats.depth_before, depth(net))
        stats.depth_after = max(stats.depth_after, depth(out))
        stats.seconds += perf_counter() - start
    return out


def _tree(fn: int, leaves: list[int], level: list[int], new_gate, out_neg: int) -> int:
    """Combines `leaves` with `fn`, lowest levels first; the last gate takes the complement
    `out_neg` into its function (a single leaf is returned complemented instead)."""
    if len(leaves) == 1:
        return leaves[0] ^ out_neg
    heap = [(level[l >> 1], i, l) for i, l in enumerate(leaves)]
    heapq.heapify(heap)
    count = len(heap)
    while len(heap) > 2:
        _, _, x = heapq.heappop(heap)
        _, _, y = heapq.heappop(heap)
        r = new_gate(fn, x, y, True)
        heapq.heappush(heap, (level[r >> 1], count, r))
        count += 1
    (_, _, x), (_, _, y) = heap
    return new_gate(fn ^ 15 if out_neg else fn, x, y)
