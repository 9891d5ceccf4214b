/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fallback.bpf.h - kernels without the ipi and csd tracepoints (before v6.3): the calls and
 * IPIs seen at the functions that queue and raise them. Included by lazytlb.bpf.c last.
 */
#ifndef LT_FALLBACK_BPF_H
#define LT_FALLBACK_BPF_H

/* ------------------------------------------------------------------ */
/* Kernels without the ipi and csd tracepoints (before v6.3)          */
/* ------------------------------------------------------------------ */
/* The call being queued is noted where it is queued (smp_call_function_many_cond,
 * __smp_call_single_queue) and counted, per target, at the arch function that raises
 * the IPI right after (x86 native_send_call_func_*, powerpc arch_send_call_function_*),
 * which knows the targets but not the call. So requests here are hardware IPIs: a call
 * queued behind one already pending raises none and is not counted, nor one to an idle CPU
 * polling its need-resched flag (send_call_function_single_ipi: set_nr_if_polling, 6.1
 * kernel/sched/core.c; a 6.1 guest's collapse: 85 table syncs, 59 IPIs). Counting them needs
 * the targets at the queue (mask, online, cond_func): not done. */
static __always_inline void stash_call(__u64 func, __u32 cause, __u64 info)
{
	struct lt_scratch *s = scr();

	if (cfg.empty || !s)
		return;
	s->send_func = func;
	s->send_cause = cause;
	s->send_info = info;
	s->send_stashed = 1;
}

/* smp_call_function_many_cond(mask, func, info, scf_flags, cond_func) */
SEC("fentry")
int BPF_PROG(call_many__fentry, void *mask, void *func, void *info)
{
	stash_call((__u64)func, cause_of((__u64)func), (__u64)info);
	return 0;
}

SEC("kprobe")
int BPF_KPROBE(call_many__kprobe, void *mask, void *func, void *info)
{
	stash_call((__u64)func, cause_of((__u64)func), (__u64)info);
	return 0;
}

/* __smp_call_single_queue(cpu, node): node is the csd's first member; a TTWU node is a
 * task's wake_entry (the scheduler's remote wakeup list), not a csd */
static __always_inline void on_single_queue(void *node)
{
	struct __call_single_data *csd = node;

	__u64 func;

	/* a wake_entry has no func: counted under the name 6.3+ reports for it */
	if (lt_csd_node_is_ttwu(csd)) {
		stash_call(cfg.ttwu_cb, LT_CAUSE_WAKEUP, 0);
		return;
	}
	func = (__u64)BPF_CORE_READ(csd, func);
	stash_call(func, csd_cause(func, csd), (__u64)BPF_CORE_READ(csd, info));
}

SEC("fentry")
int BPF_PROG(call_single_queue__fentry, int cpu, void *node)
{
	on_single_queue(node);
	return 0;
}

SEC("kprobe")
int BPF_KPROBE(call_single_queue__kprobe, int cpu, void *node)
{
	on_single_queue(node);
	return 0;
}

/* the arch IPI send following the stashed call: to a mask, or (mask NULL) to one cpu */
static __always_inline int on_arch_send_fn(void *ctx, const struct cpumask *mask, __u32 cpu)
{
	struct lt_scratch *s = scr();

	if (cfg.empty || !s)
		return 0;
	if (mask) {
		on_send_mask(ctx, mask, 0, s);
	} else {
		sender_stack(ctx, s->send_func);
		on_arch_send(s, cpu, bpf_ktime_get_ns());
	}
	s->send_stashed = 0;
	return 0;
}

SEC("fentry")
int BPF_PROG(send_mask_fn__fentry, const struct cpumask *mask)
{
	return on_arch_send_fn(ctx, mask, 0);
}

SEC("kprobe")
int BPF_KPROBE(send_mask_fn__kprobe, const struct cpumask *mask)
{
	return on_arch_send_fn(ctx, mask, 0);
}

SEC("fentry")
int BPF_PROG(send_single_fn__fentry, int cpu)
{
	return on_arch_send_fn(ctx, NULL, (__u32)cpu);
}

SEC("kprobe")
int BPF_KPROBE(send_single_fn__kprobe, int cpu)
{
	return on_arch_send_fn(ctx, NULL, (__u32)cpu);
}

/* smp_send_reschedule(cpu): a reschedule IPI, as ipi_send_cpu reports it (no callback) */
SEC("fentry")
int BPF_PROG(send_resched_fn__fentry, int cpu)
{
	return on_send_cpu(ctx, (__u32)cpu, 0);
}

SEC("kprobe")
int BPF_KPROBE(send_resched_fn__kprobe, int cpu)
{
	return on_send_cpu(ctx, (__u32)cpu, 0);
}

#endif
