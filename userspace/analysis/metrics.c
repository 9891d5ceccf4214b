// SPDX-License-Identifier: GPL-2.0
/*
 * metrics.c - a snapshot -> one rep object of the result file (result-schema.md).
 * A metric whose hook did not attach is null, never 0. The header is
 * metrics_header.c's.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/cli.h"
#include "metrics_int.h"
#include "result/hist.h"
#include "result/names.h"

/* o[name] = { names[i]: histogram ids[i] } when ok, else null */
static void hist_split_json(const struct lt_trace_info *c, const struct lt_hist *hs, struct json *o, const char *name,
			    bool ok, const char *const *names, const int *ids, int n)
{
	struct json *x = json_set(o, name, ok ? json_object() : json_null());

	for (int i = 0; ok && i < n; i++)
		json_set(x, names[i], hist_json_sel(c, hs, (enum lt_hist_id)ids[i], "ns", true));
}

/* The hardware IPI sends of kernels without the ipi tracepoints: all three attached */
static bool fallback_sends(const struct lt_trace_info *c)
{
	return c->hook_ok[H_SEND_MASK_FN] && c->hook_ok[H_SEND_SINGLE_FN] &&
	       c->hook_ok[H_SEND_RESCHED_FN];
}

/* Where IPI requests (by cause and target state, what-if) come from: the csd_queue_cpu
 * tracepoint (calls queued, v6.3+) or, before it, the functions queuing calls (per target:
 * smp_call_function_many_cond, __smp_call_single_queue, generic_exec_single) with the arch
 * functions raising the IPIs (bpf/fallback.bpf.h; a call behind a cond_func that is not
 * followed is counted when it raises an IPI). Reschedules are sends in both. NULL when
 * neither attached. Older results say arch_ipi_send: every request counted at the send. */
static const char *requests_source(const struct lt_trace_info *c)
{
	if (c->hook_ok[H_CSD_QUEUE_CPU])
		return "csd_queue_cpu";
	if (fallback_sends(c) && c->hook_ok[H_CALL_MANY] && c->hook_ok[H_CALL_SINGLE_QUEUE])
		return "call_queue";
	return NULL;
}

static __u64 cause_total(const struct lt_trace_info *c, const struct lt_counters *pc, int cause)
{
	__u64 s = 0;

	for (int st = 0; st < LT_NR_STATES; st++)
		s += SUM(ipi_cause_state[cause][st]);
	return s;
}

static struct json *mmdrop_json(const struct lt_trace_info *c, const struct lt_counters *pc)
{
	struct json *o = json_object();
	bool csd_exec = c->hook_ok[H_CSD_FUNCTION_ENTRY], csd_q = requests_source(c) != NULL;

	json_set(o, "mmdrop", num_or_null(c->hook_ok[H_MMDROP], SUM(mmdrop)));
	const char *src, *sch = metrics_scheme(c, &src);
	/* a refcount kernel never shoots lazies (cleanup_lazy_tlbs returns at
	 * once, do_shoot_lazy_tlb is often not even built): 0 by the scheme */
	bool never = sch && !strcmp(sch, "refcount");

