#!/bin/sh
# lt-guest-info (in the guest initramfs): what the collector can hook on this kernel, one
# "key: value" line each. Run by the pipeline test (`lazytlb vm run NAME --cmd lt-guest-info`).
echo "release: $(uname -r)"
echo "machine: $(uname -m)"
echo "cmdline: $(cat /proc/cmdline)"
echo "nr_cpus: $(grep -c ^processor /proc/cpuinfo)"
# possible: what nr_cpu_ids and per-CPU data are sized for (qemu -smp N,maxcpus=M: M)
echo "cpus_possible: $(cat /sys/devices/system/cpu/possible)"
echo "cpus_online: $(cat /sys/devices/system/cpu/online)"
yn() { if [ -e "$1" ]; then echo yes; else echo no; fi; }
echo "btf_sysfs: $(yn /sys/kernel/btf/vmlinux)"
echo "kprobe_pmu: $(yn /sys/bus/event_source/devices/kprobe)"
echo "nohz_full: $(cat /sys/devices/system/cpu/nohz_full 2>/dev/null)"
for tp in ipi:ipi_send_cpu ipi:ipi_send_cpumask ipi:ipi_raise csd:csd_queue_cpu csd:csd_function_entry \
	  irq_vectors:call_function_entry irq_vectors:call_function_single_entry tlb:tlb_flush \
	  power:cpu_idle sched:sched_switch; do
	echo "tracepoint $tp: $(yn /sys/kernel/tracing/events/${tp%%:*}/${tp#*:})"
done
# functions and data symbols, one pass over /proc/kallsyms (slow under TCG); a compiler clone
# (.isra.0, .constprop.0, .part.0) is listed under its base name; (t) etc. is the symbol type
awk -v names="__mmdrop do_shoot_lazy_tlb cleanup_lazy_tlbs flush_tlb_mm_range finish_task_switch \
tlb_remove_table_sync_one flush_tlb_func do_exit_flush_lazy_tlb exit_flush_lazy_tlbs ipi_mb \
tlb_remove_table_smp_sync context_tracking __per_cpu_offset mm_cachep radix__flush_tlb_mm \
smp_call_function_many_cond generic_smp_call_function_single_interrupt" '
BEGIN { n = split(names, want, " "); for (i = 1; i <= n; i++) hit[want[i]] = "" }
{ base = $3; sub(/\..*/, "", base)
  if (base in hit) hit[base] = hit[base] (hit[base] == "" ? "" : ",") $3 "(" $2 ")" }
END { for (i = 1; i <= n; i++) print "ksym " want[i] ": " (hit[want[i]] == "" ? "no" : hit[want[i]]) }
' /proc/kallsyms
