#!/usr/bin/env python3
"""Data with NaNs and signed zeros for max pooling and ReLU6, and the check.

  minmax_nan.py gen DIR            writes DIR/x.npy
  minmax_nan.py check DIR A B      A: pooled (1x4x4x32), B: clamped (1x8x8x32)

The check wants NaN exactly where a window (pool) or the element (clamp)
has a NaN, numpy's values elsewhere, and only compares zeros by value: -0
and +0 are the same number (netrewrite-minmax-nsz lets max / min return
either).
"""
import sys

import numpy as np


def data():
    rng = np.random.default_rng(3)
    x = rng.uniform(-8, 8, (1, 8, 8, 32)).astype(np.float32)
    flat = x.reshape(-1)
    flat[rng.choice(flat.size, 40, replace=False)] = np.nan
    # Windows of zeros of both signs, and a window of -0 only.
    x[0, 0:2, 2:4, :] = np.float32(-0.0)
    x[0, 0, 2, ::2] = np.float32(0.0)
    x[0, 2:4, 2:4, :] = np.float32(-0.0)
    return x


def same(actual, expected, what):
    nan_a, nan_e = np.isnan(actual), np.isnan(expected)
    if actual.shape != expected.shape or (nan_a != nan_e).any():
        print("MISMATCH %s: NaN at %d places, expected %d" % (what, nan_a.sum(), nan_e.sum()))
        return False
    if (actual[~nan_a] != expected[~nan_e]).any():
        print("MISMATCH %s: values" % what)
        return False
    print("%s OK: %d NaNs" % (what, nan_e.sum()))
    return True


def main():
    if sys.argv[1] == "gen":
        np.save(sys.argv[2] + "/x.npy", data())
        return 0
    x = data()
    pooled = x.reshape(1, 4, 2, 4, 2, 32).max(axis=(2, 4))  # NaN propagates
    clamped = np.minimum(np.maximum(x, 0), 6)
    ok = same(np.load(sys.argv[3]), pooled, "pool") & same(np.load(sys.argv[4]), clamped, "clamp")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
