"""Whether long work reports its progress on stderr: the one reader of `LUTOPT_PROGRESS`.

Long-running steps (absorbing tables of 4M+ entries in `nn-absorb-partitions`, mapping a
netlist of 20,000+ gates in `gate-map-luts`, covering tables of 4,096+ entries in
`lut-decompose`) print a status line on stderr when `progress_wanted()` says so; each step
keeps its own size threshold, below which it prints nothing. `LUTOPT_PROGRESS`:

- `1`: report, also when stderr is not a terminal (in a log: the summary lines only, no
  live status line);
- `0`: never report;
- unset (or any other value): report when stderr is a terminal.

Whether a status line may be rewritten in place (`\\r`) is `sys.stderr.isatty()`, apart.
"""

from __future__ import annotations

import os
import sys

ENV_VAR = "LUTOPT_PROGRESS"


def progress_wanted() -> bool:
    """Whether long work should report progress on stderr (see the module docstring)."""
    setting = os.environ.get(ENV_VAR)
    if setting == "1":
        return True
    if setting == "0":
        return False
    return sys.stderr.isatty()
