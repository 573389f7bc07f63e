#!/usr/bin/env python3
"""Writes a memref printed by MLIR's printMemrefF32 (mlir-runner's output)
as a .npy file, to compare with utils/npy_allclose.py.

  printed_memref_to_npy.py PRINTED.txt OUT.npy
"""
import re
import sys

import numpy as np


def main():
    printed, out = sys.argv[1:3]
    text = open(printed).read()
    m = re.search(r"sizes = \[([0-9, ]*)\].*?data =", text, re.S)
    if not m:
        sys.exit("%s: no printed memref (printMemrefF32 output) found" % printed)
    shape = tuple(int(s) for s in m.group(1).split(",") if s.strip())
    values = re.findall(r"[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|nan|inf)", text[m.end():])
    data = np.array([float(v) for v in values], dtype=np.float32)
    if data.size != int(np.prod(shape)):
        sys.exit("%s: %d values printed for a memref of sizes %s"
                 % (printed, data.size, list(shape)))
    np.save(out, data.reshape(shape))


if __name__ == "__main__":
    main()
