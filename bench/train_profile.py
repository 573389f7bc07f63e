#!/usr/bin/python3
"""Where a training executable's @train_step spends its time, op by op.

  train_profile.py DIR [--build build] [--threads 2] [--steps 6] [--top 25]
                   [--reuse]

DIR holds model.mlirbc and model.train as bench/train_bench.py --out writes
them (model.train compiled from model.mlirbc with --optimizer=rmsprop -O3).
Records `model.train train` with perf, then maps each sampled symbol back to
the op it was generated from:

  train_step..omp_par[.N]  the parallel scf.forall loops of @train_step, in
                           order (LLVM numbers the outlined regions with one
                           module-wide counter, so sorting by suffix gives
                           the order of the loops);
  train_step..loop.K       the K-th serial loop nest outlined by
                           netrewrite-outline-serial-loops;
  train_step               host code of @train_step itself.

The loops and their locations come from the IR right before
netrewrite-outline-serial-loops (the CPU pipeline run by netrewrite-opt
with --mlir-print-ir-before). A loop's location names its layer (the ONNX
node name, whose last part is the op type) and, for gradient ops, the part
of the gradient (grad-input, grad-weight, grad-bias, grad: see
lib/Training/Autodiff.cpp). Prints the share of all samples by
(part, layer op type), then the top loops.
"""
import argparse, collections, os, re, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = "/usr/share/datasets/fashion-mnist"

p = argparse.ArgumentParser()
p.add_argument("dir")
p.add_argument("--build", default=os.path.join(ROOT, "build"))
p.add_argument("--threads", type=int, default=2)
p.add_argument("--batch", type=int, default=32)
p.add_argument("--steps", type=int, default=6)
p.add_argument("--top", type=int, default=25)
p.add_argument("--reuse", action="store_true",
               help="report DIR/perf.data of an earlier run instead of recording")
a = p.parse_args()
opt = os.path.join(a.build, "bin", "netrewrite-opt")
mlirbc, exe = (os.path.join(a.dir, f) for f in ("model.mlirbc", "model.train"))


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit("command failed: %s\n%s" % (" ".join(cmd), r.stderr[-3000:]))
    return r


# 1. The loops of @train_step right before outlining, with their locations.
ir_path = os.path.join(a.dir, "before-outline.mlir")
if not os.path.exists(ir_path):
    train = os.path.join(a.dir, "train.mlirbc")
    run([opt, mlirbc, "--pass-pipeline=builtin.module(netrewrite-extract-params,"
         " netrewrite-build-train-step{optimizer=rmsprop})", "-o", train])
    r = subprocess.run(
        [opt, train, "--netrewrite-lower-cpu=opt-level=3",
         "--mlir-print-ir-before=netrewrite-outline-serial-loops",
         "--mlir-print-debuginfo", "--mlir-print-local-scope", "-o", os.devnull],
        stdout=subprocess.DEVNULL, stderr=open(ir_path, "w"))
    if r.returncode != 0:
        sys.exit("netrewrite-opt failed; see " + ir_path)

lines = open(ir_path).read().split("\n")
start = next(i for i, l in enumerate(lines) if "func.func @train_step(" in l)
parallel, serial = [], []
i = start + 1
while i < len(lines) and not re.match(r"^  \}", lines[i]):
    if re.match(r"^    (%\S+ = )?scf\.forall", lines[i]):
        j, ops = i + 1, collections.Counter()
        while not re.match(r"^    \}", lines[j]):
            m = re.match(r"^\s*(?:%\S+ = )?\"?([a-z_]+\.[a-z_.]+)", lines[j])
            if m:
                ops[m.group(1)] += 1
            j += 1
        loc = re.search(r"loc\((.*)\)\s*$", lines[j])
        loc = loc.group(1) if loc else "?"
        marked = "netrewrite.serial_loop" in loc
        tag = re.search(r'fused<"(grad[a-z-]*)">', loc)
        tag = tag.group(1) if tag else "forward"
        names = re.findall(r'"([^"]+)"', loc)
        names = [n for n in names if not n.startswith(("netrewrite.", "grad"))
                 and not n.endswith((".onnx", ".mlir", ".mlirbc"))]
        layer = names[0] if names else "?"
        kind = "contraction" if any(k in ops for k in (
            "vector.contract", "vector.fma", "vector.outerproduct")) else (
            "reduction" if "vector.reduction" in ops or "vector.multi_reduction" in ops
            else "elementwise/copy")
        # Serial loops run on one thread while the others wait in libomp.
        if marked:
            kind += " (serial)"
        (serial if marked else parallel).append((tag, layer, kind))
        i = j
    i += 1

