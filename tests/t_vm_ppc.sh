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
	# and a script of the user's (--add), run from the guest's PATH with its argument
	printf '#!/bin/sh\necho "$1 $(uname -m)" > /out/added.txt\n' > "$TMP/lt-added.sh"
	chmod +x "$TMP/lt-added.sh"
	"$LAZYTLB" vm run $k -o "$TMP/btf" --timeout 240 --add "$TMP/lt-added.sh" \
		--cmd 'echo "$LAZYTLB_BTF" > btf-path.txt; wc -c < "$LAZYTLB_BTF" > btf-size.txt; lt-added.sh hello' ||
		fail "$k: vm run with the detached BTF failed"
	[ "$(cat "$TMP/btf/added.txt")" = "hello ppc64le" ] || fail "$k: the --add script did not run: $(cat "$TMP/btf/added.txt")"
	[ "$(cat "$TMP/btf/btf-path.txt")" = /boot/vmlinux.btf ] || fail "$k: LAZYTLB_BTF not set in the guest"
	[ "$(cat "$TMP/btf/btf-size.txt")" = "$(stat -c %s "$ROOT/cache/kernels/$k/vmlinux.btf")" ] ||
		fail "$k: the guest's BTF file differs in size from the host's"
else
	echo "$k: no detached BTF prepared (vm/fetch.sh $k --btf), BTF check not run"
fi
# a kcfg that wants a detached BTF which is not prepared: refused before booting, one line
# that names the command preparing it (a root of links to the prepared kernel, minus the BTF)
if vm_prepared $k ppc64le; then
	r=$TMP/root; mkdir -p "$r/kernels-config" "$r/cache/kernels/$k" "$r/cache/initramfs"
	cp "$ROOT/kernels-config/$k.kcfg" "$r/kernels-config/"
	for f in "$ROOT/cache/kernels/$k"/*; do [ "${f##*/}" = vmlinux.btf ] || ln -s "$f" "$r/cache/kernels/$k/"; done
	ln -s "$ROOT/cache/initramfs/ppc64le.cpio.gz" "$ROOT/cache/initramfs/ppc64le.cpio.gz.manifest" "$r/cache/initramfs/"
	t0=$(date +%s)
	LAZYTLB_ROOT=$r "$LAZYTLB" vm run $k exit-lazy -o "$TMP/nobtf" > "$TMP/nobtf.out" 2> "$TMP/nobtf.err" &&
		fail "$k without its BTF: vm run exited 0"
	grep -v warning "$TMP/nobtf.err" > "$TMP/nobtf.err1"
	[ "$(wc -l < "$TMP/nobtf.err1")" = 1 ] && grep -q "vm/fetch.sh $k --btf" "$TMP/nobtf.err1" ||
		fail "$k without its BTF: expected one line naming vm/fetch.sh $k --btf, got: $(cat "$TMP/nobtf.err")"
	[ $(( $(date +%s) - t0 )) -lt 10 ] && [ ! -e "$TMP/nobtf/console.log" ] || fail "$k without its BTF: a guest was booted"
	echo "refused before booting: $(cat "$TMP/nobtf.err1")"
fi
echo "ok: $ran ppc64le guest(s) booted"
