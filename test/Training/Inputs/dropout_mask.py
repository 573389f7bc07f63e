"""Checks the dropout mask of @train_step against numpy: logits must equal
(x * mask) @ W where mask = keep / (1 - rate) from the documented hash of
(op seed, hyper seed, step, flat index). Runs several (seed, step) pairs and
checks that the masks differ between steps and the kept fraction is
plausible.

usage: dropout_mask.py MODULE --runner PATH
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

M32 = np.uint64(0xFFFFFFFF)


def fmix32(h):
    """MurmurHash3's finaliser on uint32 values held in uint64."""
    h = np.asarray(h, dtype=np.uint64) & M32
    h ^= h >> np.uint64(16)
    h = (h * np.uint64(0x85EBCA6B)) & M32
    h ^= h >> np.uint64(13)
    h = (h * np.uint64(0xC2B2AE35)) & M32
    h ^= h >> np.uint64(16)
    return h


def mask(shape, rate, op_seed, seed, step):
    m = 0xFFFFFFFF
    key = ((seed * 0x85EBCA6B) & m) ^ ((step * 0xC2B2AE35) & m) ^ \
          ((op_seed * 0x27D4EB2F) & m)
    key = fmix32(key)
    idx = np.arange(int(np.prod(shape)), dtype=np.uint64)
    h = fmix32(((idx * np.uint64(0x9E3779B1)) & M32) ^ key)
    u = (h >> np.uint64(8)).astype(np.float32) * np.float32(1.0 / 16777216.0)
    keep = u >= np.float32(rate)
    return np.where(keep, np.float32(1.0 / (1.0 - rate)), np.float32(0)).reshape(shape)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("module")
    ap.add_argument("--runner", required=True)
    opts = ap.parse_args()
    rng = np.random.default_rng(0)
    x = rng.normal(0, 1, (4, 6)).astype(np.float32)
    w = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9], [1.5, 2.5, 3.5], [4.5, 5.5, 6.5],
                  [7.5, 8.5, 9.5]], np.float32)
    labels = np.eye(3, dtype=np.float32)[[0, 1, 2, 0]]
    failures, masks = 0, []
    with tempfile.TemporaryDirectory() as tmp:
        for seed, step in ((11, 1), (11, 2), (12, 1), (11, 1)):
            hyper = np.array([0, step, 0, 0, 0, 0, seed, 0], np.float32)
            ins = [w.reshape(1, 6, 3), x, labels, hyper]
            cmd = [opts.runner, opts.module, "--function=train_step"]
            for i, a in enumerate(ins):
                p = os.path.join(tmp, "in%d.npy" % i)
                np.save(p, a)
                cmd.append("--input=@" + p)
            outs = [os.path.join(tmp, "out%d.npy" % i) for i in range(3)]
            cmd += ["--output=@" + p for p in outs]
            subprocess.run(cmd, check=True)
            logits = np.load(outs[2])
            m = mask((1, 4, 6), 0.3, 5, seed, step)[0]
            expected = (x * m) @ w
            err = np.max(np.abs(logits - expected))
            ok = err <= 1e-4 * np.max(np.abs(expected))
            failures += not ok
            masks.append(m)
            print("dropout-mask: seed %d step %d %s kept %d/24 max err %.2e" %
                  (seed, step, "ok" if ok else "FAIL", int(np.count_nonzero(m)), err))
    if np.array_equal(masks[0], masks[1]) or np.array_equal(masks[0], masks[2]):
        print("dropout-mask: FAIL masks repeat across steps or seeds")
        failures += 1
    if not np.array_equal(masks[0], masks[3]):
        print("dropout-mask: FAIL same seed and step gave different masks")
        failures += 1
    kept = np.mean([np.count_nonzero(m) for m in masks]) / 24
    if not 0.4 < kept < 0.95:
        print("dropout-mask: FAIL kept fraction %.2f for rate 0.3" % kept)
        failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
