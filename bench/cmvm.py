"""Constant-matrix-vector products: lutopt's shift-and-add graphs next to da4ml's.

    .venv/bin/python bench/cmvm.py [--sizes 8x8,16x16,32x32,16x64] [--seed 0]

For each integer matrix M (outputs x inputs; 8-bit unsigned input codes; weights 8-bit
signed, random, or a trained MLP's layers on scikit-learn's digits quantized to 8 bits),
`y = M @ x` is solved by lutopt (`lutopt.logic.cmvm.solve_cmvm`, the algorithm of
`convert-nn-to-arith`) and by da4ml (`da4ml.cmvm.solve`, PyPI `da4ml` 0.6.0, the
optional extra `bench`). Both adder graphs (da4ml's: the op list of its solution, its two
stages chained) are written by the same Verilog writer (one signed `assign` of `+`/`-`
and constant shifts per adder, on the exact width of its value interval), checked
against NumPy's `M @ x` on random inputs, read by Yosys (`synth -flatten; aigmap;
write_aiger`) and mapped to 6-LUTs by the same tools in the same run: ABC
`strash; if -K 6` and lutopt's mapper (lower-to-luts' gate passes, then `lut_map`).
(da4ml's own RTL generator is not used: Yosys 0.23 reduces its `shift_adder` modules to
nothing, 0 AND gates.)
Columns: adders (two-operand additions/subtractions of the graph), LUTs / depth.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ABC = shutil.which("berkeley-abc") or shutil.which("yosys-abc")
YOSYS = shutil.which("yosys")


# --------------------------------------------------------------------- matrices


def random_matrix(shape: tuple[int, int], rng) -> np.ndarray:
    return rng.integers(-128, 128, size=shape)


def trained_matrices(seed: int) -> list[tuple[str, np.ndarray]]:
    """The weight matrices of an MLP 64-16-32-32-8-8-10 trained on scikit-learn's digits,
    each quantized to 8-bit signed integers (one scale per matrix)."""
    import torch
    from sklearn.datasets import load_digits

    torch.manual_seed(seed)
    x, y = load_digits(return_X_y=True)
    xt = torch.tensor(x / 16.0, dtype=torch.float32)
    yt = torch.tensor(y)
    sizes = [64, 16, 32, 32, 8, 8, 10]
    layers: list[torch.nn.Module] = []
    for a, b in zip(sizes, sizes[1:]):
        layers += [torch.nn.Linear(a, b), torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1])
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(300):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(xt), yt)
        loss.backward()
        opt.step()
    acc = float((model(xt).argmax(1) == yt).float().mean())
    out = []
    for m in model:
        if isinstance(m, torch.nn.Linear) and m.out_features != 10:
            w = m.weight.detach().numpy()
            q = np.rint(w / np.abs(w).max() * 127).astype(np.int64)
            out.append((f"trained (train acc {acc:.2f})", q))
    return out


# --------------------------------------------------------------------- Verilog


def _width(lo: int, hi: int) -> int:
    w = 1
    while not (-(1 << (w - 1)) <= lo and hi <= (1 << (w - 1)) - 1):
        w += 1
    return w


def graph_verilog(g, M: np.ndarray, name: str) -> str:
    """A shift-and-add graph (lutopt.logic.cmvm.AdderGraph) as Verilog: 8-bit unsigned
    inputs packed in `model_inp`, one signed `assign` per adder on the exact width of
    its value interval, the outputs packed in `model_out`."""
    C, N = M.shape
    lo, hi = np.zeros(N, np.int64), np.full(N, 255, np.int64)
    x = np.random.default_rng(1).integers(0, 256, size=(2000, N))
    assert np.array_equal(g.evaluate(x), x @ M.T), f"the graph of {name} is not M @ x"
    r = g.node_ranges(lo, hi)
    ow = [_width(int(M[c].clip(max=0).sum() * 255), int(M[c].clip(min=0).sum() * 255)) for c in range(C)]
    lines = [f"module {name} (input [{8 * N - 1}:0] model_inp, output [{sum(ow) - 1}:0] model_out);"]
    for j in range(N):
        lines.append(f"  wire signed [8:0] v{j} = {{1'b0, model_inp[{8 * j + 7}:{8 * j}]}};")
    for i, (a, sa, b, sb, s) in enumerate(g.ops):
        k = N + i
        op = "-" if s < 0 else "+"
        lines.append(f"  wire signed [{_width(*r[k]) - 1}:0] v{k} = (v{a} <<< {sa}) {op} (v{b} <<< {sb});")
    outs = []
    for c, (n, sh, sg) in enumerate(zip(g.out_node, g.out_shift, g.out_sign)):
        expr = "0" if n < 0 else f"{'-' if sg < 0 else ''}(v{n} <<< {sh})"
        lines.append(f"  wire signed [{ow[c] - 1}:0] y{c} = {expr};")
        outs.append(f"y{c}")
    lines.append(f"  assign model_out = {{{', '.join(reversed(outs))}}};")
    lines.append("endmodule")
    return "\n".join(lines) + "\n"


def lutopt_graph(M: np.ndarray):
    from lutopt.logic.cmvm import solve_cmvm

    N = M.shape[1]
    return solve_cmvm(M, np.zeros(N, np.int64), np.full(N, 255, np.int64))


def da4ml_graph(M: np.ndarray):
    """da4ml's solution for M as the same kind of graph: its ops (inputs, a +- b * 2^d) with
    each value kept as an integer times 2^e, its two stages chained, signs carried."""
    from da4ml.cmvm import solve

    from lutopt.logic.cmvm import AdderGraph

    N = M.shape[1]
    # da4ml reads the kernel (inputs x outputs) as a C-contiguous buffer
    pipe = solve(np.ascontiguousarray(M.T, dtype=np.float32), qintervals=[(0.0, 255.0, 1.0)] * N)
    assert np.array_equal(pipe.kernel, M.T), "da4ml solved another matrix"
    g = AdderGraph(N)
    refs = [(j, 0, 1) for j in range(N)]  # (node, exponent, sign): value = sign * node * 2^e
    for st in pipe.solutions:
        buf: list[tuple[int, int, int]] = []
        for o in st.ops:
            if o.opcode == -1:
                n, e, sg = refs[o.id0]
                buf.append((n, e + st.inp_shifts[o.id0], sg))
            elif o.opcode in (0, 1):
                (a, ea, ga), (b, eb, gb) = buf[o.id0], buf[o.id1]
                eb += o.data
                gb = gb if o.opcode == 0 else -gb
                if ga < 0 and gb > 0:
                    (a, ea, ga), (b, eb, gb) = (b, eb, gb), (a, ea, ga)
                e = min(ea, eb)
                g.ops.append((a, ea - e, b, eb - e, ga * gb))
                buf.append((N + len(g.ops) - 1, e, ga))
            else:
                raise RuntimeError(f"da4ml op {o.opcode} in a CMVM")
        refs = []
        for idx, sh, neg in zip(st.out_idxs, st.out_shifts, st.out_negs):
            n, e, sg = buf[idx] if idx >= 0 else (-1, 0, 1)
            refs.append((n, e + sh, -sg if neg else sg))
    for n, e, sg in refs:
        assert e >= 0 or n < 0, "a fractional output"
        g.out_node.append(n)
        g.out_shift.append(max(e, 0))
        g.out_sign.append(sg)
    return g


# --------------------------------------------------------------------- mapping


def to_aiger(files: list[Path], top: str, out: Path) -> None:
    reads = " ".join(str(f) for f in files)
    script = f"read_verilog -sv {reads}; synth -flatten -top {top}; aigmap; opt_clean; write_aiger -zinit {out}"
    res = subprocess.run([YOSYS, "-q", "-p", script], capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(f"yosys failed on {top}: {res.stderr[-2000:]}")


def abc_if(aig: Path) -> tuple[int, int]:
    res = subprocess.run([ABC, "-c", f"read {aig}; strash; if -K 6; print_stats"], capture_output=True, text=True)
    m = re.search(r"nd\s*=\s*(\d+).*?lev\s*=\s*(\d+)", res.stdout, re.S)
    if not m:
        raise RuntimeError(f"ABC: {res.stdout[-1000:]}")
    return int(m.group(1)), int(m.group(2))


def lutopt_map(aig: Path) -> tuple[int, int]:
    sys.path.insert(0, str(Path(__file__).parent))
    from map_epfl import lutopt_logic

    from lutopt.logic.aiger import read_aiger
    from lutopt.logic.mapping import MapParams, lut_map

    net = read_aiger(aig.read_bytes(), aig.name)
    cover, _ = lut_map(lutopt_logic(net, 6, "default"), MapParams(lut_size=6))
    return cover.num_luts, cover.depth()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="8x8,16x16,32x32,16x64", help="outputs x inputs, comma separated")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-trained", action="store_true")
    ap.add_argument("--no-lutopt-mapper", action="store_true")
    args = ap.parse_args()
    if YOSYS is None or ABC is None:
        print("yosys and berkeley-abc are needed (apt-get install yosys berkeley-abc)")
        return 1
    try:
        import da4ml  # noqa: F401
    except ImportError:
        print("da4ml is not installed: pip install 'lutopt[bench]' (da4ml==0.6.0)")
        return 1
    rng = np.random.default_rng(args.seed)
    cases = []
    for s in args.sizes.split(","):
        c, n = (int(v) for v in s.split("x"))
        cases.append(("random int8", random_matrix((c, n), rng)))
    if not args.no_trained:
        cases += trained_matrices(args.seed)
    cols = "adders | ABC if -K 6 LUTs/depth | lutopt mapper LUTs/depth"
    print(f"{'matrix':<26} {'CxN':>6} | lutopt: {cols} | da4ml: {cols}")
    rows = []
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        for i, (kind, M) in enumerate(cases):
            name = f"m{i}"
            res = []
            for who, graph in (("lutopt", lutopt_graph(M)), ("da4ml", da4ml_graph(M))):
                top = f"{name}_{who}"
                v = tmp / f"{top}.v"
                v.write_text(graph_verilog(graph, M, top))
                aig = tmp / f"{top}.aig"
                to_aiger([v], top, aig)
                a = abc_if(aig)
                m = lutopt_map(aig) if not args.no_lutopt_mapper else (0, 0)
                res.append((graph.adders, a, m))
            (ao, (la, da), (lm, dm)), (ad, (la2, da2), (lm2, dm2)) = res
            print(f"{kind:<26} {M.shape[0]:>2}x{M.shape[1]:<3} | {ao:>6} {la:>6}/{da:<3} {lm:>6}/{dm:<3} | "
                  f"{ad:>6} {la2:>6}/{da2:<3} {lm2:>6}/{dm2:<3}", flush=True)
            rows.append((la, la2, lm, lm2))
    r = np.array(rows, dtype=np.float64)
    print(f"LUTs lutopt / da4ml, geomean: ABC if {np.exp(np.mean(np.log(r[:, 0] / r[:, 1]))):.3f}"
          + ("" if args.no_lutopt_mapper else f", lutopt mapper {np.exp(np.mean(np.log(r[:, 2] / r[:, 3]))):.3f}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
