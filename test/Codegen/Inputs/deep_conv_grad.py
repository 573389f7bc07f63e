"""deep_conv_grad.py OUTDIR: the gradients of two deep 3x3 convolutions.

  deep_conv_grad.py OUTDIR            writes OUTDIR/model.mlir (TOSA, weights
                                      as dense_resource constants), the
                                      inputs (x.npy, labels.npy, hyper.npy)
                                      and the reference computed with
                                      PyTorch (expected_loss.npy,
                                      expected_<param>.npy)
  deep_conv_grad.py OUTDIR --check TRAIN.mlir --runner PATH [ARGS...]
                                      runs @loss_and_grad of TRAIN.mlir
                                      (from --netrewrite-build-train-step
                                      emit-grad=true) with PATH
                                      (netrewrite-run) and ARGS on the same
                                      parameters and inputs, and compares the
                                      loss and every gradient (named by
                                      nr.grad) with the reference

The network (batch 2, 8x8): conv 3x3 64->256 + ReLU, conv 3x3 256->128 +
ReLU, global average pool, dense 128->10, softmax cross-entropy. Both
convolutions take the deep-convolution schedule (filters >= 2^17 values,
output <= 16x16), so in the training step their forward and input-gradient
filters and the weight gradients' output-gradient transposes are read in
output-channel blocks: netrewrite-pack-filter-values computes them in the
blocked layout (test/Codegen/pack-filter-values.test)."""
import argparse
import os
import re
import sys

import numpy as np
import torch

from tosa_text import resources, t

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--check", nargs=argparse.REMAINDER)
ap.add_argument("--runner")
a = ap.parse_args()
out = a.out
N, H, C0, C1, C2, K = 2, 8, 64, 256, 128, 10


if a.check:
    import subprocess
    import tempfile
    train, runner, extra = a.check[0], a.runner, a.check[1:]
    text = open(train).read()
    m = re.search(r"func\.func @loss_and_grad\((.*?)\) -> \((.*?)\)", text)
    params = re.findall(r'nr\.param = "([^"]*)"', m.group(1))
    names = re.findall(r'nr\.grad = "([^"]*)"', m.group(2))
    key = lambda n: n.replace("/", "_")
    inputs = [os.path.join(out, "param_%s.npy" % key(n)) for n in params]
    inputs += [os.path.join(out, f) for f in ("x.npy", "labels.npy", "hyper.npy")]
    with tempfile.TemporaryDirectory() as tmp:
        outs = [os.path.join(tmp, "out%d.npy" % i) for i in range(len(names) + 1)]
        subprocess.run([runner, train, "--function=loss_and_grad"] + extra +
                       ["--input=@" + p for p in inputs] +
                       ["--output=@" + p for p in outs], check=True)
        got = [np.load(p) for p in outs]
    ok = True
    pairs = [("loss", got[0], np.load(os.path.join(out, "expected_loss.npy")))]
    for n, g in zip(names, got[1:]):
        pairs.append((n, g, np.load(os.path.join(out, "expected_%s.npy" % key(n)))))
    for n, g, e in pairs:
        g = g.reshape(e.shape)
        err = np.max(np.abs(g - e)) / max(np.max(np.abs(e)), 1e-30)
        good = err < 1e-4
        ok &= good
        print("deep_conv_grad: %s %s (max error %.2e of max |value|)" % (n, "ok" if good else "FAIL", err))
    print("deep_conv_grad: all %s" % ("ok" if ok else "FAIL"))
    sys.exit(0 if ok else 1)

os.makedirs(out, exist_ok=True)
r = np.random.default_rng(3)
x = r.uniform(-1, 1, (N, H, H, C0)).astype(np.float32)
w1 = (r.standard_normal((C1, 3, 3, C0)) * 0.06).astype(np.float32)  # OHWI
b1 = (r.standard_normal(C1) * 0.1).astype(np.float32)
w2 = (r.standard_normal((C2, 3, 3, C1)) * 0.03).astype(np.float32)
b2 = (r.standard_normal(C2) * 0.1).astype(np.float32)
wd = (r.standard_normal((1, C2, K)) * 0.1).astype(np.float32)
bd = (r.standard_normal((1, K)) * 0.1).astype(np.float32)
labels = np.eye(K, dtype=np.float32)[[3, 7]]

conv = ("tosa.conv2d {x}, {w}, {b}, %z, %z {{acc_type = f32, pad = array<i64: 1, 1, 1, 1>, "
        "stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}} : ({ti}, {tw}, {tb}, tensor<1xf32>, "
        "tensor<1xf32>) -> {to}")
