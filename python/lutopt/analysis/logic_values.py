"""The values of the logic path besides `Tables` (see `lutopt.analysis.logic_network`):
input elements not yet binarised, GroupSum counts, argmax indices, the input ports."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from xdsl.ir import Operation

from lutopt.analysis.logic_tables import Arena, Tables
from lutopt.diagnostics import LutoptError


class NotLogic(Exception):
    """The function is not a logic network (an input is not binarised by thresholds)."""


@dataclass
class Real:
    arg: int
    ids: np.ndarray  # flat element ids in the argument
    shape: tuple[int, ...]

    def take(self, ids: np.ndarray, shape) -> Real:
        return Real(self.arg, self.ids.reshape(-1)[ids], tuple(shape))


@dataclass
class Count:
    lits: np.ndarray  # int64[N, n] literals of the summed binary values (0 pads)
    terms: int  # n, the group size
    scale: float
    shape: tuple[int, ...]
    tables: Tables | None = None  # the same values as Tables, when they depend on few nodes

    def take(self, ids: np.ndarray, shape) -> Count:
        t = self.tables.take(ids, shape) if self.tables is not None else None
        return Count(self.lits[ids], self.terms, self.scale, tuple(shape), t)


@dataclass
class ArgMax:
    count: Count  # flat counts
    groups: np.ndarray  # int64[N, C]: per element, the counts compared (in index order)
    shape: tuple[int, ...]

    def take(self, ids: np.ndarray, shape) -> ArgMax:
        return ArgMax(self.count, self.groups[ids], tuple(shape))


@dataclass
class InputPort:
    """One tensor argument: per element, its thresholds (sorted) and their nodes."""

    shape: tuple[int, ...]
    thresholds: list[dict[tuple[float, bool], int]] = field(default_factory=list)

    @property
    def levels(self) -> int:
        return max((len(t) for t in self.thresholds), default=0)

    @property
    def width(self) -> int:
        return max(1, int(np.ceil(np.log2(self.levels + 1)))) if self.levels else 1


@dataclass
class LogicNetwork:
    arena: Arena
    inputs: list[InputPort]
    outputs: list[Tables | Count | ArgMax]
    result_ops: list[Operation]


def _width(n: int) -> int:
    """Bits of a count 0..n."""
    return max(1, int(n).bit_length())


def err(msg: str, op: Operation) -> LutoptError:
    return LutoptError(msg, op)



class Poison:
    """A value no one may read (the maximum of counts next to an argmax)."""

    def __init__(self, what: str):
        self.what = what

    def take(self, ids, shape):
        return self


