#!/usr/bin/env bash
# Audits the Note [...] cross-references (GHC-style notes: a comment paragraph headed "Note [Name]",
# cited elsewhere as "Note [Name]" or "Notes [A], [B]"). Lists every mention whose note is defined
# nowhere, and every note defined in more than one place. Exit 1 when there is either.
# Usage: scripts/check-notes.sh (a maintenance check, not part of the test command).
set -euo pipefail
cd "$(dirname "$0")/.."
dirs=(src tests bench samples docs tools native/src native/include)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# file:line:name of every definition: a comment whose text opens with the note's name (alone, or
# followed by ":", " (", " —" or "."), or in docs/ a paragraph or heading that names it in bold or as its title
grep -rnP --include=*.cs --include=*.h --include=*.cpp '^\s*///?\s*(<(summary|remarks)>)?\s*Note \[[^\]]+\](\s*$|:| \(| —|\.)' "${dirs[@]}" \
  | perl -ne 'print "$1\t$2\n" if /^([^:]+:\d+):.*?Note \[([^\]]+)\]/' > "$tmp/defs"
grep -rnP --include=*.md '^(>\s*)?(\*\*Note \[[^\]]+\]\*\*|Note \[[^\]]+\][.:]|#+ .*\(Note \[[^\]]+\]\)\s*$)' docs \
  | perl -ne 'print "$1\t$2\n" if /^([^:]+:\d+):.*?Note \[([^\]]+)\]/' >> "$tmp/defs"

# file:line:name of every mention ("Note [A]", "Notes [A], [B] and [C]")
grep -rnP --include=*.cs --include=*.md --include=*.h --include=*.cpp --include=*.csproj --include=*.props --include=*.targets --include=*.sh 'Notes? \[' --exclude=check-notes.sh "${dirs[@]}" scripts README.md Directory.Build.props Directory.Build.targets \
  | perl -ne 'next unless /^([^:]+:\d+):(.*)$/; my ($at,$t)=($1,$2);
      while ($t =~ /Notes? ((?:\[[^\]]+\](?:,\s*|\s+and\s+)?)+)/g) { my $l=$1; print "$at\t$1\n" while $l =~ /\[([^\]]+)\]/g }' > "$tmp/mentions"

cut -f2 "$tmp/defs" | sort -u > "$tmp/defined"
ndefined=$(wc -l < "$tmp/defined")
echo '...' >> "$tmp/defined"   # "Note [...]" in prose
status=0
missing=$(awk -F'\t' 'NR==FNR{d[$1]=1;next} !($2 in d)' "$tmp/defined" "$tmp/mentions")
if [[ -n $missing ]]; then
  echo "Mentions of notes defined nowhere:"; echo "$missing" | sort -t$'\t' -k2 | sed 's/^/  /'; status=1
fi
# a heading definition ("// Note [X]" alone) plus "// Note [X]: ..." elsewhere is a definition and a citation;
# two headings, or two docs definitions, are one note defined twice
twice=$(grep -rnP --include=*.cs '^\s*//\s*Note \[[^\]]+\]\s*$' "${dirs[@]}" \
  | perl -ne 'print "$2\t$1\n" if /^([^:]+:\d+):.*?Note \[([^\]]+)\]/' | sort | awk -F'\t' '{n[$1]++; w[$1]=w[$1] " " $2} END{for(k in n) if(n[k]>1) print k ":" w[k]}')
if [[ -n $twice ]]; then echo "Notes defined more than once:"; echo "$twice" | sed 's/^/  /'; status=1; fi
# names equal but for case or punctuation: likely one fact under two names
near=$(sort -u "$tmp/defined" | perl -ne 'chomp; (my $k=lc) =~ s/[^a-z0-9]//g; push @{$h{$k}}, $_; END{for (values %h){print join(" | ",@$_),"\n" if @$_>1}}')
if [[ -n $near ]]; then echo "Note names that differ only in case or punctuation:"; echo "$near" | sed 's/^/  /'; status=1; fi
echo "$ndefined notes defined, $(wc -l < "$tmp/mentions") mentions."
exit $status
