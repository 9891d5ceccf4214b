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

/* 1 user/idle, 0 kernel, -1 unknown, by context tracking on `cpu` */
static __always_inline int ct_user_mode(__u32 cpu)
{
	__u64 off = 0;

	if (!cfg.ct_addr || !cfg.per_cpu_offset || cpu >= LT_MAX_CPUS)
		return -1;
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

/* what a context switch is about: read by each variant in its cheapest way */
struct sw_info {
	struct mm_struct *prev_mm, *next_mm, *prev_active;
	__u32 prev_pid, next_pid;
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
			hist_add(LT_H_HANDBACK_MM_COUNT, cnt > 0 ? cnt : 0);
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
		cs->kind = next_pid == 0 ? LT_KIND_IDLE : next_mm ? LT_KIND_USER : LT_KIND_KTHREAD;
		cs->pid = next_pid;
		cs->fts_lazy_drop = !prev_mm && next_mm; /* finish_task_switch() drops the borrowed mm */
		if (cfg.whatif && next_mm)
			race_check(cs, (__u64)next_mm, c);
	}
	return 0;
}

/* tp_btf: the task pointers are BTF-typed, so plain loads (no helper calls) */
SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch__tp_btf, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct sw_info a = { prev->mm, next->mm, prev->active_mm, prev->pid, next->pid };

	return on_switch(&a);
}

SEC("raw_tp/sched_switch")
int BPF_PROG(sched_switch__raw_tp, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct sw_info a = { BPF_CORE_READ(prev, mm), BPF_CORE_READ(next, mm), BPF_CORE_READ(prev, active_mm),
			     BPF_CORE_READ(prev, pid), BPF_CORE_READ(next, pid) };

	return on_switch(&a);
}

/* ------------------------------------------------------------------ */
/* IPI sending: target state and what-if at each queued call           */
/* ------------------------------------------------------------------ */

/* State of `cpu` as seen by an IPI about `mm` (0: no mm known) */
static __always_inline __u32 target_state(struct lt_cpu_state *cs, __u32 cpu, __u64 mm, int *ct)
{
	*ct = -1;
	if (!cs || cs->kind == LT_KIND_IDLE)
		return LT_STATE_IDLE;
	if (cs->kind == LT_KIND_KTHREAD)
		return (mm && cs->active_mm == mm) ? LT_STATE_LAZY : LT_STATE_KERNEL;
	*ct = ct_user_mode(cpu);
	if (*ct == 0)
		return LT_STATE_KERNEL;
	if (is_nohz_full(cpu))
		return LT_STATE_NOHZ_FULL;
	return LT_STATE_USER;
}

#include "whatif.bpf.h"

/* The kernel stack of the request a sending program is about to count (senders): taken once
 * per event, before its targets are walked, as only the program has the context for it */
static __always_inline void sender_stack(void *ctx, __u64 func)
{
	struct lt_scratch *s;
	__u64 h = 14695981039346656037ULL; /* FNV-1a over the frames */
	__u32 tgid, slot;
	long n;

	if (!cfg.senders || !(s = scr()))
		return;
	/* Unwinding costs microseconds (4-20 us per send on a loaded 2-vCPU VM, 6.18): a task
	 * sending the same callback again on this CPU reuses its stack from a small per-CPU
	 * cache, re-taken every cfg.stack_period requests (1 with --stacks: every request) */
	tgid = bpf_get_current_pid_tgid() >> 32;
	for (int i = 0; i < LT_SENDER_CACHE; i++) {
		if (s->snd_stack[i] && s->snd_tgid[i] == tgid && s->snd_func[i] == func && s->snd_left[i]) {
			s->snd_left[i]--;
			s->sender_stack = s->snd_stack[i];
			return;
		}
	}
	slot = s->snd_next++ % LT_SENDER_CACHE;
	s->sender_stack = 0;
	s->snd_stack[slot] = 0;
	n = bpf_get_stack(ctx, s->sender_ips, sizeof(s->sender_ips), 0); /* zero-fills the rest */
	if (n <= 0)
		return;
	for (int i = 0; i < LT_SENDER_DEPTH; i++)
		h = (h ^ s->sender_ips[i]) * 1099511628211ULL;
	h = h ? h : 1;
	/* a stack seen before is only looked up: its bucket is written once */
	if (!bpf_map_lookup_elem(&sender_stacks, &h) &&
	    bpf_map_update_elem(&sender_stacks, &h, s->sender_ips, BPF_NOEXIST) && !bpf_map_lookup_elem(&sender_stacks, &h))
		return; /* full: the request is counted without its stack */
	s->sender_stack = h;
	s->snd_stack[slot] = h;
	s->snd_tgid[slot] = tgid;
	s->snd_func[slot] = func;
	s->snd_left[slot] = cfg.stack_period ? cfg.stack_period - 1 : 0;
}

