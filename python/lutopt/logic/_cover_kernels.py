"""Sequential kernels over LUT covers (numba)."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def cover_levels(num_inputs, leaves, sizes):
    """Level of every node: 0 for the constant and the inputs, 1 + max over leaves for a LUT."""
    base = num_inputs + 1
    count = len(sizes)
    level = np.zeros(base + count, dtype=np.int64)
    for l in range(count):
        d = 0
        for i in range(sizes[l]):
            x = level[leaves[l, i]]
            if x > d:
                d = x
        level[base + l] = d + 1
    return level
