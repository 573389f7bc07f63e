#!/usr/bin/python3
"""Source models, datasets and independent checks for netrewrite-export.

  export_models.py onnx DIR [--width N] [--seed S]
      DIR/model.onnx: NHWC input -> Transpose -> Conv(+bias) -> BatchNorm
      -> Relu -> depthwise Conv (weight in a Constant node, stride 2) ->
      Relu -> GlobalAveragePool -> Flatten -> Gemm(transB=1, alpha=0.5);
      DIR/ds (npy-dir: 16 images 8x8x3, labels of 5 classes), DIR/x.npy
      (one batch of 4)
  export_models.py keras DIR [--quant uint8]
      DIR/tfjs/model.json (+2 shards) and DIR/model.h5 of the same Keras
      model (Conv2D relu, BatchNormalization, DepthwiseConv2D x2 relu6,
      SeparableConv2D, GlobalAveragePooling2D, Dense); DIR/ds, DIR/x.npy
  export_models.py same-onnx A.onnx B.onnx
      the two models have the same graph, node names, opset and tensor
      values, bit for bit
  export_models.py trained-onnx SRC.onnx OUT.onnx
      same graph/nodes/opset; every weight except the frozen BN input
      statistics changed (so a test cannot pass on an unchanged model)
  export_models.py keras-ref MODEL.json|MODEL.h5 X.npy OUT.npy
      reads the (exported) weights with json/h5py and runs the Keras
      model's numpy reference (test/Import/Keras/Inputs/keras_fixtures.py)
  export_models.py same-keras A B [--quantized]
      the weights of A and B (TFJS model.json or .h5) are equal bit for bit
      (--quantized: A's TFJS weights may be quantised, compared dequantised)
  export_models.py nodes MODEL.onnx
      runs the ONNX checker and prints the nodes in order
  export_models.py allclose GOT.npy WANT.npy [--atol A] [--differ OTHER.npy]
  export_models.py run-forward PARAMS.mlir DIR X.npy OUT.npy --runner BIN
      runs @forward(params of DIR..., X) with netrewrite-run
  export_models.py fake-export PARAMS.mlir DIR [--drop NAME] [--tie NAME=EARLIER]
      an `export` directory (index.json + .npy) with random values for the
      parameters @init_params declares in PARAMS.mlir (the output of
      --netrewrite-extract-params), for the error tests
"""
import argparse
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "Import", "Keras", "Inputs"))

B, H, C, K, N = 4, 8, 3, 5, 16


def dataset(out, rng):
    ds = os.path.join(out, "ds")
    os.makedirs(ds, exist_ok=True)
    np.save(os.path.join(ds, "x.npy"), rng.standard_normal((N, H, H, C)).astype(np.float32))
    np.save(os.path.join(ds, "y.npy"), rng.integers(0, K, N).astype(np.int64))
    np.save(os.path.join(out, "x.npy"), rng.standard_normal((B, H, H, C)).astype(np.float32))


def write_onnx(a):
    import onnx
    from onnx import helper, numpy_helper, TensorProto
    rng = np.random.default_rng(a.seed)
    W = a.width
    r = lambda *s: (rng.standard_normal(s) * 0.4).astype(np.float32)
    w1 = r(W, C, 3, 3)
    gamma, beta = (1 + r(W)).astype(np.float32), r(W)
    mean, var = r(W), rng.uniform(0.5, 2, W).astype(np.float32)
    wd, bd = r(W, 1, 3, 3), r(W)
    wf, bf = r(K, W), r(K)
    T = lambda arr, n: numpy_helper.from_array(np.ascontiguousarray(arr), n)
    nodes = [
        helper.make_node("Transpose", ["x"], ["xc"], perm=[0, 3, 1, 2], name="to_nchw"),
        # No bias: the importer gives the conv a zero bias that training may
        # move; the export folds it into bn1's moving mean.
        helper.make_node("Conv", ["xc", "w1"], ["c1"], pads=[1, 1, 1, 1], name="conv1"),
        helper.make_node("BatchNormalization", ["c1", "gamma", "beta", "mean", "var"],
                         ["n1"], epsilon=1e-3, name="bn1"),
        helper.make_node("Relu", ["n1"], ["r1"], name="relu1"),
        helper.make_node("Constant", [], ["wd"], value=T(wd, "wd"), name="wd_const"),
        helper.make_node("Conv", ["r1", "wd", "bd"], ["d"], pads=[1, 1, 1, 1],
                         strides=[2, 2], group=W, name="dw"),
        helper.make_node("Relu", ["d"], ["r2"], name="relu2"),
        helper.make_node("GlobalAveragePool", ["r2"], ["g"], name="gap"),
        helper.make_node("Flatten", ["g"], ["f"], name="flat"),
        helper.make_node("Gemm", ["f", "wf", "bf"], ["y"], transB=1, alpha=0.5, name="fc"),
    ]
    inits = [T(w1, "w1"), T(gamma, "gamma"), T(beta, "beta"),
             T(mean, "mean"), T(var, "var"), T(bd, "bd"), T(wf, "wf"), T(bf, "bf")]
    g = helper.make_graph(nodes, "export_cnn",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [B, H, H, C])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [B, K])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)],
                          producer_name="export_models.py")
    onnx.checker.check_model(m)
    os.makedirs(a.dir, exist_ok=True)
    onnx.save(m, os.path.join(a.dir, "model.onnx"))
    dataset(a.dir, rng)


