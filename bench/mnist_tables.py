"""Benchmark: the MNIST table models of examples/mnist-tables end to end, in the field's units.

For each committed model (`logicnets`, `neuralut`), `examples/mnist-tables/run.py MODEL
--yosys`: PyTorch on all 10,000 MNIST test images, torch-mlir export,
`lower-to-rtl{lut-size=6}` (lutopt's 6-LUTs and their depth), Verilator on the 10,000
images (the output codes must equal PyTorch's: exit status 1 otherwise), and Yosys
`synth_xilinx` on the plain Verilog and on `verilog{primitives=xilinx}` (LUT, MUXF7/MUXF8
and CARRY cells). The figures go to bench/out/mnist-tables-MODEL.json and a Markdown table
is printed (the one in docs/mnist-tables.md).

    nice -n 10 .venv/bin/python bench/mnist_tables.py [--models logicnets,neuralut] [--effort 1]

About 10-20 minutes per model on a loaded 2-core machine (covering and Verilator's build
dominate).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RUN = REPO / "examples" / "mnist-tables" / "run.py"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--models", default="logicnets,neuralut")
    p.add_argument("--effort", type=int, default=1)
    p.add_argument("--out", type=Path, default=REPO / "bench" / "out")
    args = p.parse_args(argv)
    spec = importlib.util.spec_from_file_location("mnist_tables_run", RUN)
    run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run)
    args.out.mkdir(parents=True, exist_ok=True)
    rows, status = [], 0
    for name in args.models.split(","):
        out = args.out / f"mnist-tables-{name}.json"
        print(f"== {name}", flush=True)
        code = run.main([name, "--yosys", "--effort", str(args.effort), "--json", str(out),
                         "--build", str(args.out / f"mnist-tables-{name}")])
        status |= code
        if out.exists():
            rows.append(json.loads(out.read_text()))
    print()
    print("| model | PyTorch acc. | hardware acc. | codes equal | tables | lutopt 6-LUTs | depth "
          "| Yosys on plain Verilog: LUT / MUXF7 / MUXF8 / CARRY | Yosys on primitives=xilinx: LUT / MUXF7 / MUXF8 / CARRY |")
    print("|---|---|---|---|---|---|---|---|---|")
    for f in rows:
        y = [f.get(f"yosys_{k}", {}) for k in ("plain", "xilinx")]
        cells = [" / ".join(str(v.get(c, "-")) for c in ("luts", "muxf7", "muxf8", "carry")) for v in y]
        print(f"| {f['model']} | {f['pytorch_accuracy']:.4f} | {f['hardware_accuracy']:.4f} | "
              f"{f['codes_equal']}/{f['images']} | {f['tables']} | {f['luts']} | {f['depth']} | "
              f"{cells[0]} | {cells[1]} |")
    return status


if __name__ == "__main__":
    sys.exit(main())
