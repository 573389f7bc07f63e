#!/usr/bin/python3
"""rulegen.py TOOL SEED COUNT MODEL.mlir...: generative test of the rewriter.

Writes COUNT random rule files over the whole layer vocabulary (matches with
activation constraints, captures, name globs and alternatives; insert
after/before, delete, replace with the matched layer anywhere in the list)
and runs each on every model with `TOOL --rewrite=FILE`. Every run must either
succeed or be rejected with a located error in the rule file (never a crash
or an IR verifier failure), and a file that applies must be idempotent:
applying it twice prints the same module as applying it once.
"""
import os
import random
import subprocess
import sys
import tempfile

tool, seed, count, models = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
rng = random.Random(seed)
LAYERS = ["conv", "dwconv", "dense", "bn", "relu", "relu6", "sigmoid", "hswish",
          "maxpool", "avgpool", "gap", "add", "concat", "dropout", "flatten",
          "softmax"]
NEW = ["bn", "dropout[rate=0.1]", "relu", "relu6", "sigmoid", "hswish", "$a"]
ACTS = ["none", "relu", "relu6", "sigmoid", "hswish", "$a"]
GLOBS = ["*", "block*", "b?ock1_*", "fc*", "x"]


def match():
    layer = rng.choice(LAYERS)
    attrs = []
    if layer in ("conv", "dwconv", "dense") and rng.random() < 0.6:
        attrs.append("act=" + rng.choice(ACTS))
    if rng.random() < 0.2:
        attrs.append('name="%s"' % rng.choice(GLOBS))
    return layer + ("[" + ", ".join(attrs) + "]" if attrs else "")


def rule():
    alts = [match() for _ in range(rng.choice([1, 1, 1, 2]))]
    items = [rng.choice(NEW) for _ in range(rng.randint(1, 3))]
    k = rng.random()
    if k < 0.3:
        action = "insert after " + ", ".join(items)
    elif k < 0.45:
        action = "insert before " + ", ".join(items)
    elif k < 0.55:
        action = "delete"
    else:
        kept = alts[0].split("[")[0] + rng.choice(
            ["", "[act=none]", "[act=relu6]", "[act=$a]", "[rate=0.3]"])
        cut = rng.randint(0, len(items))
        action = "replace " + ", ".join(items[:cut] + [kept] + items[cut:])
    return "match " + " | ".join(alts) + " -> " + action


def run(args):
    return subprocess.run([tool] + args, capture_output=True, timeout=120)


bad = applied = rejected = 0
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "gen.nrr")
    for _ in range(count):
        text = "\n".join(rule() for _ in range(rng.randint(1, 3))) + "\n"
        with open(path, "w") as f:
            f.write(text)
        for model in models:
            once = run(["--rewrite=" + path, model])
            err = once.stderr.decode("utf-8", "replace")
            if once.returncode == 1 and path + ":" in err and "error:" in err:
                rejected += 1
                continue
            if once.returncode != 0:
                bad += 1
                print(f"FAILED ({once.returncode}) on {model}:\n{text}{err[:800]}")
                continue
            applied += 1
            twice = run(["--rewrite=" + path, "--rewrite=" + path, model])
            if twice.returncode != 0 or twice.stdout != once.stdout:
                bad += 1
                print(f"NOT IDEMPOTENT on {model}:\n{text}")
print(f"rule files: {count}, applied: {applied}, rejected: {rejected}, bad: {bad}")
sys.exit(1 if bad or applied == 0 else 0)
