#!/usr/bin/env bash
# vm/setup-host.sh - host packages and apt sources for the qemu kernel matrix (Debian bookworm).
# Idempotent; needs root. Adds bookworm-backports (the 6.12 kernels) and the ppc64el foreign
# architecture (ppc64el kernels, busybox and the libraries of the cross sysroot), then installs
# qemu (x86 + ppc), cpio, pahole (dwarves), the powerpc64le cross compiler and what a kernel
# build needs (vm/build-custom.sh).
#   vm/setup-host.sh          everything
#   vm/setup-host.sh --apt    only the apt sources/architecture (what fetch.sh needs)
set -eu
PKGS="qemu-system-x86 qemu-system-ppc cpio gzip dwarves gcc-powerpc64le-linux-gnu libc6-dev-ppc64el-cross
      libbpf-dev libelf-dev zlib1g-dev clang llvm bpftool make file python3
      flex bison bc libssl-dev xz-utils"
[ "$(id -u)" = 0 ] || { echo "vm/setup-host.sh: needs root (apt-get)" >&2; exit 1; }
changed=
list=/etc/apt/sources.list.d/bookworm-backports.list
if ! grep -rqs '^[^#]*bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	echo 'deb http://deb.debian.org/debian bookworm-backports main' > "$list"
	changed=1
fi
if ! dpkg --print-foreign-architectures | grep -qx ppc64el; then
	dpkg --add-architecture ppc64el
	changed=1
fi
# apt-get update also when the lists were never fetched for ppc64el (fresh machine)
if [ -n "$changed" ] || ! apt-cache show busybox-static:ppc64el >/dev/null 2>&1; then
	apt-get update -qq || echo "vm/setup-host.sh: apt-get update reported errors (continuing)" >&2
fi
[ "${1:-}" = --apt ] && exit 0
missing=
for p in $PKGS; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"; done
if [ -n "$missing" ]; then
	echo "vm/setup-host.sh: installing$missing"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
