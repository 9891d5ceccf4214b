/* SPDX-License-Identifier: GPL-2.0 */
/*
 * metrics.h - a snapshot (result/snapshot.h) to the result file's JSON (docs/result-schema.md):
 * the header, one rep object, and the lazy scheme over the reps. Nothing here changes the
 * snapshot or the trace info: what accumulates over reps is the caller's.
 */
#ifndef LT_METRICS_H
#define LT_METRICS_H

#include "result/snapshot.h"
#include "lib/json.h"

/* lazy-scheme evidence: hand-backs whose mm_count went up by one while the CPU was lazy
 * (refcount) or stayed (shootdown); the caller sums it over the reps it keeps */
struct lt_scheme_evidence {
	uint64_t plus1, zero;
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
