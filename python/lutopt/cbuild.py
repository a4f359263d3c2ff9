"""Generated C compiled with the system compiler into shared libraries, cached on disk.

Shared by the compiled bit-parallel evaluator (`lutopt.interpreters._compiled_c`) and the
C kernels of the partition enumeration (`lutopt.analysis._nn_c`). A library is built with
`$CC` (default `cc`, `gcc` or `clang`) and cached in `$LUTOPT_CACHE_DIR` (default
`~/.cache/lutopt/bitsim`) under a hash of the source, the compiler, its flags and its
version (and, for `-march=native`, the host CPU's model and instruction-set flags, so a
cache directory shared by different machines never hands one a library with instructions
it lacks), so each source is compiled once per machine; a process loads it once (`dlopen`).
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from lutopt.diagnostics import LutoptError


def find_compiler() -> str | None:
    """The C compiler command (`$CC` or `cc`/`gcc`/`clang`), or None."""
    cc = os.environ.get("CC")
    if cc:
        return shutil.which(cc)
    for name in ("cc", "gcc", "clang"):
        path = shutil.which(name)
        if path:
            return path
    return None


def cache_dir() -> Path:
    d = os.environ.get("LUTOPT_CACHE_DIR")
    return Path(d) if d else Path.home() / ".cache" / "lutopt" / "bitsim"


@functools.lru_cache(maxsize=None)
def compiler_version(cc: str) -> str:
    """The first line of `cc --version` (asked once per process and compiler)."""
    try:
        r = subprocess.run([cc, "--version"], capture_output=True, text=True, timeout=30)
        return r.stdout.splitlines()[0] if r.stdout else ""
    except (OSError, subprocess.SubprocessError):
        return ""


@functools.lru_cache(maxsize=1)
def host_cpu() -> str:
    """The host CPU as `-march=native` sees it: model name and flags from /proc/cpuinfo
    (elsewhere, the platform's processor and machine names)."""
    import platform

    try:
        with open("/proc/cpuinfo") as f:
            lines = f.read().split("\n\n")[0].splitlines()
        keep = [ln for ln in lines if ln.split(":")[0].strip() in ("vendor_id", "model name", "flags", "Features", "CPU part")]
        if keep:
            return "\n".join(keep)
    except OSError:
        pass
    return f"{platform.machine()} {platform.processor()}"


def load_library(
    source: str,
    cc: str,
    flags: tuple[str, ...],
    fallback_flags: tuple[str, ...] | None,
    *,
    prefix: str,
    what: str,
    memo: dict[str, ctypes.CDLL],
) -> tuple[ctypes.CDLL, bool, float]:
    """Compiles `source` with `cc` into a shared library, or takes it from the disk cache,
    and loads it: (library, taken from the cache, seconds spent compiling).

    When the compiler refuses `flags` (say `-march=native`), `fallback_flags` are tried
    (the library is cached under `flags` all the same). `memo` holds the libraries this
    process has loaded, by hash; `prefix` names the cached file (`prefix_HASH.so`) and
    `what` the generated code in error messages."""
    parts = [source, cc, *flags, compiler_version(cc)]
    if any(f.startswith(("-march=native", "-mcpu=native", "-mtune=native")) for f in flags):
        parts.append(host_cpu())
    key = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]
    lib = memo.get(key)
    if lib is not None:
        return lib, True, 0.0
    d = cache_dir()
    d.mkdir(parents=True, exist_ok=True)
    so = d / f"{prefix}_{key}.so"
    seconds = 0.0
    cached = so.exists()
    if not cached:
        t0 = time.perf_counter()
        with tempfile.TemporaryDirectory(dir=d) as tmp:
            src = Path(tmp) / f"{prefix}.c"
            src.write_text(source)
            out = Path(tmp) / f"{prefix}.so"
            r = subprocess.run([cc, *flags, "-shared", "-fPIC", "-o", str(out), str(src)], capture_output=True, text=True)
            if r.returncode != 0 and fallback_flags is not None:
                r = subprocess.run(
                    [cc, *fallback_flags, "-shared", "-fPIC", "-o", str(out), str(src)], capture_output=True, text=True
                )
            if r.returncode != 0:
                raise LutoptError(f"the C compiler failed on {what}: {r.stderr.strip()[:2000]}")
            os.replace(out, so)  # atomic: other processes see the whole library or none
        seconds = time.perf_counter() - t0
    lib = ctypes.CDLL(str(so))
    memo[key] = lib
    return lib, cached, seconds
