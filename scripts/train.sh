#!/usr/bin/env bash
# The README's main command: train the Fashion-MNIST CNN with the Autograd engine.
#   ./scripts/train.sh                 # 1 epoch (about 60 000 images)
#   ./scripts/train.sh --epochs 2      # any sample option passes through (see --help)
# On a fresh Debian/Ubuntu machine with only the .NET SDK it installs the data set package
# (dataset-fashion-mnist, with sudo when not root), builds Release and runs the sample.
set -euo pipefail
cd "$(dirname "$0")/.."

DATA_DIR=/usr/share/datasets/fashion-mnist
want_default_data=1
for arg in "$@"; do
  case "$arg" in --data|--data=*) want_default_data=0 ;; -h|--help|-\?) want_default_data=0 ;; esac
done

if [[ $want_default_data == 1 && ! -e $DATA_DIR/train-images-idx3-ubyte.gz && ! -e $DATA_DIR/train-images-idx3-ubyte ]]; then
  echo "Fashion-MNIST not found in $DATA_DIR: installing the Debian package dataset-fashion-mnist" >&2
  if [[ $(id -u) == 0 ]]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else
    echo "error: need root or sudo to run apt-get install dataset-fashion-mnist (or pass --data DIR)" >&2; exit 1
  fi
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y dataset-fashion-mnist; then
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y dataset-fashion-mnist
  fi
fi

if ! command -v dotnet >/dev/null; then
  echo "error: the .NET SDK (dotnet) is not on PATH; install .NET 10 first" >&2
  exit 1
fi

echo "building samples/FashionMnist (Release)..." >&2
if ! build_log=$(dotnet build samples/FashionMnist/FashionMnist.csproj -c Release --nologo 2>&1); then
  echo "$build_log" >&2
  echo "error: build failed" >&2
  exit 1
fi
exec dotnet samples/FashionMnist/bin/Release/net10.0/FashionMnist.dll "$@"
