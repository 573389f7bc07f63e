"""allclose.py A.npy B.npy [rtol] [atol]: exit 0 iff the arrays match.

Prints the largest absolute difference so a failing test says by how much.
"""
import sys

import numpy as np

a = np.load(sys.argv[1])
b = np.load(sys.argv[2])
rtol = float(sys.argv[3]) if len(sys.argv) > 3 else 1e-5
atol = float(sys.argv[4]) if len(sys.argv) > 4 else 1e-6
if a.shape != b.shape:
    print(f"shape mismatch: {a.shape} vs {b.shape}")
    sys.exit(1)
diff = float(np.max(np.abs(a.astype(np.float64) - b.astype(np.float64))))
print(f"max abs diff {diff:.3g}")
sys.exit(0 if np.allclose(a, b, rtol=rtol, atol=atol) else 1)
