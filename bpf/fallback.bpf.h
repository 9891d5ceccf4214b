/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fallback.bpf.h - kernels without the ipi and csd tracepoints (before v6.3): the calls and
 * IPIs seen at the functions that queue and raise them..
 */
#ifndef LT_FALLBACK_BPF_H
#define LT_FALLBACK_BPF_H

#include "maps.bpf.h"
#include "ipi_send.bpf.h"

/* ------------------------------------------------------------------ */
/* Kernels without the ipi and csd tracepoints (before v6.3)          */
/* ------------------------------------------------------------------ */
/* Each call is counted where it is queued for a target, as 6.3's csd_queue_cpu does: one
 * per target CPU of smp_call_function_many_cond (mask, online, not this CPU; a filtering
 * cond_func is followed to its verdict per CPU where it is one we hook: x86's TLB-flush
 * filter), one per __smp_call_single_queue or generic_exec_single (which may inline the
 * former: 6.1's does, some calls were unseen) for another online CPU. The arch function
 * raising the IPI right after (x86 native_send_call_func_*, powerpc
 * arch_send_call_function_*) counts the hardware IPIs; a call it raises that was not seen
 * queued (a cond_func we do not follow: 5.10's has_cpu_slab, has_bh_in_lru) is counted there,
 * as before: the stashed call, its cause. Without the queue hooks (cfg.calls_at_queue 0) all
 * requests are counted at the send and are hardware IPIs only: a call queued behind one
 * pending raises none, nor one to an idle CPU polling its need-resched flag
 * (send_call_function_single_ipi: set_nr_if_polling, 5.10-6.2 kernel/sched/core.c). */
static __always_inline void stash_call(__u64 func, __u32 cause, __u64 info)
{
	struct lt_scratch *s = scr();

	if (cfg.empty || !s)
		return;
	s->send_func = func;
	s->send_cause = cause;
	s->send_info = info;
	s->send_stashed = 1;
	s->q_at_send = 0;
}

/* smp_call_function_many_cond(mask, func, info, scf_flags, cond_func), 5.10-6.2 kernel/smp.c:
 * a call for each CPU of mask & cpu_online_mask but this one for which cond_func (if any)
 * says yes */
static __always_inline void on_call_many(void *ctx, const struct cpumask *mask, void *func, void *info,
					 void *cond)
{
	struct lt_scratch *s = scr();
	__u32 cause = cause_of((__u64)func);

	stash_call((__u64)func, cause, (__u64)info);
	if (!cfg.calls_at_queue || !s || cfg.empty)
		return;
	lt_mask_zero(s->q_many_mask);
	s->q_many_func = (__u64)func;
	s->q_many_info = (__u64)info;
	s->q_many_cause = cause;
	/* a cond_func is followed at its return per CPU (cond_tlb; an interrupt queuing another
	 * call in between overwrites q_many_*); another filter: the call is counted at the arch
	 * send, per hardware IPI, with its stack */
	s->q_cond_open = cond && cfg.cond_tlb_fn && (__u64)cond == cfg.cond_tlb_fn;
	s->q_at_send = cond && !s->q_cond_open;
	if (s->q_at_send)
		return;
	sender_stack(ctx, (__u64)func);
	if (!cond)
		walk_mask(mask, LT_WALK_QUEUE, (__u64)func, cause, (__u64)info);
}

/* kprobe first (probes.c): fentry cannot read cond_func, a function pointer, on 5.10-6.2 */
SEC("kprobe")
int BPF_KPROBE(call_many__kprobe, void *mask, void *func, void *info, unsigned int scf_flags, void *cond)
{
	on_call_many(ctx, mask, func, info, cond);
	return 0;
}

SEC("fentry")
int BPF_PROG(call_many__fentry, void *mask, void *func, void *info, unsigned int scf_flags, void *cond)
{
	on_call_many(ctx, mask, func, info, cond);
	return 0;
}

/* x86's TLB-flush target filter (should_flush_tlb, 6.1 stable and 6.14+; tlb_is_not_lazy
 * before), called by smp_call_function_many_cond per CPU: true queues a call for `cpu` */
static __always_inline void on_cond_entry(int cpu)
{
	struct lt_scratch *s = scr();

	if (s)
		s->q_cond_cpu = cpu;
}

SEC("fentry")
int BPF_PROG(cond_tlb__fentry, int cpu)
{
	on_cond_entry(cpu);
	return 0;
}

SEC("kprobe")
int BPF_KPROBE(cond_tlb__kprobe, int cpu)
{
	on_cond_entry(cpu);
	return 0;
}

