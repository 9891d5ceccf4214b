/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ipi_send.bpf.h - the sending side of IPIs: each request's cause, the target's state at
 * the send, the sender (task, callsite, stack), the what-if filters (whatif.bpf.h), and the
 * hardware IPIs raised. Included by lazytlb.bpf.c after the maps, helpers and context switch
 * it relies on (cpu_state, scr, ctrs, hist_record).
 */
#ifndef LT_IPI_SEND_BPF_H
#define LT_IPI_SEND_BPF_H

#include "maps.bpf.h"
#include "whatif.bpf.h"

/* ------------------------------------------------------------------ */
/* IPI sending: target state and what-if at each queued call           */
/* ------------------------------------------------------------------ */

/* State of `cpu` as seen by an IPI about `mm` (0: no mm known) */
static __always_inline __u32 target_state(struct lt_cpu_state *cs, __u32 cpu, __u64 mm, int *ct)
{
	*ct = -1;
	if (!cs || cs->kind == LT_KIND_IDLE)
		return LT_STATE_IDLE;
	if (cs->in_guest && lt_in_guest(cs, cfg.guest_pf_vcpu)) /* an IPI forces a VM exit */
		return LT_STATE_GUEST;
	if (cs->kind == LT_KIND_KTHREAD)
		return (mm && cs->active_mm == mm) ? LT_STATE_LAZY : LT_STATE_KERNEL;
	if (cs->kind == LT_KIND_KTHREAD_MM) /* a kernel thread on a user mm: never in user mode */
		return LT_STATE_KERNEL;
	*ct = ct_user_mode(cpu);
	if (*ct == 0)
		return LT_STATE_KERNEL;
	if (is_nohz_full(cpu))
		return LT_STATE_NOHZ_FULL;
	return LT_STATE_USER;
}


/* The kernel stack of the request a sending program is about to count (senders): taken before
 * its targets are walked, as only the program has the context for it. Unwinding costs
 * microseconds (4-30 us per send on a loaded 2-vCPU VM, 6.18: ten times the rest of a send),
 * so it is taken once per (task name, callback) and then sampled: a per-CPU direct-mapped
 * cache hands that stack to the next cfg.stack_period - 1 requests of the same name and
 * callback (--stacks: period 1, every one). By name, not tgid: under process churn every new
 * process would unwind its first sends, while processes of one name send from the same
 * callsites (a fork loop's children, a build's compilers); sampling catches those that do not,
 * and a process on another's stack (same name) takes its own within LT_SENDER_BORROW sends. */
static __always_inline void sender_stack(void *ctx, __u64 func)
{
	union { char s[16]; __u64 w[2]; } comm;
	struct lt_sender_slot *e;
	struct lt_counters *c;
	struct lt_scratch *s;
	__u64 h = 14695981039346656037ULL; /* FNV-1a over the frames */
	__u32 tgid, lost = 0;
	long n;

	if (!cfg.senders || !(s = scr()))
		return;
	s->sender_pid_tgid = bpf_get_current_pid_tgid();
	tgid = s->sender_pid_tgid >> 32;
	lt_current_comm(comm.w);
	s->sender_comm[0] = comm.w[0]; /* sender_count's key, this same task's */
	s->sender_comm[1] = comm.w[1];
	e = &s->snd[((comm.w[0] ^ comm.w[1] ^ (func >> 4)) * 0x9E3779B97F4A7C15ULL >> 57) & (LT_SENDER_CACHE - 1)];
	if (e->left && e->func == func && e->comm[0] == comm.w[0] && e->comm[1] == comm.w[1]) {
		if (e->tgid != tgid) { /* another process of that name: borrowed for a few requests */
			e->tgid = tgid;
			e->left = e->left < LT_SENDER_BORROW ? e->left : LT_SENDER_BORROW;
		}
		e->left--;
		s->sender_stack = e->stack;
		s->sender_stack_lost = e->lost;
		return;
	}
	/* the callsite is within the first 11 frames of every stack seen (6.18: BPF, tracepoint,
	 * IPI and wakeup plumbing); unwinding costs per frame, so only --stacks takes them all */
	if (cfg.stack_period == 1) {
		n = bpf_get_stack(ctx, s->sender_ips, sizeof(s->sender_ips), 0); /* zero-fills the rest */
	} else {
		n = bpf_get_stack(ctx, s->sender_ips, LT_SENDER_CALLSITE_DEPTH * 8, 0);
		for (int i = LT_SENDER_CALLSITE_DEPTH; i < LT_SENDER_DEPTH; i++)
			s->sender_ips[i] = 0;
	}
	if ((c = ctrs()))
		c->senders_stacks_taken++;
	if (n > 0) {
		for (int i = 0; i < LT_SENDER_DEPTH; i++)
			h = (h ^ s->sender_ips[i]) * 1099511628211ULL;
		h = h ? h : 1;
		/* a stack seen before is only looked up: its bucket is written once */
		if (!bpf_map_lookup_elem(&sender_stacks, &h) &&
		    bpf_map_update_elem(&sender_stacks, &h, s->sender_ips, BPF_NOEXIST) &&
		    !bpf_map_lookup_elem(&sender_stacks, &h))
			lost = 1; /* full: counted without its stack (senders_folded_stack) */
	}
	/* no stack (unwinding failed, or not kept) is cached too: not retried on every send */
	s->sender_stack = n > 0 && !lost ? h : 0;
	s->sender_stack_lost = lost;
	e->tgid = tgid;
	e->comm[0] = comm.w[0];
	e->comm[1] = comm.w[1];
	e->func = func;
	e->stack = s->sender_stack;
	e->lost = lost;
	e->left = cfg.stack_period ? cfg.stack_period - 1 : 0;
}

