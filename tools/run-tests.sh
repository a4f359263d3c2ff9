#!/usr/bin/env bash
# Runs lutopt's whole default test suite: the lit/FileCheck tests, then pytest.
# Sets up the machine first (see setup-env.sh). Extra arguments go to pytest.
source "$(dirname "$0")/setup-env.sh"
echo "== lit (FileCheck tests) =="
lit -sv test/
echo "== pytest =="
exec pytest -q -rs test/python "$@"
