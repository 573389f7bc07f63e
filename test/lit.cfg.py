# -*- Python -*-
# lit configuration for netrewrite, shaped like MLIR's standalone example.

import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "NETREWRITE"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".nrr", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.netrewrite_obj_root, "test")

# A test that hangs (a full disk, a deadlock) fails after 15 minutes instead
# of holding the whole CI run: the longest test takes about two minutes on
# two cores. lit needs psutil (python3-psutil) to enforce it.
try:
    import psutil  # noqa: F401

    lit_config.maxIndividualTestTime = 900
except ImportError:
    lit_config.note("python3-psutil missing: no per-test time limit")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%src_root", config.netrewrite_src_root))
# Debian's numpy/onnx/torch belong to /usr/bin/python3, not to whatever
# python3 is first on PATH.
config.substitutions.append(("%python", "/usr/bin/python3"))
config.substitutions.append(("%nr_bin", config.netrewrite_tools_dir))
# The runtime archives executables link against (build/lib).
config.substitutions.append(("%netrewrite_lib", os.path.join(config.netrewrite_obj_root, "lib")))

llvm_config.with_system_environment(["HOME", "TMPDIR"])
llvm_config.use_default_substitutions()

tool_dirs = [config.netrewrite_tools_dir, config.llvm_tools_dir]
tools = [
    "netrewrite-opt",
    "netrewrite-run",
    "netrewrite-import",
    "netrewrite-fake-train",
    "netrewrite-fake-forward",
    "netrewrite-fake-gpu-train",
    "netrewrite-runtime-unittests",
    "netrewrite-compile",
    "nrr-parse-replay",
    "netrewrite-export",
    ToolSubst("mlir-opt", unresolved="ignore"),
    "mlir-runner",
]
llvm_config.add_tool_substitutions(tools, tool_dirs)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

# MLIR's runtime libraries for mlir-runner (printMemrefF32, ...).
llvm_lib_dir = os.path.join(os.path.dirname(config.llvm_tools_dir), "lib")
config.substitutions.append(
    ("%mlir_runner_libs", ",".join(
        os.path.join(llvm_lib_dir, "libmlir_%s.so" % lib)
        for lib in ("c_runner_utils", "runner_utils"))))

# The real Keras model (nsfwjs's MobileNetV2, TFJS layers format) and TFJS as
# its reference runtime, fetched by scripts/fetch-npm-keras.sh (run by
# scripts/install-deps.sh, hence by `make check`). Tests that need them fail,
# rather than skip, when they are missing.
config.substitutions.append(
    ("%npm_keras", os.path.join(config.netrewrite_src_root, ".cache", "npm-keras")))

# GPU features: `cuda-target` when the CUDA target is built (cuda.h found);
# `cuda-gpu` when a driver and a device are present, else `no-cuda-gpu`.
if config.netrewrite_enable_cuda.upper() in ("ON", "1", "TRUE", "YES"):
    config.available_features.add("cuda-target")
try:
    import ctypes

    ctypes.CDLL("libcuda.so.1")
    has_cuda_driver = os.path.exists("/dev/nvidia0") or os.path.exists("/dev/nvidiactl")
except OSError:
    has_cuda_driver = False
config.available_features.add("cuda-gpu" if has_cuda_driver else "no-cuda-gpu")

# `training-transform` when netrewrite-opt has the training passes (the
# training branch), so the runtime is also tested on generated train_step.
try:
    import subprocess

    _opt_help = subprocess.run(
        [os.path.join(config.netrewrite_tools_dir, "netrewrite-opt"), "--help"],
        capture_output=True, text=True, timeout=120).stdout
    if "netrewrite-build-train-step" in _opt_help:
        config.available_features.add("training-transform")
except (OSError, subprocess.SubprocessError):
    pass
# Tests on the real Fashion-MNIST files run where Debian's
# dataset-fashion-mnist is installed.
if os.path.exists("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"):
    config.available_features.add("fashion-mnist")
# Comparisons with onnxruntime run where onnxruntime-node is installed
# (bench/install-onnxruntime.sh or scripts/fetch-npm-models.sh).
for _d in ("npm-bench", "npm-onnx"):
    if os.path.exists(os.path.join(config.netrewrite_src_root, ".cache", _d,
                                   "node_modules", "onnxruntime-node",
                                   "package.json")):
        config.available_features.add("onnxruntime")
