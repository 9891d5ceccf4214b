#!/usr/bin/env bash
# vm/fetch.sh NAME [--btf] - download and unpack the kernel of kernels-config/NAME.kcfg into
# cache/kernels/NAME/: kernel (the bootable image), config, release, package.
# --btf: for `btf = detached:PKG` also fetch PKG (the -dbg package, ~700 MB), encode the BTF of
# its vmlinux with pahole into cache/kernels/NAME/vmlinux.btf, then delete the download.
# Idempotent: skips what is already there. `source = custom:...` kernels are built elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: vm/fetch.sh NAME [--btf]}
want_btf=; [ "${2:-}" = --btf ] && want_btf=1
kcfg=kernels-config/$name.kcfg
[ -e "$kcfg" ] || { echo "vm/fetch.sh: no $kcfg" >&2; exit 2; }
. vm/kcfg.sh
get() { kcfg_get "$kcfg" "$1"; }
src=$(get source) suite=$(get suite) meta=$(get meta) darch=$(get deb_arch) btf=$(get btf)
dest=cache/kernels/$name
case "$src" in
debian:*) ;;
custom:*) echo "vm/fetch.sh: $name is a custom kernel ($src): build it into $dest" >&2; exit 2 ;;
*) echo "vm/fetch.sh: $kcfg: bad source '$src'" >&2; exit 2 ;;
esac
pkg=${src#debian:}; ver=${pkg#*=}; pkg=${pkg%%=*}
mkdir -p cache/debs "$dest"
debs=$(cd cache/debs && pwd)
tmp=
trap '[ -z "$tmp" ] || rm -rf "$tmp"' EXIT

# download PKG VERSION -> prints the .deb path (apt-get download writes ':' as %3a)
download() {
	local f="$debs/${1}_${2//:/%3a}_$darch.deb"
	if [ ! -e "$f" ]; then
		vm/setup-host.sh --apt >&2
		(cd "$debs" && apt-get download -q "$1:$darch=$2" 2>&1 | grep -v -e unsandboxed -e '^Get:' -e '^Fetched' >&2) || true
	fi
	[ -e "$f" ] && echo "$f"
}

if [ ! -e "$dest/kernel" ] || [ ! -e "$dest/config" ]; then
	t0=$(date +%s%N)
	if ! deb=$(download "$pkg" "$ver"); then
		# the pinned version left the mirror: follow the metapackage in the same suite
		dep=$(apt-cache show "$meta:$darch/$suite" 2>/dev/null | sed -n 's/^Depends: //p' | head -n 1 | tr ',' '\n' | grep -m1 '^ *linux-image-' || true)
		npkg=$(echo "$dep" | awk '{print $1}'); nver=$(echo "$dep" | sed -n 's/.*(= \(.*\)).*/\1/p')
		[ -n "$npkg" ] && [ -n "$nver" ] || { echo "vm/fetch.sh: cannot download $pkg=$ver nor resolve $meta/$suite" >&2; exit 1; }
		echo "vm/fetch.sh: WARNING: $pkg=$ver is gone from the mirror, using $npkg=$nver ($meta/$suite); update $kcfg" >&2
		pkg=$npkg ver=$nver
		deb=$(download "$pkg" "$ver") || { echo "vm/fetch.sh: download of $pkg=$ver failed" >&2; exit 1; }
	fi
	tmp=$(mktemp -d cache/kernels/.x.XXXXXX)
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './boot/*'
	img=
	for f in "$tmp"/boot/vmlinuz-* "$tmp"/boot/vmlinux-*; do [ -e "$f" ] && img=$f && break; done
	[ -n "$img" ] || { echo "vm/fetch.sh: no /boot/vmlinu[xz]-* in $deb" >&2; rm -rf "$tmp"; exit 1; }
	rel=${img##*/vmlinu?-}
	mv "$tmp/boot/config-$rel" "$dest/config"
	mv "$img" "$dest/kernel"
	echo "$rel" > "$dest/release"
	echo "$pkg=$ver" > "$dest/package"
	rm -rf "$tmp"
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	printf 'vm/fetch.sh: %s: %s=%s (%s) in %d.%03d s\n' "$name" "$pkg" "$ver" "$rel" $((ms / 1000)) $((ms % 1000))
fi

if [ -n "$want_btf" ] && [ "${btf%%:*}" = detached ] && [ ! -e "$dest/vmlinux.btf" ]; then
	t0=$(date +%s)
	dbg=${btf#detached:}
	ver=$(cut -d= -f2 "$dest/package")
	deb=$(download "$dbg" "$ver") || { echo "vm/fetch.sh: download of $dbg=$ver failed" >&2; exit 1; }
	tmp=$(mktemp -d cache/kernels/.x.XXXXXX)
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './usr/lib/debug/boot/vmlinux-*'
	command -v pahole >/dev/null || { echo "vm/fetch.sh: pahole missing: apt-get install dwarves" >&2; exit 1; }
	pahole --btf_encode_detached="$dest/vmlinux.btf.tmp" "$tmp"/usr/lib/debug/boot/vmlinux-*
	mv "$dest/vmlinux.btf.tmp" "$dest/vmlinux.btf"
	rm -rf "$tmp"
	[ -n "${KEEP_DEBS:-}" ] || rm -f "$deb"
	echo "vm/fetch.sh: $name: $dest/vmlinux.btf ($(stat -c %s "$dest/vmlinux.btf") bytes) from $dbg in $(( $(date +%s) - t0 )) s"
fi
exit 0
