"""Train a small sparse quantized model on an offline data set.

    python -m lutopt.nn.train --dataset digits --out examples/digits
    lutopt-train --dataset jsc --kind mlp

Data sets (no download):
- `digits`: scikit-learn's `load_digits` (1,797 8x8 images, 64 features with values 0..16,
  10 classes), split 80/20 with a fixed seed. The input quantizer has a fixed scale of 16/3,
  so the 2-bit input codes are round(pixel * 3 / 16).
- `jsc`: a synthetic set shaped like jet substructure tagging (16 standardised features,
  5 classes) made with `make_classification`; signed input codes.
- `mnist`: the original idx files (`lutopt.nn.data.load_mnist`): 60,000 training and 10,000
  test images, 784 features = pixels / 255. The input quantizer has a fixed scale of
  1 / (2^input_bits - 1), so 1-bit codes are `pixel > 127` and 2-bit codes
  round(pixel * 3 / 255).

The command prints the test accuracy of the float model (quantizers bypassed) and of the
quantized model (what the hardware computes), and, with `--out`, writes the trained model
(`model.pt`), the test set as input codes and PyTorch's output codes (`testset.npz`), and
the model's configuration (`config.json`).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from lutopt.nn.layers import (
    PartitionedMLP,
    QuantSequential,
    SparseQuantLinear,
    build_model,
)
from lutopt.nn.quant import Quantizer


@dataclass
class TrainConfig:
    dataset: str = "digits"
    kind: str = "sparse"  # "sparse" (SparseQuantLinear) or "mlp" (PartitionedMLP)
    mode: str = "mask"  # SparseQuantLinear's form: "mask" or "gather"
    layers: list[int] = field(default_factory=lambda: [256, 100, 10])
    fan_ins: list[int] = field(default_factory=lambda: [6, 6, 6])
    input_bits: int = 2
    hidden_bits: int = 2
    output_bits: int = 4
    depth: int = 4
    width: int = 16
    epochs: int = 200
    batch_size: int = 64
    lr: float = 1e-2
    weight_decay: float = 1e-4
    seed: int = 0
    balanced: bool = False  # spread the connectivity evenly over each layer's inputs
    batch_norm: bool = False  # BatchNorm1d between each sparse layer and its quantizer (LogicNets)
    threads: int = 1


def load_dataset(name: str, seed: int = 0, input_bits: int = 2):
    """(x_train, y_train, x_test, y_test, input_signed, input_scale) as float32/int64 arrays."""
    from sklearn.model_selection import train_test_split

    if name == "mnist":
        from lutopt.nn.data import load_mnist

        xtr, ytr, xte, yte = load_mnist()
        f = lambda x: x.reshape(len(x), -1).astype(np.float32) / np.float32(255.0)  # noqa: E731
        return f(xtr), ytr, f(xte), yte, False, 1.0 / ((1 << input_bits) - 1)
    if name == "digits":
        from sklearn.datasets import load_digits

        d = load_digits()
        x, y = d.data.astype(np.float32), d.target.astype(np.int64)
        signed, scale = False, 16.0 / 3.0
    elif name == "jsc":
        from sklearn.datasets import make_classification

        x, y = make_classification(n_samples=6000, n_features=16, n_informative=10,
                                   n_redundant=4, n_classes=5, n_clusters_per_class=2,
                                   class_sep=1.5, random_state=seed)
        x = ((x - x.mean(0)) / x.std(0)).astype(np.float32)
        y = y.astype(np.int64)
        signed, scale = True, 0.5
    else:
        raise ValueError(f"unknown data set {name!r} (digits, jsc, mnist)")
    xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.2, random_state=seed, stratify=y)
    return xtr, ytr, xte, yte, signed, scale


def make_model(cfg: TrainConfig, in_features: int, input_signed: bool,
               input_scale: float) -> QuantSequential:
    return build_model(in_features, cfg.layers, cfg.fan_ins, input_bits=cfg.input_bits,
                       input_signed=input_signed, input_scale=input_scale,
                       hidden_bits=cfg.hidden_bits, output_bits=cfg.output_bits,
                       kind=cfg.kind, mode=cfg.mode, depth=cfg.depth, width=cfg.width,
                       seed=cfg.seed, balanced=cfg.balanced, batch_norm=cfg.batch_norm)


@torch.no_grad()
def accuracy(model: QuantSequential, x: np.ndarray, y: np.ndarray, batch: int = 2000) -> float:
    """Test accuracy: the argmax of the output codes (the first one on ties), or of the
    clamped float outputs when the model is a float twin. Evaluated in batches of `batch`
    (a NeuraLUT-style layer on all 60,000 MNIST images at once would need gigabytes)."""
    model.eval()
    hits = 0
    for i in range(0, len(x), batch):
        out = model(torch.from_numpy(x[i:i + batch]))
        if not model.output_quantizer.float_mode:
            out = model.output_quantizer.to_codes(out)
        hits += int((out.argmax(1).numpy() == y[i:i + batch]).sum())
    return hits / max(1, len(x))


def set_float_mode(model: QuantSequential, on: bool) -> None:
    """Make every quantizer after the input's a plain clamp to its range (the float twin)."""
    for i, m in enumerate(model):
        if isinstance(m, Quantizer) and i > 0:
            m.float_mode = on


