#!/usr/bin/env python3
"""Compares two .npy files like numpy.allclose and explains a mismatch.

usage: npy_allclose.py ACTUAL EXPECTED [--rtol R] [--atol A]
Prints the max absolute error; exits 1 when shapes differ or any element is
outside atol + rtol * |expected|.
"""
import argparse
import sys

import numpy as np


def main():
    p = argparse.ArgumentParser()
    p.add_argument("actual")
    p.add_argument("expected")
    p.add_argument("--rtol", type=float, default=1e-4)
    p.add_argument("--atol", type=float, default=1e-5)
    a = p.parse_args()
    x = np.load(a.actual)
    y = np.load(a.expected)
    if x.shape != y.shape:
        print(f"shape mismatch: {a.actual} {x.shape} vs {a.expected} {y.shape}")
        return 1
    err = np.abs(x.astype(np.float64) - y.astype(np.float64))
    bound = a.atol + a.rtol * np.abs(y.astype(np.float64))
    bad = err > bound
    print(f"max abs error {err.max() if err.size else 0.0:.3g} over {err.size} values")
    if np.isnan(x).any() != np.isnan(y).any() or bad.any():
        idx = np.unravel_index(np.argmax(err - bound), err.shape)
        print(f"MISMATCH: {int(bad.sum())} values outside rtol={a.rtol} atol={a.atol}; "
              f"worst at {idx}: got {x[idx]!r}, expected {y[idx]!r}")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