def keras_graph(rng):
    from keras_fixtures import Graph, rnd
    g = Graph("export")
    x = g.input("image", (H, H, C))
    x = g.layer("Conv2D", "c1", {"filters": 4, "kernel_size": [3, 3], "strides": [1, 1],
                                 "padding": "same", "dilation_rate": [1, 1],
                                 "activation": "relu", "use_bias": True},
                [x], [("kernel", rnd(rng, 3, 3, C, 4)), ("bias", rnd(rng, 4))])
    x = g.layer("BatchNormalization", "bn1",
                {"axis": -1, "momentum": 0.99, "epsilon": 1e-3, "center": True,
                 "scale": True}, [x],
                [("gamma", (1 + rnd(rng, 4)).astype(np.float32)), ("beta", rnd(rng, 4)),
                 ("moving_mean", rnd(rng, 4)),
                 ("moving_variance", rng.uniform(0.5, 2, 4).astype(np.float32))])
    x = g.layer("DepthwiseConv2D", "dw", {"kernel_size": [3, 3], "strides": [2, 2],
                                          "padding": "same", "depth_multiplier": 2,
                                          "dilation_rate": [1, 1],
                                          "activation": "relu6", "use_bias": True},
                [x], [("depthwise_kernel", rnd(rng, 3, 3, 4, 2)), ("bias", rnd(rng, 8))])
    x = g.layer("SeparableConv2D", "sep", {"filters": 6, "kernel_size": [3, 3],
                                           "strides": [1, 1], "padding": "same",
                                           "depth_multiplier": 1, "dilation_rate": [1, 1],
                                           "activation": "relu", "use_bias": True},
                [x], [("depthwise_kernel", rnd(rng, 3, 3, 8, 1)),
                      ("pointwise_kernel", rnd(rng, 1, 1, 8, 6)), ("bias", rnd(rng, 6))])
    x = g.layer("GlobalAveragePooling2D", "gap", {"data_format": "channels_last"}, [x])
    x = g.layer("Dense", "fc", {"units": K, "activation": "linear", "use_bias": True},
                [x], [("kernel", rnd(rng, 6, K)), ("bias", rnd(rng, K))])
    g.outputs = [x]
    return g


def write_keras(a):
    from keras_fixtures import write_tfjs, write_h5
    rng = np.random.default_rng(a.seed)
    g = keras_graph(rng)
    tfjs = os.path.join(a.dir, "tfjs")
    os.makedirs(tfjs, exist_ok=True)
    write_tfjs(g, tfjs, a.quant)
    write_h5(g, a.dir)
    dataset(a.dir, rng)


