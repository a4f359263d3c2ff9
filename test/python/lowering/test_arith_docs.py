"""The examples of docs/arithmetic.md run: each `mlir` block compiles with
`lower-to-rtl{lut-size=6}` under the pass-by-pass check (and with multiplier=mitch-w6),
and the `python` blocks execute."""

from __future__ import annotations

import re

import pytest
from lutopt.api import parse_module, run_passes
from repo_paths import REPO

DOC = REPO / "docs" / "arithmetic.md"


def blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", DOC.read_text(), flags=re.S)


def test_the_page_has_examples() -> None:
    assert len(blocks("mlir")) >= 2 and blocks("python")


@pytest.mark.parametrize("index", range(2))
@pytest.mark.parametrize("multiplier", ["exact", "mitch-w6"])
def test_mlir_examples_compile_under_the_check(index: int, multiplier: str) -> None:
    module = parse_module(blocks("mlir")[index])
    run_passes(module, f"lower-to-rtl{{lut-size=6 multiplier={multiplier}}}", check=True)
    assert any(op.name == "hw.module" for op in module.walk())
    assert not any(op.name.startswith("arith.") and op.name != "arith.constant" for op in module.walk())


def test_python_examples_run() -> None:
    pytest.importorskip("torch", reason="torch is not installed (pip install 'lutopt[torch]')")
    for code in blocks("python"):
        exec(compile(code, str(DOC), "exec"), {})
