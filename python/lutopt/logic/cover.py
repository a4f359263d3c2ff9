"""`LutCover`: a network of K-input lookup tables, the result of K-LUT mapping.

Numbering, as in `GateNetlist`: node 0 is constant false, nodes 1..num_inputs the primary
inputs, node num_inputs+1+l is LUT l. LUTs are in topological order (their leaves are
earlier nodes). LUT l has `sizes[l]` leaves `leaves[l, :sizes[l]]` (rest -1) and truth
table `tables[l]`: bit i (word i // 64, bit i % 64) is the LUT's value when leaf j has the
value of bit j of i (leaf 0 is the least significant index bit). Tables are stored on
W = max(1, 2^K / 64) words, replicated above 2^size bits; `table_int(l)` gives the exact
2^size-bit integer.

Output k is node `outputs[k]`, complemented when `output_neg[k]` (after `finish_cover`
only a constant output is complemented: every other complement is inside a table).

Also here: bit-parallel simulation (`simulate_cover`), conversion back to a gate-free
check netlist, BLIF text of a cover (one `.names` per LUT), and `lut.table` ops.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from lutopt.ir.names import free_prefix
from lutopt.logic.netlist import GateNetlist


@dataclass
class LutCover:
    num_inputs: int
    leaves: np.ndarray  # int32[L, K], -1 padded
    sizes: np.ndarray  # int32[L]
    tables: np.ndarray  # uint64[L, W]
    outputs: np.ndarray  # int64[O]
    output_neg: np.ndarray  # bool[O]
    lut_size: int = 6
    input_names: list[str] | None = field(default=None)
    output_names: list[str] | None = field(default=None)

    @property
    def num_luts(self) -> int:
        return len(self.sizes)

    @property
    def num_outputs(self) -> int:
        return len(self.outputs)

    @property
    def num_nodes(self) -> int:
        return 1 + self.num_inputs + self.num_luts

    def lut_node(self, l: int) -> int:
        return 1 + self.num_inputs + l

    def lut_leaves(self, l: int) -> list[int]:
        return [int(x) for x in self.leaves[l, : self.sizes[l]]]

    def table_int(self, l: int) -> int:
        """The truth table of LUT l as a 2^size-bit integer (bit i = f(leaf j = bit j of i))."""
        n = 1 << int(self.sizes[l])
        words = self.tables[l]
        value = 0
        for w in range((n + 63) // 64):
            value |= int(words[w]) << (64 * w)
        return value & ((1 << n) - 1)

    def table_bits(self, l: int) -> np.ndarray:
        """The 2^size entries of LUT l as a uint8 array (entry i = f(leaf j = bit j of i))."""
        n = 1 << int(self.sizes[l])
        raw = np.unpackbits(self.tables[l].astype("<u8").view(np.uint8), bitorder="little")
        return raw[:n].copy()

    def depth(self) -> int:
        return int(self.levels().max(initial=0))

    def levels(self) -> np.ndarray:
        """Logic level of every node (inputs and constant 0, a LUT one more than its leaves)."""
        from lutopt.logic._cover_kernels import cover_levels

        return cover_levels(self.num_inputs, self.leaves, self.sizes)

    def edges(self) -> int:
        return int(self.sizes.sum())

    def check(self) -> str | None:
        """A description of the first structural problem, or None."""
        k = self.leaves.shape[1] if self.leaves.ndim == 2 else 0
        L = self.num_luts
        if self.sizes.min(initial=0) < 0 or self.sizes.max(initial=0) > k:
            return f"a LUT has more than {k} leaves"
        own = 1 + self.num_inputs + np.arange(L)
        col = np.arange(k)[None, :]
        used = col < self.sizes[:, None]
        bad = used & ((self.leaves < 0) | (self.leaves >= own[:, None]))
        if bad.any():
            l = int(np.flatnonzero(bad.any(axis=1))[0])
            return f"LUT {l} has a leaf that is not an earlier node: {self.lut_leaves(l)}"
        if len(self.outputs) and (self.outputs.min() < 0 or self.outputs.max() >= self.num_nodes):
            return "an output refers to a node that does not exist"
        return None


def simulate_cover(cover: LutCover, inputs: np.ndarray, chunk_luts: int = 4096) -> np.ndarray:
    """Bit-parallel simulation: `inputs` is uint64[num_inputs, W] (64 vectors per word);
    returns uint64[num_outputs, W]. Level by level, each level one vectorised mux tree."""
    inputs = np.asarray(inputs, dtype=np.uint64)
    words = inputs.shape[1] if inputs.ndim == 2 else 1
    values = np.zeros((cover.num_nodes, words), dtype=np.uint64)
    values[1 : 1 + cover.num_inputs] = inputs.reshape(cover.num_inputs, words)
    base = 1 + cover.num_inputs
    lv = cover.levels()[base:]
    order = np.argsort(lv, kind="stable")
    bounds = np.searchsorted(lv[order], np.arange(1, (lv.max() if len(lv) else 0) + 2))
    ones = np.uint64(0xFFFFFFFFFFFFFFFF)
    k = cover.leaves.shape[1] if cover.num_luts else 0
    for lev in range(len(bounds) - 1):
        level_luts = order[bounds[lev] : bounds[lev + 1]]
        for start in range(0, len(level_luts), chunk_luts):
            idx = level_luts[start : start + chunk_luts]
            n = len(idx)
            # entries as all-ones / zero words: [n, 2^k, 1]
            bits = np.unpackbits(cover.tables[idx].astype("<u8").view(np.uint8), axis=1, bitorder="little")
            cur = bits[:, : 1 << k].astype(np.uint64) * ones  # [n, 2^k]
            cur = np.broadcast_to(cur[:, :, None], (n, 1 << k, words))
            leaf_ids = cover.leaves[idx]  # [n, k]
            for j in range(k):
                # fold variable j: entries pair up as (x with var j = 0, var j = 1)
                lj = leaf_ids[:, j]
                v = values[np.where(lj >= 0, lj, 0)]  # [n, words]; unused leaves: the
                # replicated table does not depend on them, any value works
                v = v[:, None, :]
                lo = cur[:, 0::2, :]
                hi = cur[:, 1::2, :]
                cur = (lo & ~v) | (hi & v)
            values[base + idx] = cur[:, 0, :]
    out = values[cover.outputs].copy()
    neg = np.asarray(cover.output_neg, dtype=bool)
    out[neg] = ~out[neg]
    return out


def cover_to_netlist(cover: LutCover) -> GateNetlist:
    """A gate netlist computing the same outputs (each LUT by Shannon expansion over its
    leaves, structurally hashed), e.g. to write a mapped design as AIGER."""
    from lutopt.logic.builder import NetlistBuilder, table_literal

    b = NetlistBuilder(cover.num_inputs, simplify=True, strash=True)
    lit = [0] + [2 * (k + 1) for k in range(cover.num_inputs)] + [0] * cover.num_luts
    base = 1 + cover.num_inputs
    for l in range(cover.num_luts):
        leaves = cover.lut_leaves(l)
        # table_literal wants fanin 0 as the most significant index bit: the last leaf
        lit[base + l] = table_literal(b, [lit[x] for x in reversed(leaves)], cover.table_bits(l))
    outs = [lit[int(x)] ^ int(neg) for x, neg in zip(cover.outputs, cover.output_neg)]
    return b.build(outs, cover.input_names, cover.output_names)


def random_vectors(num_inputs: int, words: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 2**64, size=(num_inputs, words), dtype=np.uint64)


def exhaustive_vectors(num_inputs: int) -> np.ndarray:
    """All 2^n input vectors (n <= 20) packed 64 per word: uint64[n, max(1, 2^n / 64)]."""
    total = 1 << num_inputs
    idx = np.arange(max(total, 64), dtype=np.uint64) % np.uint64(total)
    rows = []
    for j in range(num_inputs):
        bits = ((idx >> np.uint64(j)) & np.uint64(1)).astype(np.uint8)
        rows.append(np.packbits(bits, bitorder="little").view("<u8"))
    return np.array(rows, dtype=np.uint64).reshape(num_inputs, -1)


def equivalent_by_simulation(net: GateNetlist, cover: LutCover, words: int = 64, seed: int = 0) -> bool:
    """Whether the cover agrees with the netlist on random (or, for <= 14 inputs, all) vectors."""
    if net.num_inputs <= 14:
        vec = exhaustive_vectors(net.num_inputs)
    else:
        vec = random_vectors(net.num_inputs, words, seed)
    return bool(np.array_equal(net.simulate(vec), simulate_cover(cover, vec)))


def cover_to_blif(cover: LutCover, model: str = "lutopt") -> str:
    """BLIF text of the cover: one `.names` per LUT (its on-set, one cube per minterm, or its
    off-set when that is smaller). A LUT takes the name of the first output it drives, so a
    buffer `.names` is only written for an output that repeats another output's LUT, is an
    input, or is a constant."""
    ins = cover.input_names or [f"i{k}" for k in range(cover.num_inputs)]
    outs = cover.output_names or [f"o{k}" for k in range(cover.num_outputs)]
    base = 1 + cover.num_inputs
    prefix = free_prefix(list(ins) + list(outs), "n", pad="_", at_start=False, numbered=False)
    name = ["$false"] + list(ins) + [f"{prefix}{l}" for l in range(cover.num_luts)]
    named = np.zeros(cover.num_nodes, dtype=bool)
    taken = set(ins)
    for o in range(cover.num_outputs):
        x = int(cover.outputs[o])
        if x >= base and not cover.output_neg[o] and not named[x] and outs[o] not in taken:
            name[x] = outs[o]
            named[x] = True
            taken.add(outs[o])
    lines = [f".model {model}", ".inputs " + " ".join(ins), ".outputs " + " ".join(outs)]
    for l in range(cover.num_luts):
        k = int(cover.sizes[l])
        lv = cover.lut_leaves(l)
        bits = cover.table_bits(l)
        lines.append(".names " + " ".join(name[x] for x in lv) + (" " if lv else "") + name[base + l])
        ones = np.flatnonzero(bits)
        use_off = len(ones) > (1 << k) // 2
        rows = np.flatnonzero(bits == 0) if use_off else ones
        val = "0" if use_off else "1"
        for m in rows.tolist():
            cube = "".join("1" if (m >> j) & 1 else "0" for j in range(k))
            lines.append(f"{cube} {val}" if k else val)
    for o in range(cover.num_outputs):
        x = int(cover.outputs[o])
        neg = bool(cover.output_neg[o])
        if x == 0:
            lines.append(f".names {outs[o]}")
            if neg:
                lines.append("1")
            continue
        if name[x] == outs[o] and not neg:
            continue
        lines.append(f".names {name[x]} {outs[o]}")
        lines.append("0 1" if neg else "1 1")
    lines.append(".end")
    return "\n".join(lines) + "\n"


def cover_to_lut_ops(cover: LutCover, inputs, *, loc_op=None, layers=None, output_layers=None):
    """Builds `lut.table` ops (1-bit operands, 1-bit result) for the LUTs of the cover.

    `inputs` are the `i1` SSA values of the primary inputs. Returns (ops, outputs): the new
    ops in topological order and the `i1` SSA value of every output. Operand 0 of a table is
    the LUT's last leaf (the table index has operand 0 most significant, so the index equals
    the cover's minterm number). Constant outputs become `arith.constant` ops. Equal tables
    share one attribute, and ops are created without the generic builder's checks (about
    ten times faster; the ops are well formed by construction). `layers`: the layer
    name (or None) of every LUT, written as `lutopt.layer` (`lutopt.ir.layer`);
    `output_layers`: that of every output, for the inverters of complemented outputs.
    """
    from xdsl.dialects import arith
    from xdsl.dialects.builtin import BytesAttr, DenseIntOrFPElementsAttr, IntegerAttr, TensorType, i1

    from lutopt.dialects.lut import TableOp
    from lutopt.ir.layer import set_layer

    if len(inputs) != cover.num_inputs:
        raise ValueError(f"cover has {cover.num_inputs} inputs, {len(inputs)} values given")
    ops = []
    values: list = [None] + list(inputs) + [None] * cover.num_luts
    const: dict[int, object] = {}
    attrs: dict[tuple[int, bytes], DenseIntOrFPElementsAttr] = {}
    types: dict[int, TensorType] = {}
    location = loc_op.location if loc_op is not None else None

    def constant(v: int):
        if v not in const:
            op = arith.ConstantOp(IntegerAttr(v, i1))
            if location is not None:
                op.location = location
            ops.append(op)
            const[v] = op.result
        return const[v]

    def table(operands, data: bytes):
        n = len(operands)
        key = (n, data)
        attr = attrs.get(key)
        if attr is None:
            if n not in types:
                types[n] = TensorType(i1, [1 << n])
            attr = attrs[key] = DenseIntOrFPElementsAttr(types[n], BytesAttr(data))
        op = TableOp.create(operands=operands, result_types=[i1], properties={"table": attr})
        if location is not None:
            op.location = location
        ops.append(op)
        return op.results[0]

    base = 1 + cover.num_inputs
    # one byte per entry (i1 tables are stored as bytes), all LUTs at once
    k = cover.leaves.shape[1] if cover.num_luts else 0
    entries = np.unpackbits(cover.tables.astype("<u8").view(np.uint8), axis=1, bitorder="little")[:, : 1 << k]
    for l in range(cover.num_luts):
        lv = cover.leaves[l, : cover.sizes[l]].tolist()
        if not lv:
            values[base + l] = constant(int(entries[l, 0]))
            continue
        operands = [values[x] if x != 0 else constant(0) for x in reversed(lv)]
        values[base + l] = table(operands, entries[l, : 1 << len(lv)].tobytes())
        if layers is not None and layers[l] is not None:
            set_layer(ops[-1], layers[l])
    outs = []
    for o in range(cover.num_outputs):
        x = int(cover.outputs[o])
        neg = bool(cover.output_neg[o])
        if x == 0:
            outs.append(constant(1 if neg else 0))
        elif neg:
            outs.append(table([values[x]], bytes([1, 0])))
            layer = output_layers[o] if output_layers is not None else None
            if layer is None and layers is not None and x >= base:
                layer = layers[x - base]
            set_layer(ops[-1], layer)
        else:
            outs.append(values[x])
    return ops, outs
