/* SPDX-License-Identifier: GPL-2.0 */
/* collector_int.h - the collector's state, shared by the two halves of trace/: collector.c
 * (the BPF object's life: probing, loading, attaching, closing) and rep.c (reading the maps
 * around reps and intervals into snapshots). Nothing outside trace/ includes it. */
#ifndef LT_COLLECTOR_INT_H
#define LT_COLLECTOR_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/types.h>
#include "bpf/lazytlb.h"
#include "result/snapshot.h"
#include "lib/procfs.h"
#include "causes.h"
#include "collector.h"
#include "probes.h"

struct sender_rows;
struct ksym_table;

struct collector {
	struct collector_opts opts;
	struct lazytlb_bpf *skel;
	struct bpf_link *links[128];
	int nr_links;
	struct probe_env *env;
	struct hook_status st[H_NR_HOOKS];
	bool demoted[H_NR_HOOKS][M_NR_MODES];
	char demote_why[H_NR_HOOKS][M_NR_MODES][200];
	struct lt_trace_info info; /* what metrics.c needs to know of this collector */
	uint64_t nohz_mask[LT_MAX_CPUS / 64];
	struct kconfig *kconfig;
	int stats_fd;
	struct lt_callback cbs[LT_MAX_CB_CAUSES]; /* named callbacks of this kernel (causes.c) */
	size_t nr_cbs;
	/* rep baseline of cb_counts' rows and the named callbacks' (counters.cb_known) */
	struct lt_cb_count cb_base[LT_MAX_CB_COUNTS + LT_MAX_CB_CAUSES];
	size_t nr_cb_base;
	/* rep baseline */
	struct lt_counters *base; /* [nr_possible] */
	struct irq_snapshot irq_base;
	uint64_t edge_base; /* IPIs that landed while the base was read (read_together) */
	uint64_t hist_edge_base; /* ... while the histograms were zeroed (and the base read) */
	__u64 t0;
	/* noise: /proc/stat and our own CPU time at rep start */
	struct cpu_times ct_base;
	double own_base;
	/* record -I: the counters and /proc/interrupts at the last interval's end */
	struct lt_counters *ival_prev;
	struct irq_snapshot ival_irq;
	uint64_t ival_edge;
	__u64 ival_t;
	/* ... and with interval_senders the senders map at the last interval's end and at this one's */
	struct sender_rows *ival_snd, *ival_snd_now;
	/* senders: the map at rep start; kallsyms for their stacks (read at the first rep end) */
	struct sender_rows *snd_base;
	struct ksym_table *ksyms;
};

#endif
