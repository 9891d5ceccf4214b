#!/usr/bin/env bash
# vm/sysroot.sh - the ppc64el sysroot for the static cross build of lazytlb.
# `apt-get install libbpf-dev:ppc64el` fails on version skew with the amd64 packages, so the
# ppc64el .debs are downloaded and unpacked with dpkg -x into cache/sysroot-ppc64el (libc comes
# from the cross toolchain, libc6-dev-ppc64el-cross). Idempotent: unpacks only the packages
# that packages.txt does not list yet (a sysroot made before one joined PKGS gets it added).
#   vm/sysroot.sh [DEST]      (default cache/sysroot-ppc64el)
set -eu
cd "$(dirname "$0")/.."
DEST=${1:-cache/sysroot-ppc64el}
PKGS="libbpf1 libbpf-dev libelf1 libelf-dev zlib1g zlib1g-dev libjson-c5 libjson-c-dev"
todo=
for p in $PKGS; do grep -qs "^$p:ppc64el=" "$DEST/packages.txt" || todo="$todo $p"; done
[ -n "$todo" ] || exit 0
vm/setup-host.sh --apt
mkdir -p cache/debs "$DEST"
dl=$(cd cache/debs && pwd)
for p in $todo; do
	# the bookworm version (the amd64 libbpf-dev that compiles the skeletons is bookworm's too)
	v=$(apt-cache madison "$p:ppc64el" 2>/dev/null | awk -F'|' '$3 ~ /bookworm\/main/ && $3 !~ /backports/ {gsub(/ /,"",$2); print $2; exit}')
	[ -n "$v" ] || { echo "vm/sysroot.sh: no bookworm version of $p:ppc64el (apt-get update?)" >&2; exit 1; }
	f="$dl/${p}_${v//:/%3a}_ppc64el.deb" # apt-get download writes the epoch colon as %3a
	[ -e "$f" ] || (cd "$dl" && apt-get download -q "$p:ppc64el=$v" 2>&1 | grep -v -e unsandboxed -e '^Get:' -e '^Fetched' >&2 || true)
	dpkg -x "$f" "$DEST"
	echo "$p:ppc64el=$v" >> "$DEST/packages.txt"
done
echo "vm/sysroot.sh: $DEST ready ($(wc -l < "$DEST/packages.txt") packages)"
