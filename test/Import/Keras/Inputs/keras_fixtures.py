#!/usr/bin/python3
"""Keras-like test models without Keras, and an independent numpy reference.

There is no TensorFlow/Keras on Debian, so this script writes the three Keras
containers itself, following the formats Keras and TFJS write:

  tfjs    model.json (modelTopology + weightsManifest) + 2 weight shards,
          weights float32 or quantised (uint8, uint16, float16) as TFJS does
  h5      legacy Keras 2 .h5: model_config attribute + model_weights groups
  keras3  Keras 3 .keras zip: config.json (args/keras_history inbound nodes)
          + model.weights.h5 (layers/<snake_class[_n]>/vars/<i>)

and computes each model's output with plain numpy implementations of the
layers (float64), written from Keras's documented semantics, not from the
importer.

  keras_fixtures.py check --import BIN --run BIN --work DIR [--formats ...]
      writes every model in every format, imports and runs it, compares
  keras_fixtures.py write MODEL FORMAT DIR [--quant uint8]
      writes one model (for FileCheck tests); prints the model path
  keras_fixtures.py errors DIR
      writes broken models for the error tests
  keras_fixtures.py image SIZE OUT.npy / compare GOT.npy WANT.npy --atol A
      helpers for the real-model check
"""
import argparse
import json
import os
import subprocess
import sys
import zipfile

import h5py
import numpy as np

# ----------------------------------------------------------------------------
# A model description: layers in Keras 2 config form plus numpy weights.
# ----------------------------------------------------------------------------


class Graph:
    def __init__(self, name, sequential=False):
        self.name = name
        self.sequential = sequential
        self.layers = []  # dicts: name, cls, config, calls, weights
        self.by_name = {}
        self.inputs, self.outputs = [], []

    def input(self, name, shape):
        self._add(name, "InputLayer",
                  {"batch_input_shape": [None] + list(shape), "dtype": "float32",
                   "sparse": False, "name": name}, None, [])
        self.inputs.append((name, 0, 0))
        return (name, 0, 0)

    def layer(self, cls, name, config, inputs, weights=()):
        config = dict(config, name=name, trainable=True)
        self._add(name, cls, config, inputs, list(weights))
        return (name, 0, 0)

    def call(self, name, inputs):
        """Calls an existing (shared) layer again."""
        layer = self.by_name[name]
        layer["calls"].append(list(inputs))
        return (name, len(layer["calls"]) - 1, 0)

    def _add(self, name, cls, config, inputs, weights):
        layer = {"name": name, "cls": cls, "config": config,
                 "calls": [] if inputs is None else [list(inputs)],
                 "weights": weights}
        self.layers.append(layer)
        self.by_name[name] = layer


def rnd(rng, *shape, scale=0.5):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def conv_graph(rng):
    """Convolutions, BN variants, activations, pooling, dense, dropout."""
    g = Graph("conv")
    x = g.input("image", (9, 9, 3))
    x = g.layer("ZeroPadding2D", "pad", {"padding": [[1, 0], [0, 2]],
                                         "data_format": "channels_last"}, [x])
    x = g.layer("Conv2D", "c1", {"filters": 4, "kernel_size": [3, 3],
                                 "strides": [2, 2], "padding": "same",
                                 "dilation_rate": [1, 1], "activation": "swish",
                                 "use_bias": True, "data_format": "channels_last"},
                [x], [("kernel", rnd(rng, 3, 3, 3, 4)), ("bias", rnd(rng, 4))])
    x = g.layer("BatchNormalization", "bn1",
                {"axis": -1, "momentum": 0.99, "epsilon": 1e-3, "center": True,
                 "scale": False}, [x],
                [("beta", rnd(rng, 4)), ("moving_mean", rnd(rng, 4)),
                 ("moving_variance", rng.uniform(0.5, 2, 4).astype(np.float32))])
    x = g.layer("DepthwiseConv2D", "dw", {"kernel_size": [3, 3], "strides": [1, 1],
                                          "padding": "same", "depth_multiplier": 2,
                                          "dilation_rate": [1, 1],
                                          "activation": "relu6", "use_bias": True},
                [x], [("depthwise_kernel", rnd(rng, 3, 3, 4, 2)),
                      ("bias", rnd(rng, 8))])
    x = g.layer("Conv2D", "c2", {"filters": 6, "kernel_size": [2, 2],
                                 "strides": [1, 1], "padding": "valid",
                                 "dilation_rate": [2, 2], "activation": "tanh",
                                 "use_bias": False},
                [x], [("kernel", rnd(rng, 2, 2, 8, 6))])
    x = g.layer("SeparableConv2D", "sep", {"filters": 5, "kernel_size": [3, 3],
                                           "strides": [2, 2], "padding": "same",
                                           "depth_multiplier": 1,
                                           "dilation_rate": [1, 1],
                                           "activation": "sigmoid", "use_bias": True},
                [x], [("depthwise_kernel", rnd(rng, 3, 3, 6, 1)),
                      ("pointwise_kernel", rnd(rng, 1, 1, 6, 5)),
                      ("bias", rnd(rng, 5))])
    x = g.layer("BatchNormalization", "bn2",
                {"axis": 3, "momentum": 0.9, "epsilon": 1e-2, "center": False,
                 "scale": True}, [x],
                [("gamma", rnd(rng, 5)), ("moving_mean", rnd(rng, 5, scale=0.1)),
                 ("moving_variance", rng.uniform(0.01, 0.1, 5).astype(np.float32))])
    x = g.layer("ReLU", "relu", {"max_value": 4.0, "negative_slope": 0.1,
                                 "threshold": 0.5}, [x])
    x = g.layer("MaxPooling2D", "maxp", {"pool_size": [2, 2], "strides": [1, 1],
                                         "padding": "same"}, [x])
    x = g.layer("AveragePooling2D", "avgp", {"pool_size": [2, 2], "strides": [2, 2],
                                             "padding": "same"}, [x])
    x = g.layer("Flatten", "flat", {"data_format": "channels_last"}, [x])
    x = g.layer("Dense", "d1", {"units": 7, "activation": "elu", "use_bias": True},
                [x], [("kernel", rnd(rng, 5, 7)), ("bias", rnd(rng, 7))])
    x = g.layer("Dropout", "drop", {"rate": 0.3, "noise_shape": None, "seed": None},
                [x])
    x = g.layer("Dense", "d2", {"units": 3, "activation": "softmax",
                                "use_bias": True},
                [x], [("kernel", rnd(rng, 7, 3)), ("bias", rnd(rng, 3))])
    g.outputs = [x]
    return g


