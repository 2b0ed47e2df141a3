#!/usr/bin/env bash
# The test command: installs what the tests need, builds, runs every test. Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet test Autograd.sln -c Release --logger "console;verbosity=minimal"
