"""`LUTOPT_PROGRESS` has one reader (`lutopt.progress.progress_wanted`) and one meaning for
every long step: 1 reports (also in a log), 0 never does, unset follows whether stderr is a
terminal; each step's own size threshold still applies."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from lutopt import progress
from lutopt.progress import progress_wanted
from repo_paths import INPUTS, REPO

INPUT = INPUTS / "masked-linear.torch.mlir"


class _Stderr(io.StringIO):
    def __init__(self, tty: bool):
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(
    ("setting", "tty", "wanted"),
    [("1", False, True), ("1", True, True), ("0", True, False), ("0", False, False),
     (None, True, True), (None, False, False), ("yes", True, True), ("yes", False, False)],
)
def test_progress_wanted(monkeypatch, setting, tty, wanted):
    if setting is None:
        monkeypatch.delenv("LUTOPT_PROGRESS", raising=False)
    else:
        monkeypatch.setenv("LUTOPT_PROGRESS", setting)
    monkeypatch.setattr(progress.sys, "stderr", _Stderr(tty))
    assert progress_wanted() is wanted


def _absorb_stderr(monkeypatch, setting: str, tty: bool, threshold: int | None) -> str:
    """What nn-absorb-partitions writes on stderr for the masked-linear model (4 partitions
    of 4,096 entries in all), with the given LUTOPT_PROGRESS, terminal and threshold."""
    from lutopt.analysis import nn_enumerate
    from lutopt.api import parse_module, run_passes

    m = parse_module(INPUT.read_text(), str(INPUT))
    run_passes(m, "nn-fold-constants,nn-raise-quantizers,nn-partition")
    monkeypatch.setenv("LUTOPT_PROGRESS", setting)
    if threshold is not None:
        monkeypatch.setattr(nn_enumerate, "PROGRESS_ENTRIES", threshold)
    err = _Stderr(tty)
    monkeypatch.setattr(progress.sys, "stderr", err)
    monkeypatch.setattr(nn_enumerate.sys, "stderr", err)
    run_passes(m, "nn-absorb-partitions")
    return err.getvalue()


def test_absorb_progress_bar_follows_the_one_meaning(monkeypatch):
    # Below the threshold: nothing, even with LUTOPT_PROGRESS=1 (as the mapper and lut-decompose).
    assert _absorb_stderr(monkeypatch, "1", False, None) == ""
    # Above it: the bar with LUTOPT_PROGRESS=1, none with LUTOPT_PROGRESS=0 even on a terminal.
    assert "nn-absorb-partitions [" in _absorb_stderr(monkeypatch, "1", False, 1)
    assert _absorb_stderr(monkeypatch, "0", True, 1) == ""
    assert "nn-absorb-partitions [" in _absorb_stderr(monkeypatch, "2", True, 1)


def test_no_module_reads_the_variable_itself():
    """Other modules ask `progress_wanted()`; none reads the variable or a private helper."""
    repo = REPO
    direct = re.compile(r"""environ(\.get\(|\[)\s*["']LUTOPT_PROGRESS""")
    readers = []
    for folder in ("python", "lowering", "dialects", "tools"):
        for path in (repo / folder).rglob("*.py"):
            text = path.read_text()
            if direct.search(text) or "_show_progress" in text:
                readers.append(path.relative_to(repo).as_posix())
    assert readers == []
    assert progress.ENV_VAR == "LUTOPT_PROGRESS"
