// SPDX-License-Identifier: GPL-2.0
/*
 * causes.c - which cross-CPU call callbacks mean which IPI cause (bpf/lt_names.h LT_CAUSES).
 *
 * A cause is told by the callback of the queued call (csd_queue_cpu's func, or the fallback
 * hooks' csd->func before 6.3). The names change across versions, so each cause lists the
 * names of every kernel from 5.10 on; a kernel has some of them. Presence was checked in
 * /proc/kallsyms of the Debian kernels of kernels-config/ (5.10.262, 6.1.176, 6.12.95,
 * 6.12.118, 7.2.13 amd64; 6.1.176, 6.12.95, 7.2.13 ppc64el) and is written next to each name.
 * Calls no name matches are "other" and listed by symbol (ipi.callbacks), never only counted.
 * Two causes are not callbacks: resched (no callback at all) and irq_work (any callback,
 * told by the csd type in bpf/core_fixes.bpf.h), and remote wakeups are also told by csd
 * type on kernels before 6.3 (csd_queue_cpu reports them as sched_ttwu_pending).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "bpf/lt_names.h"
#include "causes.h"
#include "lib/kallsyms.h"

static const struct {
	const char *name;
	enum lt_cause cause;
} names[] = {
	/* x86 user TLB flush: flush_tlb_func_remote up to 5.12 (5.10), flush_tlb_func from 5.13
	 * (6.1, 6.12, 7.2); powerpc radix multicast flushes (6.1-7.2) */
	{ "flush_tlb_func", LT_CAUSE_TLB_FLUSH },
	{ "flush_tlb_func_remote", LT_CAUSE_TLB_FLUSH },
	{ "do_tlbiel_pid", LT_CAUSE_TLB_FLUSH },
	{ "do_tlbiel_va", LT_CAUSE_TLB_FLUSH },
	{ "do_tlbiel_va_range", LT_CAUSE_TLB_FLUSH },
	/* shootdown kernels' __mmdrop (6.4+ with MMU_LAZY_TLB_SHOOTDOWN: ppc 6.12, 7.2) */
	{ "do_shoot_lazy_tlb", LT_CAUSE_SHOOT_LAZY },
	/* powerpc radix exit_lazy_flush_tlb (ppc 6.1-7.2) */
	{ "do_exit_flush_lazy_tlb", LT_CAUSE_EXIT_FLUSH_LAZY },
	/* membarrier(2), kernel/sched/membarrier.c (all) */
	{ "ipi_mb", LT_CAUSE_MEMBARRIER },
	{ "ipi_sync_core", LT_CAUSE_MEMBARRIER },
	{ "ipi_rseq", LT_CAUSE_MEMBARRIER },
	{ "ipi_sync_rq_state", LT_CAUSE_MEMBARRIER },
	/* mm/mmu_gather.c tlb_remove_table_sync_one (all) */
	{ "tlb_remove_table_smp_sync", LT_CAUSE_TABLE_SYNC },
	/* the scheduler's wake list: csd_queue_cpu names it sched_ttwu_pending (6.3+, all) */
	{ "sched_ttwu_pending", LT_CAUSE_WAKEUP },
	/* kernel TLB flushes: x86 flush_tlb_all / flush_tlb_kernel_range (vmalloc purge, all),
	 * change_page_attr (set_memory_*: module and BPF JIT text, all); powerpc radix
	 * flush_tlb_kernel_range when tlbie is off (ppc 6.1-7.2) */
	{ "do_flush_tlb_all", LT_CAUSE_KERNEL_TLB_FLUSH },
	{ "do_kernel_range_flush", LT_CAUSE_KERNEL_TLB_FLUSH },
	{ "__cpa_flush_all", LT_CAUSE_KERNEL_TLB_FLUSH },
	{ "__cpa_flush_tlb", LT_CAUSE_KERNEL_TLB_FLUSH },
	{ "do_tlbiel_kernel", LT_CAUSE_KERNEL_TLB_FLUSH },
	/* x86 text_poke_sync / smp_text_poke_sync_each_cpu (7.2): on_each_cpu(do_sync_core) (all) */
	{ "do_sync_core", LT_CAUSE_TEXT_PATCHING },
	/* kernel/rcu/tree_exp.h (all) */
	{ "rcu_exp_handler", LT_CAUSE_RCU_EXPEDITED },
	/* kick_ilb's csd (all); tick_nohz_full_kick_cpu's irq_work func (6.1+) */
	{ "nohz_csd_func", LT_CAUSE_NOHZ_KICK },
	{ "nohz_full_kick_func", LT_CAUSE_NOHZ_KICK },
	/* hrtick_start() for a remote rq (kernel/sched/core.c, all; SCHED_FEAT(HRTICK) is on by
	 * default with CONFIG_HRTIMER_REARM_DEFERRED in 7.2, off before) */
	{ "__hrtick_start", LT_CAUSE_HRTICK },
	/* powerpc book3s64 serialize_against_pte_lookup (THP collapse; ppc 6.1, 6.12; gone in 7.2) */
	{ "do_serialize", LT_CAUSE_POWERPC },
};

