#!/usr/bin/env bash
# Installs the npm packages the Keras importer's real-model check needs
# (nsfwjs's TFJS layers MobileNetV2 and TFJS itself as the reference runtime)
# into a git-ignored folder, then extracts the model into model.json + .bin.
#
#   scripts/fetch-npm-keras.sh [DIR]     (default: .cache/npm-keras)
#
# Nothing here runs at test time: tests only read what this leaves in DIR.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${1:-$ROOT/.cache/npm-keras}"

# One package per line, pinned, so parallel changes merge cleanly.
NPM_PACKAGES=(
  nsfwjs@4.4.0
  @tensorflow/tfjs@4.22.0
  buffer@6.0.3
)

for tool in node npm; do
  if ! command -v "$tool" >/dev/null; then
    # Debian 12 splits them: `apt-get install nodejs npm` (NodeSource's
    # nodejs package ships npm itself).
    echo "fetch-npm-keras: '$tool' not found; install Debian's nodejs and npm" >&2
    exit 1
  fi
done

mkdir -p "$DIR"
have_all=1
for p in "${NPM_PACKAGES[@]}"; do
  name="${p%@*}"
  [ -f "$DIR/node_modules/$name/package.json" ] || have_all=0
done
if [ "$have_all" = 0 ]; then
  echo "fetch-npm-keras: installing ${NPM_PACKAGES[*]} into $DIR"
  [ -f "$DIR/package.json" ] || echo '{"name":"netrewrite-npm-keras","private":true}' > "$DIR/package.json"
  (cd "$DIR" && npm install --no-audit --no-fund --ignore-scripts "${NPM_PACKAGES[@]}")
else
  echo "fetch-npm-keras: npm packages present in $DIR"
fi

# nsfwjs ships its models as browserify bundles; unpack the two TFJS layers
# models (MobileNetV2 224x224, InceptionV3 299x299).
for m in mobilenet_v2 inception_v3; do
  OUT="$DIR/models/nsfwjs_$m"
  if [ ! -f "$OUT/model.json" ]; then
    NODE_PATH="$DIR/node_modules" node "$ROOT/scripts/extract-nsfwjs-model.js" \
      "$DIR/node_modules/nsfwjs/dist/models/$m" "$OUT"
  fi
done