def fit(model: QuantSequential, xtr: np.ndarray, ytr: np.ndarray, cfg: TrainConfig,
        log=print, evaluate=None) -> list[float]:
    """Adam + cosine schedule on the cross-entropy of the output quantizer's values; returns
    the mean training loss of every epoch."""
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, cfg.epochs)
    xt, yt = torch.from_numpy(xtr), torch.from_numpy(ytr)
    gen = torch.Generator().manual_seed(cfg.seed)
    t0 = time.perf_counter()
    losses = []
    for epoch in range(cfg.epochs):
        model.train()
        perm = torch.randperm(len(xt), generator=gen)
        total = 0.0
        for i in range(0, len(xt), cfg.batch_size):
            idx = perm[i:i + cfg.batch_size]
            loss = F.cross_entropy(model(xt[idx]), yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        sched.step()
        losses.append(total / len(xt))
        if log and (epoch % max(1, cfg.epochs // 10) == 0 or epoch == cfg.epochs - 1):
            extra = f"  test acc {evaluate(model):.4f}" if evaluate else ""
            log(f"epoch {epoch:4d}  loss {losses[-1]:.4f}{extra}  ({time.perf_counter() - t0:.1f} s)")
    model.eval()
    return losses


def train(cfg: TrainConfig, log=print, float_baseline: bool = True):
    """Train the quantized model (and, with `float_baseline`, its float twin: the same
    connectivity and ranges, no rounding); returns (model, data, figures)."""
    xtr, ytr, xte, yte, signed, scale = load_dataset(cfg.dataset, cfg.seed, cfg.input_bits)
    figures: dict = {}
    if float_baseline:
        torch.manual_seed(cfg.seed)
        twin = make_model(cfg, xtr.shape[1], signed, scale)
        set_float_mode(twin, True)
        t0 = time.perf_counter()
        if log:
            log("-- float twin")
        fit(twin, xtr, ytr, cfg, log, lambda m: accuracy(m, xte, yte))
        figures["float_test_accuracy"] = accuracy(twin, xte, yte)
        figures["float_train_seconds"] = time.perf_counter() - t0
    torch.manual_seed(cfg.seed)
    model = make_model(cfg, xtr.shape[1], signed, scale)
    t0 = time.perf_counter()
    if log:
        log("-- quantized model")
    losses = fit(model, xtr, ytr, cfg, log, lambda m: accuracy(m, xte, yte))
    figures.update({
        "quantized_test_accuracy": accuracy(model, xte, yte),
        "quantized_train_accuracy": accuracy(model, xtr, ytr),
        "train_seconds": time.perf_counter() - t0,
        "losses": losses,
    })
    return model, (xtr, ytr, xte, yte), figures


def model_summary(model: QuantSequential) -> dict:
    """Tables per layer and their address/output widths."""
    layers = []
    qs = [m for m in model if isinstance(m, Quantizer)]
    li = 0
    for m in model:
        if not isinstance(m, (SparseQuantLinear, PartitionedMLP)):
            continue
        qin, qout = qs[li], qs[li + 1]
        layers.append({"tables": m.out_features, "fan_in": m.fan_in,
                       "address_bits": m.fan_in * qin.width, "output_bits": qout.width})
        li += 1
    return {"layers": layers, "tables": sum(x["tables"] for x in layers),
            "table_bits": sum(x["tables"] * (1 << x["address_bits"]) * x["output_bits"] for x in layers)}


def compact_state_dict(model: QuantSequential) -> dict:
    """The state dict without what the connectivity implies: a masked layer keeps only its
    (out, fan_in) weights at the connected inputs, and no mask; connectivity as int16."""
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    for name, m in model.named_modules():
        if isinstance(m, SparseQuantLinear) and m.mode == "mask":
            state[f"{name}.weight"] = torch.gather(m.weight.detach(), 1, m.connectivity)
            del state[f"{name}.mask"]
        if isinstance(m, (SparseQuantLinear, PartitionedMLP)):
            state[f"{name}.connectivity"] = m.connectivity.to(torch.int16)
    return state


def expand_state_dict(model: QuantSequential, state: dict) -> dict:
    """Inverse of `compact_state_dict` for a model of the same configuration."""
    state = dict(state)
    for name, m in model.named_modules():
        if isinstance(m, (SparseQuantLinear, PartitionedMLP)):
            conn = state[f"{name}.connectivity"].to(torch.int64)
            state[f"{name}.connectivity"] = conn
        if isinstance(m, SparseQuantLinear) and m.mode == "mask":
            w = torch.zeros(m.out_features, m.in_features)
            state[f"{name}.weight"] = w.scatter(1, conn, state[f"{name}.weight"].float())
            mask = torch.zeros(m.out_features, m.in_features)
            state[f"{name}.mask"] = mask.scatter(1, conn, 1.0)
    return state


def save_bundle(model: QuantSequential, cfg: TrainConfig, data, figures: dict, out: Path) -> None:
    """model.pt (config + state dict), config.json, testset.npz (input codes, labels, PyTorch's
    output codes)."""
    out.mkdir(parents=True, exist_ok=True)
    _, _, xte, yte = data
    model.eval()
    xt = torch.from_numpy(xte)
    in_codes = model.input_quantizer.to_codes(xt).numpy().astype(np.int8)
    out_codes = model.output_codes(xt).numpy().astype(np.int8)
    torch.save({"config": asdict(cfg), "in_features": int(xte.shape[1]),
                "input_signed": model.input_quantizer.signed,
                "input_scale": model.input_quantizer.scale.item(),
                "state_dict": compact_state_dict(model)},
               out / "model.pt")
    qi, qo = model.input_quantizer, model.output_quantizer
    np.savez_compressed(out / "testset.npz", input_codes=in_codes, labels=yte.astype(np.int8),
                        output_codes=out_codes, input_width=qi.width, input_signed=qi.signed,
                        output_width=qo.width, output_signed=qo.signed)
    info = {"config": asdict(cfg),
            **{k: v for k, v in figures.items() if k != "losses" and "seconds" not in k},
            **model_summary(model)}
    (out / "config.json").write_text(json.dumps(info, indent=2) + "\n")


def load_bundle(path: Path) -> QuantSequential:
    """The model saved by `save_bundle` (a directory or its model.pt), in evaluation mode."""
    path = Path(path)
    if path.is_dir():
        path = path / "model.pt"
    blob = torch.load(path, weights_only=True)
    cfg = TrainConfig(**blob["config"])
    model = make_model(cfg, blob["in_features"], blob["input_signed"], blob["input_scale"])
    model.load_state_dict(expand_state_dict(model, blob["state_dict"]))
    return model.eval()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="lutopt-train", description=__doc__.split("\n\n")[0])
    p.add_argument("--dataset", default="digits", choices=["digits", "jsc", "mnist"])
    p.add_argument("--kind", default="sparse", choices=["sparse", "mlp", "logic", "lut"],
                   help="sparse/mlp: quantized table networks; logic/lut: logic-gate or "
                        "learned-LUT networks (lutopt.nn.logic_train)")
    p.add_argument("--mode", default="mask", choices=["mask", "gather"])
    p.add_argument("--layers", default=None, help="comma-separated layer sizes (last = classes)")
    p.add_argument("--fan-ins", default=None, help="comma-separated fan-ins, one per layer")
    p.add_argument("--input-bits", type=int, default=2)
    p.add_argument("--hidden-bits", type=int, default=2)
    p.add_argument("--output-bits", type=int, default=4)
    p.add_argument("--depth", type=int, default=4)
    p.add_argument("--width", type=int, default=16)
    p.add_argument("--epochs", type=int, default=None)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=None, help="learning rate (default 0.01)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--batch-norm", action="store_true",
                   help="a BatchNorm1d between each sparse layer and its quantizer (folded into "
                        "the tables)")
    p.add_argument("--balanced", action="store_true",
                   help="connectivity that reads every input of a layer evenly (no dead neurons)")
    p.add_argument("--threads", type=int, default=1,
                   help="torch threads (1 is fastest for models this small, and for logic/lut "
                        "networks, whose training runs in single-threaded numba kernels)")
    p.add_argument("--out", type=Path, default=None, help="directory for model.pt, testset.npz, config.json")
    p.add_argument("--export", action="store_true", help="also write OUT/model.mlir (torch-mlir)")
    p.add_argument("--no-float", action="store_true", help="skip the float twin")
    p.add_argument("--weight-decay", type=float, default=1e-4)
    p.add_argument("--quiet", action="store_true")
    g = p.add_argument_group("logic and LUT networks (--kind logic|lut)")
    g.add_argument("--connections", default="learned", choices=["learned", "unique", "random"])
    g.add_argument("--candidates", type=int, default=4, help="wires a learned input chooses among")
    g.add_argument("--lut-k", type=int, default=6, help="inputs of each table (--kind lut)")
    g.add_argument("--tau", type=float, default=10.0, help="GroupSum divisor")
    g.add_argument("--thresholds", default=None, help="comma-separated input thresholds (0.5)")
    g.add_argument("--time-limit", type=float, default=0.0,
                   help="minutes; stop after the epoch that crosses it")
    a = p.parse_args(argv)
    if a.kind in ("logic", "lut"):
        if a.dataset == "jsc":
            p.error("--kind logic|lut trains on mnist or digits")
        from lutopt.nn.data import MnistUnavailable
        from lutopt.nn.logic_train import main_logic

        try:
            return main_logic(a)
        except MnistUnavailable as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
    if a.lr is None:
        a.lr = 1e-2

    cfg = TrainConfig(dataset=a.dataset, kind=a.kind, mode=a.mode, input_bits=a.input_bits,
                      hidden_bits=a.hidden_bits, output_bits=a.output_bits, depth=a.depth,
                      width=a.width, batch_size=a.batch_size, lr=a.lr,
                      weight_decay=a.weight_decay, seed=a.seed, balanced=a.balanced,
                      batch_norm=a.batch_norm,
                      threads=a.threads)
    if a.dataset == "jsc":
        cfg.layers, cfg.fan_ins = [64, 32, 5], [3, 4, 4]
        cfg.input_bits = a.input_bits if a.input_bits != 2 else 3
    if a.dataset == "mnist":
        cfg.layers, cfg.fan_ins, cfg.epochs = [256, 100, 100, 10], [6, 6, 6, 6], 10
    if a.kind == "mlp":
        cfg.epochs = 60 if a.dataset != "mnist" else 10
    if a.layers:
        cfg.layers = [int(v) for v in a.layers.split(",")]
    if a.fan_ins:
        cfg.fan_ins = [int(v) for v in a.fan_ins.split(",")]
    if a.epochs is not None:
        cfg.epochs = a.epochs
    torch.set_num_threads(cfg.threads)

    from lutopt.nn.data import MnistUnavailable

    try:
        model, data, fig = train(cfg, log=None if a.quiet else print, float_baseline=not a.no_float)
    except MnistUnavailable as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    s = model_summary(model)
    if "float_test_accuracy" in fig:
        print(f"float test accuracy:     {fig['float_test_accuracy']:.4f}")
    print(f"quantized test accuracy: {fig['quantized_test_accuracy']:.4f}")
    shapes = ", ".join(f"{l_['tables']} x {l_['address_bits']}->{l_['output_bits']} bits"
                       for l_ in s["layers"])
    print(f"tables: {s['tables']} ({shapes}), {s['table_bits']} table bits; "
          f"trained in {fig['train_seconds']:.1f} s")
    if a.out:
        save_bundle(model, cfg, data, fig, a.out)
        print(f"wrote {a.out}/model.pt, testset.npz, config.json")
        if a.export:
            from lutopt.nn.export import export_model

            # Export the model as saved (masked-out weights are +0.0 there, whatever their
            # sign after training), so that model.mlir is what lutopt-export gives for model.pt.
            export_model(load_bundle(a.out), torch.from_numpy(data[2][:1]), a.out / "model.mlir",
                         func_name=a.dataset)
            print(f"wrote {a.out}/model.mlir")
    return 0


if __name__ == "__main__":
    sys.exit(main())
