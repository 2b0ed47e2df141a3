#!/usr/bin/env bash
# Compares the training step of two checkouts of this repository in one process (Note [Paired step
# comparison], Driver/Program.cs): ./tools/PairedStep/run.sh <checkout A> <checkout B> [pairs] [steps] [batch]
# e.g. `git worktree add --detach /tmp/old <commit>` then `./tools/PairedStep/run.sh /tmp/old .`.
# Prints B/A, the relative time of B's step (below 1: B is faster). Release builds; tiered compilation off
# as in the bench (Note [Benchmark warm-up]).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="${PAIRED_WORK:-/tmp/paired-step}"
build() {  # $1 checkout, $2 label
  local root; root="$(cd "$1" && pwd)"
  rm -rf "$work/$2-src"; mkdir -p "$work/$2-src"; cp "$here/Step/"*.cs "$here/Step/Step.csproj" "$work/$2-src/"
  dotnet build "$work/$2-src/Step.csproj" -c Release -p:RepoRoot="$root" -o "$work/$2" -v q -nologo >&2
}
build "$1" a
build "$2" b
dotnet build "$here/Driver/Driver.csproj" -c Release -o "$work/driver" -v q -nologo >&2
DOTNET_TieredCompilation=0 dotnet "$work/driver/Driver.dll" "$work/a/Step.dll" "$work/b/Step.dll" "${3:-40}" "${4:-8}" "${5:-64}"
