#!/usr/bin/env bash
# vm/shared-cache.sh - keep the qemu matrix's downloads in one place per machine
# (LAZYTLB_CACHE, default /var/cache/lazytlb): cache/kernels, cache/debs, cache/apt and
# cache/sysroot-ppc64el of this tree become links to it, so a second checkout (a fresh CI
# clone, a git worktree) reuses what the first one fetched instead of downloading again.
# cache/initramfs stays per tree: it carries this tree's own static binaries.
# Idempotent; a tree whose cache/X is already a directory keeps it (LAZYTLB_CACHE=none: all do).
set -eu
cd "$(dirname "$0")/.."
shared=${LAZYTLB_CACHE:-/var/cache/lazytlb}
[ "$shared" = none ] && exit 0
mkdir -p cache "$shared" 2>/dev/null || { echo "vm/shared-cache.sh: cannot create $shared: per-tree downloads" >&2; exit 0; }
for d in kernels debs apt sysroot-ppc64el; do
	[ -e "cache/$d" ] || [ -L "cache/$d" ] && continue
	mkdir -p "$shared/$d"
	ln -s "$shared/$d" "cache/$d"
done
