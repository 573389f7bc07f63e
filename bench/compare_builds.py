#!/usr/bin/python3
"""Two netrewrite builds (before/after a change) and onnxruntime, timed in
alternation in one run, so that all three see the same machine load.

  compare_builds.py layers --base /work/main/build [--new build] [--batch 32]
                    [--threads 2] [--rounds 3] [--only 0,1,...] [--out DIR]
  compare_builds.py model NAME --base ... [--new build] [--batch 32]
                    [--threads 2] [--rounds 3] [--out DIR]
                    [--base-flags=FLAGS] [--new-flags=FLAGS]

`layers`: the deep 3x3 convolutions of ResNet18 and VGG16@64 (and a few
neighbours for contrast), each with bias + ReLU, as one-layer models built
by bench/layer_profile.py (TOSA on NHWC data for netrewrite, ONNX for
onnxruntime). Prints one markdown row per layer: best wall ms of the rounds
(with GFLOP/s) for base, new and onnxruntime, the median CPU ms per call of
each, and onnxruntime/new by wall and by CPU time (> 1: new is faster).
CPU time per call is measured from the child's rusage as the difference
between a 2- and a 6-iteration run, which cancels start-up and weight
loading.

`model`: a torchvision model from bench/real_models.py (resnet18 at 224,
vgg16 at 64, mobilenet_v2 at 224), imported and compiled by each build at
the batch; checks both executables against onnxruntime on one random batch,
then alternates `EXE bench` runs of both with bench/ort_bench.js and prints
median images/s, the ratio to onnxruntime and median CPU ms per batch.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import layer_profile as lp  # noqa: E402

# (input channels, output channels, output size, stride): 3x3, padding 1.
LAYERS = [(512, 512, 7, 1), (256, 256, 14, 1), (512, 512, 8, 1), (256, 512, 8, 1),
          (256, 256, 16, 1), (512, 512, 4, 1), (128, 128, 28, 1), (256, 512, 7, 2),
          (128, 256, 14, 2), (64, 64, 56, 1)]
SIZES = {"resnet18": 224, "vgg16": 64, "mobilenet_v2": 224}


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit("command failed: %s\n%s%s" % (" ".join(cmd), r.stdout, r.stderr))
    return r.stdout


def layer_onnx(i, path):
    """Conv i of LAYERS (+ ReLU) with a dynamic batch, for layer_profile."""
    c, f, out, s = LAYERS[i]
    h = out * s
    r = np.random.default_rng(i)
    g = helper.make_graph(
        [helper.make_node("Conv", ["x", "w", "b"], ["c"], kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[s, s]),
         helper.make_node("Relu", ["c"], ["y"])], "layer",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", c, h, h])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        [numpy_helper.from_array((r.standard_normal((f, c, 3, 3)) * 0.05).astype(np.float32), "w"),
         numpy_helper.from_array(r.standard_normal(f).astype(np.float32), "b")])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 7
    onnx.save(m, path)


def ours(exe, threads, iterations):
    """(wall ms per call from `bench`, CPU ms per call from rusage)."""
    def once(n):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        j = json.loads(run([exe, "bench", "--threads=%d" % threads, "--iterations=%d" % n, "--json"]))
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        return j["ms_per_batch"], (r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime) * 1000
    _, c0 = once(iterations)
    w, c1 = once(3 * iterations)
    return w, (c1 - c0) / (2 * iterations)


def theirs(onnx_path, shape, threads, seconds):
    j = json.loads(run(["node", os.path.join(HERE, "ort_bench.js"), onnx_path, "x".join(map(str, shape)),
                        str(threads), str(seconds)]))
    return j["ms_per_batch"], j["cpu_ms_per_batch"]


def compare_layers(a, builds):
    print("| layer | base ms (GFLOP/s) | new ms (GFLOP/s) | ort ms (GFLOP/s) | CPU ms base / new / ort "
          "| ort/new (wall) | ort/new (CPU) |")
    print("|---|---|---|---|---|---|---|")
    only = [int(i) for i in a.only.split(",")] if a.only else range(len(LAYERS))
    for i in only:
        d = os.path.join(a.out, "layer%d_b%d" % (i, a.batch))
        os.makedirs(d, exist_ok=True)
        layer_onnx(i, os.path.join(d, "model.onnx"))
        L = lp.layers(os.path.join(d, "model.onnx"), a.batch)[0]
        w, b = lp.one_layer(L, os.path.join(d, "l.onnx"))
        lp.tosa_layer(L, w, b, os.path.join(d, "l.mlir"))
        exes = {}
        for tag, build in builds.items():
            exes[tag] = os.path.join(d, tag + ".exe")
            run([os.path.join(build, "bin", "netrewrite-compile"), os.path.join(d, "l.mlir"), "--target=cpu",
                 "-O3", "-o", exes[tag]])
        wall = {k: [] for k in list(exes) + ["ort"]}
        cpu = {k: [] for k in wall}
        for _ in range(a.rounds):
            for tag, exe in exes.items():
                x, c = ours(exe, a.threads, 2)
                wall[tag].append(x)
                cpu[tag].append(c)
            x, c = theirs(os.path.join(d, "l.onnx"), L["in"], a.threads, 0.5)
            wall["ort"].append(x)
            cpu["ort"].append(c)
        fl = lp.flops(L)
        best = {k: min(v) for k, v in wall.items()}
        med = {k: statistics.median(v) for k, v in cpu.items()}
        print("| %s | %.1f (%.0f) | %.1f (%.0f) | %.1f (%.0f) | %.1f / %.1f / %.1f | %.2f | %.2f |" % (
            lp.describe(L), best["base"], fl / best["base"] * 1e-6, best["new"], fl / best["new"] * 1e-6,
            best["ort"], fl / best["ort"] * 1e-6, med["base"], med["new"], med["ort"],
            best["ort"] / best["new"], med["ort"] / med["new"]), flush=True)


def compare_model(a, builds):
    name = a.name
    if name not in SIZES:
        sys.exit("unknown model %s (one of %s)" % (name, ", ".join(SIZES)))
    size = SIZES[name]
    os.makedirs(a.out, exist_ok=True)
    onnx_path = os.path.join(a.out, name + ".onnx")
    if not os.path.exists(onnx_path):
        run(["/usr/bin/python3", os.path.join(HERE, "real_models.py"), "torchvision", name, str(size), onnx_path])
    flops = int(run(["/usr/bin/python3", os.path.join(HERE, "real_models.py"), "flops", onnx_path]))
    shape = [a.batch, 3, size, size]
    exes = {}
    for tag, build in builds.items():
        mlir = os.path.join(a.out, "%s_b%d_%s.mlirbc" % (name, a.batch, tag))
        exes[tag] = os.path.splitext(mlir)[0] + ".exe"
        run([os.path.join(build, "bin", "netrewrite-import"), onnx_path,
             "--input-shape=" + "x".join(map(str, shape)), "-o", mlir])
        flags = (a.base_flags if tag == "base" else a.new_flags).split()
        run([os.path.join(build, "bin", "netrewrite-compile"), mlir, "--target=cpu", "-O3"] + flags +
            ["-o", exes[tag]])
    x = np.random.default_rng(3).uniform(-1, 1, shape).astype(np.float32)
    xn, xb, yb = (os.path.join(a.out, n) for n in ("x.npy", "x.bin", "y.bin"))
    np.save(xn, x)
    x.astype("<f4").tofile(xb)
    run(["node", os.path.join(HERE, "ort_bench.js"), onnx_path, "x".join(map(str, shape)), "1", "0", xb, yb])
    for tag, exe in exes.items():
        yn = os.path.join(a.out, "y_%s.npy" % tag)
        run([exe, "predict", "--input=@" + xn, "--output=@" + yn])
        y = np.load(yn)
        ref = np.fromfile(yb, "<f4").reshape(y.shape)
        print("%s: max abs diff vs onnxruntime %.2g (max |onnxruntime| %.3g)" % (
            tag, np.abs(y - ref).max(), np.abs(ref).max()))
    iters = {}
    for tag, exe in exes.items():
        probe = json.loads(run([exe, "bench", "--threads=%d" % a.threads, "--iterations=1", "--json"]))
        iters[tag] = max(3, int(2000 / max(probe["ms_per_batch"], 1e-3)))
    ips = {k: [] for k in list(exes) + ["ort"]}
    cpu = {k: [] for k in ips}
    loads = []
    for _ in range(a.rounds):
        loads.append(open("/proc/loadavg").read().split()[0])
        for tag, exe in exes.items():
            w, c = ours(exe, a.threads, iters[tag])
            ips[tag].append(a.batch * 1000 / w)
            cpu[tag].append(c)
        w, c = theirs(onnx_path, shape, a.threads, 2)
        ips["ort"].append(a.batch * 1000 / w)
        cpu["ort"].append(c)
    print("%s batch %d, %d thread(s), load %s" % (name, a.batch, a.threads, "-".join(loads)))
    ort = statistics.median(ips["ort"])
    for k, v in ips.items():
        m = statistics.median(v)
        print("  %-4s %7.1f img/s (%4.0f GFLOP/s)  ratio to onnxruntime %.2f  CPU %.1f ms/batch" % (
            k, m, m * flops * 1e-9, m / ort, statistics.median(cpu[k])))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["layers", "model"])
    ap.add_argument("name", nargs="?")
    ap.add_argument("--base", required=True, help="build directory before the change")
    ap.add_argument("--new", default=os.path.join(ROOT, "build"))
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--only", help="layers: comma-separated indices into LAYERS")
    ap.add_argument("--base-flags", default="",
                    help="model: extra netrewrite-compile flags for base (e.g. --split-batch=false, "
                         "to compare two settings of one build)")
    ap.add_argument("--new-flags", default="", help="model: extra netrewrite-compile flags for new")
    ap.add_argument("--out", default="/tmp/netrewrite-compare")
    a = ap.parse_args()
    builds = {"base": a.base, "new": a.new}
    (compare_layers if a.what == "layers" else compare_model)(a, builds)


if __name__ == "__main__":
    main()