	/* calls: the function probe where it attached, else executions of its callback */
	if (c->hook_ok[H_SHOOT_LAZY])
		json_set(o, "shoot_lazy_calls", json_u64(SUM(shoot_lazy_calls)));
	else
		json_set(o, "shoot_lazy_calls", num_or_null(csd_exec || never,
							   csd_exec ? SUM(csd_exec_by_cause[LT_CAUSE_SHOOT_LAZY]) : 0));
	json_set(o, "shoot_lazy_ipis", num_or_null(csd_q || never, csd_q ? cause_total(c, pc, LT_CAUSE_SHOOT_LAZY) : 0));
	json_set(o, "shoot_lazy_source",
		 json_string(c->hook_ok[H_SHOOT_LAZY] ? "do_shoot_lazy_tlb probe"
			     : csd_exec ? "csd callbacks" : never ? "scheme: refcount kernels never shoot lazies"
			     : "unavailable"));
	/* the CPUs the freed mm was lazy on, counted both ways: by the sender at each request
	 * (the target's last switch left it idle or in a kernel thread on the mm) and by the
	 * receiver (do_shoot_lazy_tlb's own test, current->active_mm == mm, kernel/fork.c 6.12) */
	json_set(o, "shoot_lazy_ipis_to_lazy", num_or_null(csd_q || never, SUM(shoot_lazy_sent_lazy)));
	json_set(o, "shoot_lazy_found_lazy", num_or_null(csd_exec || never, SUM(shoot_lazy_recv_lazy)));
	if (c->hook_ok[H_EXIT_FLUSH_LAZY])
		json_set(o, "exit_flush_lazy_calls", json_u64(SUM(exit_flush_lazy_calls)));
	else
		json_set(o, "exit_flush_lazy_calls",
			 num_or_null(csd_exec, SUM(csd_exec_by_cause[LT_CAUSE_EXIT_FLUSH_LAZY])));
	return o;
}

/* Queued calls per callback symbol and the cause they were counted under, most first */
static struct json *callbacks_json(const struct lt_snapshot *s)
{
	struct json *a = json_array();

	for (size_t i = 0; i < s->nr_cbs; i++) {
		struct json *e = json_object();
		char hex[32];

		snprintf(hex, sizeof(hex), "0x%llx", (unsigned long long)s->cbs[i].k.func);
		json_set(e, "symbol", json_string(s->cbs[i].k.func == LT_CB_UNSEEN ? "(call not seen: queued off the fallback hooks)"
						  : s->cbs[i].name[0] ? s->cbs[i].name : hex));
		json_set(e, "cause", json_string(lt_cause_names[s->cbs[i].k.cause % LT_NR_CAUSES]));
		json_set(e, "calls", json_u64(s->cbs[i].n));
		json_push(a, e);
	}
	return a;
}

/* Requests per sender (cause, task, callsite), most first; null when not counted */
static struct json *senders_json(const struct lt_trace_info *c, const struct lt_snapshot *s, bool sends)
{
	struct json *a;

	if (!c->senders || !sends)
		return json_null();
	a = json_array();
	for (size_t i = 0; i < s->nr_senders; i++) {
		const struct lt_sender *x = &s->senders[i];
		struct json *e = json_object();

		json_set(e, "cause", json_string(lt_cause_names[x->cause % LT_NR_CAUSES]));
		json_set(e, "comm", json_string(x->comm));
		json_set(e, "tgid", json_u64(x->tgid));
		json_set(e, "folded", x->folded == LT_FOLD_TGID ? json_string("tgid")
				      : x->folded == LT_FOLD_CAUSE ? json_string("cause") : json_null());
		json_set(e, "callsite", json_string(x->callsite));
		json_set(e, "requests", json_u64(x->requests));
		json_set(e, "to_idle", json_u64(x->to_idle));
		json_set(e, "to_nohz_full", json_u64(x->to_nohz_full));
		if (x->stack) {
			struct json *st = json_set(e, "stack", json_array());

			for (unsigned int f = 0; f < x->depth; f++)
				json_push(st, json_string(x->stack[f]));
			/* the outermost frames past LT_SENDER_DEPTH were not kept */
			json_set(e, "stack_truncated", json_bool(x->truncated));
		}
		json_push(a, e);
	}
	return a;
}

