"""Where the pytest files find the repository, the shared lit inputs and the benchmarks,
wherever under test/python/ they live (instead of `Path(__file__).parents[N]`)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
"""The repository (this file is test/python/support/repo_paths.py)."""

INPUTS = REPO / "test" / "Inputs"
"""Inputs shared by the lit tests (lit's `%inputs`) and the pytest files."""

BENCHMARKS = REPO.parent / "shared" / "benchmarks"
"""The benchmark circuits and tables next to the repository (EPFL, LogicNets neurons)."""
