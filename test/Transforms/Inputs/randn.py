"""randn.py OUT.npy SEED D0 D1 ...: a float32 normal sample of that shape."""
import sys

import numpy as np

rng = np.random.default_rng(int(sys.argv[2]))
shape = [int(d) for d in sys.argv[3:]]
np.save(sys.argv[1], rng.standard_normal(shape).astype(np.float32))
