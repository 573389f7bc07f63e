"""conv3x3_chain.py OUTDIR --size H --channels C,F1,F2,F3 [--seed S] [--scale W]:
three 3x3 convolutions on an N=2 batch, as TOSA (model.mlir), an input (x.npy)
and the expected output computed independently with PyTorch (expected.npy,
NHWC): C -> F1 at HxH with padding 1, bias + ReLU; F1 -> F2 without padding
((H-2)x(H-2) out); F2 -> F3 with stride 2 and padding 1. The shapes pick the
schedule under test: deep-conv.test (9x9, 128,256,64,256: filters >= 2^17
values, the deep-convolution schedule) and conv-register-tiles.test (16x16,
32,64,32,32: the row schedule's 8x32 / 7x32 register tiles)."""
import argparse
import os

import numpy as np
import torch

from tosa_text import resources, t

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--size", type=int, required=True)
ap.add_argument("--channels", required=True)
ap.add_argument("--seed", type=int, default=5)
ap.add_argument("--scale", type=float, default=0.05)
a = ap.parse_args()
out = a.out
os.makedirs(out, exist_ok=True)
r = np.random.default_rng(a.seed)
N, H = 2, a.size
C, F1, F2, F3 = map(int, a.channels.split(","))
x = r.uniform(-1, 1, (N, H, H, C)).astype(np.float32)
w1 = (r.standard_normal((F1, 3, 3, C)) * a.scale).astype(np.float32)  # OHWI
b1 = r.standard_normal(F1).astype(np.float32)
w2 = (r.standard_normal((F2, 3, 3, F1)) * a.scale).astype(np.float32)
b2 = r.standard_normal(F2).astype(np.float32)
w3 = (r.standard_normal((F3, 3, 3, F2)) * a.scale).astype(np.float32)
b3 = r.standard_normal(F3).astype(np.float32)


conv = ("tosa.conv2d {x}, {w}, {b}, %z, %z {{acc_type = f32, pad = array<i64: {p}, {q}, {p}, {q}>, "
        "stride = array<i64: {s}, {s}>, dilation = array<i64: 1, 1>}} : ({ti}, {tw}, {tb}, tensor<1xf32>, "
        "tensor<1xf32>) -> {to}")
O = H - 2
P = (O + 2 - 3) // 2 + 1
# TOSA wants (O - 1 + pads - 2) divisible by the stride: with an even O the
# bottom/right pad that PyTorch's padding 1 adds is never read.
Q = (P - 1) * 2 + 3 - O - 1
open(os.path.join(out, "model.mlir"), "w").write(f"""func.func @forward(%x: {t(N, H, H, C)}) -> {t(N, P, P, F3)} {{
  %z = "tosa.const"() {{values = dense<0.0> : tensor<1xf32>}} : () -> tensor<1xf32>
  %w1 = "tosa.const"() {{values = dense_resource<w1> : {t(F1, 3, 3, C)}}} : () -> {t(F1, 3, 3, C)}
  %b1 = "tosa.const"() {{values = dense_resource<b1> : {t(F1)}}} : () -> {t(F1)}
  %w2 = "tosa.const"() {{values = dense_resource<w2> : {t(F2, 3, 3, F1)}}} : () -> {t(F2, 3, 3, F1)}
  %b2 = "tosa.const"() {{values = dense_resource<b2> : {t(F2)}}} : () -> {t(F2)}
  %w3 = "tosa.const"() {{values = dense_resource<w3> : {t(F3, 3, 3, F2)}}} : () -> {t(F3, 3, 3, F2)}
  %b3 = "tosa.const"() {{values = dense_resource<b3> : {t(F3)}}} : () -> {t(F3)}
  %a0 = {conv.format(x="%x", w="%w1", b="%b1", p=1, q=1, s=1, ti=t(N, H, H, C), tw=t(F1, 3, 3, C), tb=t(F1), to=t(N, H, H, F1))}
  %a = tosa.clamp %a0 {{min_val = 0.0 : f32, max_val = 3.4e38 : f32}} : ({t(N, H, H, F1)}) -> {t(N, H, H, F1)}
  %c = {conv.format(x="%a", w="%w2", b="%b2", p=0, q=0, s=1, ti=t(N, H, H, F1), tw=t(F2, 3, 3, F1), tb=t(F2), to=t(N, O, O, F2))}
  %y = {conv.format(x="%c", w="%w3", b="%b3", p=1, q=Q, s=2, ti=t(N, O, O, F2), tw=t(F3, 3, 3, F2), tb=t(F3), to=t(N, P, P, F3))}
  return %y : {t(N, P, P, F3)}
}}
{resources(w1=w1, b1=b1, w2=w2, b2=b2, w3=w3, b3=b3)}
""")
np.save(os.path.join(out, "x.npy"), x)
f = torch.nn.functional
nchw = lambda a: torch.from_numpy(a).permute(0, 3, 1, 2)
a = f.relu(f.conv2d(nchw(x), nchw(w1), torch.from_numpy(b1), padding=1))
c = f.conv2d(a, nchw(w2), torch.from_numpy(b2))
y = f.conv2d(c, nchw(w3), torch.from_numpy(b3), stride=2, padding=1)
np.save(os.path.join(out, "expected.npy"), y.permute(0, 2, 3, 1).contiguous().numpy())
