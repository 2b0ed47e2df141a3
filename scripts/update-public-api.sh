#!/usr/bin/env bash
# Regenerates the PublicAPI.Unshipped.txt of each packable project (src/Autograd, src/Ops, src/Nn,
# src/TorchSharp) from the build's public API diagnostics:
#   RS0016 "Symbol 'X' is not part of the declared public API"   -> line X added to PublicAPI.Unshipped.txt
#   RS0017 "Symbol 'X' is part of the declared API, but is either not public or could not be found"
#                                                                 -> line X removed from Shipped/Unshipped
# Run it after adding, changing or removing public API on purpose, then review the diff (git diff '*PublicAPI*').
# Shipping a release: move the Unshipped lines into PublicAPI.Shipped.txt (docs/packaging.md).
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# Every packable project is built by Autograd.TorchSharp's references; --no-incremental so the compiler
# runs (and reports) even where its outputs are up to date. Warnings are not errors for this build only.
dotnet build src/TorchSharp/Autograd.TorchSharp.csproj -c Release --no-incremental \
  -p:TreatWarningsAsErrors=false -p:WarningsAsErrors= -clp:NoSummary > "$log" 2>&1 || true
python3 - "$log" <<'PY'
import collections, os, re, sys
# The line ends with [path.csproj] or, for a multi-targeted project, [path.csproj::TargetFramework=net8.0].
pat = re.compile(r"warning (RS0016|RS0017): Symbol '(.*)' is (?:not part|part) of the declared.*\[(.*?\.csproj)(?:::[^\]]*)?\]$")
add, remove = collections.defaultdict(set), collections.defaultdict(set)
for line in open(sys.argv[1], encoding="utf-8"):
    m = pat.search(line.rstrip())
    if m:
        (add if m.group(1) == "RS0016" else remove)[os.path.dirname(m.group(3))].add(m.group(2))
errors = [l for l in open(sys.argv[1], encoding="utf-8") if re.search(r": error ", l)]
if errors:
    sys.stderr.write("the build failed; fix these first:\n" + "".join(errors[:20]))
    sys.exit(1)
for proj in sorted(set(add) | set(remove)):
    for name in ("PublicAPI.Shipped.txt", "PublicAPI.Unshipped.txt"):
        path = os.path.join(proj, name)
        lines = [l.rstrip("\n") for l in open(path, encoding="utf-8")] if os.path.exists(path) else ["#nullable enable"]
        body = {l for l in lines[1:] if l and l not in remove[proj]}
        if name == "PublicAPI.Unshipped.txt":
            body |= add[proj]
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write("#nullable enable\n" + "".join(l + "\n" for l in sorted(body, key=str.lower)))
    print(f"{os.path.relpath(proj)}: +{len(add[proj])} -{len(remove[proj])}")
PY