/* one request to `cpu` by the current task, with the stack sender_stack() took */
static __always_inline void sender_count(struct lt_counters *c, __u32 cpu, __u32 cause, __u32 st)
{
	struct lt_sender_key k = { .cause = cause };
	struct lt_scratch *s = scr();
	struct lt_sender_val *v;

	if (cfg.sender_cpus_set) {
		__u32 word = cpu / 64;

		if (cpu >= LT_MAX_CPUS)
			return;
		barrier_var(word); /* the mask kept for the 6.1 verifier: is_nohz_full() says why */
		if (!(cfg.sender_cpus[word & (LT_MAX_CPUS / 64 - 1)] & (1ULL << (cpu % 64))))
			return;
	}
	k.tgid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(k.comm, sizeof(k.comm));
	if (s)
		k.stack = s->sender_stack;
	v = bpf_map_lookup_elem(&senders, &k);
	if (!v) {
		struct lt_sender_val zero = {};

		bpf_map_update_elem(&senders, &k, &zero, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&senders, &k);
		if (!v) {
			c->senders_full++;
			return;
		}
	}
	v->requests++;
	v->to_idle += st == LT_STATE_IDLE;
	v->to_nohz_full += is_nohz_full(cpu);
}

/* one request (queued call, resched, other) from this CPU to `cpu` */
static __always_inline void on_request(__u32 cpu, __u32 cause, __u64 mm, __u32 freed)
{
	struct lt_counters *c = ctrs();
	struct lt_cpu_state *cs = bpf_map_lookup_elem(&cpu_state, &cpu);
	__u32 st;
	int ct;

	if (!c)
		return;
	/* Checked, then masked behind a barrier: in lt_arch_send_one (a global function) clang
	 * indexed with a zero-extended copy of `cause` whose 32-bit check the 6.1 verifier did not
	 * carry over ("R1 unbounded memory access"; moved by any code added here, e.g. senders).
	 * The barrier keeps clang from dropping the mask as implied by the check. */
	if (cause >= LT_NR_CAUSES)
		return;
	barrier_var(cause);
	cause &= LT_CAUSE_IDX_MASK;
	st = target_state(cs, cpu, mm, &ct);
	c->ipi_sent++;
	c->ipi_cause_state[cause][st % LT_NR_STATES]++;
	if (cfg.senders)
		sender_count(c, cpu, cause, st);
	if (cfg.whatif)
		whatif_eval(cpu, LT_WHATIF_ARGS(cause, st, freed), mm, ct);
}

/* the mm an IPI is about: from its argument where the callback says what it is */
static __always_inline __u64 request_mm(__u32 cause, const void *info)
{
	struct task_struct *t;

	switch (cause) {
	case LT_CAUSE_TLB_FLUSH:
		if (lt_have_flush_tlb_info())
			return lt_flush_info_mm(info);
		break;
	case LT_CAUSE_SHOOT_LAZY:
	case LT_CAUSE_EXIT_FLUSH_LAZY:
		return (__u64)info; /* the callback's argument is the mm */
	default:
		break;
	}
	/* membarrier, table sync and others act on the sender's mm */
	t = (struct task_struct *)bpf_get_current_task();
	return (__u64)BPF_CORE_READ(t, mm);
}

/* a call with this callback, cause and argument queued for `cpu` */
static __always_inline void on_queue(__u32 cpu, __u64 func, __u32 cause, const void *info)
{
	struct lt_ipi_pending *p = bpf_map_lookup_elem(&ipi_pending, &cpu);
	struct lt_counters *c = ctrs();

	__u32 freed = 2;

	if (p)
		p->queued_cause = cause;
	count_callback(c, func, cause);
	if (cause == LT_CAUSE_TLB_FLUSH && c) {
		struct lt_scratch *s = scr();

		freed = lt_flush_info_freed_tables(lt_have_flush_tlb_info() ? info : NULL);
		c->flush_freed_tables[freed % 3]++;
		{ /* the flush_tlb_mm_range in flight on this task (if hooked) went by IPI */
			__u32 pid = (__u32)bpf_get_current_pid_tgid();
			struct lt_ftmr *f = bpf_map_lookup_elem(&ftmr_calls, &pid);

			if (f)
				f->path = LT_FTMR_IPI;
		}
		if (s && s->rflush_open) {
			s->rflush_queued++;
			if (cpu < 64)
				s->rflush_sent |= 1ULL << cpu;
		}
	}
	if (cause == LT_CAUSE_MEMBARRIER && cpu < 64) {
		struct lt_scratch *s = scr();

		if (s && s->mb_open)
			s->mb_sent |= 1ULL << cpu;
	}
	on_request(cpu, cause, request_mm(cause, info), freed);
}

static __always_inline int on_csd_queue(void *ctx, __u32 cpu, __u64 func, void *csd)
{
	if (cfg.empty) /* benchmark floor */
		return 0;
	void *info = NULL;

	sender_stack(ctx, func);
	if (csd)
		info = BPF_CORE_READ((struct __call_single_data *)csd, info);
	on_queue(cpu, func, csd_cause(func, csd), info);
	return 0;
}

SEC("tp_btf/csd_queue_cpu")
int BPF_PROG(csd_queue_cpu__tp_btf, unsigned int cpu, unsigned long callsite, void *func, void *csd)
{
	return on_csd_queue(ctx, cpu, (__u64)func, csd);
}

SEC("raw_tp/csd_queue_cpu")
int BPF_PROG(csd_queue_cpu__raw_tp, unsigned int cpu, unsigned long callsite, void *func, void *csd)
{
	return on_csd_queue(ctx, cpu, (__u64)func, csd);
}

