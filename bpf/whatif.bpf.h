/* SPDX-License-Identifier: GPL-2.0 */
/*
 * whatif.bpf.h - the what-if filters (bpf/lt_names.h LT_FILTERS), evaluated for every target of
 * every request (on_request), and the targets the running kernel already left out itself.
 * Included by lazytlb.bpf.c after its maps and helpers (cpu_state, scr, ctrs, hist_record,
 * is_nohz_full, ct_user_mode). Per target and filter one of: skip (the predicate holds and the
 * IPI was not needed), kept (it holds but the kernel needs the IPI: whatif_kept() says why),
 * unknown (the state could not be read); seen counts them all.
 */
#ifndef LT_WHATIF_BPF_H
#define LT_WHATIF_BPF_H

#include "maps.bpf.h"

/* IPIs about kernel addresses only: what defer-to-kernel-entry may hold back (Schneider's
 * series defers text_poke_sync's do_sync_core and flush_tlb_kernel_range's flushes) */
static __always_inline bool kernel_only_cause(__u32 cause)
{
	return cause == LT_CAUSE_KERNEL_TLB_FLUSH || cause == LT_CAUSE_TEXT_PATCHING;
}

/* IPIs about one user mm, the only ones target-idle, target-lazy and curr-mm-differs are
 * about: a wakeup, reschedule or kernel-range IPI is needed whatever mm the target holds
 * (before, a wakeup IPI to an idle CPU read as "target-idle would save it"). */
static __always_inline bool mm_cause(__u32 cause)
{
	return cause == LT_CAUSE_TLB_FLUSH || cause == LT_CAUSE_SHOOT_LAZY || cause == LT_CAUSE_EXIT_FLUSH_LAZY ||
	       cause == LT_CAUSE_MEMBARRIER || cause == LT_CAUSE_TABLE_SYNC;
}

/*
 * The target's state, read once per evaluation. The target CPU rewrites its lt_cpu_state
 * while we look (its sched_switch; on powerpc its own exit_flush_lazy handler moves
 * active_mm to init_mm): read twice, the predicate could see it lazy on the mm and
 * whatif_kept() see it gone, and count an IPI the kernel needs as a skip (seen once on
 * 7.2 ppc64el, exit-lazy). volatile: one load each, never reloaded by the compiler.
 */
struct lt_target {
	__u64 mm, active_mm;
	__u32 kind;
	bool ok; /* the CPU has a state slot */
};

static __always_inline void target_snap(struct lt_target *t, struct lt_cpu_state *cs)
{
	t->ok = cs != NULL;
	t->mm = cs ? *(volatile __u64 *)&cs->mm : 0;
	t->active_mm = cs ? *(volatile __u64 *)&cs->active_mm : 0;
	t->kind = cs ? *(volatile __u32 *)&cs->kind : LT_KIND_UNKNOWN;
}

/*
 * redundant-table-sync: may `cs` be walking `mm`'s page tables locklessly (GUP-fast, which walks
 * current->mm with interrupts off: the IPI of tlb_remove_table_sync_one, mm/mmu_gather.c 5.10-7.2,
 * exists to wait for it)? 1 no (the filter would skip it), 0 maybe, -1 cannot tell. A kernel
 * thread lazy on the mm may have adopted it (kthread_use_mm) since it was switched in.
 */
static __always_inline int not_walking(const struct lt_target *t, __u64 mm, int ct)
{
	if (!t->ok)
		return -1;
	if (t->kind == LT_KIND_IDLE)
		return 1;
	if (t->kind == LT_KIND_KTHREAD)
		return mm && t->active_mm != mm ? 1 : -1;
	if (mm && t->mm != mm)
		return 1;
	return ct; /* its own task: safe only in user mode */
}

/* Each filter's predicate for a target: 1 holds (the filter would not send), 0 does not,
 * -1 unknown. ct: the target's context tracking (1 user/idle, 0 kernel, -1 unknown). */
