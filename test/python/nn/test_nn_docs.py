"""The examples of docs/nn-python.md run: its `python` blocks execute in order in one
namespace (each ends in assertions on what the page says), and the page names every public
name of `lutopt.nn`."""

from __future__ import annotations

import re

import pytest
from repo_paths import REPO

DOC = REPO / "docs" / "nn-python.md"


def blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", DOC.read_text(), flags=re.S)


def test_the_page_has_examples() -> None:
    assert len(blocks("python")) >= 4


def test_the_page_names_every_public_name() -> None:
    import lutopt.nn

    text = DOC.read_text()
    missing = [n for n in lutopt.nn.__all__ if n not in text]
    assert not missing, f"docs/nn-python.md does not mention {missing}"


def test_python_examples_run() -> None:
    pytest.importorskip("torch", reason="torch is not installed (pip install 'lutopt[torch]')")
    namespace: dict = {}
    for code in blocks("python"):
        exec(compile(code, str(DOC), "exec"), namespace)
