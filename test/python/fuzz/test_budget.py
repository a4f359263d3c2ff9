"""The long-run time budget ends a fuzzer at once and counts it as passed."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

FUZZ_PARENT = Path(__file__).resolve().parents[1]


def test_a_spent_budget_ends_the_fuzzer_and_passes(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(FUZZ_PARENT)!r})
        from fuzz.conftest import fuzz_count, pytest_pyfunc_call, pytest_terminal_summary
    """))
    (tmp_path / "test_slow_fuzzer.py").write_text(textwrap.dedent("""
        import time
        from hypothesis import given, strategies as st
        from fuzz.settings import fuzz_settings

        @given(x=st.integers())
        @fuzz_settings(default_examples=5)
        def test_slow(x, fuzz_count):
            fuzz_count()
            time.sleep(0.2)
    """))
    env = dict(os.environ, LUTOPT_FUZZ_EXAMPLES="100000", LUTOPT_FUZZ_SECONDS="1")
    start = time.monotonic()
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_slow_fuzzer.py"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed" in run.stdout, run.stdout
    counts = [line.split() for line in run.stdout.splitlines() if line.strip().endswith("test_slow")]
    assert counts and 1 <= int(counts[0][0]) <= 20, run.stdout
    assert time.monotonic() - start < 120


def test_a_budget_spent_between_draws_is_not_flaky(tmp_path: Path) -> None:
    """A fuzzer that draws inside the test (`st.data()`) and runs out of time: the case cut
    short before its first draw must not be recorded (hypothesis would call the fuzzer's
    data generation flaky, FlakyStrategyDefinition, as it did for the lutopt-sim fuzzer)."""
    (tmp_path / "conftest.py").write_text(textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(FUZZ_PARENT)!r})
        from fuzz.conftest import fuzz_count, pytest_pyfunc_call, pytest_terminal_summary
    """))
    (tmp_path / "test_drawing_fuzzer.py").write_text(textwrap.dedent("""
        import time
        from hypothesis import given, strategies as st
        from fuzz.settings import fuzz_settings

        @given(data=st.data())
        @fuzz_settings(default_examples=5)
        def test_draws(data, fuzz_count):
            fuzz_count()
            for _ in range(data.draw(st.integers(1, 3))):
                data.draw(st.binary(max_size=4))
            time.sleep(0.05)
    """))
    env = dict(os.environ, LUTOPT_FUZZ_EXAMPLES="100000", LUTOPT_FUZZ_SECONDS="1")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_drawing_fuzzer.py"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Flaky" not in run.stdout + run.stderr
    assert "1 passed" in run.stdout, run.stdout
