#!/usr/bin/env bash
# The benchmark command: ours vs libtorch (same process, same run), written to bench/results/summary.csv
# (medians over 3 rounds of the whole matrix; rounds.csv has every round, memory.csv the MemoryDiagnoser
# figures, BenchmarkDotNet's own reports go under bench/results/bdn).
# Installs OpenBLAS (libtorch's BLAS for matmul) when missing, builds the libtorch shim, runs
# bench/ in Release. Extra arguments go to the runner: --cases conv,mean  --threads 1,2  --rounds 3  --out DIR
# --no-scope (ours without a TensorScope: storage left to the GC; see docs/speed.md).
# Takes about 11 minutes for every case (under 4 a round); run it on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! ldconfig -p | grep -q 'libopenblas.so.0'; then
  SUDO=""; [[ $(id -u) -ne 0 ]] && command -v sudo > /dev/null && SUDO="sudo"
  $SUDO apt-get install -y libopenblas0-pthread
fi
./scripts/build-shim.sh
dotnet run -c Release --project bench -- "$@"
