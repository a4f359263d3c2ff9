"""Logic-gate networks and learned-LUT networks as PyTorch layers (issue 10).

- `LogicLayer`: each output is a two-input gate among the 16 functions, numbered as DESIGN.md
  (difflogic's order: the truth table read as a 4-bit number with f(0,0) the most significant
  bit). In `train()` a node is the softmax mixture of the 16 real-valued relaxations
  (difflogic, Petersen et al. 2022: the probabilistic relaxation, `a*b` for AND, `a+b-a*b` for
  OR, ...); in `eval()` it is the argmax gate, computed with exact 0/1 arithmetic. Every
  relaxation is multilinear, `c1 + ca*a + cb*b + cab*a*b`, so the mixture is the same form with
  the mixed coefficients (`GATE_COEFFS`), which is how both modes compute it.
  Connections: `"random"` (each gate input an independent uniform draw), `"unique"` (every
  input read, the two inputs of a gate distinct, reads spread evenly), or `"learned"`
  (LILogicNet, 2025: each gate input chooses among `candidates` fixed wires by a softmax over
  trained logits in `train()`, the argmax wire in `eval()`).
- `GroupSum`: sum of the binary outputs over `k` consecutive groups, divided by `tau`.
- `Thermometer`: `x > t_1 ... x > t_T` with constant thresholds, as 0/1 features.
- `LUTLayer`: each output is a K-input table with trainable entries (LUTNet / DWN style).
  Relaxation: the multilinear (Lagrange) interpolation of the table that LUTNet trains
  (Wang et al. 2019), on inputs in [0, 1] with entries `sigmoid(theta)`: the expected table
  value when the inputs are independent bits with those probabilities (difflogic's relaxation
  extended to K inputs). In `eval()` the entries are `theta > 0` and the inputs 0/1, so the
  interpolation is the plain lookup `table[address]` (input 0 the most significant address
  bit, as `lut.table`), which is what the eval form computes.

Evaluation-mode forward passes are what `torch_mlir.fx.export_and_import(model, x,
output_type="linalg-on-tensors")` prints for a user's model; `test/Inputs/nn-logic/` holds
one exported file per layer (regenerate with `python bench/export_logic_layers.py`).
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["GATE_NAMES", "GATE_COEFFS", "gate_truth_table", "LogicLayer", "GroupSum",
           "Thermometer", "LUTLayer", "logic_connections", "count_gates",
           "build_logic_model", "discrete_state", "from_discrete_state"]

GATE_NAMES = ("false", "a&b", "a&~b", "a", "~a&b", "b", "a^b", "a|b", "~(a|b)", "~(a^b)",
              "~b", "a|~b", "~a", "~a|b", "~(a&b)", "true")


def gate_truth_table(gate: int) -> tuple[int, int, int, int]:
    """(f(0,0), f(0,1), f(1,0), f(1,1)) of gate `gate` (f(a, b)): its number's bits, MSB first."""
    return tuple((gate >> (3 - i)) & 1 for i in range(4))  # type: ignore[return-value]


def _coefficients() -> torch.Tensor:
    rows = []
    for g in range(16):
        f00, f01, f10, f11 = gate_truth_table(g)
        rows.append([f00, f10 - f00, f01 - f00, f11 - f10 - f01 + f00])
    return torch.tensor(rows, dtype=torch.float32)


GATE_COEFFS = _coefficients()
"""(16, 4): gate g computes c1 + ca*a + cb*b + cab*a*b on a, b in {0, 1} (and its relaxation on
[0, 1]), with (c1, ca, cb, cab) = GATE_COEFFS[g]; all entries are small integers."""


