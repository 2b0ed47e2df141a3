#!/usr/bin/env bash
# Regenerates the conformance report (artifacts/conformance.md): runs only the libtorch cross-checks
# (libtorch 2.10 through TorchSharp). About a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -f artifacts/conformance.md
# The cross-checks: the harness's own folder (tests/GradCheck/Oracle) and the per-op ones that moved beside
# their op's other tests (tests/GradCheck/Ops/<op>, Engine); tests/README.md.
filter="FullyQualifiedName~Autograd.Tests.Oracle."
for class in ConvOracleTests PoolOracleTests PoolFamilyOracleTests PoolErrorOracleTests MaxPoolGuardTests ReductionOracleTests ElementwiseOracleTests UnaryOracleTests ShapeOracleTests CompositeOracleTests; do
  filter+="|FullyQualifiedName~.$class."
done
dotnet test tests/GradCheck -c Release --logger "console;verbosity=minimal" --filter "$filter"
test -f artifacts/conformance.md || { echo "conformance: no report was written" >&2; exit 1; }
echo "conformance report: artifacts/conformance.md"
sed -n '1p;5,7p' artifacts/conformance.md
