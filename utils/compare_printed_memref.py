#!/usr/bin/env python3
"""Compares a memref printed by MLIR's printMemrefF32 with a .npy file.

  compare_printed_memref.py PRINTED.txt EXPECTED.npy [--rtol R] [--atol A]

Exits 1, naming the worst element, when the shapes differ or some element
is outside atol + rtol * |expected|.
"""
import argparse
import re
import sys

import numpy as np


def main():
    p = argparse.ArgumentParser()
    p.add_argument("printed")
    p.add_argument("expected")
    p.add_argument("--rtol", type=float, default=1e-4)
    p.add_argument("--atol", type=float, default=1e-4)
    args = p.parse_args()
    text = open(args.printed).read()
    m = re.search(r"sizes = \[([0-9, ]*)\].*?data =", text, re.S)
    if not m:
        sys.exit("%s: no printed memref (printMemrefF32 output) found" % args.printed)
    shape = tuple(int(s) for s in m.group(1).split(",") if s.strip())
    values = re.findall(r"[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|nan|inf)", text[m.end():])
    got = np.array([float(v) for v in values], dtype=np.float64)
    want = np.load(args.expected).astype(np.float64)
    if shape != want.shape or got.size != want.size:
        sys.exit("shape mismatch: printed %s (%d values), expected %s"
                 % (shape, got.size, want.shape))
    got = got.reshape(shape)
    err = np.abs(got - want) - (args.atol + args.rtol * np.abs(want))
    worst = np.unravel_index(np.argmax(err), shape)
    if not np.isfinite(got).all() or err[worst] > 0:
        sys.exit("mismatch at %s: got %g, expected %g (max abs diff %g)"
                 % (worst, got[worst], want[worst], np.abs(got - want).max()))
    print("ok: %d values, max abs diff %.3g" % (got.size, np.abs(got - want).max()))


if __name__ == "__main__":
    main()
