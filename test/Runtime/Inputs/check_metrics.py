"""check_metrics.py EVAL.json EXPECTED.txt N: the executable's metrics equal
numpy's (within 1e-3) on N examples."""
import json, sys
e = json.load(open(sys.argv[1]))
x = open(sys.argv[2]).read().split()
want = {"accuracy": float(x[1]), "top5": float(x[3]), "loss": float(x[5])}
assert e["examples"] == int(sys.argv[3]), e
for k, v in want.items():
    assert abs(e[k] - v) < 1e-3, (k, e[k], v)
assert e["images_per_s"] > 0, e
print("ok", e)