def branch_graph(rng):
    """Shared input, branches, a shared layer called twice, merges."""
    g = Graph("branch")
    inp = g.input("x", (6, 6, 3))
    s = g.layer("Rescaling", "rescale", {"scale": 0.5, "offset": -1.0}, [inp])
    a = g.layer("Conv2D", "ca", {"filters": 4, "kernel_size": [1, 1],
                                 "padding": "valid", "activation": "linear",
                                 "use_bias": True},
                [s], [("kernel", rnd(rng, 1, 1, 3, 4)), ("bias", rnd(rng, 4))])
    b = g.layer("Conv2D", "cb", {"filters": 4, "kernel_size": [3, 3],
                                 "padding": "same", "activation": "relu",
                                 "use_bias": True},
                [inp], [("kernel", rnd(rng, 3, 3, 3, 4)), ("bias", rnd(rng, 4))])
    # One layer, two calls (two inbound nodes), one set of weights.
    sa = g.layer("Conv2D", "shared", {"filters": 4, "kernel_size": [1, 1],
                                      "padding": "valid", "activation": "tanh",
                                      "use_bias": False},
                 [a], [("kernel", rnd(rng, 1, 1, 4, 4))])
    sb = g.call("shared", [b])
    add = g.layer("Add", "add", {}, [sa, sb])
    mul = g.layer("Multiply", "mul", {}, [add, a])
    cat = g.layer("Concatenate", "cat", {"axis": -1}, [add, b, mul])
    x = g.layer("LeakyReLU", "leaky", {"alpha": 0.2}, [cat])
    x = g.layer("Activation", "hsig", {"activation": "hard_sigmoid"}, [x])
    x = g.layer("GlobalAveragePooling2D", "gap", {"data_format": "channels_last"},
                [x])
    x = g.layer("Dense", "logits", {"units": 5, "activation": "linear",
                                    "use_bias": True},
                [x], [("kernel", rnd(rng, 12, 5)), ("bias", rnd(rng, 5))])
    y = g.layer("Softmax", "prob", {"axis": -1}, [x])
    g.outputs = [y, sb]
    return g


def dense_graph(rng):
    """Dense on rank 3, Reshape, activations on rank 2."""
    g = Graph("dense")
    x = g.input("seq", (4, 6))
    x = g.layer("Dense", "proj", {"units": 5, "activation": "relu",
                                  "use_bias": True},
                [x], [("kernel", rnd(rng, 6, 5)), ("bias", rnd(rng, 5))])
    x = g.layer("BatchNormalization", "bn", {"axis": -1, "epsilon": 1e-3,
                                             "momentum": 0.99, "center": True,
                                             "scale": True}, [x],
                [("gamma", rnd(rng, 5)), ("beta", rnd(rng, 5)),
                 ("moving_mean", rnd(rng, 5)),
                 ("moving_variance", rng.uniform(0.5, 2, 5).astype(np.float32))])
    x = g.layer("Reshape", "reshape", {"target_shape": [2, -1]}, [x])
    x = g.layer("Dense", "out", {"units": 3, "activation": "softplus",
                                 "use_bias": False},
                [x], [("kernel", rnd(rng, 10, 3))])
    x = g.layer("Flatten", "flat", {}, [x])
    x = g.layer("Activation", "act", {"activation": "sigmoid"}, [x])
    g.outputs = [x]
    return g