static __always_inline void whatif_predicates(int *d, const struct lt_target *t, __u32 cpu, __u64 mm, int ct,
					      __u32 cause)
{
	bool lazy_ctx = t->ok && (t->kind == LT_KIND_IDLE || t->kind == LT_KIND_KTHREAD);

	if (mm_cause(cause)) {
		d[LT_F_TARGET_IDLE] = t->ok ? t->kind == LT_KIND_IDLE : -1;
		d[LT_F_TARGET_LAZY] = !t->ok || !mm ? -1 : (lazy_ctx && t->active_mm == mm);
		d[LT_F_CURR_MM_DIFFERS] = !t->ok || !mm ? -1 : t->active_mm != mm;
	} else {
		d[LT_F_TARGET_IDLE] = d[LT_F_TARGET_LAZY] = d[LT_F_CURR_MM_DIFFERS] = 0;
	}
	/* target_state() read context tracking for user tasks only; idle and
	 * kthreads count as not-kernel only when tracking says so */
	if (t->ok && t->kind != LT_KIND_USER)
		ct = ct_user_mode(cpu);
	d[LT_F_TARGET_NOT_KERNEL] = ct;
	d[LT_F_REDUNDANT_TABLE_SYNC] = cause == LT_CAUSE_TABLE_SYNC ? not_walking(t, mm, ct) : 0;
	/* idle counts as outside the kernel there: ct_idle_exit() runs the deferred work */
	d[LT_F_DEFER_KENTRY] = !kernel_only_cause(cause) || !is_nohz_full(cpu) ? 0
			       : t->ok && t->kind == LT_KIND_IDLE ? 1 : ct;
	d[LT_F_BROADCAST_FLUSH] = cause == LT_CAUSE_TLB_FLUSH || cause == LT_CAUSE_KERNEL_TLB_FLUSH;
}

/*
 * A target a filter would skip, but which the kernel needs to reach: 1 kept on purpose,
 * 0 the skip is safe, -1 cannot tell. The reasons are the code's own, for the filters that
 * drop the IPI (a deferred or broadcast flush still reaches the CPU, a table sync skipped by
 * not_walking() is safe by its definition):
 *  - tlb_flush to a CPU lazy on the mm (active_mm == mm) when the flush freed page tables:
 *    a lazy CPU may still walk them speculatively (x86 native_flush_tlb_multi, 4.19-7.2:
 *    lazy CPUs are skipped only when !info->freed_tables). Freed-ness unknown (no
 *    flush_tlb_info: powerpc) -> cannot tell.
 *  - shoot_lazy to a CPU lazy on the mm: moving those CPUs off the mm is what the call is
 *    for (kernel/fork.c cleanup_lazy_tlbs 6.4+).
 *  - exit_flush_lazy to any CPU, whatever it runs: the handler also flushes the mm's PID
 *    from that CPU's TLB (_tlbiel_pid) and drops it from mm_cpumask, and the caller then
 *    flushes locally only (powerpc radix_tlb.c 6.12: exit_lazy_flush_tlb,
 *    flush_type_needed returns FLUSH_TYPE_LOCAL, radix__tlb_flush's fullmm branch). An idle
 *    CPU or one running another mm may still hold entries of the PID: skipping it is only
 *    safe with a broadcast tlbie instead, which is no longer a filter.
 * Otherwise a CPU whose active_mm is another mm cannot walk this mm's tables: skipping it is safe.
 */
static __always_inline int whatif_kept(int f, const struct lt_target *t, __u32 cause, __u64 mm, __u32 freed)
{
	if (f >= LT_F_REDUNDANT_TABLE_SYNC)
		return 0;
	if (cause == LT_CAUSE_EXIT_FLUSH_LAZY)
		return 1;
	if (!t->ok || !mm || t->active_mm != mm)
		return 0;
	if (cause == LT_CAUSE_SHOOT_LAZY)
		return 1;
	if (cause == LT_CAUSE_TLB_FLUSH)
		return freed == 1 ? 1 : freed == 0 ? 0 : -1;
	return 0;
}

