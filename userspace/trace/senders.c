// SPDX-License-Identifier: GPL-2.0
/* senders.c - see senders.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "bpf/lazytlb.h"
#include "lib/kallsyms.h"
#include "senders.h"

/* rows of the three tables and the pinned rows, each with its level: the finest that had room
 * (enum lt_fold) */
#define SENDER_ROWS_MAX (LT_MAX_SENDERS + LT_MAX_SENDERS_FOLDED + LT_NR_CAUSES)
struct row {
	struct lt_sender_key k;
	struct lt_sender_val v;
	enum lt_fold level;
};
struct sender_rows {
	size_t n, cap;
	struct row *r;
};

static void row_add(struct row *w, const struct lt_sender_val *v)
{
	w->v.requests += v->requests;
	w->v.to_idle += v->to_idle;
	w->v.to_nohz_full += v->to_nohz_full;
}

/* the row of `key` summed over CPUs (vals: a buffer of nr_possible values) */
static void add_row(struct sender_rows *r, int fd, const void *key, enum lt_fold level, unsigned int nr_possible,
		    struct lt_sender_val *vals)
{
	struct row *w = &r->r[r->n];

	if (r->n >= r->cap || bpf_map_lookup_elem(fd, key, vals))
		return;
	memset(w, 0, sizeof(*w));
	if (level == LT_FOLD_CAUSE)
		w->k.cause = *(const __u32 *)key;
	else
		w->k = *(const struct lt_sender_key *)key;
	w->level = level;
	for (unsigned int cpu = 0; cpu < nr_possible; cpu++)
		row_add(w, &vals[cpu]);
	if (level != LT_FOLD_CAUSE || w->v.requests) /* the per-cause array has every cause */
		r->n++;
}

/* each CPU's claimed pinned rows, as per-task rows (merged with the table's below) */
static void add_pins(struct sender_rows *r, int fd, unsigned int nr_possible, struct lt_sender_pin *pins)
{
	for (__u32 i = 0; fd >= 0 && i < LT_SENDER_PINS; i++) {
		if (bpf_map_lookup_elem(fd, &i, pins))
			return;
		for (unsigned int cpu = 0; cpu < nr_possible && r->n < r->cap; cpu++) {
			if (!pins[cpu].check || !pins[cpu].v.requests)
				continue;
			memset(&r->r[r->n], 0, sizeof(r->r[0]));
			r->r[r->n].k = pins[cpu].k;
			r->r[r->n].level = LT_FOLD_NONE;
			row_add(&r->r[r->n++], &pins[cpu].v);
		}
	}
}

static int by_level_key(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->level != y->level)
		return x->level < y->level ? -1 : 1;
	return memcmp(&x->k, &y->k, sizeof(x->k));
}

/* one row per (level, key): a key counted in pinned rows of several CPUs and in the table */
static void merge_rows(struct sender_rows *r)
{
	size_t k = 0;

	qsort(r->r, r->n, sizeof(r->r[0]), by_level_key);
	for (size_t i = 0; i < r->n; i++) {
		if (k && !by_level_key(&r->r[k - 1], &r->r[i]))
			row_add(&r->r[k - 1], &r->r[i].v);
		else
			r->r[k++] = r->r[i];
	}
	r->n = k;
}

