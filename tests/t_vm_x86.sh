#!/usr/bin/env bash
# qemu kernel matrix, x86_64 guests (kernels-config/README.md): boot debian-6.1-amd64 and
# debian-6.12-amd64 under TCG with a trivial guest command, check the result markers and files
# come back, the guest facts match the kcfg, and a guest panic fails `vm run` with one line.
# Skips when the images are not in cache/ (make vm-prepare). Lazy-TLB assertions: see vm_lib.sh.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vm_lib.sh"
[ -x "$LAZYTLB" ] || skip "skipped: $LAZYTLB not built: run make"
"$LAZYTLB" vm list > "$TMP/list.txt" || fail "vm list failed"
cat "$TMP/list.txt"
for k in debian-6.1-amd64 debian-6.12-amd64; do grep -q "^$k " "$TMP/list.txt" || fail "vm list lacks $k"; done
command -v qemu-system-x86_64 >/dev/null || skip "skipped: qemu-system-x86_64 missing: run vm/setup-host.sh"
ran=0 missing=
for k in debian-6.1-amd64 debian-6.12-amd64; do
	if ! vm_prepared "$k" x86_64; then missing="$missing $k"; continue; fi
	vm_boot "$k"
	ran=$((ran + 1)) booted=$k
done
[ "$ran" -gt 0 ] || skip "skipped: image not built: run make vm-prepare (or vm/fetch.sh KERNEL; make vm-initramfs)"
[ -z "$missing" ] || echo "not prepared, not booted:$missing"
# a guest panic is a one-line failure naming the panic
if "$LAZYTLB" vm run "$booted" -o "$TMP/panic" --timeout 120 --cmd 'echo c > /proc/sysrq-trigger' 2> "$TMP/panic.err"; then
	fail "vm run succeeded on a panicking guest"
fi
cat "$TMP/panic.err"
[ "$(wc -l < "$TMP/panic.err")" = 1 ] || fail "panic: expected one line on stderr"
grep -q 'guest panic: .*Kernel panic' "$TMP/panic.err" || fail "panic: message does not name the panic"
echo "ok: $ran x86_64 guest(s) booted"
