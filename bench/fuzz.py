"""Long fuzzing runs on request (the default test run has short, fixed ones).

    .venv/bin/python bench/fuzz.py --level gate --examples 10000 --minutes 30
    .venv/bin/python bench/fuzz.py --level all --examples 1000

Runs the fuzzers in test/python/fuzz/ (`test_fuzz_<level>.py`) with new random cases,
`--examples` per fuzzer, each stopped after `--minutes` if given, and prints how many
cases each one ran. A failure prints hypothesis' shrunk, minimal reproducer.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FUZZ = ROOT / "test" / "python" / "fuzz"


def main(argv: list[str] | None = None) -> int:
    levels = sorted(p.stem.removeprefix("test_fuzz_") for p in FUZZ.glob("test_fuzz_*.py"))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--level", default="all", choices=["all", *levels])
    ap.add_argument("--examples", type=int, default=1000, help="cases per fuzzer")
    ap.add_argument("--minutes", type=float, default=None, help="time limit per fuzzer")
    ap.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    args = ap.parse_args(argv)
    files = [FUZZ / f"test_fuzz_{lv}.py" for lv in (levels if args.level == "all" else [args.level])]
    env = dict(os.environ, LUTOPT_FUZZ_EXAMPLES=str(args.examples))
    if args.minutes is not None:
        env["LUTOPT_FUZZ_SECONDS"] = str(args.minutes * 60)
    cmd = [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
           *map(str, files), *args.pytest_args]
    print("running:", " ".join(cmd), f"(LUTOPT_FUZZ_EXAMPLES={args.examples})", flush=True)
    return subprocess.call(cmd, env=env, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main())
