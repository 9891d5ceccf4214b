#!/usr/bin/env bash
# run.sh: alone (its checks need a minimum of IPIs in a timed run: another guest beside it halves them)
# The checks whose truth needs native TLB IPIs (tests/checks/{record_ipis,run_consistency,
# whatif}), in debian-6.12-amd64 and debian-sid-amd64 guests (or LT_TLB_KERNELS): qemu TCG delivers remote flushes as IPIs on any
# host, so they run, and must find TLB IPIs, whatever the host does (a paravirt host's TLB row
# stays 0: there the host tests leave these parts to this one). The produce scripts run under
# the guest's busybox sh with the guest's static lazytlb; the checks read the files it sent back.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vm_lib.sh"
[ -x "$LAZYTLB" ] || skip "skipped: $LAZYTLB not built: run make"
# LT_TLB_KERNELS: the x86 kernels of the matrix to run them in. CI: 6.12 and sid (7.2: 6.14+
# trims lazy CPUs from mm_cpumask, the what-if checks read it differently), ~80 s each since a
# guest `record` loads in ~9 s (was ~21 s); checked by hand on debian-5.10-amd64 (the arch-send
# fallback; no csd_function_entry) and debian-6.1-amd64
rc=0 ran=0
# CI keeps to its time budget with sid alone (6.14+'s lazy trim, the newest behaviour); 6.12's
# TLB IPIs are checked there by t_vm_x86, t_vm_guest and t_vm_scale
default_kernels="debian-6.12-amd64 debian-sid-amd64"
[ "${CI:-}" = true ] && default_kernels=debian-sid-amd64
for k in ${LT_TLB_KERNELS:-$default_kernels}; do
	arch=$(kcfg "$k" arch)
	# the checks read x86's TLB vector, flush_tlb_info and /proc's TLB row; powerpc's own are
	# in tests/checks/matrix.py (exit flush, tlbie, shootdown what-if)
	[ "$arch" = x86_64 ] || { echo "$k: not x86: these checks do not apply (matrix.py has powerpc's)"; continue; }
	vm_prepared "$k" "$arch" || { echo "$k: image not built (make vm-prepare): not run"; continue; }
	# under TCG a 2 MiB region takes ~20 ms to touch: 64 KiB regions give record_ipis its counts
	cmd="LT=lazytlb; export LT LT_TLB_SIZE=64K LT_WHATIF_S=3 LT_WHATIF_MB=0
O=/out/record_ipis; $(cat "$CHECKS/record_ipis.sh")
O=/out/run_consistency; $(cat "$CHECKS/run_consistency.sh")
O=/out/whatif; $(cat "$CHECKS/whatif.sh")"
	"$LAZYTLB" vm run "$k" -o "$TMP/$k" --timeout 600 --cmd "$cmd" ||
		fail "$k: vm run failed (console: $(tail -n 3 "$TMP/$k/console.log" 2>/dev/null))"
	ran=$((ran + 1))
	for c in record_ipis run_consistency whatif; do
		echo "== $c (guest $k)"
		python3 "$CHECKS/$c.py" "$TMP/$k/$c" tlb || rc=1
	done
done
[ "$ran" -gt 0 ] || skip "skipped: no kernel of LT_TLB_KERNELS prepared: run make vm-prepare"
exit $rc
