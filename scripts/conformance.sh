#!/usr/bin/env bash
# Regenerates the conformance report (artifacts/conformance.md): runs only the libtorch cross-checks
# (tests/GradCheck/Oracle, libtorch 2.10 through TorchSharp). About a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -f artifacts/conformance.md
dotnet test tests/GradCheck -c Release --logger "console;verbosity=minimal" --filter "FullyQualifiedName~Autograd.Tests.Oracle"
test -f artifacts/conformance.md || { echo "conformance: no report was written" >&2; exit 1; }
echo "conformance report: artifacts/conformance.md"
sed -n '1p;5,7p' artifacts/conformance.md
