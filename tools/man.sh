#!/bin/sh
# man.sh LAZYTLB OUTDIR - a man page per command of the binary LAZYTLB, from its own --help
# (tools/help2roff.awk): lazytlb.1 from `lazytlb --help`, lazytlb-CMD.1 for each command of
# its "commands:" list, lazytlb-CMD-SUB.1 for each `lazytlb CMD SUB` of CMD's usage lines whose
# `--help` is a usage of its own (vm run, vm ab). A new command gets its page with no change here.
set -eu
bin=$1 out=$2
here=$(dirname "$0")
mkdir -p "$out"
version=$("$bin" --version | awk 'NR == 1 { print $2 }')
# the date of the source, not of the build: SOURCE_DATE_EPOCH (dpkg), else the last commit
if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
	date=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)
else
	date=$(git -C "$here" log -1 --format=%cs 2>/dev/null || date -u +%Y-%m-%d)
fi

# page NAME SUMMARY SEEALSO: stdin (a --help text) -> OUTDIR/NAME.1
page() {
	awk -v page="$1" -v summary="$2" -v version="$version" -v date="$date" -v seealso="$3" \
		-f "$here/help2roff.awk" > "$out/$1.1.tmp"
	mv "$out/$1.1.tmp" "$out/$1.1"
}

# "  NAME  summary" lines of the "commands:" list
"$bin" --help | awk '/^commands:/ { c = 1; next } c && /^  [a-z]/ { print } c && /^$/ { c = 0 }' > "$out/.commands"
all=
while read -r cmd summary; do
	all="$all lazytlb-$cmd"
	subs=
	"$bin" "$cmd" --help > "$out/.help" < /dev/null
	for sub in $(awk -v c="$cmd" '/^$/ { exit } { for (i = 1; i < NF; i++) if ($i == "lazytlb" && $(i + 1) == c &&
		     $(i + 2) ~ /^[a-z][a-z-]*$/) print $(i + 2) }' "$out/.help" | sort -u); do
		# a subcommand with a usage of its own; its summary: the first sentence of its text
		timeout 10 "$bin" "$cmd" "$sub" --help > "$out/.subhelp" 2>/dev/null < /dev/null || continue
		head -n 1 "$out/.subhelp" | grep -q "^usage: lazytlb $cmd $sub " || continue
		sum=$(awk '/^ *$/ || /^usage:/ || /^   / { next } { sub(/^ +/, ""); print; exit }' "$out/.subhelp" |
		      sed -e 's/[.:,].*//' -e 's/^./\L&/')
		page "lazytlb-$cmd-$sub" "$sum" "lazytlb lazytlb-$cmd" < "$out/.subhelp"
		subs="$subs lazytlb-$cmd-$sub"
	done
	page "lazytlb-$cmd" "$summary" "lazytlb$subs" < "$out/.help"
done < "$out/.commands"
"$bin" --help | page lazytlb "measure the costs of Linux's lazy TLB scheme" "$all"
rm -f "$out/.commands" "$out/.help" "$out/.subhelp"
