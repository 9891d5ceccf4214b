/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compare_input.h - the result files as `compare` and `plot` read them:
 * loading with schema checks, short series labels, and a generic walk over
 * the numeric leaves and histograms of the reps, so a metric added to the
 * collector shows up here without code changes.
 */
#ifndef LT_COMPARE_INPUT_H
#define LT_COMPARE_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include "hist.h"
#include "lib/json.h"

#define LT_RESULT_SCHEMA "lazytlb-result/1"

struct lt_result {
	const char *path;
	struct json *doc;
	const struct json *reps; /* array of >= 1 rep objects, each with duration_ns > 0 */
	size_t nreps;
	const char *skipped;     /* a scenario its kernel could not run: the reason; no reps */
	char label[128];         /* short series name, see results_load() */
	bool per_op;             /* counters per workload op, not per second (results_per_op) */
};

/* Load and check every file; label them by kernel.release, adding host.arch
 * when the files' arches differ and using the file name when labels tie.
 * On error prints one line naming the file (lt_err) and returns LT_EXIT_USAGE.
 * A skipped scenario's file ("skipped": {"reason"}, no reps) is kept with ->skipped set
 * when keep_skipped, else left out with a warning (*n shrinks; none left is an error). */
int results_load(char *const *paths, size_t *n, struct lt_result **out, bool keep_skipped);
void results_free(struct lt_result *r, size_t n);
/* --label A,B,...: one name per file, in order. 0, or LT_EXIT_USAGE after one line. */
int results_set_labels(struct lt_result *r, size_t n, const char *csv);
/* Short kernel name of file i: kernel.release, plus host.arch when the files'
 * arches differ; the file name without ".json" if there is no release. */
void result_kernel_name(const struct lt_result *r, size_t n, size_t i, char *buf, size_t len);
/* For the compare and plot command lines: getopt_long's ':' (an option
 * without its value) or '?' (an unknown option) as one usage line, after
 * opterr = 0 and an optstring starting with ':'. Returns LT_EXIT_USAGE. */
int results_bad_option(int c, char *const *argv);
/* A string field of the document ("kernel.release"), or dflt. */
const char *result_str(const struct lt_result *r, const char *dotted, const char *dflt);
/* The share of the measured CPU time that something else took during the reps (mean over
 * reps of noise.others_cpu_share + noise.steal_share), NaN in files without it */
double result_noise_share(const struct lt_result *r);
/* How far (in %) a rate may move from that noise alone between files 0 and i: a change dn
 * in others' share takes CPU from the workload's threads and from their peers alike, so a
 * rate can move by up to 1/(1-dn)^2 (a busy peer: tlb_flush IPIs/s 411 vs 1,216, +196%, at
 * dn ~ 0.5). 0 when dn < 0.02 or unknown, INFINITY at dn >= 0.95. */
double result_noise_bound_pct(const struct lt_result *r, size_t i);
/* Warnings worth a line on stderr: too few reps, scenarios that differ, noise that differs.
 * Appends one string per warning to arr (a JSON array). */
void results_warnings(const struct lt_result *r, size_t n, struct json *arr);

/* Where a dotted path inside a rep leads: a value, a null (probe unavailable)
 * on the way, or nothing (metric not recorded by that tool version). */
enum lookup { LOOKUP_OK, LOOKUP_NULL, LOOKUP_ABSENT };
enum lookup rep_lookup(const struct json *rep, const char *path, const struct json **out);
const char *lookup_str(enum lookup l); /* "ok", "probe unavailable", "not recorded" */

/* Integer leaves are counters and compare as per-second rates over the rep's
 * duration_ns (reps of different length compare); leaves whose name ends in
 * "_s" or "_ns" are rates, durations or settings, and doubles are gauges:
 * those compare as they are. */
enum metric_kind { MK_NONE, MK_COUNTER, MK_GAUGE, MK_HIST };

struct metric {
	char *path;            /* dotted, inside a rep: "metrics.ipi.sent" */
	enum metric_kind kind; /* MK_NONE: null in every file */
};

struct metric_list {
	struct metric *v;
	size_t n, cap;
};

/* Union over all files and reps of the leaves under root ("metrics",
 * "procfs.interrupts_delta"), in order of first appearance; a histogram
 * (an object with "buckets") is one MK_HIST leaf. */
void metrics_collect(const struct lt_result *r, size_t n, const char *root, struct metric_list *out);
void metric_list_free(struct metric_list *l);

/* Per-rep values of a counter/gauge in one file (rates for counters) into
 * out[nreps]; *n gets how many reps had a value. LOOKUP_OK if any did, else
 * LOOKUP_NULL if any rep had a null, else LOOKUP_ABSENT. */
enum lookup metric_values(const struct lt_result *r, const struct metric *m, double *out, size_t *n);
/* A counter's sum over the reps that have it, and those reps' seconds. */
enum lookup metric_total(const struct lt_result *r, const struct metric *m, double *sum, double *secs);
/* The histogram at path, merged over reps, and optionally each rep's (per_rep[nreps],
 * empty where the rep has none). Status as for metric_values. */
enum lookup metric_hists(const struct lt_result *r, const char *path, struct lt_hist *merged,
			 struct lt_hist *per_rep);
/* The "unit" of the first histogram found at path, or "". */
const char *metric_hist_unit(const struct lt_result *r, size_t n, const char *path);

#endif
