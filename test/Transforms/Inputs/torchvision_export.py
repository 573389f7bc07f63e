"""torchvision_export.py NAME NxCxHxW OUT.onnx: a torchvision model (random
weights, seed 0) exported to ONNX in eval mode (BatchNorm folded into the
convs, Dropout dropped), i.e. a pretrained-style network without BN.
"""
import sys

import torch
import torchvision

torch.manual_seed(0)
torch.set_num_threads(2)
name, shape, out = sys.argv[1], [int(d) for d in sys.argv[2].split("x")], sys.argv[3]
model = getattr(torchvision.models, name)().eval()
torch.onnx.export(model, torch.randn(*shape), out, opset_version=13,
                  do_constant_folding=True,
                  training=torch.onnx.TrainingMode.EVAL,
                  input_names=["x"], output_names=["y"])
