"""How much the differential and mutation fuzzers run.

The default test run uses a small, fixed (derandomized) set of cases per fuzzer, so CI
is repeatable and quick. A long run sets `LUTOPT_FUZZ_EXAMPLES` (cases per fuzzer, new
random cases each run) and optionally `LUTOPT_FUZZ_SECONDS` (stop a fuzzer after this
long); `bench/fuzz.py` does that for you and prints the counts.

A fuzzer declares its default case count:

    @given(...)
    @fuzz_settings(default_examples=25)
    def test_something(...): ...

Hypothesis shrinks a failing case and prints it, so a failure names a minimal reproducer.
"""

from __future__ import annotations

import os
import time

from hypothesis import HealthCheck, Phase, settings

_SUPPRESS = [
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.filter_too_much,
    HealthCheck.function_scoped_fixture,  # `fuzz_count` only counts; no state to reset
]


def long_run() -> bool:
    """True when a long fuzzing run was asked for (`LUTOPT_FUZZ_EXAMPLES` is set)."""
    return bool(os.environ.get("LUTOPT_FUZZ_EXAMPLES"))


def fuzz_settings(default_examples: int):
    """Hypothesis settings for one fuzzer: `default_examples` fixed cases by default,
    or `LUTOPT_FUZZ_EXAMPLES` random ones in a long run."""
    if long_run():
        return settings(
            max_examples=int(os.environ["LUTOPT_FUZZ_EXAMPLES"]),
            deadline=None,
            derandomize=False,
            database=None,
            suppress_health_check=_SUPPRESS,
            phases=[Phase.generate, Phase.shrink],
            print_blob=True,
        )
    return settings(
        max_examples=default_examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=_SUPPRESS,
        print_blob=True,
    )


class TimeBudget:
    """Stops a long run politely: `budget.exhausted()` becomes true after
    `LUTOPT_FUZZ_SECONDS` seconds (never in the default run). Fuzzers call
    `hypothesis.assume(not budget.exhausted())` at the start of each case, so the
    remaining cases are skipped cheaply instead of run."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        limit = os.environ.get("LUTOPT_FUZZ_SECONDS")
        self.limit = float(limit) if limit else None

    def exhausted(self) -> bool:
        return self.limit is not None and time.monotonic() - self.start > self.limit
