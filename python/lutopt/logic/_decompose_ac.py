"""Functional (Ashenhurst-Curtis) decomposition of `lutopt.logic.decompose`: column classes
of a bound set (`column_classes`), the bound sets that save inputs
(`_bound_set_candidates`) and the encodings of the classes (`encode_classes`). See the
module docstring of `lutopt.logic.decompose`, step 3."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lutopt.logic._decompose_order import _permute, _weights
from lutopt.logic._decompose_params import DecomposeParams

# --------------------------------------------------------------------------- functional decomposition


def column_classes(bits: np.ndarray, bound: Sequence[int]) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Ashenhurst-Curtis classes of the bound set: (columns, class of each bound assignment,
    free inputs). A column is the value of every output for every assignment of the free
    inputs, for one assignment of the bound inputs (bound[0] the most significant bit of
    the assignment's number); equal columns form a class."""
    m = bits.shape[0]
    n = int(np.log2(bits.shape[1])) if bits.shape[1] > 1 else 0
    free = [j for j in range(n) if j not in bound]
    nb = len(bound)
    perm = _permute(bits, free + list(bound)).reshape(m, 1 << len(free), 1 << nb)
    cols = np.ascontiguousarray(perm.transpose(2, 0, 1).reshape(1 << nb, -1))
    packed = np.packbits(cols, axis=1)
    view = np.ascontiguousarray(packed).view(np.dtype((np.void, packed.shape[1]))).reshape(-1)
    _, first, cls = np.unique(view, return_index=True, return_inverse=True)
    return cols[first], cls.reshape(-1), free


def _bound_set_candidates(
    bits: np.ndarray, n: int, k: int, orders: list[list[int]], params: DecomposeParams, limit: int = 1 << 30
):
    """Bound sets whose column multiplicity mu needs fewer code bits than the set has
    variables, best (most inputs saved, then least mu) first, at most `limit` of them:
    (saved, mu, bound)."""
    from math import comb

    from lutopt.logic._decompose_kernels import bound_set_multiplicities, column_multiplicity

    top = min(k, n - 1)
    if top < 2:
        return []
    found = []
    if sum(comb(n, b) for b in range(2, top + 1)) <= params.ac_subset_limit:
        masks, mus = bound_set_multiplicities(bits, n, 2, top)
        sizes = np.zeros(len(masks), dtype=np.int64)
        for j in range(n):
            sizes += (masks >> j) & 1
        code = np.ceil(np.log2(np.maximum(mus, 1))).astype(np.int64)
        code[mus == 2] = 1
        saved = sizes - code
        good = np.flatnonzero(saved > 0)
        good = good[np.lexsort((masks[good], mus[good], -saved[good]))][:limit]
        for i in good:
            bound = [j for j in range(n) if (int(masks[i]) >> j) & 1]
            found.append((int(saved[i]), int(mus[i]), bound))
        return found
    else:
        seen = set()
        for order in orders:
            for b in range(2, top + 1):
                for i in range(n - b + 1):
                    key = tuple(sorted(order[i : i + b]))
                    if key in seen:
                        continue
                    seen.add(key)
                    bound = list(key)
                    free = [j for j in range(n) if j not in bound]
                    mu = int(column_multiplicity(bits, _weights(free + bound), b))
                    code = max(1, int(np.ceil(np.log2(mu)))) if mu > 1 else 0
                    if code < b:
                        found.append((b - code, mu, bound))
    found.sort(key=lambda t: (-t[0], t[1], sum(1 << j for j in t[2])))
    return found[:limit]


ENCODINGS = ("weight", "lex")


def encode_classes(bits: np.ndarray, bound: Sequence[int], encoding: str):
    """f = F(g(x_bound), x_free): returns (F bits over free inputs then code bits, code of
    every bound assignment, code width). Codes are given to classes in order of column
    weight ("weight") or of the columns' order ("lex"); unused codes repeat the last class."""
    m = bits.shape[0]
    cols, cls, free = column_classes(bits, bound)
    mu = len(cols)
    width = max(1, int(np.ceil(np.log2(mu))))
    if encoding == "weight":
        rank = np.lexsort((np.arange(mu), cols.sum(axis=1)))
    elif encoding == "lex":
        rank = np.arange(mu)
    else:
        raise ValueError(f"unknown encoding '{encoding}'")
    code_of_class = np.empty(mu, dtype=np.int64)
    code_of_class[rank] = np.arange(mu)
    class_of_code = np.concatenate([rank, np.full((1 << width) - mu, rank[-1])])
    # F[o, free, code] = column of class_of_code[code]
    nf = len(free)
    table = cols[class_of_code].reshape(1 << width, m, 1 << nf).transpose(1, 2, 0)
    return np.ascontiguousarray(table).reshape(m, -1), code_of_class[cls], width
