"""Benchmark: images per second per core of the compiled bit-parallel evaluator on the MNIST
logic-gate network of examples/mnist-logic, against difflogic's claim.

    nice -n 5 .venv/bin/python bench/sim_speed.py [--workdir DIR] [--cpu N] [--repeat R]

Steps: `examples/mnist-logic/export.py` (model.mlir through torch-mlir, and PyTorch's
GroupSum counts on the 10,000 test images), then two levels of the same network:
`lower-to-luts{lut-size=6}` (mapped 6-LUTs) and `nn-to-lut,convert-arith-to-gate` (the
gate level, popcount head included). For each level and each kernel
(`lutopt.interpreters.compiled`, C and numba) it prints the compile time (cold: empty
cache), the throughput on all 10,000 test images, end to end (uint8 pixels -> thresholds
-> packed bits (`pack_rows`) -> circuit -> ten counts per image, best of --repeat runs after a first one)
and the kernel alone (packed bits in and out, 200,000 images per call, best of --repeat
runs), and the NumPy interpreter's end-to-end throughput for
comparison. The counts must equal PyTorch's on every image (exit status 1 otherwise).

One core: the process is pinned with `os.sched_setaffinity` to one CPU (--cpu, default
the last one allowed) and every thread pool is limited to one thread before NumPy, numba
and torch load; the kernels themselves are single-threaded. Times are CPU seconds of this
process (`time.process_time`) and wall seconds; the load average is printed beside them.

difflogic's figure is a claim, not measured here: "beyond a million images of MNIST per
second on a single CPU core" (Petersen et al., Deep Differentiable Logic Gate Networks,
NeurIPS 2022, abstract), for their own MNIST networks compiled to C.
"""

from __future__ import annotations

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_v] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "mnist-logic"
BIN = Path(sys.executable).parent
DIFFLOGIC_CLAIM = 1_000_000
TILE = 20
"""Kernel-only runs evaluate the 10,000 test images this many times over (one call)."""
LEVELS = {
    "6-LUTs": "lower-to-luts{lut-size=6}",
    "gates": "nn-to-lut,convert-arith-to-gate",
}


def loadavg() -> str:
    return open("/proc/loadavg").read().split()[0]


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


class Timer:
    """CPU seconds of this process (`cpu`) and of its finished children (`child_cpu`: the
    C compiler), and wall seconds."""

    def __enter__(self):
        self.c, self.w, self.k = time.process_time(), time.perf_counter(), _children_cpu()
        return self

    def __exit__(self, *exc):
        self.cpu, self.wall = time.process_time() - self.c, time.perf_counter() - self.w
        self.child_cpu = _children_cpu() - self.k


