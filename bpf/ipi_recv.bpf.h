/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ipi_recv.bpf.h - the receiving side: send->handler latency per target and vector, x86
 * irq_vectors, cross-CPU calls executed (csd), powerpc's IPI line and doorbells, and
 * powerpc's tlbie instructions..
 */
#ifndef LT_IPI_RECV_BPF_H
#define LT_IPI_RECV_BPF_H

#include "maps.bpf.h"
#include "whatif.bpf.h"

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
		hist_record(LT_H_IPI_LATENCY, now - p->send_ns[k]);
		hist_record(p->send_idle[k] ? LT_H_IPI_LATENCY_IDLE : LT_H_IPI_LATENCY_BUSY, now - p->send_ns[k]);
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
		hist_record(LT_H_NOHZ_INTERRUPTION, bpf_ktime_get_ns() - s->irq_start_ns);
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

/* A shoot-lazy call run here for another CPU (kernel/fork.c do_shoot_lazy_tlb, read in 6.12: the
 * csd's info is the mm being freed): was this CPU lazy on it, the test the callback itself
 * makes (current->active_mm == mm, current->mm NULL)? The receiver's count of the CPUs the mm
 * was lazy on, to set against the sender's (shoot_lazy_sent_lazy) and the IPIs. */
static __always_inline void shoot_lazy_arrived(struct lt_counters *c, void *csd)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	__u64 mm = (__u64)BPF_CORE_READ((struct __call_single_data *)csd, info);

	if (mm && !BPF_CORE_READ(t, mm) && (__u64)BPF_CORE_READ(t, active_mm) == mm)
		c->shoot_lazy_recv_lazy++;
}

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
	if (cause == LT_CAUSE_SHOOT_LAZY)
		shoot_lazy_arrived(c, csd);
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

#endif