/* a bool is returned in the low byte; the rest of the register is not defined (x86 al) */
static __always_inline void on_cond_ret(__u64 ret)
{
	struct lt_scratch *s = scr();

	if (!s || !s->q_cond_open || cfg.empty)
		return;
	/* it is asked for this CPU too: a local call, not queued (6.1 SCF_RUN_LOCAL; 5.10's
	 * on_each_cpu_cond_mask runs flush_tlb_func_remote itself, which /proc TLB counts) */
	if (s->q_cond_cpu == bpf_get_smp_processor_id()) {
		s->q_local_run = ret & 0xff;
		return;
	}
	if (ret & 0xff)
		lt_queue_one(s->q_cond_cpu, s->q_many_func, s->q_many_cause, s->q_many_info);
}

SEC("fexit")
int BPF_PROG(cond_tlb_exit__fentry, int cpu, void *info, __u64 ret)
{
	on_cond_ret(ret);
	return 0;
}

SEC("kretprobe")
int BPF_KRETPROBE(cond_tlb_exit__kprobe, __u64 ret)
{
	on_cond_ret(ret);
	return 0;
}

/* __smp_call_single_queue(cpu, node): node is the csd's first member; a TTWU node is a
 * task's wake_entry (the scheduler's remote wakeup list), not a csd */
static __always_inline void on_single_queue(void *ctx, __u32 cpu, void *node)
{
	struct __call_single_data *csd = node;
	struct lt_scratch *s = scr();
	__u64 func;

	if (s && s->q_exec_node == (__u64)node && node) {
		s->q_exec_node = 0; /* counted at generic_exec_single (not inlined here) */
		return;
	}
	/* a wake_entry has no func: counted under the name 6.3+ reports for it */
	if (lt_csd_node_is_ttwu(csd)) {
		stash_call(cfg.ttwu_cb, LT_CAUSE_WAKEUP, 0);
	} else {
		func = (__u64)BPF_CORE_READ(csd, func);
		stash_call(func, csd_cause(func, csd), (__u64)BPF_CORE_READ(csd, info));
	}
	if (cfg.calls_at_queue && s && !cfg.empty) {
		sender_stack(ctx, s->send_func);
		lt_queue_one(cpu, s->send_func, s->send_cause, s->send_info);
	}
}

SEC("fentry")
int BPF_PROG(call_single_queue__fentry, int cpu, void *node)
{
	on_single_queue(ctx, cpu, node);
	return 0;
}

SEC("kprobe")
int BPF_KPROBE(call_single_queue__kprobe, int cpu, void *node)
{
	on_single_queue(ctx, cpu, node);
	return 0;
}

/* generic_exec_single(cpu, csd), 5.10-6.2: a call for another online CPU is queued by
 * __smp_call_single_queue, which the compiler may inline here (6.1 amd64 and ppc64el) */
static __always_inline void on_exec_single(void *ctx, __u32 cpu, void *csd)
{
	struct lt_scratch *s = scr();

	if (!s || cpu == bpf_get_smp_processor_id() || cpu >= cfg.nr_cpu_ids || !lt_cpu_online(cpu))
		return;
	/* left by the last one when its __smp_call_single_queue was inlined: an on-stack csd
	 * is at the same address again */
	s->q_exec_node = 0;
	if (lt_mask_test(s->q_many_mask, cpu) &&
	    (__u64)BPF_CORE_READ((struct __call_single_data *)csd, func) == s->q_many_func &&
	    (__u64)BPF_CORE_READ((struct __call_single_data *)csd, info) == s->q_many_info) {
		lt_mask_clear(s->q_many_mask, cpu); /* the many_cond fastpath's: counted there */
		s->q_exec_node = (__u64)csd;
		return;
	}
	on_single_queue(ctx, cpu, csd);
	s->q_exec_node = (__u64)csd;
}

SEC("fentry")
int BPF_PROG(exec_single__fentry, int cpu, void *csd)
{
	on_exec_single(ctx, cpu, csd);
	return 0;
}

SEC("kprobe")
int BPF_KPROBE(exec_single__kprobe, int cpu, void *csd)
{
	on_exec_single(ctx, cpu, csd);
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
		if (!cfg.calls_at_queue || s->q_at_send) /* else taken at the queue */
			sender_stack(ctx, s->send_func);
		on_arch_send(s, cpu, bpf_ktime_get_ns());
	}
	s->send_stashed = 0;
	lt_mask_zero(s->q_many_mask);
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
