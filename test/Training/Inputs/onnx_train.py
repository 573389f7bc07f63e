"""End to end from PyTorch through the ONNX importer: `export OUT.onnx`
writes a small CNN (conv without bias, batch norm, relu, depthwise conv with
stride 2, hard-swish, global average pool, dense) with training-mode BN;
`check MODULE --runner PATH` (MODULE = imported, --netrewrite-extract-params,
--netrewrite-build-train-step=optimizer=sgd) checks that @init_params holds
the torch weights under their ONNX names and that one @train_step (SGD,
lr 0.1) matches one torch step: loss, every parameter, running statistics.
"""
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import torch

torch.set_num_threads(2)


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3, padding=1, bias=False)
        self.bn = torch.nn.BatchNorm2d(4)
        self.dw = torch.nn.Conv2d(4, 4, 3, padding=1, stride=2, groups=4)
        self.fc = torch.nn.Linear(4, 5)

    def forward(self, x):
        y = torch.relu(self.bn(self.conv(x)))
        y = torch.nn.functional.hardswish(self.dw(y))
        y = torch.nn.functional.adaptive_avg_pool2d(y, 1).flatten(1)
        return self.fc(y)


def make_net():
    torch.manual_seed(0)
    net = Net()
    with torch.no_grad():
        net.bn.weight.uniform_(0.5, 1.5)
        net.bn.bias.uniform_(-0.5, 0.5)
        net.bn.running_mean.uniform_(-0.2, 0.2)
        net.bn.running_var.uniform_(0.5, 1.5)
    return net


def exported_net():
    """The net as exported: tracing in training mode runs one forward pass,
    which moves the BN running statistics; replaying it with the same
    seeded input gives the exact exported state."""
    net = make_net()
    example = torch.randn(2, 3, 8, 8)
    with torch.no_grad():
        net.train()
        net(example)
    return make_net(), example, net


def ours(net):
    """The torch tensors in our names and layouts."""
    t = lambda v: v.detach().numpy().astype(np.float32).copy()
    return {
        "/conv/Conv/kernel": t(net.conv.weight.permute(0, 2, 3, 1)),
        "/bn/BatchNormalization/gamma": t(net.bn.weight),
        "/bn/BatchNormalization/beta": t(net.bn.bias),
        "/bn/BatchNormalization/moving_mean": t(net.bn.running_mean),
        "/bn/BatchNormalization/moving_variance": t(net.bn.running_var),
        # [C*M,1,KH,KW] -> [KH,KW,C,M]
        "/dw/Conv/depthwise_kernel": t(net.dw.weight.permute(2, 3, 0, 1)),
        "/dw/Conv/bias": t(net.dw.bias),
        "/fc/Gemm/kernel": t(net.fc.weight.T),
        "/fc/Gemm/bias": t(net.fc.bias),
    }


# Options after `--runner PATH` go to the runner (e.g. --codegen-opt=3: the
# scheduled pipeline the executables use).
RUNNER_ARGS = []


def run(runner, module, function, inputs, n_out, tmp):
    cmd = [runner, module, "--function=" + function] + RUNNER_ARGS
    for i, a in enumerate(inputs):
        p = os.path.join(tmp, "%s_in%d.npy" % (function, i))
        np.save(p, np.ascontiguousarray(a, np.float32))
        cmd.append("--input=@" + p)
    outs = [os.path.join(tmp, "%s_out%d.npy" % (function, i)) for i in range(n_out)]
    subprocess.run(cmd + ["--output=@" + p for p in outs], check=True)
    return [np.load(p) for p in outs]


def check(module, runner):
    text = open(module).read()
    sig = re.search(r"func\.func @init_params\(\) -> \((.*?)\) \{", text).group(1)
    names = re.findall(r'nr.param = "([^"]*)"', sig)
    _, _, net = exported_net()
    ref0 = ours(net)
    rng = np.random.default_rng(3)
    x = rng.normal(0, 1, (2, 3, 8, 8)).astype(np.float32)
    classes = np.array([1, 4])
    labels = np.eye(5, dtype=np.float32)[classes]
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        init = dict(zip(names, run(runner, module, "init_params", [], len(names), tmp)))
        for n, r in ref0.items():
            same = init[n].shape == r.shape and np.allclose(init[n], r, rtol=0, atol=1e-7)
            failures += not same
            print("onnx-train: init %-40s %s" % (n, "ok" if same else "FAIL"))
        hyper = np.array([0.1, 1, 0, 0, 0, 0, 7, 0], np.float32)
        outs = run(runner, module, "train_step",
                   [init[n] for n in names] + [x, labels, hyper], len(names) + 2, tmp)
    step = dict(zip(names, outs[:len(names)]))
    loss = float(outs[len(names)])

    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    net.train()
    tloss = torch.nn.functional.cross_entropy(net(torch.from_numpy(x)),
                                              torch.from_numpy(classes))
    tloss.backward()
    opt.step()
    ref1 = ours(net)
    err = abs(loss - float(tloss)) / abs(float(tloss))
    for n, r in ref1.items():
        err = max(err, np.max(np.abs(step[n] - r)) / np.max(np.abs(r)))
    ok = err <= 1e-4
    failures += not ok
    print("onnx-train: sgd step %s loss %.6f torch %.6f max rel err %.2e" %
          ("ok" if ok else "FAIL", loss, float(tloss), err))
    return 1 if failures else 0


def main():
    if sys.argv[1] == "export":
        net, example, _ = exported_net()
        torch.onnx.export(net, example, sys.argv[2],
                          training=torch.onnx.TrainingMode.PRESERVE,
                          do_constant_folding=False, opset_version=13)
        return 0
    at = sys.argv.index("--runner")
    RUNNER_ARGS.extend(sys.argv[at + 2:])
    return check(sys.argv[2], sys.argv[at + 1])


if __name__ == "__main__":
    sys.exit(main())
