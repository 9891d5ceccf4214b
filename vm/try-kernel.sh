#!/usr/bin/env bash
# vm/try-kernel.sh LIKE PACKAGE [SUITE] - the matrix checks on a Debian kernel kept outside
# kernels-config/, as a new user would meet it: `lazytlb run` of tests/checks/matrix.sh's
# scenarios in a guest, then tests/checks/matrix.py on the results.
#   LIKE     a kernels-config name whose qemu settings, arch and lazy scheme the kernel shares
#   PACKAGE  a Debian kernel package: a metapackage (linux-image-rt-amd64: the suite's newest)
#            or PKG=VERSION
#   SUITE    where to get it (default: LIKE's suite)
# The kcfg lives in a scratch tree (LAZYTLB_ROOT, default out/try/tree) that shares cache/debs,
# cache/apt, the initramfs and the static binaries with this one, so kernels-config/ and the
# CI's matrix stay as they are. Results: out/try/NAME/. Exit 0 when every check passes.
# Tried (2026-12): linux-image-rt-amd64 of bullseye (5.10-rt), bookworm (6.1-rt), sid (7.2-rt).
set -euo pipefail
cd "$(dirname "$0")/.."
like=${1:?usage: vm/try-kernel.sh LIKE PACKAGE [SUITE]} pkg=${2:?usage: vm/try-kernel.sh LIKE PACKAGE [SUITE]}
base=kernels-config/$like.kcfg
[ -e "$base" ] || { echo "vm/try-kernel.sh: no $base" >&2; exit 2; }
. vm/kcfg.sh
suite=${3:-$(kcfg_get "$base" suite)}
[ -x build/lazytlb ] || { echo "vm/try-kernel.sh: build/lazytlb not built (run make)" >&2; exit 2; }
meta=${pkg%%=*}
name=try-$suite-${meta#linux-image-}
tree=${LAZYTLB_ROOT:-$PWD/out/try/tree}
mkdir -p "$tree/kernels-config" "$tree/cache" "$tree/build" out/try
for d in vm tests; do ln -sfn "$PWD/$d" "$tree/$d"; done
for d in debs apt initramfs; do mkdir -p "cache/$d"; ln -sfn "$PWD/cache/$d" "$tree/cache/$d"; done
for b in build/lazytlb build-x86_64 build-ppc64le; do ln -sfn "$PWD/$b" "$tree/$b"; done
cp kernels-config/README.md "$tree/kernels-config/"
src=debian:$pkg
sed -e "s|^name .*|name      = $name|" -e "s|^source .*|source    = $src|" \
    -e "s|^suite .*|suite     = $suite|" -e "s|^meta .*|meta      = $meta|" \
    -e "s|^btf .*|btf       = sysfs|" "$base" > "$tree/kernels-config/$name.kcfg"
# fetch.sh works in the tree it lives in: run the tree's copy of the script's directory
(cd "$tree" && bash "$tree/vm/fetch.sh" "$name") || exit 1
out=out/try/$name
rm -rf "$out"
cmd="LT=lazytlb; O=/out/matrix; $(cat tests/checks/matrix.sh)"
LAZYTLB_ROOT=$tree build/lazytlb vm run "$name" -o "$out" --timeout 500 --cmd "$cmd" || exit 1
python3 tests/checks/matrix.py "$out/matrix" "$(kcfg_get "$base" lazy_scheme)"