def seq_graph(rng):
    """A Keras 2 Sequential without an InputLayer entry."""
    g = Graph("seq", sequential=True)
    x = g.input("c1_input", (8, 8, 2))
    x = g.layer("Conv2D", "c1", {"filters": 3, "kernel_size": [3, 3],
                                 "strides": [1, 1], "padding": "valid",
                                 "activation": "relu", "use_bias": True},
                [x], [("kernel", rnd(rng, 3, 3, 2, 3)), ("bias", rnd(rng, 3))])
    x = g.layer("MaxPooling2D", "pool", {"pool_size": [2, 2], "padding": "valid",
                                         "strides": None}, [x])
    x = g.layer("Flatten", "flat", {}, [x])
    x = g.layer("Dense", "fc", {"units": 4, "activation": "linear",
                                "use_bias": True},
                [x], [("kernel", rnd(rng, 27, 4)), ("bias", rnd(rng, 4))])
    g.outputs = [x]
    return g


def two_input_graph(rng):
    """Two inputs (argument order = input_layers order), the other merges."""
    g = Graph("two")
    a = g.input("in_a", (4, 5, 3))
    b = g.input("in_b", (4, 5, 3))
    sub = g.layer("Subtract", "sub", {}, [a, b])
    avg = g.layer("Average", "avg", {}, [a, b, sub])
    mx = g.layer("Maximum", "max", {}, [a, b])
    mn = g.layer("Minimum", "min", {}, [avg, mx])
    cat = g.layer("Concatenate", "cat", {"axis": 2}, [mn, sub])
    gmp = g.layer("GlobalMaxPooling2D", "gmp", {"keepdims": True}, [cat])
    g.outputs = [gmp, avg]
    return g


def seq_build_config_graph(rng):
    """The Sequential again; in Keras 3 form without an InputLayer entry (the
    input shape only in build_config, as a model built by model.build())."""
    g = seq_graph(rng)
    g.name = "seqb"
    g.keras3_build_config = True
    return g


def extra_graph(rng):
    """Preprocessing and resampling layers: Normalization (adapted weights
    with an int count; and explicit mean/variance with invert), Cropping2D,
    UpSampling2D, Permute."""
    g = Graph("extra")
    x = g.input("img", (5, 6, 3))
    x = g.layer("Normalization", "norm", {"axis": -1, "mean": None,
                                          "variance": None}, [x],
                [("mean", rnd(rng, 3)),
                 ("variance", rng.uniform(0.5, 3, 3).astype(np.float32)),
                 ("count", np.array(1000, dtype=np.int64))])
    x = g.layer("Cropping2D", "crop", {"cropping": [[1, 0], [0, 2]]}, [x])
    x = g.layer("UpSampling2D", "up", {"size": [2, 3],
                                       "interpolation": "nearest"}, [x])
    x = g.layer("Permute", "perm", {"dims": [2, 1, 3]}, [x])
    x = g.layer("Normalization", "denorm", {"axis": -1, "invert": True,
                                            "mean": [0.5, -1.0, 2.0],
                                            "variance": [4.0, 0.25, 1.0]}, [x])
    x = g.layer("Conv2D", "mix", {"filters": 2, "kernel_size": [1, 1],
                                  "padding": "valid", "activation": "linear",
                                  "use_bias": True},
                [x], [("kernel", rnd(rng, 1, 1, 3, 2)), ("bias", rnd(rng, 2))])
    g.outputs = [x]
    return g


MODELS = {"conv": conv_graph, "branch": branch_graph, "dense": dense_graph,
          "seq": seq_graph, "seqb": seq_build_config_graph,
          "two": two_input_graph, "extra": extra_graph}

# ----------------------------------------------------------------------------
# numpy reference (float64)
# ----------------------------------------------------------------------------