int senders_read(const struct senders_fds *fd, unsigned int nr_possible, struct sender_rows **rows)
{
	struct sender_rows *r = *rows ?: calloc(1, sizeof(*r));
	struct lt_sender_val *vals = calloc(nr_possible, sizeof(*vals));
	struct lt_sender_pin *pins = calloc(nr_possible, sizeof(*pins));
	struct lt_sender_key key, next;
	const int hashes[] = { fd->task, fd->folded };
	void *prev;

	if (r && !r->r) {
		r->cap = SENDER_ROWS_MAX + (size_t)LT_SENDER_PINS * nr_possible;
		r->r = calloc(r->cap, sizeof(*r->r));
	}
	if (!r || !r->r || !vals || !pins) {
		if (r != *rows) {
			if (r)
				free(r->r);
			free(r);
		}
		free(vals);
		free(pins);
		return -ENOMEM; /* *rows, if any, stays as it was */
	}
	*rows = r;
	r->n = 0;
	/* the pinned rows first, right after the counters (read_together): they hold the senders
	 * that keep sending, the likeliest to count a request between the two reads */
	add_pins(r, fd->pins, nr_possible, pins);
	for (int level = LT_FOLD_NONE; level <= LT_FOLD_TGID; level++)
		for (prev = NULL; !bpf_map_get_next_key(hashes[level], prev, &next); prev = &key) {
			key = next;
			add_row(r, hashes[level], &key, level, nr_possible, vals);
		}
	for (__u32 cause = 0; cause < LT_NR_CAUSES; cause++)
		add_row(r, fd->cause, &cause, LT_FOLD_CAUSE, nr_possible, vals);
	merge_rows(r);
	free(vals);
	free(pins);
	return 0;
}

void senders_rows_free(struct sender_rows *r)
{
	if (r)
		free(r->r);
	free(r);
}

/*
 * The IPI plumbing between a callsite and the send, by name prefix, from the kernel sources
 * 5.10-7.2: the tracer's frames (BPF, tracepoints, kprobes); smp.c and the arch IPI senders;
 * the TLB-flush layers (x86 flush_tlb_mm_range -> native/kvm/hyperv/xen_flush_tlb_multi,
 * tlb_finish_mmu/tlb_flush_mmu, try_to_unmap_flush; powerpc radix__flush_*); the wakeup
 * layers (try_to_wake_up, __wake_up_common, ttwu_queue_wakelist, resched_curr,
 * check_preempt_curr/wakeup_preempt); irq_work_queue_on; lazy mm teardown (cleanup_lazy_tlbs).
 * What is left is the function that asked: zap_pte_range's caller, mprotect_fixup,
 * membarrier_private_expedited, pipe_write, futex_wake, ...
 */
static const char *const plumbing[] = {
	"bpf_", "__bpf_", "__traceiter_", "trace_call_bpf", "perf_trace_", "kprobe_", "ftrace_",
	"__x64_sys_bpf", "__sys_bpf",
	"smp_call_function", "__smp_call_", "generic_exec_single", "on_each_cpu", "send_call_function",
	"native_send_call_func", "arch_send_call_function", "smp_send_reschedule", "native_smp_send_reschedule",
	"arch_smp_send_reschedule", "x2apic_send_IPI", "__x2apic_send_IPI", "default_send_IPI", "apic_send_IPI",
	"kvm_send_ipi", "__send_ipi", "smp_muxed_ipi", "smp_pseries_cause_ipi", "doorbell_", "do_message_pass",
	"flush_tlb_mm_range", "native_flush_tlb_multi", "flush_tlb_multi", "kvm_flush_tlb_multi",
	"hyperv_flush_tlb_multi", "xen_flush_tlb_multi", "flush_tlb_func", "arch_tlbbatch_flush",
	"try_to_unmap_flush", "tlb_", "flush_tlb_page", "flush_tlb_range", "flush_tlb_mm", "ptep_clear_flush",
	"radix__", "__flush_all_mm", "__flush_tlb", "native_flush_tlb", "do_kernel_range_flush",
	"try_to_wake_up", "wake_up_", "__wake_up", "autoremove_wake_function", "default_wake_function",
	"woken_wake_function", "swake_up", "pollwake", "ep_poll_callback", "ttwu_", "__ttwu_", "resched_curr", "__resched_curr", "resched_cpu", "check_preempt",
	"kick_process",
	"wakeup_preempt", "wake_q_", "irq_work_queue", "__irq_work_queue", "cleanup_lazy_tlbs",
	"text_poke", "smp_text_poke", "arch_jump_label_transform", "do_sync_core",
};

bool sender_plumbing(const char *func)
{
	for (size_t i = 0; i < sizeof(plumbing) / sizeof(plumbing[0]); i++)
		if (!strncmp(func, plumbing[i], strlen(plumbing[i])))
			return true;
	return false;
}

