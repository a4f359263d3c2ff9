"""Fingerprints of lutopt's outputs on a fixed corpus, to show that a refactoring changes nothing.

    .venv/bin/python bench/corpus_hashes.py --out /tmp/before.txt          # record
    .venv/bin/python bench/corpus_hashes.py --compare /tmp/before.txt      # check (exit 1 on a difference)
    .venv/bin/python bench/corpus_hashes.py --only epfl,neurons --out F   # a part of the corpus

The corpus (each entry is the sha256 of one output file, named as in the hash file):
- `epfl/C/k6`, `epfl/C/k4`, `epfl/C/k6-norewrite`: every EPFL circuit but hyp, imported with
  `lutopt-translate --import-aiger C.aig`, then `lutopt C.mlir -p 'lower-to-luts{...}' -t blif`
  with lut-size=6, lut-size=4, and lut-size=6 rewrite=false;
- `neurons/N`: the LogicNets neuron tables through `decompose_tables` (as
  `bench/map_epfl.py --neurons` covers them), written as BLIF;
- `random/256k`: the layered random network of `bench/map_epfl.py --random` (256,000 gates),
  as AIGER, through `lower-to-luts{lut-size=6} -t blif`;
- `digits/verilog`: `examples/digits/model.mlir` through `lower-to-rtl{lut-size=6 effort=1}`
  `-t verilog`;
- `jsc5l/nn-to-lut`: the JSC-5L model of `bench/nn_to_lut_jsc.py`, exported with torch-mlir,
  through `nn-to-lut` (needs torch and torch-mlir; skipped with a message otherwise).

The tools are the ones next to this interpreter (`.venv/bin`); with PYTHONPATH set to
another copy of the `lutopt` package, that copy is fingerprinted instead. Each entry's
seconds are printed on stdout (a rough timing, not a benchmark).
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
DEFAULT_EPFL = REPO.parent / "shared" / "benchmarks" / "epfl"
DEFAULT_NEURONS = REPO.parent / "shared" / "benchmarks" / "logicnets-neurons"
BIN = Path(sys.executable).parent
PARTS = ("epfl", "neurons", "random", "digits", "jsc5l")
EPFL_FLOWS = {
    "k6": "lower-to-luts{lut-size=6}",
    "k4": "lower-to-luts{lut-size=4}",
    "k6-norewrite": "lower-to-luts{lut-size=6 rewrite=false}",
}


class Failed(Exception):
    pass


class Skipped(Exception):
    pass


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def run(cmd: list) -> None:
    res = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    if res.returncode:
        raise Failed(f"{' '.join(map(str, cmd))}: exit {res.returncode}: {res.stderr.strip()[-400:]}")


def epfl_entries(tmp: Path, folder: Path) -> Iterator[tuple[str, Callable[[], str]]]:
    for aig in sorted(folder.glob("*.aig")):
        if aig.stem == "hyp":
            continue
        mlir = tmp / f"{aig.stem}.mlir"

        def translate(aig=aig, mlir=mlir) -> None:
            if not mlir.exists():
                run([BIN / "lutopt-translate", "--import-aiger", aig, "-o", mlir])

        for label, pipeline in EPFL_FLOWS.items():

            def entry(translate=translate, mlir=mlir, pipeline=pipeline, label=label) -> str:
                translate()
                out = tmp / f"{mlir.stem}.{label}.blif"
                run([BIN / "lutopt", mlir, "-p", pipeline, "-t", "blif", "-o", out])
                return sha256(out.read_bytes())

            yield f"epfl/{aig.stem}/{label}", entry


def neuron_entries(folder: Path) -> Iterator[tuple[str, Callable[[], str]]]:
    sys.path.insert(0, str(BENCH))
    from map_epfl import read_truth

    for f in sorted(folder.glob("*.truth")):

        def entry(f=f) -> str:
            from lutopt.logic.cover import cover_to_blif
            from lutopt.logic.decompose import DecomposeParams, TruthTable, decompose_tables

            values, n, m = read_truth(f)
            table = TruthTable(values, n, m, inputs=[n - 1 - j for j in range(n)])
            cover, _ = decompose_tables([table], DecomposeParams(lut_size=6))
            return sha256(cover_to_blif(cover, f.stem).encode())

        yield f"neurons/{f.stem}", entry


def random_entry(tmp: Path) -> str:
    import numpy as np

    from lutopt.logic.aiger import write_aiger
    from lutopt.logic.random_netlist import random_layered_netlist

    # the network of bench/map_epfl.py --random
    net = random_layered_netlist(1024, 16, 256_000 // 16, seed=1,
                                 functions=np.array([1, 2, 4, 6, 7, 8, 9, 11, 13, 14]))
    aig, mlir, out = tmp / "random.aig", tmp / "random.mlir", tmp / "random.blif"
    aig.write_bytes(write_aiger(net))
    run([BIN / "lutopt-translate", "--import-aiger", aig, "-o", mlir])
    run([BIN / "lutopt", mlir, "-p", "lower-to-luts{lut-size=6}", "-t", "blif", "-o", out])
    return sha256(out.read_bytes())


def digits_entry(tmp: Path) -> str:
    out = tmp / "digits.v"
    run([BIN / "lutopt", REPO / "examples" / "digits" / "model.mlir", "-p", "lower-to-rtl{lut-size=6 effort=1}",
         "-t", "verilog", "-o", out])
    return sha256(out.read_bytes())


def jsc5l_entry(tmp: Path) -> str:
    try:
        import torch
        from torch_mlir import fx
    except ImportError as e:
        raise Skipped(f"needs torch and torch-mlir: {e}") from e
    sys.path.insert(0, str(BENCH))
    from nn_to_lut_jsc import JSC5L

    torch.manual_seed(0)
    model = JSC5L().eval()
    src, out = tmp / "jsc5l.mlir", tmp / "jsc5l.lut.mlir"
    src.write_text(str(fx.export_and_import(model, torch.zeros(1, 16), output_type="linalg-on-tensors")))
    run([BIN / "lutopt", src, "-p", "nn-to-lut", "-o", out])
    return sha256(out.read_bytes())


def entries(parts: set[str], tmp: Path, args) -> Iterator[tuple[str, Callable[[], str]]]:
    if "epfl" in parts:
        yield from epfl_entries(tmp, Path(args.epfl))
    if "neurons" in parts:
        yield from neuron_entries(Path(args.neurons))
    if "random" in parts:
        yield "random/256k", lambda: random_entry(tmp)
    if "digits" in parts:
        yield "digits/verilog", lambda: digits_entry(tmp)
    if "jsc5l" in parts:
        yield "jsc5l/nn-to-lut", lambda: jsc5l_entry(tmp)


def read_hashes(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        if line.strip():
            digest, name = line.split(maxsplit=1)
            out[name] = digest
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", help="write the hashes to this file")
    ap.add_argument("--compare", help="compare with the hashes in this file (exit 1 on a difference)")
    ap.add_argument("--only", help=f"comma-separated parts of the corpus: {', '.join(PARTS)} (default: all)")
    ap.add_argument("--epfl", default=str(DEFAULT_EPFL), help="folder of the EPFL .aig files")
    ap.add_argument("--neurons", default=str(DEFAULT_NEURONS), help="folder of the neuron .truth files")
    args = ap.parse_args()
    if not args.out and not args.compare:
        ap.error("give --out FILE, --compare FILE or both")
    parts = set(args.only.split(",")) if args.only else set(PARTS)
    unknown = parts - set(PARTS)
    if unknown:
        ap.error(f"unknown part(s) {', '.join(sorted(unknown))}; expected {', '.join(PARTS)}")
    if args.compare and not Path(args.compare).is_file():
        ap.error(f"no hash file {args.compare}")
    ref = read_hashes(Path(args.compare)) if args.compare else {}
    got: dict[str, str] = {}
    differ = []
    # entries are written as they finish, so an interrupted run keeps what it has done
    out = open(args.out, "w") if args.out else None  # noqa: SIM115
    with tempfile.TemporaryDirectory(prefix="corpus-") as d:
        for name, fn in entries(parts, Path(d), args):
            t = time.perf_counter()
            try:
                digest = fn()
            except Skipped as e:
                print(f"{name:<28} skipped: {e}", flush=True)
                continue
            except Failed as e:
                print(f"{name:<28} FAILED {e}", flush=True)
                differ.append(name)
                continue
            got[name] = digest
            if out:
                out.write(f"{digest}  {name}\n")
                out.flush()
            verdict = ""
            if args.compare:
                verdict = "new" if name not in ref else "same" if ref[name] == digest else "DIFFERENT"
                if verdict == "DIFFERENT":
                    differ.append(name)
            print(f"{name:<28} {digest[:16]}  {time.perf_counter() - t:7.2f} s  {verdict}", flush=True)
    if out:
        out.close()
    if args.compare:
        missing = [n for n in ref if n not in got and n.split("/")[0] in parts]
        for n in missing:
            print(f"{n:<28} missing from this run")
        print(f"{len(got)} entries, {len(differ)} different or failed, {len(missing)} missing")
        return 1 if differ or missing else 0
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
