// SPDX-License-Identifier: GPL-2.0
/*
 * lazytlb.bpf.c - the in-kernel half of lazytlb.
 *
 * Every hook has one handler (on_*) and several thin entry points, one per
 * probe variant (tp_btf, raw_tp, tracepoint, fentry, kprobe); userspace picks
 * one variant per hook by probing and turns the others' autoload off. Program
 * names are <hook>__<variant>, which is how userspace/trace/progs.c finds them.
 *
 * Aggregation is in-kernel, in per-CPU maps read once per rep by userspace.
 * The only cross-CPU data are cpu_state[] (each slot written by its own CPU,
 * read by IPI senders) and ipi_pending[] (written by the sender, consumed by
 * the target), one cache line per CPU, no atomics.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "lazytlb.h"
#include "core_fixes.bpf.h"

char LICENSE[] SEC("license") = "GPL";

const volatile struct lt_cfg cfg = {};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lt_counters);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LT_NR_HISTS);
	__type(key, __u32);
	__type(value, struct lt_hist);
} hists SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lt_scratch);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LT_MAX_CPUS);
	__type(key, __u32);
	__type(value, struct lt_cpu_state);
} cpu_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LT_MAX_CPUS);
	__type(key, __u32);
	__type(value, struct lt_ipi_pending);
} ipi_pending SEC(".maps");

/* flush_tlb_mm_range calls in flight, by pid (lazytlb.h struct lt_ftmr). A shared hash: this
 * path costs microseconds already, and the call's two ends may be on two CPUs. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LT_MAX_FTMR);
	__type(key, __u32);
	__type(value, struct lt_ftmr);
} ftmr_calls SEC(".maps");

/* callback address -> enum lt_cause, written by the loader before attaching */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LT_MAX_CB_CAUSES);
	__type(key, __u64);
	__type(value, __u32);
} cb_causes SEC(".maps");

/* queued calls per callback address, per CPU: the symbols behind every cause ("other" too) */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, LT_MAX_CB_COUNTS);
	__type(key, struct lt_cb_key);
	__type(value, __u64);
} cb_counts SEC(".maps");

/* requests per sender (lazytlb.h: struct lt_sender_key), and the senders' kernel stacks */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, LT_MAX_SENDERS);
	__type(key, struct lt_sender_key);
	__type(value, struct lt_sender_val);
} senders SEC(".maps");

/* what senders could not take, per (cause, comm, stack): the key's tgid is 0 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, LT_MAX_SENDERS_FOLDED);
	__type(key, struct lt_sender_key);
	__type(value, struct lt_sender_val);
} senders_folded SEC(".maps");

/* ... and what neither could, per cause: an array, it never fills */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LT_NR_CAUSES);
	__type(key, __u32);
	__type(value, struct lt_sender_val);
} sender_causes SEC(".maps");

/* Not a STACK_TRACE map: before the clamp in stackid_init() (6.12.117 has it, Debian 6.1.176
 * not), bpf_get_stackid() copied every frame the callchain returned into a bucket sized for
 * value_size/8, and powerpc's perf_callchain_kernel() adds a context marker per interrupt
 * frame beyond that cap: a 6.1 ppc64el guest oopsed on the corrupted memory. bpf_get_stack()
 * clamps its copy to the buffer on every kernel; the frames are kept by their hash. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LT_MAX_SENDER_STACKS);
	__type(key, __u64);
	__type(value, __u64[LT_SENDER_DEPTH]);
} sender_stacks SEC(".maps");

/* the mm_struct kmem_cache, read once from &mm_cachep (kmem_cache_free fallback) */
__u64 mm_cache_ptr = 0;

static __always_inline struct lt_counters *ctrs(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&counters, &zero);
}

static __always_inline struct lt_scratch *scr(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&scratch, &zero);
}

static __always_inline void hist_add(__u32 id, __u64 v)
{
	struct lt_hist *h = bpf_map_lookup_elem(&hists, &id);

	if (h)
		lt_hist_add(h, v);
}

static __always_inline __u32 cause_of(__u64 func)
{
	__u32 *cause;

	if (!func)
		return LT_CAUSE_RESCHED;
	cause = bpf_map_lookup_elem(&cb_causes, &func);
	return cause && *cause < LT_NR_CAUSES ? *cause : LT_CAUSE_OTHER;
}

/* the cause of a queued csd: its callback's, else irq_work by the csd type */
static __always_inline __u32 csd_cause(__u64 func, struct __call_single_data *csd)
{
	__u32 cause = cause_of(func);

	if (cause == LT_CAUSE_OTHER && lt_csd_node_is_irq_work(csd))
		return LT_CAUSE_IRQ_WORK;
	return cause;
}

/* one more queued call with this callback */
static __always_inline void count_callback(struct lt_counters *c, __u64 func, __u32 cause)
{
	struct lt_cb_key k = { .func = func, .cause = cause };
	__u64 one = 1, *n;

	if (!func)
		return;
	n = bpf_map_lookup_elem(&cb_counts, &k);
	if (n)
		(*n)++;
	else if (bpf_map_update_elem(&cb_counts, &k, &one, BPF_NOEXIST) && c)
		c->cb_counts_full++; /* full, or -EBUSY: a program nested on this CPU holds the bucket */
}

