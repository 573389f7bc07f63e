#!/usr/bin/python3
"""Training throughput: netrewrite's training executable vs PyTorch (CPU) on
the same model, batch, optimizer and thread count, in the same run.

  /usr/bin/python3 bench/train_bench.py [--build build] [--threads 2]
      [--batch 32] [--steps 10] [--rounds 3] [--models mobilenet_v2@128,vgg16@64]
      [--out DIR] [--compare NAME=EXE ...]

For each model: builds the torchvision network with a 10-class head (random
weights, seeded; timing does not depend on the values), exports it to ONNX
with its BatchNormalization and Dropout nodes kept, imports it
(netrewrite-import), compiles it with `netrewrite-compile --train
--optimizer=rmsprop -O3`, and then alternates, `rounds` times:
  ours:    `exe train` for two epochs of `steps` batches of Fashion-MNIST
           (grey -> RGB, resized per batch by the runtime, so data
           preparation is included); the second, warm epoch's images/s
  PyTorch: model.train(), RMSprop(alpha=0.9, eps=1e-7) on the same number of
           batches of the same preprocessed images (prepared beforehand, so
           PyTorch's figure excludes data preparation)
and prints the medians: images/s for each and the ratio ours/PyTorch.
--compare NAME=EXE (one model only) adds other training executables of the
same model (e.g. main's, from an earlier --out DIR) to every round, run the
same way, so that two builds and PyTorch alternate in one process.
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time

import numpy as np
import torch
import torchvision

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = "/usr/share/datasets/fashion-mnist"

p = argparse.ArgumentParser()
p.add_argument("--build", default=os.path.join(ROOT, "build"))
p.add_argument("--threads", type=int, default=2)
p.add_argument("--batch", type=int, default=32)
p.add_argument("--steps", type=int, default=10)
p.add_argument("--rounds", type=int, default=3)
p.add_argument("--models", default="mobilenet_v2@128,vgg16@64")
p.add_argument("--out", default=None)
p.add_argument("--compare", action="append", default=[],
               help="NAME=EXE: another training executable of the model")
a = p.parse_args()
out = a.out or tempfile.mkdtemp(prefix="netrewrite-train-bench-")
os.makedirs(out, exist_ok=True)
bin_dir = os.path.join(a.build, "bin")


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit("command failed: %s\n%s%s" % (" ".join(cmd), r.stdout, r.stderr))
    return r.stdout


def network(name):
    torch.manual_seed(0)
    if name == "mobilenet_v2":
        return torchvision.models.mobilenet_v2(num_classes=10)
    if name == "vgg16":
        # At 64x64 VGG16's features end at 2x2; torchvision's adaptive pool
        # to 7x7 would blow the 2x2 up 12 times. Pool to 1x1 instead, the
        # usual small-image head.
        net = torchvision.models.vgg16(num_classes=10)
        net.avgpool = torch.nn.AdaptiveAvgPool2d(1)
        net.classifier = torch.nn.Sequential(
            torch.nn.Linear(512, 512), torch.nn.ReLU(True), torch.nn.Dropout(),
            torch.nn.Linear(512, 10))
        return net
    sys.exit("train_bench: unknown model " + name)


def compile_ours(name, size, net):
    d = os.path.join(out, "%s_%d" % (name, size))
    os.makedirs(d, exist_ok=True)
    onnx_path, mlir, exe = (os.path.join(d, f) for f in ("model.onnx", "model.mlirbc", "model.train"))
    net.eval()
    torch.onnx.export(net, torch.randn(a.batch, 3, size, size), onnx_path,
                      training=torch.onnx.TrainingMode.PRESERVE,
                      do_constant_folding=False, opset_version=13)
    run([os.path.join(bin_dir, "netrewrite-import"), onnx_path,
         "--input-shape=%dx3x%dx%d" % (a.batch, size, size), "-o", mlir])
    t0 = time.time()
    run([os.path.join(bin_dir, "netrewrite-compile"), mlir, "--train",
         "--optimizer=rmsprop", "-O3", "-o", exe])
    return exe, time.time() - t0


def ours(exe):
    log = os.path.join(out, "log.csv")
    if os.path.exists(log):
        os.remove(log)
    run([exe, "train", "--data=" + DATA, "--limit=%d" % (a.batch * a.steps),
         "--epochs=2", "--batch=%d" % a.batch, "--optimizer=rmsprop",
         "--lr=1e-4", "--seed=1", "--threads=%d" % a.threads, "--log=" + log,
         "--checkpoint=" + os.path.join(out, "ours.ckpt")])
    with open(log) as f:
        rows = [line.strip().split(",") for line in f][1:]
    return float(rows[-1][-1])  # images_per_s of the second (warm) epoch


def batches(size):
    """The first steps*batch Fashion-MNIST images as the model sees them
    (grey -> 3 channels, bilinear resize, scaled to [0, 1])."""
    import gzip
    with gzip.open(os.path.join(DATA, "train-images-idx3-ubyte.gz")) as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)
    with gzip.open(os.path.join(DATA, "train-labels-idx1-ubyte.gz")) as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8)
    n = a.batch * a.steps
    x = torch.from_numpy(x[:n].astype(np.float32) / 255)
    x = torch.nn.functional.interpolate(x, size=(size, size), mode="bilinear",
                                        align_corners=False).repeat(1, 3, 1, 1)
    y = torch.from_numpy(y[:n].astype(np.int64))
    return list(zip(x.split(a.batch), y.split(a.batch)))


def pytorch(net, data):
    torch.set_num_threads(a.threads)
    net.train()
    opt = torch.optim.RMSprop(net.parameters(), lr=1e-4, alpha=0.9, eps=1e-7)
    loss_fn = torch.nn.CrossEntropyLoss()
    for x, y in data[:2]:  # warm-up
        opt.zero_grad(); loss_fn(net(x), y).backward(); opt.step()
    t0 = time.perf_counter()
    for x, y in data:
        opt.zero_grad(); loss_fn(net(x), y).backward(); opt.step()
    return len(data) * a.batch / (time.perf_counter() - t0)


rows = []
for spec in a.models.split(","):
    name, size = spec.split("@")
    size = int(size)
    net = network(name)
    exe, compile_s = compile_ours(name, size, net)
    data = batches(size)
    mine, theirs = [], []
    others = {n: [] for n, _ in (c.split("=", 1) for c in a.compare)}
    if others and "," in a.models:
        sys.exit("train_bench: --compare needs a single model")
    for _ in range(a.rounds):
        mine.append(ours(exe))
        for c in a.compare:
            other, path = c.split("=", 1)
            others[other].append(ours(path))
        theirs.append(pytorch(net, data))
    m, t = statistics.median(mine), statistics.median(theirs)
    for other, runs in others.items():
        o = statistics.median(runs)
        print("%s: %.1f img/s, ratio to PyTorch %.2f (rounds: %s)" % (
            other, o, o / t, ", ".join("%.1f" % v for v in runs)), flush=True)
    print("this build: rounds %s; PyTorch: rounds %s" % (
        ", ".join("%.1f" % v for v in mine), ", ".join("%.1f" % v for v in theirs)),
        flush=True)
    rows.append((name, size, a.batch, a.threads, m, t, m / t, compile_s))
    print("| %s | %dx%d | %d | %d | %.1f | %.1f | %.2f | %.0f s |" % (
        name, size, size, a.batch, a.threads, m, t, m / t, compile_s), flush=True)

print()
print("| model | input | batch | threads | ours img/s | PyTorch img/s | ratio ours/PyTorch | our train-step compile |")
print("|---|---|---|---|---|---|---|---|")
for r in rows:
    print("| %s | %dx%d | %d | %d | %.1f | %.1f | %.2f | %.0f s |" % (
        r[0], r[1], r[1], r[2], r[3], r[4], r[5], r[6], r[7]))
