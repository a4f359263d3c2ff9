# lit configuration for lutopt's FileCheck tests.
import importlib.util
import os
import shutil
import sys

import lit.formats

config.name = "lutopt"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "lit.cfg.py", "python"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.test_source_root, "..", "build", "lit")

# The tools live next to the Python that runs lit (the project's virtual environment).
bindir = os.path.dirname(sys.executable)
config.environment["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
config.environment["PYTHONHASHSEED"] = "0"
config.substitutions.append(("%python", sys.executable))
config.substitutions.append(("%inputs", os.path.join(config.test_source_root, "Inputs")))

for tool in ("verilator", "iverilog", "yosys", "berkeley-abc"):
    if shutil.which(tool):
        config.available_features.add(tool)
    else:
        lit_config.note(f"{tool} not found: tests that REQUIRE it are unsupported")
for module in ("circt", "torch", "torch_mlir", "aigverse"):
    if importlib.util.find_spec(module) is not None:
        config.available_features.add(module)
    else:
        lit_config.note(f"Python module {module} not installed: tests that REQUIRE it are unsupported")
