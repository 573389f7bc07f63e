#!/usr/bin/python3
"""Helpers of scripts/gpu-device-check.sh (the prepared check for a machine
with an NVIDIA GPU). Subcommands:

  export NAME SHAPE OUT.onnx      torchvision NAME (eval mode, random weights,
                                  10 classes; VGG sized for SHAPE) to ONNX
  input SHAPE OUT.npy             a uniform(-1, 1) float32 batch, seed 0
  allclose A.npy B.npy TOL        max |a-b| / max(1, |b|) <= TOL
  losses CPU.csv GPU.csv TOL      every epoch's train_loss within TOL relative
  torch NAME SHAPE ITERS          PyTorch CUDA images/s (JSON line), or a line
                                  saying why it cannot run
"""
import json
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def shape_of(text):
    return [int(d) for d in text.split("x")]


def torchvision_model(name, shape):
    # The same models (and VGG adaptation) as the ONNX importer's real-model
    # tests, so numbers are comparable with docs/import.md.
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "real_model", os.path.join(ROOT, "test", "Import", "ONNX", "real_model.py"))
    real = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(real)
    return real


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "export":
        name, shape, out = args
        torchvision_model(name, shape).export_torchvision(
            name, shape_of(shape), "eval", out)
        print("exported %s %s" % (name, shape))
    elif cmd == "input":
        shape, out = args
        rng = np.random.default_rng(0)
        np.save(out, rng.uniform(-1, 1, shape_of(shape)).astype(np.float32))
    elif cmd == "allclose":
        a, b, tol = np.load(args[0]), np.load(args[1]), float(args[2])
        if a.shape != b.shape:
            sys.exit("FAIL shape %s vs %s" % (a.shape, b.shape))
        err = float((np.abs(a.astype(np.float64) - b) / np.maximum(1.0, np.abs(b))).max())
        print("%s max relative error %.3g (tol %g)" % ("OK" if err <= tol else "FAIL", err, tol))
        sys.exit(0 if err <= tol else 1)
    elif cmd == "losses":
        import csv
        for f in args[:2]:
            if not os.path.exists(f):
                sys.exit("FAIL no training log %s" % f)
        rows = [list(csv.DictReader(open(f))) for f in args[:2]]
        tol = float(args[2])
        if len(rows[0]) != len(rows[1]) or not rows[0]:
            sys.exit("FAIL %d vs %d epochs" % (len(rows[0]), len(rows[1])))
        worst = 0.0
        for c, g in zip(*rows):
            lc, lg = float(c["train_loss"]), float(g["train_loss"])
            worst = max(worst, abs(lc - lg) / max(abs(lc), 1e-12))
        print("%s %d steps, worst relative loss difference %.3g (tol %g); "
              "cpu %s / gpu %s" % ("OK" if worst <= tol else "FAIL", len(rows[0]),
                                   worst, tol, rows[0][-1]["train_loss"],
                                   rows[1][-1]["train_loss"]))
        sys.exit(0 if worst <= tol else 1)
    elif cmd == "torch":
        name, shape, iters = args[0], shape_of(args[1]), int(args[2])
        try:
            import torch
            import torchvision
        except ImportError as e:
            print(json.dumps({"skipped": "no torch: %s" % e}))
            return
        if not torch.cuda.is_available():
            print(json.dumps({"skipped": "torch %s has no CUDA device" % torch.__version__}))
            return
        torch.manual_seed(0)
        model = getattr(torchvision.models, name)(num_classes=10)
        if name.startswith("vgg") and shape[2] < 224:
            side = shape[2] // 32
            model.avgpool = torch.nn.Identity()
            model.classifier[0] = torch.nn.Linear(512 * side * side, 4096)
        # fp32 without TF32: the arithmetic netrewrite's kernels do.
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        model = model.eval().cuda()
        x = torch.rand(shape, device="cuda")
        with torch.no_grad():
            for _ in range(3):
                model(x)
            torch.cuda.synchronize()
            times = []
            for _ in range(iters):
                t = time.perf_counter()
                model(x)
                torch.cuda.synchronize()
                times.append(time.perf_counter() - t)
        median = sorted(times)[len(times) // 2]
        print(json.dumps({"images_per_s": shape[0] / median,
                          "ms_per_batch": median * 1e3,
                          "device": torch.cuda.get_device_name(0),
                          "torch": torch.__version__}))
    else:
        sys.exit("gpu_check.py: unknown command %s" % cmd)


if __name__ == "__main__":
    main()
