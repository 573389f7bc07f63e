#!/usr/bin/python3
"""netrewrite vs onnxruntime-node on the same models, same batch, same
thread count, in the same run.

  /usr/bin/python3 bench/run.py [--build build] [--threads 2] [--batches 1,32]
                                [--seconds 3] [--rounds 3] [--out DIR]

For each model and batch: compiles it with netrewrite-compile -O3, checks
that the executable's output equals onnxruntime's (max relative error), then
alternates timing runs of both (`exe bench` vs bench/ort_bench.js) `rounds`
times and reports the medians: images/s, the ratio ours/onnxruntime, and
achieved GFLOP/s against the measured FMA peak (bench/fma_peak.c) for the
thread count. Prints a markdown table. Also times single-threaded kernels.
Needs bench/install-onnxruntime.sh to have run.

Real models (--models resnet18,mobilenet_v2,vgg16,nsfwjs_mobilenet_v2): the
ONNX file comes from bench/real_models.py (torchvision export with random
weights, or the nsfwjs TFJS model converted with its real weights, checked
against TFJS's CPU backend); netrewrite imports the torchvision ONNX file, and
the nsfwjs model.json itself, with --input-shape at each batch (the compiled
batch is static) and compiles that.
"""
import argparse, json, os, statistics, subprocess, sys, tempfile
import numpy as np

# Real models: name -> (source, input size). torchvision ones are NCHW,
# the Keras one NHWC.
REAL = {"resnet18": ("torchvision", 224), "mobilenet_v2": ("torchvision", 224),
        "vgg16": ("torchvision", 64), "nsfwjs_mobilenet_v2": ("keras", 224)}
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
p = argparse.ArgumentParser()
p.add_argument("--build", default=os.path.join(ROOT, "build"))
p.add_argument("--threads", type=int, default=2)
p.add_argument("--batches", default="1,32")
p.add_argument("--seconds", type=float, default=3)
p.add_argument("--rounds", type=int, default=3)
p.add_argument("--out", default=None)
p.add_argument("--models", default="conv3x3,conv3x3_deep,conv1x1,depthwise3x3,matmul,small_cnn",
               help="kernels (conv3x3,conv3x3_deep,conv1x1,depthwise3x3,matmul,small_cnn) and/or "
                    "real models (" + ",".join(REAL) + ")")
a = p.parse_args()
out = a.out or tempfile.mkdtemp(prefix="netrewrite-bench-")
os.makedirs(out, exist_ok=True)
compile_tool = os.path.join(a.build, "bin", "netrewrite-compile")
import_tool = os.path.join(a.build, "bin", "netrewrite-import")
NSFWJS = os.path.join(ROOT, ".cache", "npm-keras", "models", "nsfwjs_mobilenet_v2", "model.json")

def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit("command failed: %s\n%s%s" % (" ".join(cmd), r.stdout, r.stderr))
    return r.stdout

def peak(threads):
    exe = os.path.join(out, "fma_peak")
    if not os.path.exists(exe):
        run(["/usr/lib/llvm-22/bin/clang", "-O2", "-march=native", "-ffp-contract=fast",
             "-fopenmp", os.path.join(HERE, "fma_peak.c"), "-o", exe])
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    return float(run([exe], env=env).split()[0])  # all threads, CPU-time based

