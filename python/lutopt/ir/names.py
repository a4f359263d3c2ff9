"""Handing out unique names: one helper for every namer in lutopt.

`Namespace.claim(base)` returns `base` if it is free, else `base` + separator + the
smallest free suffix counting from `first_suffix` (remembered per base, so claiming the
same base n times costs O(n)). What is legal and what is reserved are parameters, so each
user keeps its own scheme:

* the Verilog target: names legalised to Verilog identifiers, keywords reserved, the
  first clash gets `_0` (`lutopt.target.verilog.names.verilog_namespace`);
* `convert-lut-to-rtl`'s port names: the first clash gets `_1`;
* fresh signals of a netlist writer: `free_prefix` picks a prefix that no given name
  extends with digits, and the writer counts from there (`n0`, `n1`, ...).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable


class Namespace:
    """Hands out unique names.

    `taken`: names already in use. `reserved`: names that are never handed out as they are
    (keywords). `legalize`: applied to every base before it is claimed. `first_suffix`:
    the suffix of the first renamed clash. `separator`: between a base and its suffix.
    """

    def __init__(
        self,
        taken: Iterable[str] = (),
        *,
        reserved: frozenset[str] | set[str] = frozenset(),
        legalize: Callable[[str], str] | None = None,
        first_suffix: int = 0,
        separator: str = "_",
    ):
        self.taken: set[str] = set(taken)
        self.reserved = reserved
        self.legalize = legalize
        self.first_suffix = first_suffix
        self.separator = separator
        self.next_suffix: dict[str, int] = {}

    def __contains__(self, name: str) -> bool:
        return name in self.taken

    def add(self, name: str) -> None:
        """Marks `name` as taken (as it is)."""
        self.taken.add(name)

    def claim(self, base: str) -> str:
        """A free name made from `base`, now taken."""
        if self.legalize is not None:
            base = self.legalize(base)
        if base not in self.taken and base not in self.reserved:
            self.taken.add(base)
            return base
        i = self.next_suffix.get(base, self.first_suffix)
        while f"{base}{self.separator}{i}" in self.taken:
            i += 1
        self.next_suffix[base] = i + 1
        name = f"{base}{self.separator}{i}"
        self.taken.add(name)
        return name

    def claim_all(self, bases: Iterable[str]) -> list[str]:
        """`claim` of each base, in order."""
        return [self.claim(b) for b in bases]


def free_prefix(
    names: Iterable[str], base: str = "n", *, pad: str = "_", at_start: bool = True, numbered: bool = True
) -> str:
    """A prefix for fresh names `prefix0, prefix1, ...` that cannot meet any of `names`.

    Starting from `base`, `pad` is added (in front when `at_start`, else behind) until no
    name is the prefix followed by digits (`numbered`) or, when not `numbered`, until no
    name starts with the prefix at all.
    """
    names = list(names)
    prefix = base
    while True:
        if numbered:
            pattern = re.compile(re.escape(prefix) + r"\d+$")
            clash = any(pattern.match(n) for n in names)
        else:
            clash = any(n.startswith(prefix) for n in names)
        if not clash:
            return prefix
        prefix = pad + prefix if at_start else prefix + pad
