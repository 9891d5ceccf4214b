#!/usr/bin/env bash
# qemu kernel matrix, ppc64le guests (kernels-config/README.md): boot debian-6.1-ppc64el and
# debian-6.12-ppc64el (pseries, TCG) with a trivial guest command, check the result markers and
# files come back and the guest facts match the kcfg (6.12: shootdown, 6.1: refcount, no sysfs
# BTF); with the detached BTF prepared, check it reaches the guest as $LAZYTLB_BTF.
# Skips when the images are not in cache/ (make vm-prepare). Lazy-TLB assertions: see vm_lib.sh.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vm_lib.sh"
[ -x "$LAZYTLB" ] || skip "skipped: $LAZYTLB not built: run make"
command -v qemu-system-ppc64 >/dev/null || skip "skipped: qemu-system-ppc64 missing: run vm/setup-host.sh"
ran=0 missing=
for k in debian-6.1-ppc64el debian-6.12-ppc64el; do
	if ! vm_prepared "$k" ppc64le; then missing="$missing $k"; continue; fi
	vm_boot "$k"
	grep -q '^machine: ppc64le' "$VM_OUT/info.txt" || fail "$k: guest is not ppc64le"
	ran=$((ran + 1))
done
[ "$ran" -gt 0 ] || skip "skipped: image not built: run make vm-prepare (or vm/fetch.sh KERNEL; make vm-initramfs)"
[ -z "$missing" ] || echo "not prepared, not booted:$missing"
k=debian-6.1-ppc64el
if vm_prepared $k ppc64le && [ -e "$ROOT/cache/kernels/$k/vmlinux.btf" ]; then
	"$LAZYTLB" vm run $k -o "$TMP/btf" --timeout 240 \
		--cmd 'echo "$LAZYTLB_BTF" > btf-path.txt; wc -c < "$LAZYTLB_BTF" > btf-size.txt; true' ||
		fail "$k: vm run with the detached BTF failed"
	[ "$(cat "$TMP/btf/btf-path.txt")" = /boot/vmlinux.btf ] || fail "$k: LAZYTLB_BTF not set in the guest"
	[ "$(cat "$TMP/btf/btf-size.txt")" = "$(stat -c %s "$ROOT/cache/kernels/$k/vmlinux.btf")" ] ||
		fail "$k: the guest's BTF file differs in size from the host's"
else
	echo "$k: no detached BTF prepared (vm/fetch.sh $k --btf), BTF check not run"
fi
echo "ok: $ran ppc64le guest(s) booted"
