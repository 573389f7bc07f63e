#!/usr/bin/env python3
"""Writes one convolution or matmul as a runnable memref-level module.

`@f` computes the op (zero-initialised output) and `@main` calls it on
seeded random inputs and prints the output with printMemrefF32, for
mlir-runner. The expected output, computed here with numpy (float64), goes
to expected.npy (utils/printed_memref_to_npy.py turns the printed output
into a .npy for utils/npy_allclose.py).

  gpu_schedule_case.py OUTDIR conv   N H W C F KH KW STRIDE
  gpu_schedule_case.py OUTDIR matmul B M N K       (B = 0: linalg.matmul)
"""
import os
import sys

import numpy as np


def dense(a):
    return 'dense<"0x%s">' % np.ascontiguousarray(a, dtype="<f4").tobytes().hex().upper()


def memref(shape):
    return "memref<%sxf32>" % "x".join(str(s) for s in shape)


def conv(n, h, w, c, f, kh, kw, stride, rng):
    x = rng.uniform(-1, 1, (n, h, w, c)).astype(np.float32)
    k = rng.uniform(-1, 1, (f, kh, kw, c)).astype(np.float32)
    oh, ow = (h - kh) // stride + 1, (w - kw) // stride + 1
    y = np.zeros((n, oh, ow, f))
    for i in range(kh):
        for j in range(kw):
            patch = x[:, i:i + stride * (oh - 1) + 1:stride, j:j + stride * (ow - 1) + 1:stride, :]
            y += np.einsum("nhwc,fc->nhwf", patch.astype(np.float64), k[:, i, j, :].astype(np.float64))
    op = ("linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, "
          "strides = dense<%d> : tensor<2xi64>} ins(%%a, %%b : %s, %s) outs(%%o : %s)"
          % (stride, memref(x.shape), memref(k.shape), memref(y.shape)))
    return x, k, y, op


def matmul(b, m, n, k, rng):
    lead = (b,) if b else ()
    x = rng.uniform(-1, 1, lead + (m, k)).astype(np.float32)
    w = rng.uniform(-1, 1, lead + (k, n)).astype(np.float32)
    y = np.matmul(x.astype(np.float64), w.astype(np.float64))
    name = "linalg.batch_matmul" if b else "linalg.matmul"
    op = "%s ins(%%a, %%b : %s, %s) outs(%%o : %s)" % (
        name, memref(x.shape), memref(w.shape), memref(y.shape))
    return x, w, y, op


def main():
    out, kind, args = sys.argv[1], sys.argv[2], [int(a) for a in sys.argv[3:]]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(sum(args))
    a, b, y, op = conv(*args, rng) if kind == "conv" else matmul(*args, rng)
    ta, tb, ty = memref(a.shape), memref(b.shape), memref(y.shape)
    text = f"""
memref.global "private" constant @a : {ta} = {dense(a)}
memref.global "private" constant @b : {tb} = {dense(b)}
func.func private @printMemrefF32(memref<*xf32>)
func.func @f(%a: {ta}, %b: {tb}, %o: {ty}) {{
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%o : {ty})
  {op}
  return
}}
func.func @main() {{
  %a = memref.get_global @a : {ta}
  %b = memref.get_global @b : {tb}
  %o = memref.alloc() : {ty}
  call @f(%a, %b, %o) : ({ta}, {tb}, {ty}) -> ()
  %u = memref.cast %o : {ty} to memref<*xf32>
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  memref.dealloc %o : {ty}
  return
}}
"""
    with open(os.path.join(out, "case.mlir"), "w") as f:
        f.write(text)
    np.save(os.path.join(out, "expected.npy"), y.astype(np.float32))


if __name__ == "__main__":
    main()
