// SPDX-License-Identifier: GPL-2.0
/*
 * plot_keys.c - report.md's key numbers of a scenario run by one file: the figures a reader
 * looks for first, named in words, per second of each rep (mean over reps, with the spread),
 * and the IPI latency percentiles; rows whose figure is 0 or was not measured are left out
 * (one line says which of them were not measured).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "result/names.h"
#include "stats.h"
#include "plot.h"

static const struct key_row {
	const char *label, *path;
} key_rows[] = {
	{ "lazy mm grabs (user -> kernel thread or idle)", "metrics.lazy.grabs" },
	{ "refcount atomics on mm_count", "metrics.lazy.refcount_atomics" },
	{ "__mmdrop calls", "metrics.mmdrop.mmdrop" },
	{ "shoot-lazy IPIs", "metrics.mmdrop.shoot_lazy_ipis" },
	{ "membarrier(2) calls", "metrics.calls.membarrier" },
	{ "IPI requests, all causes", "metrics.ipi.sent" },
	{ "hardware IPIs received", "metrics.ipi.hw_ipis" },
	{ "remote TLB flushes (flush_tlb_multi)", "metrics.tlb_flush.by_reason.remote_send_ipi" },
	{ "idle exits", "metrics.wakeups.idle_exits" },
	{ "idle exits without an IPI", "metrics.wakeups.idle_without_ipi" },
};

/* "12.3 ±4%" of a rate path in r, or false when it was not measured */
static bool key_value(const struct lt_result *r, const char *path, char *buf, size_t len, double *mean)
{
	struct metric m = { (char *)path, MK_COUNTER };
	double *v = calloc(r->nreps ? r->nreps : 1, sizeof(*v));
	struct stats_summary s;
	size_t n = 0;

	if (!v)
		abort();
	if (metric_values(r, &m, v, &n) != LOOKUP_OK || !n) {
		free(v);
		return false;
	}
	s = stats_summarize(v, n);
	free(v);
	*mean = s.mean;
	snprintf(buf, len, s.mean >= 1e4 ? "%.0f" : "%.4g", s.mean);
	if (n > 1 && s.mean > 0)
		snprintf(buf + strlen(buf), len - strlen(buf), " ±%.0f%%", 100 * s.sd / s.mean);
	return true;
}

static void key_line(FILE *f, const char *label, const char *value)
{
	fprintf(f, "| %s | %s |\n", label, value);
}

void plot_key_numbers(FILE *f, const struct lt_result *r)
{
	char val[64], path[160], label[160], unmeasured[512] = "";
	double mean;
	struct lt_hist h;

	fprintf(f, "\nKey numbers of `%s`, per second (mean over %zu rep%s, ± its relative standard deviation;\n"
		   "figures that are 0 are left out):\n\n| figure | per second |\n|---|---:|\n",
		r->label, r->nreps, r->nreps == 1 ? "" : "s");
	for (size_t i = 0; i < sizeof(key_rows) / sizeof(key_rows[0]); i++) {
		if (!key_value(r, key_rows[i].path, val, sizeof(val), &mean))
			snprintf(unmeasured + strlen(unmeasured), sizeof(unmeasured) - strlen(unmeasured), "%s%s",
				 *unmeasured ? ", " : "", key_rows[i].label);
		else if (mean > 0)
			key_line(f, key_rows[i].label, val);
	}
	for (int c = 0; c < LT_NR_CAUSES; c++) {
		snprintf(path, sizeof(path), "metrics.ipi.by_cause.%s", lt_cause_names[c]);
		snprintf(label, sizeof(label), "IPI requests: %s", lt_cause_names[c]);
		if (key_value(r, path, val, sizeof(val), &mean) && mean > 0)
			key_line(f, label, val);
	}
	for (int c = 0; c < LT_NR_CAUSES; c++) {
		snprintf(path, sizeof(path), "metrics.wakeups.idle_by_cause.%s", lt_cause_names[c]);
		snprintf(label, sizeof(label), "idle CPUs woken by %s IPIs", lt_cause_names[c]);
		if (key_value(r, path, val, sizeof(val), &mean) && mean > 0)
			key_line(f, label, val);
		snprintf(path, sizeof(path), "metrics.wakeups.nohz_full_by_cause.%s", lt_cause_names[c]);
		snprintf(label, sizeof(label), "nohz_full CPUs disturbed by %s IPIs", lt_cause_names[c]);
		if (key_value(r, path, val, sizeof(val), &mean) && mean > 0)
			key_line(f, label, val);
	}
	{
		struct metric m = { (char *)"workload.ops_per_s", MK_GAUGE };
		double v[64];
		size_t n = 0;

		if (r->nreps <= 64 && metric_values(r, &m, v, &n) == LOOKUP_OK && n) {
			snprintf(val, sizeof(val), "%.0f", stats_summarize(v, n).mean);
			key_line(f, "workload operations", val);
		}
	}
	if (metric_hists(r, "metrics.hist.ipi_latency_ns", &h, NULL) == LOOKUP_OK && h.count) {
		fprintf(f, "\nIPI latency, send to handler (%llu IPIs): p50 %.1f us, p99 %.1f us, max %.1f us.\n",
			(unsigned long long)h.count, hist_percentile(&h, 0.5) / 1e3, hist_percentile(&h, 0.99) / 1e3,
			(double)h.max / 1e3);
	}
	if (*unmeasured)
		fprintf(f, "\nNot measured on this kernel: %s.\n", unmeasured);
}
