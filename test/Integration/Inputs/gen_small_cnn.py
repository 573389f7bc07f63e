"""Writes a small CNN as TOSA (.mlir) and its weights as .npy, with a numpy
reference of its forward pass. Used by the Integration tests and bench/.

  gen_small_cnn.py OUTDIR [--batch B] [--size H] [--channels C] [--classes K]

Layers: conv3x3(C->8, pad 1) + relu, depthwise 3x3 + bias, maxpool 2x2,
conv1x1(8->16) + relu6 (clamp), avgpool 2x2, reshape, dense (-> K).
"""
import argparse, os
import numpy as np

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("--batch", type=int, default=4)
p.add_argument("--size", type=int, default=16)
p.add_argument("--channels", type=int, default=1)
p.add_argument("--classes", type=int, default=10)
p.add_argument("--seed", type=int, default=0)
p.add_argument("--onnx", action="store_true",
               help="also write model.onnx (NHWC in/out, for onnxruntime)")
p.add_argument("--eval", nargs=3, metavar=("X.npy", "Y.npy", "OUT.txt"),
               help="only write the metrics of the model on preprocessed "
                    "inputs X (NxHxWxC) with labels Y to OUT")
a = p.parse_args()
B, H, C, K = a.batch, a.size, a.channels, a.classes
r = np.random.default_rng(a.seed)
w1 = (r.standard_normal((8, 3, 3, C)) * 0.3).astype(np.float32)   # OHWI
b1 = (r.standard_normal(8) * 0.1).astype(np.float32)
wd = (r.standard_normal((3, 3, 8, 1)) * 0.3).astype(np.float32)   # HWCM
bd = (r.standard_normal(8) * 0.1).astype(np.float32)
w2 = (r.standard_normal((16, 1, 1, 8)) * 0.3).astype(np.float32)
b2 = (r.standard_normal(16) * 0.1).astype(np.float32)
F = (H // 4) * (H // 4) * 16
wf = (r.standard_normal((1, F, K)) * 0.1).astype(np.float32)
bf = (r.standard_normal((1, 1, K)) * 0.1).astype(np.float32)

def dense(x):
    flat = ", ".join("%.9g" % v for v in x.reshape(-1))
    shape = "x".join(str(d) for d in x.shape)
    return 'dense<[%s]> : tensor<%sxf32>' % (flat, shape) if x.ndim == 1 else \
        'dense<%s> : tensor<%sxf32>' % (np.array2string(x, separator=", ", threshold=10**9, floatmode="unique").replace("\n", ""), shape)

def t(*s):
    return "tensor<%sxf32>" % "x".join(str(d) for d in s)

H2, H4 = H // 2, H // 4
mlir = f"""func.func @forward(%x: {t(B,H,H,C)}) -> {t(B,K)} {{
  %z = "tosa.const"() {{values = dense<0.0> : tensor<1xf32>}} : () -> tensor<1xf32>
  %w1 = "tosa.const"() {{values = {dense(w1)}}} : () -> {t(8,3,3,C)}
  %b1 = "tosa.const"() {{values = {dense(b1)}}} : () -> {t(8)}
  %c1 = tosa.conv2d %x, %w1, %b1, %z, %z {{acc_type = f32, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}} : ({t(B,H,H,C)}, {t(8,3,3,C)}, {t(8)}, tensor<1xf32>, tensor<1xf32>) -> {t(B,H,H,8)} loc("conv1")
  %r1 = tosa.clamp %c1 {{min_val = 0.0 : f32, max_val = 3.4e38 : f32}} : ({t(B,H,H,8)}) -> {t(B,H,H,8)}
  %wd = "tosa.const"() {{values = {dense(wd)}}} : () -> {t(3,3,8,1)}
  %bd = "tosa.const"() {{values = {dense(bd)}}} : () -> {t(8)}
  %d = tosa.depthwise_conv2d %r1, %wd, %bd, %z, %z {{acc_type = f32, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}} : ({t(B,H,H,8)}, {t(3,3,8,1)}, {t(8)}, tensor<1xf32>, tensor<1xf32>) -> {t(B,H,H,8)} loc("dw")
  %p = tosa.max_pool2d %d {{kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>}} : ({t(B,H,H,8)}) -> {t(B,H2,H2,8)}
  %w2 = "tosa.const"() {{values = {dense(w2)}}} : () -> {t(16,1,1,8)}
  %b2 = "tosa.const"() {{values = {dense(b2)}}} : () -> {t(16)}
  %c2 = tosa.conv2d %p, %w2, %b2, %z, %z {{acc_type = f32, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}} : ({t(B,H2,H2,8)}, {t(16,1,1,8)}, {t(16)}, tensor<1xf32>, tensor<1xf32>) -> {t(B,H2,H2,16)} loc("conv2")
  %r2 = tosa.clamp %c2 {{min_val = 0.0 : f32, max_val = 6.0 : f32}} : ({t(B,H2,H2,16)}) -> {t(B,H2,H2,16)}
  %a = tosa.avg_pool2d %r2, %z, %z {{acc_type = f32, kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>}} : ({t(B,H2,H2,16)}, tensor<1xf32>, tensor<1xf32>) -> {t(B,H4,H4,16)}
  %s = tosa.const_shape {{values = dense<[1, {B}, {F}]> : tensor<3xindex>}} : () -> !tosa.shape<3>
  %f = tosa.reshape %a, %s : ({t(B,H4,H4,16)}, !tosa.shape<3>) -> {t(1,B,F)}
  %wf = "tosa.const"() {{values = {dense(wf)}}} : () -> {t(1,F,K)}
  %m = tosa.matmul %f, %wf, %z, %z : ({t(1,B,F)}, {t(1,F,K)}, tensor<1xf32>, tensor<1xf32>) -> {t(1,B,K)} loc("dense")
  %bf = "tosa.const"() {{values = {dense(bf)}}} : () -> {t(1,1,K)}
  %o = tosa.add %m, %bf : ({t(1,B,K)}, {t(1,1,K)}) -> {t(1,B,K)}
  %s2 = tosa.const_shape {{values = dense<[{B}, {K}]> : tensor<2xindex>}} : () -> !tosa.shape<2>
  %y = tosa.reshape %o, %s2 : ({t(1,B,K)}, !tosa.shape<2>) -> {t(B,K)}
  return %y : {t(B,K)}
}}
"""
os.makedirs(a.out, exist_ok=True)
open(os.path.join(a.out, "model.mlir"), "w").write(mlir)

def conv(x, w_ohwi, b, pad):
    xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    O, KH, KW, _ = w_ohwi.shape
    Hn, Wn = xp.shape[1] - KH + 1, xp.shape[2] - KW + 1
    y = np.zeros((x.shape[0], Hn, Wn, O), np.float64)
    for i in range(KH):
        for j in range(KW):
            y += np.einsum("nhwc,oc->nhwo", xp[:, i:i + Hn, j:j + Wn, :], w_ohwi[:, i, j, :])
    return y + b

def depthwise(x, w_hwcm, b):
    xp = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    y = np.zeros(x.shape, np.float64)
    for i in range(3):
        for j in range(3):
            y += xp[:, i:i + x.shape[1], j:j + x.shape[2], :] * w_hwcm[i, j, :, 0]
    return y + b

def pool(x, f):
    n, h, w, c = x.shape
    return f(x.reshape(n, h // 2, 2, w // 2, 2, c), axis=(2, 4))

def forward(x):
    x = x.astype(np.float64)
    y = np.maximum(conv(x, w1, b1, 1), 0)
    y = pool(depthwise(y, wd, bd), np.max)
    y = np.clip(conv(y, w2, b2, 0), 0, 6)
    y = pool(y, np.mean)
    return (y.reshape(B, F) @ wf[0] + bf[0]).astype(np.float32)

def metrics(logits, labels):
    n = len(labels)
    m = logits.astype(np.float64) - logits.max(1, keepdims=True)
    logp = m - np.log(np.exp(m).sum(1, keepdims=True))
    acc = (logits.argmax(1) == labels).mean()
    loss = -logp[np.arange(n), labels].mean()
    top5 = np.mean([(logits[i] > logits[i, labels[i]]).sum() < 5 for i in range(n)])
    return "accuracy %.4f top5 %.4f loss %.4f\n" % (acc, top5, loss)

def forward_any(xs):
    # Runs the fixed-batch model over any number of examples, padding.
    outs = []
    for i in range(0, len(xs), B):
        chunk = xs[i:i + B]
        pad = np.zeros((B - len(chunk),) + xs.shape[1:], np.float32)
        outs.append(forward(np.concatenate([chunk, pad]))[:len(chunk)])
    return np.concatenate(outs)

if a.eval:
    xs, ys = np.load(a.eval[0]), np.load(a.eval[1]).astype(np.int64)
    open(a.eval[2], "w").write(metrics(forward_any(xs), ys))
    raise SystemExit(0)

x = r.standard_normal((B, H, H, C)).astype(np.float32)
np.save(os.path.join(a.out, "x.npy"), x)
np.save(os.path.join(a.out, "ref.npy"), forward(x))
# A tiny labelled dataset in npy-dir form, its labels the reference argmax
# for the first half (so accuracy is known) and shifted for the rest.
n = 2 * B + 1
xs = r.standard_normal((n, H, H, C)).astype(np.float32)
logits = np.concatenate([forward(xs[i:i + B]) if len(xs[i:i + B]) == B else
                         forward(np.concatenate([xs[i:], np.zeros((B - len(xs[i:]), H, H, C), np.float32)]))[:len(xs[i:])]
                         for i in range(0, n, B)])
labels = logits.argmax(1)
labels[n // 2:] = (labels[n // 2:] + 1) % K
ds = os.path.join(a.out, "ds")
os.makedirs(ds, exist_ok=True)
np.save(os.path.join(ds, "x.npy"), xs)
np.save(os.path.join(ds, "y.npy"), labels.astype(np.float32))
m = logits - logits.max(1, keepdims=True)
logp = m - np.log(np.exp(m).sum(1, keepdims=True))
acc = (logits.argmax(1) == labels).mean()
loss = -logp[np.arange(n), labels].mean()
top5 = np.mean([(logits[i] > logits[i, labels[i]]).sum() < 5 for i in range(n)])
open(os.path.join(a.out, "expected.txt"), "w").write("accuracy %.4f top5 %.4f loss %.4f\n" % (acc, top5, loss))

if a.onnx:
    # The same network for onnxruntime (NCHW inside, NHWC at the edges).
    import onnx
    from onnx import helper, numpy_helper, TensorProto
    W = lambda arr, n: numpy_helper.from_array(np.ascontiguousarray(arr), n)
    nodes = [
        helper.make_node("Transpose", ["x"], ["xc"], perm=[0, 3, 1, 2]),
        helper.make_node("Conv", ["xc", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"]),
        helper.make_node("Conv", ["r1", "wd", "bd"], ["d"], pads=[1, 1, 1, 1], group=8),
        helper.make_node("MaxPool", ["d"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["p", "w2", "b2"], ["c2"]),
        helper.make_node("Clip", ["c2", "lo", "hi"], ["r2"]),
        helper.make_node("AveragePool", ["r2"], ["ap"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Transpose", ["ap"], ["at"], perm=[0, 2, 3, 1]),
        helper.make_node("Reshape", ["at", "shape"], ["f"]),
        helper.make_node("MatMul", ["f", "wf"], ["m"]),
        helper.make_node("Add", ["m", "bf"], ["y"]),
    ]
    inits = [W(w1.transpose(0, 3, 1, 2), "w1"), W(b1, "b1"),
             W(wd.transpose(2, 3, 0, 1), "wd"), W(bd, "bd"),
             W(w2.transpose(0, 3, 1, 2), "w2"), W(b2, "b2"),
             W(np.array(0, np.float32), "lo"), W(np.array(6, np.float32), "hi"),
             W(np.array([B, F], np.int64), "shape"), W(wf[0], "wf"), W(bf[0, 0], "bf")]
    g = helper.make_graph(nodes, "small_cnn",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [B, H, H, C])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [B, K])], inits)
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]),
              os.path.join(a.out, "model.onnx"))
