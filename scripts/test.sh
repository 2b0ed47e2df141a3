#!/usr/bin/env bash
# The test command: builds and runs every test. Used by .ci/run.
# 1. dotnet test of the whole solution (Release), libtorch cross-checks included: the oracle is
#    libtorch 2.10 through TorchSharp, restored from NuGet with the rest (nothing to apt-get; the build
#    fixes libLibTorchSharp.so's libstdc++ version need where this system lacks it, docs/torchsharp.md);
# 2. prints where the conformance report was written (artifacts/conformance.md).
# Set-up first: the teaching tests (tests/GradCheck/Teaching) render graphs with Graphviz's `dot` and open
# the trace page in headless `chromium`; both are installed from Debian's registry when missing
# (idempotent: nothing is done when both are on PATH; as root or through sudo).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v dot >/dev/null || ! command -v chromium >/dev/null; then
  echo "test.sh: installing graphviz and chromium (apt-get) for the teaching tests"
  if [[ $(id -u) -eq 0 ]]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else
    echo "test.sh: need root or sudo to install graphviz and chromium; the teaching tests will fail without them" >&2; sudo=(false); fi
  "${sudo[@]}" apt-get update -qq && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends graphviz chromium fonts-liberation >/dev/null \
    || echo "test.sh: apt-get could not install graphviz/chromium; the teaching tests will fail and say so" >&2
fi
rm -f artifacts/conformance.md
dotnet test Autograd.sln -c Release --logger "console;verbosity=minimal"
if [[ -f artifacts/conformance.md ]]; then
  echo "conformance report: artifacts/conformance.md"
  sed -n '1p;5,8p' artifacts/conformance.md
fi