static int by_requests_desc(const void *a, const void *b)
{
	const struct lt_sender *x = a, *y = b;

	if (x->requests != y->requests)
		return x->requests < y->requests ? 1 : -1;
	return strcmp(x->callsite, y->callsite);
}

/* the callsite and (when asked) the frames of stack `id` (sender_stacks key) into s */
static void symbolize(struct lt_sender *s, int stack_fd, __u64 id, const struct ksym_table *ks, bool stacks)
{
	__u64 ips[LT_SENDER_DEPTH] = {};
	unsigned int depth = 0;

	snprintf(s->callsite, sizeof(s->callsite), "%s", !id ? "(stack not kept)" : "(unknown)");
	if (!id || bpf_map_lookup_elem(stack_fd, &id, ips))
		return;
	while (depth < LT_SENDER_DEPTH && ips[depth])
		depth++;
	if (stacks && depth)
		s->stack = calloc(depth, sizeof(*s->stack));
	s->depth = s->stack ? depth : 0;
	s->truncated = depth == LT_SENDER_DEPTH;
	bool beyond = false; /* a frame outside the tracer's own */

	for (unsigned int i = 0, found = 0; i < depth; i++) {
		uint64_t off = 0;
		const char *f = ksym_table_find(ks, ips[i], &off);

		if (s->stack)
			snprintf(s->stack[i], sizeof(s->stack[i]), "%s+0x%llx", f ? f : "?", (unsigned long long)off);
		beyond = beyond || !f || (strncmp(f, "bpf_", 4) && strncmp(f, "__bpf_", 6));
		if (!found && f && !sender_plumbing(f)) {
			snprintf(s->callsite, sizeof(s->callsite), "%s", f);
			found = 1;
		}
	}
	/* powerpc (6.12, 7.2): a tracepoint program's stack is its own frame alone, the unwinder
	 * stops at the BPF program; kprobe programs' stacks (6.1) go further */
	if (depth && !beyond)
		snprintf(s->callsite, sizeof(s->callsite), "(the stack stops in the tracer here)");
}

size_t senders_delta(const struct sender_rows *begin, const struct sender_rows *end, int stack_fd,
		     const struct ksym_table *ks, bool stacks, struct lt_sender **out)
{
	struct lt_sender *s = calloc(end && end->n ? end->n : 1, sizeof(*s));
	size_t k = 0;

	*out = s;
	if (!s || !end)
		return 0;
	for (size_t i = 0; i < end->n; i++) {
		struct lt_sender_val v = end->r[i].v;

		for (size_t j = 0; begin && j < begin->n; j++)
			if (begin->r[j].level == end->r[i].level &&
			    !memcmp(&begin->r[j].k, &end->r[i].k, sizeof(struct lt_sender_key))) {
				v.requests -= begin->r[j].v.requests;
				v.to_idle -= begin->r[j].v.to_idle;
				v.to_nohz_full -= begin->r[j].v.to_nohz_full;
				break;
			}
		if (!v.requests)
			continue;
		s[k].cause = end->r[i].k.cause;
		s[k].tgid = end->r[i].k.tgid;
		memcpy(s[k].comm, end->r[i].k.comm, sizeof(s[k].comm));
		s[k].comm[sizeof(s[k].comm) - 1] = '\0';
		s[k].requests = v.requests;
		s[k].to_idle = v.to_idle;
		s[k].to_nohz_full = v.to_nohz_full;
		s[k].folded = end->r[i].level;
		if (s[k].folded == LT_FOLD_CAUSE) {
			snprintf(s[k].comm, sizeof(s[k].comm), "(any)");
			snprintf(s[k].callsite, sizeof(s[k].callsite), "(any: folded per cause)");
		} else {
			symbolize(&s[k], stack_fd, end->r[i].k.stack, ks, stacks);
		}
		k++;
	}
	qsort(s, k, sizeof(*s), by_requests_desc);
	return k;
}