SEC("tracepoint/csd/csd_queue_cpu")
int csd_queue_cpu__tracepoint(struct trace_event_raw_csd_queue_cpu *ctx)
{
	return on_csd_queue(ctx, ctx->cpu, (__u64)ctx->func, ctx->csd);
}

/* the first hardware IPI raised towards `cpu` since its last vector entry: when, why,
 * and (nohz_full targets only, it costs two probe reads) whether it ran user code */
static __always_inline void hw_pending(struct lt_ipi_pending *p, __u32 cpu, __u32 cause, __u64 now)
{
	__u32 k = cause == LT_CAUSE_RESCHED ? LT_PEND_RESCHED : LT_PEND_CALL;

	if (p && !p->send_ns[k]) {
		struct lt_cpu_state *cs = bpf_map_lookup_elem(&cpu_state, &cpu);

		p->send_ns[k] = now;
		p->cause[k] = cause;
		p->send_user[k] = is_nohz_full(cpu) ? ct_user_mode(cpu) : -1;
		p->send_idle[k] = cs && cs->kind == LT_KIND_IDLE;
	}
}

/* a hardware IPI raised towards `cpu` (ipi_send_cpu / ipi_send_cpumask) */
static __always_inline void on_hw_send(__u32 cpu, __u64 callback, __u64 now)
{
	struct lt_ipi_pending *p = bpf_map_lookup_elem(&ipi_pending, &cpu);
	struct lt_counters *c = ctrs();
	__u32 cause;

	if (!c)
		return;
	c->ipi_hw_sent++;
	if (callback && callback == cfg.csd_ipi_cb) {
		/* the doorbell of queued calls: counted by cause at csd_queue_cpu */
		cause = p && p->queued_cause < LT_NR_CAUSES ? p->queued_cause : LT_CAUSE_OTHER;
	} else {
		cause = callback ? LT_CAUSE_OTHER : LT_CAUSE_RESCHED;
		count_callback(c, callback, cause);
		on_request(cpu, cause, 0, 2);
		/* other callbacks (irq_work, ...) arrive on vectors we do not time */
		if (callback)
			return;
	}
	hw_pending(p, cpu, cause, now);
}

static __always_inline int on_send_cpu(void *ctx, __u32 cpu, __u64 callback)
{
	if (cfg.empty) /* benchmark floor */
		return 0;
	if (callback != cfg.csd_ipi_cb || !callback) /* a request of its own, not a csd doorbell */
		sender_stack(ctx, callback);
	on_hw_send(cpu, callback, bpf_ktime_get_ns());
	return 0;
}

SEC("tp_btf/ipi_send_cpu")
int BPF_PROG(ipi_send_cpu__tp_btf, unsigned int cpu, unsigned long callsite, void *callback)
{
	return on_send_cpu(ctx, cpu, (__u64)callback);
}

SEC("raw_tp/ipi_send_cpu")
int BPF_PROG(ipi_send_cpu__raw_tp, unsigned int cpu, unsigned long callsite, void *callback)
{
	return on_send_cpu(ctx, cpu, (__u64)callback);
}

SEC("tracepoint/ipi/ipi_send_cpu")
int ipi_send_cpu__tracepoint(struct trace_event_raw_ipi_send_cpu *ctx)
{
	return on_send_cpu(ctx, ctx->cpu, (__u64)ctx->callback);
}

/* a function-call IPI raised to `cpu` by the arch code: the stashed call's request */
static __always_inline void on_arch_send(struct lt_scratch *s, __u32 cpu, __u64 now)
{
	struct lt_ipi_pending *p = bpf_map_lookup_elem(&ipi_pending, &cpu);
	struct lt_counters *c = ctrs();
	__u32 cause = s->send_stashed && s->send_cause < LT_NR_CAUSES ? s->send_cause : LT_CAUSE_OTHER;

	if (!c)
		return;
	c->ipi_hw_sent++;
	/* no call stashed: it was queued where the fallback hooks do not look (an inlined copy
	 * of __smp_call_single_queue); LT_CB_UNSEEN names that in ipi.callbacks */
	on_queue(cpu, s->send_stashed ? s->send_func : LT_CB_UNSEEN, cause,
		 s->send_stashed ? (const void *)s->send_info : NULL);
	hw_pending(p, cpu, cause, now);
}

/* One target of an arch send (kernels before 6.3), as a global BPF function: the verifier
 * checks it once, not once per bit of the mask loop below (inlined, the 6.1 verifier gave up
 * on send_mask_fn with E2BIG once what-if had grown). */
__noinline int lt_arch_send_one(__u32 cpu, __u64 now)
{
	struct lt_scratch *s = scr();

	if (s)
		on_arch_send(s, cpu, now);
	return 0;
}

/* each CPU of a mask: a hardware IPI with this callback (ipi_send_cpumask), or, with
 * `arch` (the scratch holding the queued call), the arch send of kernels before v6.3 */
static __always_inline int on_send_mask(void *ctx, const struct cpumask *mask, __u64 callback,
					struct lt_scratch *arch)
{
	if (cfg.empty) /* benchmark floor */
		return 0;
	if (arch || callback != cfg.csd_ipi_cb)
		sender_stack(ctx, arch ? arch->send_func : callback);
	__u32 words = (cfg.nr_cpu_ids + 63) / 64;
	__u64 now = bpf_ktime_get_ns();

