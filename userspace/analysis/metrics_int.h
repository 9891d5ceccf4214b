/* SPDX-License-Identifier: GPL-2.0 */
/* metrics_int.h - what metrics.c and metrics_whatif.c share: sums over the selected CPUs */
#ifndef LT_METRICS_INT_H
#define LT_METRICS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include "metrics.h"
#include "lib/json.h"

/* CPU cpu is one of those reported on (-C) */
bool metrics_cpu_selected(const struct lt_trace_info *c, unsigned int cpu);
/* Sum of one u64 field over the selected CPUs. `off` is its byte offset in lt_counters. */
__u64 metrics_sum_at(const struct lt_trace_info *c, const struct lt_counters *pc, size_t off);
#define SUM(field) metrics_sum_at(c, pc, offsetof(struct lt_counters, field))
struct json *num_or_null(bool ok, __u64 v);
/* histogram id merged over the selected CPUs, null when !ok */
struct json *hist_json_sel(const struct lt_trace_info *c, const struct lt_hist *hs, enum lt_hist_id id,
			   const char *unit, bool ok);
/* metrics.whatif */
/* every TLB-flush call seen where it is queued, each target of it: the csd_queue_cpu
 * tracepoint (6.3+) or, before it, smp_call_function_many_cond with x86's TLB-flush
 * cond_func followed per CPU (bpf/fallback.bpf.h) */
static inline bool metrics_flush_calls_queued(const struct lt_trace_info *c)
{
	return c->hook_ok[H_CSD_QUEUE_CPU] ||
	       (c->hook_ok[H_CALL_MANY] && c->hook_ok[H_CALL_SINGLE_QUEUE] && c->hook_ok[H_COND_TLB]);
}

/* metrics_lazy.c: metrics.switch, metrics.lazy */
struct json *metrics_switch_json(const struct lt_trace_info *c, const struct lt_counters *pc, bool ok);
struct json *metrics_lazy_json(const struct lt_trace_info *c, const struct lt_counters *pc, const struct lt_hist *hs,
			       bool ok);
struct json *metrics_whatif_json(const struct lt_trace_info *c, const struct lt_counters *pc, const struct lt_hist *hs);

#endif
