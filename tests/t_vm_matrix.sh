#!/usr/bin/env bash
# Every Debian kernel of kernels-config/ (the matrix: 5.10 to sid's newest, amd64 and
# ppc64el) booted once under qemu, with the ground-truth checks of tests/checks/matrix.py:
# delivered IPIs vs the guest's /proc/interrupts, the TLB cause vs the TLB row (x86), `other`
# <= 10% and named, the scheme with and without the kernel config, __mmdrop vs the workload,
# helper execs vs core dumps, hotplug references vs the CPU offlines and onlines.
# run.sh: alone
# Two guests at a time. A kernel not prepared (make vm-prepare) is reported and skipped; none
# prepared skips the test. Adding a kernel is one kcfg: this test picks it up.
# MATRIX="KERNEL..." limits it to those.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vm_lib.sh"
[ -x "$LAZYTLB" ] || skip "skipped: $LAZYTLB not built: run make"
run_one() { # KERNEL
	local k=$1 cmd
	cmd="LT=lazytlb; O=/out/matrix; $(cat "$CHECKS/matrix.sh")"
	"$LAZYTLB" vm run "$k" -o "$TMP/$k" --timeout 400 --cmd "$cmd" > "$TMP/$k.log" 2>&1
	echo $? > "$TMP/$k.rc"
}
kernels=() missing=()
for f in "$ROOT"/kernels-config/debian-*.kcfg; do
	k=$(basename "$f" .kcfg)
	[ -z "${MATRIX:-}" ] || [[ " $MATRIX " == *" $k "* ]] || continue
	if vm_prepared "$k" "$(kcfg "$k" arch)" && { [ "$(kcfg "$k" btf)" = sysfs ] ||
	   [ -e "$ROOT/cache/kernels/$k/vmlinux.btf" ]; }; then
		kernels+=("$k")
	else
		missing+=("$k")
	fi
done
[ ${#kernels[@]} -gt 0 ] || skip "skipped: no matrix kernel prepared: run make vm-prepare VM_BTF=1"
[ ${#missing[@]} -eq 0 ] || echo "not prepared (left out): ${missing[*]}"
t0=$(date +%s)
for ((i = 0; i < ${#kernels[@]}; i += 2)); do
	run_one "${kernels[i]}" &
	[ -z "${kernels[i + 1]:-}" ] || run_one "${kernels[i + 1]}" &
	wait
done
echo "${#kernels[@]} guests in $(( $(date +%s) - t0 )) s"
rc=0
for k in "${kernels[@]}"; do
	echo "== $k ($(head -n 1 "$ROOT/cache/kernels/$k/package"))"
	if [ "$(cat "$TMP/$k.rc")" != 0 ]; then
		echo "FAIL $k: vm run: $(tail -n 2 "$TMP/$k.log")"
		rc=1
		continue
	fi
	python3 "$CHECKS/matrix.py" "$TMP/$k/matrix" "$(kcfg "$k" lazy_scheme)" || rc=1
done
[ ${#missing[@]} -eq 0 ] || echo "left out (not prepared): ${missing[*]}"
exit $rc
