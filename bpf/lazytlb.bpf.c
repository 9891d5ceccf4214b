// SPDX-License-Identifier: GPL-2.0
/*
 * lazytlb.bpf.c - the in-kernel half of lazytlb.
 *
 * Every hook has one handler (on_*) and several thin entry points, one per
 * probe variant (tp_btf, raw_tp, tracepoint, fentry, kprobe); userspace picks
 * one variant per hook by probing and turns the others' autoload off. Program
 * names are <hook>__<variant>, which is how userspace/trace/progs.c finds them.
 * This file has the hooks of no header of their own (idle, kernel entries, exit,
 * tlb_flush) and includes the others; each header includes what it uses.
 */
#include "maps.bpf.h"
#include "switch.bpf.h"
#include "whatif.bpf.h"
#include "ipi_send.bpf.h"
#include "ipi_recv.bpf.h"
#include "functions.bpf.h"
#include "fallback.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* The CO-RE decisions of this load that the result names (guest_state_source, context
 * tracking): libbpf makes them against every BTF it found, the kvm module's too, which
 * userspace cannot know for sure. Run once by userspace (BPF_PROG_TEST_RUN, raw_tp 5.10+),
 * never attached. */
struct lt_core_facts core_facts;

SEC("raw_tp")
int core_probe(void *ctx)
{
	core_facts.kvm_vcpu_mode = bpf_core_field_exists(struct kvm_vcpu___lt, mode);
	core_facts.ct_state = bpf_core_field_exists(struct context_tracking___user, state) ||
			      bpf_core_field_exists(struct context_tracking___enum, state);
	core_facts.cfs_rq_rq = bpf_core_field_exists(struct cfs_rq___grp, rq) &&
			       bpf_core_field_exists(struct sched_entity___grp, cfs_rq);
	core_facts.ran = 1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* idle                                                                */
/* ------------------------------------------------------------------ */

static __always_inline int on_cpu_idle(__u32 state)
{
	if (cfg.empty) /* benchmark floor */
		return 0;
	struct lt_scratch *s = scr();
	struct lt_counters *c = ctrs();

	if (!s || !c)
		return 0;
	if (state != (__u32)-1) { /* PWR_EVENT_EXIT is (u32)-1 */
		s->in_idle = 1;
		s->woken = 0;
		return 0;
	}
	if (!s->in_idle)
		return 0;
	c->idle_exits++;
	if (!s->woken)
		c->idle_without_ipi++;
	s->in_idle = 0;
	if (cfg.kentry) /* ct_idle_exit() would run what defer-to-kernel-entry held back */
		kernel_entry();
	return 0;
}

SEC("tp_btf/cpu_idle")
int BPF_PROG(cpu_idle__tp_btf, unsigned int state, unsigned int cpu)
{
	return on_cpu_idle(state);
}

SEC("raw_tp/cpu_idle")
int BPF_PROG(cpu_idle__raw_tp, unsigned int state, unsigned int cpu)
{
	return on_cpu_idle(state);
}

SEC("tracepoint/power/cpu_idle")
int cpu_idle__tracepoint(struct trace_event_raw_cpu *ctx)
{
	return on_cpu_idle(ctx->state);
}

/* ------------------------------------------------------------------ */
/* kernel entries of nohz_full CPUs (attached for defer-to-kernel-entry) */
/* ------------------------------------------------------------------ */

static __always_inline int on_kentry(void)
{
	if (!cfg.empty && cfg.kentry)
		kernel_entry();
	return 0;
}

#define LT_KENTRY_HOOK(hook, cat, tp)                                              \
	SEC("tp_btf/" #tp) int BPF_PROG(hook##__tp_btf) { return on_kentry(); }    \
	SEC("raw_tp/" #tp) int BPF_PROG(hook##__raw_tp) { return on_kentry(); }    \
	SEC("tracepoint/" #cat "/" #tp) int hook##__tracepoint(void *ctx) { return on_kentry(); }

LT_KENTRY_HOOK(kentry_syscall, raw_syscalls, sys_enter)
LT_KENTRY_HOOK(kentry_fault, exceptions, page_fault_user)
LT_KENTRY_HOOK(kentry_tick, irq_vectors, local_timer_entry)

/* ------------------------------------------------------------------ */
/* process exit: the lazy reference exit_mm() takes                    */
/* ------------------------------------------------------------------ */
/* exit_mm() drops the exiting task's ->mm but keeps ->active_mm, taking mmgrab_lazy_tlb() on
 * it (a plain mmgrab before 6.4); the task runs on lazily until its last switch, whose drop
 * sched_switch counts. do_exit() traces sched_process_exit after exit_mm() up to 6.15, just
 * before it from 6.16: either way once per exiting user task. Without
 * this grab, lazy drops outran grabs by the exits. Current is the exiting task in every
 * variant (the classic tracepoint has no task pointer). */

static __always_inline int on_process_exit(void)
{
	if (cfg.empty) /* benchmark floor */
		return 0;
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct lt_counters *c = ctrs();
	__u32 cpu = bpf_get_smp_processor_id();
	struct lt_cpu_state *cs;
	__u64 active;

	if (!c || (BPF_CORE_READ(t, flags) & LT_PF_KTHREAD))
		return 0;
	active = (__u64)BPF_CORE_READ(t, active_mm);
	if (!active)
		return 0;
	c->lazy_exit_grabs++;
	/* 6.16 moved the tracepoint before exit_mm() (the mm is still there: the grab is about
	 * to happen); before, this CPU is now lazy on that mm, for target state and what-if */
	cs = BPF_CORE_READ(t, mm) ? NULL : bpf_map_lookup_elem(&cpu_state, &cpu);
	if (cs) {
		cs->kind = LT_KIND_KTHREAD;
		cs->mm = 0;
		cs->active_mm = active;
	}
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(process_exit__tp_btf)
{
	return on_process_exit();
}

SEC("raw_tp/sched_process_exit")
int BPF_PROG(process_exit__raw_tp)
{
	return on_process_exit();
}

SEC("tracepoint/sched/sched_process_exit")
int process_exit__tracepoint(void *ctx)
{
	return on_process_exit();
}

/* ------------------------------------------------------------------ */
/* tlb_flush tracepoint                                                */
/* ------------------------------------------------------------------ */

/* `cpu` runs the flushed mm: a user task of it, or a kthread that adopted it (kthread_use_mm).
 * Global: verified once, not once per bit of the walk below. */
__noinline int lt_runs_mm(__u32 cpu, __u64 mm)
{
	struct lt_cpu_state *cs = bpf_map_lookup_elem(&cpu_state, &cpu);

	return !cs || ((cs->kind == LT_KIND_USER || cs->kind == LT_KIND_KTHREAD_MM) && cs->mm == mm);
}

/*
 * Whether another CPU runs a user task of the current task's mm (the one a remote flush is
 * for: munmap, madvise, mprotect flush from the mm's own task): 1 yes, 0 no (its other CPUs
 * in mm_cpumask are lazy or idle), 2 unknown (a kthread flushing, e.g. reclaim's batched
 * flush, or the mask could not be read). Every word of the mask: the first CPU found running
 * the mm ends the walk. Only at remote-send events, not on hot paths.
 */
static __always_inline __u32 mm_active_elsewhere(struct lt_scratch *s, __u32 self)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct mm_struct *mm = BPF_CORE_READ(t, mm);
	__u32 words = lt_words(), cpu;

	if (!mm || lt_mask_read(s->rflush_cand, lt_mm_cpumask(mm)))
		return 2;
	lt_mask_clear(s->rflush_cand, self);
	s->rflush_mm = (__u64)mm;
	for (__u32 i = 0; i < LT_MASK_WORDS; i++) {
		__u64 w;

		if (i >= words)
			break;
		w = s->rflush_cand[i];
		lt_for_each_bit(w, i * 64, cpu) {
			if (lt_runs_mm(cpu, (__u64)mm))
				return 1;
		}
	}
	return 0;
}

static __always_inline int on_tlb_flush(int reason)
{
	if (cfg.empty) /* benchmark floor */
		return 0;
	struct lt_counters *c = ctrs();
	struct lt_scratch *s = scr();
	__u32 r = lt_flush_reason(reason);

	if (!c || !s)
		return 0;
	c->tlb_flush_reason[r % LT_NR_FLUSH_REASONS]++;
	/* most flushes (each switch between two mms) neither open nor close a remote flush */
	if (!s->rflush_open && r != LT_FR_REMOTE_SEND_IPI)
		return 0;
	/* x86 native_flush_tlb_multi (flush_tlb_others before 5.9) fires remote_send_ipi and
	 * then queues the calls; the local flush (or the next flush) fires the next event on
	 * this CPU. A flush that queued none: every target was lazy and the kernel's filter
	 * dropped it (should_flush_tlb, 4.19+), or kvm_flush_tlb_multi (5.10-6.18) dropped
	 * preempted vCPUs from the mask for the host to flush at their next entry. */
	if (s->rflush_open) {
		if (s->rflush_queued)
			c->rflush_with_ipi++;
		else if (s->rflush_active == 1)
			c->rflush_without_ipi++;
		else if (s->rflush_active == 0)
			c->rflush_no_active_target++;
		else
			c->rflush_unknown++;
		if (cfg.whatif && s->rflush_active != 2)
			whatif_kernel_skipped(s->rflush_cand, s->rflush_sent, s->rflush_mm, LT_CAUSE_TLB_FLUSH);
	}
	s->rflush_open = r == LT_FR_REMOTE_SEND_IPI;
	s->rflush_queued = 0;
	if (s->rflush_open) {
		lt_mask_zero(s->rflush_sent);
		s->rflush_active = mm_active_elsewhere(s, bpf_get_smp_processor_id());
	}
	return 0;
}

SEC("tp_btf/tlb_flush")
int BPF_PROG(tlb_flush__tp_btf, int reason, unsigned long pages)
{
	return on_tlb_flush(reason);
}

SEC("raw_tp/tlb_flush")
int BPF_PROG(tlb_flush__raw_tp, int reason, unsigned long pages)
{
	return on_tlb_flush(reason);
}

SEC("tracepoint/tlb/tlb_flush")
int tlb_flush__tracepoint(struct trace_event_raw_tlb_flush *ctx)
{
	return on_tlb_flush(ctx->reason);
}

