#!/usr/bin/env bash
# vm/initramfs.sh ARCH - the guest initramfs for ARCH (x86_64 | ppc64le):
# cache/initramfs/ARCH.cpio.gz with busybox (Debian busybox-static of that architecture),
# build-ARCH/lazytlb (the static binary, `make static-ARCH`; left out with a warning when it
# has not been built), /init (vm/init) and /bin/lt-guest-info (vm/guest-info.sh),
# /bin/lt-collector-mem (tests/collector-mem.sh).
# cache/initramfs/ARCH.manifest says what went in. Rebuilt only when an input changed.
set -euo pipefail
cd "$(dirname "$0")/.."
arch=${1:?usage: vm/initramfs.sh x86_64|ppc64le}
case "$arch" in
x86_64) darch=amd64 ;;
ppc64le) darch=ppc64el ;;
*) echo "vm/initramfs.sh: unknown arch '$arch' (x86_64|ppc64le)" >&2; exit 2 ;;
esac
out=cache/initramfs/$arch.cpio.gz
bin=build-$arch/lazytlb
mkdir -p cache/initramfs cache/debs
inputs=(vm/init vm/guest-info.sh vm/initramfs.sh tests/collector-mem.sh)
[ -e "$bin" ] && inputs+=("$bin")
if [ -e "$out" ] && [ -e "$out.manifest" ]; then
	fresh=1
	for f in "${inputs[@]}"; do [ "$f" -nt "$out" ] && fresh=; done
	# a binary built since the image was made without one
	[ -e "$bin" ] && grep -q '^lazytlb: none' "$out.manifest" && fresh=
	# ... or made with one that is gone (make clean)
	[ ! -e "$bin" ] && ! grep -q '^lazytlb: none' "$out.manifest" && fresh=
	[ -n "$fresh" ] && exit 0
fi

bb=cache/initramfs/busybox-$darch
if [ ! -x "$bb/bin/busybox" ]; then
	vm/setup-host.sh --apt
	v=$(apt-cache madison "busybox-static:$darch" | awk -F'|' '$3 ~ /bookworm[-\/]/ && $3 !~ /backports/ {gsub(/ /,"",$2); print $2; exit}')
	[ -n "$v" ] || { echo "vm/initramfs.sh: no busybox-static:$darch in apt (apt-get update?)" >&2; exit 1; }
	deb=cache/debs/busybox-static_${v//:/%3a}_$darch.deb
	[ -e "$deb" ] || (cd cache/debs && apt-get download -q "busybox-static:$darch=$v" 2>&1 | grep -v -e unsandboxed -e '^Get:' -e '^Fetched' >&2) || true
	rm -rf "$bb" && mkdir -p "$bb"
	dpkg -x "$deb" "$bb"
	echo "busybox-static:$darch=$v" > "$bb/version"
fi

root=$(mktemp -d cache/initramfs/.root.XXXXXX)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,root,out,etc,usr/bin,usr/sbin,lib}
cp "$bb/bin/busybox" "$root/bin/busybox"
cp vm/init "$root/init"
cp vm/guest-info.sh "$root/bin/lt-guest-info"
cp tests/collector-mem.sh "$root/bin/lt-collector-mem"
chmod 755 "$root/init" "$root/bin/lt-guest-info" "$root/bin/lt-collector-mem"
if [ -e "$bin" ]; then
	if ! file "$bin" | grep -q 'statically linked'; then
		echo "vm/initramfs.sh: $bin is not statically linked (make static-$arch)" >&2; exit 1
	fi
	cp "$bin" "$root/bin/lazytlb"
	lt="$bin $(stat -c '%y' "$bin" | cut -d. -f1)"
else
	echo "vm/initramfs.sh: WARNING: $bin missing (make static-$arch): the $arch guests can run --cmd only" >&2
	lt=none
fi
if [ "$(id -u)" = 0 ]; then
	mknod -m 600 "$root/dev/console" c 5 1
	mknod -m 666 "$root/dev/null" c 1 3
fi
# a temporary of this process's own: `vm run` rebuilds a stale image itself, so two builds may
# run at once (a test beside `make vm-initramfs`); a shared "$out.tmp" mixed their bytes and the
# guest found no root fs
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -9 -n > "$out.tmp.$$"
mv "$out.tmp.$$" "$out"
{
	echo "arch: $arch"
	echo "busybox: $(cat "$bb/version")"
	echo "lazytlb: $lt"
	echo "built: $(date -u +%FT%TZ)"
} > "$out.manifest"
echo "vm/initramfs.sh: $out ($(stat -c %s "$out") bytes, lazytlb: $lt)"