/* Every filter for one target of a request. A global function: the verifier checks it once,
 * not inlined into each sending program (the 6.1 verifier gave up on the arch-send fallback,
 * lt_arch_send_one, once the three what-if filters were added: E2BIG). Scalars only. */
#define LT_WHATIF_ARGS(cause, st, freed) ((cause) | (st) << 8 | (freed) << 16) /* 5 arguments at most */
__noinline int whatif_eval(__u32 cpu, __u32 args, __u64 mm, int ct)
{
	__u32 cause = args & 0xff, st = (args >> 8) & 0xff, freed = args >> 16;
	struct lt_counters *c = ctrs();
	struct lt_cpu_state *cs = bpf_map_lookup_elem(&cpu_state, &cpu);
	__u64 now = bpf_ktime_get_ns();
	struct lt_target t;
	int d[LT_NR_FILTERS];

	if (!c || cause >= LT_NR_CAUSES)
		return 0;
	cause &= LT_CAUSE_IDX_MASK;
	target_snap(&t, cs);
	whatif_predicates(d, &t, cpu, mm, ct, cause);
#pragma unroll
	for (int f = 0; f < LT_NR_FILTERS; f++) {
		struct lt_whatif_cell *w = &c->whatif[f][cause];
		int kept = d[f] > 0 ? whatif_kept(f, &t, cause, mm, freed) : 0;

		w->seen++;
		if (d[f] < 0 || kept < 0) {
			w->unknown++;
		} else if (kept) {
			w->kept++;
		} else if (d[f] > 0) {
			w->skip++;
			if (st == LT_STATE_IDLE)
				c->whatif_skip_idle[f]++;
			else if (st == LT_STATE_NOHZ_FULL)
				c->whatif_skip_nohz[f]++;
			if (cs && mm && f < LT_NR_RACE_FILTERS) {
				cs->skipped_mm[f] = mm;
				cs->skipped_ns[f] = now;
			}
			/* the delay starts at the first deferred IPI: the rest wait with it */
			if (f == LT_F_DEFER_KENTRY && cs && cfg.kentry && !cs->defer_ns)
				cs->defer_ns = now;
		}
	}
	return 0;
}

/* This CPU entered the kernel (syscall, user page fault, tick, reschedule IPI, idle exit): the
 * IPIs defer-to-kernel-entry held back for it would run now. */
static __always_inline void kernel_entry(void)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct lt_cpu_state *cs = bpf_map_lookup_elem(&cpu_state, &cpu);
	__u64 t, now;

	if (!cs || !(t = cs->defer_ns))
		return;
	cs->defer_ns = 0;
	now = bpf_ktime_get_ns();
	if (now > t)
		hist_record(LT_H_DEFER_DELAY, now - t);
}

/*
 * Targets the kernel itself left out of a request it made to a set of CPUs: cand are the CPUs
 * it looked at, sent those it queued a call for (scratch masks of nr_cpu_ids bits). The filters whose predicate holds for
 * the others are "already saved by this kernel". Seen for remote TLB flushes (x86: lazy CPUs
 * unless tables were freed, 4.19+; should_flush_tlb and the lazy trim of mm_cpumask, 6.14+;
 * KVM: preempted vCPUs) and membarrier private expedited (CPUs whose rq->curr->mm is not the
 * caller's, kernel/sched/membarrier.c 5.10-7.2). broadcast-flush is the kernel's own only
 * where it flushed by INVLPGB (whatif_broadcast()).
 */
/* One CPU the kernel left out, as a global BPF function: checked once by the verifier. With
 * the body unrolled 64 times, membarrier's exit program alone took 2.4 s of a TCG guest's 3 s
 * of verification (6.12). cause is re-bounded here: a global function's arguments are any. */
