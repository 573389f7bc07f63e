"""Writes the kernel benchmark models as TOSA (.mlir with dense_resource-free
random weights generated from a seed) and as ONNX (for onnxruntime), and a
JSON file with each model's FLOP count.

  gen_kernels.py OUTDIR [--batch B]

Each model is forward(x: BxHxWxC) -> BxK, K = flattened output, so the
compiled executables' `bench` subcommand can time it.
"""
import argparse, json, os
import numpy as np

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("--batch", type=int, default=32)
a = p.parse_args()
B = a.batch
r = np.random.default_rng(0)
os.makedirs(a.out, exist_ok=True)

def t(*s):
    return "tensor<%sxf32>" % "x".join(str(d) for d in s)

def hexblob(w):
    # dense_resource blob: 4-byte alignment header then little-endian data.
    return "0x04000000" + w.astype("<f4").tobytes().hex().upper()

def write(name, body, inshape, outshape, blobs, flops, onnx_model):
    res = ",\n      ".join('%s: "%s"' % (k, hexblob(v)) for k, v in blobs.items())
    text = ("func.func @forward(%%x: %s) -> %s {\n%s}\n{-#\n  dialect_resources: {\n    builtin: {\n      %s\n    }\n  }\n#-}\n"
            % (t(*inshape), t(*outshape), body, res))
    open(os.path.join(a.out, name + ".mlir"), "w").write(text)
    import onnx
    onnx.save(onnx_model, os.path.join(a.out, name + ".onnx"))
    return {"name": name, "flops": flops, "input": inshape}

from onnx import helper, TensorProto, numpy_helper

def onnx_conv(name, inshape, w_oihw, b, pad, group, outflat):
    # ONNX is NCHW: transpose in and out so both sides see NHWC data.
    nodes = [helper.make_node("Transpose", ["x"], ["xc"], perm=[0, 3, 1, 2]),
             helper.make_node("Conv", ["xc", "w", "b"], ["yc"], pads=[pad] * 4, group=group),
             helper.make_node("Transpose", ["yc"], ["yt"], perm=[0, 2, 3, 1]),
             helper.make_node("Reshape", ["yt", "shape"], ["y"])]
    g = helper.make_graph(nodes, name,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, inshape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [inshape[0], outflat])],
        [numpy_helper.from_array(w_oihw, "w"), numpy_helper.from_array(b, "b"),
         numpy_helper.from_array(np.array([inshape[0], outflat], np.int64), "shape")])
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])

specs = []
def conv(name, H, C, F, k, depthwise=False):
    pad = k // 2
    if depthwise:
        w = (r.standard_normal((k, k, C, 1)) * 0.1).astype(np.float32)
        wshape, op = (k, k, C, 1), "tosa.depthwise_conv2d"
        w_oihw = w.transpose(2, 3, 0, 1)  # C x 1 x k x k
        F = C
    else:
        w = (r.standard_normal((F, k, k, C)) * 0.1).astype(np.float32)
        wshape, op = (F, k, k, C), "tosa.conv2d"
        w_oihw = w.transpose(0, 3, 1, 2)
    b = (r.standard_normal(F) * 0.1).astype(np.float32)
    K = H * H * F
    body = f"""  %z = "tosa.const"() {{values = dense<0.0> : tensor<1xf32>}} : () -> tensor<1xf32>
  %w = "tosa.const"() {{values = dense_resource<w_{name}> : {t(*wshape)}}} : () -> {t(*wshape)}
  %b = "tosa.const"() {{values = dense_resource<b_{name}> : {t(F)}}} : () -> {t(F)}
  %y = {op} %x, %w, %b, %z, %z {{acc_type = f32, pad = array<i64: {pad}, {pad}, {pad}, {pad}>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}} : ({t(B,H,H,C)}, {t(*wshape)}, {t(F)}, tensor<1xf32>, tensor<1xf32>) -> {t(B,H,H,F)}
  %s = tosa.const_shape {{values = dense<[{B}, {K}]> : tensor<2xindex>}} : () -> !tosa.shape<2>
  %o = tosa.reshape %y, %s : ({t(B,H,H,F)}, !tosa.shape<2>) -> {t(B,K)}
  return %o : {t(B,K)}
"""
    flops = 2 * B * H * H * F * k * k * (1 if depthwise else C)
    specs.append(write(name, body, [B, H, H, C], [B, K], {"w_" + name: w, "b_" + name: b}, flops,
                       onnx_conv(name, [B, H, H, C], w_oihw, b, pad, C if depthwise else 1, K)))

def matmul(name, M, Kd, N):
    w = (r.standard_normal((1, Kd, N)) * 0.05).astype(np.float32)
    body = f"""  %z = "tosa.const"() {{values = dense<0.0> : tensor<1xf32>}} : () -> tensor<1xf32>
  %s = tosa.const_shape {{values = dense<[1, {M}, {Kd}]> : tensor<3xindex>}} : () -> !tosa.shape<3>
  %a = tosa.reshape %x, %s : ({t(M,1,1,Kd)}, !tosa.shape<3>) -> {t(1,M,Kd)}
  %w = "tosa.const"() {{values = dense_resource<w_{name}> : {t(1,Kd,N)}}} : () -> {t(1,Kd,N)}
  %m = tosa.matmul %a, %w, %z, %z : ({t(1,M,Kd)}, {t(1,Kd,N)}, tensor<1xf32>, tensor<1xf32>) -> {t(1,M,N)}
  %s2 = tosa.const_shape {{values = dense<[{M}, {N}]> : tensor<2xindex>}} : () -> !tosa.shape<2>
  %o = tosa.reshape %m, %s2 : ({t(1,M,N)}, !tosa.shape<2>) -> {t(M,N)}
  return %o : {t(M,N)}
"""
    nodes = [helper.make_node("Reshape", ["x", "s"], ["a"]), helper.make_node("MatMul", ["a", "w"], ["y"])]
    g = helper.make_graph(nodes, name,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [M, 1, 1, Kd])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [M, N])],
        [numpy_helper.from_array(w[0], "w"), numpy_helper.from_array(np.array([M, Kd], np.int64), "s")])
    specs.append(write(name, body, [M, 1, 1, Kd], [M, N], {"w_" + name: w}, 2 * M * Kd * N,
                       helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])))

conv("conv3x3", 32, 64, 64, 3)
# ResNet18's layer3 shape: at batch 32 netrewrite computes it by Winograd
# F(2x2, 3x3) (netrewrite-winograd-conv), at batch 1 directly.
conv("conv3x3_deep", 14, 256, 256, 3)
conv("conv1x1", 32, 128, 128, 1)
conv("depthwise3x3", 32, 128, 128, 3, depthwise=True)
matmul("matmul", B, 1024, 1024)
json.dump(specs, open(os.path.join(a.out, "specs.json"), "w"), indent=1)