/* the row of `k` in a senders map, inserted if new; NULL when the map is full (or its bucket
 * is held by a program this one interrupted on this CPU) */
static __always_inline struct lt_sender_val *sender_row(void *map, struct lt_sender_key *k)
{
	struct lt_sender_val zero = {}, *v = bpf_map_lookup_elem(map, k);

	if (v)
		return v;
	bpf_map_update_elem(map, k, &zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(map, k);
}

/* The pinned row of `k` on this CPU (lazytlb.h struct lt_sender_pin), claimed when free; NULL
 * when another key holds it. A program nested on this CPU between the read of a free slot and
 * the claim can have its one request counted under the outer one's key: it stays counted. */
static __always_inline struct lt_sender_val *sender_pin(const struct lt_sender_key *k)
{
	const __u64 *c = (const __u64 *)k->comm;
	__u64 w0 = (__u64)k->tgid << 32 | k->cause;
	__u64 h = ((w0 * 0x9E3779B97F4A7C15ULL) ^ k->stack ^ c[0] ^ (c[1] * 0xC2B2AE3D27D4EB4FULL)) * 0x9E3779B97F4A7C15ULL;
	__u32 i = h >> 40 & (LT_SENDER_PINS - 1);
	struct lt_sender_pin *p = bpf_map_lookup_elem(&sender_pins, &i);
	const __u64 *pc;

	h |= 1;
	if (!p)
		return NULL;
	pc = (const __u64 *)p->k.comm;
	if (p->check == h && p->k.cause == k->cause && p->k.tgid == k->tgid && p->k.stack == k->stack &&
	    pc[0] == c[0] && pc[1] == c[1])
		return &p->v;
	if (p->check)
		return NULL;
	p->check = 1; /* claimed: a nested program sees it taken */
	p->k = *k;
	asm volatile("" ::: "memory"); /* the key before the check that makes it valid */
	p->check = h;
	return &p->v;
}

/* One request to `cpu` by the current task, with the stack sender_stack() took, counted at the
 * finest level a table has room for: (cause, task, stack); without the tgid; per cause. */
static __always_inline void sender_count(struct lt_counters *c, __u32 cpu, __u32 cause, __u32 st)
{
	struct lt_sender_key k = { .cause = cause };
	struct lt_scratch *s = scr();
	struct lt_sender_val *v;
	__u64 id;

	if (cfg.sender_cpus_set && !lt_mask_test((const __u64 *)cfg.sender_cpus, cpu))
		return;
	id = bpf_get_current_pid_tgid();
	k.tgid = id >> 32;
	if (s && s->sender_pid_tgid == id) { /* its name, as sender_stack() read it */
		__builtin_memcpy(k.comm, s->sender_comm, sizeof(k.comm));
	} else {
		lt_current_comm((__u64 *)k.comm);
	}
	if (s) {
		k.stack = s->sender_stack;
		c->senders_folded_stack += s->sender_stack_lost;
	}
	v = cfg.sender_pins ? sender_pin(&k) : NULL;
	if (!v)
		v = sender_row(&senders, &k);
	if (!v) {
		k.tgid = 0;
		v = sender_row(&senders_folded, &k);
		c->senders_folded_tgid += !!v;
	}
	if (!v) {
		v = bpf_map_lookup_elem(&sender_causes, &cause);
		c->senders_folded_cause += !!v;
	}
	if (!v) {
		c->senders_full++;
		return;
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
	/* the sender's view of "a CPU the freed mm is lazy on": idle or a kernel thread whose
	 * active_mm is the mm (what do_shoot_lazy_tlb tests on arrival, kernel/fork.c 6.12) */
	if (cause == LT_CAUSE_SHOOT_LAZY && cs && mm && cs->active_mm == mm &&
	    (cs->kind == LT_KIND_IDLE || cs->kind == LT_KIND_KTHREAD))
		c->shoot_lazy_sent_lazy++;
	if (cfg.senders)
		sender_count(c, cpu, cause, st);
	if (cfg.whatif)
		whatif_eval(cpu, LT_WHATIF_ARGS(cause, st, freed), mm, ct);
}

/* the mm an IPI is about: from its argument where the callback says what it is */
static __always_inline __u64 request_mm(__u32 cause, const void *info)
{
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
	return lt_current_mm();
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
		if (cfg.ftmr) { /* the flush_tlb_mm_range in flight on this task went by IPI */
			__u32 pid = (__u32)bpf_get_current_pid_tgid();
			struct lt_ftmr *f = bpf_map_lookup_elem(&ftmr_calls, &pid);

			if (f)
				f->path = LT_FTMR_IPI;
		}
		if (s && s->rflush_open) {
			s->rflush_queued++;
			lt_mask_set(s->rflush_sent, cpu);
		}
	}
	if (cause == LT_CAUSE_MEMBARRIER) {
		struct lt_scratch *s = scr();

		if (s && s->mb_open)
			lt_mask_set(s->mb_sent, cpu);
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
	if (cfg.calls_at_queue && !s->q_at_send && s->send_stashed) {
		/* counted where it was queued (fallback.bpf.h), like 6.3+'s doorbell */
		cause = p && p->queued_cause < LT_NR_CAUSES ? p->queued_cause : cause;
		hw_pending(p, cpu, cause, now);
		return;
	}
	/* no call stashed: the stash was lost (an interrupt queued and sent its own call in
	 * between) or the call took a queue path no fallback hook sees; LT_CB_UNSEEN names that
	 * in ipi.callbacks */
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

/* One target of ipi_send_cpumask, global for the same reason: inlined into the loop below,
 * this one program took 80% of the whole object's verification (276 of 350 ms on 6.18; ~5 s
 * of a TCG guest's 11 s `record`) */
__noinline int lt_hw_send_one(__u32 cpu, __u64 callback, __u64 now)
{
	on_hw_send(cpu, callback, now);
	return 0;
}

/* One call queued for `cpu` (kernels before 6.3: fallback.bpf.h), counted as csd_queue_cpu
 * would (the arch send that may follow counts only the hardware IPI); global for the same
 * reason. The target is remembered for 5.10's many_cond single-target fastpath, which
 * hands it to smp_call_function_single (generic_exec_single would count it again; 5.10
 * kernel/smp.c, gone by 6.1). */
__noinline int lt_queue_one(__u32 cpu, __u64 func, __u32 cause, __u64 info)
{
	struct lt_scratch *s = scr();

	on_queue(cpu, func, cause, (const void *)info);
	if (s)
		lt_mask_set(s->q_many_mask, cpu);
	return 0;
}

enum lt_walk {
	LT_WALK_HW,    /* ipi_send_cpumask: a hardware IPI to each CPU of the mask */
	LT_WALK_ARCH,  /* the arch send before v6.3: the same, with the call stashed in scratch */
	LT_WALK_QUEUE, /* smp_call_function_many_cond before v6.3: a call for each online CPU
			* of the mask but this one (its own runs locally) */
};

/* each CPU of `mask` below nr_cpu_ids, handed to the global function of `how` */
static __always_inline void walk_mask(const struct cpumask *mask, enum lt_walk how, __u64 func, __u32 cause,
				      __u64 info)
{
	__u32 words = lt_words(), self = bpf_get_smp_processor_id(), cpu;
	__u64 now = bpf_ktime_get_ns();

	for (__u32 i = 0; i < LT_MASK_WORDS; i++) {
		__u64 w = 0;

		if (i >= words || bpf_probe_read_kernel(&w, sizeof(w), &mask->bits[i]))
			break;
		if (how == LT_WALK_QUEUE) {
			w &= lt_online_word(i);
			if (i == self / 64)
				w &= ~(1ULL << (self % 64));
		}
		lt_for_each_bit(w, i * 64, cpu) {
			if (how == LT_WALK_ARCH)
				lt_arch_send_one(cpu, now);
			else if (how == LT_WALK_HW)
				lt_hw_send_one(cpu, func, now);
			else
				lt_queue_one(cpu, func, cause, info);
		}
	}
}

/* each CPU of a mask: a hardware IPI with this callback (ipi_send_cpumask), or, with
 * `arch` (the scratch holding the queued call), the arch send of kernels before v6.3 */
static __always_inline int on_send_mask(void *ctx, const struct cpumask *mask, __u64 callback,
					struct lt_scratch *arch)
{
	if (cfg.empty) /* benchmark floor */
		return 0;
	if (arch ? !cfg.calls_at_queue || arch->q_at_send : callback != cfg.csd_ipi_cb) /* else at the queue */
		sender_stack(ctx, arch ? arch->send_func : callback);
	walk_mask(mask, arch ? LT_WALK_ARCH : LT_WALK_HW, callback, 0, 0);
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

#endif
