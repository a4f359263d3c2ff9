"""Logic networks as arrays: the data behind the gate dialect, AIGER/BLIF exchange and mapping."""

from lutopt.logic.netlist import GATE_NAMES, GateNetlist, gate_truth_table

__all__ = ["GATE_NAMES", "GateNetlist", "gate_truth_table"]
