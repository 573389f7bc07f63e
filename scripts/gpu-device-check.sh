#!/usr/bin/env bash
# Prepared check for a machine with an NVIDIA GPU (the `device` tool):
# builds, runs the GPU lit tests (feature cuda-gpu) and times the small CNN.
# usage: scripts/gpu-device-check.sh [BUILD_DIR]   (results under $OUT if set)
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${1:-$ROOT/build}"
OUT="${OUT:-$ROOT/gpu-check-out}"
mkdir -p "$OUT"
nvidia-smi > "$OUT/nvidia-smi.txt" 2>&1
make -C "$ROOT" build BUILD="$BUILD" > "$OUT/build.log" 2>&1 || { tail -30 "$OUT/build.log"; exit 1; }
/usr/lib/llvm-22/bin/lit -v "$BUILD/test/Tools/netrewrite-run-cuda.test" \
  "$BUILD/test/Pipelines/lower-cuda.test" 2>&1 | tee "$OUT/lit.log" | tail -20
