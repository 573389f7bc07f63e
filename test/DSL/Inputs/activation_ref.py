"""activation_ref.py ACT IN.npy OUT.npy: numpy reference of an activation."""
import sys

import numpy as np

x = np.load(sys.argv[2]).astype(np.float64)
act = sys.argv[1]
if act == "relu":
    y = np.maximum(x, 0)
elif act == "relu6":
    y = np.clip(x, 0, 6)
elif act == "sigmoid":
    y = 1 / (1 + np.exp(-x))
elif act == "hswish":
    y = x * np.clip(x + 3, 0, 6) / 6
else:
    sys.exit(f"unknown activation {act}")
np.save(sys.argv[3], y.astype(np.float32))