static struct json *ipi_json(const struct lt_trace_info *c, const struct lt_snapshot *s)
{
	const struct lt_counters *pc = s->pc;
	bool sends = requests_source(c) || c->hook_ok[H_IPI_SEND_CPU];
	bool hw_sends = c->hook_ok[H_IPI_SEND_CPU] || fallback_sends(c);
	bool x86 = c->hook_ok[H_CALL_FUNCTION_ENTRY] && c->hook_ok[H_CALL_FUNCTION_SINGLE_ENTRY] &&
		   c->hook_ok[H_RESCHEDULE_ENTRY];
	bool ppc = c->hook_ok[H_IPI_IRQ]; /* doorbells too where the tracepoint is */
	bool vec = x86 || ppc;
	bool csd_exec = c->hook_ok[H_CSD_FUNCTION_ENTRY];
	struct json *o = json_object(), *bc, *bs, *bcs, *bd, *rx, *hw, *rem;

	json_set(o, "sent", num_or_null(sends, SUM(ipi_sent)));
	json_set(o, "hw_ipis", num_or_null(vec, SUM(hw_call_function) + SUM(hw_call_function_single) +
							 SUM(hw_reschedule) + SUM(hw_ipi_irq) + SUM(hw_doorbell)));
	json_set(o, "requests_source", json_string(requests_source(c)));
	json_set(o, "hw_sent", num_or_null(hw_sends, SUM(ipi_hw_sent)));
	hw = json_set(o, "hw_by_vector", vec ? json_object() : json_null());
	if (x86) {
		json_set(hw, "call_function", json_u64(SUM(hw_call_function)));
		json_set(hw, "call_function_single", json_u64(SUM(hw_call_function_single)));
		json_set(hw, "reschedule", json_u64(SUM(hw_reschedule)));
	} else if (ppc) {
		json_set(hw, "ipi", json_u64(SUM(hw_ipi_irq)));
		json_set(hw, "doorbell", num_or_null(c->hook_ok[H_DOORBELL], SUM(hw_doorbell)));
	}
	bc = json_set(o, "by_cause", sends ? json_object() : json_null());
	bs = json_set(o, "by_target_state", sends ? json_object() : json_null());
	bcs = json_set(o, "by_cause_state", sends ? json_object() : json_null());
	if (sends) {
		for (int ca = 0; ca < LT_NR_CAUSES; ca++) {
			struct json *row = json_set(bcs, lt_cause_names[ca], json_object());

			json_set(bc, lt_cause_names[ca], json_u64(cause_total(c, pc, ca)));
			for (int st = 0; st < LT_NR_STATES; st++)
				json_set(row, lt_state_names[st], json_u64(SUM(ipi_cause_state[ca][st])));
		}
		for (int st = 0; st < LT_NR_STATES; st++) {
			__u64 s = 0;

			for (int ca = 0; ca < LT_NR_CAUSES; ca++)
				s += SUM(ipi_cause_state[ca][st]);
			json_set(bs, lt_state_names[st], json_u64(s));
		}
	}
	/* IPI interrupts received by the cause of the send they answer: the unit of /proc */
	bd = json_set(o, "delivered_by_cause", vec ? json_object() : json_null());
	if (vec)
		for (int ca = 0; ca < LT_NR_CAUSES; ca++)
			json_set(bd, lt_cause_names[ca], json_u64(SUM(ipi_delivered_by_cause[ca])));
	/* a target in guest mode: how that is read; null: kvm not loaded at start, no KVM guest */
	json_set(o, "guest_state_source", c->guest_source ? json_string(c->guest_source) : json_null());
	json_set(o, "callbacks", sends ? callbacks_json(s) : json_null());
	json_set(o, "senders", senders_json(c, s, sends));
	json_set(o, "senders_not_counted", num_or_null(c->senders && sends, SUM(senders_full)));
	json_set(o, "senders_folded_tgid", num_or_null(c->senders && sends, SUM(senders_folded_tgid)));
	json_set(o, "senders_folded_cause", num_or_null(c->senders && sends, SUM(senders_folded_cause)));
	json_set(o, "senders_folded_stack", num_or_null(c->senders && sends, SUM(senders_folded_stack)));
	json_set(o, "senders_stacks_taken", num_or_null(c->senders && sends, SUM(senders_stacks_taken)));
	json_set(o, "callbacks_not_counted", num_or_null(sends, SUM(cb_counts_full)));
	/* received per CPU: hardware IPIs (x86 vectors, the powerpc IPI line), else remote calls run */
	rx = json_set(o, "received_per_cpu", vec || csd_exec ? json_array() : json_null());
	if (vec || csd_exec) {
		for (unsigned int cpu = 0; cpu < c->nr_cpu_ids && cpu < c->nr_possible; cpu++) {
			const struct lt_counters *x = &pc[cpu];
			__u64 n = 0;

			if (vec)
				n = x->hw_call_function + x->hw_call_function_single + x->hw_reschedule +
				    x->hw_ipi_irq + x->hw_doorbell;
			else
				for (int ca = 0; ca < LT_NR_CAUSES; ca++)
					n += x->csd_remote_by_cause[ca];
			json_push(rx, json_u64(n));
		}
	}
	json_set(o, "received_source", json_string(vec ? "irq_vectors" : csd_exec ? "csd_function_entry" : "none"));
	rem = json_set(o, "remote_calls_by_cause", csd_exec ? json_object() : json_null());
	if (csd_exec)
		for (int ca = 0; ca < LT_NR_CAUSES; ca++)
			json_set(rem, lt_cause_names[ca], json_u64(SUM(csd_remote_by_cause[ca])));
	/* the x86 /proc/interrupts TLB row counts exactly these, and before 5.13 the local runs
	 * of the callback by the flushing CPU (tlb_local_runs; the local run is not counted
	 * there from 5.13 on: flush_tlb_func checks initiating_cpu) */
	if (csd_exec || !c->hook_ok[H_FLUSH_TLB_FUNC])
		json_set(o, "tlb_remote_flush_received", num_or_null(csd_exec, SUM(tlb_remote_flush_received)));
	else
		json_set(o, "tlb_remote_flush_received", json_u64(SUM(tlb_remote_flush_fn)));
	json_set(o, "tlb_local_runs", num_or_null(csd_exec || (c->hook_ok[H_FLUSH_TLB_FUNC] && c->hook_ok[H_COND_TLB]),
						   csd_exec ? 0 : SUM(tlb_local_fn_runs)));
	return o;
}