def onnx_parts(path):
    import onnx
    from onnx import numpy_helper
    m = onnx.load(path)
    tensors = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
    for n in m.graph.node:
        if n.op_type == "Constant":
            tensors[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
    skeleton = onnx.ModelProto()
    skeleton.CopyFrom(m)
    del skeleton.graph.initializer[:]
    for n in skeleton.graph.node:
        if n.op_type == "Constant":
            n.attribute[0].t.ClearField("raw_data")
            n.attribute[0].t.ClearField("float_data")
    return skeleton.SerializeToString(), tensors, m


def same_onnx(a):
    sa, ta, _ = onnx_parts(a.a)
    sb, tb, _ = onnx_parts(a.b)
    if sa != sb:
        sys.exit("FAIL: graph, node names, opset or metadata differ")
    if sorted(ta) != sorted(tb):
        sys.exit("FAIL: tensor names differ")
    for k in ta:
        if ta[k].dtype != tb[k].dtype or ta[k].shape != tb[k].shape or \
                ta[k].tobytes() != tb[k].tobytes():
            sys.exit("FAIL: tensor %s differs" % k)
    print("OK same model: %d tensors bit-identical, graph identical" % len(ta))


def trained_onnx(a):
    sa, ta, _ = onnx_parts(a.a)
    sb, tb, m = onnx_parts(a.b)
    if sa != sb or sorted(ta) != sorted(tb):
        sys.exit("FAIL: graph, node names, opset or tensor names differ")
    changed = sorted(k for k in ta if not np.array_equal(ta[k], tb[k]))
    for k in ta:
        if ta[k].shape != tb[k].shape or ta[k].dtype != tb[k].dtype:
            sys.exit("FAIL: tensor %s changed shape or dtype" % k)
    print("OK same graph (opset %d, %d nodes); changed: %s" %
          (m.opset_import[0].version, len(m.graph.node), " ".join(changed)))


def keras_weights(path, quantized=False):
    """{layer: [(weight name, array)]} read straight from the file; TFJS
    weights must be plain float32 unless `quantized` (then dequantised as
    TFJS does: q * scale + min in float64, stored as float32)."""
    out = {}
    if path.endswith(".h5"):
        import h5py
        with h5py.File(path, "r") as f:
            mw = f["model_weights"]
            text = lambda v: v.decode() if isinstance(v, bytes) else str(v)
            for layer in mw.attrs["layer_names"]:
                layer = text(layer)
                grp = mw[layer]
                for n in grp.attrs["weight_names"]:
                    n = text(n)
                    out.setdefault(layer, []).append(
                        (n.split("/")[-1].split(":")[0], np.array(grp[n], np.float32)))
        return out
    model = json.load(open(path))
    d = os.path.dirname(path)
    for group in model["weightsManifest"]:
        data = b"".join(open(os.path.join(d, p), "rb").read() for p in group["paths"])
        off = 0
        for w in group["weights"]:
            n = int(np.prod(w["shape"])) if w["shape"] else 1
            q = w.get("quantization")
            if w.get("dtype", "float32") != "float32" or (q and not quantized):
                sys.exit("FAIL: %s is not plain float32" % w["name"])
            if not q:
                arr = np.frombuffer(data, "<f4", n, off)
                off += 4 * n
            elif q["dtype"] == "float16":
                arr = np.frombuffer(data, "<f2", n, off).astype(np.float32)
                off += 2 * n
            else:
                dt = "u1" if q["dtype"] == "uint8" else "<u2"
                raw = np.frombuffer(data, dt, n, off)
                off += raw.itemsize * n
                arr = (raw.astype(np.float64) * q["scale"] + q["min"]).astype(np.float32)
            arr = arr.reshape(w["shape"])
            layer, wname = w["name"].split("/", 1)
            out.setdefault(layer, []).append((wname, arr))
    if off != len(data):
        sys.exit("FAIL: the shard has %d bytes, the manifest %d" % (len(data), off))
    return out


def keras_ref(a):
    from keras_fixtures import reference
    g = keras_graph(np.random.default_rng(0))  # the topology only
    x = np.load(a.x).astype(np.float64)
    y = reference(g, [x], keras_weights(a.model), False)[0]
    np.save(a.out, y.astype(np.float32))


def same_keras(a):
    wa, wb = keras_weights(a.a, a.quantized), keras_weights(a.b)
    if sorted(wa) != sorted(wb):
        sys.exit("FAIL: layers differ")
    n = 0
    for layer in wa:
        for (na, xa), (nb, xb) in zip(wa[layer], wb[layer]):
            if na != nb or xa.shape != xb.shape or xa.tobytes() != xb.tobytes():
                sys.exit("FAIL: %s/%s differs" % (layer, na))
            n += 1
    print("OK same weights: %d arrays bit-identical" % n)


def allclose(a):
    got, want = np.load(a.got), np.load(a.want)
    err = float(np.abs(got.astype(np.float64) - want).max())
    if got.shape != want.shape or not np.allclose(got, want, rtol=0, atol=a.atol):
        sys.exit("FAIL: max abs error %.3g (shapes %s %s)" % (err, got.shape, want.shape))
    if a.differ:
        other = np.load(a.differ)
        d = float(np.abs(other.astype(np.float64) - want).max())
        if d < 100 * a.atol:
            sys.exit("FAIL: the untrained model gives nearly the same output (%.3g)" % d)
    print("OK allclose within %g" % a.atol)


def fake_export(a):
    import re
    text = open(a.mlir).read()
    sig = re.search(r"func\.func @init_params\(\) -> \((.*)\)\s*\{", text).group(1)
    rng = np.random.default_rng(1)
    index = []
    saved = {}
    tie = dict(t.split("=") for t in (a.tie or []))
    for dims, kind, name in re.findall(
            r'tensor<((?:\d+x)*)f32> \{nr\.kind = "(\w+)", nr\.param = "([^"]+)"\}', sig):
        if name in (a.drop or []):
            continue
        shape = [int(d) for d in dims.split("x") if d]
        path = os.path.join(a.dir, name + ".npy")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        v = rng.standard_normal(shape).astype(np.float32)
        if name.endswith("moving_variance"):
            v = np.abs(v) + 0.5
        if name in tie:
            v = saved[tie[name]]
        saved[name] = v
        np.save(path, v)
        index.append({"name": name, "kind": kind, "shape": shape, "file": name + ".npy"})
    json.dump(index, open(os.path.join(a.dir, "index.json"), "w"), indent=1)
    print("fake-export: %d tensors" % len(index))


def run_forward(a):
    """@forward(params..., x) of an extract-params module, with the
    parameters of an `export` directory, through netrewrite-run."""
    import subprocess
    index = json.load(open(os.path.join(a.dir, "index.json")))
    cmd = [a.runner, a.mlir, "--function=forward"]
    cmd += ["--input=@" + os.path.join(a.dir, e["file"]) for e in index]
    cmd += ["--input=@" + a.x, "--output=@" + a.out]
    subprocess.run(cmd, check=True)


def nodes(a):
    import onnx
    m = onnx.load(a.model)
    onnx.checker.check_model(m)
    for n in m.graph.node:
        print("node %s %s(%s) -> %s" % (n.name, n.op_type, ", ".join(n.input),
                                       ", ".join(n.output)))


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("onnx"); s.add_argument("dir")
    s.add_argument("--width", type=int, default=6); s.add_argument("--seed", type=int, default=0)
    s.set_defaults(fn=write_onnx)
    s = sub.add_parser("keras"); s.add_argument("dir"); s.add_argument("--quant")
    s.add_argument("--seed", type=int, default=0); s.set_defaults(fn=write_keras)
    s = sub.add_parser("same-onnx"); s.add_argument("a"); s.add_argument("b")
    s.set_defaults(fn=same_onnx)
    s = sub.add_parser("trained-onnx"); s.add_argument("a"); s.add_argument("b")
    s.set_defaults(fn=trained_onnx)
    s = sub.add_parser("keras-ref"); s.add_argument("model"); s.add_argument("x")
    s.add_argument("out"); s.set_defaults(fn=keras_ref)
    s = sub.add_parser("same-keras"); s.add_argument("a"); s.add_argument("b")
    s.add_argument("--quantized", action="store_true",
                   help="A may hold quantised TFJS weights (compared dequantised)")
    s.set_defaults(fn=same_keras)
    s = sub.add_parser("allclose"); s.add_argument("got"); s.add_argument("want")
    s.add_argument("--atol", type=float, default=1e-4); s.add_argument("--differ")
    s.set_defaults(fn=allclose)
    s = sub.add_parser("fake-export"); s.add_argument("mlir"); s.add_argument("dir")
    s.add_argument("--drop", action="append")
    s.add_argument("--tie", action="append", metavar="NAME=EARLIER",
                   help="give NAME the values of the earlier parameter EARLIER")
    s.set_defaults(fn=fake_export)
    s = sub.add_parser("run-forward"); s.add_argument("mlir"); s.add_argument("dir")
    s.add_argument("x"); s.add_argument("out"); s.add_argument("--runner", required=True)
    s.set_defaults(fn=run_forward)
    s = sub.add_parser("nodes"); s.add_argument("model"); s.set_defaults(fn=nodes)
    a = p.parse_args()
    a.fn(a)


if __name__ == "__main__":
    main()