def models(batch):
    wanted = a.models.split(",")
    if not any(n not in REAL for n in wanted):
        return [real(n, batch) for n in wanted]
    d = os.path.join(out, "b%d" % batch)
    run(["/usr/bin/python3", os.path.join(HERE, "gen_kernels.py"), d, "--batch", str(batch)])
    specs = json.load(open(os.path.join(d, "specs.json")))
    cnn = os.path.join(d, "small_cnn")
    run(["/usr/bin/python3", os.path.join(ROOT, "test", "Integration", "Inputs", "gen_small_cnn.py"),
         cnn, "--batch", str(batch), "--size", "32", "--channels", "3", "--onnx"])
    # conv3x3 8 + dw 8 + conv1x1 + dense, at 32x32: FLOPs of the small CNN.
    H = 32
    f = 2 * batch * (H * H * 8 * 9 * 3 + H * H * 8 * 9 + (H // 2) ** 2 * 16 * 8 + (H // 4) ** 2 * 16 * 10)
    specs.append({"name": "small_cnn", "flops": f, "input": [batch, H, H, 3],
                  "mlir": os.path.join(cnn, "model.mlir"), "onnx": os.path.join(cnn, "model.onnx")})
    for s in specs:
        s.setdefault("mlir", os.path.join(d, s["name"] + ".mlir"))
        s.setdefault("onnx", os.path.join(d, s["name"] + ".onnx"))
    specs = [s for s in specs if s["name"] in a.models.split(",")]
    return specs + [real(n, batch) for n in wanted if n in REAL]

def real(name, batch):
    """A real model at `batch`: ONNX for onnxruntime (made once, dynamic
    batch), imported and compiled for netrewrite per batch."""
    src, size = REAL[name]
    onnx_path = os.path.join(out, "real", name + ".onnx")
    if not os.path.exists(onnx_path):
        os.makedirs(os.path.dirname(onnx_path), exist_ok=True)
        tool = os.path.join(HERE, "real_models.py")
        if src == "torchvision":
            run(["/usr/bin/python3", tool, "torchvision", name, str(size), onnx_path])
        else:
            run(["/usr/bin/python3", tool, "keras", NSFWJS, onnx_path])
            converter_check(onnx_path)
    shape = [batch, 3, size, size] if src == "torchvision" else [batch, size, size, 3]
    flops = int(run(["/usr/bin/python3", os.path.join(HERE, "real_models.py"), "flops", onnx_path]))
    mlir = os.path.join(out, "b%d" % batch, name + ".mlirbc")
    os.makedirs(os.path.dirname(mlir), exist_ok=True)
    run([import_tool, onnx_path if src == "torchvision" else NSFWJS,
         "--input-shape=" + "x".join(map(str, shape)), "-o", mlir])
    return {"name": name, "flops": batch * flops, "input": shape, "mlir": mlir, "onnx": onnx_path,
            # images in [0, 1] for the Keras model (nsfwjs scales by 1/255),
            # [-1, 1] for the torchvision ones
            "range": (0, 1) if src == "keras" else (-1, 1)}

def converter_check(onnx_path):
    """The Keras->ONNX conversion against TFJS's own CPU backend, batch 1."""
    rng = np.random.default_rng(5)
    xn, tn, on = (os.path.join(out, "real", n) for n in ("xk.npy", "tfjs.npy", "ort.npy"))
    np.save(xn, rng.uniform(0, 1, (1, 224, 224, 3)).astype(np.float32))
    env = dict(os.environ, NODE_PATH=os.path.join(ROOT, ".cache", "npm-keras", "node_modules"))
    run(["node", os.path.join(ROOT, "scripts", "tfjs-reference.js"), NSFWJS, xn, tn], env=env)
    run(["node", os.path.join(ROOT, "test", "Import", "ONNX", "Inputs", "ort_run.js"),
         os.path.join(ROOT, ".cache", "npm-onnx", "node_modules"), onnx_path, on, "--", xn])
    d = float(np.abs(np.load(tn) - np.load(on)).max())
    print("nsfwjs Keras->ONNX conversion vs TFJS (cpu backend), batch 1: max abs diff %.1e" % d, flush=True)
    if not d <= 1e-4:
        sys.exit("the converted nsfwjs model differs from TFJS")

def ours(exe, threads, iters):
    """Median wall ms/batch from the executable's `bench`, and CPU ms/batch
    from the child's rusage (the machine is shared: CPU time is steadier)."""
    import resource
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    j = json.loads(run([exe, "bench", "--threads=%d" % threads, "--iterations=%d" % iters, "--json"]))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    warmup = 2  # the runtime's default --warmup
    return j["ms_per_batch"], cpu * 1e3 / (iters + warmup)

def iterations(exe, threads, seconds):
    probe = json.loads(run([exe, "bench", "--threads=%d" % threads, "--iterations=1", "--json"]))
    return max(3, int(seconds * 1000 / max(probe["ms_per_batch"], 1e-3)))

def ort(s, threads, seconds):
    """Median wall ms/batch and mean CPU ms/batch of onnxruntime-node."""
    shape = "x".join(map(str, s["input"]))
    j = json.loads(run(["node", os.path.join(HERE, "ort_bench.js"), s["onnx"], shape, str(threads), str(seconds)]))
    return j["ms_per_batch"], j["cpu_ms_per_batch"]

def check(s, exe):
    """Largest |ours - onnxruntime| over the outputs, and max |onnxruntime|
    (for scale), on one random input batch."""
    lo, hi = s.get("range", (None, None))
    rng = np.random.default_rng(3)
    x = (rng.uniform(lo, hi, s["input"]) if lo is not None else rng.standard_normal(s["input"])).astype(np.float32)
    xn, yn, xb, yb = (os.path.join(out, n) for n in ("x.npy", "y.npy", "x.bin", "y.bin"))
    np.save(xn, x); x.astype("<f4").tofile(xb)
    run([exe, "predict", "--input=@" + xn, "--output=@" + yn])
    run(["node", os.path.join(HERE, "ort_bench.js"), s["onnx"], "x".join(map(str, s["input"])), "1", "0", xb, yb])
    y, r = np.load(yn), np.fromfile(yb, "<f4").reshape(np.load(yn).shape)
    return float(np.abs(y.astype(np.float64) - r).max()), float(np.abs(r).max())

def load():
    return open("/proc/loadavg").read().split()[0]

rows = []
peaks = {t: peak(t) for t in sorted({1, a.threads})}
print("FMA peak (CPU time): " + ", ".join("%d thread(s) %.1f GFLOP/s" % (t, v) for t, v in peaks.items()), flush=True)
print("load average (1 min) at start: " + load(), flush=True)
HEAD = ("| model | batch | threads | ours img/s | onnxruntime img/s | ratio ours/ort | ratio by CPU time "
        "| ours GFLOP/s (wall) | ours GFLOP/s (CPU time) | % of peak | ort GFLOP/s (wall) "
        "| max abs diff vs ort (max abs ort) | load |")
ROW = "| %s | %d | %d | %.1f | %.1f | %.2f | %.2f | %.1f | %.1f | %.0f%% | %.1f | %.1e (%.3g) | %s |"
for batch in [int(b) for b in a.batches.split(",")]:
    for s in models(batch):
        exe = os.path.splitext(s["mlir"])[0] + ".exe"
        run([compile_tool, s["mlir"], "--target=cpu", "-O3", "-o", exe])
        err, scale = check(s, exe)
        for threads in sorted({1, a.threads}) if s["name"] != "small_cnn" else [a.threads]:
            mine, mine_cpu, theirs, theirs_cpu, loads = [], [], [], [], []
            iters = iterations(exe, threads, a.seconds)
            for _ in range(a.rounds):
                loads.append(float(load()))
                w, c = ours(exe, threads, iters)
                mine.append(w); mine_cpu.append(c)
                w, c = ort(s, threads, a.seconds)
                theirs.append(w); theirs_cpu.append(c)
            m, t = statistics.median(mine), statistics.median(theirs)
            # ort CPU ms / our CPU ms per batch: steadier than wall clock on
            # a shared machine; both runtimes' idle threads spin, so for
            # several threads it compares busy time, not useful work.
            cpu_ratio = statistics.median(theirs_cpu) / statistics.median(mine_cpu)
            gf = s["flops"] / (m * 1e-3) * 1e-9
            # % of peak from CPU time, like the peak itself (the machine is
            # shared; OpenMP's spin-waiting counts as busy, so this is a
            # lower bound for several threads).
            gf_cpu = s["flops"] / (statistics.median(mine_cpu) / threads * 1e-3) * 1e-9
            rows.append((s["name"], batch, threads, batch / m * 1e3, batch / t * 1e3, t / m, cpu_ratio, gf,
                         gf_cpu, 100 * gf_cpu / peaks[threads], s["flops"] / (t * 1e-3) * 1e-9, err, scale,
                         "%.1f-%.1f" % (min(loads), max(loads))))
            print(ROW % rows[-1], flush=True)

print()
print("load average (1 min) at end: " + load())
print(HEAD)
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    print(ROW % r)
