"""The house by role: every pass can be found from its name in three places, and the
tests mirror the package.

For each pass lutopt registers (python/lutopt/universe.py): its class is named after the
pass and lives in a file named after it, under the folder of its role; a lit test file
named after it exists in the test folder of that role (lowering/conversion/ ->
test/Conversion/, lowering/transforms/<level>/ -> test/Transforms/<level>/,
lowering/pipelines/ -> test/Pipelines/, the Verilog target -> test/Target/verilog/); and
the README or a page in docs/ has an entry for it. The pytest files live in subfolders
of test/python/ named after package areas, and share code through test/python/support/,
not by importing each other.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

from lutopt.universe import PASSES

REPO = Path(__file__).resolve().parents[2]

# Where each role keeps its passes, and where their lit tests are (relative to the repository).
ROLE_FOLDERS = {
    "lowering/conversion": "test/Conversion",
    "lowering/transforms/gate": "test/Transforms/gate",
    "lowering/transforms/lut": "test/Transforms/lut",
    "lowering/transforms/nn": "test/Transforms/nn",
    "lowering/transforms/rtl": "test/Transforms/rtl",
    "lowering/pipelines": "test/Pipelines",
    "python/lutopt/target/verilog": "test/Target/verilog",
}

# The package areas test/python/ mirrors (a subfolder each), the fuzzers, and the shared helpers.
PYTEST_FOLDERS = {
    "analysis", "api", "dialects", "interpreters", "ir", "logic", "lowering", "nn", "sim",
    "target", "tools", "fuzz", "support",
}
# Tests of the repository itself rather than of one package area stay at the top.
PYTEST_TOP = {"test_house.py", "test_skips.py"}


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


def _lit_folder(name: str) -> Path:
    path = Path(inspect.getfile(_pass_class(name))).resolve().relative_to(REPO)
    return REPO / ROLE_FOLDERS[str(path.parent)]


@pytest.mark.parametrize("name", sorted(PASSES))
def test_pass_has_a_lit_test_named_after_it(name):
    folder = _lit_folder(name)
    found = [p for p in folder.rglob(f"{name}*.mlir") if "Inputs" not in p.parts]
    assert found, f"no lit test {folder.relative_to(REPO)}/**/{name}.mlir"
    assert any(f"-p {name}" in p.read_text() or f"{name}{{" in p.read_text() or
               f"-p '{name}" in p.read_text() or f",{name}" in p.read_text() for p in found), \
        f"the lit tests named after {name} do not run it"


@pytest.mark.parametrize("name", sorted(PASSES))
def test_pass_has_a_docs_entry(name):
    pages = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    entry = f"`{name}"
    assert any(entry in p.read_text() for p in pages), f"no README/docs entry for `{name}`"


def test_pytest_files_mirror_the_package():
    tests = REPO / "test" / "python"
    top = {p.name for p in tests.glob("test_*.py")}
    assert top <= PYTEST_TOP, f"move {sorted(top - PYTEST_TOP)} into the subfolder of the area it tests"
    folders = {p.name for p in tests.iterdir() if p.is_dir() and not p.name.startswith((".", "__"))}
    assert folders <= PYTEST_FOLDERS, f"test/python/{sorted(folders - PYTEST_FOLDERS)} mirrors no package area"
    packages = sorted(p.parent.name for p in tests.rglob("__init__.py") if p.parent.name != "fuzz")
    assert not packages, f"no __init__.py in test/python/ subfolders (importlib mode): {packages}"


def test_pytest_files_do_not_import_each_other():
    importing = []
    for path in sorted((REPO / "test" / "python").rglob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("test_"):
                importing.append(f"{path.relative_to(REPO)} imports {node.module}")
            elif isinstance(node, ast.Import) and any(a.name.startswith("test_") for a in node.names):
                importing.append(f"{path.relative_to(REPO)} imports a test module")
    assert not importing, "share code through test/python/support/: " + "; ".join(importing)

