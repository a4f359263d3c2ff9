"""AIG rewriting, resubstitution and refactoring of gate netlists, done by aigverse (the
Python binding of EPFL's mockturtle).

The netlist goes to an `Aig` and back through `lutopt.logic.aigverse_io` (in C++, no
per-gate Python code); in between runs one of mockturtle's algorithms:

- `rewrite`: cut rewriting. Every node's 4-input cuts are classified into NPN classes and
  replaced by the smallest precomputed AIG of the class when that saves ANDs (the idea of
  ABC's `rewrite`).
- `resubstitute`: each node is re-expressed with up to `max_inserts` new ANDs over nodes
  that already exist in its window (`max_pis` leaves), when that frees its cone (ABC's
  `resub`).
- `refactor`: the function of a node's window of up to `max_pis` leaves is collapsed into
  a sum of products, factored, and rebuilt when that is smaller (ABC's `refactor`).
- `optimize`: a script of those steps (and lutopt's own `balance`), in the spirit of
  ABC's `resyn2`; see `SCRIPT_STEPS` and `DEFAULT_SCRIPT`.

The results are AIGs: every gate of the returned netlist is an AND with complemented
fanins or result (functions 1, 2, 4, 8), except that three ANDs that form an XOR come
back as one XOR/XNOR gate (`aigverse_io.recover_xors`: the mapper then sees the netlist
as small as it was, which keeps its time and LUT count on XOR-rich netlists), and a final
`b` step balances that netlist at the gate level (its ANDs may become ORs); dead gates
are removed, inputs and outputs keep their order and names. mockturtle's SOP balancing (aigverse's
`balancing`) is not used: in aigverse 0.1.7 it returns non-equivalent networks on some
small random netlists (its own `equivalence_checking` says so).

Every function takes a params object (knobs and defaults as in aigverse) and an optional
stats object that collects AND counts, AIG depths and times.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

from lutopt.diagnostics import LutoptError
from lutopt.logic.aigverse_io import aig_to_netlist, aigverse_module, netlist_to_aig
from lutopt.logic.netlist import GateNetlist
from lutopt.logic.simplify import remove_dead_gates


@dataclass(frozen=True)
class RewriteParams:
    """Knobs of `rewrite` (mockturtle's `cut_rewriting` with its NPN database)."""

    cut_size: int = 4
    """Leaves per cut (the database holds optimal AIGs of 4-input functions: at most 4)."""
    cut_limit: int = 8
    """Cuts kept per node."""
    allow_zero_gain: bool = False
    """Also replace when the AND count stays the same (restructures for later steps)."""
    preserve_depth: bool = False
    """Refuse replacements that make the AIG deeper."""
    use_dont_cares: bool = False
    """Use satisfiability don't-cares of the cut."""

    def check(self) -> str | None:
        if not 2 <= self.cut_size <= 4:
            return f"cut-size must be between 2 and 4, got {self.cut_size}"
        if not 1 <= self.cut_limit <= 64:
            return f"cut-limit must be between 1 and 64, got {self.cut_limit}"
        return None


@dataclass(frozen=True)
class ResubParams:
    """Knobs of `resubstitute` (mockturtle's `aig_resubstitution`)."""

    max_pis: int = 8
    """Leaves of a node's window."""
    max_divisors: int = 150
    """Existing nodes considered as divisors per window."""
    max_inserts: int = 2
    """New ANDs a replacement may add (0: only an existing node or its complement)."""
    preserve_depth: bool = False
    """Refuse replacements that make the AIG deeper."""
    use_dont_cares: bool = False
    """Use don't-cares computed in a window of `window_size` leaves."""
    window_size: int = 12

    def check(self) -> str | None:
        if not 2 <= self.max_pis <= 16:
            return f"max-pis must be between 2 and 16, got {self.max_pis}"
        if self.max_divisors < 1 or self.max_inserts < 0:
            return "max-divisors must be positive and max-inserts not negative"
        return None


@dataclass(frozen=True)
class RefactorParams:
    """Knobs of `refactor` (mockturtle's `refactoring` with SOP factoring)."""

    max_pis: int = 6
    """Leaves of a node's window (its function is collapsed into a truth table)."""
    allow_zero_gain: bool = False
    use_dont_cares: bool = False

    def check(self) -> str | None:
        if not 2 <= self.max_pis <= 12:
            return f"max-pis must be between 2 and 12, got {self.max_pis}"
        return None


@dataclass
class AigStep:
    """One step of an optimisation: its name, the AND count and AIG depth after it, and
    the wall time (conversions included)."""

    name: str
    ands: int
    depth: int
    seconds: float


@dataclass
class AigOptStats:
    ands_before: int = 0
    ands_after: int = 0
    gates_after: int = 0
    """Gates of the returned netlist (ANDs, with three ANDs per recovered XOR counted once)."""
    depth_before: int = 0
    depth_after: int = 0
    seconds: float = 0.0
    steps: list[AigStep] = field(default_factory=list)
    probe: AigStep | None = None
    """The probe step (on a copy), when `probe_gain` was given."""
    stopped_early: bool = False
    """The probe gained less than `probe_gain`: the script was skipped (but a closing `b`)."""

    def report(self) -> str:
        head = (
            f"aig: ANDs {self.ands_before} -> {self.ands_after} ({self.gates_after} gates with XORs), "
            f"depth {self.depth_before} -> {self.depth_after}, {self.seconds:.3f} s"
            + (" (script skipped after the probe)" if self.stopped_early else "")
        )
        lines = [head]
        if self.probe is not None:
            p = self.probe
            lines.append(f"  {p.name:<6} {p.ands:>8} ANDs  depth {p.depth:>5}  {p.seconds:7.3f} s (on a copy)")
        lines += [f"  {s.name:<6} {s.ands:>8} ANDs  depth {s.depth:>5}  {s.seconds:7.3f} s" for s in self.steps]
        return "\n".join(lines)


def aig_depth(aig: Any) -> int:
    """Levels of ANDs on the longest path of an aigverse `Aig`."""
    networks = aigverse_module("measuring AIG depth").networks
    return int(networks.DepthAig(aig).num_levels)


# ------------------------------------------------------------------------------ steps


# step kind -> (the aigverse algorithm, the pass named in a missing-aigverse error); the
# params objects' fields are the algorithm's keyword arguments
_ALGORITHMS = {
    "rewrite": ("aig_cut_rewriting", "gate-rewrite"),
    "resub": ("aig_resubstitution", "gate-resub"),
    "refactor": ("sop_refactoring", "gate-refactor"),
}


def _run_step(kind: str, aig: Any, p: RewriteParams | ResubParams | RefactorParams) -> Any:
    """One aigverse algorithm on `aig` with the knobs of `p`."""
    name, what = _ALGORITHMS[kind]
    algorithms = aigverse_module(what).algorithms
    return getattr(algorithms, name)(aig, **asdict(p))


def _balance_aig(aig: Any, names: tuple[list[str] | None, list[str] | None]) -> Any:
    """lutopt's own `balance` (gate level) on an AIG, through the conversions, with the
    XORs recovered so that XOR chains balance too (on the 256k random netlist this maps
    to 0.6% fewer LUTs than balancing the plain AIG). Expanded again, an XOR need not
    share its ANDs with the logic around it as before, so the AND count can grow; the
    rewriting steps after it take that back, and a final `b` is not expanded again."""
    from lutopt.logic.balance import balance

    return netlist_to_aig(balance(aig_to_netlist(aig, *names)))


# Script steps: name -> (kind, params). "b" is lutopt's balance.
SCRIPT_STEPS: dict[str, tuple[str, Any]] = {
    "rw": ("rewrite", RewriteParams()),
    "rwz": ("rewrite", RewriteParams(allow_zero_gain=True)),
    "rwd": ("rewrite", RewriteParams(preserve_depth=True)),
    "rs": ("resub", ResubParams()),
    "rsd": ("resub", ResubParams(preserve_depth=True)),
    "rs6": ("resub", ResubParams(max_pis=6, max_inserts=1)),
    "rf": ("refactor", RefactorParams()),
    "rfz": ("refactor", RefactorParams(allow_zero_gain=True)),
    "b": ("balance", None),
}
DEFAULT_SCRIPT = "rw; rs; rf; rwz; rs; rw; b"
"""The script `optimize` runs by default (chosen on the EPFL suite, see bench/aig_rewrite.py)."""
PROBE_STEP = "rs"
"""The probe of `optimize(..., probe_gain=F)`: resubstitution, the cheapest step, which also
finds the redundancy of circuits that cut rewriting does not shrink (adder: 12% of the
ANDs by `rs`, none by `rw`)."""


def parse_script(script: str) -> list[str]:
    """The step names of a script such as "rw; rs; rf" (separators: `;`, `,` or spaces)."""
    steps = [s for s in script.replace(";", " ").replace(",", " ").split() if s]
    unknown = [s for s in steps if s not in SCRIPT_STEPS]
    if unknown:
        raise LutoptError(
            f"unknown AIG optimisation step '{unknown[0]}' (known: {', '.join(SCRIPT_STEPS)})"
        )
    return steps


def optimize(
    net: GateNetlist,
    script: str | list[tuple[str, Any]] = DEFAULT_SCRIPT,
    stats: AigOptStats | None = None,
    probe_gain: float = 0.0,
) -> GateNetlist:
    """The netlist after the AIG optimisation steps of `script`: a string of step names
    (`SCRIPT_STEPS`) or a list of (kind, params) with kind "rewrite", "resub",
    "refactor" or "balance".

    With `probe_gain` > 0 a probe decides first whether the script is worth running:
    one `PROBE_STEP` step on a copy of the AIG. When it removes fewer than that fraction
    of the ANDs, the script is skipped (`stats.stopped_early`) except a closing `b`, and
    `net` is returned otherwise unchanged; else the script runs on `net` as usual.
    Netlists that rewriting cannot shrink (random difflogic-like networks: 0.1% on 256k
    gates) then cost one cheap step instead of the whole script."""
    if isinstance(script, str):
        steps = [(name, *SCRIPT_STEPS[name]) for name in parse_script(script)]
    else:
        steps = [(kind, kind, p) for kind, p in script]
    for _name, _kind, p in steps:
        problem = p.check() if p is not None else None
        if problem:
            raise LutoptError(problem)
    aigverse_module("AIG optimisation")
    st = stats if stats is not None else AigOptStats()
    start = time.perf_counter()
    names = (net.input_names, net.output_names)
    aig = netlist_to_aig(net)
    st.ands_before = int(aig.num_gates)
    st.depth_before = aig_depth(aig)
    skipped = False
    if probe_gain > 0 and steps:
        t = time.perf_counter()
        kind, p = SCRIPT_STEPS[PROBE_STEP]
        probed = _run_step(kind, aig.clone(), p)
        st.probe = AigStep(f"probe:{PROBE_STEP}", int(probed.num_gates), aig_depth(probed), time.perf_counter() - t)
        if st.ands_before - int(probed.num_gates) < probe_gain * st.ands_before:
            # the script is skipped, but its closing balance still runs (lutopt's own: cheap,
            # never adds gates or levels, and it is what shortens circuits such as max)
            st.stopped_early = skipped = True
            steps = steps[-1:] if steps[-1][1] == "balance" else []
    out: GateNetlist | None = net if skipped and not steps else None
    for i, (name, kind, p) in enumerate(steps):
        t = time.perf_counter()
        if kind == "balance" and i == len(steps) - 1:
            # a final balance stays at the gate level (XORs recovered, never more gates);
            # after a skipped script it balances `net` itself
            from lutopt.logic.balance import balance

            out = remove_dead_gates(balance(net if skipped else aig_to_netlist(aig, *names)))
            depth = aig_depth(netlist_to_aig(out))
            st.steps.append(AigStep(name, int(aig.num_gates), depth, time.perf_counter() - t))
            break
        if kind in _ALGORITHMS:
            aig = _run_step(kind, aig, p)
        elif kind == "balance":
            aig = _balance_aig(aig, names)
        else:
            raise LutoptError(f"unknown AIG optimisation step kind '{kind}'")
        st.steps.append(AigStep(name, int(aig.num_gates), aig_depth(aig), time.perf_counter() - t))
    if out is None:
        out = remove_dead_gates(aig_to_netlist(aig, *names))
    st.ands_after = int(aig.num_gates)
    st.gates_after = out.num_gates
    st.depth_after = st.steps[-1].depth if st.steps else st.depth_before
    st.seconds = time.perf_counter() - start
    return out


def rewrite(net: GateNetlist, params: RewriteParams | None = None, stats: AigOptStats | None = None) -> GateNetlist:
    """Cut rewriting (see the module docstring)."""
    return optimize(net, [("rewrite", params or RewriteParams())], stats)


def resubstitute(net: GateNetlist, params: ResubParams | None = None, stats: AigOptStats | None = None) -> GateNetlist:
    """AIG resubstitution (see the module docstring)."""
    return optimize(net, [("resub", params or ResubParams())], stats)


def refactor(net: GateNetlist, params: RefactorParams | None = None, stats: AigOptStats | None = None) -> GateNetlist:
    """SOP refactoring (see the module docstring)."""
    return optimize(net, [("refactor", params or RefactorParams())], stats)


__all__ = [
    "DEFAULT_SCRIPT",
    "SCRIPT_STEPS",
    "AigOptStats",
    "RefactorParams",
    "ResubParams",
    "RewriteParams",
    "optimize",
    "refactor",
    "resubstitute",
    "rewrite",
]
