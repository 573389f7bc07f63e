"""Finite-difference check of @loss_and_grad (from --netrewrite-build-train-step
emit-grad=true), run through netrewrite-run.

For every trainable parameter P (names from the nr.param attributes) it draws
a random unit direction D over P and compares the analytic directional
derivative <dL/dP, D> with the central difference
(L(P + h D) - L(P - h D)) / (2 h). Parameter values, the input and one-hot
labels are random (seeded); the module's own constants are not used, so a
hand-written module may hold splat weights.

usage: gradcheck.py MODULE --runner PATH [--seed N] [--h H] [--rtol R]
                           [--atol A] [--hyper v0,v1,...]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

import numpy as np


def parse_signature(text, name):
    """[(shape, attrs)] for the arguments and [(shape, attrs)] for the results."""
    m = re.search(r"func\.func @%s\((.*?)\) -> \((.*?)\) \{" % name, text)
    if not m:
        m = re.search(r"func\.func @%s\((.*?)\) -> (tensor<[^>]*>) \{" % name, text)
    if not m:
        sys.exit("gradcheck: no function @%s in the module" % name)

    def items(s):
        out = []
        for t in re.finditer(r"tensor<([0-9x]*)f32>(\s*\{([^}]*)\})?", s):
            dims = [int(d) for d in t.group(1).split("x") if d]
            out.append((tuple(dims), t.group(3) or ""))
        return out

    return items(m.group(1)), items(m.group(2))


def attr(attrs, key):
    m = re.search(r'%s = "([^"]*)"' % re.escape(key), attrs)
    return m.group(1) if m else None


def append_function(text, fn):
    """Adds `fn` at the end of the module body, before any trailing
    `{-# dialect_resources ... #-}` section (dense_resource weights)."""
    cut = text.find("\n{-#")
    body, resources = (text, "") if cut < 0 else (text[:cut], text[cut:])
    return body.rstrip().rstrip("}") + "\n" + fn + "}\n" + resources


def ttype(shape):
    return "tensor<%sf32>" % "".join("%dx" % d for d in shape)


def wrapper(arg_shapes, result_shapes, trainable):
    """MLIR text of @fdcheck: one call of @loss_and_grad at the base point
    and two (plus, minus) per trainable parameter, so one JIT compile serves
    the whole check."""
    n = len(arg_shapes)
    args = ["%%a%d: %s" % (i, ttype(s)) for i, s in enumerate(arg_shapes)]
    for k, i in enumerate(trainable):
        args += ["%%p%d: %s" % (k, ttype(arg_shapes[i])),
                 "%%m%d: %s" % (k, ttype(arg_shapes[i]))]
    res_types = [ttype(s) for s in result_shapes]
    sig = "(%s) -> (%s)" % (", ".join(ttype(s) for s in arg_shapes),
                            ", ".join(res_types))
    body = ["  %%base:%d = call @loss_and_grad(%s) : %s" %
            (len(result_shapes), ", ".join("%%a%d" % i for i in range(n)), sig)]
    outs = ["%%base#%d" % j for j in range(len(result_shapes))]
    out_types = list(res_types)
    for k, i in enumerate(trainable):
        for tag in ("p", "m"):
            operands = ["%%a%d" % j if j != i else "%%%s%d" % (tag, k) for j in range(n)]
            body.append("  %%%s%d_r:%d = call @loss_and_grad(%s) : %s" %
                        (tag, k, len(result_shapes), ", ".join(operands), sig))
            outs.append("%%%s%d_r#0" % (tag, k))
            out_types.append("tensor<f32>")
    return ("func.func @fdcheck(%s) -> (%s) {\n%s\n  return %s : %s\n}\n" %
            (", ".join(args), ", ".join(out_types), "\n".join(body),
             ", ".join(outs), ", ".join(out_types)))


def run(runner, module, tmp, inputs, num_results):
    args = [runner, module, "--function=fdcheck", "-O0"]
    for i, a in enumerate(inputs):
        path = os.path.join(tmp, "in%d.npy" % i)
        np.save(path, np.ascontiguousarray(a, dtype=np.float32))
        args.append("--input=@" + path)
    outs = [os.path.join(tmp, "out%d.npy" % i) for i in range(num_results)]
    args += ["--output=@" + p for p in outs]
    subprocess.run(args, check=True)
    return [np.load(p).astype(np.float64) for p in outs]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("module")
    ap.add_argument("--runner", required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--h", type=float, default=1e-3)
    ap.add_argument("--rtol", type=float, default=2e-2)
    ap.add_argument("--atol", type=float, default=1e-6)
    ap.add_argument("--hyper", default="0,1,0,0,0,0,7,0")
    ap.add_argument("--param-std", type=float, default=0.5)
    ap.add_argument("--directions", type=int, default=3)
    ap.add_argument("--zero", action="append", default=[],
                    help="parameter whose gradient must vanish (e.g. a bias "
                         "in front of a batch norm or a softmax)")
    opts = ap.parse_args()

    text = open(opts.module).read()
    args, results = parse_signature(text, "loss_and_grad")
    rng = np.random.default_rng(opts.seed)
    params, names, kinds = [], [], []
    for shape, attrs in args[:-3]:
        name, kind = attr(attrs, "nr.param"), attr(attrs, "nr.kind")
        names.append(name)
        kinds.append(kind)
        if name.endswith("moving_variance"):
            params.append(rng.uniform(0.5, 1.5, shape))
        else:
            params.append(rng.normal(0.0, opts.param_std, shape))
    x_shape, y_shape = args[-3][0], args[-2][0]
    x = rng.normal(0.0, 1.0, x_shape)
    labels = np.eye(y_shape[1])[rng.integers(0, y_shape[1], y_shape[0])]
    hyper = np.array([float(v) for v in opts.hyper.split(",")])
    trainable = [i for i, k in enumerate(kinds) if k == "trainable"]
    assert len(results) == 1 + len(trainable)

    params = [p.astype(np.float32) for p in params]
    # Several random unit directions per parameter: each must agree, and at
    # least one must give a derivative well above the rounding noise.
    probes, perturbed, steps = [], [], []
    for i in trainable:
        for _ in range(opts.directions):
            d = rng.normal(0.0, 1.0, params[i].shape)
            d /= np.linalg.norm(d)
            plus = (params[i] + opts.h * d).astype(np.float32)
            minus = (params[i] - opts.h * d).astype(np.float32)
            probes.append(i)
            perturbed += [plus, minus]
            # The perturbation actually applied, after rounding to float32.
            steps.append(plus.astype(np.float64) - minus.astype(np.float64))

    with tempfile.TemporaryDirectory() as tmp:
        module = os.path.join(tmp, "fdcheck.mlir")
        with open(module, "w") as f:
            f.write(append_function(text, wrapper([a[0] for a in args],
                                                  [r[0] for r in results],
                                                  probes)))
        n_out = len(results) + 2 * len(probes)
        outs = run(opts.runner, module, tmp,
                   params + [x, labels, hyper] + perturbed, n_out)
    loss, grads = outs[0], outs[1:len(results)]
    print("gradcheck: loss %.6f" % loss)
    failures = 0
    for k, i in enumerate(trainable):
        g = grads[k]
        worst, meaningful, shown = True, False, None
        for p in [j for j, q in enumerate(probes) if q == i]:
            lp, lm = outs[len(results) + 2 * p], outs[len(results) + 2 * p + 1]
            numeric = float(lp - lm)
            analytic = float(np.sum(g * steps[p]))
            ok = abs(numeric - analytic) <= opts.rtol * max(abs(numeric), abs(analytic)) + opts.atol
            worst = worst and ok
            # A derivative lost in rounding noise checks nothing (saturated
            # softmax, dead branch): at least one probe must be well above it.
            if max(abs(numeric), abs(analytic)) > 5 * opts.atol:
                meaningful = True
            if shown is None or not ok or abs(analytic) > abs(shown[0]):
                shown = (analytic, numeric)
                if not ok:
                    break
        if names[i] in opts.zero:
            # Invariance (shift before BN/softmax): both must be ~0.
            good = worst and not meaningful
            status = "ok   (zero)" if good else "FAIL (expected zero)"
        else:
            good = worst and meaningful
            status = "ok  " if good else "FAIL" if meaningful else "FAIL (too small to check)"
        failures += not good
        print("gradcheck: %-28s %s analytic %+.6e numeric %+.6e" %
              (names[i], status, shown[0], shown[1]))
    if failures:
        print("gradcheck: %d of %d gradients FAILED" % (failures, len(trainable)))
        return 1
    print("gradcheck: all %d gradients OK" % len(trainable))
    return 0


if __name__ == "__main__":
    sys.exit(main())
