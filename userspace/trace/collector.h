/* SPDX-License-Identifier: GPL-2.0 */
/*
 * collector.h - the tracer as a library: load and attach the BPF programs
 * (choosing a variant per hook by probing), and snapshot the per-CPU maps around
 * each rep (result/snapshot.h). The commands turn the snapshots into the result
 * file (analysis/metrics.h). `lazytlb record` is one rep of this; `lazytlb run`
 * loops it.
 */
#ifndef LT_COLLECTOR_H
#define LT_COLLECTOR_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/json.h"

struct collector;

struct collector_opts {
	const char *cpus;          /* cpulist to report on (NULL: all online) */
	bool whatif;               /* evaluate the what-if filters at each IPI send */
	uint64_t race_window_ns;   /* what-if race-exposure window (default 1 ms) */
	const char *btf_custom_path; /* BTF for kernels without /sys/kernel/btf/vmlinux */
	bool quiet;                /* no libbpf/probing chatter on stderr */
	bool empty;                /* same programs, empty bodies: the overhead floor */
	bool stats;                /* BPF_ENABLE_STATS: "overhead.programs" (off: it stays empty) */
	bool no_senders;           /* do not count requests by sender (metrics.ipi.senders null) */
	bool stacks;               /* keep each sender's kernel stack in the result */
	const char *sender_cpus;   /* senders: only requests to these CPUs (cpulist; NULL all) */
	bool interval_senders;     /* collector_interval() counts the interval's senders too (top) */
};
struct lt_overhead;
struct lt_snapshot;
struct lt_trace_info;

/* Load and attach. NULL with a one-line reason in err (not root, no BTF, ...). */
struct collector *collector_open(const struct collector_opts *o, char *err, size_t errlen);
/* Start of a rep: snapshot maps and /proc/interrupts. */
int collector_rep_begin(struct collector *c);
/* End of a rep: its snapshot, the caller's to free (lt_snapshot_free); NULL if the maps
 * cannot be read */
struct lt_snapshot *collector_rep_end(struct collector *c);
/* record -I, top: the counters since the last interval (or the rep's start), without
 * histograms or callbacks, and senders only with interval_senders; the rep itself is not
 * touched. The caller's to free; NULL if the maps cannot be read. */
struct lt_snapshot *collector_interval(struct collector *c);
/* what the snapshots are read against (hooks attached, CPUs reported on, options) */
const struct lt_trace_info *collector_info(const struct collector *c);
/* Which variant of each hook attached, and why the others did not: the result's "probes" */
struct json *collector_probes_json(const struct collector *c);
/* The programs' run counts and times (BPF_ENABLE_STATS) into *ov (ov->progs is the caller's
 * to free); 0, or -ENOMEM */
int collector_overhead(const struct collector *c, struct lt_overhead *ov);
/* Detach everything. Safe on NULL. */
void collector_close(struct collector *c);
/* how target state guest is read (a static string), NULL when it is not */
const char *collector_guest_state_source(const struct collector *c);

#endif
