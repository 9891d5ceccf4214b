/* SPDX-License-Identifier: GPL-2.0 */
/*
 * top_view.h - `lazytlb top`'s screen: one interval's per-CPU figures pulled into a typed frame
 * (received IPIs by the cause of their send and the wakeups they caused, counted on the
 * receiving CPU; /proc/interrupts alongside; the top senders to the watched CPUs), printed from
 * it. The interval itself is the collector's (collector_interval, as `record -I` uses).
 */
#ifndef LT_TOP_VIEW_H
#define LT_TOP_VIEW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/types.h>
#include "bpf/lazytlb.h"
#include "lib/json.h"

#define TOP_MAX_SENDERS 20

struct top_cpu {
	unsigned int cpu;
	double rx;                        /* hardware IPIs received per second */
	double by_cause[LT_NR_CAUSES];    /* ... by the cause of their send */
	double idle_wk, nohz_wk;          /* wakeups of this CPU from idle, disturbances on nohz_full */
	double proc;                      /* /proc/interrupts IPI rows (CAL RES / IPI DBL) per second */
	bool proc_known, nohz_full;
};

struct top_sender {
	char cause[24], comm[16], callsite[96];
	unsigned int tgid;
	double rate, to_idle;             /* requests per second, and those to an idle CPU */
};

/* one frame; cause_seen and t_s carry over from frame to frame (the columns stay put) */
struct top_frame {
	double secs, t_s;                 /* the interval's length, and its end since the start */
	char kernel[64], cpus[64];        /* the release; the watched CPUs as a list */
	bool rx_known, cause_known, idle_known, nohz_known, senders_known;
	bool cause_seen[LT_NR_CAUSES];    /* a cause with IPIs in any frame so far */
	unsigned int nr_cpus;
	struct top_cpu cpu[LT_MAX_CPUS];
	struct top_sender snd[TOP_MAX_SENDERS];
	size_t nr_snd;
	double snd_total;                 /* requests per second to the watched CPUs, all senders */
};

/* Fill f from an interval's rep object (metrics_rep_json of collector_interval's snapshot) and
 * that snapshot's per-CPU counter deltas (nr elements); only the CPUs in mask are shown */
void top_frame_fill(struct top_frame *f, const struct json *rep, const struct lt_counters *pc, unsigned int nr,
		    const uint64_t *mask, const uint64_t *nohz_mask);
/* Print a frame: with ansi, in place from the top-left corner in rows x cols (the busiest CPUs
 * when they do not all fit); without, every CPU and then a blank line (a pipe, a file) */
void top_frame_print(FILE *out, const struct top_frame *f, int rows, int cols, bool ansi);

#endif