static __always_inline bool is_nohz_full(__u32 cpu)
{
	__u32 word = cpu / 64;

	if (cpu >= LT_MAX_CPUS)
		return false;
	/* Without the barrier clang drops the mask (the test above implies it) and
	 * indexes with a copy of cpu whose bound the 6.1 verifier does not carry over:
	 * "invalid access to map value" and the vector exit programs failed to load. */
	barrier_var(word);
	return cfg.nohz_full_mask[word & (LT_MAX_CPUS / 64 - 1)] & (1ULL << (cpu % 64));
}

/* 1 user/idle, 0 kernel, -1 unknown, by context tracking on `cpu`: at its per-CPU address from
 * kallsyms (the symbol plus __per_cpu_offset[cpu]) or, without data symbols there, the one
 * on_switch derived from the CPU's runqueue */
static __always_inline int ct_user_mode(__u32 cpu)
{
	__u64 off = 0;

	if (cpu >= LT_MAX_CPUS)
		return -1;
	if (!cfg.ct_addr || !cfg.per_cpu_offset) {
		struct lt_cpu_state *cs = bpf_map_lookup_elem(&cpu_state, &cpu);

		return cs ? lt_ct_user_mode(cs->ct_addr) : -1;
	}
	if (bpf_probe_read_kernel(&off, sizeof(off), (void *)(cfg.per_cpu_offset + cpu * 8ULL)))
		return -1;
	return lt_ct_user_mode(cfg.ct_addr + off);
}

/* bits set in w, without a loop (the verifier counts no iterations) */
static __always_inline __u32 popcount64(__u64 w)
{
	w = w - ((w >> 1) & 0x5555555555555555ULL);
	w = (w & 0x3333333333333333ULL) + ((w >> 2) & 0x3333333333333333ULL);
	w = (w + (w >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (w * 0x0101010101010101ULL) >> 56;
}

/* CPUs in mm_cpumask(mm): sampled every cfg.sharing_period-th lazy op so that
 * the per-event cost does not grow with the number of CPUs */
static __always_inline void sample_sharing(struct lt_counters *c, struct mm_struct *mm)
{
	const unsigned long *mask;
	__u32 words, n = 0;

	if (!mm || (cfg.sharing_period > 1 && (c->sharing_tick++ % cfg.sharing_period)))
		return;
	mask = lt_mm_cpumask(mm);
	words = (cfg.nr_cpu_ids + 63) / 64;
	for (__u32 i = 0; i < LT_MAX_CPUS / 64; i++) {
		unsigned long w = 0;

		if (i >= words)
			break;
		if (bpf_probe_read_kernel(&w, sizeof(w), &mask[i]))
			break;
		n += popcount64(w);
	}
	hist_add(LT_H_SHARING, n);
}

/* what each CPU runs (the per-CPU state below reads) */
#include "switch.bpf.h"

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

/* the IPI paths: they use the maps, helpers and per-CPU state above */
#include "ipi_send.bpf.h"
#include "ipi_recv.bpf.h"

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

/*
 * Whether another CPU runs a user task of the current task's mm (the one a remote flush is
 * for: munmap, madvise, mprotect flush from the mm's own task): 1 yes, 0 no (its other CPUs
 * in mm_cpumask are lazy or idle), 2 unknown (a kthread flushing, e.g. reclaim's batched
 * flush, or CPUs past the first 64). Only at remote-send events, not on hot paths.
 */
static __always_inline __u32 mm_active_elsewhere(struct lt_scratch *s, __u32 self)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct mm_struct *mm = BPF_CORE_READ(t, mm);
	const unsigned long *mask;
	unsigned long w = 0;

	if (!mm)
		return 2;
	mask = lt_mm_cpumask(mm);
	if (bpf_probe_read_kernel(&w, sizeof(w), &mask[0]))
		return 2;
	w &= ~(1UL << (self & 63));
	s->rflush_mm = (__u64)mm;
	s->rflush_cand = w;
	/* a plain bit walk (clang 14 crashes on __builtin_ctzl for the BPF target), unrolled:
	 * the 5.10 verifier reports a rolled one, whose counter lives in the map key on the
	 * stack, as "infinite loop detected" and tlb_flush failed to load there */
#pragma unroll
	for (__u32 i = 0; i < 64; i++, w >>= 1) {
		struct lt_cpu_state *cs;
		__u32 cpu = i;

		if (!w)
			break;
		if (!(w & 1))
			continue;
		cs = bpf_map_lookup_elem(&cpu_state, &cpu);
		if (!cs || ((cs->kind == LT_KIND_USER || cs->kind == LT_KIND_KTHREAD_MM) && cs->mm == (__u64)mm))
			return 1;
	}
	return cfg.nr_cpu_ids > 64 ? 2 : 0;
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
		if (cfg.whatif)
			whatif_kernel_skipped(s->rflush_cand, s->rflush_sent, s->rflush_mm, LT_CAUSE_TLB_FLUSH);
	}
	s->rflush_open = r == LT_FR_REMOTE_SEND_IPI;
	s->rflush_queued = 0;
	s->rflush_cand = s->rflush_sent = 0;
	if (s->rflush_open)
		s->rflush_active = mm_active_elsewhere(s, bpf_get_smp_processor_id());
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

#include "functions.bpf.h"
#include "fallback.bpf.h"
