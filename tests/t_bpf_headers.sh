#!/usr/bin/env bash
# Each bpf/*.bpf.h stands on its own: compiled alone, as the only include of a translation
# unit. A header that leans on what another file defined before including it
# (an order-dependent include) fails here with the name it is missing.
set -u
cd "$(dirname "$0")/.."
CLANG=${CLANG:-clang}
command -v "$CLANG" >/dev/null || { echo "skipped: no $CLANG"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
bad=0 n=0
for arch in x86; do # the headers are the same for both; vmlinux.h parses in ~3 s a time
	for h in bpf/*.bpf.h; do
		echo "#include \"$(basename "$h")\"" > "$tmp/one.c"
		if ! "$CLANG" -g -O2 -target bpf -D__TARGET_ARCH_$arch -Ibpf/$arch -Ibpf -Wall -Wno-unused-function \
			-fsyntax-only "$tmp/one.c" > "$tmp/err" 2>&1; then
			echo "FAIL $h ($arch) does not compile alone:"; grep -m 3 error "$tmp/err"; bad=$((bad + 1))
		fi
		n=$((n + 1))
	done
done
# and no header is included from the middle of another file: includes come first
for f in bpf/*.bpf.h bpf/*.bpf.c; do
	if awk '/^#include/ && seen_code { print FILENAME ": " $0; found = 1 } /^(static|SEC|struct|__noinline|int|char|const)/ { seen_code = 1 } END { exit !found }' "$f"; then
		bad=$((bad + 1))
	fi
done
echo "$n header compilations, $bad problems"
[ "$bad" = 0 ]
