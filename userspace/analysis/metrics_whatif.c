// SPDX-License-Identifier: GPL-2.0
/* metrics_whatif.c - the what-if part of a rep's metrics (metrics.whatif): per filter the four
 * counts, by cause, and what the kernel flushed by broadcast (docs/result-schema.md). */
#include <stddef.h>
#include "metrics_int.h"
#include "result/names.h"

/*
 * Is kernel_skipped of (filter, cause) seen? The kernel's own skips are read at remote TLB
 * flushes (tlb_flush remote_send_ipi, then the calls queued: x86), at membarrier private
 * expedited calls (their syscall tracepoints, with the arguments) and, for broadcast-flush,
 * at flush_tlb_mm_range on a kernel that flushes by INVLPGB. Other causes: the kernel does not
 * filter their targets by these predicates before queuing, so 0 is what it saved.
 */
static bool kernel_skipped_seen(const struct lt_trace_info *c, int f, int ca)
{
	if (f == LT_F_BROADCAST_FLUSH)
		return ca != LT_CAUSE_TLB_FLUSH || !c->broadcast_flush || c->hook_ok[H_FLUSH_TLB_MM_RANGE];
	if (ca == LT_CAUSE_TLB_FLUSH)
		return c->hook_ok[H_TLB_FLUSH] && metrics_flush_calls_queued(c);
	if (ca == LT_CAUSE_MEMBARRIER)
		return c->membarrier_args;
	return true;
}

static struct json *whatif_cell_json(struct json *o, __u64 seen, __u64 skip, __u64 kept, __u64 unk, bool ks_ok,
				     __u64 ks)
{
	json_set(o, "seen", json_u64(seen));
	json_set(o, "skip", json_u64(skip));
	json_set(o, "kept_on_purpose", json_u64(kept));
	json_set(o, "unknown", json_u64(unk));
	json_set(o, "kernel_skipped", num_or_null(ks_ok, ks));
	return o;
}

struct json *metrics_whatif_json(const struct lt_trace_info *c, const struct lt_counters *pc, const struct lt_hist *hs)
{
	struct json *o, *ft, *bf;

	o = json_object();
	for (int f = 0; f < LT_NR_FILTERS; f++) {
		struct json *fo = json_set(o, lt_filter_names[f], json_object()), *bc;
		__u64 seen = 0, skip = 0, kept = 0, unk = 0, ks = 0;
		bool ks_ok = true;

		for (int ca = 0; ca < LT_NR_CAUSES; ca++) {
			seen += SUM(whatif[f][ca].seen);
			skip += SUM(whatif[f][ca].skip);
			kept += SUM(whatif[f][ca].kept);
			unk += SUM(whatif[f][ca].unknown);
			ks += SUM(whatif[f][ca].kernel_skipped);
			ks_ok &= kernel_skipped_seen(c, f, ca);
		}
		whatif_cell_json(fo, seen, skip, kept, unk, ks_ok, ks);
		json_set(fo, "skip_idle", json_u64(SUM(whatif_skip_idle[f])));
		json_set(fo, "skip_nohz_full", json_u64(SUM(whatif_skip_nohz[f])));
		json_set(fo, "race_exposed", num_or_null(f < LT_NR_RACE_FILTERS, SUM(whatif_race_exposed[f])));
		if (f == LT_F_DEFER_KENTRY)
			/* until the target's next syscall, user page fault, tick (x86), reschedule IPI or
			 * idle exit; other interrupts are not seen, so an upper bound */
			json_set(fo, "delay_ns", hist_json_sel(c, hs, LT_H_DEFER_DELAY, "ns", c->kentry));
		bc = json_set(fo, "by_cause", json_object());
		for (int ca = 0; ca < LT_NR_CAUSES; ca++)
			whatif_cell_json(json_set(bc, lt_cause_names[ca], json_object()), SUM(whatif[f][ca].seen),
					 SUM(whatif[f][ca].skip), SUM(whatif[f][ca].kept), SUM(whatif[f][ca].unknown),
					 kernel_skipped_seen(c, f, ca), SUM(whatif[f][ca].kernel_skipped));
	}
	ft = json_set(o, "tlb_flush_freed_tables", json_object());
	json_set(ft, "no", json_u64(SUM(flush_freed_tables[0])));
	json_set(ft, "yes", json_u64(SUM(flush_freed_tables[1])));
	json_set(ft, "unknown", json_u64(SUM(flush_freed_tables[2])));
	bf = json_set(o, "broadcast", json_object());
	json_set(bf, "kernel_flushes_by_broadcast", json_bool(c->broadcast_flush));
	json_set(bf, "probe", json_string(c->broadcast_probe));
	json_set(bf, "flushes", num_or_null(c->hook_ok[H_FLUSH_TLB_MM_RANGE], SUM(flush_broadcast)));
	json_set(bf, "targets", num_or_null(c->hook_ok[H_FLUSH_TLB_MM_RANGE], SUM(flush_broadcast_targets)));
	json_set(o, "membarrier_evaluated", num_or_null(c->membarrier_args, SUM(membarrier_evaluated)));
	json_set(o, "race_window_ns", json_u64(c->race_window_ns));
	return o;
}

