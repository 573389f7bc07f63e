#!/usr/bin/python3
"""The real models of the benchmark (bench/run.py), as ONNX for onnxruntime.

  real_models.py torchvision NAME SIZE OUT.onnx   torchvision NAME (random
      weights, seed 0, 1000 classes, eval-mode export: BatchNorm folded,
      Dropout dropped), input 1x3xSIZExSIZE with a dynamic batch dimension.
  real_models.py keras MODEL.json OUT.onnx        a TFJS layers model (the
      layer set of nsfwjs's MobileNetV2) converted to ONNX with its real,
      dequantised weights; NHWC input like the Keras model, dynamic batch.
  real_models.py flops MODEL.onnx                 FLOPs per image (2 per
      multiply-add of Conv / Gemm / MatMul; element-wise ops not counted).

torchvision's pretrained weights cannot be downloaded here (no hub access),
so the torchvision models carry random weights: fine for timing (no op's cost
depends on the values) and for the correctness comparison, not for accuracy.
There is no Keras->ONNX converter among the Debian / npm packages available
offline (tf2onnx needs TensorFlow), hence the small one below; bench/run.py
checks it against TFJS's own CPU backend (scripts/tfjs-reference.js).
"""
import json
import os
import sys

import numpy as np


def torchvision_onnx(name, size, out):
    import torch
    import torchvision
    torch.set_num_threads(2)
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)()
    if name.startswith("vgg") and size < 224:
        # VGG pools adaptively to 7x7, which ONNX cannot express from a 2x2
        # map (64x64 input): keep the map and size the first dense layer for
        # it (as test/Import/ONNX/real_model.py does).
        side = size // 32
        model.avgpool = torch.nn.Identity()
        model.classifier[0] = torch.nn.Linear(512 * side * side, 4096)
    # Non-trivial BatchNorm statistics, so the folded convs are not plain
    # random convs.
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 1.5)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.5, 0.5)
    model.eval()
    torch.onnx.export(model, torch.zeros(1, 3, size, size), out, opset_version=13,
                      training=torch.onnx.TrainingMode.EVAL, do_constant_folding=True,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})


def keras_weights(model_json):
    """name -> float32 array, dequantised as TFJS does (q * scale + min in
    float64, then float32)."""
    m = json.load(open(model_json))
    d = os.path.dirname(model_json)
    out = {}
    for group in m["weightsManifest"]:
        buf = b"".join(open(os.path.join(d, p), "rb").read() for p in group["paths"])
        off = 0
        for w in group["weights"]:
            n = int(np.prod(w["shape"]))
            q = w.get("quantization")
            if q:
                dt = {"uint8": np.uint8, "uint16": np.uint16, "float16": np.float16}[q["dtype"]]
                raw = np.frombuffer(buf, dt, n, off)
                off += n * raw.itemsize
                if q["dtype"] == "float16":
                    v = raw.astype(np.float32)
                else:
                    v = (raw.astype(np.float64) * q["scale"] + q["min"]).astype(np.float32)
            else:
                assert w["dtype"] == "float32", w
                v = np.frombuffer(buf, np.float32, n, off).copy()
                off += 4 * n
            out[w["name"]] = v.reshape(w["shape"])
    return m, out


