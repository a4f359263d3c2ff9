"""`lutopt-export` on the user's own model: a state dict with --factory, a whole pickled
model with --trust-pickle (never by default: unpickling runs code), a lutopt-train bundle.
Every failure is one `error:` line, exit status 1, no traceback, no output file."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

torch = pytest.importorskip("torch", reason="torch is not installed (pip install 'lutopt[torch]')")
pytest.importorskip("torch_mlir.fx", reason="torch-mlir is not installed (pip install 'lutopt[torch]')")

from lutopt.nn.export import main  # noqa: E402
from repo_paths import REPO

ROOT = REPO
MODEL_PY = textwrap.dedent(
    """
    import torch
    from lutopt.nn import Quantizer

    class TinyNet(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.q_in = Quantizer(bits=2, scale=0.5)
            self.fc = torch.nn.Linear(4, 2)
            self.q_out = Quantizer(bits=2, scale=0.5)

        def forward(self, x):
            return self.q_out(self.fc(self.q_in(x)))

    def build():
        torch.manual_seed(0)
        return TinyNet()
    """
)


@pytest.fixture
def user_model(tmp_path, monkeypatch):
    """my_model.py, its state dict (sd.pt) and the whole pickled model (whole.pt)."""
    (tmp_path / "my_model.py").write_text(MODEL_PY)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    import my_model

    model = my_model.build()
    torch.save(model.state_dict(), tmp_path / "sd.pt")
    torch.save(model, tmp_path / "whole.pt")
    yield tmp_path
    sys.modules.pop("my_model", None)


def run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_error(code, err, *fragments):
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lutopt-export: error: "), err
    assert "Traceback" not in err
    for f in fragments:
        assert f in lines[0], lines[0]


def test_whole_pickle_needs_trust_flag(user_model):
    # Before: torch.load(weights_only=True) raised UnpicklingError, printed as a traceback.
    out = user_model / "w.mlir"
    proc = subprocess.run(
        [sys.executable, "-m", "lutopt.nn.export", "whole.pt", "-o", str(out)],
        cwd=user_model, capture_output=True, text=True, timeout=120,
    )
    assert_one_error(proc.returncode, proc.stderr, "'whole.pt' is a pickled Python object", "--trust-pickle")
    assert not out.exists()


def test_whole_pickle_with_trust_flag(user_model, capsys):
    code, out, err = run(["whole.pt", "--trust-pickle", "-o", "w.mlir"], capsys)
    assert code == 0, err
    text = (user_model / "w.mlir").read_text()
    assert "func.func @main(%arg0: tensor<1x4xf32>) -> tensor<1x2xf32>" in text


def test_state_dict_with_factory(user_model, capsys):
    code, out, err = run(["sd.pt", "--factory", "my_model.py:build", "-o", "s.mlir", "--func-name", "tiny"], capsys)
    assert code == 0, err
    assert "func.func @tiny(%arg0: tensor<1x4xf32>) -> tensor<1x2xf32>" in (user_model / "s.mlir").read_text()


@pytest.mark.parametrize(
    "args, fragments",
    [
        (["sd.pt"], ["holds only weights", "--factory FILE.py:NAME"]),
        (["sd.pt", "--factory", "my_model.py:nothing"], ["has no function or class 'nothing'"]),
        (["sd.pt", "--factory", "missing.py:build"], ["no such file 'missing.py'"]),
        (["sd.pt", "--factory", "build"], ["--factory expects FILE.py:NAME"]),
        (["whole.pt", "--trust-pickle", "--input-shape", "1,5"], ["fails on an input of shape (1, 5)"]),
        (["whole.pt", "--trust-pickle", "--input-shape", "1,x"], ["--input-shape expects positive integers"]),
        (["nothing.pt"], ["cannot read 'nothing.pt'"]),
        (["my_model.py"], ["not a PyTorch file"]),
    ],
)
def test_failures_are_one_line(user_model, capsys, args, fragments):
    code, out, err = run([*args, "-o", "bad.mlir"], capsys)
    assert_one_error(code, err, *fragments)
    assert not (user_model / "bad.mlir").exists()


def test_factory_shape_mismatch(user_model, capsys):
    (user_model / "other.py").write_text("import torch\ndef build():\n    return torch.nn.Linear(3, 3)\n")
    code, out, err = run(["sd.pt", "--factory", "other.py:build", "-o", "bad.mlir"], capsys)
    assert_one_error(code, err, "does not fit the model of --factory other.py:build")
    assert not (user_model / "bad.mlir").exists()


def test_damaged_bundle_config_is_refused_before_building(tmp_path, capsys):
    blob = torch.load(ROOT / "examples/digits/model.pt", weights_only=True)
    blob["config"]["layers"] = [10**9, 10]
    torch.save(blob, tmp_path / "huge.pt")
    code, out, err = run([tmp_path / "huge.pt", "-o", tmp_path / "bad.mlir"], capsys)
    assert_one_error(code, err, "layers must be integers in 1..65536")
    blob["config"] = {"no_such_field": 1}
    torch.save(blob, tmp_path / "odd.pt")
    code, out, err = run([tmp_path / "odd.pt", "-o", tmp_path / "bad.mlir"], capsys)
    assert_one_error(code, err, "is not a lutopt-train bundle")
    assert not (tmp_path / "bad.mlir").exists()


def test_a_pickle_torch_cannot_read_is_one_error(tmp_path, capsys):
    """A one-bit flip in the bundle's pickle (found by test_fuzz_mutate.py) made torch's
    weights-only unpickler fail an assertion ('saved_id must be a tuple, got int'): an
    internal error before. Any failure inside torch.load is the file's."""
    data = bytearray((ROOT / "examples/digits/model.pt").read_bytes())
    data[1033] ^= 1
    (tmp_path / "flip.pt").write_bytes(bytes(data))
    code, out, err = run([tmp_path / "flip.pt", "-o", tmp_path / "bad.mlir"], capsys)
    assert_one_error(code, err, "cannot load")
    assert "internal error" not in err
    assert not (tmp_path / "bad.mlir").exists()


def test_bundle_still_exports(tmp_path, capsys):
    code, out, err = run([ROOT / "examples/digits", "-o", tmp_path / "d.mlir"], capsys)
    assert code == 0, err
    assert "func.func @main(%arg0: tensor<1x64xf32>)" in (tmp_path / "d.mlir").read_text()
