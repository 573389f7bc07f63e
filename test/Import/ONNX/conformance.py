#!/usr/bin/python3
"""ONNX backend node-test conformance runner for netrewrite-import.

For every node test in Debian's libonnx-testdata whose operator is one the
importer supports, this imports model.onnx, runs it with netrewrite-run on
test_data_set_0's inputs and compares with the expected outputs
(rtol 1e-4, atol 1e-5). Integer inputs (indices, shapes, axes) are baked into
the model as initializers, because the importer folds them at import time;
tests that need what the importer does not do (integer outputs, 1-D/3-D
windows, ...) are reported as unsupported with the importer's reason.

Tests run in parallel (--jobs, default 2), one netrewrite-run each.

Usage: conformance.py --bin BUILD/bin [--jobs 2] [--markdown OUT.md]
                      [--filter REGEX] [--verbose]
"""

import argparse
import collections
import concurrent.futures
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

TESTDATA = "/usr/share/libonnx-testdata/data/node"

# The operators the importer supports (issue 3's list).
SUPPORTED = [
    "Conv", "ConvTranspose", "BatchNormalization", "Relu", "Clip",
    "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Add", "Sub",
    "Mul", "Div", "MaxPool", "AveragePool", "GlobalAveragePool", "Gemm",
    "MatMul", "Flatten", "Reshape", "Transpose", "Concat", "Softmax",
    "Dropout", "Pad", "Resize", "ReduceMean", "Squeeze", "Unsqueeze",
    "Shape", "Slice", "Gather", "Identity",
    # Beyond the list, supported and therefore tested too.
    "GlobalMaxPool", "ReduceSum", "ReduceMax", "Exp", "Log", "Abs", "Neg",
    "Sqrt", "Reciprocal", "Pow", "Max", "Min", "Cast",
    "ConstantOfShape", "Upsample", "Erf",
]

# Ops whose inputs after the first are parameters the importer needs at
# import time; the runner bakes them into the model.
PARAM_INPUT_OPS = {"Clip", "Resize", "Upsample", "Pad", "Dropout"}

# Test-name stems that do not spell the op name.
ALIASES = {
    "basic_conv": "Conv", "batchnorm": "BatchNormalization",
    "constant_pad": "Pad", "edge_pad": "Pad", "reflect_pad": "Pad",
    "reduce_mean": "ReduceMean",
}


def op_of_test(name, model):
    """The operator a node test exercises, or None if not one of ours."""
    stem = name[len("test_"):]
    nodes = model.graph.node
    if len(nodes) == 1 and not stem.endswith("_expanded"):
        op = nodes[0].op_type
        return op if op in SUPPORTED else None
    for alias, op in ALIASES.items():
        if stem.startswith(alias + "_") or stem == alias:
            return op
    best = None
    for op in SUPPORTED:
        low = op.lower()
        if stem == low or stem.startswith(low + "_"):
            if best is None or len(op) > len(best):
                best = op
    return best


def load_proto(path):
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return t


def load_pb(path):
    return numpy_helper.to_array(load_proto(path))


def prepare(test_dir, work):
    """Returns (status, reason, model_path, inputs, outputs)."""
    model = onnx.load(os.path.join(test_dir, "model.onnx"))
    data = os.path.join(test_dir, "test_data_set_0")
    inits = {t.name for t in model.graph.initializer}
    graph_inputs = [i for i in model.graph.input if i.name not in inits]
    inputs = []
    for k, inp in enumerate(graph_inputs):
        p = os.path.join(data, "input_%d.pb" % k)
        if not os.path.exists(p):
            return "unsupported", "optional/sequence input %s" % inp.name, None, None, None
        if not inp.type.HasField("tensor_type"):
            return "unsupported", "non-tensor input %s" % inp.name, None, None, None
        inputs.append((inp, load_pb(p)))
    outputs = []
    for k, out in enumerate(model.graph.output):
        p = os.path.join(data, "output_%d.pb" % k)
        if not out.type.HasField("tensor_type"):
            return "unsupported", "non-tensor output %s" % out.name, None, None, None
        arr = load_pb(p)
        if arr.dtype != np.float32:
            return "unsupported", "output '%s' has type %s (float32 only)" % (
                out.name, arr.dtype), None, None, None
        outputs.append(arr)
    # Bake integer inputs (indices, shapes, axes) into the model: the importer
    # needs them at import time. Float inputs stay function arguments.
    op = model.graph.node[0].op_type if len(model.graph.node) == 1 else ""
    if (op == "Dropout" and len(inputs) > 2 and inputs[2][1].item()
            and inputs[1][1].item() > 0):
        return ("unsupported", "training_mode=true: the expected output is a "
                "random draw; the importer maps it to nr.dropout, which drops "
                "only under the training transform", None, None, None)
    float_inputs = []
    for k, (inp, arr) in enumerate(inputs):
        # Operator parameters passed as tensors (Clip's min/max, Resize's
        # scales, Pad's value, Dropout's ratio) are constants in real models.
        param = op in PARAM_INPUT_OPS and k > 0
        if arr.dtype == np.float32 and not param:
            float_inputs.append(arr)
            continue
        # The original TensorProto keeps the element type exactly (numpy has
        # no bfloat16, for one).
        proto = load_proto(os.path.join(data, "input_%d.pb" % k))
        proto.name = inp.name
        # bfloat16 test data is stored as uint16: keep the declared type.
        proto.data_type = inp.type.tensor_type.elem_type
        model.graph.input.remove(inp)
        model.graph.initializer.append(proto)
    path = os.path.join(work, "model.onnx")
    onnx.save(model, path)
    return "ok", "", path, float_inputs, outputs


