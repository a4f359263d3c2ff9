"""The house by role: every pass can be found from its name in three places.

For each pass lutopt registers (python/lutopt/universe.py): its class is named after the
pass and lives in a file named after it, under the folder of its role; a lit test file
named after it exists under test/; and the README or a page in docs/ has an entry for it.
"""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import pytest

from lutopt.universe import PASSES

REPO = Path(__file__).resolve().parents[2]

# Where each role keeps its passes (relative to the repository).
ROLE_FOLDERS = (
    "lowering/conversion",
    "lowering/transforms/gate",
    "lowering/transforms/lut",
    "lowering/transforms/nn",
    "lowering/transforms/rtl",
    "lowering/pipelines",
    "python/lutopt/target/verilog",
)


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


def _pass_class(name: str):
    module, cls = PASSES[name].split(":")
    return getattr(importlib.import_module(module), cls)


@pytest.mark.parametrize("name", sorted(PASSES))
def test_pass_file_and_class_are_named_after_the_pass(name):
    cls = _pass_class(name)
    assert cls.name == name
    assert cls.__name__.lower() == _camel(name).lower(), f"class {cls.__name__} for pass {name}"
    path = Path(inspect.getfile(cls)).resolve().relative_to(REPO)
    assert path.stem == name.replace("-", "_"), f"{name} lives in {path}"
    assert str(path.parent) in ROLE_FOLDERS, f"{name} lives in {path.parent}, not a pass folder"


@pytest.mark.parametrize("name", sorted(PASSES))
def test_pass_has_a_lit_test_named_after_it(name):
    found = [p for p in (REPO / "test").rglob(f"{name}*.mlir") if "Inputs" not in p.parts]
    assert found, f"no lit test test/**/{name}.mlir"
    assert any(f"-p {name}" in p.read_text() or f"{name}{{" in p.read_text() or
               f"-p '{name}" in p.read_text() or f",{name}" in p.read_text() for p in found), \
        f"the lit tests named after {name} do not run it"


@pytest.mark.parametrize("name", sorted(PASSES))
def test_pass_has_a_docs_entry(name):
    pages = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    entry = f"`{name}"
    assert any(entry in p.read_text() for p in pages), f"no README/docs entry for `{name}`"
