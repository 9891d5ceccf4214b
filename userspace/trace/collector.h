/* SPDX-License-Identifier: GPL-2.0 */
/*
 * collector.h - the tracer as a library: load and attach the BPF programs
 * (choosing a variant per hook by probing), snapshot the per-CPU maps around
 * each rep, and turn the deltas into the result file's JSON (result-schema.md).
 * `lazytlb record` is one rep of this; `lazytlb run` loops it.
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
struct lt_counters;

/* Load and attach. NULL with a one-line reason in err (not root, no BTF, ...). */
struct collector *collector_open(const struct collector_opts *o, char *err, size_t errlen);
/* Start of a rep: snapshot maps and /proc/interrupts. */
int collector_rep_begin(struct collector *c);
/* End of a rep: returns the rep object of the schema ({duration_ns, metrics, procfs});
 * the caller adds "workload": {ops, ops_per_s} if it ran one. */
struct json *collector_rep_end(struct collector *c);
/* record -I: the counters since the last interval (or the rep's start) as a rep object without
 * histograms, callbacks or senders; the rep itself is not touched. NULL if the maps cannot be
 * read. */
struct json *collector_interval(struct collector *c);
/* the last collector_interval()'s counter deltas, one element per possible CPU (*nr of them),
 * for a per-CPU view (received IPIs and wakeups are counted on the receiving CPU); NULL before
 * the first interval */
const struct lt_counters *collector_interval_percpu(const struct collector *c, unsigned int *nr);
/* The result document without reps: schema, tool, host, kernel, probes, and an
 * empty "reps" array to push rep objects into. The caller sets "scenario". */
struct json *collector_result_new(struct collector *c);
/* Before writing a result: fill "overhead" (per-program run_cnt/run_time_ns
 * from BPF_ENABLE_STATS) and, where the kernel config did not say, the lazy
 * scheme observed over all reps. */
void collector_finalize(struct collector *c, struct json *result);
/* Detach everything. Safe on NULL. */
void collector_close(struct collector *c);
/* how target state guest is read (a static string), NULL when it is not */
const char *collector_guest_state_source(const struct collector *c);

#endif
