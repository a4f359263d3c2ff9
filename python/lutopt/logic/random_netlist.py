"""Random gate netlists for tests and benchmarks.

`random_layered` builds a difflogic-style network: layers of gates, each gate reading two
nodes of the previous layer (occasionally any earlier node), with random functions.
`random_dag` builds an unstructured random DAG (fanins anywhere earlier, or within a
window, which makes it deep).

`random_layered_netlist` and `random_dag_netlist` are the mapper's variants (strictly
layered with a given number of layers; mostly-local DAGs), kept side by side.
"""

from __future__ import annotations

import numpy as np

from lutopt.logic.netlist import GateNetlist


def random_layered(
    num_inputs: int,
    num_gates: int,
    width: int | None = None,
    num_outputs: int | None = None,
    seed: int = 0,
    skip_fraction: float = 0.05,
    functions: np.ndarray | None = None,
) -> GateNetlist:
    """`num_gates` gates in layers of `width` (default `num_inputs`); outputs are the last
    layer (or its first `num_outputs` gates). A fraction `skip_fraction` of fanins reach
    any earlier node instead of the previous layer. `functions` restricts the gate
    functions drawn (default: all 16)."""
    rng = np.random.default_rng(seed)
    width = width or num_inputs
    fns = np.arange(16, dtype=np.uint8) if functions is None else np.asarray(functions, dtype=np.uint8)
    fn = fns[rng.integers(0, len(fns), num_gates)]
    gate_ids = np.arange(num_gates)
    layer = gate_ids // width
    own = 1 + num_inputs + gate_ids
    # Previous layer: the inputs for layer 0, else the gates of layer - 1.
    prev_start = np.where(layer == 0, 1, 1 + num_inputs + (layer - 1) * width)
    prev_size = np.where(layer == 0, num_inputs, width)
    pick = lambda: prev_start + rng.integers(0, 1 << 62, num_gates) % prev_size  # noqa: E731
    a, b = pick(), pick()
    skip = rng.random((2, num_gates)) < skip_fraction
    anywhere = lambda: 1 + rng.integers(0, 1 << 62, num_gates) % (own - 1)  # noqa: E731
    a = np.where(skip[0], anywhere(), a)
    b = np.where(skip[1], anywhere(), b)
    last = gate_ids[layer == layer.max()] if num_gates else gate_ids
    outs = 1 + num_inputs + last
    if num_outputs is not None:
        outs = outs[:num_outputs]
    return GateNetlist(
        num_inputs=num_inputs,
        fn=fn.astype(np.uint8),
        a=a.astype(np.int32),
        b=b.astype(np.int32),
        outputs=outs.astype(np.int32),
        output_neg=rng.random(len(outs)) < 0.5,
    )


def random_dag(
    num_inputs: int,
    num_gates: int,
    num_outputs: int,
    seed: int = 0,
    functions: np.ndarray | None = None,
    locality: int | None = None,
) -> GateNetlist:
    """A random DAG: each gate reads two earlier nodes (within `locality` nodes of itself
    when given, which makes deeper netlists); outputs are random nodes, complemented at random."""
    rng = np.random.default_rng(seed)
    fns = np.arange(16, dtype=np.uint8) if functions is None else np.asarray(functions, dtype=np.uint8)
    own = 1 + num_inputs + np.arange(num_gates)
    if locality is None:
        lo = np.zeros(num_gates, dtype=np.int64)
    else:
        lo = np.maximum(own - locality, 0)
    span = own - lo
    a = lo + rng.integers(0, 1 << 62, num_gates) % span
    # b differs from a whenever there is a choice.
    other = (a - lo + 1 + rng.integers(0, 1 << 62, num_gates) % np.maximum(span - 1, 1)) % span
    b = np.where(span > 1, lo + other, a)
    total = 1 + num_inputs + num_gates
    outs = rng.integers(0, total, num_outputs)
    return GateNetlist(
        num_inputs=num_inputs,
        fn=fns[rng.integers(0, len(fns), num_gates)].astype(np.uint8),
        a=a.astype(np.int32),
        b=b.astype(np.int32),
        outputs=outs.astype(np.int32),
        output_neg=rng.random(num_outputs) < 0.5,
    )


def random_layered_netlist(
    num_inputs: int,
    layers: int,
    width: int,
    seed: int = 0,
    functions: np.ndarray | None = None,
    num_outputs: int | None = None,
) -> GateNetlist:
    """`layers` layers of `width` gates; `functions` restricts the gate functions (default:
    all sixteen); the outputs are the last layer's first `num_outputs` gates (default all)."""
    rng = np.random.default_rng(seed)
    fns = np.arange(16) if functions is None else np.asarray(functions)
    total = layers * width
    fn = rng.choice(fns, size=total).astype(np.uint8)
    a = np.empty(total, dtype=np.int32)
    b = np.empty(total, dtype=np.int32)
    prev_start, prev_count = 1, num_inputs
    for layer in range(layers):
        sl = slice(layer * width, (layer + 1) * width)
        a[sl] = prev_start + rng.integers(0, prev_count, size=width)
        b[sl] = prev_start + rng.integers(0, prev_count, size=width)
        prev_start, prev_count = 1 + num_inputs + layer * width, width
    n_out = width if num_outputs is None else num_outputs
    outputs = (prev_start + np.arange(n_out)).astype(np.int32)
    return GateNetlist(
        num_inputs=num_inputs,
        fn=fn,
        a=a,
        b=b,
        outputs=outputs,
        output_neg=np.zeros(n_out, dtype=bool),
    )


