"""residual_block.py OUTDIR: a ResNet/MobileNet-style block as TOSA
(model.mlir) on a 2x16x16x32 input, an input (x.npy) and the expected output
computed independently with PyTorch (expected.npy, NHWC):

  conv 3x3 pad 1 + bias -> ReLU -> conv 3x3 pad 1 + bias -> + x -> ReLU
  -> max-pool 3x3/2 pad 1 -> depthwise 3x3 pad 1 + bias -> ReLU6

Every convolution has an element-wise consumer (fused into its loops by
the CPU schedule), and every padded input is computed by such a consumer
(written straight into its padded buffer): the first two convolutions run
threaded, the pool and the depthwise one (below the threshold) sequentially."""
import os
import sys

import numpy as np
import torch

from tosa_text import resources, t

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
r = np.random.default_rng(5)
N, H, C = 2, 16, 32
P = H // 2
x = r.uniform(-1, 1, (N, H, H, C)).astype(np.float32)
w1 = (r.standard_normal((C, 3, 3, C)) * 0.1).astype(np.float32)  # OHWI
b1 = r.standard_normal(C).astype(np.float32) * 0.1
w2 = (r.standard_normal((C, 3, 3, C)) * 0.1).astype(np.float32)
b2 = r.standard_normal(C).astype(np.float32) * 0.1
wd = (r.standard_normal((3, 3, C, 1)) * 0.5).astype(np.float32)  # HWCM
bd = r.standard_normal(C).astype(np.float32) * 0.1


conv = ("tosa.conv2d {a}, {w}, {b}, %z, %z {{acc_type = f32, pad = array<i64: 1, 1, 1, 1>, "
        "stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}} : ({x}, {wt}, {bt}, tensor<1xf32>, tensor<1xf32>) -> {x}")
X = t(N, H, H, C)
open(os.path.join(out, "model.mlir"), "w").write(f"""func.func @forward(%x: {X}) -> {t(N, P, P, C)} {{
  %z = "tosa.const"() {{values = dense<0.0> : tensor<1xf32>}} : () -> tensor<1xf32>
  %w1 = "tosa.const"() {{values = dense_resource<w1> : {t(C, 3, 3, C)}}} : () -> {t(C, 3, 3, C)}
  %b1 = "tosa.const"() {{values = dense_resource<b1> : {t(C)}}} : () -> {t(C)}
  %w2 = "tosa.const"() {{values = dense_resource<w2> : {t(C, 3, 3, C)}}} : () -> {t(C, 3, 3, C)}
  %b2 = "tosa.const"() {{values = dense_resource<b2> : {t(C)}}} : () -> {t(C)}
  %wd = "tosa.const"() {{values = dense_resource<wd> : {t(3, 3, C, 1)}}} : () -> {t(3, 3, C, 1)}
  %bd = "tosa.const"() {{values = dense_resource<bd> : {t(C)}}} : () -> {t(C)}
  %c1 = {conv.format(a="%x", w="%w1", b="%b1", x=X, wt=t(C, 3, 3, C), bt=t(C))}
  %r1 = tosa.clamp %c1 {{min_val = 0.0 : f32, max_val = 3.4e38 : f32}} : ({X}) -> {X}
  %c2 = {conv.format(a="%r1", w="%w2", b="%b2", x=X, wt=t(C, 3, 3, C), bt=t(C))}
  %s = tosa.add %c2, %x : ({X}, {X}) -> {X}
  %r2 = tosa.clamp %s {{min_val = 0.0 : f32, max_val = 3.4e38 : f32}} : ({X}) -> {X}
  %p = tosa.max_pool2d %r2 {{kernel = array<i64: 3, 3>, pad = array<i64: 1, 0, 1, 0>, stride = array<i64: 2, 2>}} : ({X}) -> {t(N, P, P, C)}
  %d = tosa.depthwise_conv2d %p, %wd, %bd, %z, %z {{acc_type = f32, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}} : ({t(N, P, P, C)}, {t(3, 3, C, 1)}, {t(C)}, tensor<1xf32>, tensor<1xf32>) -> {t(N, P, P, C)}
  %y = tosa.clamp %d {{min_val = 0.0 : f32, max_val = 6.0 : f32}} : ({t(N, P, P, C)}) -> {t(N, P, P, C)}
  return %y : {t(N, P, P, C)}
}}
{resources(w1=w1, b1=b1, w2=w2, b2=b2, wd=wd, bd=bd)}
""")
np.save(os.path.join(out, "x.npy"), x)
F = torch.nn.functional
xt = torch.from_numpy(x).permute(0, 3, 1, 2)


def w(a):
    return torch.from_numpy(a).permute(0, 3, 1, 2)


h = F.relu(F.conv2d(xt, w(w1), torch.from_numpy(b1), padding=1))
h = F.relu(F.conv2d(h, w(w2), torch.from_numpy(b2), padding=1) + xt)
# TOSA pads top/left by 1 and bottom/right by 0: PyTorch pads both, and the
# extra bottom/right row/column is never read at this size.
h = F.max_pool2d(h, 3, 2, padding=1)
h = F.conv2d(h, torch.from_numpy(wd).permute(2, 3, 0, 1), torch.from_numpy(bd), padding=1, groups=C)
y = torch.clamp(h, 0, 6)
np.save(os.path.join(out, "expected.npy"), y.permute(0, 2, 3, 1).contiguous().numpy())