static struct json *wakeups_json(const struct lt_trace_info *c, const struct lt_counters *pc)
{
	bool idle = c->hook_ok[H_CPU_IDLE];
	/* the receiving side attributes: the calls run, or the IPI itself (x86 vector, powerpc IPI line) */
	bool rx = c->hook_ok[H_CSD_FUNCTION_ENTRY] || c->hook_ok[H_RESCHEDULE_ENTRY] ||
		  c->hook_ok[H_IPI_IRQ];
	struct json *o = json_object(), *ib, *nb;

	ib = json_set(o, "idle_by_cause", idle && rx ? json_object() : json_null());
	nb = json_set(o, "nohz_full_by_cause", rx ? json_object() : json_null());
	for (int ca = 0; ca < LT_NR_CAUSES; ca++) {
		if (idle && rx)
			json_set(ib, lt_cause_names[ca], json_u64(SUM(idle_wake_by_cause[ca])));
		if (rx)
			json_set(nb, lt_cause_names[ca], json_u64(SUM(nohz_wake_by_cause[ca])));
	}
	json_set(o, "idle_without_ipi", num_or_null(idle, SUM(idle_without_ipi)));
	json_set(o, "idle_exits", num_or_null(idle, SUM(idle_exits)));
	return o;
}

/*
 * Remote TLB flushes (tlb_flush reason remote_send_ipi: one per flush_tlb_multi) by how
 * their remote part went: with_ipi queued a TLB-flush call for another CPU; without_ipi
 * queued none although another CPU ran the mm (the hypervisor flushed it: KVM's preempted
 * vCPUs, PVM; Hyper-V and Xen do not fire the event at all); no_active_target queued none
 * and no other CPU ran the mm (the kernel's lazy filter dropped them all); unknown: the mm
 * was not readable (a kthread's flush). Needs the tracepoint and the TLB-flush calls seen
 * where queued (metrics_flush_calls_queued). path: ipi, without_ipi, mixed or none.
 */
