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
"""
import argparse, json, os, statistics, subprocess, sys, tempfile
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
p = argparse.ArgumentParser()
p.add_argument("--build", default=os.path.join(ROOT, "build"))
p.add_argument("--threads", type=int, default=2)
p.add_argument("--batches", default="1,32")
p.add_argument("--seconds", type=float, default=3)
p.add_argument("--rounds", type=int, default=3)
p.add_argument("--out", default=None)
p.add_argument("--models", default="conv3x3,conv1x1,depthwise3x3,matmul,small_cnn")
a = p.parse_args()
out = a.out or tempfile.mkdtemp(prefix="netrewrite-bench-")
os.makedirs(out, exist_ok=True)
compile_tool = os.path.join(a.build, "bin", "netrewrite-compile")

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
    return [s for s in specs if s["name"] in a.models.split(",")]

def ours(exe, threads, seconds):
    """Median wall ms/batch from the executable's `bench`, and CPU ms/batch
    from the child's rusage (the machine is shared: CPU time is steadier)."""
    import resource
    probe = json.loads(run([exe, "bench", "--threads=%d" % threads, "--iterations=1", "--json"]))
    iters = max(3, int(seconds * 1000 / max(probe["ms_per_batch"], 1e-3)))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    j = json.loads(run([exe, "bench", "--threads=%d" % threads, "--iterations=%d" % iters, "--json"]))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    warmup = 2  # the runtime's default --warmup
    return j["ms_per_batch"], cpu * 1e3 / (iters + warmup)

def ort(s, threads, seconds):
    shape = "x".join(map(str, s["input"]))
    return json.loads(run(["node", os.path.join(HERE, "ort_bench.js"), s["onnx"], shape, str(threads), str(seconds)]))["ms_per_batch"]

def check(s, exe):
    x = np.random.default_rng(3).standard_normal(s["input"]).astype(np.float32)
    xn, yn, xb, yb = (os.path.join(out, n) for n in ("x.npy", "y.npy", "x.bin", "y.bin"))
    np.save(xn, x); x.astype("<f4").tofile(xb)
    run([exe, "predict", "--input=@" + xn, "--output=@" + yn])
    run(["node", os.path.join(HERE, "ort_bench.js"), s["onnx"], "x".join(map(str, s["input"])), "1", "0", xb, yb])
    y, r = np.load(yn), np.fromfile(yb, "<f4").reshape(np.load(yn).shape)
    return float((np.abs(y - r) / np.maximum(1, np.abs(r))).max())

rows = []
peaks = {t: peak(t) for t in sorted({1, a.threads})}
print("FMA peak (CPU time): " + ", ".join("%d thread(s) %.1f GFLOP/s" % (t, v) for t, v in peaks.items()), flush=True)
for batch in [int(b) for b in a.batches.split(",")]:
    for s in models(batch):
        exe = os.path.splitext(s["mlir"])[0] + ".exe"
        run([compile_tool, s["mlir"], "--target=cpu", "-O3", "-o", exe])
        err = check(s, exe)
        for threads in sorted({1, a.threads}) if s["name"] != "small_cnn" else [a.threads]:
            mine, mine_cpu, theirs = [], [], []
            for _ in range(a.rounds):
                w, c = ours(exe, threads, a.seconds)
                mine.append(w); mine_cpu.append(c)
                theirs.append(ort(s, threads, a.seconds))
            m, t = statistics.median(mine), statistics.median(theirs)
            gf = s["flops"] / (m * 1e-3) * 1e-9
            # % of peak from CPU time, like the peak itself (the machine is
            # shared; OpenMP's spin-waiting counts as busy, so this is a
            # lower bound for several threads).
            gf_cpu = s["flops"] / (statistics.median(mine_cpu) / threads * 1e-3) * 1e-9
            rows.append((s["name"], batch, threads, batch / m * 1e3, batch / t * 1e3, t / m, gf,
                         gf_cpu, 100 * gf_cpu / peaks[threads], s["flops"] / (t * 1e-3) * 1e-9, err))
            print("| %s | %d | %d | %.1f | %.1f | %.2f | %.1f | %.1f | %.0f%% | %.1f | %.1e |" % rows[-1], flush=True)

print()
print("| model | batch | threads | ours img/s | onnxruntime img/s | ratio ours/ort | ours GFLOP/s (wall) | ours GFLOP/s (CPU time) | % of peak | ort GFLOP/s (wall) | max rel. diff vs ort |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    print("| %s | %d | %d | %.1f | %.1f | %.2f | %.1f | %.1f | %.0f%% | %.1f | %.1e |" % r)
