/* SPDX-License-Identifier: GPL-2.0 */
/* collector_int.h - the collector's state, shared by collector.c (BPF object
 * life) and metrics.c (turning map contents into the result schema). */
#ifndef LT_COLLECTOR_INT_H
#define LT_COLLECTOR_INT_H

#include <linux/types.h>
#include "../bpf/lazytlb.h"
#include "causes.h"
#include "collector.h"
#include "probes.h"
#include "procfs.h"

struct collector {
	struct collector_opts opts;
	struct lazytlb_bpf *skel;
	struct bpf_link *links[128];
	int nr_links;
	struct probe_env *env;
	struct hook_status st[H_NR_HOOKS];
	bool demoted[H_NR_HOOKS][M_NR_MODES];
	char demote_why[H_NR_HOOKS][M_NR_MODES][200];
	unsigned int nr_cpu_ids;  /* kernel's nr_cpu_ids */
	unsigned int nr_possible; /* values per per-CPU map element */
	uint64_t cpu_mask[LT_MAX_CPUS / 64];  /* CPUs reported on (-C) */
	uint64_t nohz_mask[LT_MAX_CPUS / 64];
	bool ct_known; /* context_tracking and __per_cpu_offset found in kallsyms */
	struct kconfig *kconfig;
	int stats_fd;
	struct lt_callback cbs[LT_MAX_CB_CAUSES]; /* named callbacks of this kernel (causes.c) */
	size_t nr_cbs;
	/* rep baseline of cb_counts, and the rep's deltas by callback (named) for metrics.c */
	struct lt_cb_count { struct lt_cb_key k; __u64 n; char name[128]; } cb_base[LT_MAX_CB_COUNTS], cb_rep[LT_MAX_CB_COUNTS];
	size_t nr_cb_base, nr_cb_rep;
	/* rep baseline */
	struct lt_counters base[LT_MAX_CPUS];
	struct irq_snapshot irq_base;
	__u64 t0;
	/* lazy-scheme evidence over all reps: hand-backs whose mm_count went up by
	 * one while the CPU was lazy (refcount) or stayed the same (shootdown) */
	__u64 ev_plus1, ev_zero;
};

bool collector_hook_ok(const struct collector *c, enum lt_hook h);
const struct hook_status *collector_probe_status(const struct collector *c);
int collector_read_percpu(const struct collector *c, int map_fd, __u32 key, void *vals, size_t val_size);

/* metrics.c */
struct json *metrics_rep_json(struct collector *c, const struct lt_counters *pc, const struct lt_hist *hs,
			      __u64 duration_ns, const struct irq_snapshot *a, const struct irq_snapshot *b);
void metrics_finalize_scheme(struct collector *c, struct json *result);

#endif
