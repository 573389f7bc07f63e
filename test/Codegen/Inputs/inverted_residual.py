"""inverted_residual.py OUTDIR [BATCH] [--channels C,E]: a MobileNetV2
inverted residual block as TOSA (model.mlir) on a BATCHx32x32xC input (BATCH
2, C 24 and E 144 by default), an input (x.npy) and the expected output
computed independently with PyTorch (expected.npy, NHWC):

  conv 1x1 C->E + bias -> ReLU6 -> depthwise 3x3 pad 1 + bias -> ReLU6
  -> conv 1x1 E->C + bias -> + x

Every layer's accumulators start from its bias in registers and its
epilogue (ReLU6, residual add) runs on the register tile; the projection
reduces over 144 channels in several chunks, so its accumulators are
carried through the reduction loop."""
import os
import sys

import numpy as np
import torch

from tosa_text import resources, t

args = sys.argv[1:]
channels = "24,144"
if "--channels" in args:
    i = args.index("--channels")
    channels = args[i + 1]
    del args[i:i + 2]
out = args[0]
os.makedirs(out, exist_ok=True)
r = np.random.default_rng(7)
N = int(args[1]) if len(args) > 1 else 2
H = 32
C, E = map(int, channels.split(","))
x = r.uniform(-1, 1, (N, H, H, C)).astype(np.float32)
w1 = (r.standard_normal((E, 1, 1, C)) * 0.2).astype(np.float32)  # OHWI
b1 = r.standard_normal(E).astype(np.float32) * 0.5
wd = (r.standard_normal((3, 3, E, 1)) * 0.5).astype(np.float32)  # HWCM
bd = r.standard_normal(E).astype(np.float32) * 0.5
w2 = (r.standard_normal((C, 1, 1, E)) * 0.1).astype(np.float32)
b2 = r.standard_normal(C).astype(np.float32) * 0.1


X, Y = t(N, H, H, C), t(N, H, H, E)
open(os.path.join(out, "model.mlir"), "w").write(f"""func.func @forward(%x: {X}) -> {X} {{
  %z = "tosa.const"() {{values = dense<0.0> : tensor<1xf32>}} : () -> tensor<1xf32>
  %w1 = "tosa.const"() {{values = dense_resource<w1> : {t(E, 1, 1, C)}}} : () -> {t(E, 1, 1, C)}
  %b1 = "tosa.const"() {{values = dense_resource<b1> : {t(E)}}} : () -> {t(E)}
  %wd = "tosa.const"() {{values = dense_resource<wd> : {t(3, 3, E, 1)}}} : () -> {t(3, 3, E, 1)}
  %bd = "tosa.const"() {{values = dense_resource<bd> : {t(E)}}} : () -> {t(E)}
  %w2 = "tosa.const"() {{values = dense_resource<w2> : {t(C, 1, 1, E)}}} : () -> {t(C, 1, 1, E)}
  %b2 = "tosa.const"() {{values = dense_resource<b2> : {t(C)}}} : () -> {t(C)}
  %e = tosa.conv2d %x, %w1, %b1, %z, %z {{acc_type = f32, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}} : ({X}, {t(E, 1, 1, C)}, {t(E)}, tensor<1xf32>, tensor<1xf32>) -> {Y}
  %e6 = tosa.clamp %e {{min_val = 0.0 : f32, max_val = 6.0 : f32}} : ({Y}) -> {Y}
  %d = tosa.depthwise_conv2d %e6, %wd, %bd, %z, %z {{acc_type = f32, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}} : ({Y}, {t(3, 3, E, 1)}, {t(E)}, tensor<1xf32>, tensor<1xf32>) -> {Y}
  %d6 = tosa.clamp %d {{min_val = 0.0 : f32, max_val = 6.0 : f32}} : ({Y}) -> {Y}
  %p = tosa.conv2d %d6, %w2, %b2, %z, %z {{acc_type = f32, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}} : ({Y}, {t(C, 1, 1, E)}, {t(C)}, tensor<1xf32>, tensor<1xf32>) -> {X}
  %y = tosa.add %p, %x : ({X}, {X}) -> {X}
  return %y : {X}
}}
{resources(w1=w1, b1=b1, wd=wd, bd=bd, w2=w2, b2=b2)}
""")
np.save(os.path.join(out, "x.npy"), x)
F = torch.nn.functional
xt = torch.from_numpy(x).permute(0, 3, 1, 2)


def w(a):
    return torch.from_numpy(a).permute(0, 3, 1, 2)


h = torch.clamp(F.conv2d(xt, w(w1), torch.from_numpy(b1)), 0, 6)
h = torch.clamp(F.conv2d(h, torch.from_numpy(wd).permute(2, 3, 0, 1), torch.from_numpy(bd), padding=1, groups=E), 0, 6)
y = F.conv2d(h, w(w2), torch.from_numpy(b2)) + xt
np.save(os.path.join(out, "expected.npy"), y.permute(0, 2, 3, 1).contiguous().numpy())