size_t causes_resolve(struct lt_callback *out, size_t max)
{
	struct ksym_query q[sizeof(names) / sizeof(names[0])] = {};
	size_t n = sizeof(names) / sizeof(names[0]), k = 0;

	for (size_t i = 0; i < n; i++) {
		q[i].name = names[i].name;
		q[i].allow_suffix = true;
	}
	ksym_resolve(q, n);
	for (size_t i = 0; i < n && k < max; i++) {
		if (!q[i].addr)
			continue;
		out[k].addr = q[i].addr;
		out[k].cause = names[i].cause;
		strncpy(out[k].name, q[i].found, sizeof(out[k].name) - 1);
		out[k].name[sizeof(out[k].name) - 1] = '\0';
		k++;
	}
	return k;
}

size_t cb_counts_read(int fd, unsigned int nr_possible, struct lt_cb_count *out)
{
	struct lt_cb_key key, next;
	__u64 *vals = calloc(nr_possible, sizeof(__u64));
	size_t n = 0;
	void *prev = NULL;

	if (!vals)
		return 0;
	while (n < LT_MAX_CB_COUNTS && !bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, vals))
			continue;
		out[n].k = key;
		out[n].n = 0;
		out[n].name[0] = '\0';
		for (unsigned int cpu = 0; cpu < nr_possible; cpu++)
			out[n].n += vals[cpu];
		n++;
	}
	free(vals);
	return n;
}

size_t cb_known_add(struct lt_cb_count *out, size_t n, const struct lt_counters *pc, unsigned int nr_possible,
		    const struct lt_callback *cbs, size_t nr_cbs)
{
	for (size_t i = 0; i < nr_cbs && i < LT_MAX_CB_CAUSES; i++) {
		struct lt_cb_key k = { .func = cbs[i].addr, .cause = cbs[i].cause };
		uint64_t sum = 0;
		size_t j;

		for (unsigned int cpu = 0; cpu < nr_possible; cpu++)
			sum += pc[cpu].cb_known[i];
		for (j = 0; j < n; j++)
			if (!memcmp(&out[j].k, &k, sizeof(k)))
				break;
		if (j == n) {
			out[n].k = k;
			out[n].n = 0;
			out[n++].name[0] = '\0';
		}
		out[j].n += sum;
	}
	return n;
}

static int by_count_desc(const void *a, const void *b)
{
	const struct lt_cb_count *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return x->k.func < y->k.func ? -1 : x->k.func > y->k.func;
}

size_t cb_counts_delta(const struct lt_cb_count *base, size_t nb, struct lt_cb_count *rep, size_t n,
		       const struct ksym_table *ks)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < nb; j++)
			if (!memcmp(&base[j].k, &rep[i].k, sizeof(struct lt_cb_key))) {
				rep[i].n -= base[j].n;
				break;
			}
		if (rep[i].n)
			rep[k++] = rep[i];
	}
	qsort(rep, k, sizeof(rep[0]), by_count_desc);
	for (size_t i = 0; i < k; i++) {
		uint64_t off = 0;
		const char *f = ksym_table_find(ks, rep[i].k.func, &off);

		/* a callback is a function's start: anything else is not its name */
		snprintf(rep[i].name, sizeof(rep[i].name), "%s", f && !off ? f : "");
	}
	return k;
}
