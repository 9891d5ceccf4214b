#!/usr/bin/env bash
# The checks whose truth needs native TLB IPIs (tests/checks/{record_ipis,run_consistency,
# whatif}), in one debian-6.12-amd64 guest: qemu TCG delivers remote flushes as IPIs on any
# host, so they run, and must find TLB IPIs, whatever the host does (a paravirt host's TLB row
# stays 0: there the host tests leave these parts to this one). The produce scripts run under
# the guest's busybox sh with the guest's static lazytlb; the checks read the files it sent back.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vm_lib.sh"
[ -x "$LAZYTLB" ] || skip "skipped: $LAZYTLB not built: run make"
k=debian-6.12-amd64
vm_prepared "$k" x86_64 || skip "skipped: $k image not built: run make vm-prepare"
# under TCG a 2 MiB region takes ~20 ms to touch: 64 KiB regions give record_ipis its counts
cmd="LT=lazytlb; export LT LT_TLB_SIZE=64K LT_WHATIF_S=3 LT_WHATIF_MB=0
O=/out/record_ipis; $(cat "$CHECKS/record_ipis.sh")
O=/out/run_consistency; $(cat "$CHECKS/run_consistency.sh")
O=/out/whatif; $(cat "$CHECKS/whatif.sh")"
"$LAZYTLB" vm run "$k" -o "$TMP/g" --timeout 400 --cmd "$cmd" ||
	fail "$k: vm run failed (console: $(tail -n 3 "$TMP/g/console.log" 2>/dev/null))"
rc=0
for c in record_ipis run_consistency whatif; do
	echo "== $c (guest $k)"
	python3 "$CHECKS/$c.py" "$TMP/g/$c" tlb || rc=1
done
exit $rc
