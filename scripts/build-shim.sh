#!/usr/bin/env bash
# Builds the libtorch 1.13 shim, native/build/libautograd_oracle.so (CMake, Release): the benchmarks'
# first baseline (Debian's libtorch 1.13 beside TorchSharp's 2.10; the tests' oracle is TorchSharp and
# needs none of this). Installs what it needs first when missing: Debian's libtorch-dev (1.13.1),
# libopenblas0-pthread, cmake, g++ (apt-get; through sudo when not root). Idempotent: a second run only
# checks and rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

missing=()
for pkg in libtorch-dev libopenblas0-pthread cmake g++; do
  installed "$pkg" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "build-shim: installing ${missing[*]} (apt-get)"
  if [[ $(id -u) -eq 0 ]]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else
    echo "build-shim: need root or sudo to install ${missing[*]}" >&2; exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  for pkg in "${missing[@]}"; do
    installed "$pkg" || { echo "build-shim: $pkg failed to install" >&2; exit 1; }
  done
fi

mkdir -p native/build
log=native/build/build.log
if [[ ! -f native/build/CMakeCache.txt ]]; then
  cmake -S native -B native/build -DCMAKE_BUILD_TYPE=Release -Wno-dev > "$log" 2>&1 \
    || { cat "$log"; echo "build-shim: cmake configure failed" >&2; exit 1; }
fi
cmake --build native/build -j "$(nproc)" >> "$log" 2>&1 \
  || { cat "$log"; echo "build-shim: compile failed" >&2; exit 1; }
test -f native/build/libautograd_oracle.so || { echo "build-shim: no native/build/libautograd_oracle.so" >&2; exit 1; }
echo "build-shim: native/build/libautograd_oracle.so is up to date"
