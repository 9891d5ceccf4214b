/* SPDX-License-Identifier: GPL-2.0 */
/*
 * snapshot.h - what the collector read, as plain data: the facts fixed while it runs
 * (struct lt_trace_info) and one rep's or interval's map contents (struct lt_snapshot). The
 * collector (trace/) fills them and hands them up; analysis/metrics.c derives the result
 * file's figures from them (docs/result-schema.md) and knows nothing of libbpf.
 */
#ifndef LT_SNAPSHOT_H
#define LT_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "bpf/lazytlb.h"
#include "result/names.h"
#include "lib/procfs.h"

/* one callback's queued calls in a rep, named from kallsyms ("" when not found) */
struct lt_cb_count {
	struct lt_cb_key k;
	__u64 n;
	char name[128];
};

/* one sender's requests in a rep: cause, task, where in the kernel */
#define LT_SENDER_FRAME 96
/* how far a sender's row was folded: the finest table with room (bpf/lazytlb.h) */
enum lt_fold { LT_FOLD_NONE, LT_FOLD_TGID, LT_FOLD_CAUSE };
struct lt_sender {
	uint32_t cause, tgid;
	enum lt_fold folded;                   /* NONE: per task; TGID: per comm (tgid 0); CAUSE: per cause */
	char comm[16];
	char callsite[LT_SENDER_FRAME];        /* the first frame outside the IPI plumbing */
	uint64_t requests, to_idle, to_nohz_full;
	char (*stack)[LT_SENDER_FRAME];        /* with --stacks: "func+0xoff", innermost first */
	unsigned int depth;
	bool truncated;                        /* the stack filled all LT_SENDER_DEPTH frames: deeper ones lost */
};

/* what else ran on the measured CPUs during a rep: CPU time not spent by lazytlb or
 * the command it ran, steal time, interrupts other than IPIs */
struct lt_noise {
	bool known;
	double cpus_s;                         /* measured CPUs x the rep's duration */
	double busy_s, own_s, steal_s;         /* /proc/stat busy and steal; getrusage self + children */
	uint64_t other_interrupts;             /* /proc/interrupts: all minus the IPI rows */
};

struct lt_trace_info {
	unsigned int nr_cpu_ids;               /* the kernel's nr_cpu_ids */
	unsigned int nr_possible;              /* values per per-CPU map element */
	uint64_t cpu_mask[LT_MAX_CPUS / 64];   /* the CPUs reported on (-C) */
	bool hook_ok[H_NR_HOOKS];              /* some variant of the hook attached */
	const char *ct_source;                 /* context tracking read by: "kallsyms", "btf"; NULL not */
	char ct_why[240];                      /* ... why not */
	bool hp_known;                         /* the hotplug steps found in kallsyms (bpf on_cpuhp) */
	bool hp_wait_empty;                    /* ... and the 7.x switch to init_mm at sched_cpu_wait_empty */
	bool shoot_lazy_ksym;                  /* do_shoot_lazy_tlb in kallsyms */
	bool whatif;                           /* the what-if filters were evaluated */
	bool kentry;                           /* kernel-entry hooks on: defer-to-kernel-entry delays */
	bool broadcast_flush;                  /* this kernel flushes by INVLPGB broadcast (probed) */
	char broadcast_probe[96];              /* how that was decided */
	const char *guest_source;              /* how target state guest is read (probes.c) */
	bool core_facts_known;                 /* ... and context tracking checked by the load's CO-RE */
	bool membarrier_args;                  /* membarrier traced with its arguments (kernel skips) */
	bool senders, stacks;                  /* requests counted by sender; their stacks kept */
	bool sender_task_btf;                  /* the sender's name read from its task (probed), not by helper */
	const char *sender_cpus;               /* senders: only requests to these CPUs (NULL: all) */
	unsigned int sender_rows[3];           /* senders' table sizes: per task, folded, stacks */
	uint64_t race_window_ns;
	const char *btf_custom_path;           /* NULL: /sys/kernel/btf/vmlinux */
	const struct kconfig *kconfig;
};

/* one rep or interval, owning everything it points to (lt_snapshot_free) */
struct lt_snapshot {
	struct lt_counters *pc;                /* [nr_possible]: the rep's deltas */
	struct lt_hist *hs;                    /* [LT_NR_HISTS][nr_possible]: the rep's (zero in an interval) */
	uint64_t duration_ns;
	struct irq_snapshot *irq_begin, *irq_end;
	uint64_t edge_ipis;                    /* IPIs /proc saw land while an edge was read */
	uint64_t hist_edge_ipis;               /* ... while the histograms were zeroed or read */
	struct lt_cb_count *cbs;               /* queued calls per callback, most first */
	size_t nr_cbs;
	struct lt_sender *senders;             /* requests per sender, most first */
	size_t nr_senders;
	struct lt_noise noise;
};

void lt_snapshot_free(struct lt_snapshot *s);

/* what the programs cost, by the kernel's own accounting (BPF_ENABLE_STATS), since load */
struct lt_prog_cost {
	char name[128];
	uint64_t run_cnt, run_time_ns;
};
struct lt_overhead {
	bool stats_enabled;                    /* off: no programs listed */
	struct lt_prog_cost *progs;            /* malloc'ed */
	size_t nr_progs;
};

#endif
