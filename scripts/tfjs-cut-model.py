#!/usr/bin/python3
"""Cuts a TFJS layers model (model.json + shards) at one layer.

    tfjs-cut-model.py model.json --output-layer block_10_project_BN \
        [--input-size 96] [--new-head 10 [--seed S]] -o OUT_DIR

Keeps the layers the chosen output depends on, makes that layer the model's
output, optionally changes the input's height and width, and rewrites the
weight manifest and shard so they hold exactly the kept layers' weights (TFJS
and netrewrite-import both refuse weights that no layer owns). Used to check
an intermediate layer (e.g. nsfwjs's ImageNet backbone) against TFJS.

With --new-head K it then appends a fresh classifier, GlobalAveragePooling2D
(`head_gap`) and a linear Dense(K) (`head_dense`, Glorot-uniform kernel from
--seed, zero bias, float32 in a weight group of its own): the transfer-learning
setup of the demo, a pretrained backbone under a new K-class head.
"""
import argparse
import json
import os
import random
import struct
import sys

WIDTH = {"float32": 4, "int32": 4, "uint8": 1, "uint16": 2, "float16": 2}


def inbound(layer):
    for node in layer.get("inbound_nodes", []):
        for ref in node:
            yield ref[0]


# Layers that keep their input's channel count and own no weights.
CHANNEL_PRESERVING = {"Activation", "ReLU", "Dropout", "ZeroPadding2D",
                      "MaxPooling2D", "AveragePooling2D", "LeakyReLU"}


def output_channels(model, layers, layer):
    """Channels of `layer`'s output, read from the shapes of its weights (or,
    through activations and paddings, of the layer below)."""
    for group in model["weightsManifest"]:
        for w in group["weights"]:
            owner, _, role = w["name"].rpartition("/")
            if owner == layer and role in ("moving_mean", "gamma", "beta", "bias",
                                           "kernel", "depthwise_kernel"):
                return w["shape"][-1] if role != "depthwise_kernel" else \
                    w["shape"][-2] * w["shape"][-1]
    spec = layers.get(layer)
    below = list(inbound(spec)) if spec else []
    if spec and spec["class_name"] in CHANNEL_PRESERVING and len(below) == 1:
        return output_channels(model, layers, below[0])
    sys.exit(f"tfjs-cut-model: cannot tell the channel count of '{layer}' "
             "(it owns no weights); cut at a conv, batch-norm or activation layer")


def add_head(model, cfg, below, classes, seed, out_dir):
    channels = output_channels(
        model, {l["config"]["name"]: l for l in cfg["layers"]}, below)
    cfg["layers"].append({
        "name": "head_gap", "class_name": "GlobalAveragePooling2D",
        "config": {"name": "head_gap", "trainable": True,
                   "data_format": "channels_last"},
        "inbound_nodes": [[[below, 0, 0, {}]]]})
    cfg["layers"].append({
        "name": "head_dense", "class_name": "Dense",
        "config": {"name": "head_dense", "trainable": True, "units": classes,
                   "activation": "linear", "use_bias": True},
        "inbound_nodes": [[["head_gap", 0, 0, {}]]]})
    cfg["output_layers"] = [["head_dense", 0, 0]]
    # Glorot uniform, as Keras initialises a Dense kernel.
    rng = random.Random(seed)
    limit = (6.0 / (channels + classes)) ** 0.5
    kernel = [rng.uniform(-limit, limit) for _ in range(channels * classes)]
    name = "head-weights.bin"
    with open(os.path.join(out_dir, name), "wb") as f:
        f.write(struct.pack(f"<{len(kernel)}f", *kernel))
        f.write(struct.pack(f"<{classes}f", *([0.0] * classes)))
    model["weightsManifest"].append({"paths": [name], "weights": [
        {"name": "head_dense/kernel", "shape": [channels, classes], "dtype": "float32"},
        {"name": "head_dense/bias", "shape": [classes], "dtype": "float32"}]})
    print(f"tfjs-cut-model: new head GlobalAveragePooling2D -> Dense({classes}) "
          f"on {channels} channels")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--output-layer", required=True)
    ap.add_argument("--input-size", type=int)
    ap.add_argument("--new-head", type=int, metavar="K")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("-o", "--out", required=True)
    args = ap.parse_args()

    with open(args.model) as f:
        model = json.load(f)
    topo = model["modelTopology"]
    cfg = topo.get("model_config", topo)["config"]
    layers = {l["name"]: l for l in cfg["layers"]}
    if args.output_layer not in layers:
        sys.exit(f"tfjs-cut-model: no layer '{args.output_layer}'")
    keep, todo = set(), [args.output_layer]
    while todo:
        name = todo.pop()
        if name not in keep:
            keep.add(name)
            todo.extend(inbound(layers[name]))
    cfg["layers"] = [l for l in cfg["layers"] if l["name"] in keep]
    cfg["output_layers"] = [[args.output_layer, 0, 0]]
    if args.input_size:
        for l in cfg["layers"]:
            if l["class_name"] == "InputLayer":
                shape = l["config"]["batch_input_shape"]
                shape[1] = shape[2] = args.input_size

    base = os.path.dirname(args.model)
    os.makedirs(args.out, exist_ok=True)
    for gi, group in enumerate(model["weightsManifest"]):
        data = b"".join(open(os.path.join(base, p), "rb").read()
                        for p in group["paths"])
        kept, out, offset = [], [], 0
        for w in group["weights"]:
            count = 1
            for d in w["shape"]:
                count *= d
            storage = w.get("quantization", {}).get("dtype", w["dtype"])
            size = count * WIDTH[storage]
            if w["name"].rsplit("/", 1)[0] in keep:
                kept.append(w)
                out.append(data[offset:offset + size])
            offset += size
        group["weights"] = kept
        name = f"group{gi + 1}-cut.bin"
        group["paths"] = [name]
        with open(os.path.join(args.out, name), "wb") as f:
            f.write(b"".join(out))
    if args.new_head:
        add_head(model, cfg, args.output_layer, args.new_head, args.seed, args.out)
    with open(os.path.join(args.out, "model.json"), "w") as f:
        json.dump(model, f, indent=1)
    print(f"tfjs-cut-model: {len(cfg['layers'])} layers up to "
          f"{args.output_layer} -> {args.out}/model.json")


if __name__ == "__main__":
    main()
