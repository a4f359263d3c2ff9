"""Fuzzers report how many cases they ran, so a long run's counts can be quoted."""

from __future__ import annotations

import collections

import pytest

from .settings import BudgetSpent

COUNTS: collections.Counter[str] = collections.Counter()


@pytest.fixture
def fuzz_count(request):
    """Call `fuzz_count()` once per case a fuzzer really ran (not per rejected draw)."""
    name = request.node.name

    def bump(n: int = 1) -> None:
        COUNTS[name] += n

    return bump


def pytest_terminal_summary(terminalreporter):
    if COUNTS:
        terminalreporter.write_sep("-", "fuzz cases run")
        for name, n in sorted(COUNTS.items()):
            terminalreporter.write_line(f"{n:8d}  {name}")


@pytest.hookimpl(hookwrapper=True)
def pytest_pyfunc_call(pyfuncitem):
    """A fuzzer whose time budget ran out (BudgetSpent) has passed: every case it ran did."""
    outcome = yield
    excinfo = outcome.excinfo
    if excinfo is not None and issubclass(excinfo[0], BudgetSpent):
        outcome.force_result(True)