	for (__u32 i = 0; i < LT_MAX_CPUS / 64; i++) {
		unsigned long w = 0;

		if (i >= words)
			break;
		if (bpf_probe_read_kernel(&w, sizeof(w), &mask->bits[i]))
			break;
		for (int b = 0; b < 64; b++) {
			if (!w)
				break;
			if (w & 1 && arch)
				lt_arch_send_one(i * 64 + b, now);
			else if (w & 1)
				on_hw_send(i * 64 + b, callback, now);
			w >>= 1;
		}
	}
	return 0;
}

SEC("tp_btf/ipi_send_cpumask")
int BPF_PROG(ipi_send_cpumask__tp_btf, const struct cpumask *mask, unsigned long callsite, void *callback)
{
	return on_send_mask(ctx, mask, (__u64)callback, NULL);
}

SEC("raw_tp/ipi_send_cpumask")
int BPF_PROG(ipi_send_cpumask__raw_tp, const struct cpumask *mask, unsigned long callsite, void *callback)
{
	return on_send_mask(ctx, mask, (__u64)callback, NULL);
}

/* ------------------------------------------------------------------ */
/* IPI receiving                                                       */
/* ------------------------------------------------------------------ */

/* The IPI raised towards this CPU arrived: its latency, from the send of the same kind (kind:
 * LT_PEND_*, or -1 on powerpc, where both ride one interrupt: the earliest). Returns whether
 * the CPU was in user mode when it was raised (1 user, 0 kernel, -1 unknown or nothing
 * pending): the receiver cannot tell, its context tracking has already left user mode. */
static __always_inline int consume_pending(__u32 cpu, __u64 now, int kind, __u32 *cause)
{
	struct lt_ipi_pending *p = bpf_map_lookup_elem(&ipi_pending, &cpu);
	__u32 k;

	*cause = kind == LT_PEND_RESCHED ? LT_CAUSE_RESCHED : LT_CAUSE_OTHER;
	if (!p)
		return -1;
	if (kind >= 0)
		k = kind & 1;
	else if (p->send_ns[LT_PEND_CALL] && p->send_ns[LT_PEND_RESCHED])
		k = p->send_ns[LT_PEND_CALL] <= p->send_ns[LT_PEND_RESCHED] ? LT_PEND_CALL : LT_PEND_RESCHED;
	else
		k = p->send_ns[LT_PEND_CALL] ? LT_PEND_CALL : LT_PEND_RESCHED;
	if (!p->send_ns[k])
		return -1;
	if (now > p->send_ns[k]) {
		hist_add(LT_H_IPI_LATENCY, now - p->send_ns[k]);
		hist_add(p->send_idle[k] ? LT_H_IPI_LATENCY_IDLE : LT_H_IPI_LATENCY_BUSY, now - p->send_ns[k]);
	}
	p->send_ns[k] = 0;
	*cause = p->cause[k] < LT_NR_CAUSES ? p->cause[k] : LT_CAUSE_OTHER;
	return p->send_user[k];
}

/* Attribute this IPI as a wakeup (idle) or disturbance (nohz_full), once per
 * hardware interrupt: on x86 the vector entry opens the interrupt and the
 * first queued call names its cause. */
static __always_inline void attribute(struct lt_scratch *s, struct lt_counters *c, __u32 cpu, __u32 cause)
{
	struct lt_cpu_state *cs;

	if (s->in_irq && s->irq_attributed)
		return;
	s->irq_attributed = 1;
	cause = cause < LT_NR_CAUSES ? cause : LT_CAUSE_OTHER;
	if (s->in_idle && !s->woken) {
		s->woken = 1;
		c->idle_wake_by_cause[cause]++;
	}
	if (s->irq_nohz)
		c->nohz_wake_by_cause[cause]++;
	else if (!s->in_irq && is_nohz_full(cpu) && (cs = bpf_map_lookup_elem(&cpu_state, &cpu)) &&
		 cs->kind == LT_KIND_USER)
		c->nohz_wake_by_cause[cause]++;
}

static __always_inline void vector_entry(__u64 *counter, int kind)
{
	struct lt_scratch *s = scr();
	struct lt_counters *c = ctrs();
	__u32 cpu = bpf_get_smp_processor_id();
	struct lt_cpu_state *cs;
	__u64 now = bpf_ktime_get_ns();
	int from_user;

	if (!s || !c)
		return;
	(*counter)++;
	from_user = consume_pending(cpu, now, kind, &s->irq_cause);
	/* delivered: the interrupts /proc/interrupts counts, by the cause of their send */
	if (s->irq_cause < LT_NR_CAUSES)
		c->ipi_delivered_by_cause[s->irq_cause]++;
	s->in_irq = 1;
	s->irq_attributed = 0;
	s->irq_start_ns = now;
	cs = bpf_map_lookup_elem(&cpu_state, &cpu);
	/* in user mode when the IPI was raised (or unknown): context tracking here
	 * already says kernel, the interrupt entry left user mode */
	s->irq_nohz = is_nohz_full(cpu) && cs && cs->kind == LT_KIND_USER && from_user != 0;
	if (kind == LT_PEND_RESCHED) {
		attribute(s, c, cpu, LT_CAUSE_RESCHED);
		if (cfg.kentry) /* not deferrable: a kernel entry (defer-to-kernel-entry) */
			kernel_entry();
	}
}

