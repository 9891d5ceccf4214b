#!/usr/bin/env bash
# vm/fetch.sh NAME [--btf] - download and unpack the kernel of kernels-config/NAME.kcfg into
# cache/kernels/NAME/: kernel (the bootable image), config, release, package.
#   source = debian:PKG=VERSION   that exact package (if it left the mirror: `meta`, with a warning)
#   source = debian:METAPACKAGE   the suite's newest kernel, whatever it is today (e.g. sid)
# Packages come from `suite` through lazytlb's own apt configuration (vm/apt.sh, cache/apt/SUITE),
# not the host's sources. Both Debian package layouts are read:
#   up to trixie: linux-image-REL holds /boot/vmlinu[xz]-REL and /boot/config-REL
#   sid/forky:    linux-image-REL is empty and depends on linux-binary-REL
#                 (/usr/lib/modules/REL/vmlinu[xz]) and linux-base-REL (.../config, System.map)
# `package` records what was resolved: line 1 PKG=VERSION, line 2 "suite SUITE", then the .debs.
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
. vm/apt.sh
get() { kcfg_get "$kcfg" "$1"; }
src=$(get source) suite=$(get suite) meta=$(get meta) darch=$(get deb_arch) btf=$(get btf)
dest=cache/kernels/$name
case "$src" in
debian:*) ;;
custom:*) echo "vm/fetch.sh: $name is a custom kernel ($src): build it into $dest" >&2; exit 2 ;;
*) echo "vm/fetch.sh: $kcfg: bad source '$src'" >&2; exit 2 ;;
esac
[ -n "$suite" ] || { echo "vm/fetch.sh: $kcfg: no suite" >&2; exit 2; }
[ -n "$darch" ] || { echo "vm/fetch.sh: $kcfg: no deb_arch" >&2; exit 2; }
pkg=${src#debian:}; ver=
case "$pkg" in *=*) ver=${pkg#*=}; pkg=${pkg%%=*} ;; *) meta=$pkg; pkg= ;; esac
mkdir -p cache/debs "$dest"
debs=$(cd cache/debs && pwd)
tmp=
trap '[ -z "$tmp" ] || rm -rf "$tmp"' EXIT
apt_ready=
apt_up() { [ -n "$apt_ready" ] || { lt_apt_init "$suite" || exit 1; apt_ready=1; }; }

# download PKG VERSION -> prints the .deb path (apt-get download writes ':' as %3a)
download() {
	local f="$debs/${1}_${2//:/%3a}_$darch.deb"
	if [ ! -e "$f" ]; then
		apt_up
		(cd "$debs" && lt_apt_get download -q "$1:$darch=$2" 2>&1 | grep -v -e unsandboxed -e '^Get:' -e '^Fetched' >&2) || true
	fi
	[ -e "$f" ] && echo "$f"
}

# the dependency of PKG[=VER] whose name starts with PREFIX, as "NAME VERSION"
dep_of() {
	local spec="$1:$darch${2:+=$2}"
	apt_up
	lt_apt_cache show "$spec" 2>/dev/null | sed -n 's/^Depends: //p' | head -n 1 | tr ',|' '\n\n' |
		sed -n "s/^ *\($3[^ ]*\) *(= *\([^)]*\)).*/\1 \2/p" | head -n 1
}

# the kernel image package the metapackage points at today; with a version, at that version
follow_meta() {
	local d
	[ -n "$meta" ] || { echo "vm/fetch.sh: $kcfg: no metapackage to follow" >&2; exit 1; }
	d=$(dep_of "$meta" "${1:-}" linux-image-)
	[ -n "$d" ] || { echo "vm/fetch.sh: cannot resolve $meta${1:+=$1} in $suite (cache/apt/$suite)" >&2; exit 1; }
	pkg=${d% *} ver=${d#* }
}

# the versions of the metapackage the suite's lists have, newest first: an index can name a
# .deb its pool does not serve (seen: trixie-security's ppc64el 6.12.118, 404), then the next
meta_versions() {
	apt_up
	lt_apt_cache madison "$meta:$darch" 2>/dev/null | awk -F'|' '{gsub(/ /, "", $2); print $2}'
}

# unpack the image and config of PKG=VER into $tmp/k/{kernel,config,release}; prints the .debs used
unpack() {
	local deb bin base img rel
	deb=$(download "$pkg" "$ver") || return 1
	mkdir -p "$tmp/x" "$tmp/k"
	bin=$(dep_of "$pkg" "$ver" linux-binary-)
	if [ -n "$bin" ]; then # the sid/forky layout
		base=$(dep_of "$pkg" "$ver" linux-base-)
		[ -n "$base" ] || { echo "vm/fetch.sh: $pkg=$ver depends on ${bin% *} but on no linux-base-*" >&2; return 1; }
		bin=$(download "${bin% *}" "${bin#* }") && base=$(download "${base% *}" "${base#* }") || return 1
		dpkg-deb --fsys-tarfile "$bin" | tar -x -C "$tmp/x" --wildcards './usr/lib/modules/*/vmlinu*'
		dpkg-deb --fsys-tarfile "$base" | tar -x -C "$tmp/x" --wildcards './usr/lib/modules/*/config'
		img=$(ls "$tmp"/x/usr/lib/modules/*/vmlinu? 2>/dev/null | head -n 1)
		[ -n "$img" ] || { echo "vm/fetch.sh: no /usr/lib/modules/*/vmlinu[xz] in $bin" >&2; return 1; }
		rel=$(basename "$(dirname "$img")")
		mv "$tmp/x/usr/lib/modules/$rel/config" "$tmp/k/config"
		echo "$deb $bin $base"
	else
		dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp/x" --wildcards './boot/*'
		img=$(ls "$tmp"/x/boot/vmlinu[xz]-* 2>/dev/null | head -n 1)
		[ -n "$img" ] || { echo "vm/fetch.sh: no /boot/vmlinu[xz]-* in $deb" >&2; return 1; }
		rel=${img##*/vmlinu?-}
		mv "$tmp/x/boot/config-$rel" "$tmp/k/config"
		echo "$deb"
	fi
	mv "$img" "$tmp/k/kernel"
	echo "$rel" > "$tmp/k/release"
}

if [ ! -e "$dest/kernel" ] || [ ! -e "$dest/config" ]; then
	t0=$(date +%s%N)
	[ -n "$pkg" ] || follow_meta
	tmp=$(mktemp -d cache/kernels/.x.XXXXXX)
	if ! used=$(unpack); then
		# the pinned version left the mirror (or the newest is not served): follow the
		# metapackage in the same suite, newest version first
		old="$pkg=$ver" used=
		for mv in $(meta_versions); do
			follow_meta "$mv"
			[ "$pkg=$ver" != "$old" ] || continue
			rm -rf "${tmp:?}"/*
			if used=$(unpack); then
				echo "vm/fetch.sh: WARNING: $old cannot be downloaded from $suite, using $pkg=$ver ($meta=$mv); update $kcfg" >&2
				break
			fi
		done
		[ -n "$used" ] || { echo "vm/fetch.sh: no version of $old or $meta downloads from $suite" >&2; exit 1; }
	fi
	rel=$(cat "$tmp/k/release")
	{ echo "$pkg=$ver"; echo "suite $suite"; for d in $used; do basename "$d"; done; } > "$tmp/k/package"
	for f in config release package kernel; do mv "$tmp/k/$f" "$dest/$f"; done
	rm -rf "$tmp"; tmp=
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	printf 'vm/fetch.sh: %s: %s=%s (%s, %s) in %d.%03d s\n' "$name" "$pkg" "$ver" "$rel" "$suite" $((ms / 1000)) $((ms % 1000))
fi

if [ -n "$want_btf" ] && [ "${btf%%:*}" = detached ] && [ ! -e "$dest/vmlinux.btf" ]; then
	t0=$(date +%s)
	dbg=${btf#detached:}
	ver=$(head -n 1 "$dest/package" | cut -d= -f2)
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
bash vm/guest-modules.sh "$name"
exit 0
