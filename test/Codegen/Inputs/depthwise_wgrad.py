"""depthwise_wgrad.py OUTDIR: two depthwise convolutions whose kernel is
larger than their output, as the weight gradients of depthwise convolutions
are built (lib/Training/Autodiff.cpp: batch folded into the channels, the
output grad as the kernel): a 16x16 kernel over 18x18 (3x3 out, the
gradient of a stride-1 layer) and a 16x16 kernel with dilation 2 over 33x33
(3x3 out, the gradient of a stride-2 layer), 96 channels. Writes model.mlir
(@forward(x1, k1, x2, k2) -> (y1, y2)), the inputs as .npy and the expected
outputs computed with numpy."""
import os
import sys

import numpy as np

from tosa_text import t

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
r = np.random.default_rng(7)
C, K = 96, 16


def reference(x, k, dil):
    # y[0, i, j, c] = sum_{a, b} x[0, i + dil a, j + dil b, c] * k[a, b, c, 0]
    oh = x.shape[1] - dil * (K - 1)
    y = np.zeros((1, oh, oh, C), np.float64)
    for a in range(K):
        for b in range(K):
            y[0] += (x[0, dil * a:dil * a + oh, dil * b:dil * b + oh, :].astype(np.float64)
                     * k[a, b, :, 0].astype(np.float64))
    return y.astype(np.float32)


conv = ("tosa.depthwise_conv2d {x}, {k}, %z, %z, %z {{acc_type = f32, pad = array<i64: 0, 0, 0, 0>, "
        "stride = array<i64: 1, 1>, dilation = array<i64: {d}, {d}>}} : ({tx}, {tk}, tensor<1xf32>, "
        "tensor<1xf32>, tensor<1xf32>) -> {ty}")
args, outs = [], []
for i, (h, d) in enumerate([(18, 1), (33, 2)], 1):
    x = r.uniform(-1, 1, (1, h, h, C)).astype(np.float32)
    k = r.uniform(-1, 1, (K, K, C, 1)).astype(np.float32)
    np.save(os.path.join(out, "x%d.npy" % i), x)
    np.save(os.path.join(out, "k%d.npy" % i), k)
    np.save(os.path.join(out, "expected%d.npy" % i), reference(x, k, d))
    args.append((h, d))
body = "\n".join("  %%y%d = %s" % (i, conv.format(x="%%x%d" % i, k="%%k%d" % i, d=d, tx=t(1, h, h, C),
                                                 tk=t(K, K, C, 1), ty=t(1, 3, 3, C)))
                 for i, (h, d) in enumerate(args, 1))
sig = ", ".join("%%x%d: %s, %%k%d: %s" % (i, t(1, h, h, C), i, t(K, K, C, 1))
                for i, (h, d) in enumerate(args, 1))
open(os.path.join(out, "model.mlir"), "w").write(f"""func.func @forward({sig}) -> ({t(1, 3, 3, C)}, {t(1, 3, 3, C)}) {{
  %z = "tosa.const"() {{values = dense<0.0> : tensor<1xf32>}} : () -> tensor<1xf32>
{body}
  return %y1, %y2 : {t(1, 3, 3, C)}, {t(1, 3, 3, C)}
}}
""")