def same_pad(size, k, stride, dilation=1):
    """TF's 'same': the odd pixel goes after (bottom/right)."""
    eff = (k - 1) * dilation + 1
    out = -(-size // stride)
    total = max((out - 1) * stride + eff - size, 0)
    return total // 2, total - total // 2


def window_pads(x, cfg, kernel, stride, dilation=(1, 1)):
    if cfg.get("padding", "valid") == "same":
        return (same_pad(x.shape[1], kernel[0], stride[0], dilation[0]),
                same_pad(x.shape[2], kernel[1], stride[1], dilation[1]))
    return (0, 0), (0, 0)


def patches(xp, kh, kw, stride, dilation, oh, ow):
    """Yields (i, j, slice of shape [N, oh, ow, C]) per kernel tap."""
    for i in range(kh):
        for j in range(kw):
            r0, c0 = i * dilation[0], j * dilation[1]
            yield i, j, xp[:, r0:r0 + (oh - 1) * stride[0] + 1:stride[0],
                           c0:c0 + (ow - 1) * stride[1] + 1:stride[1], :]


def out_size(size, k, stride, dilation, pad):
    return (size + pad[0] + pad[1] - (k - 1) * dilation - 1) // stride + 1


def conv(x, k, cfg, depthwise=False):
    kh, kw = k.shape[0], k.shape[1]
    stride = cfg.get("strides", [1, 1])
    dil = cfg.get("dilation_rate", [1, 1])
    ph, pw = window_pads(x, cfg, (kh, kw), stride, dil)
    xp = np.pad(x, ((0, 0), ph, pw, (0, 0)))
    oh = out_size(x.shape[1], kh, stride[0], dil[0], ph)
    ow = out_size(x.shape[2], kw, stride[1], dil[1], pw)
    if depthwise:
        c, m = k.shape[2], k.shape[3]
        y = np.zeros((x.shape[0], oh, ow, c, m))
        for i, j, p in patches(xp, kh, kw, stride, dil, oh, ow):
            y += p[..., :, None] * k[i, j]
        return y.reshape(x.shape[0], oh, ow, c * m)
    y = np.zeros((x.shape[0], oh, ow, k.shape[3]))
    for i, j, p in patches(xp, kh, kw, stride, dil, oh, ow):
        y += p @ k[i, j]
    return y


def pool(x, cfg, is_max):
    k = cfg.get("pool_size", [2, 2])
    stride = cfg.get("strides") or k
    ph, pw = window_pads(x, cfg, k, stride)
    oh = out_size(x.shape[1], k[0], stride[0], 1, ph)
    ow = out_size(x.shape[2], k[1], stride[1], 1, pw)
    if is_max:
        xp = np.pad(x, ((0, 0), ph, pw, (0, 0)), constant_values=-np.inf)
        return np.max([p for _, _, p in patches(xp, k[0], k[1], stride, (1, 1),
                                                oh, ow)], axis=0)
    xp = np.pad(x, ((0, 0), ph, pw, (0, 0)))
    ones = np.pad(np.ones_like(x), ((0, 0), ph, pw, (0, 0)))
    s = sum(p for _, _, p in patches(xp, k[0], k[1], stride, (1, 1), oh, ow))
    n = sum(p for _, _, p in patches(ones, k[0], k[1], stride, (1, 1), oh, ow))
    return s / n  # TF excludes padding from the average


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def activation(x, name, keras3):
    if name in (None, "linear"):
        return x
    return {
        "relu": lambda: np.maximum(x, 0),
        "relu6": lambda: np.clip(x, 0, 6),
        "sigmoid": lambda: sigmoid(x),
        "tanh": lambda: np.tanh(x),
        "softmax": lambda: softmax(x, -1),
        "swish": lambda: x * sigmoid(x),
        "elu": lambda: np.where(x > 0, x, np.exp(np.minimum(x, 0)) - 1),
        "softplus": lambda: np.log1p(np.exp(x)),
        "hard_sigmoid": lambda: (np.clip(x / 6 + 0.5, 0, 1) if keras3
                                 else np.clip(0.2 * x + 0.5, 0, 1)),
    }[name]()


def softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def keras_relu(x, cfg):
    mx, slope, t = cfg.get("max_value"), cfg.get("negative_slope", 0), \
        cfg.get("threshold", 0)
    y = np.where(x >= t, x, slope * (x - t))
    return np.minimum(y, mx) if mx is not None else y


def reference_layer(layer, ins, w, keras3):
    cls, cfg = layer["cls"], layer["config"]
    x = ins[0]
    act = lambda y: activation(y, cfg.get("activation"), keras3)
    if cls == "Conv2D":
        y = conv(x, w["kernel"], cfg)
        return act(y + w["bias"] if "bias" in w else y)
    if cls == "DepthwiseConv2D":
        y = conv(x, w["depthwise_kernel"], cfg, depthwise=True)
        return act(y + w["bias"] if "bias" in w else y)
    if cls == "SeparableConv2D":
        d = conv(x, w["depthwise_kernel"], cfg, depthwise=True)
        y = np.tensordot(d, w["pointwise_kernel"][0, 0], axes=([3], [0]))
        return act(y + w["bias"] if "bias" in w else y)
    if cls == "Dense":
        y = np.tensordot(x, w["kernel"], axes=([-1], [0]))
        return act(y + w["bias"] if "bias" in w else y)
    if cls == "BatchNormalization":
        c = x.shape[-1]
        g = w.get("gamma", np.ones(c))
        b = w.get("beta", np.zeros(c))
        return (x - w["moving_mean"]) / np.sqrt(w["moving_variance"] +
                                                cfg["epsilon"]) * g + b
    if cls == "Activation":
        return act(x)
    if cls == "ReLU":
        return keras_relu(x, cfg)
    if cls == "LeakyReLU":
        a = cfg.get("alpha", cfg.get("negative_slope", 0.3))
        return np.where(x > 0, x, a * x)
    if cls == "Softmax":
        return softmax(x, cfg.get("axis", -1))
    if cls == "Dropout":
        return x
    if cls == "Rescaling":
        return x * cfg["scale"] + cfg["offset"]
    if cls == "Add":
        return sum(ins)
    if cls == "Multiply":
        return np.prod(ins, axis=0)
    if cls == "Subtract":
        return ins[0] - ins[1]
    if cls == "Average":
        return sum(ins) / len(ins)
    if cls == "Maximum":
        return np.max(ins, axis=0)
    if cls == "Minimum":
        return np.min(ins, axis=0)
    if cls == "GlobalMaxPooling2D":
        return x.max(axis=(1, 2), keepdims=cfg.get("keepdims", False))
    if cls == "Normalization":
        if cfg.get("mean") is not None:
            mean, var = np.array(cfg["mean"]), np.array(cfg["variance"])
        else:
            mean, var = w["mean"], w["variance"]
        std = np.maximum(np.sqrt(var), 1e-7)
        return mean + x * std if cfg.get("invert") else (x - mean) / std
    if cls == "Cropping2D":
        (t, b), (l, r) = cfg["cropping"]
        return x[:, t:x.shape[1] - b, l:x.shape[2] - r, :]
    if cls == "UpSampling2D":
        sh, sw = cfg["size"]
        return x.repeat(sh, axis=1).repeat(sw, axis=2)
    if cls == "Permute":
        return x.transpose([0] + list(cfg["dims"]))
    if cls == "Concatenate":
        return np.concatenate(ins, axis=cfg.get("axis", -1))
    if cls in ("MaxPooling2D", "AveragePooling2D"):
        return pool(x, cfg, cls == "MaxPooling2D")
    if cls == "GlobalAveragePooling2D":
        return x.mean(axis=(1, 2))
    if cls == "ZeroPadding2D":
        (t, b), (l, r) = cfg["padding"]
        return np.pad(x, ((0, 0), (t, b), (l, r), (0, 0)))
    if cls == "Flatten":
        return x.reshape(x.shape[0], -1)
    if cls == "Reshape":
        return x.reshape((x.shape[0],) + tuple(cfg["target_shape"]))
    raise ValueError(cls)


def reference(g, inputs, weights, keras3):
    env = dict(zip(g.inputs, inputs))
    for layer in g.layers:
        w = dict(weights.get(layer["name"], []))
        w = {k: v.astype(np.float64) for k, v in w.items()}
        for ci, call in enumerate(layer["calls"]):
            env[(layer["name"], ci, 0)] = reference_layer(
                layer, [env[r] for r in call], w, keras3)
    return [env[o] for o in g.outputs]


# ----------------------------------------------------------------------------
# Writers
# ----------------------------------------------------------------------------


def keras2_config(g):
    layers = []
    for layer in g.layers:
        if g.sequential and layer["cls"] == "InputLayer":
            continue
        entry = {"name": layer["name"], "class_name": layer["cls"],
                 "config": dict(layer["config"])}
        if g.sequential:
            if not layers:  # the first layer carries the input shape
                inp = g.layers[0]["config"]["batch_input_shape"]
                entry["config"]["batch_input_shape"] = inp
        else:
            entry["inbound_nodes"] = [[[r[0], r[1], r[2], {}] for r in call]
                                      for call in layer["calls"]]
        layers.append(entry)
    if g.sequential:
        return {"class_name": "Sequential",
                "config": {"name": g.name, "layers": layers}}
    return {"class_name": "Model",
            "config": {"name": g.name, "layers": layers,
                       "input_layers": [list(r) for r in g.inputs],
                       "output_layers": [list(r) for r in g.outputs]}}


def keras3_config(g):
    shapes = {}  # only the kind of object matters to the importer

    def tensor(ref):
        return {"class_name": "__keras_tensor__",
                "config": {"shape": shapes.get(ref), "dtype": "float32",
                           "keras_history": list(ref)}}
    merges = {"Add", "Multiply", "Concatenate", "Subtract", "Average",
              "Maximum", "Minimum"}
    layers = []
    for layer in g.layers:
        cfg = dict(layer["config"])
        if layer["cls"] == "InputLayer":
            cfg = {"batch_shape": cfg["batch_input_shape"], "dtype": "float32",
                   "sparse": False, "name": layer["name"]}
        if layer["cls"] == "LeakyReLU":
            cfg["negative_slope"] = cfg.pop("alpha")
        cfg["dtype"] = {"module": "keras", "class_name": "DTypePolicy",
                        "config": {"name": "float32"}, "registered_name": None}
        nodes = []
        for call in layer["calls"]:
            args = [[tensor(r) for r in call]] if layer["cls"] in merges \
                else [tensor(call[0])]
            nodes.append({"args": args, "kwargs": {}})
        layers.append({"module": "keras.layers", "class_name": layer["cls"],
                       "config": cfg, "registered_name": None,
                       "name": layer["name"], "inbound_nodes": nodes})
    if g.sequential:
        # Keras 3 Sequential: an InputLayer entry, no inbound nodes.
        for l in layers:
            l.pop("inbound_nodes")
        build = {}
        if getattr(g, "keras3_build_config", False):
            build = {"input_shape": layers.pop(0)["config"]["batch_shape"]}
        return {"module": "keras", "class_name": "Sequential",
                "config": {"name": g.name, "trainable": True, "layers": layers},
                "registered_name": None, "build_config": build}
    outputs = [list(r) for r in g.outputs]
    return {"module": "keras.src.models.functional", "class_name": "Functional",
            "config": {"name": g.name, "trainable": True, "layers": layers,
                       "input_layers": [list(r) for r in g.inputs],
                       "output_layers": outputs[0] if len(outputs) == 1
                       else outputs},
            "registered_name": "Functional", "build_config": {}}


def quantise(a, kind):
    """Returns (stored bytes, TFJS quantization dict, dequantised float32)."""
    if kind == "float16":
        h = a.astype(np.float16)
        return h.tobytes(), {"dtype": "float16"}, h.astype(np.float32)
    levels = 255 if kind == "uint8" else 65535
    lo, hi = float(a.min()), float(a.max())
    scale = (hi - lo) / levels if hi > lo else 1.0
    q = np.round((a.astype(np.float64) - lo) / scale).astype(
        np.uint8 if kind == "uint8" else np.uint16)
    # TFJS: q * scale + min in float64, stored into a Float32Array.
    deq = (q.astype(np.float64) * scale + lo).astype(np.float32)
    return q.tobytes(), {"dtype": kind, "min": lo, "scale": scale}, deq


def write_tfjs(g, out, quant=None):
    specs, blobs, used = [], [], {}
    for layer in g.layers:
        for wname, a in layer["weights"]:
            spec = {"name": f"{layer['name']}/{wname}", "shape": list(a.shape),
                    "dtype": "float32"}
            if a.dtype.kind in "iu":
                # An int64 Keras weight (Normalization's count): TFJS int32.
                spec["dtype"] = "int32"
                data, deq = a.astype("<i4").tobytes(), a.astype(np.float32)
            elif quant:
                data, q, deq = quantise(a, quant)
                spec["quantization"] = q
            else:
                data, deq = a.astype("<f4").tobytes(), a
            used.setdefault(layer["name"], []).append((wname, deq))
            specs.append(spec)
            blobs.append(data)
    data = b"".join(blobs)
    cut = len(data) // 3  # two shards, cut mid-weight as TFJS does
    paths = ["group1-shard1of2.bin", "group1-shard2of2.bin"]
    for p, chunk in zip(paths, (data[:cut], data[cut:])):
        with open(os.path.join(out, p), "wb") as f:
            f.write(chunk)
    model = {"format": "layers-model", "generatedBy": "keras_fixtures.py",
             "convertedBy": None,
             "modelTopology": {"keras_version": "2.2.4", "backend": "tensorflow",
                               "model_config": keras2_config(g)},
             "weightsManifest": [{"paths": paths, "weights": specs}]}
    path = os.path.join(out, "model.json")
    with open(path, "w") as f:
        json.dump(model, f, indent=1)
    return path, used


def write_h5(g, out):
    path = os.path.join(out, f"{g.name}.h5")
    with h5py.File(path, "w") as f:
        # Keras 2 writes these as bytes (fixed-length strings).
        f.attrs["model_config"] = json.dumps(keras2_config(g)).encode("utf8")
        f.attrs["keras_version"] = b"2.2.4"
        f.attrs["backend"] = b"tensorflow"
        mw = f.create_group("model_weights")
        names = [l["name"] for l in g.layers
                 if not (g.sequential and l["cls"] == "InputLayer")]
        mw.attrs["layer_names"] = [n.encode("utf8") for n in names]
        for layer in g.layers:
            if layer["name"] not in names:
                continue
            grp = mw.create_group(layer["name"])
            wnames = [f"{layer['name']}/{w}:0" for w, _ in layer["weights"]]
            grp.attrs["weight_names"] = [n.encode("utf8") for n in wnames]
            for n, (_, a) in zip(wnames, layer["weights"]):
                grp.create_dataset(n, data=a)
    return path, {l["name"]: l["weights"] for l in g.layers}


def snake(name):
    import re
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def write_keras3(g, out):
    path = os.path.join(out, f"{g.name}.keras")
    h5path = os.path.join(out, f"{g.name}.weights.h5")
    used = {}
    with h5py.File(h5path, "w") as f:
        layers = f.create_group("layers")
        for layer in g.layers:
            key = snake(layer["cls"])
            used[key] = used.get(key, -1) + 1
            key = key if used[key] == 0 else f"{key}_{used[key]}"
            v = layers.create_group(key).create_group("vars")
            for i, (_, a) in enumerate(layer["weights"]):
                v.create_dataset(str(i), data=a)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("metadata.json", json.dumps({"keras_version": "3.3.3"}))
        z.writestr("config.json", json.dumps(keras3_config(g), indent=1))
        z.write(h5path, "model.weights.h5")
    os.remove(h5path)
    return path, {l["name"]: l["weights"] for l in g.layers}


def write(model, fmt, out, quant=None, seed=0):
    rng = np.random.default_rng(seed)
    g = MODELS[model](rng)
    os.makedirs(out, exist_ok=True)
    if fmt == "tfjs":
        path, used = write_tfjs(g, out, quant)
    elif fmt == "h5":
        path, used = write_h5(g, out)
    else:
        path, used = write_keras3(g, out)
    inputs = []
    for i, ref in enumerate(g.inputs):
        shape = [1] + g.by_name[ref[0]]["config"]["batch_input_shape"][1:]
        x = rng.uniform(-2, 2, shape).astype(np.float32)
        np.save(os.path.join(out, f"input{i}.npy"), x)
        inputs.append(x.astype(np.float64))
    for i, y in enumerate(reference(g, inputs, used, fmt == "keras3")):
        np.save(os.path.join(out, f"expected{i}.npy"), y.astype(np.float32))
    return path, len(g.inputs), len(g.outputs)


# ----------------------------------------------------------------------------
# Commands
# ----------------------------------------------------------------------------


def check(args):
    failures = 0
    variants = []
    for fmt in args.formats.split(","):
        quants = [None, "uint8", "uint16", "float16"] if fmt == "tfjs" else [None]
        for q in quants:
            for m in MODELS:
                variants.append((m, fmt, q))
    for m, fmt, q in variants:
        tag = f"{m} {fmt}{'-' + q if q else ''}"
        out = os.path.join(args.work, tag.replace(" ", "_"))
        path, nin, nout = write(m, fmt, out, q)
        mlir = os.path.join(out, "model.mlir")
        r = subprocess.run([args.importer, path, "-o", mlir],
                           capture_output=True, text=True)
        if r.returncode:
            print(f"FAIL {tag}: import: {r.stderr.strip()}")
            failures += 1
            continue
        cmd = [args.run, mlir, "--function=forward"]
        cmd += [f"--input=@{out}/input{i}.npy" for i in range(nin)]
        cmd += [f"--output=@{out}/got{i}.npy" for i in range(nout)]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode:
            print(f"FAIL {tag}: run: {r.stderr.strip()}")
            failures += 1
            continue
        worst = 0.0
        ok = True
        for i in range(nout):
            got = np.load(f"{out}/got{i}.npy")
            want = np.load(f"{out}/expected{i}.npy")
            if got.shape != want.shape:
                print(f"FAIL {tag}: output {i} shape {got.shape} != {want.shape}")
                ok = False
                break
            worst = max(worst, float(np.abs(got - want).max()))
            ok = ok and np.allclose(got, want, rtol=1e-4, atol=1e-5)
        print(f"{'PASS' if ok else 'FAIL'} {tag} max_abs_err={worst:.2e}")
        failures += not ok
    return 1 if failures else 0


def errors(out):
    """Broken inputs for the error tests."""
    os.makedirs(out, exist_ok=True)
    good = os.path.join(out, "good")
    path, _, _ = write("seq", "tfjs", good)
    text = open(path).read()
    # Truncated JSON.
    d = os.path.join(out, "truncated_json")
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, "model.json"), "w").write(text[:len(text) // 2])
    # Missing shard.
    d = os.path.join(out, "missing_shard")
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, "model.json"), "w").write(text)
    data = open(os.path.join(good, "group1-shard1of2.bin"), "rb").read()
    open(os.path.join(d, "group1-shard1of2.bin"), "wb").write(data)
    # Truncated shard.
    d = os.path.join(out, "short_shard")
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, "model.json"), "w").write(text)
    open(os.path.join(d, "group1-shard1of2.bin"), "wb").write(data)
    data2 = open(os.path.join(good, "group1-shard2of2.bin"), "rb").read()
    open(os.path.join(d, "group1-shard2of2.bin"), "wb").write(data2[:-8])
    # Weight shape mismatch: the manifest says [3, 3, 2, 3], config wants 4.
    model = json.loads(text)
    model["modelTopology"]["model_config"]["config"]["layers"][0]["config"][
        "filters"] = 4
    d = os.path.join(out, "shape_mismatch")
    os.makedirs(d, exist_ok=True)
    json.dump(model, open(os.path.join(d, "model.json"), "w"), indent=1)
    for p in ("group1-shard1of2.bin", "group1-shard2of2.bin"):
        open(os.path.join(d, p), "wb").write(open(os.path.join(good, p), "rb").read())
    # Unsupported layer.
    model = json.loads(text)
    model["modelTopology"]["model_config"]["config"]["layers"].insert(
        2, {"name": "lstm_1", "class_name": "LSTM", "config": {"units": 3}})
    d = os.path.join(out, "unsupported")
    os.makedirs(d, exist_ok=True)
    json.dump(model, open(os.path.join(d, "model.json"), "w"), indent=1)
    for p in ("group1-shard1of2.bin", "group1-shard2of2.bin"):
        open(os.path.join(d, p), "wb").write(open(os.path.join(good, p), "rb").read())
    # Values of the wrong kind: a zero stride, a class name that is a number,
    # axes of a form or value no layer accepts (on the [1, 4] output).
    def append(cls, config):
        return lambda l: l.append({"name": "last", "class_name": cls,
                                   "config": config})
    for tag, edit in (("zero_stride", lambda l: l[0]["config"].update(
                          strides=[0, 1])),
                      ("bad_type", lambda l: l[1].update(class_name=5)),
                      ("axis_form", append("Softmax", {"axis": "x"})),
                      ("axis_range", append("Softmax", {"axis": [5]})),
                      ("axis_not_last", append("Normalization", {
                          "axis": 0, "mean": 0.0, "variance": 1.0}))):
        model = json.loads(text)
        edit(model["modelTopology"]["model_config"]["config"]["layers"])
        d = os.path.join(out, tag)
        os.makedirs(d, exist_ok=True)
        json.dump(model, open(os.path.join(d, "model.json"), "w"), indent=1)
        for p in ("group1-shard1of2.bin", "group1-shard2of2.bin"):
            open(os.path.join(d, p), "wb").write(
                open(os.path.join(good, p), "rb").read())
    # Truncated / corrupt HDF5 and zip.
    h5, _, _ = write("seq", "h5", os.path.join(out, "h5"))
    raw = open(h5, "rb").read()
    open(os.path.join(out, "truncated.h5"), "wb").write(raw[:len(raw) // 2])
    garbage = bytearray(raw)
    garbage[0:8] = b"\x89HDF\r\n\x1a\n"
    for i in range(8, min(len(garbage), 4096)):
        garbage[i] = (i * 37) & 0xFF
    open(os.path.join(out, "corrupt.h5"), "wb").write(bytes(garbage))
    k3, _, _ = write("seq", "keras3", os.path.join(out, "k3"))
    raw = open(k3, "rb").read()
    open(os.path.join(out, "truncated.keras"), "wb").write(raw[:len(raw) // 2])
    # A zip whose model.weights.h5 is not HDF5.
    with zipfile.ZipFile(k3) as z:
        config = z.read("config.json")
    with zipfile.ZipFile(os.path.join(out, "badweights.keras"), "w") as z:
        z.writestr("config.json", config)
        z.writestr("model.weights.h5", b"not hdf5 at all")
    # h5 with a shape mismatch.
    with h5py.File(h5, "r") as f:
        cfg = json.loads(f.attrs["model_config"])
    cfg["config"]["layers"][-1]["config"]["units"] = 5
    bad = os.path.join(out, "shape_mismatch.h5")
    import shutil
    shutil.copy(h5, bad)
    with h5py.File(bad, "a") as f:
        f.attrs["model_config"] = json.dumps(cfg)  # vlen string this time
    return 0


def compare(args):
    got, want = np.load(args.got), np.load(args.want)
    if got.shape != want.shape:
        print(f"FAIL shape {got.shape} != {want.shape}")
        return 1
    err = float(np.abs(got.astype(np.float64) - want).max())
    ok = err <= args.atol
    print(f"{'OK' if ok else 'FAIL'} shape={got.shape} max_abs_err={err:.3e} "
          f"max_abs_ref={float(np.abs(want).max()):.3e}")
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("compare")
    c.add_argument("got")
    c.add_argument("want")
    c.add_argument("--atol", type=float, required=True)
    c = sub.add_parser("image")
    c.add_argument("size", type=int)
    c.add_argument("out")
    c = sub.add_parser("check")
    c.add_argument("--import", dest="importer", required=True)
    c.add_argument("--run", required=True)
    c.add_argument("--work", required=True)
    c.add_argument("--formats", default="tfjs,h5,keras3")
    w = sub.add_parser("write")
    w.add_argument("model", choices=sorted(MODELS))
    w.add_argument("format", choices=["tfjs", "h5", "keras3"])
    w.add_argument("out")
    w.add_argument("--quant", choices=["uint8", "uint16", "float16"])
    e = sub.add_parser("errors")
    e.add_argument("out")
    args = ap.parse_args()
    if args.cmd == "compare":
        return compare(args)
    if args.cmd == "image":
        # A pseudo photo scaled like nsfwjs's inputs (/255).
        rng = np.random.default_rng(0)
        x = rng.integers(0, 256, (1, args.size, args.size, 3)) / 255.0
        np.save(args.out, x.astype(np.float32))
        return 0
    if args.cmd == "check":
        return check(args)
    if args.cmd == "write":
        print(write(args.model, args.format, args.out, args.quant)[0])
        return 0
    return errors(args.out)


if __name__ == "__main__":
    sys.exit(main())
