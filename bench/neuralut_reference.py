"""Reference for bench/nn_to_lut_jsc.py: time NeuraLUT's own truth-table generator on JSC-5L.

    python bench/neuralut_reference.py SRC [--runs N]

SRC is a checkout of NeuraLUT (github MartaAndronic/NeuraLUT); nothing of it is part of
lutopt. This script imports `neuralut` from SRC/src and the model class from
SRC/datasets/jet_substructure/models.py, builds the model with the "jsc-5l" entry of the
`configs` dictionary in SRC/datasets/jet_substructure/train.py (read as a literal, since
importing train.py needs wandb and the data set), seeded as NeuraLUT's neq2lut.py seeds it,
with untrained weights (the generation time does not depend on them), on the CPU, and times
`neuralut.nn.generate_truth_tables(model)` N times, building a new model before each run
(construction is not timed). The last line printed is a JSON object with every run's time,
the median and the number of table entries generated.

Run it with an interpreter whose environment has NeuraLUT's dependencies (torch, numpy and
brevitas at the commit NeuraLUT's README pins, 67be9b58, which predates every PyPI release
of brevitas: PyPI's 0.2.x and later have another API). It does not need lutopt.

One run-time shim: NeuraLUT's models.py imports pyverilator at the top, but uses it only to
simulate generated Verilog. pyverilator 0.7.0 fails to import on Python >= 3.9 (its
tclwrapper calls tkinter's removed `split`), so when the import fails a stand-in module is
registered whose PyVerilator raises when used. The JSON output lists such shims.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import json
import os
import resource
import statistics
import sys
import time
import types
import warnings

# JSC data set: 16 input features, 5 classes (neq2lut.py reads them from the data file;
# datasets/jet_substructure/config/yaml_IP_OP_config.yml lists the same 16 and 5).
INPUT_LENGTH, OUTPUT_LENGTH = 16, 5
EXPECTED_ENTRIES = 128 * 2**14 + (128 + 128 + 64 + 5) * 2**12  # 3,428,352


def fail(message: str) -> None:
    print(f"neuralut_reference: {message}", file=sys.stderr)
    sys.exit(2)


def read_config(train_py: str, arch: str) -> dict:
    """The literal `configs[arch]` of NeuraLUT's train.py, without executing the file."""
    with open(train_py) as f:
        tree = ast.parse(f.read(), train_py)
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "configs" for t in node.targets
        ):
            configs = ast.literal_eval(node.value)
            if arch not in configs:
                fail(f"{train_py} has no {arch!r} entry in `configs` (has {sorted(configs)})")
            return dict(configs[arch])
    fail(f"no `configs = {{...}}` dictionary in {train_py}")
    raise AssertionError


def import_dependencies(src: str) -> tuple[types.ModuleType, types.ModuleType, list[str]]:
    """(neuralut.nn, NeuraLUT's jet_substructure models module, shims applied)."""
    src = os.path.abspath(src)
    package = os.path.join(src, "src", "neuralut")
    models_py = os.path.join(src, "datasets", "jet_substructure", "models.py")
    if not os.path.isdir(src):
        fail(f"NeuraLUT checkout {src} does not exist")
    for path in (os.path.join(package, "nn.py"), models_py):
        if not os.path.isfile(path):
            fail(f"{src} is not a NeuraLUT checkout: {path} is missing")
    try:
        import torch  # noqa: F401
    except ImportError as e:
        fail(f"{sys.executable} cannot import torch ({e}); NeuraLUT needs it")
    # brevitas and neuralut import pkg_resources, which warns that it is deprecated.
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated")
    try:
        import brevitas  # noqa: F401
    except ModuleNotFoundError as e:
        if e.name == "pkg_resources":
            fail("brevitas needs pkg_resources, which setuptools >= 81 no longer has: "
                 f"pip install 'setuptools<81' into {sys.prefix}")
        fail(f"brevitas is not installed for {sys.executable}. NeuraLUT's README pins "
             "brevitas at git commit 67be9b58c1c63d3923cac430ade2552d0db67ba5 (Xilinx/brevitas); "
             "install that tree with `pip install --no-build-isolation DIR` "
             "(PyPI's brevitas 0.2.0 and later have a different API)")

    shims = []
    try:
        import pyverilator  # noqa: F401
    except Exception as e:  # not installed, or its tclwrapper broken on Python >= 3.9
        stub = types.ModuleType("pyverilator")

        class PyVerilator:
            @staticmethod
            def build(*args, **kwargs):
                raise RuntimeError("pyverilator could not be imported; Verilog simulation is unavailable")

        stub.PyVerilator = PyVerilator
        sys.modules["pyverilator"] = stub
        shims.append(f"pyverilator stand-in (import failed: {type(e).__name__}: {e})")

    sys.path.insert(0, os.path.join(src, "src"))
    try:
        import neuralut.nn as neuralut_nn
    except ModuleNotFoundError as e:
        if e.name == "pkg_resources":
            fail("neuralut/__init__.py needs pkg_resources, which setuptools >= 81 no longer has: "
                 f"pip install 'setuptools<81' into {sys.prefix}")
        raise
    if not os.path.abspath(neuralut_nn.__file__).startswith(package + os.sep):
        fail(f"imported neuralut from {neuralut_nn.__file__}, not from {package}")
    spec = importlib.util.spec_from_file_location("neuralut_jsc_models", models_py)
    models = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(models)
    return neuralut_nn, models, shims


