/* SPDX-License-Identifier: GPL-2.0 */
/*
 * metrics.h - a snapshot (result/snapshot.h) to the result file's JSON (docs/result-schema.md):
 * the header, one rep object, and the lazy scheme over the reps. Nothing here changes the
 * snapshot or the trace info: what accumulates over reps is the caller's.
 */
#ifndef LT_METRICS_H
#define LT_METRICS_H

#include <stdbool.h>
#include "result/snapshot.h"
#include "lib/json.h"
#include "lib/procfs.h"

/* lazy-scheme evidence: hand-backs whose mm_count went up by one while the CPU was lazy
 * (refcount) or stayed (shootdown); the caller sums it over the reps it keeps */
struct lt_scheme_evidence {
	uint64_t plus1, zero;
};

/*
 * A result file's header, typed: the facts of the kernel and the machine, read once by
 * metrics_header_read(), and what the command says of its run, set by the command. The
 * document is built from it in one go (metrics_result_json), nothing patched afterwards.
 */
struct lt_header {
	/* metrics_header_read() */
	char release[65];                      /* uname */
	char cmdline[4096];                    /* /proc/cmdline */
	const char *package;                   /* `vm run`'s kernel package (PKG=VERSION), NULL */
	struct lt_host host;
	/* the command's */
	struct json *probes;                   /* collector_probes_json() */
	bool skipped;                          /* no rep ran: why in skip_reason; no overhead */
	char skip_reason[512];
	struct lt_overhead overhead;           /* collector_overhead() */
	struct lt_scheme_evidence ev;          /* summed over the reps kept */
};

/* The kernel's and the machine's facts into a zeroed *h */
void metrics_header_read(struct lt_header *h);
/* The result document: schema, tool, host, kernel, probes, options, reps, scenario, then
 * overhead (or skipped). Takes h->probes, scenario and reps (a JSON array of rep objects). */
struct json *metrics_result_json(const struct lt_trace_info *t, struct lt_header *h, struct json *scenario,
				 struct json *reps);
/* Free what the command set (probes, overhead); the facts stay */
void metrics_header_release(struct lt_header *h);
/* the result's "overhead" object */
struct json *metrics_overhead_json(const struct lt_overhead *ov);
/* One rep object: {duration_ns, metrics, procfs} */
struct json *metrics_rep_json(const struct lt_trace_info *t, const struct lt_snapshot *s);
/* Add a rep's hand-back evidence to *ev (nothing when context switches were not traced) */
void metrics_scheme_evidence(const struct lt_trace_info *t, const struct lt_snapshot *s,
			     struct lt_scheme_evidence *ev);
/* "refcount" | "shootdown" (NULL: not known), and where that came from (kernel.scheme_source) */
const char *metrics_scheme(const struct lt_trace_info *c, const char **source);
/* The scheme the hand-backs of all reps point to, "unknown" short of a clear majority; a
 * warning when it contradicts the kernel's own word */
const char *metrics_scheme_observed(const struct lt_trace_info *t, const struct lt_scheme_evidence *ev);

#endif
