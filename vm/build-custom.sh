#!/usr/bin/env bash
# vm/build-custom.sh NAME... - build the custom kernels of kernels-config/NAME.kcfg
# (`source = custom:linux-source-6.12=VERSION`) into cache/kernels/NAME/: kernel, config,
# release, package, build-seconds. Patched and unpatched variants of one arch share one source
# tree (cache/custom/ARCH/linux): switching variant reverses the previous patches, applies the
# new ones and rebuilds incrementally, so the second variant of a pair costs minutes, not the
# ~15-20 min of a first build on 2 CPUs.
#
# Per kernel: `make BUILD_DEFCONFIG...` (a defconfig and config fragments of the tree, e.g.
# `x86_64_defconfig kvm_guest.config`), merge `build_fragments` (files here), olddefconfig,
# check every fragment line stuck, then `make -jN build_target` and copy `build_image`.
# A kernel is rebuilt only when its inputs changed (a hash of kcfg build keys, fragments and
# patches in cache/kernels/NAME/inputs; rm -r cache/kernels/NAME forces it). JOBS=N overrides the parallelism (default: nproc).
# CONFIG_ONLY=1 stops after the configuration and its checks (seconds: try a fragment).
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
[ $# -gt 0 ] || { echo "usage: vm/build-custom.sh NAME... (kernels-config/NAME.kcfg with source = custom:...)" >&2; exit 2; }
jobs=${JOBS:-$(nproc)}

. vm/kcfg.sh

# fetch + unpack the linux-source .deb's tarball once per arch into cache/custom/ARCH/linux
prepare_tree() { # PKG=VER ARCH
	local pkg=${1%%=*} ver=${1#*=} arch=$2 deb tree=cache/custom/$2/linux
	if [ -e "$tree/.lazytlb-source" ] && [ "$(cat "$tree/.lazytlb-source")" = "$1" ]; then return 0; fi
	mkdir -p cache/debs "cache/custom/$arch"
	deb=cache/debs/${pkg}_${ver//:/%3a}_all.deb
	if [ ! -e "$deb" ]; then
		vm/setup-host.sh --apt >&2
		(cd cache/debs && apt-get download -q "$pkg=$ver" 2>&1 | grep -v -e unsandboxed -e '^Get:' -e '^Fetched' >&2) || true
		[ -e "$deb" ] || { echo "vm/build-custom.sh: cannot download $pkg=$ver (apt-cache policy $pkg lists what the mirror has)" >&2; exit 1; }
	fi
	echo "vm/build-custom.sh: unpacking $pkg=$ver into $tree" >&2
	rm -rf "$tree" "$tree.tmp"; mkdir -p "$tree.tmp"
	dpkg-deb --fsys-tarfile "$deb" | tar -xO --wildcards './usr/src/linux-source-*.tar.xz' | xz -dc -T0 | tar -x -C "$tree.tmp" --strip-components=1
	echo "$1" > "$tree.tmp/.lazytlb-source"
	: > "$tree.tmp/.lazytlb-patches"
	mv "$tree.tmp" "$tree"
}

# make the tree carry exactly the patches PATCH... (reverse the others first, newest first)
set_patches() { # TREE PATCH...
	local tree=$1 p; shift
	local want; want=$(printf '%s\n' "$@")
	[ "$(cat "$tree/.lazytlb-patches")" = "$want" ] && return 0
	tac "$tree/.lazytlb-patches" | while read -r p; do
		[ -n "$p" ] || continue
		echo "vm/build-custom.sh: reversing $p" >&2
		patch -d "$tree" -p1 -R --quiet --no-backup-if-mismatch < "$tree/.lazytlb-patches.d/$(basename "$p")"
	done
	: > "$tree/.lazytlb-patches"; rm -rf "$tree/.lazytlb-patches.d"; mkdir -p "$tree/.lazytlb-patches.d"
	for p in "$@"; do
		[ -n "$p" ] || continue
		echo "vm/build-custom.sh: applying $p" >&2
		patch -d "$tree" -p1 --forward --quiet --no-backup-if-mismatch < "kernels-config/$p" ||
			{ echo "vm/build-custom.sh: kernels-config/$p does not apply to $tree" >&2; exit 1; }
		# keep the applied copy: the file here may change before it is reversed
		cp "kernels-config/$p" "$tree/.lazytlb-patches.d/"
		echo "$p" >> "$tree/.lazytlb-patches"
	done
}

# every CONFIG_X=V / "# CONFIG_X is not set" line of the fragments must be in .config
check_fragments() { # CONFIG FRAGMENT...
	local cfg=$1 f line sym bad=; shift
	for f in "$@"; do
		while read -r line; do
			case "$line" in
			CONFIG_*=*) grep -qxF "$line" "$cfg" || bad="$bad $line" ;;
			"# CONFIG_"*" is not set") sym=${line#\# }; sym=${sym%% *}
				grep -q "^$sym=" "$cfg" && bad="$bad $sym=n" ;;
			esac
		done < "kernels-config/$f"
	done
	[ -z "$bad" ] || { echo "vm/build-custom.sh: config options did not stick (a dependency is missing):$bad" >&2; return 1; }
}

build_one() { # NAME
	local name=$1 kcfg=kernels-config/$1.kcfg
	[ -e "$kcfg" ] || { echo "vm/build-custom.sh: no $kcfg" >&2; exit 2; }
	local src arch defcfg frags target image patches dest tree make_args=() t0 f
	src=$(kcfg_get "$kcfg" source); arch=$(kcfg_get "$kcfg" arch)
	defcfg=$(kcfg_get "$kcfg" build_defconfig); frags=$(kcfg_get "$kcfg" build_fragments)
	target=$(kcfg_get "$kcfg" build_target); image=$(kcfg_get "$kcfg" build_image)
	patches=$(kcfg_get "$kcfg" build_patches)
	case "$src" in custom:*=*) src=${src#custom:} ;; *) echo "vm/build-custom.sh: $kcfg: source '$src' is not custom:PKG=VERSION" >&2; exit 2 ;; esac
	[ -n "$defcfg" ] && [ -n "$target" ] && [ -n "$image" ] ||
		{ echo "vm/build-custom.sh: $kcfg: needs build_defconfig, build_target and build_image" >&2; exit 2; }
	case "$arch" in
	x86_64) make_args=(ARCH=x86_64) ;;
	ppc64le) make_args=(ARCH=powerpc CROSS_COMPILE=powerpc64le-linux-gnu-)
		command -v powerpc64le-linux-gnu-gcc >/dev/null || { echo "vm/build-custom.sh: powerpc64le-linux-gnu-gcc missing: run vm/setup-host.sh" >&2; exit 1; } ;;
	*) echo "vm/build-custom.sh: $kcfg: unknown arch '$arch'" >&2; exit 2 ;;
	esac
	dest=cache/kernels/$name
	# the inputs: build keys of the kcfg + the fragment and patch files (not this script: a
	# change here does not rebuild; rm -r cache/kernels/NAME does)
	local inputs
	inputs=$( { grep -E '^(source|arch|build_[a-z]+)[[:space:]]*=' "$kcfg"; for f in $frags $patches; do cat "kernels-config/$f"; done; } | sha256sum | cut -d' ' -f1)
	if [ -e "$dest/kernel" ] && [ "$(cat "$dest/inputs" 2>/dev/null)" = "$inputs" ]; then
		echo "vm/build-custom.sh: $name is up to date ($dest)"
		return 0
	fi
	t0=$(date +%s)
	prepare_tree "$src" "$arch"
	tree=cache/custom/$arch/linux
	# shellcheck disable=SC2086
	set_patches "$tree" $patches
	echo "vm/build-custom.sh: $name: configuring ($defcfg + $frags)"
	local localver="-lazytlb-${name#custom-*-*-}"
	# shellcheck disable=SC2086
	make -C "$tree" -s "${make_args[@]}" $defcfg >/dev/null
	local fabs=()
	for f in $frags; do fabs+=("$top/kernels-config/$f"); done
	# the variant in `uname -r`, so that results name the kernel that ran
	printf 'CONFIG_LOCALVERSION="%s"\n# CONFIG_LOCALVERSION_AUTO is not set\n' "$localver" > "$tree/.lazytlb-local.config"
	(cd "$tree" && scripts/kconfig/merge_config.sh -m -O . .config "${fabs[@]}" .lazytlb-local.config >/dev/null)
	make -C "$tree" -s "${make_args[@]}" olddefconfig >/dev/null
	# shellcheck disable=SC2086
	check_fragments "$tree/.config" $frags
	local want_scheme have
	want_scheme=$(kcfg_get "$kcfg" lazy_scheme)
	if grep -qx 'CONFIG_MMU_LAZY_TLB_SHOOTDOWN=y' "$tree/.config"; then have=shootdown
	elif grep -qx 'CONFIG_MMU_LAZY_TLB_REFCOUNT=y' "$tree/.config"; then have=refcount
	else have=none; fi
	[ "$have" = "$want_scheme" ] ||
		{ echo "vm/build-custom.sh: $name: .config has lazy scheme '$have', $kcfg expects '$want_scheme'" >&2; exit 1; }
	if [ -n "${CONFIG_ONLY:-}" ]; then
		echo "vm/build-custom.sh: $name: configured, lazy scheme $have ($tree/.config; CONFIG_ONLY: not built)"
		return 0
	fi
	echo "vm/build-custom.sh: $name: make -j$jobs $target (log: $tree/build-$name.log)"
	if ! make -C "$tree" "${make_args[@]}" -j"$jobs" "$target" > "$tree/build-$name.log" 2>&1; then
		grep -E 'error|Error' "$tree/build-$name.log" | head -n 20 >&2
		echo "vm/build-custom.sh: $name: build failed, see $tree/build-$name.log" >&2
		exit 1
	fi
	mkdir -p "$dest"
	rm -f "$dest/kernel" "$dest/inputs"
	if [ "$arch" = ppc64le ]; then
		# the debug info is ~10x the kernel; .BTF is an allocated section and survives
		powerpc64le-linux-gnu-strip --strip-debug -o "$dest/kernel.tmp" "$tree/$image"
	else
		cp "$tree/$image" "$dest/kernel.tmp"
	fi
	cp "$tree/.config" "$dest/config"
	make -C "$tree" -s "${make_args[@]}" kernelrelease > "$dest/release"
	{ echo "$src"; for f in $patches; do echo "+ $f"; done; } > "$dest/package"
	echo $(( $(date +%s) - t0 )) > "$dest/build-seconds"
	mv "$dest/kernel.tmp" "$dest/kernel"
	echo "$inputs" > "$dest/inputs"
	echo "vm/build-custom.sh: $name: $dest/kernel ($(cat "$dest/release"), lazy scheme $have) in $(cat "$dest/build-seconds") s"
}

mkdir -p cache/custom
for n in "$@"; do
	n=$(basename "$n" .kcfg)
	arch=$(kcfg_get "kernels-config/$n.kcfg" arch 2>/dev/null || true)
	# one build per arch tree at a time
	exec 9> "cache/custom/${arch:-any}.lock"
	flock 9
	build_one "$n"
	exec 9>&-
done
