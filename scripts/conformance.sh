#!/usr/bin/env bash
# Regenerates the conformance report (artifacts/conformance.md): builds the oracle shim if needed
# and runs only the libtorch cross-checks (tests/GradCheck/Oracle). About a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build-oracle.sh
rm -f artifacts/conformance.md
dotnet test tests/GradCheck -c Release --logger "console;verbosity=minimal" --filter "FullyQualifiedName~Autograd.Tests.Oracle"
test -f artifacts/conformance.md || { echo "conformance: no report was written" >&2; exit 1; }
echo "conformance report: artifacts/conformance.md"
sed -n '5,7p' artifacts/conformance.md
