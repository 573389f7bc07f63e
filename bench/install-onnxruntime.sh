#!/usr/bin/env bash
# Installs onnxruntime-node (the reference runtime of the benchmark) into
# .cache/npm-bench (git-ignored). Idempotent. ONNXRUNTIME_NODE_INSTALL=skip
# and --ignore-scripts: the post-install step would try to download extra
# binaries; the CPU binary ships inside the npm package.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/.cache/npm-bench"
if [ -f "$DEST/node_modules/onnxruntime-node/package.json" ]; then
  echo "install-onnxruntime: present in $DEST"
  exit 0
fi
mkdir -p "$DEST"
cd "$DEST"
[ -f package.json ] || echo '{"name":"netrewrite-npm-bench","private":true}' > package.json
ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund --ignore-scripts onnxruntime-node@1.30.0
