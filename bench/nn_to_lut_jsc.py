"""Benchmark: a model of NeuraLUT's JSC-5L shape from torch-mlir's output to the lut level.

16 inputs with 7-bit codes; layers 128, 128, 128, 64, 5; fan-in 2 at the input layer and
3 after; 4-bit codes between layers; each partition a 4-layer MLP of width 16 with two
skip connections (written in plain PyTorch: `index_select` gathers and per-partition
weights with `einsum`). The model is exported with torch-mlir, then

    lutopt MODEL.mlir -p nn-to-lut -o OUT.mlir

is timed as a separate process (start-up, parsing, analysis, enumeration, printing all
included) with its peak memory (the child's maximum resident set size), `--runs` times
(median). Target (issue 10): <= 1.1 s and 4 GiB, and ten times faster than NeuraLUT's own
generator measured in the same run (`--neuralut SRC`, see bench/neuralut_reference.py).
With --check, the lut-level function is compared with PyTorch on random inputs.

With --neuralut SRC (a checkout of NeuraLUT, github MartaAndronic/NeuraLUT), NeuraLUT's own
generator (`neuralut.nn.generate_truth_tables` on its own JSC-5L model) is timed in the same
run by bench/neuralut_reference.py, a child process started with --neuralut-python (an
interpreter whose environment has NeuraLUT's dependencies: torch and brevitas at the commit
its README pins), and its median is printed beside lutopt's time with the ratio.

    python bench/nn_to_lut_jsc.py [--check N] [--keep DIR] [--neuralut SRC [--neuralut-python PY]]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn as nn


def q(x, s, lo, hi):
    return torch.clamp(torch.round(x / s), lo, hi) * s


class PartitionedLayer(nn.Module):
    """`parts` partitions, each an MLP (fan_in -> 16 -> 16 -> 16 -> 1) with two skips."""

    def __init__(self, n_in, parts, fan_in, width=16, gen=None):
        super().__init__()
        # Random connectivity that reads every input (so every neuron of the layer before
        # is used and the model has its full 3.4M table entries): each partition takes
        # distinct inputs among the least used so far, ties broken at random.
        used = torch.zeros(n_in)
        rows = []
        for _ in range(parts):
            key = used + torch.rand(n_in, generator=gen) * 0.5
            pick = torch.argsort(key)[:fan_in]
            used[pick] += 1
            rows.append(pick)
        self.register_buffer("idx", torch.stack(rows).reshape(-1))
        self.parts, self.fan_in = parts, fan_in

        def p(*shape, scale=1.0):
            return nn.Parameter(torch.randn(*shape, generator=gen) * scale)

        self.w0, self.b0 = p(parts, fan_in, width, scale=fan_in**-0.5), p(parts, width, scale=0.1)
        self.w1, self.b1 = p(parts, width, width, scale=width**-0.5), p(parts, width, scale=0.1)
        self.w2, self.b2 = p(parts, width, width, scale=width**-0.5), p(parts, width, scale=0.1)
        self.w3, self.b3 = p(parts, width, 1, scale=width**-0.5), p(parts, scale=0.1)

    def forward(self, x):
        g = x.index_select(1, self.idx).view(-1, self.parts, self.fan_in)
        h0 = torch.relu(torch.einsum("bpf,pfh->bph", g, self.w0) + self.b0)
        h1 = torch.relu(torch.einsum("bph,phk->bpk", h0, self.w1) + self.b1) + h0  # skip 1
        h2 = torch.relu(torch.einsum("bph,phk->bpk", h1, self.w2) + self.b2) + h1  # skip 2
        return torch.einsum("bph,phk->bpk", h2, self.w3).squeeze(-1) + self.b3


class JSC5L(nn.Module):
    def __init__(self, seed=0):
        super().__init__()
        gen = torch.Generator().manual_seed(seed)
        sizes = [16, 128, 128, 128, 64, 5]
        self.layers = nn.ModuleList(
            PartitionedLayer(sizes[i], sizes[i + 1], 2 if i == 0 else 3, gen=gen) for i in range(5)
        )

    def forward(self, x):
        x = q(x, 1 / 32, -64, 63)  # 7-bit input codes
        for i, layer in enumerate(self.layers):
            x = q(layer(x), 0.25, -8, 7)  # 4-bit codes
        return x


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", type=int, default=2000, help="random inputs compared with PyTorch (0: none)")
    ap.add_argument("--keep", help="folder to keep the model and output in")
    ap.add_argument(
        "--exhaustive-layer1",
        action="store_true",
        help="also compare every entry of the 128 input-layer tables with PyTorch (about 20 s)",
    )
    ap.add_argument("--neuralut", metavar="SRC", help="NeuraLUT checkout: also time its generator in this run")
    ap.add_argument(
        "--neuralut-python",
        metavar="PY",
        default=sys.executable,
        help="interpreter with NeuraLUT's dependencies (torch, brevitas) (default: this one)",
    )
    ap.add_argument("--runs", type=int, default=5, help="timed runs of lutopt (the median is reported)")
    ap.add_argument("--neuralut-runs", type=int, default=3, help="timed runs of NeuraLUT's generator (median)")
    args = ap.parse_args()
    from torch_mlir import fx

    torch.manual_seed(0)
    model = JSC5L().eval()
    folder = args.keep or tempfile.mkdtemp(prefix="jsc5l-")
    os.makedirs(folder, exist_ok=True)
    src, out = os.path.join(folder, "jsc5l.mlir"), os.path.join(folder, "jsc5l.lut.mlir")
    t = time.perf_counter()
    text = str(fx.export_and_import(model, torch.zeros(1, 16), output_type="linalg-on-tensors"))
    with open(src, "w") as f:
        f.write(text)
    print(f"export: {time.perf_counter() - t:.1f} s, {len(text) / 1e6:.1f} MB of MLIR")

    lutopt = os.path.join(os.path.dirname(sys.executable), "lutopt")
    # Warm the on-disk caches first (the enumeration's C kernels, ~0.4 s, or numba's, ~2 s,
    # are compiled once per machine).
    subprocess.run([lutopt, src, "-p", "nn-to-lut", "-o", os.devnull], capture_output=True)
    # all-elements: also the neurons no output depends on, so that all 3.4M entries of the
    # model are computed, as NeuraLUT's generator does (without it lutopt skips them).
    runs = []
    for i in range(args.runs):
        load = os.getloadavg()[0]
        # Timed by a small Python process of its own: a child forked from this one (torch
        # loaded) would count this process's memory in its peak RSS.
        proc = subprocess.run(
            [sys.executable, "-c", _RUNNER, lutopt, src, "-p", "nn-to-lut{all-elements=true}", "-o", out],
            env={**os.environ, "LUTOPT_STATS": "1" if i == 0 else "0"},
            stdout=subprocess.PIPE,
            text=True,
        )
        status, seconds, cpu, peak = json.loads(proc.stdout.strip().splitlines()[-1])
        if status:
            print("lutopt failed")
            return 1
        runs.append((seconds, cpu, peak, load))
    entries = 128 * 2**14 + (128 + 128 + 64 + 5) * 2**12
    for seconds, cpu, peak_kib, load in runs:
        print(
            f"lutopt -p nn-to-lut: {seconds:.2f} s wall, {cpu:.2f} s CPU (user+sys, {os.cpu_count()} CPUs, "
            f"load average {load:.1f} before the run), peak RSS {peak_kib / 2**20:.2f} GiB"
        )
    seconds, cpu, _, load = sorted(runs)[len(runs) // 2]
    peak_kib = max(r[2] for r in runs)
    print(
        f"median of {len(runs)}: {seconds:.2f} s wall ({cpu:.2f} s CPU), {entries:,} table entries, "
        f"{entries / seconds:,.0f} entries/s (all included: start-up, parsing, analysis, enumeration, printing)"
    )
    ok = seconds <= 1.1 and peak_kib <= 4 * 2**20
    print(f"target <= 1.1 s and <= 4 GiB (issue 10): {'met' if ok else 'NOT met'}")
    if args.neuralut:
        ref = run_neuralut_reference(args.neuralut, args.neuralut_python, args.neuralut_runs, entries)
        if ref is None:
            ok = False
        else:
            median = ref["median_s"]
            print(
                f"lutopt {seconds:.2f} s vs NeuraLUT's generator {median:.2f} s (median, same run): "
                f"{median / seconds:.1f}x faster (issue 10 asks >= 10x, i.e. <= {median / 10:.2f} s: "
                f"{'met' if seconds * 10 <= median else 'NOT met'})"
            )
    else:
        print("NeuraLUT's generator was not measured (--neuralut SRC [--neuralut-python PY] to time it in this run)")

    if args.check:
        from lutopt.api import parse_module
        from lutopt.sim import evaluate

        with open(out) as f:
            module = parse_module(f.read(), out)
        rng = np.random.default_rng(1)
        codes = rng.integers(-64, 64, size=(args.check, 16))
        with torch.no_grad():
            y = model(torch.tensor(codes, dtype=torch.float32) / 32).numpy()
        expect = (np.rint(y / np.float32(0.25)).astype(np.int64) & 15).astype(np.uint64)
        got = np.stack(evaluate(module, "main", [(codes[:, i] & 127).astype(np.uint64) for i in range(16)]), axis=1)
        same = (got == expect).all(axis=1).mean()
        print(f"lut level vs PyTorch on {args.check} random inputs: {100 * same:.2f}% of output vectors equal")
        ok = ok and same == 1.0
    if args.exhaustive_layer1:
        same = check_layer1_exhaustively(model, out)
        ok = ok and same
    return 0 if ok else 1


_RUNNER = (
    "import json, os, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "p = subprocess.Popen(sys.argv[1:])\n"
    "_, status, u = os.wait4(p.pid, 0)\n"
    "print(json.dumps([status, time.perf_counter() - t, u.ru_utime + u.ru_stime, u.ru_maxrss]))\n"
)
"""Runs a command and prints [exit status, wall seconds, CPU seconds, peak RSS in KiB]."""


def run_neuralut_reference(src: str, python: str, runs: int, entries: int) -> dict | None:
    """Time NeuraLUT's generator with bench/neuralut_reference.py in a child process.

    Returns its JSON result (printed here), or None after saying why it failed.
    """
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "neuralut_reference.py")
    cmd = [python, script, src, "--runs", str(runs)]
    load = os.getloadavg()[0]
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)  # its stderr passes through
    except OSError as e:
        print(f"NeuraLUT's generator not measured: cannot run {python}: {e}")
        return None
    lines = proc.stdout.strip().splitlines()
    try:
        ref = json.loads(lines[-1])
    except (IndexError, ValueError):
        print(f"NeuraLUT's generator not measured: {' '.join(cmd)} exited with {proc.returncode} "
              "without a result (its message is above)")
        return None
    runs_text = ", ".join(f"{t:.2f}" for t in ref["runs_s"])
    print(
        f"NeuraLUT generate_truth_tables (its own JSC-5L model, untrained, CPU, torch {ref['torch']} with "
        f"{ref['torch_threads']} threads, brevitas {ref['brevitas']}; load average {load:.1f} before): "
        f"runs {runs_text} s wall, median {ref['median_s']:.2f} s; CPU (user+sys) "
        f"{', '.join(f'{t:.2f}' for t in ref['cpu_s'])} s, of which system "
        f"{', '.join(f'{t:.2f}' for t in ref['sys_s'])} s; peak RSS {ref['peak_rss_gib']:.2f} GiB; "
        f"{ref['tables']} tables, {ref['entries']:,} entries"
    )
    for shim in ref.get("shims", []):
        print(f"  run-time shim in the reference: {shim}")
    if ref["entries"] != entries:
        print(f"NeuraLUT generated {ref['entries']:,} table entries, not {entries:,}: not the same work")
        return None
    return ref


def check_layer1_exhaustively(model: JSC5L, lut_path: str) -> bool:
    """Every entry of every input-layer table against PyTorch (batched, as in training).

    Partitions reading disjoint inputs share input vectors (a greedy colouring), so 128
    tables of 2^14 entries take a few hundred thousand forward passes of the first layer.
    """
    from lutopt.api import parse_module
    from lutopt.dialects.lut import TableOp

    with open(lut_path) as f:
        module = parse_module(f.read(), lut_path)
    func_op = next(op for op in module.walk() if op.name == "func.func")
    args = list(func_op.body.block.args)
    tables = [op for op in func_op.body.block.ops if isinstance(op, TableOp)][:128]
    layer = model.layers[0]
    idx = layer.idx.reshape(128, 2).tolist()
    for p, t in enumerate(tables):  # the first 128 tables are the input layer, in order
        assert [args.index(v) for v in t.inputs] == sorted(set(idx[p])), (p, idx[p])
    groups: list[list[int]] = []
    for p in range(128):
        for g in groups:
            if all(not set(idx[p]) & set(idx[o]) for o in g):
                g.append(p)
                break
        else:
            groups.append([p])
    entries = np.arange(1 << 14)
    hi, lo = (entries >> 7) & 127, entries & 127
    signed = lambda c: np.where(c >= 64, c - 128, c)  # noqa: E731
    bad = 0
    for g in groups:
        x = np.zeros((len(entries), 16), np.float32)
        for p in g:
            a, b = sorted(set(idx[p]))
            x[:, a], x[:, b] = signed(hi), signed(lo)
        with torch.no_grad():
            y = layer(q(torch.tensor(x) / 32, 1 / 32, -64, 63)).numpy()
        codes = (np.clip(np.rint(y / np.float32(0.25)), -8, 7).astype(np.int64) & 15).astype(np.uint64)
        for p in g:
            bad += int((tables[p].values() != codes[:, p]).sum())
    print(f"input layer: {128 * (1 << 14):,} table entries against PyTorch, {bad} differ "
          f"({len(groups)} batches of {1 << 14} vectors)")
    return bad == 0


if __name__ == "__main__":
    sys.exit(main())
