/* SPDX-License-Identifier: GPL-2.0 */
/*
 * summary_view.h - what the summary shows of a result file, pulled into one typed struct:
 * each count summed over the reps, histograms merged, callbacks and senders merged by key.
 * summary_view_load() is the only place that knows the file's paths; the summary prints from
 * the view. Strings point into the document, which must outlive the view.
 */
#ifndef LT_SUMMARY_VIEW_H
#define LT_SUMMARY_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bpf/lazytlb.h"
#include "result/hist.h"
#include "lib/json.h"

/* a count over all reps; !ok when a rep lacks it or has null there (n/a, never 0): v is then
 * what the reps before that one summed to */
struct sv_sum {
	bool ok;
	uint64_t v;
};

/* a histogram merged over the reps: state 1 merged (unit from the first rep), 0 a rep lacks
 * it (probe unavailable), -1 a rep's is not a histogram */
struct sv_hist {
	int state;
	struct lt_hist h;
	const char *unit;
};

/* the single counts the summary prints, by the path of each in a rep */
#define SV_SUMS(X)                                                                       \
	X(DURATION_NS, "duration_ns")                                                    \
	X(SW_USER_TO_USER, "metrics.switch.user_to_user")                                \
	X(SW_USER_TO_KTHREAD, "metrics.switch.user_to_kthread")                          \
	X(SW_KTHREAD_TO_USER, "metrics.switch.kthread_to_user")                          \
	X(SW_KTHREAD_TO_KTHREAD, "metrics.switch.kthread_to_kthread")                    \
	X(SW_TO_IDLE, "metrics.switch.to_idle")                                          \
	X(LAZY_GRABS, "metrics.lazy.grabs")                                              \
	X(LAZY_DROPS, "metrics.lazy.drops")                                              \
	X(LAZY_EXIT_GRABS, "metrics.lazy.exit_grabs")                                    \
	X(LAZY_EXIT_FLUSH_SWITCHES, "metrics.lazy.exit_flush_switches")                  \
	X(LAZY_EXEC_DROPS, "metrics.lazy.exec_drops")                                    \
	X(LAZY_HOTPLUG_GRABS, "metrics.lazy.hotplug_grabs")                              \
	X(LAZY_HOTPLUG_DROPS, "metrics.lazy.hotplug_drops")                              \
	X(LAZY_USE_MM_SWAPS, "metrics.lazy.use_mm_swaps")                                \
	X(LAZY_GRABS_ALL, "metrics.lazy.grabs_all")                                      \
	X(LAZY_DROPS_ALL, "metrics.lazy.drops_all")                                      \
	X(LAZY_REFCOUNT_ATOMICS, "metrics.lazy.refcount_atomics")                        \
	X(HANDBACK_GE2, "metrics.lazy.handback.mm_count_ge2")                            \
	X(HANDBACK_LE1, "metrics.lazy.handback.mm_count_le1")                            \
	X(MMDROP, "metrics.mmdrop.mmdrop")                                               \
	X(SHOOT_LAZY_CALLS, "metrics.mmdrop.shoot_lazy_calls")                           \
	X(SHOOT_LAZY_IPIS, "metrics.mmdrop.shoot_lazy_ipis")                             \
	X(EXIT_FLUSH_LAZY_CALLS, "metrics.mmdrop.exit_flush_lazy_calls")                 \
	X(CALLS_MEMBARRIER, "metrics.calls.membarrier")                                  \
	X(CALLS_TABLE_SYNC, "metrics.calls.tlb_remove_table_sync_one")                   \
	X(CALLS_FTMR_NOT_TIMED, "metrics.calls.flush_tlb_mm_range_not_timed")            \
	X(IPI_SENT, "metrics.ipi.sent")                                                  \
	X(IPI_HW_IPIS, "metrics.ipi.hw_ipis")                                            \
	X(IPI_HW_CALL_FUNCTION, "metrics.ipi.hw_by_vector.call_function")                \
	X(IPI_HW_CALL_FUNCTION_SINGLE, "metrics.ipi.hw_by_vector.call_function_single")  \
	X(IPI_HW_RESCHEDULE, "metrics.ipi.hw_by_vector.reschedule")                      \
	X(IPI_TLB_REMOTE_RECEIVED, "metrics.ipi.tlb_remote_flush_received")              \
	X(IPI_TLB_LOCAL_RUNS, "metrics.ipi.tlb_local_runs")                              \
	X(SENDERS_NOT_COUNTED, "metrics.ipi.senders_not_counted")                        \
	X(SENDERS_FOLDED_TGID, "metrics.ipi.senders_folded_tgid")                        \
	X(SENDERS_FOLDED_CAUSE, "metrics.ipi.senders_folded_cause")                      \
	X(SENDERS_FOLDED_STACK, "metrics.ipi.senders_folded_stack")                      \
	X(CALLBACKS_NOT_COUNTED, "metrics.ipi.callbacks_not_counted")                    \
	X(IDLE_WITHOUT_IPI, "metrics.wakeups.idle_without_ipi")                          \
	X(FR_TASK_SWITCH, "metrics.tlb_flush.by_reason.task_switch")                     \
	X(FR_REMOTE_SHOOTDOWN, "metrics.tlb_flush.by_reason.remote_shootdown")           \
	X(FR_LOCAL_SHOOTDOWN, "metrics.tlb_flush.by_reason.local_shootdown")             \
	X(FR_LOCAL_MM_SHOOTDOWN, "metrics.tlb_flush.by_reason.local_mm_shootdown")       \
	X(FR_REMOTE_SEND_IPI, "metrics.tlb_flush.by_reason.remote_send_ipi")             \
	X(RF_WITH_IPI, "metrics.tlb_flush.remote.with_ipi")                              \
	X(RF_WITHOUT_IPI, "metrics.tlb_flush.remote.without_ipi")                        \
	X(RF_NO_ACTIVE_TARGET, "metrics.tlb_flush.remote.no_active_target")              \
	X(PROC_CAL, "procfs.interrupts_delta.CAL")                                       \
	X(PROC_TLB, "procfs.interrupts_delta.TLB")                                       \
	X(PROC_RES, "procfs.interrupts_delta.RES")                                       \
	X(PROC_IPI, "procfs.interrupts_delta.IPI")                                       \
	X(PROC_DBL, "procfs.interrupts_delta.DBL")