__noinline int lt_kernel_skipped_one(__u32 cpu, __u64 mm, __u32 cause)
{
	struct lt_counters *c = ctrs();
	struct lt_target t;
	int d[LT_NR_FILTERS];

	if (!c || cause >= LT_NR_CAUSES)
		return 0;
	barrier_var(cause);
	cause &= LT_CAUSE_IDX_MASK;
	target_snap(&t, bpf_map_lookup_elem(&cpu_state, &cpu));
	whatif_predicates(d, &t, cpu, mm, t.ok && t.kind == LT_KIND_USER ? ct_user_mode(cpu) : -1, cause);
	for (int f = 0; f < LT_F_BROADCAST_FLUSH; f++)
		if (d[f] > 0)
			c->whatif[f][cause].kernel_skipped++;
	return 0;
}

static __always_inline void whatif_kernel_skipped(const __u64 *cand, const __u64 *sent, __u64 mm, __u32 cause)
{
	__u32 words = lt_words(), cpu;

	for (__u32 i = 0; i < LT_MASK_WORDS; i++) {
		__u64 w;

		if (i >= words)
			break;
		w = cand[i] & ~sent[i];
		lt_for_each_bit(w, i * 64, cpu)
			lt_kernel_skipped_one(cpu, mm, cause);
	}
}

/* membarrier(2) entry: private expedited commands (no MEMBARRIER_CMD_FLAG_CPU) look at every
 * other online CPU and IPI those running the caller's mm (membarrier_private_expedited) */
static __always_inline void membarrier_open(__u64 cmd, __u64 flags)
{
	struct lt_scratch *s = scr();
	struct task_struct *t;

	if (!s || !cfg.whatif)
		return;
	/* MEMBARRIER_CMD_PRIVATE_EXPEDITED 8, _SYNC_CORE 32, _RSEQ 128 (uapi, 4.14-7.2) */
	s->mb_open = (cmd == 8 || cmd == 32 || cmd == 128) && !(flags & 1);
	if (!s->mb_open)
		return;
	t = (struct task_struct *)bpf_get_current_task();
	s->mb_mm = (__u64)BPF_CORE_READ(t, mm);
	lt_mask_online(s->mb_cand);
	lt_mask_clear(s->mb_cand, bpf_get_smp_processor_id());
	lt_mask_zero(s->mb_sent);
}

/* membarrier(2) exit: a call that failed (not registered: -EPERM) looked at nothing */
static __always_inline void membarrier_close(long ret)
{
	struct lt_scratch *s = scr();
	struct lt_counters *c = ctrs();

	if (!s || !c || !s->mb_open)
		return;
	s->mb_open = 0;
	if (ret)
		return;
	c->membarrier_evaluated++;
	whatif_kernel_skipped(s->mb_cand, s->mb_sent, s->mb_mm, LT_CAUSE_MEMBARRIER);
}

/* x86 6.15+: flush_tlb_mm_range flushes an mm that has a global ASID by INVLPGB broadcast, with
 * no IPI and no tlb_flush event (arch/x86/mm/tlb.c broadcast_tlb_flush, 7.2): the other CPUs
 * of its mask are targets the kernel reached without interrupting them. mm: one the caller
 * found a global ASID on. */
static __always_inline void whatif_broadcast(struct lt_counters *c, struct mm_struct *mm)
{
	const unsigned long *mask = lt_mm_cpumask(mm);
	__u32 words = lt_words(), self = bpf_get_smp_processor_id(), n = 0;

	for (__u32 i = 0; i < LT_MASK_WORDS; i++) {
		unsigned long w = 0;

		if (i >= words || bpf_probe_read_kernel(&w, sizeof(w), &mask[i]))
			break;
		if (i == self / 64)
			w &= ~(1UL << (self % 64));
		n += popcount64(w);
	}
	c->flush_broadcast_targets += n;
	c->whatif[LT_F_BROADCAST_FLUSH][LT_CAUSE_TLB_FLUSH].kernel_skipped += n;
}

#endif