static __always_inline int on_vector_entry(int which)
{
	if (cfg.empty) /* benchmark floor */
		return 0;
	struct lt_counters *c = ctrs();

	if (!c)
		return 0;
	if (which == 0)
		vector_entry(&c->hw_call_function, LT_PEND_CALL);
	else if (which == 1)
		vector_entry(&c->hw_call_function_single, LT_PEND_CALL);
	else
		vector_entry(&c->hw_reschedule, LT_PEND_RESCHED);
	return 0;
}

static __always_inline int on_vector_exit(void)
{
	if (cfg.empty) /* benchmark floor */
		return 0;
	struct lt_scratch *s = scr();
	struct lt_counters *c;

	if (!s)
		return 0;
	/* an IPI that ran no call of its own (an earlier one drained the queue) still
	 * interrupted the CPU: it counts, with the cause its sender gave */
	if (s->in_irq && !s->irq_attributed && (c = ctrs()))
		attribute(s, c, bpf_get_smp_processor_id(), s->irq_cause);
	if (s->in_irq && s->irq_nohz)
		hist_add(LT_H_NOHZ_INTERRUPTION, bpf_ktime_get_ns() - s->irq_start_ns);
	s->in_irq = 0;
	s->irq_nohz = 0;
	return 0;
}

/* x86 irq_vectors: three variants each, generated to avoid copy-paste */
#define LT_VECTOR_HOOK(tp, fn)                                             \
	SEC("tp_btf/" #tp) int BPF_PROG(tp##__tp_btf, int vector) { return fn; } \
	SEC("raw_tp/" #tp) int BPF_PROG(tp##__raw_tp, int vector) { return fn; } \
	SEC("tracepoint/irq_vectors/" #tp)                                 \
	int tp##__tracepoint(void *ctx) { return fn; }

LT_VECTOR_HOOK(call_function_entry, on_vector_entry(0))
LT_VECTOR_HOOK(call_function_single_entry, on_vector_entry(1))
LT_VECTOR_HOOK(reschedule_entry, on_vector_entry(2))
LT_VECTOR_HOOK(call_function_exit, on_vector_exit())
LT_VECTOR_HOOK(call_function_single_exit, on_vector_exit())
LT_VECTOR_HOOK(reschedule_exit, on_vector_exit())

/*
 * powerpc: every IPI message (call function, reschedule, tick broadcast) rides one
 * interrupt per CPU, the XIVE/XICS line /proc/interrupts shows as "IPI-0" or "IPI", or a
 * doorbell between threads of a core. That interrupt is the hardware IPI and the
 * disturbance; its cause is the sender's (pending) or the first call run inside it.
 */
static __always_inline int on_ppc_ipi(bool entry, bool doorbell)
{
	struct lt_counters *c;

	if (cfg.empty)
		return 0;
	if (!entry)
		return on_vector_exit();
	if ((c = ctrs()))
		vector_entry(doorbell ? &c->hw_doorbell : &c->hw_ipi_irq, -1);
	return 0;
}

static __always_inline int on_ipi_irq(int irq, bool entry)
{
	return irq == cfg.ipi_irq ? on_ppc_ipi(entry, false) : 0;
}

SEC("tp_btf/irq_handler_entry")
int BPF_PROG(ipi_irq__tp_btf, int irq, struct irqaction *action) { return on_ipi_irq(irq, true); }
SEC("tp_btf/irq_handler_exit")
int BPF_PROG(ipi_irq_exit__tp_btf, int irq, struct irqaction *action, int ret) { return on_ipi_irq(irq, false); }
SEC("raw_tp/irq_handler_entry")
int BPF_PROG(ipi_irq__raw_tp, int irq, struct irqaction *action) { return on_ipi_irq(irq, true); }
SEC("raw_tp/irq_handler_exit")
int BPF_PROG(ipi_irq_exit__raw_tp, int irq, struct irqaction *action, int ret) { return on_ipi_irq(irq, false); }
SEC("tracepoint/irq/irq_handler_entry")
int ipi_irq__tracepoint(struct trace_event_raw_irq_handler_entry *ctx) { return on_ipi_irq(ctx->irq, true); }
SEC("tracepoint/irq/irq_handler_exit")
int ipi_irq_exit__tracepoint(struct trace_event_raw_irq_handler_exit *ctx) { return on_ipi_irq(ctx->irq, false); }

SEC("tp_btf/doorbell_entry")
int BPF_PROG(doorbell__tp_btf, struct pt_regs *regs) { return on_ppc_ipi(true, true); }
SEC("tp_btf/doorbell_exit")
int BPF_PROG(doorbell_exit__tp_btf, struct pt_regs *regs) { return on_ppc_ipi(false, true); }
SEC("raw_tp/doorbell_entry")
int BPF_PROG(doorbell__raw_tp, struct pt_regs *regs) { return on_ppc_ipi(true, true); }
SEC("raw_tp/doorbell_exit")
int BPF_PROG(doorbell_exit__raw_tp, struct pt_regs *regs) { return on_ppc_ipi(false, true); }
SEC("tracepoint/powerpc/doorbell_entry")
int doorbell__tracepoint(void *ctx) { return on_ppc_ipi(true, true); }
SEC("tracepoint/powerpc/doorbell_exit")
int doorbell_exit__tracepoint(void *ctx) { return on_ppc_ipi(false, true); }

/*
 * powerpc tlbie tracepoint (arch/powerpc/include/asm/trace.h, 5.10-7.2): one per invalidation
 * instruction. local == 0: tlbie, broadcast to every CPU by the hardware, the way radix flushes
 * another CPU's TLB without an IPI (flush_type_needed() GLOBAL with cputlb_use_tlbie()); 1:
 * tlbiel, this CPU only (a local PID flush is one per TLB set: 128 on POWER9). Counted so that
 * an A/B of IPIs shows the flushes that went without one.
 */
static __always_inline int on_tlbie(unsigned long local)
{
	struct lt_counters *c;

	if (cfg.empty || !(c = ctrs()))
		return 0;
	if (local)
		c->tlbie_local++;
	else
		c->tlbie_global++;
	return 0;
}

SEC("tp_btf/tlbie")
int BPF_PROG(ppc_tlbie__tp_btf, unsigned long lpid, unsigned long local) { return on_tlbie(local); }
SEC("raw_tp/tlbie")
int BPF_PROG(ppc_tlbie__raw_tp, unsigned long lpid, unsigned long local) { return on_tlbie(local); }
/* the classic format: the 8-byte common header, then lpid, local (unsigned long each) */
struct lt_tlbie_format {
	__u64 common;
	unsigned long lpid, local;
};
SEC("tracepoint/powerpc/tlbie")
int ppc_tlbie__tracepoint(struct lt_tlbie_format *ctx) { return on_tlbie(ctx->local); }

static __always_inline int on_csd_entry(__u64 func, void *csd)
{
	if (cfg.empty) /* benchmark floor */
		return 0;
	struct lt_counters *c = ctrs();
	struct lt_scratch *s = scr();
	__u32 cpu = bpf_get_smp_processor_id();
	__u32 cause = cause_of(func);
	void *info;

	if (!c || !s || cause >= LT_NR_CAUSES)
		return 0;
	c->csd_exec_by_cause[cause]++;
	if (!csd)
		return 0; /* the sender's own CPU running the call locally */
	c->csd_remote_by_cause[cause]++;
	if (cause == LT_CAUSE_TLB_FLUSH && lt_have_flush_tlb_info()) {
		info = BPF_CORE_READ((struct __call_single_data *)csd, info);
		if (lt_flush_info_initiator(info) != (int)cpu)
			c->tlb_remote_flush_received++;
	}
	if (!s->in_irq)
		consume_pending(cpu, bpf_ktime_get_ns(), -1, &(__u32){ 0 }); /* no vector tracepoints */
	if (s->in_irq || s->in_idle)
		attribute(s, c, cpu, cause);
	return 0;
}

SEC("tp_btf/csd_function_entry")
int BPF_PROG(csd_function_entry__tp_btf, void *func, void *csd)
{
	return on_csd_entry((__u64)func, csd);
}

SEC("raw_tp/csd_function_entry")
int BPF_PROG(csd_function_entry__raw_tp, void *func, void *csd)
{
	return on_csd_entry((__u64)func, csd);
}

SEC("tracepoint/csd/csd_function_entry")
int csd_function_entry__tracepoint(struct trace_event_raw_csd_function *ctx)
{
	return on_csd_entry((__u64)ctx->func, ctx->csd);
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
#define LT_PF_KTHREAD 0x00200000 /* include/linux/sched.h, unchanged since 2.6 */

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
		if (!cs || (cs->kind == LT_KIND_USER && cs->mm == (__u64)mm))
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
			whatif_kernel_skipped(c, s->rflush_cand, s->rflush_sent, s->rflush_mm, LT_CAUSE_TLB_FLUSH);
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

/* ------------------------------------------------------------------ */
/* functions: fentry/fexit where the kernel has a BPF trampoline,      */
/* kprobe/kretprobe otherwise; attach targets are set by userspace     */
/* ------------------------------------------------------------------ */

static __always_inline int count_call(unsigned long off)
{
	struct lt_counters *c;

	if (cfg.empty)
		return 0;
	c = ctrs();
	if (c)
		(*(__u64 *)((char *)c + off))++;
	return 0;
}

#define LT_COUNT_HOOK(hook, field)                                        \
	SEC("fentry") int BPF_PROG(hook##__fentry) { return count_call(offsetof(struct lt_counters, field)); } \
	SEC("kprobe") int BPF_KPROBE(hook##__kprobe) { return count_call(offsetof(struct lt_counters, field)); }

LT_COUNT_HOOK(mmdrop, mmdrop)
LT_COUNT_HOOK(shoot_lazy, shoot_lazy_calls)

/*
 * powerpc radix do_exit_flush_lazy_tlb(mm), an IPI handler (exit_flush_lazy_tlbs at exit_mmap,
 * ppc 6.1-7.2): a kernel thread or idle lazy on mm switches to init_mm (exit_lazy_flush_tlb:
 * mmgrab_lazy_tlb(&init_mm), mmdrop_lazy_tlb(mm): two atomics on refcount kernels, none on
 * shootdown ones). This CPU's state then holds init_mm, so later IPIs about mm see it off the
 * mm. (exit_lazy_flush_tlb also runs outside the IPI, from flush_type_needed: not seen.)
 */
static __always_inline int on_exit_flush_lazy(__u64 mm)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	__u32 cpu = bpf_get_smp_processor_id();
	struct lt_counters *c;
	struct lt_cpu_state *cs;

	if (cfg.empty || !(c = ctrs()))
		return 0;
	c->exit_flush_lazy_calls++;
	if (BPF_CORE_READ(t, mm) || (__u64)BPF_CORE_READ(t, active_mm) != mm)
		return 0;
	c->exit_flush_lazy_switches++;
	cs = bpf_map_lookup_elem(&cpu_state, &cpu);
	if (cs && cfg.init_mm_addr)
		cs->active_mm = cfg.init_mm_addr;
	return 0;
}

/*
 * begin_new_exec(bprm) by a task that has no mm: a user-mode helper (call_usermodehelper: core
 * dump pipes, modprobe, hotplug agents) or another kernel-created task exec'ing. Its
 * exec_mmap() finds old_mm NULL and drops the active_mm it ran on lazily (fs/exec.c: mmdrop
 * 5.10-6.3, mmdrop_lazy_tlb 6.4-7.2: an atomic on refcount kernels), after installing
 * bprm->mm: this CPU then runs that mm as a user task. (begin_new_exec can fail before
 * exec_mmap, in de_thread or unshare_files: not for a helper, which has no threads.)
 */
static __always_inline int on_exec(const struct linux_binprm *bprm)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	__u32 cpu = bpf_get_smp_processor_id();
	struct lt_counters *c;
	struct lt_cpu_state *cs;

	if (cfg.empty || !(c = ctrs()) || BPF_CORE_READ(t, mm))
		return 0;
	c->lazy_exec_drops++;
	cs = bpf_map_lookup_elem(&cpu_state, &cpu);
	if (cs) {
		cs->kind = LT_KIND_USER;
		cs->mm = cs->active_mm = (__u64)BPF_CORE_READ(bprm, mm);
	}
	return 0;
}

SEC("fentry") int BPF_PROG(exec_lazy__fentry, const struct linux_binprm *bprm) { return on_exec(bprm); }
SEC("kprobe") int BPF_KPROBE(exec_lazy__kprobe, const struct linux_binprm *bprm) { return on_exec(bprm); }

SEC("fentry") int BPF_PROG(exit_flush_lazy__fentry) { return on_exit_flush_lazy(ctx[0]); }
SEC("kprobe") int BPF_KPROBE(exit_flush_lazy__kprobe) { return on_exit_flush_lazy(PT_REGS_PARM1(ctx)); }
LT_COUNT_HOOK(table_sync, table_sync_calls)
LT_COUNT_HOOK(membarrier, membarrier_calls)

/* membarrier(2) also has syscall tracepoints on every kernel, with the arguments: the
 * targets the kernel skipped are evaluated there (whatif.bpf.h membarrier_open/close) */
SEC("tracepoint/syscalls/sys_enter_membarrier")
int membarrier__tracepoint(struct trace_event_raw_sys_enter *ctx)
{
	if (!cfg.empty)
		membarrier_open(ctx->args[0], ctx->args[1]);
	return count_call(offsetof(struct lt_counters, membarrier_calls));
}

SEC("tracepoint/syscalls/sys_exit_membarrier")
int membarrier_exit__tracepoint(struct trace_event_raw_sys_exit *ctx)
{
	if (!cfg.empty)
		membarrier_close(ctx->ret);
	return 0;
}

/* __mmdrop fallback without fentry/kprobe: every __mmdrop ends in free_mm(),
 * kmem_cache_free(mm_cachep, mm). The cache pointer comes from &mm_cachep when
 * kallsyms lists data symbols, else it is learnt at the first free from a
 * cache named "mm_struct" (never merged with others: it has a usercopy
 * region); the name is only read for caches of a plausible object size, so
 * the steady-state cost is one compare per kmem_cache_free. */
static __always_inline bool is_mm_cache(const struct kmem_cache *cache)
{
	__u32 osz = BPF_CORE_READ(cache, object_size), msz = bpf_core_type_size(struct mm_struct);
	char name[10] = {};
	const char *np;

	if (osz < msz || osz > msz + 8192)
		return false;
	np = BPF_CORE_READ(cache, name);
	if (bpf_probe_read_kernel_str(name, sizeof(name), np) != 10)
		return false;
	return name[0] == 'm' && name[1] == 'm' && name[2] == '_' && name[3] == 's' && name[4] == 't' &&
	       name[5] == 'r' && name[6] == 'u' && name[7] == 'c' && name[8] == 't' && name[9] == 0;
}

static __always_inline int on_kmem_cache_free(const struct kmem_cache *cache)
{
	if (cfg.empty) /* benchmark floor */
		return 0;
	struct lt_counters *c;

	if (!mm_cache_ptr) {
		__u64 p = 0;

		if (cfg.mm_cachep_addr) {
			if (bpf_probe_read_kernel(&p, sizeof(p), (void *)cfg.mm_cachep_addr))
				return 0;
		} else if (is_mm_cache(cache)) {
			p = (__u64)cache;
		}
		mm_cache_ptr = p;
	}
	if ((__u64)cache != mm_cache_ptr || !mm_cache_ptr)
		return 0;
	c = ctrs();
	if (c)
		c->mmdrop++;
	return 0;
}

SEC("tp_btf/kmem_cache_free")
int BPF_PROG(mmdrop__tp_btf, unsigned long call_site, const void *ptr, const struct kmem_cache *s)
{
	return on_kmem_cache_free(s);
}

SEC("raw_tp/kmem_cache_free")
int BPF_PROG(mmdrop__raw_tp, unsigned long call_site, const void *ptr, const struct kmem_cache *s)
{
	return on_kmem_cache_free(s);
}

/* durations: entry stamps a per-CPU scratch slot, exit adds to a histogram */
static __always_inline int ftmr_entry(struct mm_struct *mm)
{
	if (cfg.empty) /* benchmark floor */
		return 0;
	struct lt_counters *c = ctrs();
	struct lt_ftmr f = { .start_ns = bpf_ktime_get_ns(), .path = LT_FTMR_NO_IPI };
	__u32 pid = (__u32)bpf_get_current_pid_tgid();

	if (!c)
		return 0;
	c->flush_tlb_mm_range_calls++;
	if (mm && lt_mm_global_asid(mm)) {
		f.path = LT_FTMR_BROADCAST;
		c->flush_broadcast++;
		if (cfg.whatif)
			whatif_broadcast(c, mm);
	}
	bpf_map_update_elem(&ftmr_calls, &pid, &f, BPF_ANY);
	return 0;
}

static __always_inline int ftmr_exit(void)
{
	if (cfg.empty) /* benchmark floor */
		return 0;
	__u32 pid = (__u32)bpf_get_current_pid_tgid();
	struct lt_ftmr *f = bpf_map_lookup_elem(&ftmr_calls, &pid);
	__u64 now = bpf_ktime_get_ns();

	if (!f)
		return 0;
	if (now > f->start_ns) {
		hist_add(LT_H_FLUSH_TLB_MM_RANGE, now - f->start_ns);
		hist_add(f->path == LT_FTMR_IPI ? LT_H_FTMR_IPI : f->path == LT_FTMR_BROADCAST ? LT_H_FTMR_BROADCAST
									       : LT_H_FTMR_NO_IPI,
			 now - f->start_ns);
	}
	bpf_map_delete_elem(&ftmr_calls, &pid);
	return 0;
}

static __always_inline int fts_entry(void *prev)
{
	if (cfg.empty) /* benchmark floor */
		return 0;
	struct lt_scratch *s = scr();

	if (s)
		s->fts_start_ns = bpf_ktime_get_ns();
	return 0;
}

static __always_inline int fts_exit(void)
{
	if (cfg.empty) /* benchmark floor */
		return 0;
	struct lt_scratch *s = scr();
	__u32 cpu = bpf_get_smp_processor_id();
	struct lt_cpu_state *cs = bpf_map_lookup_elem(&cpu_state, &cpu);

	if (s && s->fts_start_ns) {
		hist_add(cs && cs->fts_lazy_drop ? LT_H_FTS_LAZY_DROP : LT_H_FTS_OTHER,
			 bpf_ktime_get_ns() - s->fts_start_ns);
		s->fts_start_ns = 0;
	}
	return 0;
}

/* entry(a0): a0 is the function's first argument */
#define LT_DURATION_HOOK(hook, entry, exit)                                           \
	SEC("fentry") int BPF_PROG(hook##__fentry) { return entry((void *)ctx[0]); }  \
	SEC("fexit") int BPF_PROG(hook##_exit__fentry) { return exit; }               \
	SEC("kprobe") int BPF_KPROBE(hook##__kprobe) { return entry((void *)PT_REGS_PARM1(ctx)); } \
	SEC("kretprobe") int BPF_KRETPROBE(hook##_exit__kprobe) { return exit; }

LT_DURATION_HOOK(flush_tlb_mm_range, ftmr_entry, ftmr_exit())
LT_DURATION_HOOK(finish_task_switch, fts_entry, fts_exit())

/* flush_tlb_func itself, where the csd tracepoints are missing: counted as
 * /proc/interrupts' TLB row counts it, when run for another CPU */
static __always_inline int on_flush_tlb_func(const void *info)
{
	struct lt_counters *c;

	if (cfg.empty)
		return 0;
	c = ctrs();
	if (c && (cfg.flush_fn_remote || (lt_flush_info_initiator(info) >= 0 &&
					  lt_flush_info_initiator(info) != (int)bpf_get_smp_processor_id())))
		c->tlb_remote_flush_fn++;
	return 0;
}

SEC("fentry")
int BPF_PROG(flush_tlb_func__fentry, void *info)
{
	return on_flush_tlb_func(info);
}

SEC("kprobe")
int BPF_KPROBE(flush_tlb_func__kprobe, void *info)
{
	return on_flush_tlb_func(info);
}

/* ------------------------------------------------------------------ */
/* Kernels without the ipi and csd tracepoints (before v6.3)          */
/* ------------------------------------------------------------------ */
/* The call being queued is noted where it is queued (smp_call_function_many_cond,
 * __smp_call_single_queue) and counted, per target, at the arch function that raises
 * the IPI right after (x86 native_send_call_func_*, powerpc arch_send_call_function_*),
 * which knows the targets but not the call. So requests here are hardware IPIs: a call
 * queued behind one already pending raises none and is not counted. */
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