static struct json *remote_flush_json(const struct lt_trace_info *c, const struct lt_counters *pc)
{
	struct json *o;
	__u64 with = SUM(rflush_with_ipi), without = SUM(rflush_without_ipi);

	if (!c->hook_ok[H_TLB_FLUSH] || !metrics_flush_calls_queued(c))
		return json_null();
	o = json_object();
	json_set(o, "flushes", json_u64(SUM(tlb_flush_reason[LT_FR_REMOTE_SEND_IPI])));
	json_set(o, "with_ipi", json_u64(with));
	json_set(o, "without_ipi", json_u64(without));
	json_set(o, "no_active_target", json_u64(SUM(rflush_no_active_target)));
	json_set(o, "unknown", json_u64(SUM(rflush_unknown)));
	json_set(o, "path", json_string(!with && !without ? "none" : !without ? "ipi" : !with ? "without_ipi" : "mixed"));
	return o;
}

/* What else ran on the measured CPUs: others' CPU time and steal as shares of the measured CPU
 * time, interrupts other than IPIs. compare flags a change smaller than the noise's. */
static struct json *noise_json(const struct lt_trace_info *c, const struct lt_noise *n)
{
	struct json *o;
	double others;

	if (!n->known || !(n->cpus_s > 0))
		return json_null();
	/* busy can exceed the window by a tick per CPU (/proc/stat counts in jiffies) */
	others = (n->busy_s < n->cpus_s ? n->busy_s : n->cpus_s) - n->own_s;
	others = others > 0 ? others : 0;
	o = json_object();
	json_set(o, "others_cpu_s", json_double(others));
	json_set(o, "others_cpu_share", json_double(others / n->cpus_s));
	json_set(o, "own_cpu_s", json_double(n->own_s));
	json_set(o, "steal_s", json_double(n->steal_s));
	json_set(o, "steal_share", json_double(n->steal_s / n->cpus_s));
	json_set(o, "other_interrupts", json_u64(n->other_interrupts));
	json_set(o, "source", json_string("/proc/stat busy minus getrusage of lazytlb and its command; /proc/interrupts"));
	return o;
}

struct json *metrics_rep_json(const struct lt_trace_info *c, const struct lt_snapshot *s)
{
	const struct lt_counters *pc = s->pc;
	const struct lt_hist *hs = s->hs;
	struct json *rep = json_object(), *m, *tf, *h, *fts, *calls, *pf;
	bool sw = c->hook_ok[H_SCHED_SWITCH];
	bool fts_ok = c->hook_ok[H_FINISH_TASK_SWITCH];
	/* the end of a received hardware IPI: x86 vectors, the powerpc IPI line */
	bool vec_exit = c->hook_ok[H_CALL_FUNCTION_EXIT] || c->hook_ok[H_IPI_IRQ];
	bool lat_ok;