def run_cmd(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    return p.returncode, p.stdout + p.stderr


def import_test(args, name, work):
    """Imports one test into work/; returns a result dict."""
    test_dir = os.path.join(TESTDATA, name)
    res = {"name": name, "status": "fail", "reason": ""}
    try:
        status, reason, path, inputs, outputs = prepare(test_dir, work)
    except Exception as e:  # unreadable test data is a failure of ours
        res["reason"] = "runner: %s" % e
        return res
    if status != "ok":
        res.update(status=status, reason=reason)
        return res
    mlir = os.path.join(work, "model.mlir")
    rc, out = run_cmd([os.path.join(args.bin, "netrewrite-import"), path,
                       "-o", mlir])
    if rc != 0:
        msg = out.strip().splitlines()[0] if out.strip() else "rc=%d" % rc
        msg = re.sub(r"^.*?error: ", "", msg)
        res["status"] = "unsupported" if "unsupported" in msg else "fail"
        res["reason"] = msg
        return res
    ins = []
    for k, arr in enumerate(inputs):
        p = os.path.join(work, "in%d.npy" % k)
        np.save(p, arr.copy(order="C"))
        ins.append(p)
    res.update(status="imported", mlir=mlir, inputs=ins, expected=outputs,
               work=work)
    return res


def run_one(args, res):
    """JIT-runs one imported test and compares its outputs."""
    outs = [os.path.join(res["work"], "out%d.npy" % j)
            for j in range(len(res["expected"]))]
    cmd = [os.path.join(args.bin, "netrewrite-run"), res["mlir"]]
    cmd += ["--input=@" + p for p in res["inputs"]]
    cmd += ["--output=@" + p for p in outs]
    res["outs"] = outs
    rc, out = run_cmd(cmd)
    if rc != 0:
        res.update(status="fail", reason="netrewrite-run: " +
                   (out.strip().splitlines() or ["rc=%d" % rc])[-1])
        return res
    compare(res)
    return res


def compare(res):
    for j, (p, want) in enumerate(zip(res["outs"], res["expected"])):
        got = np.load(p)
        if got.shape != want.shape:
            res.update(status="fail", reason="output %d shape %s, expected %s"
                       % (j, got.shape, want.shape))
            return
        if not np.allclose(got, want, rtol=1e-4, atol=1e-5, equal_nan=True):
            err = np.max(np.abs(got.astype(np.float64) - want))
            res.update(status="fail", reason="output %d differs (max abs "
                       "error %.3g)" % (j, err))
            return
    res.update(status="pass", reason="")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--markdown")
    ap.add_argument("--filter", default="")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()

    tests = []
    for name in sorted(os.listdir(TESTDATA)):
        if args.filter and not re.search(args.filter, name):
            continue
        path = os.path.join(TESTDATA, name, "model.onnx")
        if not os.path.exists(path):
            continue
        op = op_of_test(name, onnx.load(path, load_external_data=False))
        if op:
            tests.append((name, op))

    results = []
    with tempfile.TemporaryDirectory(prefix="nr-conformance-") as tmp:
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            imported = list(pool.map(
                lambda t: import_test(args, t[0], _mkdir(tmp, t[0])), tests))
            todo = [r for r in imported if r["status"] == "imported"]
            done = [r for r in imported if r["status"] != "imported"]
            done.extend(pool.map(lambda r: run_one(args, r), todo))
        results = done

    by_op = collections.OrderedDict((op, collections.Counter())
                                    for op in SUPPORTED)
    op_of = dict(tests)
    for r in sorted(results, key=lambda r: r["name"]):
        by_op[op_of[r["name"]]][r["status"]] += 1
        if r["status"] != "pass" and (args.verbose or r["status"] == "fail"):
            print("%-11s %s: %s" % (r["status"].upper(), r["name"], r["reason"]))
    total = collections.Counter()
    lines = ["| op | pass | fail | unsupported |", "|---|---:|---:|---:|"]
    for op, c in by_op.items():
        if not sum(c.values()):
            continue
        total.update(c)
        lines.append("| %s | %d | %d | %d |" % (op, c["pass"], c["fail"],
                                                c["unsupported"]))
    lines.append("| **total** | %d | %d | %d |" % (
        total["pass"], total["fail"], total["unsupported"]))
    unsupported = ["| %s | %s |" % (r["name"], r["reason"].replace("|", "/"))
                   for r in sorted(results, key=lambda r: r["name"])
                   if r["status"] == "unsupported"]
    print("\n".join(lines))
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write("\n".join(lines) + "\n\nUnsupported tests and why:\n\n"
                    "| test | reason |\n|---|---|\n" + "\n".join(unsupported)
                    + "\n")
    print("CONFORMANCE: %d pass, %d fail, %d unsupported" % (
        total["pass"], total["fail"], total["unsupported"]))
    return 1 if total["fail"] else 0


def _mkdir(tmp, name):
    d = os.path.join(tmp, name)
    os.makedirs(d, exist_ok=True)
    return d


if __name__ == "__main__":
    sys.exit(main())