def logic_connections(in_features: int, out_features: int, mode: str = "unique",
                      seed: int = 0, arity: int = 2) -> torch.Tensor:
    """An (out_features, arity) int64 tensor of input indices.

    `"random"`: independent uniform draws (inputs may be unread, a gate may read one input
    twice). `"unique"`: every input is read when out_features * arity >= in_features, each one
    at most once more than any other, and the inputs of a node are distinct."""
    if in_features < 1 or out_features < 1:
        raise ValueError("in_features and out_features must be positive")
    gen = torch.Generator().manual_seed(seed)
    if mode == "random":
        return torch.randint(0, in_features, (out_features, arity), generator=gen)
    if mode != "unique":
        raise ValueError(f"connections must be 'random', 'unique' or 'learned', got {mode!r}")
    if arity > in_features:
        raise ValueError(f"a node of {arity} distinct inputs needs at least {arity} inputs, "
                         f"got {in_features}")
    n = out_features * arity
    # Node o reads slots o*arity .. o*arity+arity-1 of a sequence of random permutations of
    # the inputs: reads are spread evenly, every input is read once the first permutation is
    # used up, and a node within one permutation reads distinct inputs. A node that straddles
    # two permutations (`p` slots in the first) gets distinct inputs when the second
    # permutation starts with inputs outside those p, which it can (arity <= in_features).
    flat: list[torch.Tensor] = []
    placed = 0
    while placed < n:
        perm = torch.randperm(in_features, generator=gen)
        p = placed % arity
        if p and flat:
            tail = torch.cat(flat)[-p:]
            clash = torch.isin(perm, tail)
            perm = torch.cat([perm[~clash], perm[clash]])
        flat.append(perm)
        placed += in_features
    conn = torch.cat(flat)[:n].reshape(out_features, arity)
    return conn


def _check_indices(idx, in_features: int, shape: tuple, what: str) -> torch.Tensor:
    t = torch.as_tensor(np.asarray(idx), dtype=torch.int64)
    if tuple(t.shape) != shape:
        raise ValueError(f"{what} must have shape {shape}, got {tuple(t.shape)}")
    if t.numel() and (int(t.min()) < 0 or int(t.max()) >= in_features):
        raise ValueError(f"{what} refers to inputs outside 0..{in_features - 1}")
    return t


class _Wiring(nn.Module):
    """Each node's `arity` inputs: fixed indices, or learned among `candidates` per input."""

    def __init__(self, in_features: int, out_features: int, arity: int, connections: str,
                 candidates: int, seed: int, indices=None, candidate_indices=None):
        super().__init__()
        self.in_features, self.out_features, self.arity = in_features, out_features, arity
        self.mode = connections
        if connections == "learned":
            k = int(candidates)
            if candidate_indices is not None:
                cand = _check_indices(candidate_indices, in_features, (out_features, arity, k),
                                      "candidate_indices")
            else:
                if k < 1:
                    raise ValueError(f"candidates must be >= 1, got {candidates}")
                # Candidate 0 of every input is a unique-connections wiring (every input is a
                # candidate somewhere); the others are uniform draws.
                first = logic_connections(in_features, out_features, "unique", seed, arity)
                gen = torch.Generator().manual_seed(seed + 7919)
                rest = torch.randint(0, in_features, (out_features, arity, k - 1), generator=gen)
                cand = torch.cat([first.unsqueeze(-1), rest], dim=-1)
            self.candidates = int(cand.shape[-1])
            self.register_buffer("candidate_indices", cand)
            self.logits = nn.Parameter(torch.zeros(out_features, arity, self.candidates))
        elif connections in ("random", "unique", "fixed"):
            if indices is None and connections == "fixed":
                raise ValueError("connections='fixed' needs indices")
            if indices is None:
                indices = logic_connections(in_features, out_features, connections, seed, arity)
            self.candidates = 1
            self.register_buffer("indices",
                                 _check_indices(indices, in_features, (out_features, arity), "indices"))
        else:
            raise ValueError(f"connections must be 'random', 'unique', 'learned' or 'fixed', "
                             f"got {connections!r}")

    def chosen(self) -> torch.Tensor:
        """(out, arity) int64: the wire each input reads in evaluation mode."""
        if self.mode != "learned":
            return self.indices
        pick = self.logits.argmax(-1, keepdim=True)
        return torch.gather(self.candidate_indices, -1, pick).squeeze(-1)

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        """(B, in) -> `arity` tensors (B, out)."""
        if self.mode == "learned" and self.training:
            from lutopt.nn.wiring_kernels import weighted_gather

            p = torch.softmax(self.logits, -1).reshape(-1, self.candidates)
            cand = self.candidate_indices.reshape(-1, self.candidates)
            v = weighted_gather(x, cand, p).reshape(x.shape[0], self.out_features, self.arity)
            return [v[:, :, j].contiguous() for j in range(self.arity)]
        idx = self.chosen()
        return [torch.index_select(x, 1, idx[:, j]) for j in range(self.arity)]


