#!/usr/bin/env python3
"""Writes x.npy (a sweep of [-8, 8] plus special points), and erf.npy and
gelu.npy computed in float64 with Python's math.erf, into DIR."""
import math
import sys

import numpy as np

out = sys.argv[1]
x = np.linspace(-8.0, 8.0, 4 * 1024 - 8)
# Zero, the interval boundaries of the approximation, tiny and huge values.
x = np.concatenate([x, [0.0, -0.0, 0.8, 2.0, 1e-30, -1e-30, 1e30, -1e30]])
x = x.astype(np.float32).reshape(4, 1024)
xd = x.astype(np.float64)
erf = np.vectorize(math.erf)(xd)
gelu = xd * (1.0 + np.vectorize(math.erf)(xd / math.sqrt(2.0))) / 2.0
np.save(f"{out}/x.npy", x)
np.save(f"{out}/erf.npy", erf.astype(np.float32))
np.save(f"{out}/gelu.npy", gelu.astype(np.float32))
