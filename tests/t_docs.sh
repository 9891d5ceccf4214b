#!/usr/bin/env bash
# The README and docs/ as a reader meets them: every relative link of README.md and docs/*.md
# reaches a file (and a #fragment a heading of it), the README stays an entry page (at most 250
# lines, no table cell over 300 characters), and docs/commands.md has a row for each command of
# main.c's table (read from the source).
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.."
check() {
	python3 - "$@" <<'PY'
import os, re, sys
bad = []
def anchors(path):
    out = set()
    for h in re.findall(r"^#+ (.*)$", open(path, encoding="utf-8").read(), re.M):
        a = re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-")
        out.add(a)
    return out
for f in sys.argv[1:]:
    text = open(f, encoding="utf-8").read()
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue
        path, _, frag = target.partition("#")
        p = os.path.normpath(os.path.join(os.path.dirname(f), path)) if path else f
        if not os.path.exists(p):
            bad.append(f"{f}: link to {target}: no {p}")
        elif frag and p.endswith(".md") and frag not in anchors(p):
            bad.append(f"{f}: link to {target}: no heading '{frag}' in {p}")
for line in bad:
    print(line)
sys.exit(1 if bad else 0)
PY
}
out=$(check README.md docs/*.md) || fail "broken links: $out"
echo "links of README.md and $(ls docs/*.md | wc -l) docs pages resolve"
n=$(wc -l < README.md)
[ "$n" -le 250 ] || fail "README.md has $n lines (at most 250: the rest goes in docs/)"
long=$(awk -F'|' '/^\|/ { for (i = 2; i < NF; i++) if (length($i) > 300) print NR ": " length($i) " characters" }' README.md)
[ -z "$long" ] || fail "README.md table cells over 300 characters (move the detail to docs/): $long"
for c in $(sed -n 's/^\t{ "\([a-z-]*\)", ".*", cmd_.* },$/\1/p' userspace/main.c); do
	grep -q "^| \`lazytlb $c[ \`]" docs/commands.md || fail "docs/commands.md has no row for lazytlb $c"
done
echo "README.md: $n lines; docs/commands.md names every command of main.c"
# the checker must see a broken link
printf '[x](no-such-page.md)\n' > "$TMP/bad.md"
check "$TMP/bad.md" > /dev/null && fail "a broken link was not caught"
echo "ok: a broken link is caught"
