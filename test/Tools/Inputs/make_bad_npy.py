#!/usr/bin/env python3
"""Writes good and malformed .npy files for netrewrite-run's error tests."""
import os
import sys

import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
np.save(f"{out}/good.npy", np.ones((1, 3), np.float32))
np.save(f"{out}/f64.npy", np.ones((1, 3), np.float64))
np.save(f"{out}/wrong_shape.npy", np.ones((2, 3), np.float32))
np.save(f"{out}/fortran.npy", np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))
with open(f"{out}/not_npy.npy", "wb") as f:
    f.write(b"hello, this is not numpy")
good = open(f"{out}/good.npy", "rb").read()
with open(f"{out}/truncated.npy", "wb") as f:
    f.write(good[:-5])
with open(f"{out}/trailing.npy", "wb") as f:
    f.write(good + b"\0\0\0\0")
with open(f"{out}/bad_header.npy", "wb") as f:
    f.write(good.replace(b"'shape': (1, 3)", b"'shape': (1, x)"))
