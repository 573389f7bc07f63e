#!/usr/bin/env bash
# The prepared check for a machine with an NVIDIA GPU (the `device` tool),
# sized for <= 10 minutes on one H100. Nothing here needs the network.
#
#   1. builds the project: a fresh CMake build in BUILD_DIR (only the tools
#      the check uses), since a build carried from another machine has that
#      machine's paths in its cache;
#   2. runs the GPU lit tests (feature cuda-gpu): test/Integration/
#      compiled-cuda.test, test/Tools/netrewrite-run-cuda.test,
#      test/Pipelines/lower-cuda.test;
#   3. compiles a small CNN (32x32x3) with netrewrite-compile for the CPU
#      and with --target=cuda; requires the GPU executable's outputs on one
#      batch to match the CPU executable's (1e-4, relative to max(1, |cpu|))
#      and times `bench` on both; the same for the naive GPU kernels
#      (-O0, no netrewrite-schedule-cuda), so a wrong tiled kernel and what
#      the tiled kernels gain both show;
#   4. ten training steps (Adam) of a CNN with batch norm and dropout, as
#      --train executables for the CPU and the GPU: every step's loss must
#      agree within 1e-3 relative (one step per epoch, so the log has each);
#   5. the same as 3. for MobileNetV2 at 128x128 and VGG16 at 64x64
#      (torchvision, random weights, 10 classes, batch 128), plus PyTorch CUDA
#      images/s on the same model when torch with CUDA is installed;
#   6. VGG16@64's training images/s (batch 128, RMSProp) on the GPU.
#
# usage: scripts/gpu-device-check.sh [BUILD_DIR]     (default ROOT/build-gpu)
# Results: $OUT (default ROOT/gpu-check-out): summary.txt, one log per step;
# models and executables go to GPU_CHECK_WORK (default ROOT/gpu-check-work),
# not to $OUT, which the device tool copies back.
# GPU_CHECK_SKIP_BUILD=1 uses BUILD_DIR as it is; GPU_CHECK_BUDGET=SECONDS
# (default 450) skips the remaining stages once that much time is gone, so
# that the whole run stays under the device tool's 10 minutes.
# Exit status: 0 when every check that ran passed.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${1:-$ROOT/build-gpu}"
OUT="${OUT:-$ROOT/gpu-check-out}"
BUDGET="${GPU_CHECK_BUDGET:-450}"
LLVM=/usr/lib/llvm-22
PY=/usr/bin/python3
HELP="$ROOT/scripts/gpu_check.py"
mkdir -p "$OUT"
WORK="${GPU_CHECK_WORK:-$ROOT/gpu-check-work}"
mkdir -p "$WORK"
SUMMARY="$OUT/summary.txt"
: > "$SUMMARY"
FAILED=0
say() { echo "$*" | tee -a "$SUMMARY"; }
fail() { say "FAIL: $*"; FAILED=1; }
# run LOG CMD...: runs CMD with its output in $OUT/LOG; false on failure.
run() {
  local log="$OUT/$1"; shift
  echo "+ $*" >> "$log"
  "$@" >> "$log" 2>&1 || { echo "  (exit $?; see $log)" | tee -a "$SUMMARY"; tail -5 "$log"; return 1; }
}
over_budget() { [ "$SECONDS" -ge "$BUDGET" ]; }

say "== gpu-device-check $(date -u +%FT%TZ) on $(hostname)"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader \
  > "$OUT/nvidia-smi.txt" 2>&1 && say "GPU: $(head -1 "$OUT/nvidia-smi.txt")" \
  || say "nvidia-smi: $(head -1 "$OUT/nvidia-smi.txt")"
CHIP=sm_90
if cc=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -1); then
  [ -n "$cc" ] && CHIP="sm_${cc/./}"
fi
say "chip: $CHIP"

# 1. Build.
if [ "${GPU_CHECK_SKIP_BUILD:-0}" != 1 ]; then
  for tool in "$LLVM/bin/clang++" cmake ninja; do
    command -v "$tool" > /dev/null || { fail "$tool is missing: cannot build"; exit 1; }
  done
  [ -e /usr/local/cuda/include/cuda.h ] || say "note: /usr/local/cuda/include/cuda.h is missing; the CUDA target needs it"
  run build.log cmake -G Ninja -S "$ROOT" -B "$BUILD" -DMLIR_DIR="$LLVM/lib/cmake/mlir" \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 -DLLVM_USE_LINKER=lld \
    -DCMAKE_BUILD_TYPE=Release -DLLVM_EXTERNAL_LIT="$LLVM/bin/lit" || { fail "configure"; exit 1; }
  run build.log ninja -C "$BUILD" -j "$(nproc)" netrewrite-compile netrewrite-import \
    netrewrite-opt netrewrite-run NetrewriteRuntime NetrewriteExecutableMain \
    netrewrite_cuda_runtime netrewrite_cuda_runtime_static || { fail "build"; exit 1; }
  say "build: ok (${SECONDS}s)"
