#!/usr/bin/python3
"""Writes small ONNX models for the importer's lit tests into DIR."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(0)


def save(name, nodes, inputs, outputs, inits=(), opset=13):
    graph = helper.make_graph(nodes, name, inputs, outputs, list(inits))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    onnx.save(model, os.path.join(out, name + ".onnx"))


def f32(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def init(name, arr):
    return numpy_helper.from_array(arr.astype(np.float32), name)


# A well-formed Conv -> Relu -> Flatten -> Gemm net with a dynamic batch.
w = rng.standard_normal((4, 3, 3, 3))
save("good", [
    helper.make_node("Conv", ["x", "w", "b"], ["c"], name="conv1", pads=[1, 1, 1, 1]),
    helper.make_node("Relu", ["c"], ["r"], name="relu1"),
    helper.make_node("Flatten", ["r"], ["f"], name="flat"),
    helper.make_node("Gemm", ["f", "fw", "fb"], ["y"], name="fc", transB=1),
], [f32("x", ["N", 3, 5, 5])], [f32("y", ["N", 2])],
    [init("w", w), init("b", rng.standard_normal(4)),
     init("fw", rng.standard_normal((2, 100))), init("fb", rng.standard_normal(2))])

save("unsupported_op", [helper.make_node("Erfc", ["x"], ["y"], name="mystery")],
     [f32("x", [1, 4])], [f32("y", [1, 4])])

save("bad_attr", [helper.make_node("Pad", ["x", "p"], ["y"], name="pad1", mode="wrap")],
     [f32("x", [1, 1, 4, 4])], [f32("y", [1, 1, 6, 6])],
     [numpy_helper.from_array(np.array([0, 0, 1, 1, 0, 0, 1, 1], np.int64), "p")])

save("shape_mismatch", [helper.make_node("Add", ["a", "b"], ["y"], name="add1")],
     [f32("a", [1, 3]), f32("b", [1, 4])], [f32("y", [1, 4])])

save("missing_input", [helper.make_node("Relu", ["nowhere"], ["y"], name="relu1")],
     [f32("x", [1, 4])], [f32("y", [1, 4])])

# BatchNormalization exported in training mode (opset 15, only Y used) and a
# training-mode Dropout: both import with inference semantics as nr ops.
c = 3
save("bn_dropout", [
    helper.make_node("BatchNormalization", ["x", "g", "be", "m", "v"], ["b"],
                     name="bn1", epsilon=1e-4, momentum=0.9, training_mode=1),
    helper.make_node("Dropout", ["b", "ratio", "train"], ["y"], name="drop1", seed=7),
], [f32("x", [1, c, 4, 4])], [f32("y", [1, c, 4, 4])],
    [init("g", rng.uniform(0.5, 1.5, c)), init("be", rng.standard_normal(c)),
     init("m", rng.standard_normal(c)), init("v", rng.uniform(0.5, 1.5, c)),
     numpy_helper.from_array(np.array(0.2, np.float32), "ratio"),
     numpy_helper.from_array(np.array(True), "train")], opset=15)
np.save(os.path.join(out, "bn_x.npy"), rng.standard_normal((1, c, 4, 4)).astype(np.float32))

# Pad in edge and reflect modes on an NHWC-held value (after a Relu on a
# Conv), checked against numpy.pad in pad-modes.test.
for mode in ("edge", "reflect"):
    save("pad_" + mode, [
        helper.make_node("Conv", ["x", "w1"], ["c"], name="conv"),
        helper.make_node("Pad", ["c", "p"], ["y"], name="pad", mode=mode),
    ], [f32("x", [1, 2, 5, 6])], [f32("y", [1, 2, 8, 7])],
        [init("w1", np.eye(2).reshape(2, 2, 1, 1)),
         numpy_helper.from_array(np.array([0, 0, 2, 0, 0, 0, 1, 1], np.int64), "p")])
np.save(os.path.join(out, "pad_x.npy"), rng.standard_normal((1, 2, 5, 6)).astype(np.float32))

# A Conv node without its weight input (malformed).
save("conv_no_weight", [helper.make_node("Conv", ["x"], ["y"], name="conv1")],
     [f32("x", [1, 1, 4, 4])], [f32("y", [1, 1, 4, 4])])

# A zero stride (libonnx's shape inference would divide by it).
save("zero_stride", [helper.make_node("Conv", ["x", "w"], ["y"], name="conv1", strides=[0, 1])],
     [f32("x", [1, 1, 4, 4])], [f32("y", [1, 1, 2, 2])],
     [init("w", np.ones((1, 1, 3, 3)))])