def keras_onnx(model_json, out):
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    m, W = keras_weights(model_json)
    cfg = m["modelTopology"]["model_config"]["config"]
    nodes, inits = [], []

    def const(name, arr):
        inits.append(numpy_helper.from_array(np.asarray(arr), name))
        return name

    def node(op, ins, name, **attrs):
        nodes.append(helper.make_node(op, ins, [name], name=name, **attrs))
        return name

    val = {}      # layer name -> ONNX value (NCHW inside the network)
    layout = {}   # layer name -> "nchw" or "flat"
    inp = None
    for L in cfg["layers"]:
        cls, c, name = L["class_name"], L["config"], L["name"]
        srcs = [ref[0] for nodes_ in L["inbound_nodes"] for ref in nodes_]
        x = val[srcs[0]] if srcs else None
        act = c.get("activation", "linear")
        if cls == "InputLayer":
            _, h, w, ch = c["batch_input_shape"]
            inp = helper.make_tensor_value_info(name, TensorProto.FLOAT, ["batch", h, w, ch])
            val[name] = node("Transpose", [name], name + "/nchw", perm=[0, 3, 1, 2])
            layout[name] = "nchw"
            continue
        if cls in ("Conv2D", "DepthwiseConv2D"):
            assert c["dilation_rate"] == [1, 1] and c["data_format"] == "channels_last"
            if cls == "Conv2D":
                k = W[name + "/kernel"].transpose(3, 2, 0, 1)  # HWIO -> OIHW
                group = 1
            else:
                kh, kw, ch, mult = W[name + "/depthwise_kernel"].shape
                k = W[name + "/depthwise_kernel"].transpose(2, 3, 0, 1).reshape(ch * mult, 1, kh, kw)
                group = ch
            ins = [x, const(name + "/W", k)]
            if c["use_bias"]:
                ins.append(const(name + "/B", W[name + "/bias"]))
            pad = ({"auto_pad": "SAME_UPPER"} if c["padding"] == "same"   # TF: extra at the end
                   else {"pads": [0, 0, 0, 0]})
            y = node("Conv", ins, name, group=group, strides=c["strides"],
                     kernel_shape=list(k.shape[2:]), **pad)
        elif cls == "BatchNormalization":
            assert c["axis"] in (-1, 3) and c["center"] and c["scale"]
            y = node("BatchNormalization",
                     [x, const(name + "/gamma", W[name + "/gamma"]),
                      const(name + "/beta", W[name + "/beta"]),
                      const(name + "/mean", W[name + "/moving_mean"]),
                      const(name + "/var", W[name + "/moving_variance"])],
                     name, epsilon=float(c["epsilon"]))
        elif cls == "ReLU":
            assert not c.get("negative_slope") and not c.get("threshold")
            if c.get("max_value") is not None:
                y = node("Clip", [x, const(name + "/lo", np.float32(0)),
                                  const(name + "/hi", np.float32(c["max_value"]))], name)
            else:
                y = node("Relu", [x], name)
        elif cls == "ZeroPadding2D":
            (t, b), (l, r) = c["padding"]
            y = node("Pad", [x, const(name + "/pads", np.array([0, 0, t, l, 0, 0, b, r], np.int64))], name)
        elif cls == "Add":
            y = x
            for i, s in enumerate(srcs[1:]):
                y = node("Add", [y, val[s]], name if i == len(srcs) - 2 else "%s/%d" % (name, i))
        elif cls == "AveragePooling2D":
            assert c["padding"] == "valid"
            y = node("AveragePool", [x], name, kernel_shape=c["pool_size"], strides=c["strides"])
        elif cls == "Flatten":
            # Keras flattens NHWC.
            t = node("Transpose", [x], name + "/nhwc", perm=[0, 2, 3, 1])
            y = node("Flatten", [t], name, axis=1)
            layout[name] = "flat"
        elif cls == "Dense":
            assert layout[srcs[0]] == "flat"
            mm = node("MatMul", [x, const(name + "/kernel", W[name + "/kernel"])], name + "/mm")
            y = node("Add", [mm, const(name + "/bias", W[name + "/bias"])],
                     name if act == "linear" else name + "/pre")
        elif cls == "Dropout":
            y = x
        else:
            sys.exit("real_models.py: layer class %s (%s) is not supported" % (cls, name))
        if cls not in ("Dense",) and act not in ("linear", None):
            sys.exit("real_models.py: activation %s on %s is not supported" % (act, name))
        if cls == "Dense" and act != "linear":
            op = {"relu": "Relu", "softmax": "Softmax", "sigmoid": "Sigmoid"}[act]
            y = node(op, [y], name)
        val[name] = y
        layout.setdefault(name, layout[srcs[0]] if srcs else "nchw")
    (last, _, _), = cfg["output_layers"]
    if layout[last] == "flat":
        outs = [helper.make_tensor_value_info(val[last], TensorProto.FLOAT, ["batch", None])]
    else:  # a model cut inside the backbone: NHWC out, like Keras
        y = node("Transpose", [val[last]], last + "/nhwc", perm=[0, 2, 3, 1])
        outs = [helper.make_tensor_value_info(y, TensorProto.FLOAT, ["batch", None, None, None])]
    g = helper.make_graph(nodes, os.path.basename(os.path.dirname(model_json)), [inp], outs, inits)
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, out)


def flops(path):
    import onnx
    from onnx import numpy_helper, shape_inference
    m = onnx.load(path)
    for i in m.graph.input:  # batch 1 for the count
        d = i.type.tensor_type.shape.dim[0]
        d.ClearField("dim_param")
        d.dim_value = 1
    m = shape_inference.infer_shapes(m)
    shapes = {v.name: [d.dim_value for d in v.type.tensor_type.shape.dim]
              for v in list(m.graph.value_info) + list(m.graph.input) + list(m.graph.output)}
    for t in m.graph.initializer:
        shapes[t.name] = list(t.dims)
    total = 0
    for n in m.graph.node:
        if n.op_type == "Conv":
            w, y = shapes[n.input[1]], shapes[n.output[0]]
            total += 2 * int(np.prod(y)) * int(np.prod(w[1:]))
        elif n.op_type in ("Gemm", "MatMul"):
            a, y = shapes[n.input[0]], shapes[n.output[0]]
            trans = n.op_type == "Gemm" and any(at.name == "transA" and at.i for at in n.attribute)
            k = a[-2] if trans else a[-1]
            total += 2 * int(np.prod(y)) * k
    return total


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "torchvision" and len(sys.argv) == 5:
        torchvision_onnx(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif cmd == "keras" and len(sys.argv) == 4:
        keras_onnx(sys.argv[2], sys.argv[3])
    elif cmd == "flops" and len(sys.argv) == 3:
        print(flops(sys.argv[2]))
    else:
        sys.exit(__doc__)
