"""PyTorch parity of @train_step (from --netrewrite-build-train-step) on
Inputs/small_cnn.mlir: same initial weights and batch, 1 and 10 steps, for
each optimizer; losses and every updated parameter (running statistics
included) must agree within --rtol relative (max |ours - torch| over the
tensor, divided by max |torch|).

usage: torch_parity.py --runner PATH NAME=MODULE ...
  NAME is sgd | sgd_wd | momentum | nesterov | rmsprop | adam | adamw and
  selects the PyTorch optimizer (RMSProp is Keras's rule, written out with
  torch tensors since torch.optim.RMSprop adds epsilon outside the root).
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import torch

torch.set_num_threads(2)
STEPS = 10
# name: (hyper [lr, -, beta1/momentum/rho, beta2, eps, weight decay], torch factory)
CONFIGS = {
    "sgd": ([0.1, 0, 0, 0, 0, 0], lambda p: torch.optim.SGD(p, lr=0.1)),
    "sgd_wd": ([0.1, 0, 0, 0, 0, 0.01],
               lambda p: torch.optim.SGD(p, lr=0.1, weight_decay=0.01)),
    "momentum": ([0.05, 0, 0.9, 0, 0, 0],
                 lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9)),
    "nesterov": ([0.05, 0, 0.9, 0, 0, 0],
                 lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True)),
    "rmsprop": ([0.01, 0, 0.9, 0, 1e-7, 0], None),
    "adam": ([0.01, 0, 0.9, 0.999, 1e-7, 0],
             lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.9, 0.999), eps=1e-7)),
    "adamw": ([0.01, 0, 0.9, 0.999, 1e-7, 0.05],
              lambda p: torch.optim.AdamW(p, lr=0.01, betas=(0.9, 0.999), eps=1e-7,
                                          weight_decay=0.05)),
}


class KerasRMSprop:
    """ms = rho ms + (1 - rho) g^2; p -= lr g / sqrt(ms + eps)."""

    def __init__(self, params, lr=0.01, rho=0.9, eps=1e-7):
        self.params, self.lr, self.rho, self.eps = list(params), lr, rho, eps
        self.ms = [torch.zeros_like(p) for p in self.params]

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self):
        for p, ms in zip(self.params, self.ms):
            ms.mul_(self.rho).add_((1 - self.rho) * p.grad * p.grad)
            p.sub_(self.lr * p.grad / torch.sqrt(ms + self.eps))


def signature(text, name):
    m = re.search(r"func\.func @%s\((.*?)\) -> \((.*?)\) (attributes .*?)?\{" % name, text)
    def items(s):
        return [(tuple(int(d) for d in t.group(1).split("x") if d), t.group(3) or "")
                for t in re.finditer(r"tensor<([0-9x]*)f32>(\s*\{([^}]*)\})?", s)]
    return items(m.group(1)), items(m.group(2))


def append_function(text, fn):
    """Adds `fn` at the end of the module body, before any trailing
    `{-# dialect_resources ... #-}` section (dense_resource weights)."""
    cut = text.find("\n{-#")
    body, resources = (text, "") if cut < 0 else (text[:cut], text[cut:])
    return body.rstrip().rstrip("}") + "\n" + fn + "}\n" + resources


def ttype(shape):
    return "tensor<%sf32>" % "".join("%dx" % d for d in shape)


def wrapper(args, results):
    """@train_n: STEPS chained calls of @train_step, one hyper vector each;
    returns the parameters after the first and the last step and every loss."""
    n_state = len(results) - 2                     # params' + slots'
    n_params = sum(1 for _, a in args if "nr.param" in a)
    state_types = [ttype(s) for s, _ in args[:n_state]]
    sig = "(%s) -> (%s)" % (", ".join(ttype(s) for s, _ in args),
                            ", ".join(ttype(s) for s, _ in results))
    decl = ["%%s%d: %s" % (i, t) for i, t in enumerate(state_types)]
    decl += ["%%x: %s" % ttype(args[n_state][0]), "%%y: %s" % ttype(args[n_state + 1][0])]
    decl += ["%%h%d: tensor<8xf32>" % k for k in range(STEPS)]
    body, state = [], ["%%s%d" % i for i in range(n_state)]
    for k in range(STEPS):
        body.append("  %%r%d:%d = call @train_step(%s, %%x, %%y, %%h%d) : %s" %
                    (k, len(results), ", ".join(state), k, sig))
        state = ["%%r%d#%d" % (k, i) for i in range(n_state)]
    outs = ["%%r0#%d" % i for i in range(n_params)]
    outs += ["%%r%d#%d" % (STEPS - 1, i) for i in range(n_params)]
    outs += ["%%r%d#%d" % (k, n_state) for k in range(STEPS)]
    out_types = state_types[:n_params] * 2 + ["tensor<f32>"] * STEPS
    return ("func.func @train_n(%s) -> (%s) {\n%s\n  return %s : %s\n}\n" %
            (", ".join(decl), ", ".join(out_types), "\n".join(body),
             ", ".join(outs), ", ".join(out_types)), n_params, n_state)


def run_ours(runner, path, params, x, labels, hyper_base):
    text = open(path).read()
    args, results = signature(text, "train_step")
    names = [re.search(r'nr.param = "([^"]*)"', a).group(1) for _, a in args
             if "nr.param" in a]
    fn, n_params, n_state = wrapper(args, results)
    with tempfile.TemporaryDirectory() as tmp:
        module = os.path.join(tmp, "m.mlir")
        with open(module, "w") as f:
            f.write(append_function(text, fn))
        inputs = [params[n] for n in names]
        inputs += [np.zeros(s, np.float32) for s, _ in args[n_params:n_state]]
        inputs += [x, labels]
        for k in range(STEPS):
            h = list(hyper_base)
            h[1] = k + 1                       # 1-based step
            inputs.append(np.array(h + [7, 0], np.float32))
        cmd = [runner, module, "--function=train_n"] + RUNNER_ARGS
        for i, a in enumerate(inputs):
            p = os.path.join(tmp, "in%d.npy" % i)
            np.save(p, np.ascontiguousarray(a, np.float32))
            cmd.append("--input=@" + p)
        n_out = 2 * n_params + STEPS
        outs = [os.path.join(tmp, "out%d.npy" % i) for i in range(n_out)]
        cmd += ["--output=@" + p for p in outs]
        subprocess.run(cmd, check=True)
        res = [np.load(p) for p in outs]
    first = dict(zip(names, res[:n_params]))
    last = dict(zip(names, res[n_params:2 * n_params]))
    return first, last, [float(v) for v in res[2 * n_params:]]


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3, padding=1)
        # Keras momentum 0.9 is PyTorch momentum 0.1.
        self.bn = torch.nn.BatchNorm2d(4, eps=1e-3, momentum=0.1)
        self.drop = torch.nn.Dropout(0.0)
        self.dense = torch.nn.Linear(36, 5)

    def forward(self, x):
        y = self.drop(torch.relu(self.bn(self.conv(x))))
        y = torch.nn.functional.max_pool2d(y, 2)
        # Flatten in NHWC order, as the TOSA model does.
        return self.dense(y.permute(0, 2, 3, 1).reshape(x.shape[0], -1))


def torch_params(net):
    """Our parameter names and layouts (NHWC / OHWI / [1,in,out])."""
    t = lambda v: v.detach().numpy().astype(np.float32)
    return {
        "conv1/kernel": t(net.conv.weight.permute(0, 2, 3, 1)),
        "conv1/bias": t(net.conv.bias),
        "bn1/gamma": t(net.bn.weight),
        "bn1/beta": t(net.bn.bias),
        "bn1/moving_mean": t(net.bn.running_mean),
        "bn1/moving_variance": t(net.bn.running_var),
        "dense/kernel": t(net.dense.weight.T.reshape(1, 36, 5)),
        "dense/bias": t(net.dense.bias.reshape(1, 5)),
    }


def run_torch(name, x, target):
    torch.manual_seed(0)
    net = Net()
    with torch.no_grad():
        net.bn.weight.uniform_(0.5, 1.5)
        net.bn.bias.uniform_(-0.5, 0.5)
        net.bn.running_mean.uniform_(-0.2, 0.2)
        net.bn.running_var.uniform_(0.5, 1.5)
    # The conv bias in front of the batch norm has a zero gradient; Adam
    # would turn its rounding noise into full-size steps, so it is frozen
    # here (--netrewrite-extract-params=freeze=conv1/bias) on both sides.
    net.conv.bias.requires_grad_(False)
    init = torch_params(net)
    factory = CONFIGS[name][1]
    trainable = [p for p in net.parameters() if p.requires_grad]
    opt = factory(trainable) if factory else KerasRMSprop(trainable)
    xt = torch.from_numpy(x).permute(0, 3, 1, 2)
    losses, first = [], None
    net.train()
    for k in range(STEPS):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(net(xt), target)
        loss.backward()
        opt.step()
        losses.append(float(loss))
        if k == 0:
            first = torch_params(net)
    return init, first, torch_params(net), losses


RUNNER_ARGS = []


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runner", required=True)
    ap.add_argument("--rtol", type=float, default=1e-4)
    ap.add_argument("--codegen-opt", type=int, default=0,
                    help="netrewrite-run's pipeline: 0 naive loops, 3 the "
                         "scheduled code the executables run")
    ap.add_argument("modules", nargs="+")
    opts = ap.parse_args()
    RUNNER_ARGS.append("--codegen-opt=%d" % opts.codegen_opt)
    rng = np.random.default_rng(1)
    x = rng.normal(0, 1, (4, 6, 6, 3)).astype(np.float32)
    classes = np.array([0, 3, 1, 4])
    labels = np.eye(5, dtype=np.float32)[classes]
    failures = 0
    for spec in opts.modules:
        name, path = spec.split("=", 1)
        init, t_first, t_last, t_losses = run_torch(name, x, torch.from_numpy(classes))
        o_first, o_last, o_losses = run_ours(opts.runner, path, init, x, labels,
                                             CONFIGS[name][0])
        worst = 0.0
        for k, (a, b) in enumerate(zip(o_losses, t_losses)):
            worst = max(worst, abs(a - b) / abs(b))
        for ours, ref in ((o_first, t_first), (o_last, t_last)):
            for key, r in ref.items():
                err = np.max(np.abs(ours[key] - r)) / max(np.max(np.abs(r)), 1e-12)
                worst = max(worst, err)
                if err > opts.rtol:
                    print("torch-parity: %s %s off by %.3g relative" % (name, key, err))
        ok = worst <= opts.rtol
        failures += not ok
        print("torch-parity: %-8s %s loss step1 %.6f step10 %.6f (torch %.6f %.6f) "
              "max rel err %.2e" % (name, "ok" if ok else "FAIL", o_losses[0], o_losses[-1],
                                    t_losses[0], t_losses[-1], worst))
        # Training must actually move: the loss after 10 steps is lower.
        if not o_losses[-1] < o_losses[0]:
            print("torch-parity: %s loss did not decrease" % name)
            failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