class LogicLayer(nn.Module):
    """`out_features` two-input gates (difflogic), optionally with learned connections.

    Args:
        in_features, out_features: sizes.
        connections: "random", "unique" (fixed wiring, see `logic_connections`) or "learned"
            (each gate input chooses among `candidates` wires; LILogicNet).
        candidates: K, the wires each learned input chooses among.
        gate_init: "residual" (every gate starts as the pass-through `a`, gate 3, with
            softmax weight ~0.9: the residual initialisation of Petersen et al. 2024, which
            keeps deep networks trainable) or "random" (standard normal logits, difflogic).
        eval_form: how `eval()` selects the gate: "index" (`GATE_COEFFS[argmax]`, a gather)
            or "onehot" (`one_hot(argmax) @ GATE_COEFFS`: difflogic's one-hot mixture of the
            16 relaxations).
        indices / candidate_indices / gates: explicit wiring and gate numbers (gates gives
            one-hot-like logits, so `eval()` computes exactly those gates).
    """

    def __init__(self, in_features: int, out_features: int, *, connections: str = "unique",
                 candidates: int = 8, seed: int = 0, gate_init: str = "residual",
                 eval_form: str = "index", indices=None, candidate_indices=None, gates=None):
        super().__init__()
        if eval_form not in ("index", "onehot"):
            raise ValueError(f"eval_form must be 'index' or 'onehot', got {eval_form!r}")
        self.in_features, self.out_features, self.eval_form = in_features, out_features, eval_form
        self.wiring = _Wiring(in_features, out_features, 2, connections, candidates, seed,
                              indices, candidate_indices)
        gen = torch.Generator().manual_seed(seed + 104729)
        if gates is not None:
            g = torch.as_tensor(np.asarray(gates), dtype=torch.int64)
            if g.shape != (out_features,) or (g.numel() and (g.min() < 0 or g.max() > 15)):
                raise ValueError(f"gates must be {out_features} numbers in 0..15")
            w = 10.0 * F.one_hot(g, 16).to(torch.float32)
        elif gate_init == "residual":
            w = torch.zeros(out_features, 16)
            w[:, 3] = 5.0
        elif gate_init == "random":
            w = torch.randn(out_features, 16, generator=gen)
        else:
            raise ValueError(f"gate_init must be 'residual' or 'random', got {gate_init!r}")
        self.weights = nn.Parameter(w)
        self.register_buffer("coeffs", GATE_COEFFS.clone())

    @property
    def connections(self) -> str:
        return self.wiring.mode

    def extra_repr(self) -> str:
        k = f", candidates={self.wiring.candidates}" if self.connections == "learned" else ""
        return f"in={self.in_features}, out={self.out_features}, connections={self.connections}{k}"

    def gates(self) -> torch.Tensor:
        """(out,) int64: the gate numbers of the discrete layer."""
        return self.weights.detach().argmax(-1)

    def wires(self) -> torch.Tensor:
        """(out, 2) int64: the inputs (a, b) of each gate in the discrete layer."""
        return self.wiring.chosen().detach()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.training:
            from lutopt.nn.wiring_kernels import GateLayerTrain

            coef = torch.softmax(self.weights, -1) @ self.coeffs
            w = self.wiring
            if w.mode == "learned":
                c, q = w.candidate_indices, torch.softmax(w.logits, -1)
            else:
                c, q = w.indices.unsqueeze(-1), torch.ones(self.out_features, 2, 1)
            return GateLayerTrain.apply(x, c, q, coef)
        a, b = self.wiring(x)
        if self.eval_form == "index":
            c = self.coeffs[self.weights.argmax(-1)]
        else:
            c = F.one_hot(self.weights.argmax(-1), 16).to(x.dtype) @ self.coeffs
        return c[:, 0] + c[:, 1] * a + c[:, 2] * b + c[:, 3] * (a * b)