	json_set(rep, "duration_ns", json_u64(s->duration_ns));
	m = json_set(rep, "metrics", json_object());
	json_set(m, "switch", metrics_switch_json(c, pc, sw));
	json_set(m, "lazy", metrics_lazy_json(c, pc, hs, sw));
	json_set(m, "mmdrop", mmdrop_json(c, pc));
	json_set(m, "ipi", ipi_json(c, s));
	json_set(m, "wakeups", wakeups_json(c, pc));
	tf = json_set(m, "tlb_flush", json_object());
	if (c->hook_ok[H_TLB_FLUSH]) {
		struct json *br = json_set(tf, "by_reason", json_object());

		for (int r = 0; r < LT_NR_FLUSH_REASONS; r++)
			json_set(br, lt_flush_reason_names[r], json_u64(SUM(tlb_flush_reason[r])));
	} else {
		json_set(tf, "by_reason", json_null());
	}
	json_set(tf, "remote", remote_flush_json(c, pc));
	/* powerpc: TLB invalidation instructions, broadcast (no IPI) and local */
	if (c->hook_ok[H_PPC_TLBIE]) {
		struct json *ti = json_set(tf, "tlbie", json_object());

		json_set(ti, "global", json_u64(SUM(tlbie_global)));
		json_set(ti, "local", json_u64(SUM(tlbie_local)));
	} else {
		json_set(tf, "tlbie", json_null());
	}
	calls = json_set(m, "calls", json_object());
	json_set(calls, "membarrier", num_or_null(c->hook_ok[H_MEMBARRIER], SUM(membarrier_calls)));
	json_set(calls, "tlb_remove_table_sync_one", num_or_null(c->hook_ok[H_TABLE_SYNC], SUM(table_sync_calls)));
	json_set(calls, "flush_tlb_mm_range",
		 num_or_null(c->hook_ok[H_FLUSH_TLB_MM_RANGE], SUM(flush_tlb_mm_range_calls)));
	/* calls counted but left out of the flush_tlb_mm_range histograms: ftmr_calls was full */
	json_set(calls, "flush_tlb_mm_range_not_timed",
		 num_or_null(c->hook_ok[H_FLUSH_TLB_MM_RANGE], SUM(ftmr_full)));
	h = json_set(m, "hist", json_object());
	json_set(h, "flush_tlb_mm_range_ns",
		 hist_json_sel(c, hs, LT_H_FLUSH_TLB_MM_RANGE, "ns", c->hook_ok[H_FLUSH_TLB_MM_RANGE]));
	hist_split_json(c, hs, h, "flush_tlb_mm_range_by_path", c->hook_ok[H_FLUSH_TLB_MM_RANGE],
			(const char *const[]){ "ipi", "broadcast", "no_ipi" },
			(const int[]){ LT_H_FTMR_IPI, LT_H_FTMR_BROADCAST, LT_H_FTMR_NO_IPI }, 3);
	lat_ok = (c->hook_ok[H_IPI_SEND_CPU] || fallback_sends(c)) &&
		 (c->hook_ok[H_CALL_FUNCTION_ENTRY] || c->hook_ok[H_IPI_IRQ] || c->hook_ok[H_CSD_FUNCTION_ENTRY]);
	json_set(h, "ipi_latency_ns", hist_json_sel(c, hs, LT_H_IPI_LATENCY, "ns", lat_ok));
	/* idle at the send: the latency includes the target's exit from its C-state */
	hist_split_json(c, hs, h, "ipi_latency_by_target", lat_ok, (const char *const[]){ "idle", "not_idle" },
			(const int[]){ LT_H_IPI_LATENCY_IDLE, LT_H_IPI_LATENCY_BUSY }, 2);
	fts = json_set(h, "finish_task_switch_ns", fts_ok ? json_object() : json_null());
	if (fts_ok) {
		json_set(fts, "lazy_drop", hist_json_sel(c, hs, LT_H_FTS_LAZY_DROP, "ns", true));
		json_set(fts, "other", hist_json_sel(c, hs, LT_H_FTS_OTHER, "ns", true));
	}
	json_set(h, "nohz_interruption_ns", hist_json_sel(c, hs, LT_H_NOHZ_INTERRUPTION, "ns", vec_exit));
	json_set(m, "whatif", c->whatif && requests_source(c) ? metrics_whatif_json(c, pc, hs) : json_null());
	json_set(rep, "noise", noise_json(c, &s->noise));
	pf = json_set(rep, "procfs", json_object());
	json_set(pf, "interrupts_delta", irq_snapshot_delta_json(s->irq_begin, s->irq_end));
	/* how far the counts and the delta above may differ for reasons of timing alone */
	json_set(pf, "edge_ipis", json_u64(s->edge_ipis));
	json_set(pf, "hist_edge_ipis", json_u64(s->hist_edge_ipis));
	return rep;
}
