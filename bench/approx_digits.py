"""A trained model with exact and with Mitch-w6 products: accuracy in PyTorch and in
simulated hardware, and the 6-LUTs each costs (issue 11).

    .venv/bin/python bench/approx_digits.py [--epochs 60] [--hidden 32] [--simulator auto]

The model is trained here on scikit-learn's `load_digits` (8x8 images, pixel values
0..16; split 80/20 with seed 0, as examples/digits). Every layer is too wide for a table,
so the whole network is integer arithmetic:

- input codes: the pixel values clamped to 0..15 (4-bit, scale 1);
- `Linear(64, H)` with weights trained through a straight-through quantizer to integers
  -7..7 times a power-of-two scale, ReLU, 4-bit hidden codes (power-of-two scale);
- `Linear(H, 10)` the same way, 6-bit signed output codes; the class is the first
  largest output code.

Power-of-two scales keep PyTorch's float32 arithmetic exact up to the bias addition, so
an integer evaluator written here (products exact, or Mitch-w6 by `lutopt.nn.approx`;
exact sums; the float32 tail as PyTorch computes it) is the emulation; it is checked to
give PyTorch's codes exactly with exact products. Each model is compiled with
`lutopt MODEL.mlir -p 'lower-to-rtl{lut-size=6 multiplier=M}' -t verilog`, simulated on
all test images, and its codes compared with the emulation; the 6-LUTs are the
`lut.table` ops of `lower-to-luts{lut-size=6 multiplier=M}`.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from map_epfl import lut_depth  # noqa: E402

WMAX = 7
H_MAX = 15
O_LO, O_HI = -32, 31


def load_digits_split():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    d = load_digits()
    x = np.clip(d.data, 0, 15).astype(np.int64)
    return train_test_split(x, d.target, test_size=0.2, random_state=0)


def build(hidden: int):
    import torch

    nn = torch.nn

    class RoundSTE(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return torch.round(x)

        @staticmethod
        def backward(ctx, g):
            return g

    class QLinear(nn.Linear):
        """Weights are integers -WMAX..WMAX times `scale` (a power of two)."""

        def __init__(self, n_in, n_out, scale):
            super().__init__(n_in, n_out)
            self.scale = scale

        def forward(self, x):
            w = torch.clamp(RoundSTE.apply(self.weight / self.scale), -WMAX, WMAX) * self.scale
            return nn.functional.linear(x, w, self.bias)

        def freeze(self):
            with torch.no_grad():
                self.weight.copy_(torch.clamp(torch.round(self.weight / self.scale), -WMAX, WMAX) * self.scale)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.l1 = QLinear(64, hidden, 2.0 ** -4)
            self.l2 = QLinear(hidden, 10, 2.0 ** -3)
            self.s_h, self.s_o = 0.5, 0.25

        def q(self, x, s, lo, hi):
            return torch.clamp(RoundSTE.apply(x / s), lo, hi) * s

        def forward(self, x):
            x = torch.clamp(torch.round(x), 0, 15)
            h = self.q(torch.relu(self.l1(x)), self.s_h, 0, H_MAX)
            return self.q(self.l2(h), self.s_o, O_LO, O_HI)

    return Net()


def train(model, x, y, epochs: int, seed: int = 0) -> float:
    import torch

    torch.manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    xt, yt = torch.tensor(x, dtype=torch.float32), torch.tensor(y)
    start = time.perf_counter()
    for _ in range(epochs):
        perm = torch.randperm(len(xt))
        for i in range(0, len(xt), 64):
            idx = perm[i : i + 64]
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(xt[idx]) * 4, yt[idx])
            loss.backward()
            opt.step()
    model.l1.freeze()
    model.l2.freeze()
    return time.perf_counter() - start


def pytorch_codes(model, x) -> np.ndarray:
    import torch

    with torch.no_grad():
        out = model.eval()(torch.tensor(x, dtype=torch.float32)).numpy()
    return np.rint(out / np.float32(model.s_o)).astype(np.int64)


def emulate(model, x: np.ndarray, multiplier: str) -> np.ndarray:
    """The output codes with `multiplier` products, exact sums, PyTorch's float32 tail."""
    from lutopt.nn.approx import approx_mul

    def layer(codes, s_in, lin):
        w = np.rint(lin.weight.detach().numpy() / lin.scale).astype(np.int64)
        acc = approx_mul(codes[:, None, :], w[None, :, :], multiplier).sum(axis=2)
        return acc.astype(np.float32) * np.float32(lin.scale * s_in) + lin.bias.detach().numpy()

    h = np.clip(np.rint(np.maximum(layer(x, 1.0, model.l1), 0) / np.float32(model.s_h)), 0, H_MAX).astype(np.int64)
    return np.clip(np.rint(layer(h, model.s_h, model.l2) / np.float32(model.s_o)), O_LO, O_HI).astype(np.int64)


