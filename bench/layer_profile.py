#!/usr/bin/python3
"""Per-layer timing of a model: where netrewrite loses to onnxruntime.

  layer_profile.py MODEL.onnx --batch B [--threads 1] [--seconds 1] [--out DIR]
                   [--build build] [--top N]

Every distinct Conv configuration of MODEL.onnx (with the Relu / Clip right
behind it, as both runtimes fuse it) becomes a one-layer model with random
weights, twice: ONNX (NCHW, as in the model) for onnxruntime-node, and TOSA
on NHWC data for netrewrite-compile -O3 (as the layer sits inside an imported
model: no layout transposes at its edges). Both are timed with the same
thread count. Prints, per configuration, the count in the model, ms per call
for both, and the share of the model's total each accounts for, sorted by the
time we lose (best of three alternating runs each). The sum over layers leaves out element-wise ops (residual
adds, pooling) and dense layers, which the whole-model timing includes.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper, shape_inference

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("command failed: %s\n%s%s" % (" ".join(cmd), r.stdout, r.stderr))
    return r.stdout


def layers(path, batch):
    m = onnx.load(path)
    for i in m.graph.input:
        d = i.type.tensor_type.shape.dim[0]
        d.ClearField("dim_param")
        d.dim_value = batch
    m = shape_inference.infer_shapes(m)
    shapes = {v.name: [d.dim_value for d in v.type.tensor_type.shape.dim]
              for v in list(m.graph.value_info) + list(m.graph.input) + list(m.graph.output)}
    inits = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
    consumers = {}
    for n in m.graph.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    found = {}
    for n in m.graph.node:
        if n.op_type != "Conv":
            continue
        if n.input[0] not in shapes or n.input[1] not in inits or len(shapes[n.input[0]]) != 4:
            continue  # the executables take image batches: dense layers are left out
        w = inits[n.input[1]]
        attrs = tuple(sorted((a.name, str(helper.get_attribute_value(a))) for a in n.attribute))
        post = consumers.get(n.output[0], [])
        act = post[0].op_type if len(post) == 1 and post[0].op_type in ("Relu", "Clip") else None
        key = (n.op_type, tuple(shapes[n.input[0]]), w.shape, attrs, len(n.input) > 2, act)
        if key not in found:
            found[key] = {"node": n, "w": w.shape, "in": shapes[n.input[0]], "act": act,
                          "out": shapes[n.output[0]], "count": 0}
        found[key]["count"] += 1
    return list(found.values())


def t(*s):
    return "tensor<%sxf32>" % "x".join(str(d) for d in s)


def tosa_layer(L, w_oihw, b, path):
    """The same layer as TOSA on NHWC data (as it sits inside an imported
    model), so our timing has no layout transposes at its edges: a one-layer
    ONNX model would make the importer wrap it in NCHW<->NHWC transposes that
    cost more than a cheap layer itself. Returns the NHWC input shape."""
    at = {a.name: helper.get_attribute_value(a) for a in L["node"].attribute}
    N, C, H, W = L["in"]
    _, F, OH, OW = L["out"]
    kh, kw = w_oihw.shape[2:]
    sh, sw = at.get("strides", [1, 1])
    pt, pl = at.get("pads", [0, 0, 0, 0])[:2]
    if at.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
        pt = max((OH - 1) * sh + kh - H, 0) // 2
        pl = max((OW - 1) * sw + kw - W, 0) // 2
    # TOSA wants (H - 1 + pads - (k - 1)) divisible by the stride: trim the
    # bottom/right padding the last output row/column never reads.
    pb, pr = (OH - 1) * sh + kh - H - pt, (OW - 1) * sw + kw - W - pl
    # A negative one means rows/columns no output reads (a strided 1x1
    # conv): leave them out of the input (the importer slices them off).
    if pb < 0:
        H, pb = H + pb, 0
    if pr < 0:
        W, pr = W + pr, 0
    group = at.get("group", 1)
    if group == 1:
        wt, op = w_oihw.transpose(0, 2, 3, 1), "tosa.conv2d"            # OHWI
    elif group == C and w_oihw.shape[1] == 1:
        wt, op = w_oihw.reshape(C, F // C, kh, kw).transpose(2, 3, 0, 1), "tosa.depthwise_conv2d"  # HWCM
    else:
        return None
    bias = b if b is not None else np.zeros(F, np.float32)
    act = {"Relu": "\n  %y = tosa.clamp %y0 {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (T) -> T",
           "Clip": "\n  %y = tosa.clamp %y0 {min_val = 0.0 : f32, max_val = 6.0 : f32} : (T) -> T",
           None: ""}[L["act"]].replace("T", t(N, OH, OW, F))
    K = OH * OW * F

    def blob(a):
        return "0x04000000" + np.ascontiguousarray(a).astype("<f4").tobytes().hex().upper()
    text = f"""func.func @forward(%x: {t(N, H, W, C)}) -> {t(N, K)} {{
  %z = "tosa.const"() {{values = dense<0.0> : tensor<1xf32>}} : () -> tensor<1xf32>
  %w = "tosa.const"() {{values = dense_resource<w> : {t(*wt.shape)}}} : () -> {t(*wt.shape)}
  %b = "tosa.const"() {{values = dense_resource<b> : {t(F)}}} : () -> {t(F)}
  {"%y0" if act else "%y"} = {op} %x, %w, %b, %z, %z {{acc_type = f32, pad = array<i64: {pt}, {pb}, {pl}, {pr}>, stride = array<i64: {sh}, {sw}>, dilation = array<i64: 1, 1>}} : ({t(N, H, W, C)}, {t(*wt.shape)}, {t(F)}, tensor<1xf32>, tensor<1xf32>) -> {t(N, OH, OW, F)}{act}
  %s = tosa.const_shape {{values = dense<[{N}, {K}]> : tensor<2xindex>}} : () -> !tosa.shape<2>
  %o = tosa.reshape %y, %s : ({t(N, OH, OW, F)}, !tosa.shape<2>) -> {t(N, K)}
  return %o : {t(N, K)}
}}
{{-#
  dialect_resources: {{
    builtin: {{
      w: "{blob(wt)}",
      b: "{blob(bias)}"
    }}
  }}
#-}}
"""
    open(path, "w").write(text)
    return [N, H, W, C]


def one_layer(L, path):
    """The layer alone for onnxruntime (NCHW, like the model)."""
    r = np.random.default_rng(0)
    n = L["node"]
    nodes = [helper.make_node(n.op_type, ["x", "w"] + (["b"] if len(n.input) > 2 else []),
                              ["y0" if L["act"] else "y"], **{a.name: helper.get_attribute_value(a)
                                                              for a in n.attribute})]
    inits = [numpy_helper.from_array((r.standard_normal(L["w"]) * 0.1).astype(np.float32), "w")]
    if len(n.input) > 2:
        bshape = [L["w"][0]] if n.op_type == "Conv" else [L["out"][-1]]
        inits.append(numpy_helper.from_array(r.standard_normal(bshape).astype(np.float32), "b"))
    if L["act"] == "Relu":
        nodes.append(helper.make_node("Relu", ["y0"], ["y"]))
    elif L["act"] == "Clip":
        inits += [numpy_helper.from_array(np.float32(0), "lo"), numpy_helper.from_array(np.float32(6), "hi")]
        nodes.append(helper.make_node("Clip", ["y0", "lo", "hi"], ["y"]))
    out = L["out"]
    if len(out) == 4:  # the compiled executable wants BxK scores
        nodes.append(helper.make_node("Flatten", ["y"], ["z"], axis=1))
        out = [out[0], int(np.prod(out[1:]))]
        last = "z"
    else:
        last = "y"
    g = helper.make_graph(nodes, "layer", [helper.make_tensor_value_info("x", TensorProto.FLOAT, L["in"])],
                          [helper.make_tensor_value_info(last, TensorProto.FLOAT, out)], inits)
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    onnx.save(model, path)
    w = numpy_helper.to_array(inits[0])
    b = numpy_helper.to_array(inits[1]) if len(n.input) > 2 else None
    return w, b


def describe(L):
    n = L["node"]
    at = {a.name: helper.get_attribute_value(a) for a in n.attribute}
    if n.op_type == "Conv":
        k = "x".join(map(str, L["w"][2:]))
        g = at.get("group", 1)
        kind = "depthwise" if g > 1 and g == L["in"][1] else ("group%d" % g if g > 1 else "conv")
        s = at.get("strides", [1, 1])[0]
        return "%s %s s%d %d->%d @%dx%d%s" % (kind, k, s, L["in"][1], L["out"][1], L["out"][2], L["out"][3],
                                              " +" + L["act"] if L["act"] else "")
    return "%s %s x %s" % (n.op_type, "x".join(map(str, L["in"])), "x".join(map(str, L["w"])))


def flops(L):
    if L["node"].op_type == "Conv":
        return 2 * int(np.prod(L["out"])) * int(np.prod(L["w"][1:]))
    return 2 * int(np.prod(L["out"])) * L["in"][-1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=1)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--out")
    a = ap.parse_args()
    out = a.out or tempfile.mkdtemp(prefix="netrewrite-layers-")
    os.makedirs(out, exist_ok=True)
    rows = []
    for i, L in enumerate(layers(a.model, a.batch)):
        path = os.path.join(out, "l%d.onnx" % i)
        w, b = one_layer(L, path)
        mlir, exe = path[:-5] + ".mlir", path[:-5] + ".exe"
        if L["node"].op_type != "Conv" or tosa_layer(L, w, b, mlir) is None:
            print("skipped (not a plain or depthwise conv): " + describe(L))
            continue
        run([os.path.join(a.build, "bin", "netrewrite-compile"), mlir, "--target=cpu", "-O3", "-o", exe])
        probe = json.loads(run([exe, "bench", "--threads=%d" % a.threads, "--iterations=1", "--json"]))
        iters = max(5, int(a.seconds * 1000 / max(probe["ms_per_batch"], 1e-3)))
        # Best of three alternating runs: the machine is shared, and the
        # fastest run is the one least disturbed by other jobs.
        ours, theirs = [], []
        for _ in range(3):
            ours.append(json.loads(run([exe, "bench", "--threads=%d" % a.threads, "--iterations=%d" % iters,
                                        "--json"]))["ms_per_batch"])
            theirs.append(json.loads(run(["node", os.path.join(HERE, "ort_bench.js"), path,
                                          "x".join(map(str, L["in"])), str(a.threads),
                                          str(a.seconds)]))["ms_per_batch"])
        ours, theirs = min(ours), min(theirs)
        rows.append((describe(L), L["count"], ours, theirs, flops(L)))
        print("%-44s x%-2d ours %8.3f ms  ort %8.3f ms  (%.0f / %.0f GFLOP/s)" % (
            rows[-1][0], L["count"], ours, theirs, flops(L) / ours * 1e-6, flops(L) / theirs * 1e-6), flush=True)
    to, tt = sum(r[1] * r[2] for r in rows), sum(r[1] * r[3] for r in rows)
    print("\nlayers in total: ours %.1f ms, onnxruntime %.1f ms (batch %d, %d thread(s))" % (to, tt, a.batch, a.threads))
    print("| layer | count | ours ms | ort ms | ours GFLOP/s | ort GFLOP/s | ms lost (x count) | share of our time |")
    print("|---|---|---|---|---|---|---|---|")
    for r in sorted(rows, key=lambda r: -(r[2] - r[3]) * r[1]):
        print("| %s | %d | %.3f | %.3f | %.0f | %.0f | %+.2f | %.0f%% |" % (
            r[0], r[1], r[2], r[3], r[4] / r[2] * 1e-6, r[4] / r[3] * 1e-6, (r[2] - r[3]) * r[1],
            100 * r[1] * r[2] / to))


if __name__ == "__main__":
    main()