#define SV_ID(id, path) SV_##id,
enum sv_sum_id { SV_SUMS(SV_ID) SV_NR_SUMS };
#undef SV_ID

/* the histograms, by path */
#define SV_HISTS(X)                                                                     \
	X(SHARING, "metrics.lazy.sharing")                                              \
	X(IPI_LATENCY, "metrics.hist.ipi_latency_ns")                                   \
	X(FTMR, "metrics.hist.flush_tlb_mm_range_ns")                                   \
	X(FTS_LAZY_DROP, "metrics.hist.finish_task_switch_ns.lazy_drop")                \
	X(FTS_OTHER, "metrics.hist.finish_task_switch_ns.other")                        \
	X(NOHZ_INTERRUPTION, "metrics.hist.nohz_interruption_ns")                       \
	X(DEFER_DELAY, "metrics.whatif.defer-to-kernel-entry.delay_ns")

#define SV_ID(id, path) SVH_##id,
enum sv_hist_id { SV_HISTS(SV_ID) SV_NR_HISTS };
#undef SV_ID

/* the what-if counts of each filter, in the order printed */
enum sv_whatif { SVW_SEEN, SVW_SKIP, SVW_KEPT, SVW_KERNEL_SKIPPED, SVW_UNKNOWN, SVW_RACE, SVW_SKIP_IDLE,
		 SVW_SKIP_NOHZ, SVW_NR };

#define SV_MAX_KEYS 32
/* an object of counts or histograms keyed by name, its keys as the first rep has them */
struct sv_keyed {
	bool present;                          /* the first rep has it (an object for splits) */
	size_t n;
	struct {
		const char *name;
		struct sv_sum s;
		struct sv_hist h;
	} key[SV_MAX_KEYS];
};

struct sv_callback {
	const char *sym, *cause;
	uint64_t calls;
};

struct sv_sender {
	const char *cause, *comm, *site, *folded;
	uint64_t tgid, requests, to_idle, to_nohz;
};

#define SV_MAX_CALLBACKS 64
#define SV_TOP 10

struct summary_view {
	const char *scenario, *release, *arch_name, *scheme, *scheme_source;
	uint64_t nr_cpus;
	size_t nr_reps;
	double secs;                           /* the reps' durations summed; 0 if one lacks it */
	bool on_x86, on_powerpc, refcount;     /* what the architecture and scheme allow */
	const char *hv_vendor;                 /* host.hypervisor.vendor, NULL */
	bool nohz_full;                        /* the host had nohz_full CPUs */
	bool arch_ipi_send;                    /* an older result, counted at the arch IPI send */
	struct sv_sum sum[SV_NR_SUMS];
	struct sv_hist hist[SV_NR_HISTS];
	struct sv_sum by_cause[LT_NR_CAUSES], delivered[LT_NR_CAUSES];
	struct sv_sum by_cause_state[LT_NR_CAUSES][LT_NR_STATES];
	struct sv_keyed idle_by_cause, nohz_by_cause;
	struct sv_keyed lat_by_target, ftmr_by_path;
	bool whatif;                           /* evaluated (the first rep has metrics.whatif) */
	const char *broadcast_probe;           /* how broadcast flushes were probed, NULL */
	struct sv_sum whatif_sum[LT_NR_FILTERS][SVW_NR];
	/* merged over reps by key, the SV_TOP largest first (in order), then the rest */
	struct sv_callback cbs[SV_MAX_CALLBACKS];
	size_t nr_cbs;
	struct sv_sender *senders;
	size_t nr_senders;
	const char *senders_target_cpus;       /* senders counted to these CPUs only, NULL all */
};

/* Fill *v from a result document (v->senders is malloc'ed: summary_view_free) */
void summary_view_load(const struct json *res, struct summary_view *v);
void summary_view_free(struct summary_view *v);

#endif
