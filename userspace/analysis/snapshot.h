/* SPDX-License-Identifier: GPL-2.0 */
/*
 * snapshot.h - what the collector read, as plain data: the facts fixed while it runs
 * (struct lt_trace_info) and one rep's map contents (struct lt_snapshot). metrics.c turns
 * them into the result file (docs/result-schema.md) and knows nothing of libbpf or of the
 * collector, which fills them (trace/collector.c).
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

/* one sender's requests in a rep (issue 16): cause, task, where in the kernel */
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

/* what else ran on the measured CPUs during a rep (issue 16): CPU time not spent by lazytlb or
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
	const char *sender_cpus;               /* senders: only requests to these CPUs (NULL: all) */
	unsigned int sender_rows[3];           /* senders' table sizes: per task, folded, stacks */
	uint64_t race_window_ns;
	const char *btf_custom_path;           /* NULL: /sys/kernel/btf/vmlinux */
	const struct kconfig *kconfig;
};

/* lazy-scheme evidence: hand-backs whose mm_count went up by one while the CPU was lazy
 * (refcount) or stayed (shootdown); the caller sums it over the reps it keeps */
struct lt_scheme_evidence {
	uint64_t plus1, zero;
};

struct lt_snapshot {
	const struct lt_counters *pc;          /* [nr_possible]: the rep's deltas */
	const struct lt_hist *hs;              /* [LT_NR_HISTS][nr_possible]: the rep's */
	uint64_t duration_ns;
	const struct irq_snapshot *irq_begin, *irq_end;
	uint64_t edge_ipis;                    /* IPIs /proc saw land while an edge was read */
	uint64_t hist_edge_ipis;               /* ... while the histograms were zeroed or read */
	const struct lt_cb_count *cbs;         /* queued calls per callback, most first */
	size_t nr_cbs;
	const struct lt_sender *senders;       /* requests per sender, most first */
	size_t nr_senders;
	struct lt_noise noise;
};

/* The result document without reps (schema, tool, host, kernel, probes, options, "reps": []) */
struct json *metrics_result_new(const struct lt_trace_info *t, struct json *probes);
/* One rep object: {duration_ns, metrics, procfs} */
struct json *metrics_rep_json(const struct lt_trace_info *t, const struct lt_snapshot *s);
/* Add a rep's hand-back evidence to *ev (nothing when context switches were not traced) */
void metrics_scheme_evidence(const struct lt_trace_info *t, const struct lt_snapshot *s,
			     struct lt_scheme_evidence *ev);
/* The scheme over all reps (the hand-back evidence cross-checks the kernel's own word) */
void metrics_finalize_scheme(const struct lt_trace_info *t, const struct lt_scheme_evidence *ev,
			     struct json *result);

#endif
