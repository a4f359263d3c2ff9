"""`lower-to-luts`: the nn, lut and gate levels to mapped K-input LUTs."""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.passes import ModulePass

from lutopt.diagnostics import LutoptError
from lutopt.logic.lut_size import lut_size_problem
from lutopt.lowering.pipelines.named import NamedPipeline

REWRITE_PROBE_GAIN = 0.005
"""lower-to-luts skips the rest of the AIG script when its first step saves less than this
fraction of the ANDs."""


def check_lut_size(pipeline: str, k: int | None) -> None:
    if k is not None and (problem := lut_size_problem(k)) is not None:
        raise LutoptError(f"{pipeline}: {problem}")


def arith_passes(multiplier: str, keep_arith: bool) -> list[ModulePass]:
    """The integer level to gates (and to comb ops first with `keep_arith`)."""
    from lutopt.lowering.conversion.convert_arith_to_comb import ConvertArithToComb
    from lutopt.lowering.conversion.convert_arith_to_gate import ConvertArithToGate

    passes: list[ModulePass] = [ConvertArithToComb(multiplier=multiplier)] if keep_arith else []
    return passes + [ConvertArithToGate(multiplier=multiplier)]


def dont_care_passes(data: str, lut_size: int, effort: int) -> list[ModulePass]:
    """lut-dont-care on `data` when it is given (its covers compared at effort 1 at most)."""
    if not data:
        return []
    from lutopt.lowering.transforms.lut.lut_dont_care import LutDontCare

    return [LutDontCare(data=data, lut_size=lut_size, effort=min(effort, 1))]


@dataclass(frozen=True)
class LowerToLuts(NamedPipeline):
    """Takes the nn, lut and gate levels to mapped K-input LUTs: `lut.table` ops with at
    most K one-bit operands and a one-bit result (plus comb.extract / comb.concat for the
    bits of multi-bit codes at function boundaries).

    nn-to-lut (absorption) -> convert-arith-to-gate{multiplier} (the integer level to
    gates; with `keep-arith=true`, convert-arith-to-comb first) -> gate-const-prop, gate-recover-xors, gate-strash, gate-dce
    (lutopt's default logic clean-up) -> gate-aig-opt{probe-gain=0.005} (AIG rewriting,
    resubstitution, refactoring, balancing; `rewrite=false` leaves it out) -> gate-map-luts
    (cut-based mapping of gate netlists) -> lut-decompose (tables covered on their truth
    tables).
    """

    name = "lower-to-luts"

    lut_size: int = 6
    effort: int = 2
    """lut-decompose's effort: 0 plain decision diagrams (fast), 1 with functional
    decomposition, 2 with Shannon expansion too (fewest LUTs, slowest)."""
    rewrite: bool = True
    """Run gate-aig-opt (AIG rewriting, resubstitution and refactoring by aigverse, then
    balancing) before mapping: about 11% fewer 6-LUTs at no greater depth on the EPFL
    suite (see docs/lut-mapping.md). A probe decides first: a netlist that one
    resubstitution step shrinks by less than 0.5% (random difflogic-like networks) is
    only balanced (about 3 s on 256k gates instead of about 14 s for the whole script)."""

    multiplier: str = "exact"
    """Products of the integer level: `exact`, `mitchell` or `mitch-w<W>` (see
    convert-arith-to-gate and docs/arithmetic.md)."""
    keep_arith: bool = False
    """Keep the integer level's word-level ops as `comb` ops (`+`, `-`, `*` in Verilog)
    for the vendor tool's carry chains and DSPs (convert-arith-to-comb); approximate
    products are still lowered to gates."""
    weight_bits: int = 0
    """nn-to-lut's weight-bits (convert-nn-to-arith): 0, or B to round the weights of
    layers too wide for a table to B-bit integers (a different model, reported)."""
    dont_care: str = ""
    """A data set (an .npz archive of input codes, see lut-dont-care): when given,
    lut-dont-care runs after nn-to-lut, so table entries the data set does not reach
    become don't-cares (not equivalence-preserving; off by default)."""

    def expand(self) -> list[ModulePass]:
        from lutopt.lowering.transforms.gate.gate_const_prop import GateConstProp
        from lutopt.lowering.transforms.gate.gate_dce import GateDce
        from lutopt.lowering.conversion.gate_map_luts import GateMapLuts
        from lutopt.lowering.transforms.gate.gate_recover_xors import GateRecoverXors
        from lutopt.lowering.transforms.gate.gate_strash import GateStrash
        from lutopt.lowering.transforms.lut.lut_decompose import LutDecompose
        from lutopt.lowering.pipelines.nn_to_lut import NnToLut

        check_lut_size("lower-to-luts", self.lut_size)
        from lutopt.lowering.conversion.convert_nn_to_arith import check_multiplier

        check_multiplier(self.name, self.multiplier)
        logic: list[ModulePass] = [GateConstProp(), GateRecoverXors(), GateStrash(), GateDce()]
        if self.rewrite:
            from lutopt.lowering.transforms.gate.gate_aig_opt import GateAigOpt

            logic.append(GateAigOpt(probe_gain=REWRITE_PROBE_GAIN))
        return [
            NnToLut(multiplier=self.multiplier, weight_bits=self.weight_bits),
            *dont_care_passes(self.dont_care, self.lut_size, self.effort),
            *arith_passes(self.multiplier, self.keep_arith),
            *logic,
            GateMapLuts(lut_size=self.lut_size),
            LutDecompose(lut_size=self.lut_size, effort=self.effort),
        ]