class GroupSum(nn.Module):
    """(B, k*n) -> (B, k): the sum of each of `k` consecutive groups of n values, / `tau`."""

    def __init__(self, k: int, tau: float = 1.0):
        super().__init__()
        if k < 1 or tau <= 0:
            raise ValueError("GroupSum needs k >= 1 and tau > 0")
        self.k, self.tau = int(k), float(tau)

    def extra_repr(self) -> str:
        return f"k={self.k}, tau={self.tau}"

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[-1] % self.k:
            raise ValueError(f"GroupSum: {x.shape[-1]} values do not split into {self.k} groups")
        s = x.reshape(*x.shape[:-1], self.k, x.shape[-1] // self.k).sum(-1)
        return s / self.tau if self.tau != 1.0 else s


class Thermometer(nn.Module):
    """Threshold binarisation: (B, F) -> (B, F*T), feature f's bit t being x[f] > t_t.

    `thresholds` is (T,) (shared by every feature) or (F, T); they are sorted per feature, so
    the number of ones of a feature is the code DESIGN.md gives the port (0..T). Use
    `Thermometer.uniform(T, lo, hi)` for T evenly spaced thresholds strictly inside (lo, hi).
    """

    def __init__(self, thresholds):
        super().__init__()
        t = torch.as_tensor(np.asarray(thresholds, dtype=np.float32))
        if t.dim() not in (1, 2) or t.shape[-1] < 1:
            raise ValueError("thresholds must be (T,) or (features, T) with T >= 1")
        self.register_buffer("thresholds", torch.sort(t, -1).values)

    @classmethod
    def uniform(cls, count: int, lo: float = 0.0, hi: float = 1.0) -> "Thermometer":
        return cls([lo + (hi - lo) * (i + 1) / (count + 1) for i in range(count)])

    @property
    def count(self) -> int:
        return int(self.thresholds.shape[-1])

    def extra_repr(self) -> str:
        return f"thresholds={tuple(self.thresholds.shape)}"

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = (x.unsqueeze(-1) > self.thresholds).to(torch.float32)
        return y.reshape(*x.shape[:-1], x.shape[-1] * self.count)


class LUTLayer(nn.Module):
    """`out_features` K-input tables with trainable entries (LUTNet / DWN style).

    train(): multilinear interpolation of the tables `sigmoid(theta)` at the inputs in [0, 1]
    (see the module docstring). eval(): `(theta > 0)[node, address]` with the address the
    node's K input bits, input 0 the most significant. Wiring as `LogicLayer` (`arity` = K).
    """

    def __init__(self, in_features: int, out_features: int, k: int = 6, *,
                 connections: str = "unique", candidates: int = 8, seed: int = 0,
                 indices=None, candidate_indices=None, tables=None):
        super().__init__()
        if not 1 <= k <= 12:
            raise ValueError(f"k must be in 1..12, got {k}")
        self.in_features, self.out_features, self.k = in_features, out_features, k
        self.wiring = _Wiring(in_features, out_features, k, connections, candidates, seed,
                              indices, candidate_indices)
        if tables is not None:
            t = torch.as_tensor(np.asarray(tables), dtype=torch.float32)
            if t.shape != (out_features, 1 << k):
                raise ValueError(f"tables must have shape ({out_features}, {1 << k})")
            theta = torch.where(t > 0.5, 4.0, -4.0)
        else:
            gen = torch.Generator().manual_seed(seed + 1299709)
            theta = 0.5 * torch.randn(out_features, 1 << k, generator=gen)
        self.theta = nn.Parameter(theta)
        self.register_buffer("place", 2 ** torch.arange(k - 1, -1, -1, dtype=torch.float32))

    @property
    def connections(self) -> str:
        return self.wiring.mode

    def extra_repr(self) -> str:
        return f"in={self.in_features}, out={self.out_features}, k={self.k}, connections={self.connections}"

    def tables(self) -> torch.Tensor:
        """(out, 2^k) int64 0/1 entries of the discrete layer."""
        return (self.theta.detach() > 0).to(torch.int64)

    def wires(self) -> torch.Tensor:
        """(out, k) int64: the inputs of each table, input 0 the address's MSB."""
        return self.wiring.chosen().detach()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        ins = self.wiring(x)
        if self.training:
            t = torch.sigmoid(self.theta).expand(x.shape[0], -1, -1)
            for v in ins:  # fold the MSB first: t[lo half] * (1 - v) + t[hi half] * v
                half = t.shape[-1] // 2
                lo, hi = t[..., :half], t[..., half:]
                t = lo + (hi - lo) * v.unsqueeze(-1)
            return t.squeeze(-1)
        addr = (torch.stack(ins, -1) * self.place).sum(-1).to(torch.int64)
        table = (self.theta > 0).to(x.dtype)
        return torch.gather(table.expand(x.shape[0], -1, -1), 2, addr.unsqueeze(-1)).squeeze(-1)


def count_gates(model: nn.Module) -> int:
    """The number of two-input gates in a model's `LogicLayer`s."""
    return sum(m.out_features for m in model.modules() if isinstance(m, LogicLayer))


def build_logic_model(in_features: int, widths, classes: int, *, thresholds=None,
                      kind: str = "logic", k: int = 6, connections: str = "learned",
                      candidates: int = 8, tau: float = 10.0, seed: int = 0,
                      gate_init: str = "residual") -> nn.Sequential:
    """Thermometer (when `thresholds` is given) -> `LogicLayer`s (kind "logic") or
    `LUTLayer`s (kind "lut", `k` inputs) of the given widths -> GroupSum(classes, tau)."""
    mods: list[nn.Module] = []
    prev = in_features
    if thresholds is not None:
        mods.append(Thermometer(thresholds))
        prev = in_features * mods[0].count
    for i, w in enumerate(widths):
        if kind == "logic":
            mods.append(LogicLayer(prev, w, connections=connections, candidates=candidates,
                                   seed=seed + i, gate_init=gate_init))
        elif kind == "lut":
            mods.append(LUTLayer(prev, w, k, connections=connections, candidates=candidates,
                                 seed=seed + i))
        else:
            raise ValueError(f"kind must be 'logic' or 'lut', got {kind!r}")
        prev = w
    mods.append(GroupSum(classes, tau))
    return nn.Sequential(*mods)


def discrete_state(model: nn.Sequential) -> dict[str, np.ndarray]:
    """The discretised network as arrays (what `from_discrete_state` rebuilds): thresholds,
    and per layer i `layer{i}_wires` with `layer{i}_gates` (LogicLayer) or `layer{i}_tables`
    (LUTLayer); `groups` and `tau` of the GroupSum."""
    out: dict[str, np.ndarray] = {}
    i = 0
    for m in model:
        if isinstance(m, Thermometer):
            out["thresholds"] = m.thresholds.numpy().astype(np.float32)
        elif isinstance(m, LogicLayer):
            out[f"layer{i}_wires"] = m.wires().numpy().astype(np.int32)
            out[f"layer{i}_gates"] = m.gates().numpy().astype(np.int8)
            i += 1
        elif isinstance(m, LUTLayer):
            out[f"layer{i}_wires"] = m.wires().numpy().astype(np.int32)
            out[f"layer{i}_tables"] = np.packbits(m.tables().numpy().astype(np.uint8), axis=1)
            out[f"layer{i}_k"] = np.array(m.k)
            i += 1
        elif isinstance(m, GroupSum):
            out["groups"] = np.array(m.k)
            out["tau"] = np.array(m.tau, dtype=np.float64)
    out["in_features"] = np.array(_in_features(model))
    return out


def _in_features(model: nn.Sequential) -> int:
    first = model[0]
    if isinstance(first, Thermometer):
        return int(model[1].in_features) // first.count
    return int(first.in_features)


def from_discrete_state(state) -> nn.Sequential:
    """The evaluation-mode model of a `discrete_state` (fixed wiring, one-hot gate logits or
    +-4 table logits): computes exactly the discretised network."""
    mods: list[nn.Module] = []
    if "thresholds" in state:
        mods.append(Thermometer(np.asarray(state["thresholds"])))
    prev = int(state["in_features"]) * (mods[0].count if mods else 1)
    i = 0
    while f"layer{i}_wires" in state:
        wires = np.asarray(state[f"layer{i}_wires"], dtype=np.int64)
        if f"layer{i}_gates" in state:
            mods.append(LogicLayer(prev, wires.shape[0], connections="fixed", indices=wires,
                                   gates=np.asarray(state[f"layer{i}_gates"], dtype=np.int64)))
        else:
            k = int(state[f"layer{i}_k"])
            bits = np.unpackbits(np.asarray(state[f"layer{i}_tables"], dtype=np.uint8), axis=1)
            mods.append(LUTLayer(prev, wires.shape[0], k, connections="fixed", indices=wires,
                                 tables=bits[:, :1 << k]))
        prev = wires.shape[0]
        i += 1
    mods.append(GroupSum(int(state["groups"]), float(state["tau"])))
    return nn.Sequential(*mods).eval()
