#!/usr/bin/env bash
# `make demo`: the transfer-learning experiment that motivated netrewrite.
#
# An ImageNet-pretrained MobileNetV2 backbone (nsfwjs's Keras model, npm) is
# cut before its task head and given a new 10-class head, then fine-tuned on
# Fashion-MNIST (Debian dataset-fashion-mnist; grey -> RGB, resized per
# batch) in three variants:
#   (a) as imported,
#   (b) Dropout(0.01) after every ReLU6           (rules/insert-dropout.nrr),
#   (c) BatchNorm folded away, then re-inserted   (--fold-bn, rules/insert-bn.nrr).
# Each variant is compiled into a native training executable. Curves, a
# report and pictures of the rewrites land in $DEMO_OUT (default demo-out/).
#
# usage: scripts/demo.sh [BUILD_DIR]     DEMO=quick (default) | full | ci
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${1:-$ROOT/build}"
BIN="$BUILD/bin"
OUT="${DEMO_OUT:-$ROOT/demo-out}"
MODE="${DEMO:-quick}"
PY=/usr/bin/python3
MODEL_JSON="$ROOT/.cache/npm-keras/models/nsfwjs_mobilenet_v2/model.json"
DATA=/usr/share/datasets/fashion-mnist

# CUT: where the backbone ends (out_relu: the whole ImageNet backbone).
# Compiling a training step takes under a minute for the backbone to block_3
# and a few minutes for the whole backbone on 2 cores (docs/training.md).
# FREEZE_BN: the pretrained batch norms run in inference mode with their
# parameters fixed (`--freeze`, Keras's advice for fine-tuning). Keras's
# MobileNetV2 batch norms have momentum 0.999: their running statistics
# follow the changing weights over ~1000 steps, so in a short run the
# validation accuracy (running statistics) falls far below the training
# accuracy (batch statistics). The full run is long enough to train them.
# Batch norms a rule inserts are always trained.
case "$MODE" in
  ci)    CUT=block_3_project_BN; SIZE=32; BATCH=8;  LIMIT=64;    EPOCHS=1; LR=1e-3; FREEZE_BN=1; SCHEDULE=constant; WARMUP=0 ;;
  quick) CUT=block_3_project_BN; SIZE=32; BATCH=32; LIMIT=4096;  EPOCHS=3; LR=1e-3; FREEZE_BN=1; SCHEDULE=constant; WARMUP=0 ;;
  full)  CUT=out_relu;           SIZE=32; BATCH=32; LIMIT=60000; EPOCHS=3; LR=1e-3; FREEZE_BN=0; SCHEDULE=cosine;   WARMUP=100 ;;
  *) echo "demo: DEMO=$MODE: expected quick, full or ci" >&2; exit 2 ;;
esac
FREEZE=()
if [ "$FREEZE_BN" = 1 ]; then
  # nsfwjs's batch-norm layers: bn_Conv1, *_BN.
  FREEZE=(--freeze='bn_*' --freeze='*_BN')
fi
THREADS="${THREADS:-$(nproc)}"

step() { printf '\n==> %s\n' "$*"; }
for f in "$MODEL_JSON" "$DATA/train-images-idx3-ubyte.gz"; do
  [ -e "$f" ] || { echo "demo: $f is missing; run scripts/install-deps.sh" >&2; exit 1; }
done
rm -rf "$OUT"
mkdir -p "$OUT/model"

step "1. The pretrained network: MobileNetV2 backbone (to $CUT) + a new Dense(10) head"
$PY "$ROOT/scripts/tfjs-cut-model.py" "$MODEL_JSON" --output-layer "$CUT" \
  --input-size "$SIZE" --new-head 10 --seed 1 -o "$OUT/model"
"$BIN/netrewrite-import" "$OUT/model/model.json" --input-shape="${BATCH}x${SIZE}x${SIZE}x3" \
  -o "$OUT/a-imported.mlirbc" --print-summary > "$OUT/summary.txt"
tail -3 "$OUT/summary.txt"

step "2. Rewrites"
# rewrite IN RULES VARIANT: the rule file, its dry-run report and picture,
# then the rewritten module $OUT/VARIANT.mlirbc.
rewrite() {
  local in="$1" rules="$2" v="$3"
  grep -v '^#' "$rules" | sed '/^$/d;s/^/      /'
  "$BIN/netrewrite-opt" "$in" --rewrite="$rules" --rewrite-report -o /dev/null > "$OUT/$v.report.txt"
  "$BIN/netrewrite-opt" "$in" --rewrite="$rules" --rewrite-report=svg -o /dev/null > "$OUT/$v.svg"
  "$BIN/netrewrite-opt" "$in" --rewrite="$rules" -o "$OUT/$v.mlirbc"
  grep "^total:" "$OUT/$v.report.txt"
}
echo "(b) rules/insert-dropout.nrr:"
rewrite "$OUT/a-imported.mlirbc" "$ROOT/rules/insert-dropout.nrr" b-dropout
echo "(c) --fold-bn, then rules/insert-bn.nrr:"
"$BIN/netrewrite-opt" "$OUT/a-imported.mlirbc" --fold-bn -o "$OUT/c-folded.mlirbc"
rewrite "$OUT/c-folded.mlirbc" "$ROOT/rules/insert-bn.nrr" c-bn

step "3. Native training executables (netrewrite-compile --train --optimizer=rmsprop ${FREEZE[*]})"
for v in a-imported b-dropout c-bn; do
  /usr/bin/time -f "    $v: compiled in %es" \
    "$BIN/netrewrite-compile" "$OUT/$v.mlirbc" --train --optimizer=rmsprop "${FREEZE[@]}" \
      -O3 -o "$OUT/$v.train"
done

step "4. Fine-tuning on Fashion-MNIST ($MODE: $LIMIT images, ${SIZE}x${SIZE}, $EPOCHS epochs, batch $BATCH, $THREADS threads)"
for v in a-imported b-dropout c-bn; do
  echo "--- $v"
  "$OUT/$v.train" train --data="$DATA" --val-data="$DATA" --limit="$LIMIT" \
    --epochs="$EPOCHS" --batch="$BATCH" --optimizer=rmsprop --lr="$LR" --seed=1 \
    --lr-schedule="$SCHEDULE" --warmup="$WARMUP" \
    --threads="$THREADS" --log="$OUT/$v.csv" --checkpoint="$OUT/$v.ckpt"
done

step "5. Trained weights back in Keras's format (netrewrite-export: TFJS model.json + weights)"
for v in a-imported b-dropout c-bn; do
  "$BIN/netrewrite-export" "$OUT/$v.ckpt" --source="$OUT/model/model.json" \
    --rewritten="$OUT/$v.mlirbc" -o "$OUT/$v-keras/model.json"
  echo "    $v -> $OUT/$v-keras/model.json"
done

step "6. Report"
$PY "$ROOT/scripts/demo_report.py" "$OUT" \
  "as imported=$OUT/a-imported.csv" "dropout after ReLU6=$OUT/b-dropout.csv" \
  "BN folded + re-inserted=$OUT/c-bn.csv" \
  --rewrite-report "dropout after ReLU6=$OUT/b-dropout.report.txt" \
  --rewrite-report "BN folded + re-inserted=$OUT/c-bn.report.txt" \
  --title "netrewrite demo: MobileNetV2 (ImageNet backbone) fine-tuned on Fashion-MNIST" \
  --command "DEMO=$MODE make demo  # $(nproc) cores, $(date -u +%Y-%m-%d)"
echo "pictures of the rewrites: $OUT/b-dropout.svg $OUT/c-bn.svg"
echo "demo finished: $OUT/report.md"
