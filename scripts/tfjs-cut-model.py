#!/usr/bin/python3
"""Cuts a TFJS layers model (model.json + shards) at one layer.

    tfjs-cut-model.py model.json --output-layer block_10_project_BN \
        [--input-size 96] -o OUT_DIR

Keeps the layers the chosen output depends on, makes that layer the model's
output, optionally changes the input's height and width, and rewrites the
weight manifest and shard so they hold exactly the kept layers' weights (TFJS
and netrewrite-import both refuse weights that no layer owns). Used to check
an intermediate layer (e.g. nsfwjs's ImageNet backbone) against TFJS.
"""
import argparse
import json
import os
import sys

WIDTH = {"float32": 4, "int32": 4, "uint8": 1, "uint16": 2, "float16": 2}


def inbound(layer):
    for node in layer.get("inbound_nodes", []):
        for ref in node:
            yield ref[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--output-layer", required=True)
    ap.add_argument("--input-size", type=int)
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
    with open(os.path.join(args.out, "model.json"), "w") as f:
        json.dump(model, f, indent=1)
    print(f"tfjs-cut-model: {len(cfg['layers'])} layers up to "
          f"{args.output_layer} -> {args.out}/model.json")


if __name__ == "__main__":
    main()
