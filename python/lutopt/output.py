"""Writing a tool's output file so that a failure never leaves a partial one."""

from __future__ import annotations

import os
import sys
import tempfile


def write_atomic(path: str | None, data: str | bytes) -> None:
    """Writes `data` to `path` through a temporary file in the same folder, renamed at the
    end (so an error leaves the previous file, or none). `None` or `-` is stdout; an
    existing device or pipe (`/dev/null`, a FIFO) is written in place, never replaced.
    The file gets the usual permissions (0666 less the umask)."""
    binary = isinstance(data, bytes)
    if path is None or path == "-":
        if binary:
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data)
        sys.stdout.flush()
        return
    mode = "wb" if binary else "w"
    if os.path.exists(path) and not os.path.isfile(path):
        with open(path, mode) as f:
            f.write(data)
        return
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".lutopt-", dir=folder)
    try:
        with os.fdopen(fd, mode) as f:
            f.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
