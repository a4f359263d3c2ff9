"""Training of logic-gate and learned-LUT networks (`lutopt-train --kind logic|lut`).

    lutopt-train --kind logic --dataset mnist --layers 2000,2000,2000,2000 \\
        --connections learned --candidates 4 --tau 10 --epochs 20 --out examples/mnist-logic

The model is `Thermometer -> LogicLayer/LUTLayer ... -> GroupSum` (`build_logic_model`),
trained with Adam and a cosine schedule on the cross-entropy of the GroupSum outputs in
`train()` mode (the relaxation); the accuracy printed after each epoch is the discrete
network's (`eval()`), which is what the hardware computes. With `--out` the discretised
network is written after every epoch (`model.npz`, see `lutopt.nn.logic.discrete_state`,
and `config.json` with the figures), so an interrupted run leaves its last complete epoch.

Data sets: `mnist` (the original idx files, `lutopt.nn.data`; pixels / 255, one threshold
at 0.5 by default) and `digits` (scikit-learn's 8x8 digits, pixels / 16, for quick runs).
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from lutopt.nn.logic import build_logic_model, count_gates, discrete_state


@dataclass
class LogicTrainConfig:
    dataset: str = "mnist"
    kind: str = "logic"  # "logic" (LogicLayer) or "lut" (LUTLayer)
    layers: list[int] = field(default_factory=lambda: [2000, 2000, 2000, 2000])
    thresholds: list[float] = field(default_factory=lambda: [0.5])
    connections: str = "learned"
    candidates: int = 4
    k: int = 6
    tau: float = 10.0
    epochs: int = 20
    batch_size: int = 256
    lr: float = 0.01
    seed: int = 0
    threads: int = 1
    time_limit: float = 0.0  # minutes; stop after the epoch that crosses it (0: none)


def load_logic_dataset(name: str, seed: int = 0):
    """(x_train, y_train, x_test, y_test) with features scaled to [0, 1], float32 / int64."""
    if name == "mnist":
        from lutopt.nn.data import load_mnist

        xtr, ytr, xte, yte = load_mnist()
        f = lambda x: (x.reshape(len(x), -1).astype(np.float32) / 255.0)  # noqa: E731
        return f(xtr), ytr, f(xte), yte
    if name == "digits":
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split

        d = load_digits()
        x, y = (d.data / 16.0).astype(np.float32), d.target.astype(np.int64)
        xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.2, random_state=seed, stratify=y)
        return xtr, ytr, xte, yte
    raise ValueError(f"unknown data set {name!r} for logic models (mnist, digits)")


@torch.no_grad()
def discrete_accuracy(model, x: np.ndarray, y: np.ndarray, batch: int = 2000) -> float:
    """Accuracy of the discrete (`eval()`) network: argmax of the GroupSum, lowest index on ties."""
    was = model.training
    model.eval()
    hits = 0
    for i in range(0, len(x), batch):
        out = model(torch.from_numpy(x[i:i + batch]))
        hits += int((out.argmax(1).numpy() == y[i:i + batch]).sum())
    model.train(was)
    return hits / len(x)


def train_logic(cfg: LogicTrainConfig, out: Path | None = None, log=print):
    """Train; returns (model in eval mode, figures). Writes `out` after every epoch."""
    torch.manual_seed(cfg.seed)
    xtr, ytr, xte, yte = load_logic_dataset(cfg.dataset, cfg.seed)
    classes = int(ytr.max()) + 1
    model = build_logic_model(xtr.shape[1], cfg.layers, classes, thresholds=cfg.thresholds,
                              kind=cfg.kind, k=cfg.k, connections=cfg.connections,
                              candidates=cfg.candidates, tau=cfg.tau, seed=cfg.seed)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    steps = cfg.epochs * -(-len(xtr) // cfg.batch_size)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    xt, yt = torch.from_numpy(xtr), torch.from_numpy(ytr)
    gen = torch.Generator().manual_seed(cfg.seed)
    figures: dict = {"gates": count_gates(model), "epochs_run": 0, "history": []}
    t0 = time.perf_counter()
    for epoch in range(cfg.epochs):
        model.train()
        perm = torch.randperm(len(xt), generator=gen)
        total, hits = 0.0, 0
        for i in range(0, len(xt), cfg.batch_size):
            idx = perm[i:i + cfg.batch_size]
            outp = model(xt[idx])
            loss = F.cross_entropy(outp, yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
            hits += int((outp.argmax(1) == yt[idx]).sum())
        acc = discrete_accuracy(model, xte, yte)
        elapsed = time.perf_counter() - t0
        figures["history"].append({"epoch": epoch, "loss": total / len(xt),
                                   "relaxed_train_accuracy": hits / len(xt),
                                   "discrete_test_accuracy": acc, "seconds": round(elapsed, 1)})
        figures.update(epochs_run=epoch + 1, discrete_test_accuracy=acc,
                       train_seconds=round(elapsed, 1))
        if log:
            log(f"epoch {epoch:3d}  loss {total / len(xt):.4f}  relaxed train acc "
                f"{hits / len(xt):.4f}  discrete test acc {acc:.4f}  ({elapsed:.0f} s)")
        if out is not None:
            save_logic_bundle(model, cfg, figures, out)
        if cfg.time_limit and elapsed > 60 * cfg.time_limit:
            if log:
                log(f"time limit of {cfg.time_limit} min reached after epoch {epoch}")
            break
    figures["discrete_train_accuracy"] = discrete_accuracy(model, xtr, ytr)
    if out is not None:
        save_logic_bundle(model, cfg, figures, out)
    return model.eval(), figures


def save_logic_bundle(model, cfg: LogicTrainConfig, figures: dict, out: Path) -> None:
    """`model.npz` (the discretised network, `discrete_state`) and `config.json`."""
    out.mkdir(parents=True, exist_ok=True)
    state = discrete_state(model)
    tmp = out / "model.tmp.npz"
    np.savez_compressed(tmp, **state)
    tmp.replace(out / "model.npz")
    info = {"config": asdict(cfg), **figures}
    (out / "config.json").write_text(json.dumps(info, indent=2) + "\n")


def main_logic(a) -> int:
    """`lutopt-train --kind logic|lut` (arguments parsed by `lutopt.nn.train.main`)."""
    cfg = LogicTrainConfig(dataset=a.dataset, kind=a.kind, batch_size=a.batch_size,
                           seed=a.seed, threads=a.threads, connections=a.connections,
                           candidates=a.candidates, k=a.lut_k, tau=a.tau,
                           time_limit=a.time_limit)
    if a.dataset == "digits":
        cfg.layers, cfg.epochs, cfg.tau = [400, 400], 60, 6.0
    cfg.lr = a.lr if a.lr is not None else cfg.lr
    if a.layers:
        cfg.layers = [int(v) for v in a.layers.split(",")]
    if a.thresholds:
        cfg.thresholds = [float(v) for v in a.thresholds.split(",")]
    if a.epochs is not None:
        cfg.epochs = a.epochs
    torch.set_num_threads(cfg.threads)
    model, fig = train_logic(cfg, a.out, log=None if a.quiet else print)
    unit = "gates" if cfg.kind == "logic" else f"{cfg.k}-LUTs"
    nodes = sum(cfg.layers)
    print(f"discrete test accuracy: {fig['discrete_test_accuracy']:.4f}  "
          f"(train {fig['discrete_train_accuracy']:.4f}); {nodes} {unit}; "
          f"{fig['epochs_run']} epochs in {fig['train_seconds']:.0f} s")
    if a.out:
        print(f"wrote {a.out}/model.npz, config.json")
    return 0
