/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hist.h - the one histogram type in userspace: log-linear buckets as counted by
 * the BPF side (struct lt_hist in bpf/lazytlb.h), bucket bounds, percentiles,
 * and conversion to/from the result file's histogram object.
 */
#ifndef LT_HIST_H
#define LT_HIST_H

#include <linux/types.h>
#include <stdbool.h>
#include "bpf/lazytlb.h"
#include "lib/json.h"

/* Inclusive lower and exclusive upper bound of bucket i. */
__u64 hist_bucket_lo(unsigned int i);
__u64 hist_bucket_hi(unsigned int i);

void hist_add(struct lt_hist *h, __u64 v); /* userspace counting (workloads, tests) */
void hist_merge(struct lt_hist *dst, const struct lt_hist *src);
/* A histogram read while BPF programs update it (or reset under them) may be
 * torn: count and the bucket of one event seen on either side. The buckets
 * are the distribution, so count is made their sum (sum may be off by that
 * one event's value). */
void hist_untear(struct lt_hist *h);
void hist_sub(struct lt_hist *dst, const struct lt_hist *before); /* counts only; min/max kept */
/* Value at quantile q (0..1): linear interpolation inside the bucket that holds
 * it, clamped to [min, max]. 0 for an empty histogram. */
double hist_percentile(const struct lt_hist *h, double q);

/* Result-file form: { unit, count, sum, min, max, p50, p90, p99, p999, buckets:[[lo,hi,n]...] } */
struct json *hist_to_json(const struct lt_hist *h, const char *unit);
/* Parse the result-file form back (bucket bounds must be ours); -1 and err on bad input */
int hist_from_json(const struct json *j, struct lt_hist *h, char *err, size_t errlen);

/* Text rendering: one line per non-empty bucket with a bar, for summaries */
void hist_print(FILE *f, const struct lt_hist *h, const char *title, const char *unit);

#endif
