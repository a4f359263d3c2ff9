"""How much the differential and mutation fuzzers run.

The default test run uses a small, fixed (derandomized) set of cases per fuzzer, so CI
is repeatable and quick. A long run sets `LUTOPT_FUZZ_EXAMPLES` (cases per fuzzer, new
random cases each run) and optionally `LUTOPT_FUZZ_SECONDS` (each fuzzer stops drawing new
cases after this long); `bench/fuzz.py` does that for you and prints the counts.

A fuzzer declares its default case count under `@given`:

    @given(...)
    @fuzz_settings(default_examples=25)
    def test_something(...): ...

Hypothesis shrinks a failing case and prints it, so a failure names a minimal reproducer.
The time limit never cuts a shrink short: once a case of a fuzzer has failed, every later
case of it runs (hypothesis is then re-running variants of the failure).
"""

from __future__ import annotations

import functools
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


class TimeBudget:
    """A fuzzer's time limit in a long run (`LUTOPT_FUZZ_SECONDS`; never in the default run).

    `exhausted()` becomes true once the limit has passed since the budget was made, unless
    a case has failed since (`failed()` was called): then hypothesis is shrinking, and
    every case must run for the shrunk reproducer to be found and printed."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        limit = os.environ.get("LUTOPT_FUZZ_SECONDS")
        self.limit = float(limit) if limit else None
        self._failed = False

    def failed(self) -> None:
        self._failed = True

    def exhausted(self) -> bool:
        return (self.limit is not None and not self._failed
                and time.monotonic() - self.start > self.limit)


def _is_control_flow(e: BaseException) -> bool:
    """Hypothesis' own exceptions (a rejected `assume`, the end of a case) are not failures."""
    return type(e).__module__.startswith("hypothesis")


class BudgetSpent(KeyboardInterrupt):
    """Raised into hypothesis when a fuzzer's time is up; conftest.py's `pytest_pyfunc_call`
    turns it into a pass. A KeyboardInterrupt, because that is the one exception hypothesis
    takes as a non-deterministic stop: it neither shrinks it nor draws more cases, and it
    does not record the cut-short case. Any other exception is recorded, and a case that
    stops before its first draw (the budget is checked there) contradicts the earlier
    cases that drew on: hypothesis then fails with FlakyStrategyDefinition."""


def _budgeted(test):
    """Runs `test` until its time budget is exhausted, then ends the fuzzer (BudgetSpent):
    drawing thousands of remaining cases only to pass them costs hours on a loaded machine."""
    budget: list[TimeBudget] = []

    @functools.wraps(test)
    def run(*args, **kwargs):
        if not budget:
            budget.append(TimeBudget())  # the clock starts at a fuzzer's first case
        if budget[0].exhausted():
            raise BudgetSpent()
        try:
            return test(*args, **kwargs)
        except BaseException as e:
            if not _is_control_flow(e):
                budget[0].failed()
            raise

    return run


def fuzz_settings(default_examples: int):
    """Hypothesis settings for one fuzzer (put it under `@given`): `default_examples`
    fixed cases by default, or `LUTOPT_FUZZ_EXAMPLES` random ones in a long run, each
    fuzzer stopping after `LUTOPT_FUZZ_SECONDS` (see `TimeBudget`)."""
    if long_run():
        chosen = settings(
            max_examples=int(os.environ["LUTOPT_FUZZ_EXAMPLES"]),
            deadline=None,
            derandomize=False,
            database=None,
            suppress_health_check=_SUPPRESS,
            phases=[Phase.generate, Phase.shrink],
            print_blob=True,
        )
    else:
        chosen = settings(
            max_examples=default_examples,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=_SUPPRESS,
            print_blob=True,
        )

    def apply(test):
        return chosen(_budgeted(test))

    return apply
