#!/usr/bin/env bash
# vm/guest-modules.sh NAME - the kernel modules the guests of kernels-config/NAME.kcfg load at
# boot (vm/init), unpacked from the kernel's own packages (cache/kernels/NAME/package lists them)
# into cache/kernels/NAME/modules/: the .ko files, uncompressed, and `order`, one file per line,
# each after the modules it depends on (its .modinfo `depends=`).
#
# Which: vhost_net and kvm_amd, those of them the package has. vhost_net: its worker is a kernel thread that adopts the owner's mm with
# kthread_use_mm before 6.4 (drivers/vhost/vhost.c vhost_worker, 5.10 and 6.1; from 6.4 the
# worker is a vhost_task and never calls it): the only way a module-free guest exercises that
# path (scenario vhost-owner). kvm_amd: the x86 guests' CPU (TCG `max`, whatever the host's
# vendor) has SVM with nested paging, so /dev/kvm works in them and a vCPU of our own can run
# (scenario guest-tlbflush: target state guest). A package without them (ppc64el: no kvm_amd;
# sid's cloud linux-binary carries neither) gets the others or an empty `order`.
# LT_GUEST_MODULES="a b" names others (module names, '_' for '-').
# Idempotent: skips a kernel whose modules/ has its `order` for the same list (`wanted`).
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: vm/guest-modules.sh NAME}
dest=cache/kernels/$name
want=${LT_GUEST_MODULES:-vhost_net kvm_amd}
[ -e "$dest/package" ] || { echo "vm/guest-modules.sh: $dest/package missing: run vm/fetch.sh $name" >&2; exit 1; }
[ -e "$dest/modules/order" ] && [ "$(cat "$dest/modules/wanted" 2>/dev/null)" = "$want" ] && exit 0
tmp=$(mktemp -d cache/kernels/.m.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/out"
debs=$(tail -n +3 "$dest/package" | sed 's|^|cache/debs/|')
# NAME -> the member of which deb (all layouts: /lib/modules or /usr/lib/modules, any compression)
for d in $debs; do
	[ -e "$d" ] || continue
	dpkg-deb -c "$d" | awk -v deb="$d" '{ p = $6; if (p ~ /\/modules\/[^/]+\/kernel\/.*\.ko(\.xz|\.zst|\.gz)?$/) {
		n = p; sub(/.*\//, "", n); sub(/\.ko.*/, "", n); gsub(/-/, "_", n); print n, deb, p } }'
done > "$tmp/index"

# unpack NAME (from its deb), uncompressed, into out/NAME.ko; prints its depends= list
unpack() {
	local n=$1 deb mem f
	read -r deb mem < <(awk -v n="$n" '$1 == n { print $2, $3; exit }' "$tmp/index")
	[ -n "${mem:-}" ] || return 1
	mkdir -p "$tmp/x"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp/x" "$mem"
	f="$tmp/x/$mem"
	case "$f" in
	*.ko) mv "$f" "$tmp/out/$n.ko" ;;
	*.ko.xz) xz -dc "$f" > "$tmp/out/$n.ko" ;;
	*.ko.zst) zstd -qdc "$f" > "$tmp/out/$n.ko" ;;
	*.ko.gz) gzip -dc "$f" > "$tmp/out/$n.ko" ;;
	esac
	tr '\0' '\n' < "$tmp/out/$n.ko" | sed -n 's/^depends=//p' | head -n 1 | tr ',' ' '
}

# depth first: a module's dependencies go before it in `order`
declare -A seen=()
order=()
visit() {
	local n=$1 deps d
	[ -z "${seen[$n]:-}" ] || return 0
	seen[$n]=1
	deps=$(unpack "$n") || return 1
	for d in $deps; do visit "$d" || return 1; done
	order+=("$n.ko")
}
# a wanted module the package lacks (or one of its dependencies) is left out, with what it
# pulled in so far
missing=
for m in $want; do
	n=${#order[@]}
	visit "$m" || { missing="$missing $m"; order=("${order[@]:0:$n}"); }
done
mkdir -p "$dest/modules.tmp"
for f in "${order[@]}"; do mv "$tmp/out/$f" "$dest/modules.tmp/"; done
printf '%s\n' "${order[@]}" | sed '/^$/d' > "$dest/modules.tmp/order"
echo "$want" > "$dest/modules.tmp/wanted"
echo "vm/guest-modules.sh: $name: ${order[*]:-none}${missing:+ (not in its package:$missing)}"
rm -rf "$dest/modules"
mv "$dest/modules.tmp" "$dest/modules"
