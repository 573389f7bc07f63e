"""replay.py TOOL INPUT.mlir DIR...: run every file in DIRs as a rule file.

The fuzzer's corpus and its crash/hang regressions must each either be
accepted (exit 0) or rejected with a located `error:` (exit 1): never a
crash, a hang or a silent failure.
"""
import os
import subprocess
import sys

tool, model, dirs = sys.argv[1], sys.argv[2], sys.argv[3:]
count = 0
bad = []
for d in dirs:
    for name in sorted(os.listdir(d)):
        path = os.path.join(d, name)
        count += 1
        try:
            p = subprocess.run([tool, "--rewrite=" + path, model, "-o", os.devnull],
                               capture_output=True, timeout=20)
        except subprocess.TimeoutExpired:
            bad.append(f"{path}: timeout")
            continue
        err = p.stderr.decode("utf-8", "replace")
        if p.returncode == 0:
            continue
        if p.returncode != 1 or (path + ":") not in err or "error:" not in err:
            bad.append(f"{path}: exit {p.returncode}: {err[:300]}")
for b in bad:
    print(b)
print(f"replayed {count} files, {len(bad)} bad")
sys.exit(1 if bad or count == 0 else 0)
