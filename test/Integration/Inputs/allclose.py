"""allclose.py A.npy B.npy [TOL]: exit 1 (printing the worst difference) if
the arrays differ in shape or by more than TOL (default 1e-4) anywhere,
relative to max(1, |B|)."""
import sys
import numpy as np
a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
tol = float(sys.argv[3]) if len(sys.argv) > 3 else 1e-4
if a.shape != b.shape:
    sys.exit("shape mismatch: %s vs %s" % (a.shape, b.shape))
err = np.abs(a - b) / np.maximum(1.0, np.abs(b))
print("max error %.3g" % err.max())
sys.exit(0 if err.max() <= tol else 1)