# 2. The profile.
data = os.path.join(a.dir, "perf.data")
log = os.path.join(a.dir, "profile-log.csv")
if not (a.reuse and os.path.exists(data)):
  run(["perf", "record", "-q", "-F", "499", "-o", data, exe, "train", "--data=" + DATA,
     "--limit=%d" % (a.batch * a.steps), "--epochs=2", "--batch=%d" % a.batch,
     "--optimizer=rmsprop", "--lr=1e-4", "--seed=1", "--threads=%d" % a.threads,
     "--log=" + log, "--checkpoint=" + os.path.join(a.dir, "profile.ckpt")])
rep = run(["perf", "report", "-i", data, "--no-children", "--sort", "dso,symbol",
           "--stdio", "-q"]).stdout
samples = {}
for l in rep.split("\n"):
    m = re.match(r"\s*([\d.]+)%\s+(\S+)\s+\[(.)\]\s+(\S+)", l)
    if m:
        # libomp and libc have no symbols here: group them by library.
        dso, sym = m.group(2), m.group(4)
        if dso != os.path.basename(os.path.realpath(exe)):
            sym = "[%s] %s" % (dso, "kernel" if m.group(3) == "k" else "")
        samples[sym] = samples.get(sym, 0.0) + float(m.group(1))


def suffix(name):
    m = re.search(r"\.(\d+)$", name)
    return int(m.group(1)) if m else -1


omp = sorted((s for s in samples if s.startswith("train_step..omp_par")), key=suffix)
# Sampled symbols only: map by suffix through the list of all of them.
nm = run(["nm", exe]).stdout
all_omp = sorted(set(re.findall(r"\b(train_step\.\.omp_par(?:\.\d+)?)\b", nm)), key=suffix)
if len(all_omp) != len(parallel):
    print("warning: %d parallel regions in the executable, %d parallel loops in the IR"
          % (len(all_omp), len(parallel)))
where = {}
for k, s in enumerate(all_omp):
    if k < len(parallel):
        where[s] = parallel[k]
for k, loop in enumerate(serial):
    where["train_step..loop.%d" % k] = loop

groups = collections.Counter()
rows = []
for s, share in samples.items():
    if s in where:
        tag, layer, kind = where[s]
        optype = layer.rsplit("/", 1)[-1]
        groups[(tag, optype, kind)] += share
        rows.append((share, s, tag, layer, kind))
    elif s == "train_step":
        groups[("host code of @train_step", "", "")] += share
    elif s.startswith("[libomp"):
        groups[("libomp (threads waiting at barriers, fork/join)", "", "")] += share
    elif s.startswith("forward"):
        groups[("@forward (not in training)", "", "")] += share
    else:
        groups[("other: runtime (data, checkpoints), kernel (page faults), libc", "", "")] += share
print("| part | layer op | loop kind | share |")
print("|---|---|---|---|")
for (tag, optype, kind), share in groups.most_common():
    if share >= 0.3:
        print("| %s | %s | %s | %.1f%% |" % (tag, optype, kind, share))
print()
print("| share | symbol | part | layer | loop kind |")
print("|---|---|---|---|---|")
for share, s, tag, layer, kind in sorted(rows, reverse=True)[:a.top]:
    print("| %.1f%% | %s | %s | %s | %s |" % (share, s, tag, layer, kind))
