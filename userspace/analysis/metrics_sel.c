// SPDX-License-Identifier: GPL-2.0
/*
 * metrics_sel.c - a rep's per-CPU maps over the CPUs reported on (-C): counters summed,
 * histograms merged, null where the hook did not attach. What metrics.c, metrics_lazy.c and
 * metrics_whatif.c all build on (metrics_int.h).
 */
#include <stddef.h>
#include "metrics_int.h"
#include "result/hist.h"

bool metrics_cpu_selected(const struct lt_trace_info *c, unsigned int cpu)
{
	return cpu < LT_MAX_CPUS && (c->cpu_mask[cpu / 64] & (1ULL << (cpu % 64)));
}

/* Sum of one u64 field over the selected CPUs. `off` is its byte offset in lt_counters. */
__u64 metrics_sum_at(const struct lt_trace_info *c, const struct lt_counters *pc, size_t off)
{
	__u64 s = 0;

	for (unsigned int cpu = 0; cpu < c->nr_possible; cpu++)
		if (metrics_cpu_selected(c, cpu))
			s += *(const __u64 *)((const char *)&pc[cpu] + off);
	return s;
}

struct json *num_or_null(bool ok, __u64 v)
{
	return ok ? json_u64(v) : json_null();
}

struct json *hist_json_sel(const struct lt_trace_info *c, const struct lt_hist *hs, enum lt_hist_id id,
			   const char *unit, bool ok)
{
	struct lt_hist m = {};

	if (!ok)
		return json_null();
	for (unsigned int cpu = 0; cpu < c->nr_possible; cpu++)
		if (metrics_cpu_selected(c, cpu))
			hist_merge(&m, &hs[(size_t)id * c->nr_possible + cpu]);
	return hist_to_json(&m, unit);
}
