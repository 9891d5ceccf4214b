#!/usr/bin/env bash
# What-if filters on a construction whose truth is known (tests/checks/whatif.{sh,py}) on the
# host when it sends TLB IPIs, and always in a guest (t_vm_tlb_ipis). Needs a quiet CPU 1:
# other processes there make it neither idle nor ours.
. "$(dirname "$0")/lib.sh"
need_root
[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
LT=$LAZYTLB O=$TMP/out sh "$CHECKS/whatif.sh" || fail "record failed"
python3 "$CHECKS/whatif.py" "$TMP/out" || exit 1
# context tracking must be read where the kernel keeps it: kallsyms when it lists data symbols,
# else the BTF's per-CPU layout and each CPU's runqueue (CONFIG_FAIR_GROUP_SCHED: cfs_rq.rq)
cfg=$( (zcat /proc/config.gz || cat "/boot/config-$(uname -r)") 2>/dev/null)
ct=$(jget "$TMP/out/sleep.json" 'd["kernel"]["context_tracking"]')
echo "context tracking: $ct"
if grep -q '^CONFIG_CONTEXT_TRACKING=y' <<< "$cfg" && grep -q '^CONFIG_FAIR_GROUP_SCHED=y' <<< "$cfg" &&
	[ -r /sys/kernel/btf/vmlinux ] && [ "$ct" = unavailable ]; then
	fail "context tracking not read: $(jget "$TMP/out/sleep.json" 'd["kernel"].get("context_tracking_why")')"
fi