fi
BIN="$BUILD/bin"
[ -x "$BIN/netrewrite-compile" ] || { fail "no $BIN/netrewrite-compile"; exit 1; }

# 2. The GPU lit tests.
if run lit.log "$LLVM/bin/lit" -v "$BUILD/test/Integration/compiled-cuda.test" \
     "$BUILD/test/Tools/netrewrite-run-cuda.test" "$BUILD/test/Pipelines/lower-cuda.test"; then
  say "lit GPU tests: $(grep -c '^PASS' "$OUT/lit.log") passed (${SECONDS}s)"
else
  fail "lit GPU tests: $(grep -E '^(FAIL|UNSUPPORTED)' "$OUT/lit.log" | tr '\n' ' ')"
fi

# 3. Models: CPU vs GPU outputs, images/s (and PyTorch CUDA for 5.).
# model NAME SHAPE-OF-THE-SOURCE MLIR: compile both ways, compare, time.
model() {
  local name="$1" shape="$2" mlir="$3" d="$WORK/$1"
  if over_budget; then say "$name: skipped (time budget ${BUDGET}s reached)"; return; fi
  local t0=$SECONDS
  run "$name.log" "$BIN/netrewrite-compile" "$mlir" -O3 -o "$d/cpu" || { fail "$name: CPU compile"; return; }
  run "$name.log" "$BIN/netrewrite-compile" "$mlir" --target=cuda --gpu-chip="$CHIP" -o "$d/gpu" || { fail "$name: CUDA compile"; return; }
  say "$name: compiled for cpu and cuda in $((SECONDS - t0))s; $("$PY" "$ROOT/utils/gpu_kernels_in_executable.py" "$d/gpu" | wc -l) kernel modules"
  run "$name.log" "$d/cpu" predict --input=@"$d/x.npy" --output=@"$d/cpu.npy" || { fail "$name: CPU predict"; return; }
  # A failing tiled build still goes on to the naive one below: which of
  # the two fails is what the next session needs to know.
  if run "$name.log" "$d/gpu" predict --input=@"$d/x.npy" --output=@"$d/gpu.npy"; then
    if r=$("$PY" "$HELP" allclose "$d/gpu.npy" "$d/cpu.npy" 1e-4); then say "$name: GPU vs CPU: $r"; else fail "$name: GPU vs CPU: $r"; fi
    if b=$("$d/gpu" bench --iterations=20 --warmup=3 --json 2>> "$OUT/$name.log"); then
      say "$name: netrewrite GPU $(echo "$b" | "$PY" -c 'import json,sys; j=json.load(sys.stdin); print("%.1f img/s, %.2f ms/batch" % (j["images_per_s"], j["ms_per_batch"]))')"
    else
      fail "$name: GPU bench"
    fi
  else
    fail "$name: GPU predict"
  fi
  # -O0: the naive kernels (no netrewrite-schedule-cuda), for correctness
  # and for what the tiled kernels gain.
  if run "$name.log" "$BIN/netrewrite-compile" "$mlir" -O0 --target=cuda --gpu-chip="$CHIP" -o "$d/gpu-naive" &&
     run "$name.log" "$d/gpu-naive" predict --input=@"$d/x.npy" --output=@"$d/gpu-naive.npy"; then
    if r=$("$PY" "$HELP" allclose "$d/gpu-naive.npy" "$d/cpu.npy" 1e-4); then say "$name: naive GPU kernels vs CPU: $r"; else fail "$name: naive GPU kernels vs CPU: $r"; fi
    if b=$("$d/gpu-naive" bench --iterations=10 --warmup=2 --json 2>> "$OUT/$name.log"); then
      say "$name: netrewrite GPU, naive kernels (-O0) $(echo "$b" | "$PY" -c 'import json,sys; j=json.load(sys.stdin); print("%.1f img/s, %.2f ms/batch" % (j["images_per_s"], j["ms_per_batch"]))')"
    fi
  else
    fail "$name: naive GPU kernels (-O0)"
  fi
  if b=$("$d/cpu" bench --iterations=3 --warmup=1 --json 2>> "$OUT/$name.log"); then
    say "$name: netrewrite CPU ($(nproc) threads) $(echo "$b" | "$PY" -c 'import json,sys; print("%.1f img/s" % json.load(sys.stdin)["images_per_s"])')"
  fi
}

