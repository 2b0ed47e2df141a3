#!/usr/bin/env bash
# The test command: builds and runs every test. Used by .ci/run.
# 1. dotnet test of the whole solution (Release), libtorch cross-checks included: the oracle is
#    libtorch 2.10 through TorchSharp, restored from NuGet with the rest (nothing to apt-get; the build
#    fixes libLibTorchSharp.so's libstdc++ version need where this system lacks it, docs/torchsharp.md);
# 2. prints where the conformance report was written (artifacts/conformance.md).
set -euo pipefail
cd "$(dirname "$0")/.."
rm -f artifacts/conformance.md
dotnet test Autograd.sln -c Release --logger "console;verbosity=minimal"
if [[ -f artifacts/conformance.md ]]; then
  echo "conformance report: artifacts/conformance.md"
  sed -n '1p;5,8p' artifacts/conformance.md
fi