def accuracy(codes: np.ndarray, labels: np.ndarray) -> float:
    return float(np.mean(np.argmax(codes, axis=1) == labels))


def compile_and_simulate(mlir: Path, multiplier: str, x: np.ndarray, simulator: str) -> tuple[np.ndarray, int, int]:
    from lutopt.api import parse_module, run_passes
    from lutopt.sim.verilog_sim import simulate_verilog

    module = parse_module(mlir.read_text(), str(mlir))
    run_passes(module, f"lower-to-luts{{lut-size=6 multiplier={multiplier}}}")
    luts, depth = lut_depth(module)
    out = mlir.with_suffix(f".{multiplier}.v")
    lutopt = Path(sys.executable).parent / "lutopt"
    proc = subprocess.run([lutopt, mlir, "-p", f"lower-to-rtl{{lut-size=6 multiplier={multiplier}}}", "-t", "verilog",
                           "-o", out], capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(proc.stderr)
    ins = [x[:, i].astype(np.uint64) for i in range(x.shape[1])]
    outs = simulate_verilog(str(out), "digits", ins, simulator=simulator, timeout=None)
    codes = np.stack(outs, axis=1).astype(np.int64)
    codes = np.where(codes >= 32, codes - 64, codes)  # 6-bit two's complement
    return codes, luts, depth


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=60)
    ap.add_argument("--hidden", type=int, default=32)
    ap.add_argument("--simulator", default="auto")
    ap.add_argument("--seed", type=int, default=0, help="seeds the initial weights and the training")
    ap.add_argument("--model", help="a state dict: loaded if the file exists, else trained and saved there")
    args = ap.parse_args(argv)
    import torch
    from torch_mlir import fx

    xtr, xte, ytr, yte = load_digits_split()
    torch.manual_seed(args.seed)  # before building: the initial weights come from it too
    model = build(args.hidden)
    if args.model and Path(args.model).exists():
        model.load_state_dict(torch.load(args.model))
        what = f"loaded {args.model}"
    else:
        secs = train(model, xtr, ytr, args.epochs, args.seed)
        what = f"trained {args.epochs} epochs in {secs:.1f} s"
        if args.model:
            torch.save(model.state_dict(), args.model)
    model.eval()
    print(f"{what}; 64-{args.hidden}-10, weights -{WMAX}..{WMAX}, "
          f"4-bit inputs and hidden codes, 6-bit outputs; {len(xte)} test images")
    want = pytorch_codes(model, xte)
    exact = emulate(model, xte, "exact")
    if not np.array_equal(exact, want):
        raise SystemExit(f"the integer emulation differs from PyTorch on {int((exact != want).sum())} codes")
    with tempfile.TemporaryDirectory() as d:
        mlir = Path(d) / "model.mlir"
        mlir.write_text(str(fx.export_and_import(model, torch.zeros(1, 64), output_type="linalg-on-tensors",
                                                 func_name="digits")))
        rows = []
        for multiplier in ("exact", "mitch-w6"):
            emu = emulate(model, xte, multiplier)
            t = time.perf_counter()
            hw, luts, depth = compile_and_simulate(mlir, multiplier, xte, args.simulator)
            same = int(np.all(hw == emu, axis=1).sum())
            rows.append((multiplier, accuracy(emu, yte), accuracy(hw, yte), same, luts, depth, time.perf_counter() - t))
    print(f"| products | PyTorch accuracy | hardware accuracy | images with equal codes | 6-LUTs | depth | seconds |")
    print("|---|---|---|---|---|---|---|")
    for m, a_py, a_hw, same, luts, depth, s in rows:
        label = "exact (PyTorch model)" if m == "exact" else f"{m} (lutopt.nn.approx emulation)"
        print(f"| {label} | {a_py:.4f} | {a_hw:.4f} | {same}/{len(xte)} | {luts:,} | {depth} | {s:.0f} |")
    change = rows[1][4] / rows[0][4] - 1
    print(f"mitch-w6 uses {rows[1][4]:,} 6-LUTs against {rows[0][4]:,} exact "
          f"({abs(change):.1%} {'more' if change > 0 else 'fewer'})")
    return 0 if all(r[3] == len(xte) for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
