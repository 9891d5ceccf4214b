/* SPDX-License-Identifier: GPL-2.0 */
/*
 * switch.bpf.h - what each CPU runs: sched_switch and KVM's guest entry and exit keep its
 * lt_cpu_state (mm, active_mm, kind, the vCPU in guest mode), which the target state and the
 * what-if filters read, and count the lazy grabs and drops. Included by lazytlb.bpf.c after
 * its maps and helpers (ctrs, scr, hist_record, sample_sharing).
 */
#ifndef LT_SWITCH_BPF_H
#define LT_SWITCH_BPF_H

#include "maps.bpf.h"

/* ------------------------------------------------------------------ */
/* context switch                                                      */
/* ------------------------------------------------------------------ */

/* the clock is read only when a filter skipped this CPU lately: most switches read no time */
static __always_inline void race_check(struct lt_cpu_state *cs, __u64 next_mm, struct lt_counters *c)
{
	__u64 now = 0;

#pragma unroll
	for (int f = 0; f < LT_NR_RACE_FILTERS; f++) {
		if (!cs->skipped_mm[f])
			continue;
		if (!now)
			now = bpf_ktime_get_ns();
		if (now - cs->skipped_ns[f] > cfg.race_window_ns) {
			cs->skipped_mm[f] = 0;
			continue;
		}
		if (next_mm == cs->skipped_mm[f]) {
			c->whatif_race_exposed[f]++;
			cs->skipped_mm[f] = 0;
		}
	}
}

#define LT_PF_KTHREAD 0x00200000 /* include/linux/sched.h, unchanged since 2.6 */

/* what a context switch is about: read by each variant in its cheapest way */
struct sw_info {
	struct mm_struct *prev_mm, *next_mm, *prev_active;
	__u32 prev_pid, next_pid, next_flags;
	__u64 next;
};

static __always_inline int on_switch(const struct sw_info *a)
{
	if (cfg.empty) /* benchmark floor */
		return 0;
	struct lt_counters *c = ctrs();
	__u32 cpu = bpf_get_smp_processor_id();
	struct lt_cpu_state *cs = bpf_map_lookup_elem(&cpu_state, &cpu);
	struct mm_struct *prev_mm = a->prev_mm, *next_mm = a->next_mm, *prev_active = a->prev_active;
	__u32 prev_pid = a->prev_pid, next_pid = a->next_pid;
	struct lt_scratch *s;

	if (!c)
		return 0;

	if (prev_mm && next_mm) {
		c->sw_user_to_user++;
	} else if (prev_mm) {
		/* context_switch(): enter lazy mode, mmgrab_lazy_tlb(prev->active_mm) */
		c->sw_user_to_kthread++;
		c->lazy_grabs++;
		sample_sharing(c, prev_active);
		/* before context_switch()'s mmgrab_lazy_tlb(): the count without us (the scratch
		 * is looked up on lazy grabs and hand-backs only, not on every switch) */
		if ((s = scr())) {
			s->grab_mm = (__u64)prev_active;
			s->grab_count = lt_mm_count(prev_active);
		}
	} else if (next_mm) {
		/* back to a user mm: finish_task_switch() drops the borrowed active_mm */
		c->sw_kthread_to_user++;
		c->lazy_drops++;
		sample_sharing(c, prev_active);
		if (prev_active == next_mm) {
			/* the kthread hands back the mm it borrowed: on refcount kernels
			 * it still holds a reference, so mm_count >= 2 here */
			int cnt = lt_mm_count(next_mm);

			c->handback_same_mm++;
			if (cnt >= 2)
				c->handback_count_ge2++;
			else
				c->handback_count_le1++;
			hist_record(LT_H_HANDBACK_MM_COUNT, cnt > 0 ? cnt : 0);
			if ((s = scr()) && s->grab_mm == (__u64)next_mm) {
				if (cnt - s->grab_count == 1)
					c->handback_delta_plus1++;
				else if (cnt == s->grab_count)
					c->handback_delta_zero++;
			}
		}
	} else {
		c->sw_kthread_to_kthread++;
	}
	if (next_pid == 0)
		c->sw_to_idle++;
	if (prev_pid == 0)
		c->sw_from_idle++;

	if (cs) {
		cs->mm = (__u64)next_mm;
		/* next->active_mm is assigned after the tracepoint, in context_switch() */
		cs->active_mm = next_mm ? (__u64)next_mm : (__u64)prev_active;
		cs->kind = next_pid == 0	    ? LT_KIND_IDLE
			   : !next_mm		    ? LT_KIND_KTHREAD
			   : a->next_flags & LT_PF_KTHREAD ? LT_KIND_KTHREAD_MM /* kthread_use_mm */
						    : LT_KIND_USER;
		cs->pid = next_pid;
		cs->in_guest = 0; /* kvm_exit came first; this only bounds a lost one */
		cs->task = a->next;
		cs->fts_lazy_drop = !prev_mm && next_mm; /* finish_task_switch() drops the borrowed mm */
		if (cfg.whatif && next_mm)
			race_check(cs, (__u64)next_mm, c);
		if (cfg.ct_from_rq && !cs->ct_addr)
			cs->ct_addr = lt_ct_from_rq(a->next, cpu, cfg.ct_rq_delta);
	}
	return 0;
}

/* tp_btf: the task pointers are BTF-typed, so plain loads (no helper calls) */
SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch__tp_btf, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct sw_info a = { prev->mm, next->mm, prev->active_mm, prev->pid, next->pid, next->flags, (__u64)next };

	return on_switch(&a);
}

SEC("raw_tp/sched_switch")
int BPF_PROG(sched_switch__raw_tp, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct sw_info a = { BPF_CORE_READ(prev, mm), BPF_CORE_READ(next, mm), BPF_CORE_READ(prev, active_mm),
			     BPF_CORE_READ(prev, pid), BPF_CORE_READ(next, pid), BPF_CORE_READ(next, flags),
			     (__u64)next };

	return on_switch(&a);
}

/* KVM runs a vCPU's guest on this CPU between kvm_entry and kvm_exit: an IPI sent meanwhile
 * forces a VM exit. The tracepoints only bracket it: x86 5.10 traces kvm_exit in handle_exit,
 * after the interrupts were enabled (an IPI then is taken in the host, no exit for it). So
 * target_state asks the vcpu, as KVM does before kicking one (core_fixes lt_in_guest). */
static __always_inline int on_kvm(__u32 in, __u64 vcpu)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct lt_cpu_state *cs;

	if (cfg.empty || !(cs = bpf_map_lookup_elem(&cpu_state, &cpu)))
		return 0;
	cs->in_guest = in;
	if (in)
		cs->vcpu = vcpu;
	return 0;
}

/* raw: the vcpu is the first argument (x86 kvm_entry(vcpu[, force_immediate_exit]) 5.10-7.2);
 * the tracepoint record has only its id */
SEC("raw_tp/kvm_entry") int BPF_PROG(kvm_entry__raw_tp, void *vcpu) { return on_kvm(1, (__u64)vcpu); }
SEC("tracepoint/kvm/kvm_entry") int kvm_entry__tracepoint(void *ctx) { return on_kvm(1, 0); }
SEC("raw_tp/kvm_exit") int kvm_exit__raw_tp(void *ctx) { return on_kvm(0, 0); }
SEC("tracepoint/kvm/kvm_exit") int kvm_exit__tracepoint(void *ctx) { return on_kvm(0, 0); }

#endif /* LT_SWITCH_BPF_H */
