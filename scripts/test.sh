#!/usr/bin/env bash
# The test command: installs what the tests need, builds, runs every test. Used by .ci/run.
# 1. the libtorch oracle: installs libtorch-dev & co. when missing and builds the shim;
# 2. dotnet test of the whole solution (Release), libtorch cross-checks included;
# 3. prints where the conformance report was written (artifacts/conformance.md).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build-oracle.sh
rm -f artifacts/conformance.md
dotnet test Autograd.sln -c Release --logger "console;verbosity=minimal"
if [[ -f artifacts/conformance.md ]]; then
  echo "conformance report: artifacts/conformance.md"
  sed -n '5,7p' artifacts/conformance.md
fi
