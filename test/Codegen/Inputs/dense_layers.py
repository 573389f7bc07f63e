"""dense_layers.py OUTDIR [--batch B]: a VGG-style classifier head as TOSA
(model.mlir) on a Bx4x4x16 NHWC activation, an input (x.npy) and the
expected output computed independently with PyTorch (expected.npy):

  transpose to NCHW -> flatten (256) -> dense 256->64 + bias -> ReLU
  -> dense 64->40 + bias

TOSA's matmul is 3-D (unit batch), and the first dense layer reads the
flattened NCHW activation, so both reach linalg in the shapes
netrewrite-collapse-contractions brings to plain matmuls; at batch > 1
they take the column-panel schedule with packed weights, at batch 1 they
are matrix-vector products."""
import argparse
import os

import numpy as np
import torch

from tosa_text import resources, t

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("--batch", type=int, default=8)
a = p.parse_args()
os.makedirs(a.out, exist_ok=True)
r = np.random.default_rng(11)
B, H, C, F1, F2 = a.batch, 4, 16, 64, 40
K = C * H * H
x = r.uniform(-1, 1, (B, H, H, C)).astype(np.float32)
w1 = (r.standard_normal((1, K, F1)) * 0.1).astype(np.float32)
b1 = (r.standard_normal(F1) * 0.1).astype(np.float32)
w2 = (r.standard_normal((1, F1, F2)) * 0.1).astype(np.float32)
b2 = (r.standard_normal(F2) * 0.1).astype(np.float32)


def shape(name, *s):
    return (f"%{name} = tosa.const_shape {{values = dense<[{', '.join(map(str, s))}]> : "
            f"tensor<{len(s)}xindex>}} : () -> !tosa.shape<{len(s)}>")


open(os.path.join(a.out, "model.mlir"), "w").write(f"""func.func @forward(%x: {t(B, H, H, C)}) -> {t(B, F2)} {{
  %z = "tosa.const"() {{values = dense<0.0> : tensor<1xf32>}} : () -> tensor<1xf32>
  %w1 = "tosa.const"() {{values = dense_resource<w1> : {t(1, K, F1)}}} : () -> {t(1, K, F1)}
  %b1 = "tosa.const"() {{values = dense_resource<b1> : {t(1, 1, F1)}}} : () -> {t(1, 1, F1)}
  %w2 = "tosa.const"() {{values = dense_resource<w2> : {t(1, F1, F2)}}} : () -> {t(1, F1, F2)}
  %b2 = "tosa.const"() {{values = dense_resource<b2> : {t(1, 1, F2)}}} : () -> {t(1, 1, F2)}
  %nchw = tosa.transpose %x {{perms = array<i32: 0, 3, 1, 2>}} : ({t(B, H, H, C)}) -> {t(B, C, H, H)}
  {shape("s1", 1, B, K)}
  %f = tosa.reshape %nchw, %s1 : ({t(B, C, H, H)}, !tosa.shape<3>) -> {t(1, B, K)}
  %m1 = tosa.matmul %f, %w1, %z, %z : ({t(1, B, K)}, {t(1, K, F1)}, tensor<1xf32>, tensor<1xf32>) -> {t(1, B, F1)}
  %a1 = tosa.add %m1, %b1 : ({t(1, B, F1)}, {t(1, 1, F1)}) -> {t(1, B, F1)}
  %r1 = tosa.clamp %a1 {{min_val = 0.0 : f32, max_val = 3.4e38 : f32}} : ({t(1, B, F1)}) -> {t(1, B, F1)}
  %m2 = tosa.matmul %r1, %w2, %z, %z : ({t(1, B, F1)}, {t(1, F1, F2)}, tensor<1xf32>, tensor<1xf32>) -> {t(1, B, F2)}
  %a2 = tosa.add %m2, %b2 : ({t(1, B, F2)}, {t(1, 1, F2)}) -> {t(1, B, F2)}
  {shape("s2", B, F2)}
  %y = tosa.reshape %a2, %s2 : ({t(1, B, F2)}, !tosa.shape<2>) -> {t(B, F2)}
  return %y : {t(B, F2)}
}}
{resources(w1=w1, b1=b1, w2=w2, b2=b2)}
""")
np.save(os.path.join(a.out, "x.npy"), x)
xt = torch.from_numpy(x).permute(0, 3, 1, 2).reshape(B, K)
h = torch.relu(xt @ torch.from_numpy(w1[0]) + torch.from_numpy(b1))
y = h @ torch.from_numpy(w2[0]) + torch.from_numpy(b2)
np.save(os.path.join(a.out, "expected.npy"), y.numpy())
