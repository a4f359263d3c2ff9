"""gate-map-luts tells how a long mapping goes: a summary line on stderr for netlists of
PROGRESS_GATES gates or more (LUTOPT_PROGRESS=1, or a terminal), nothing with LUTOPT_PROGRESS=0."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lutopt.api import emit
from lutopt.logic.exchange import netlist_module
from lutopt.logic.random_netlist import random_layered_netlist
from lutopt.lowering.conversion.gate_map_luts import PROGRESS_GATES

LUTOPT = str(Path(sys.executable).parent / "lutopt")


@pytest.fixture(scope="module")
def big_netlist(tmp_path_factory) -> Path:
    width = PROGRESS_GATES // 8 + 1
    net = random_layered_netlist(64, 8, width, seed=2)
    assert net.num_gates >= PROGRESS_GATES
    path = tmp_path_factory.mktemp("status") / "big.mlir"
    path.write_text(emit(netlist_module(net, "big")))
    return path


@pytest.mark.parametrize("setting", ["1", "0"])
def test_summary_line(big_netlist, setting):
    env = dict(os.environ, LUTOPT_PROGRESS=setting)
    res = subprocess.run([LUTOPT, str(big_netlist), "-p", "gate-map-luts{lut-size=6}", "-o", os.devnull],
                         capture_output=True, text=True, env=env)
    assert res.returncode == 0, res.stderr
    line = re.compile(r"^gate-map-luts: \d+ gates -> \d+ 6-LUTs, depth \d+ \(\d+\.\d s\)$", re.M)
    if setting == "1":
        assert line.search(res.stderr), res.stderr
        assert "\x1b" not in res.stderr  # no terminal control codes in a log
    else:
        assert res.stderr == ""
