"""pointwise_conv.py OUTDIR --shape N,H,C,F: a 1x1 convolution C->F + bias
+ ReLU6 on an NxHxHxC input as TOSA (model.mlir), an input (x.npy) and the
expected output computed independently with numpy (expected.npy, NHWC)."""
import os
import sys

import numpy as np

from tosa_text import resources, t

out = sys.argv[1]
N, H, C, F = map(int, sys.argv[sys.argv.index("--shape") + 1].split(","))
os.makedirs(out, exist_ok=True)
r = np.random.default_rng(11)
x = r.uniform(-1, 1, (N, H, H, C)).astype(np.float32)
w = (r.standard_normal((F, 1, 1, C)) * (2.0 / C) ** 0.5).astype(np.float32)  # OHWI
b = (r.standard_normal(F) * 0.5).astype(np.float32)


X, Y = t(N, H, H, C), t(N, H, H, F)
open(os.path.join(out, "model.mlir"), "w").write(f"""func.func @forward(%x: {X}) -> {Y} {{
  %z = "tosa.const"() {{values = dense<0.0> : tensor<1xf32>}} : () -> tensor<1xf32>
  %w = "tosa.const"() {{values = dense_resource<w> : {t(F, 1, 1, C)}}} : () -> {t(F, 1, 1, C)}
  %b = "tosa.const"() {{values = dense_resource<b> : {t(F)}}} : () -> {t(F)}
  %c = tosa.conv2d %x, %w, %b, %z, %z {{acc_type = f32, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>}} : ({X}, {t(F, 1, 1, C)}, {t(F)}, tensor<1xf32>, tensor<1xf32>) -> {Y}
  %y = tosa.clamp %c {{min_val = 0.0 : f32, max_val = 6.0 : f32}} : ({Y}) -> {Y}
  return %y : {Y}
}}
{resources(w=w, b=b)}
""")
np.save(os.path.join(out, "x.npy"), x)
y = np.einsum("nhwc,fc->nhwf", x.astype(np.float64), w[:, 0, 0, :].astype(np.float64)) + b
np.save(os.path.join(out, "expected.npy"), np.clip(y, 0, 6).astype(np.float32))