def run(cmd: list[str]) -> float:
    with Timer() as t:
        r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{r.stdout}\n{r.stderr}")
    return t.wall


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--workdir", type=Path, default=None, help="keep the exported and lowered files here")
    p.add_argument("--cpu", type=int, default=None, help="the CPU to pin to (default: the last one allowed)")
    p.add_argument("--repeat", type=int, default=20, help="kernel-only runs over the 10,000 images (best is kept)")
    p.add_argument("--vector-bits", type=int, default=256, help="the C kernel's word (64, 128, 256 or 512)")
    p.add_argument("--json", type=Path, default=None, help="write the figures here")
    a = p.parse_args(argv)

    cpu = a.cpu if a.cpu is not None else max(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    work = a.workdir or Path(tempfile.mkdtemp(prefix="sim-speed-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"pinned to CPU {cpu} (sched_setaffinity), thread pools at 1; work in {work}; load {loadavg()}", flush=True)

    model, counts_file = work / "model.mlir", work / "counts.npz"
    if not model.exists() or not counts_file.exists():
        s = run([sys.executable, str(EXAMPLE / "export.py"), "-o", str(model), "--counts", str(counts_file)])
        print(f"export.py (torch-mlir, PyTorch counts): {s:.1f} s wall", flush=True)
    ref = np.load(counts_file)
    want, labels = ref["counts"].astype(np.uint64), ref["labels"]

    from lutopt.interpreters import _compiled_c
    from lutopt.interpreters.compiled import compile_function, pack_ports, pack_rows, unpack_ports
    from lutopt.interpreters.core import Interpreter
    from lutopt.nn.data import load_mnist
    from lutopt.sim.parsing import make_context, parse_module

    thresholds = np.load(EXAMPLE / "model.npz")["thresholds"].astype(np.float32).reshape(-1)
    _, _, xte, _ = load_mnist()
    pixels = xte.reshape(len(xte), -1)
    n = len(pixels)

    def codes_of(px: np.ndarray) -> np.ndarray:
        """Thermometer codes as PyTorch computes them: the number of thresholds that
        x = pixel / 255 (float32) exceeds; one row per input port."""
        x = px.astype(np.float32) / np.float32(255.0)
        return (x.T[:, :, None] > thresholds).sum(-1).astype(np.uint64)

    code_table = codes_of(np.arange(256, dtype=np.uint8)[:, None])[0]  # pixel value -> code, exact
    on_from = int(np.argmax(code_table > 0)) if code_table.any() else 256

    def packed_inputs(px: np.ndarray, widths) -> np.ndarray:
        """The input bits packed 64 images per word. With one threshold a pixel's bit is
        `pixel >= on_from`, the first pixel value whose float32 x = pixel / 255 exceeds it
        (PyTorch's comparison, tabulated over the 256 values: exact), packed along the
        images by `pack_rows`; otherwise through `pack_ports`."""
        if len(thresholds) == 1 and all(w == 1 for w in widths):
            return pack_rows(px >= on_from)
        words, _ = pack_ports(list(codes_of(px)), widths)
        return words

    rows = []
    status = 0
    for level, passes in LEVELS.items():
        path = work / f"model-{level}.mlir"
        s = run([str(BIN / "lutopt"), str(model), "-p", passes, "-o", str(path)])
        module = parse_module(path.read_text(), str(path), make_context())
        ops: dict[str, int] = {}
        for op in module.walk():
            ops[op.name] = ops.get(op.name, 0) + 1
        size = f"{ops.get('lut.table', 0)} lut.table" if "lut.table" in ops else \
            f"{sum(o.num_gates for o in module.walk() if o.name == 'gate.netlist')} gates"
        print(f"\n== {level}: lutopt -p '{passes}': {s:.1f} s wall; {size}", flush=True)

        interp = Interpreter(module)
        with Timer() as t:
            codes = codes_of(pixels)
            got = np.stack(interp.evaluate(None, list(codes)), 1)
        ok = np.array_equal(got, want)
        status |= not ok
        rows.append(dict(level=level, evaluator="numpy interpreter", compile_cpu_s=0.0, e2e_cpu_s=t.cpu,
                         e2e_img_s=n / t.cpu, kernel_img_s=None, equal=int((got == want).all(1).sum()), load=loadavg()))
        print(f"numpy interpreter: {n / t.cpu:,.0f} images/s end to end ({t.cpu:.2f} CPU-s); counts equal: {ok}",
              flush=True)

        for kernel in ("c", "numba"):
            cache = Path(tempfile.mkdtemp(prefix="bitsim-cache-", dir=work))
            os.environ["LUTOPT_CACHE_DIR"] = str(cache)  # cold: compile, not load
            opts = {"vector_bits": a.vector_bits} if kernel == "c" else {}
            with Timer() as tc:
                cf = compile_function(module, None, kernel, **opts)
            _compiled_c._LIBS.clear()  # as a new process: the library comes from the disk cache
            with Timer() as tw:
                compile_function(module, None, kernel, **opts)
            def end_to_end():
                words = packed_inputs(pixels, cf.input_widths)
                out = cf.evaluate_packed(words)
                return words, np.stack(unpack_ports(out, cf.output_widths, n), 1)

            words, got = end_to_end()  # the first run loads the code
            ok = np.array_equal(got, want)
            status |= not ok
            e2e = kernel_time = float("inf")
            for _ in range(a.repeat):
                with Timer() as t:
                    end_to_end()
                e2e = min(e2e, t.cpu)
            tiled = np.tile(words, (1, TILE))  # TILE x 10,000 images per kernel run
            for _ in range(a.repeat):
                with Timer() as tk:
                    cf.evaluate_packed(tiled)
                kernel_time = min(kernel_time, tk.cpu)
            t.cpu, best = e2e, kernel_time / TILE
            acc = float((got.argmax(1) == labels).mean())
            st = cf.stats
            detail = (f"front end {st['frontend_s']:.2f} s, C compiler {st.get('cc_s', 0):.2f} s wall"
                      if kernel == "c" else f"front end {st['frontend_s']:.2f} s, numba {st.get('jit_s', 0):.2f} s")
            rows.append(dict(level=level, evaluator=f"compiled {kernel}", instructions=int(st["instructions"]),
                             compile_cpu_s=tc.cpu + tc.child_cpu, compile_wall_s=tc.wall,
                             cached_compile_cpu_s=tw.cpu + tw.child_cpu, e2e_cpu_s=t.cpu, e2e_img_s=n / t.cpu,
                             kernel_img_s=n / best, equal=int((got == want).all(1).sum()), accuracy=acc,
                             load=loadavg()))
            print(f"compiled {kernel}: {int(st['instructions'])} instructions; compile {tc.cpu + tc.child_cpu:.2f} "
                  f"CPU-s ({tc.child_cpu:.2f} in the C compiler), {tc.wall:.2f} s wall ({detail}), {tw.cpu + tw.child_cpu:.2f} CPU-s from the disk cache; {n / t.cpu:,.0f} images/s end to end, "
                  f"{n / best:,.0f} images/s kernel only; counts equal PyTorch on "
                  f"{rows[-1]['equal']}/{n} images (accuracy {acc:.4f}); load {loadavg()}", flush=True)

    print(f"\n| level | evaluator | compile, cold / cached (CPU-s) | images/s end to end | images/s kernel only | counts = PyTorch | load |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        k = f"{r['kernel_img_s']:,.0f}" if r["kernel_img_s"] else "-"
        c = f"{r['compile_cpu_s']:.2f} / {r['cached_compile_cpu_s']:.2f}" if "compile_wall_s" in r else "-"
        print(f"| {r['level']} | {r['evaluator']} | {c} | {r['e2e_img_s']:,.0f} | {k} | {r['equal']}/{n} | {r['load']} |")
    print(f"| (difflogic, claimed) | C, their MNIST networks | | > {DIFFLOGIC_CLAIM:,} | | | not measured here |")
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(dict(cpu=cpu, rows=rows, difflogic_claim=DIFFLOGIC_CLAIM), indent=1))
    return int(status)


if __name__ == "__main__":
    sys.exit(main())