def brevitas_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("brevitas")
    except PackageNotFoundError:
        return "unknown"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("src", help="NeuraLUT checkout (with src/neuralut and datasets/jet_substructure)")
    ap.add_argument("--runs", type=int, default=3, help="timed runs (default 3); the median is reported")
    ap.add_argument("--arch", default="jsc-5l", help="entry of train.py's configs (default jsc-5l)")
    args = ap.parse_args()
    if args.runs < 1:
        fail("--runs must be at least 1")
    neuralut_nn, models, shims = import_dependencies(args.src)
    import brevitas
    import torch

    config = read_config(os.path.join(args.src, "datasets", "jet_substructure", "train.py"), args.arch)
    model_cfg = {**config, "cuda": False, "input_length": INPUT_LENGTH, "output_length": OUTPUT_LENGTH}

    def build():
        torch.manual_seed(config["seed"])  # as neq2lut.py does before building the model
        try:
            return models.JetSubstructureNeqModel(model_cfg)
        except Exception as e:
            fail(f"building NeuraLUT's model failed with brevitas {brevitas_version()} "
                 f"({brevitas.__file__}): {type(e).__name__} {str(e)!r}. NeuraLUT was written for brevitas "
                 "commit 67be9b58 (before 0.2.0); later releases have another API")

    times, cpu_times, sys_times, entries, tables = [], [], [], 0, 0
    load = os.getloadavg()[0]
    for run in range(args.runs):
        model = build()
        before = resource.getrusage(resource.RUSAGE_SELF)
        t = time.perf_counter()
        neuralut_nn.generate_truth_tables(model)
        times.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_SELF)
        sys_times.append(after.ru_stime - before.ru_stime)
        cpu_times.append(after.ru_utime - before.ru_utime + sys_times[-1])
        layers = [m for m in model.modules() if type(m) is neuralut_nn.SparseLinearNeq]
        tables = sum(len(m.neuron_truth_tables) for m in layers)
        # Each neuron's entry is (inputs, input states, float outputs, binary outputs).
        entries = sum(len(t[3]) for m in layers for t in m.neuron_truth_tables)
        print(f"NeuraLUT run {run + 1}/{args.runs}: {times[-1]:.2f} s wall, {cpu_times[-1]:.2f} s CPU "
              f"(of which {sys_times[-1]:.2f} s system)",
              file=sys.stderr, flush=True)
        del model, layers
    result = {
        "runs_s": times,
        "cpu_s": cpu_times,  # user + system, all threads
        "sys_s": sys_times,
        "median_s": statistics.median(times),
        "tables": tables,
        "entries": entries,
        "entries_expected": EXPECTED_ENTRIES,
        "config": {k: config[k] for k in ("hidden_layers", "input_bitwidth", "hidden_bitwidth",
                                          "output_bitwidth", "input_fanin", "hidden_fanin",
                                          "output_fanin", "width_n", "seed") if k in config},
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "brevitas": brevitas_version(),
        "python": sys.version.split()[0],
        "load_average_before": round(load, 2),
        "peak_rss_gib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2),
        "shims": shims,
    }
    print(json.dumps(result))
    return 0 if entries == EXPECTED_ENTRIES or args.arch != "jsc-5l" else 1


if __name__ == "__main__":
    sys.exit(main())
