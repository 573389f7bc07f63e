#!/usr/bin/env bash
# Imports a TFJS layers model with netrewrite-import, runs it with
# netrewrite-run, runs the same model with TFJS's CPU backend on the same
# input, and compares (max abs error <= ATOL). Optionally cuts the model at a
# layer and/or re-declares its input size first (scripts/tfjs-cut-model.py).
#
#   scripts/compare-tfjs-model.sh MODEL.json SIZE [OUTPUT_LAYER] [ATOL]
#
#   scripts/compare-tfjs-model.sh \
#     .cache/npm-keras/models/nsfwjs_inception_v3/model.json 299
#
# Needs build/bin (or $BIN) and scripts/fetch-npm-keras.sh's .cache/npm-keras.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${BIN:-$ROOT/build/bin}"
NPM="${NPM_KERAS:-$ROOT/.cache/npm-keras}"
PY=/usr/bin/python3
MODEL="$1" SIZE="$2" LAYER="${3:-}" ATOL="${4:-1e-4}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

if [ -n "$LAYER" ]; then
  $PY "$ROOT/scripts/tfjs-cut-model.py" "$MODEL" --output-layer "$LAYER" \
    --input-size "$SIZE" -o "$WORK/cut" >/dev/null
  MODEL="$WORK/cut/model.json"
fi
$PY "$ROOT/test/Import/Keras/Inputs/keras_fixtures.py" image "$SIZE" "$WORK/x.npy"
t0=$(date +%s%N)
"$BIN/netrewrite-import" "$MODEL" --input-shape="1x${SIZE}x${SIZE}x3" -o "$WORK/m.mlirbc"
t1=$(date +%s%N)
"$BIN/netrewrite-run" "$WORK/m.mlirbc" --function=forward --input=@"$WORK/x.npy" \
  --output=@"$WORK/ours.npy"
t2=$(date +%s%N)
NODE_PATH="$NPM/node_modules" node "$ROOT/scripts/tfjs-reference.js" "$MODEL" \
  "$WORK/x.npy" "$WORK/ref.npy" 2>&1 | grep '^tfjs-reference' || true
echo "netrewrite-import: $(( (t1 - t0) / 1000000 )) ms; netrewrite-run (JIT + run): $(( (t2 - t1) / 1000000 )) ms"
$PY "$ROOT/test/Import/Keras/Inputs/keras_fixtures.py" compare "$WORK/ours.npy" \
  "$WORK/ref.npy" --atol "$ATOL"
