#!/usr/bin/env bash
# The main job, end to end, on inputs that need no download.
# usage: scripts/demo.sh [BUILD_DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${1:-$ROOT/build}"
BIN="$BUILD/bin"
OUT="${DEMO_OUT:-$ROOT/demo-out}"
PY=/usr/bin/python3
mkdir -p "$OUT"

step() { printf '\n==> %s\n' "$*"; }

step "Lowering it for the CPU (netrewrite-opt --netrewrite-lower-cpu)"
"$BIN/netrewrite-opt" "$ROOT/examples/small-cnn.mlir" --netrewrite-lower-cpu -o "$OUT/small-cnn.llvm.mlir"
echo "wrote $OUT/small-cnn.llvm.mlir ($(grep -c 'llvm\.' "$OUT/small-cnn.llvm.mlir") LLVM-dialect ops)"

step "Running it natively (netrewrite-run) and checking against numpy"
$PY "$ROOT/test/Integration/Inputs/small_cnn.py" "$OUT/ref" --seed 7
"$BIN/netrewrite-run" "$ROOT/examples/small-cnn.mlir" --input=@"$OUT/ref/x.npy" \
  --output=@"$OUT/logits.npy" --print
$PY "$ROOT/utils/npy_allclose.py" "$OUT/logits.npy" "$OUT/ref/expected.npy"

echo
echo "demo finished; outputs in $OUT"