relu = "tosa.clamp {v} {{min_val = 0.0 : f32, max_val = 3.4e38 : f32}} : ({ty}) -> {ty}"
open(os.path.join(out, "model.mlir"), "w").write(f"""func.func @forward(%x: {t(N, H, H, C0)}) -> {t(N, K)} {{
  %z = "tosa.const"() {{values = dense<0.0> : tensor<1xf32>}} : () -> tensor<1xf32>
  %w1 = "tosa.const"() {{values = dense_resource<w1> : {t(C1, 3, 3, C0)}}} : () -> {t(C1, 3, 3, C0)}
  %b1 = "tosa.const"() {{values = dense_resource<b1> : {t(C1)}}} : () -> {t(C1)}
  %w2 = "tosa.const"() {{values = dense_resource<w2> : {t(C2, 3, 3, C1)}}} : () -> {t(C2, 3, 3, C1)}
  %b2 = "tosa.const"() {{values = dense_resource<b2> : {t(C2)}}} : () -> {t(C2)}
  %wd = "tosa.const"() {{values = dense_resource<wd> : {t(1, C2, K)}}} : () -> {t(1, C2, K)}
  %bd = "tosa.const"() {{values = dense_resource<bd> : {t(1, K)}}} : () -> {t(1, K)}
  %c1 = {conv.format(x="%x", w="%w1", b="%b1", ti=t(N, H, H, C0), tw=t(C1, 3, 3, C0), tb=t(C1), to=t(N, H, H, C1))} loc("conv1")
  %a1 = {relu.format(v="%c1", ty=t(N, H, H, C1))} loc("relu1")
  %c2 = {conv.format(x="%a1", w="%w2", b="%b2", ti=t(N, H, H, C1), tw=t(C2, 3, 3, C1), tb=t(C2), to=t(N, H, H, C2))} loc("conv2")
  %a2 = {relu.format(v="%c2", ty=t(N, H, H, C2))} loc("relu2")
  %p = tosa.avg_pool2d %a2, %z, %z {{acc_type = f32, kernel = array<i64: {H}, {H}>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>}} : ({t(N, H, H, C2)}, tensor<1xf32>, tensor<1xf32>) -> {t(N, 1, 1, C2)} loc("pool")
  %s = tosa.const_shape {{values = dense<[1, {N}, {C2}]> : tensor<3xindex>}} : () -> !tosa.shape<3>
  %f = tosa.reshape %p, %s : ({t(N, 1, 1, C2)}, !tosa.shape<3>) -> {t(1, N, C2)}
  %m = tosa.matmul %f, %wd, %z, %z : ({t(1, N, C2)}, {t(1, C2, K)}, tensor<1xf32>, tensor<1xf32>) -> {t(1, N, K)} loc("dense")
  %s2 = tosa.const_shape {{values = dense<[{N}, {K}]> : tensor<2xindex>}} : () -> !tosa.shape<2>
  %m2 = tosa.reshape %m, %s2 : ({t(1, N, K)}, !tosa.shape<2>) -> {t(N, K)}
  %o = tosa.add %m2, %bd : ({t(N, K)}, {t(1, K)}) -> {t(N, K)} loc("dense")
  return %o : {t(N, K)}
}}
{resources(w1=w1, b1=b1, w2=w2, b2=b2, wd=wd, bd=bd)}
""")
for n, v in [("conv1_kernel", w1), ("conv1_bias", b1), ("conv2_kernel", w2),
             ("conv2_bias", b2), ("dense_kernel", wd), ("dense_bias", bd)]:
    np.save(os.path.join(out, "param_%s.npy" % n), v)
np.save(os.path.join(out, "x.npy"), x)
np.save(os.path.join(out, "labels.npy"), labels)
np.save(os.path.join(out, "hyper.npy"), np.array([0.01, 1, 0.9, 0.999, 1e-7, 0, 7, 0], np.float32))

# The reference, independently: PyTorch (NCHW, OIHW) with autograd.
P = {n: torch.tensor(v, requires_grad=True) for n, v in
     [("w1", w1), ("b1", b1), ("w2", w2), ("b2", b2), ("wd", wd), ("bd", bd)]}
F = torch.nn.functional
xt = torch.from_numpy(x).permute(0, 3, 1, 2)
y = F.relu(F.conv2d(xt, P["w1"].permute(0, 3, 1, 2), P["b1"], padding=1))
y = F.relu(F.conv2d(y, P["w2"].permute(0, 3, 1, 2), P["b2"], padding=1))
logits = y.mean(dim=(2, 3)) @ P["wd"][0] + P["bd"]
loss = -(torch.from_numpy(labels) * F.log_softmax(logits, dim=1)).sum(dim=1).mean()
loss.backward()
np.save(os.path.join(out, "expected_loss.npy"), np.array(loss.item(), np.float32))
for layer, pairs in [("conv1", [("kernel", "w1"), ("bias", "b1")]),
                     ("conv2", [("kernel", "w2"), ("bias", "b2")]),
                     ("dense", [("kernel", "wd"), ("bias", "bd")])]:
    for role, n in pairs:
        np.save(os.path.join(out, "expected_%s_%s.npy" % (layer, role)),
                P[n].grad.numpy().astype(np.float32))
