"""stem_conv.py OUTDIR: a ResNet-style stem (7x7 conv, stride 2, pad 3,
3 -> 64 channels, bias) on a 2x40x40x3 input as TOSA (model.mlir), an input
(x.npy) and the expected output computed independently with PyTorch
(expected.npy, NHWC). TOSA wants (H - 1 + pads - (K - 1)) divisible by the
stride, so the bottom/right pads are 2: the third row/column of PyTorch's
padding 3 is never read at this size."""
import os
import sys

import numpy as np
import torch

from tosa_text import resources, t

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
r = np.random.default_rng(11)
N, H, C, F, K = 2, 40, 3, 64, 7
OH = (H + 2 * 3 - K) // 2 + 1
x = r.uniform(-1, 1, (N, H, H, C)).astype(np.float32)
w = (r.standard_normal((F, K, K, C)) * 0.1).astype(np.float32)  # OHWI
b = r.standard_normal(F).astype(np.float32)


open(os.path.join(out, "model.mlir"), "w").write(f"""func.func @forward(%x: {t(N, H, H, C)}) -> {t(N, OH, OH, F)} {{
  %z = "tosa.const"() {{values = dense<0.0> : tensor<1xf32>}} : () -> tensor<1xf32>
  %w = "tosa.const"() {{values = dense_resource<w> : {t(F, K, K, C)}}} : () -> {t(F, K, K, C)}
  %b = "tosa.const"() {{values = dense_resource<b> : {t(F)}}} : () -> {t(F)}
  %y = tosa.conv2d %x, %w, %b, %z, %z {{acc_type = f32, pad = array<i64: 3, 2, 3, 2>, stride = array<i64: 2, 2>, dilation = array<i64: 1, 1>}} : ({t(N, H, H, C)}, {t(F, K, K, C)}, {t(F)}, tensor<1xf32>, tensor<1xf32>) -> {t(N, OH, OH, F)}
  return %y : {t(N, OH, OH, F)}
}}
{resources(w=w, b=b)}
""")
np.save(os.path.join(out, "x.npy"), x)
y = torch.nn.functional.conv2d(torch.from_numpy(x).permute(0, 3, 1, 2),
                               torch.from_numpy(w).permute(0, 3, 1, 2),
                               torch.from_numpy(b), stride=2, padding=3)
np.save(os.path.join(out, "expected.npy"), y.permute(0, 2, 3, 1).contiguous().numpy())
