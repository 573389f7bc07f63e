#!/usr/bin/env python3
"""Inputs and the numpy reference for bn_dropout.mlir.

usage: bn_reference.py OUT_DIR
"""
import os
import sys

import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(3)
x = rng.standard_normal((2, 5, 5, 6)).astype(np.float32)
g = rng.uniform(0.5, 2.0, 6).astype(np.float32)
b = rng.standard_normal(6).astype(np.float32)
m = rng.standard_normal(6).astype(np.float32)
v = rng.uniform(0.1, 3.0, 6).astype(np.float32)
for name, arr in dict(x=x, g=g, b=b, m=m, v=v, x2=x[0, 0]).items():
    np.save(os.path.join(out, name + ".npy"), arr)


def bn(t):
    t = t.astype(np.float64)
    return (t - m) / np.sqrt(v.astype(np.float64) + 1e-3) * g + b


np.save(os.path.join(out, "expected.npy"), bn(x).astype(np.float32))
np.save(os.path.join(out, "expected2.npy"), bn(x[0, 0]).astype(np.float32))