def random_dag_netlist(num_inputs: int, num_gates: int, num_outputs: int, seed: int = 0,
                       locality: int = 64) -> GateNetlist:
    """A random DAG: gate g reads two random earlier nodes, mostly among the `locality`
    nodes just before it (so the network is deep), with random functions and random
    complemented outputs."""
    rng = np.random.default_rng(seed)
    base = 1 + num_inputs
    own = base + np.arange(num_gates)
    near = rng.random((num_gates, 2)) < 0.8
    back = rng.integers(1, locality + 1, size=(num_gates, 2))
    anywhere = (rng.random((num_gates, 2)) * own[:, None]).astype(np.int64)
    fan = np.where(near, np.maximum(own[:, None] - back, 0), anywhere)
    fan = np.maximum(fan, 1) if num_inputs else fan
    fn = rng.integers(0, 16, size=num_gates).astype(np.uint8)
    outputs = rng.integers(max(1, base + num_gates - 4 * num_outputs), base + num_gates, size=num_outputs)
    return GateNetlist(
        num_inputs=num_inputs,
        fn=fn,
        a=fan[:, 0].astype(np.int32),
        b=fan[:, 1].astype(np.int32),
        outputs=outputs.astype(np.int32),
        output_neg=rng.random(num_outputs) < 0.3,
    )


def with_hidden_constants(net: GateNetlist, count: int, seed: int = 0) -> GateNetlist:
    """`net` with `count` more outputs that are constant (alternately 0 and 1) but only
    after optimisation finds it -- each is made by a few new gates over random gates of
    `net`: (p & q) & ~(p & q) written with different gates, ((p ^ q) ^ q) ^ p, and
    (p & q) | (p & ~q) compared with p -- plus an output that is an input, one that is an
    input complemented, and one that repeats output 0 (when there are inputs and outputs).
    The new outputs come after the old ones; names, when `net` has them, are extended."""
    rng = np.random.default_rng(seed)
    fn, a, b = list(net.fn.tolist()), list(net.a.tolist()), list(net.b.tolist())
    base = 1 + net.num_inputs
    pool = base + np.arange(net.num_gates) if net.num_gates else 1 + np.arange(net.num_inputs)

    def gate(f: int, x: int, y: int) -> int:
        fn.append(f)
        a.append(x)
        b.append(y)
        return base + len(fn) - 1

    outs, neg = list(net.outputs.tolist()), list(net.output_neg.tolist())
    for k in range(count if len(pool) else 0):
        p, q = (int(v) for v in rng.choice(pool, 2))
        one = k & 1
        kind = k % 3
        if kind == 0:  # (p & q) and nand(p, q): never both
            x = gate(1, p, q)
            y = gate(14, p, q)
            o = gate(7 if one else 1, x, y)  # x | y is 1, x & y is 0
        elif kind == 1:  # ((p ^ q) ^ q) is p
            x = gate(6, p, q)
            y = gate(6, x, q)
            o = gate(9 if one else 6, y, p)
        else:  # (p & q) | (p & ~q) is p
            x = gate(1, p, q)
            y = gate(2, p, q)
            z = gate(7, x, y)
            o = gate(9 if one else 6, z, p)
        outs.append(o)
        neg.append(False)
    extra_names = [f"const{k}" for k in range(count if len(pool) else 0)]
    if net.num_inputs:
        i = int(rng.integers(1, net.num_inputs + 1))
        outs += [i, i]
        neg += [False, True]
        extra_names += ["wire", "wire_n"]
    if net.num_outputs:
        outs.append(int(net.outputs[0]))
        neg.append(bool(net.output_neg[0]))
        extra_names.append("again")
    out_names = None
    if net.output_names:
        taken = set(net.output_names)
        out_names = list(net.output_names) + [n if n not in taken else f"{n}_{k}" for k, n in enumerate(extra_names)]
    return GateNetlist(
        num_inputs=net.num_inputs,
        fn=np.array(fn, dtype=np.uint8),
        a=np.array(a, dtype=np.int32),
        b=np.array(b, dtype=np.int32),
        outputs=np.array(outs, dtype=np.int32),
        output_neg=np.array(neg, dtype=bool),
        input_names=net.input_names,
        output_names=out_names,
    )
