#!/usr/bin/python3
"""Imports a real ONNX model with netrewrite-import, runs it with
netrewrite-run and compares with onnxruntime-node on the same random input
(max abs error <= --tol). Torchvision models are exported here with Debian's
python3-torch (random weights, eval mode) in `--mode eval` (BatchNorm folded,
Dropout dropped by the exporter) or `--mode preserve`
(torch.onnx.TrainingMode.PRESERVE: BatchNormalization and Dropout nodes stay).

  real_model.py --bin BUILD/bin --work DIR (--onnx FILE | --torchvision NAME)
                [--shape 1x3x64x64] [--mode eval|preserve] [--tol 1e-4]
"""
import argparse
import os
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
MODULES = os.path.join(ROOT, ".cache", "npm-onnx", "node_modules")


def mixed_net():
    """A small net exercising what the torchvision models do not: resizing,
    concat and padding in NHWC, Dropout, slicing, reductions, permutes and
    reshapes of NHWC values."""
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    class Mixed(nn.Module):
        def __init__(self):
            super().__init__()
            self.c1 = nn.Conv2d(3, 8, 3, stride=2, padding=1)
            self.bn = nn.BatchNorm2d(8)
            self.dw = nn.Conv2d(8, 8, 3, padding=2, dilation=2, groups=8)
            self.g = nn.Conv2d(16, 8, 1, groups=2)
            self.up = nn.ConvTranspose2d(8, 4, 2, stride=2)
            self.drop = nn.Dropout(0.25)
            self.fc = nn.Linear(4 * 9 * 9 + 8, 5)  # for 24x24 inputs

        def forward(self, x):
            y = F.hardswish(self.bn(self.c1(x)))
            z = F.leaky_relu(self.dw(y), 0.1)
            y = self.g(torch.cat([y, z], 1))
            y = y * torch.sigmoid(y.mean((2, 3), keepdim=True))
            a = F.interpolate(y, scale_factor=2, mode="nearest")
            b = F.interpolate(y, scale_factor=2, mode="bilinear",
                              align_corners=False)
            u = self.up(y) + a[:, :4] - b[:, 4:]
            u = F.pad(u, (1, 0, 0, 1), mode="reflect")
            u = F.avg_pool2d(u, 3, stride=3, ceil_mode=True)
            u = self.drop(u)
            t = u.permute(0, 2, 3, 1).reshape(u.shape[0], -1)
            s = y.mean((2, 3))
            return torch.softmax(self.fc(torch.cat([t, torch.tanh(s)], 1)), 1)

    return Mixed()


def seq_net():
    """1-D layers: Conv1d (strided, grouped), BatchNorm1d on [N, C, L],
    MaxPool1d, AvgPool1d, grouped ConvTranspose1d, Flatten, Linear."""
    import torch.nn as nn
    return nn.Sequential(
        nn.Conv1d(4, 8, 5, stride=2, padding=2), nn.BatchNorm1d(8), nn.ReLU(),
        nn.Conv1d(8, 8, 3, padding=1, groups=4), nn.MaxPool1d(2),
        nn.ConvTranspose1d(8, 6, 4, stride=2, padding=1, groups=2), nn.Tanh(),
        nn.AvgPool1d(3, stride=2, padding=1, count_include_pad=False),
        nn.Flatten(), nn.Linear(6 * 8, 3))


def export_torchvision(name, shape, mode, path):
    import torch
    import torchvision
    torch.set_num_threads(2)
    torch.manual_seed(0)
    if name == "mixed":
        model = mixed_net()
    elif name == "seq1d":
        model = seq_net()
    else:
        model = getattr(torchvision.models, name)(num_classes=10)
    if name.startswith("vgg") and shape[2] < 224:
        # torchvision's VGG pools adaptively to 7x7, which ONNX cannot
        # express from a 2x2 map (64x64 input); keep the 2x2 map and size
        # the first classifier layer for it.
        side = shape[2] // 32
        model.avgpool = torch.nn.Identity()
        model.classifier[0] = torch.nn.Linear(512 * side * side, 4096)
    # Random but non-trivial BatchNorm statistics, so BN is not an identity.
    for m in model.modules():
        if isinstance(m, (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d)):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 1.5)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.5, 0.5)
    model.eval()
    training = (torch.onnx.TrainingMode.PRESERVE if mode == "preserve"
                else torch.onnx.TrainingMode.EVAL)
    x = torch.zeros(shape)
    torch.onnx.export(model, x, path, opset_version=13, training=training,
                      do_constant_folding=(mode == "eval"),
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}})


def run(cmd):
    t0 = time.time()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    if p.returncode != 0:
        sys.stdout.write(p.stdout)
        sys.exit("FAILED (rc=%d): %s" % (p.returncode, " ".join(cmd)))
    return p.stdout, time.time() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--onnx")
    ap.add_argument("--torchvision")
    ap.add_argument("--shape", default="1x3x64x64")
    ap.add_argument("--mode", choices=["eval", "preserve"], default="eval")
    ap.add_argument("--tol", type=float, default=1e-4)
    args = ap.parse_args()
    shape = [int(d) for d in args.shape.split("x")]
    os.makedirs(args.work, exist_ok=True)
    if not os.path.isdir(os.path.join(MODULES, "onnxruntime-node")):
        sys.exit("onnxruntime-node is missing: run scripts/fetch-npm-models.sh")

    if args.torchvision:
        model = os.path.join(args.work, "%s_%s.onnx" % (args.torchvision, args.mode))
        t0 = time.time()
        export_torchvision(args.torchvision, shape, args.mode, model)
        print("exported %s (%s) in %.1f s" % (args.torchvision, args.mode,
                                              time.time() - t0))
    else:
        model = args.onnx
    import onnx
    ops = sorted({n.op_type for n in onnx.load(model).graph.node})
    print("ops: " + " ".join(ops))

    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, shape).astype(np.float32)
    xin = os.path.join(args.work, "input.npy")
    np.save(xin, x)
    mlirbc = os.path.join(args.work, "model.mlirbc")
    _, t_imp = run([os.path.join(args.bin, "netrewrite-import"), model,
                    "--input-shape=" + args.shape, "-o", mlirbc])
    summary, _ = run([os.path.join(args.bin, "netrewrite-import"), model,
                      "--input-shape=" + args.shape, "--print-summary"])
    print(summary.strip().splitlines()[-1])
    ours = os.path.join(args.work, "ours.npy")
    _, t_run = run([os.path.join(args.bin, "netrewrite-run"), mlirbc,
                    "--input=@" + xin, "--output=@" + ours])
    ref = os.path.join(args.work, "ref.npy")
    out, _ = run(["node", os.path.join(os.path.dirname(__file__), "Inputs",
                                       "ort_run.js"), MODULES, model, ref,
                  "--", xin])
    print(out.strip())
    a, b = np.load(ours), np.load(ref)
    if a.shape != b.shape:
        sys.exit("FAILED: shape %s vs onnxruntime %s" % (a.shape, b.shape))
    err = float(np.max(np.abs(a.astype(np.float64) - b)))
    print("import %.1f s, netrewrite-run (JIT + run) %.1f s" % (t_imp, t_run))
    print("output %s, max |ref| %.3g, max abs error vs onnxruntime %.3g (tol %g)"
          % (a.shape, float(np.max(np.abs(b))), err, args.tol))
    if not err <= args.tol:
        sys.exit("FAILED: max abs error %.3g > %g" % (err, args.tol))
    print("REAL-MODEL OK")


if __name__ == "__main__":
    main()