# The small CNN (NHWC, generated with its numpy reference).
d="$WORK/small_cnn"; mkdir -p "$d"
"$PY" "$ROOT/test/Integration/Inputs/gen_small_cnn.py" "$d" --batch 32 --size 32 --channels 3 > /dev/null
"$PY" "$HELP" input 32x32x32x3 "$d/x.npy"
model small_cnn 32x32x32x3 "$d/model.mlir"

# 4. Training: ten Adam steps of a CNN with batch norm and dropout.
d="$WORK/train"; mkdir -p "$d"
if over_budget; then
  say "training: skipped (time budget ${BUDGET}s reached)"
else
  "$PY" "$ROOT/test/Runtime/Inputs/gen_train_cnn.py" > "$d/model.mlir"
  # A synthetic labelled set (npy-dir): 8 images = one batch = one step per
  # epoch, so the per-epoch log holds every step's loss.
  "$PY" -c "import numpy as np; r=np.random.default_rng(1); np.save('$d/images.npy', r.uniform(0,1,(8,28,28,1)).astype(np.float32)); np.save('$d/labels.npy', r.integers(0,10,8).astype(np.float32))"
  if run train.log "$BIN/netrewrite-compile" "$d/model.mlir" --train --optimizer=adam -o "$d/cpu" &&
     run train.log "$BIN/netrewrite-compile" "$d/model.mlir" --train --optimizer=adam --target=cuda --gpu-chip="$CHIP" -o "$d/gpu"; then
    for t in cpu gpu; do
      run train.log "$d/$t" train --data="$d" --epochs=10 --optimizer=adam --lr=0.001 \
        --seed=2 --checkpoint="$d/$t.ckpt" --log="$d/$t.csv" || fail "training on $t"
    done
    if r=$("$PY" "$HELP" losses "$d/cpu.csv" "$d/gpu.csv" 1e-3); then say "training: $r"; else fail "training: $r"; fi
    run train.log "$d/gpu" eval --data="$d" --weights="$d/gpu.ckpt" --json && say "training: GPU eval of the GPU checkpoint: $(tail -1 "$OUT/train.log")"
  else
    fail "training: compile"
  fi
fi

# 5. The real models.
for spec in mobilenet_v2:128x3x128x128 vgg16:128x3x64x64; do
  name="${spec%%:*}" shape="${spec##*:}" d="$WORK/${spec%%:*}"
  mkdir -p "$d"
  if over_budget; then say "$name: skipped (time budget ${BUDGET}s reached)"; continue; fi
  one="1x${shape#*x}"
  run "$name.log" "$PY" "$HELP" export "$name" "$one" "$d/model.onnx" || { fail "$name: export"; continue; }
  run "$name.log" "$BIN/netrewrite-import" "$d/model.onnx" --input-shape="$shape" -o "$d/model.mlirbc" || { fail "$name: import"; continue; }
  "$PY" "$HELP" input "$shape" "$d/x.npy"
  model "$name" "$shape" "$d/model.mlirbc"
  t=$("$PY" "$HELP" torch "$name" "$shape" 20 2>> "$OUT/$name.log")
  say "$name: PyTorch CUDA (fp32, no TF32): $t"
done

# 6. Training throughput: VGG16@64, batch 128, RMSProp, two epochs of 4
# steps on synthetic images (the second epoch's images/s). Last, since its
# --train build is the longest compile of the check.
d="$WORK/vgg16_train"; mkdir -p "$d"
if over_budget; then
  say "vgg16 training: skipped (time budget ${BUDGET}s reached)"
elif [ -f "$WORK/vgg16/model.mlirbc" ]; then
  "$PY" -c "import numpy as np; r=np.random.default_rng(3); np.save('$d/images.npy', r.uniform(0,1,(512,64,64,3)).astype(np.float32)); np.save('$d/labels.npy', r.integers(0,10,512).astype(np.float32))"
  t0=$SECONDS
  if run vgg16_train.log "$BIN/netrewrite-compile" "$WORK/vgg16/model.mlirbc" --train --optimizer=rmsprop --target=cuda --gpu-chip="$CHIP" -o "$d/gpu"; then
    say "vgg16 training: compiled for cuda in $((SECONDS - t0))s"
    if run vgg16_train.log "$d/gpu" train --data="$d" --epochs=2 --batch=128 --optimizer=rmsprop --lr=1e-4 --seed=1 --log="$d/log.csv" --checkpoint="$d/ckpt"; then
      say "vgg16 training: netrewrite GPU $(tail -1 "$d/log.csv" | awk -F, '{printf "%.1f img/s (second epoch)", $NF}')"
    else
      fail "vgg16 training: GPU train"
    fi
  else
    fail "vgg16 training: CUDA compile"
  fi
fi

say "== done in ${SECONDS}s: $([ "$FAILED" = 0 ] && echo 'all checks passed' || echo 'some checks FAILED')"
exit "$FAILED"
