// SPDX-License-Identifier: GPL-2.0
/*
 * summary.c - the human summary of a result document: tables and text
 * histograms, summed over its reps, printed from the typed view that
 * summary_view.c loads. Reads only the file, so it shows any result file
 * the same way, whichever kernel or architecture wrote it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/cli.h"
#include "result/names.h"
#include "summary.h"
#include "summary_int.h"
#include "result/hist.h"
#include "summary_view.h"

/* one row "  label    count    rate/s", or n/a when the probe was unavailable */
static void row(FILE *f, const struct summary_view *v, const char *label, enum sv_sum_id id)
{
	const struct sv_sum *s = &v->sum[id];

	if (!s->ok) {
		fprintf(f, "  %-34s %14s\n", label, "n/a (probe unavailable)");
		return;
	}
	fprintf(f, "  %-34s %14llu %14.1f/s\n", label, (unsigned long long)s->v, v->secs ? (double)s->v / v->secs : 0);
}

/* Remote flushes by path: a host whose hypervisor flushes remote TLBs (KVM preempted vCPUs,
 * PVM) shows "remote send IPI" events with few or no TLB IPIs; say so instead of leaving
 * the two numbers unreconciled. */
static void remote_flush_rows(FILE *f, const struct summary_view *v)
{
	uint64_t with = v->sum[SV_RF_WITH_IPI].v, without = v->sum[SV_RF_WITHOUT_IPI].v;

	if (!v->sum[SV_RF_WITH_IPI].ok || !v->sum[SV_RF_WITHOUT_IPI].ok)
		return;
	row(f, v, "  of them by TLB IPIs", SV_RF_WITH_IPI);
	row(f, v, "  of them without IPI, mm running", SV_RF_WITHOUT_IPI);
	row(f, v, "  of them to lazy CPUs only", SV_RF_NO_ACTIVE_TARGET);
	if (!without)
		return;
	fprintf(f, "  (%llu remote flushes queued no TLB IPI though another CPU ran the mm: a paravirt\n"
		   "   flush by the hypervisor%s%s%s, or the kernel's own filter racing with lazytlb's\n"
		   "   view (a few %%); /proc/interrupts TLB and the tlb_flush cause count %s)\n",
		(unsigned long long)without, v->hv_vendor ? " (" : "", v->hv_vendor ? v->hv_vendor : "",
		v->hv_vendor ? ")" : "", with ? "only the others" : "none of them");
}

/* one row per cause of a { "<cause>": n } object (the causes of the first rep, in its order);
 * causes that are 0 in every rep are left out, as is the object when it is absent or all 0 */
static void cause_rows(FILE *f, const struct summary_view *v, const struct sv_keyed *k, const char *what)
{
	bool any = false;

	for (size_t i = 0; i < k->n; i++) {
		const struct sv_sum *s = &k->key[i].s;
		char label[128];

		if (!s->ok || !s->v)
			continue;
		snprintf(label, sizeof(label), "%s %s", what, k->key[i].name);
		fprintf(f, "  %-34s %14llu %14.1f/s\n", label, (unsigned long long)s->v,
			v->secs ? (double)s->v / v->secs : 0);
		any = true;
	}
	if (!any)
		fprintf(f, "  %-34s %14s\n", what, k->present ? "0" : "n/a (probe unavailable)");
}

static void section(FILE *f, const char *title)
{
	fprintf(f, "\n%s\n", title);
}

/* One line for a histogram split (an object of histograms): per part its count and p50/p99,
 * over all reps; nothing when the split is null */
static void split_line(FILE *f, const struct sv_keyed *k, const char *title)
{
	if (!k->present)
		return;
	fprintf(f, "%s:", title);
	for (size_t i = 0; i < k->n; i++) {
		const struct sv_hist *m = &k->key[i].h;

		if (m->state > 0 && m->h.count)
			fprintf(f, " %s %llu (p50 %.3g us, p99 %.3g us);", k->key[i].name, (unsigned long long)m->h.count,
				hist_percentile(&m->h, 0.5) / 1e3, hist_percentile(&m->h, 0.99) / 1e3);
		else
			fprintf(f, " %s 0;", k->key[i].name);
	}
	fprintf(f, "\n");
}

static void print_hist(FILE *f, const struct summary_view *v, enum sv_hist_id id, const char *title)
{
	const struct sv_hist *m = &v->hist[id];

	if (!m->state)
		fprintf(f, "%s: n/a (probe unavailable)\n", title);
	else if (m->state > 0)
		hist_print(f, &m->h, title, m->unit ? m->unit : "");
}

/* Per cause: calls queued (csd_queue_cpu; resched: hardware IPIs) and hardware IPIs delivered
 * (the unit of /proc/interrupts), then the queued ones by target state. Causes that are zero
 * in both are folded into one line. */
static void cause_state_table(FILE *f, const struct summary_view *v)
{
	const char *const *causes = lt_cause_names, *const *states = lt_state_names;
	char zero[256] = "";

	if (!v->sum[SV_IPI_SENT].ok) {
		fprintf(f, "  n/a (probe unavailable)\n");
		return;
	}
	fprintf(f, "  %-16s %9s %9s", "cause \\ target", "queued", "delivered");
	for (size_t s = 0; s < LT_NR_STATES; s++)
		fprintf(f, " %9s", states[s]);
	fputc('\n', f);
	for (size_t c = 0; c < LT_NR_CAUSES; c++) {
		const struct sv_sum *q = &v->by_cause[c], *d = &v->delivered[c];

		if (!q->v && (!d->ok || !d->v)) {
			snprintf(zero + strlen(zero), sizeof(zero) - strlen(zero), "%s%s", *zero ? ", " : "", causes[c]);
			continue;
		}
		fprintf(f, "  %-16s %9llu", causes[c], (unsigned long long)q->v);
		if (d->ok)
			fprintf(f, " %9llu", (unsigned long long)d->v);
		else
			fprintf(f, " %9s", "n/a");
		for (size_t s = 0; s < LT_NR_STATES; s++)
			fprintf(f, " %9llu", (unsigned long long)v->by_cause_state[c][s].v);
		fputc('\n', f);
	}
	if (*zero)
		fprintf(f, "  zero: %s\n", zero);
}

/* The callbacks behind the queued calls, summed over reps by symbol, most first: what
 * "other" is made of is always named */
static void callbacks_table(FILE *f, const struct summary_view *v)
{
	if (!v->nr_cbs)
		return;
	fprintf(f, "  queued calls by callback (top 10 of %zu):\n", v->nr_cbs);
	for (size_t i = 0; i < v->nr_cbs && i < SV_TOP; i++)
		fprintf(f, "    %-40s %-16s %10llu\n", v->cbs[i].sym, v->cbs[i].cause, (unsigned long long)v->cbs[i].calls);
}

/* Who sent them: requests per (cause, task, callsite) summed over reps, top 10 (all of them
 * are in the result file, metrics.ipi.senders); rows folded without their tgid show it as *. */
static void senders_table(FILE *f, const struct summary_view *v)
{
	const char *cpus = v->senders_target_cpus;

	if (v->nr_senders)
		fprintf(f, "  senders%s%s (top 10 of %zu):\n    %10s %8s %8s  %-16s %-22s %s\n", cpus ? " to CPUs " : "",
			cpus ? cpus : "", v->nr_senders, "requests", "to idle", "to nohz", "cause", "task[tgid]", "callsite");
	for (size_t i = 0; i < v->nr_senders && i < SV_TOP; i++) {
		const struct sv_sender *t = &v->senders[i];
		char task[40], tgid[24];

		snprintf(tgid, sizeof(tgid), "%llu", (unsigned long long)t->tgid);
		snprintf(task, sizeof(task), "%s[%s]", t->comm, t->folded[0] ? "*" : tgid);
		fprintf(f, "    %10llu %8llu %8llu  %-16s %-22s %s\n", (unsigned long long)t->requests,
			(unsigned long long)t->to_idle, (unsigned long long)t->to_nohz, t->cause, task, t->site);
	}
}

/* What a full table made coarser or left out, each with its number (0s are not printed): the
 * senders' folds in one line, then any count a table could not take */
static void losses_lines(FILE *f, const struct summary_view *v)
{
	static const struct { enum sv_sum_id id; const char *what; } lost[] = {
		{ SV_SENDERS_NOT_COUNTED, "requests not counted by sender (no sender table had room)" },
		{ SV_CALLBACKS_NOT_COUNTED, "queued calls not counted by callback (its table was full)" },
		{ SV_CALLS_FTMR_NOT_TIMED, "flush_tlb_mm_range calls not timed (table full)" },
	};
	uint64_t tgid = v->sum[SV_SENDERS_FOLDED_TGID].v, cause = v->sum[SV_SENDERS_FOLDED_CAUSE].v;
	uint64_t stack = v->sum[SV_SENDERS_FOLDED_STACK].v, sent = v->sum[SV_IPI_SENT].v;

	if (tgid || cause || stack)
		fprintf(f, "  senders folded (tables full): %llu of %llu requests per comm+callsite without the tgid, "
			   "%llu per cause only; %llu without their stack\n", (unsigned long long)tgid,
			(unsigned long long)sent, (unsigned long long)cause, (unsigned long long)stack);
	for (size_t i = 0; i < sizeof(lost) / sizeof(lost[0]); i++)
		if (v->sum[lost[i].id].ok && v->sum[lost[i].id].v)
			fprintf(f, "  %llu %s\n", (unsigned long long)v->sum[lost[i].id].v, lost[i].what);
}

/* our counts beside the /proc/interrupts rows this kernel has (x86: CAL, TLB, RES; powerpc:
 * the IPI line and doorbells, where messages are muxed: one interrupt may carry several sends) */
static void ground_truth(FILE *f, const struct summary_view *v)
{
	static const struct { const char *row; int proc, proc2, ours, ours2; const char *what; } g[] = {
		{ "CAL", SV_PROC_CAL, -1, SV_IPI_HW_CALL_FUNCTION, SV_IPI_HW_CALL_FUNCTION_SINGLE, "function-call IPIs" },
		{ "TLB", SV_PROC_TLB, -1, SV_IPI_TLB_REMOTE_RECEIVED, SV_IPI_TLB_LOCAL_RUNS,
		  "remote TLB flushes" }, /* + 5.10's local runs, as the row */
		{ "RES", SV_PROC_RES, -1, SV_IPI_HW_RESCHEDULE, -1, "reschedule IPIs" },
		{ "IPI", SV_PROC_IPI, SV_PROC_DBL, SV_IPI_HW_IPIS, -1, "IPI interrupts (muxed)" },
	};
	bool header = false;

	for (size_t i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
		const struct sv_sum *ours = &v->sum[g[i].ours], *theirs = &v->sum[g[i].proc];
		uint64_t o = ours->v, t = theirs->v;

		if (!theirs->ok)
			continue; /* not a row of this kernel's /proc/interrupts */
		if (g[i].proc2 >= 0 && v->sum[g[i].proc2].ok)
			t += v->sum[g[i].proc2].v;
		if (ours->ok && g[i].ours2 >= 0 && v->sum[g[i].ours2].ok)
			o += v->sum[g[i].ours2].v;
		if (!header)
			fprintf(f, "  %-22s %14s %14s\n", "", "lazytlb", "/proc/interrupts");
		header = true;
		fprintf(f, "  %-3s %-18s ", g[i].row, g[i].what);
		if (ours->ok)
			fprintf(f, "%14llu ", (unsigned long long)o);
		else
			fprintf(f, "%14s ", "n/a");
		fprintf(f, "%14llu\n", (unsigned long long)t);
	}
	if (!header)
		fprintf(f, "  no IPI rows in /proc/interrupts\n");
}

/* defer-to-kernel-entry: how long the IPIs it held back would have waited, over all reps */
static void defer_line(FILE *f, const struct summary_view *v)
{
	const struct sv_hist *m = &v->hist[SVH_DEFER_DELAY];

	if (m->state <= 0 || !m->h.count)
		return;
	fprintf(f, "  defer-to-kernel-entry: %llu batches held until the target's next kernel entry "
		   "(syscall, fault, tick, resched, idle exit): p50 %.3g ms, max %.3g ms\n",
		(unsigned long long)m->h.count, hist_percentile(&m->h, 0.5) / 1e6, (double)m->h.max / 1e6);
}

/* Per filter: the counts, then one line a developer can quote */
static void whatif_table(FILE *f, const struct summary_view *v)
{
	const char *const *filters = lt_filter_names;
	char p[128];

	if (!v->whatif) {
		fprintf(f, "  not evaluated (use --whatif)\n");
		return;
	}
	fprintf(f, "  %-22s %9s %9s %9s %9s %9s %9s\n", "filter", "seen", "skip", "kept", "kernel", "unknown", "race");
	for (size_t i = 0; i < LT_NR_FILTERS; i++) {
		const struct sv_sum *w = v->whatif_sum[i];
		bool ks = w[SVW_KERNEL_SKIPPED].ok, race = w[SVW_RACE].ok;
		uint64_t x[SVW_NR];
		char rs[24];

		/* n/a counts as 0, but for the kernel's own skips and the races, which say n/a */
		for (size_t j = 0; j < SVW_NR; j++)
			x[j] = w[j].ok || j == SVW_KERNEL_SKIPPED || j == SVW_RACE ? w[j].v : 0;
		snprintf(rs, sizeof(rs), "%llu", (unsigned long long)x[SVW_RACE]);
		snprintf(p, sizeof(p), "%llu", (unsigned long long)x[SVW_KERNEL_SKIPPED]);
		fprintf(f, "  %-22s %9llu %9llu %9llu %9s %9llu %9s\n", filters[i], (unsigned long long)x[SVW_SEEN],
			(unsigned long long)x[SVW_SKIP], (unsigned long long)x[SVW_KEPT], ks ? p : "n/a",
			(unsigned long long)x[SVW_UNKNOWN], race ? rs : "-");
		if (ks)
			snprintf(p, sizeof(p), "%llu already saved by this kernel", (unsigned long long)x[SVW_KERNEL_SKIPPED]);
		else
			snprintf(p, sizeof(p), "what this kernel already saves is not seen here");
		fprintf(f, "    would save %.1f IPIs/s (%llu idle wakeups, %llu nohz_full interruptions); "
			   "%llu kept on purpose; %s\n",
			v->secs ? (double)x[SVW_SKIP] / v->secs : 0, (unsigned long long)x[SVW_SKIP_IDLE],
			(unsigned long long)x[SVW_SKIP_NOHZ], (unsigned long long)x[SVW_KEPT], p);
	}
	defer_line(f, v);
	fprintf(f, "  skip: the predicate holds and the IPI was not needed (what a patch could save);\n"
		   "  kept: it holds but the IPI is required (a flush that freed page tables, a lazy CPU on\n"
		   "  the mm a shoot-lazies call exists to clear); kernel: targets this kernel's own filter\n"
		   "  left out of remote TLB flushes and membarrier calls, or reached by broadcast flushes\n"
		   "  (%s); race: skipped targets that switched to the mm within the race window\n",
		v->broadcast_probe ?: "broadcast not probed");
}

/* a row and when it can exist: on any kernel, on powerpc, on a shootdown kernel */
enum row_when { ROW_ANY, ROW_POWERPC, ROW_SHOOTDOWN };
struct row_spec {
	const char *label;
	enum sv_sum_id id;
	enum row_when when;
};

static const struct row_spec switch_rows[] = {
	{ "user -> user", SV_SW_USER_TO_USER, ROW_ANY },
	{ "user -> kthread/idle (lazy grab)", SV_SW_USER_TO_KTHREAD, ROW_ANY },
	{ "kthread/idle -> user (lazy drop)", SV_SW_KTHREAD_TO_USER, ROW_ANY },
	{ "kthread -> kthread (carry)", SV_SW_KTHREAD_TO_KTHREAD, ROW_ANY },
	{ "to idle", SV_SW_TO_IDLE, ROW_ANY },
};

static const struct row_spec lazy_rows[] = {
	{ "grabs at context switch", SV_LAZY_GRABS, ROW_ANY },
	{ "drops at context switch", SV_LAZY_DROPS, ROW_ANY },
	{ "exit_mm grabs", SV_LAZY_EXIT_GRABS, ROW_ANY },
	{ "moved off by exit flush", SV_LAZY_EXIT_FLUSH_SWITCHES, ROW_POWERPC },
	{ "dropped by a helper's exec", SV_LAZY_EXEC_DROPS, ROW_ANY },
	{ "taken by CPU hotplug (online)", SV_LAZY_HOTPLUG_GRABS, ROW_ANY },
	{ "dropped by CPU hotplug (offline)", SV_LAZY_HOTPLUG_DROPS, ROW_ANY },
	{ "kthread_use_mm (grab + drop)", SV_LAZY_USE_MM_SWAPS, ROW_ANY },
	{ "grabs, every site", SV_LAZY_GRABS_ALL, ROW_ANY },
	{ "drops, every site", SV_LAZY_DROPS_ALL, ROW_ANY },
	{ "refcount atomics (grabs+drops)", SV_LAZY_REFCOUNT_ATOMICS, ROW_ANY },
	{ "hand-backs with mm_count >= 2", SV_HANDBACK_GE2, ROW_ANY },
	{ "hand-backs with mm_count <= 1", SV_HANDBACK_LE1, ROW_ANY },
};

/* shoot-lazies: MMU_LAZY_TLB_SHOOTDOWN kernels (powerpc 64s, 6.4+); the exit flush: powerpc
 * radix (exit_lazy_flush_tlb) */
static const struct row_spec teardown_rows[] = {
	{ "__mmdrop", SV_MMDROP, ROW_ANY },
	{ "shoot-lazy calls", SV_SHOOT_LAZY_CALLS, ROW_SHOOTDOWN },
	{ "shoot-lazy IPIs", SV_SHOOT_LAZY_IPIS, ROW_SHOOTDOWN },
	{ "exit-flush-lazy calls", SV_EXIT_FLUSH_LAZY_CALLS, ROW_POWERPC },
	{ "membarrier(2) calls", SV_CALLS_MEMBARRIER, ROW_ANY },
	{ "tlb_remove_table_sync_one", SV_CALLS_TABLE_SYNC, ROW_ANY },
};

static const struct row_spec flush_rows[] = {
	{ "task switch", SV_FR_TASK_SWITCH, ROW_ANY },
	{ "remote shootdown (received)", SV_FR_REMOTE_SHOOTDOWN, ROW_ANY },
	{ "local shootdown", SV_FR_LOCAL_SHOOTDOWN, ROW_ANY },
	{ "local mm shootdown", SV_FR_LOCAL_MM_SHOOTDOWN, ROW_ANY },
	{ "remote send IPI", SV_FR_REMOTE_SEND_IPI, ROW_ANY },
};

static void rows(FILE *f, const struct summary_view *v, const struct row_spec *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (r[i].when == ROW_ANY || (r[i].when == ROW_POWERPC && v->on_powerpc) ||
		    (r[i].when == ROW_SHOOTDOWN && !v->refcount))
			row(f, v, r[i].label, r[i].id);
}

/* the summary's sections from the typed view */
static void print_view(FILE *f, const struct summary_view *v)
{
	fprintf(f, "lazytlb %s on %s (%s), %llu CPUs, lazy TLB scheme: %s (%s), %zu rep(s), %.2f s\n",
		v->scenario ?: "?", v->release ?: "?", v->arch_name ?: "?", (unsigned long long)v->nr_cpus,
		v->scheme ? v->scheme : "unknown", v->scheme_source ?: "?", v->nr_reps, v->secs);

	section(f, "Context switches");
	rows(f, v, switch_rows, sizeof(switch_rows) / sizeof(switch_rows[0]));
	section(f, "Lazy mm references");
	rows(f, v, lazy_rows, sizeof(lazy_rows) / sizeof(lazy_rows[0]));
	print_hist(f, v, SVH_SHARING, "CPUs sharing the mm at a lazy op");
	section(f, "mm teardown");
	rows(f, v, teardown_rows, sizeof(teardown_rows) / sizeof(teardown_rows[0]));

	section(f, "IPIs by cause: calls queued, hardware IPIs delivered; queued by target state at send");
	if (v->arch_ipi_send)
		fprintf(f, "  (an older result: counted at the arch IPI send, so hardware IPIs only; a call\n"
			   "   queued behind a pending IPI is not counted)\n");
	cause_state_table(f, v);
	callbacks_table(f, v);
	senders_table(f, v);
	losses_lines(f, v);
	section(f, "IPIs received (checked against /proc/interrupts)");
	ground_truth(f, v);

	section(f, "Wakeups");
	cause_rows(f, v, &v->idle_by_cause, "idle wakeups by");
	row(f, v, "idle exits without an IPI", SV_IDLE_WITHOUT_IPI);
	cause_rows(f, v, &v->nohz_by_cause, "nohz_full disturbances by");

	/* the tlb_flush tracepoint is x86's alone (arch/x86/mm/tlb.c; 5.10-6.18) */
	if (v->on_x86) {
		section(f, "TLB flushes (tlb_flush tracepoint)");
		rows(f, v, flush_rows, sizeof(flush_rows) / sizeof(flush_rows[0]));
		remote_flush_rows(f, v);
	}

	section(f, "What-if: IPIs each proposed filter would have skipped");
	whatif_table(f, v);

	section(f, "Latency histograms");
	print_hist(f, v, SVH_IPI_LATENCY, "IPI send -> handler");
	split_line(f, &v->lat_by_target, "  by the target at the send (idle: its C-state exit included)");
	print_hist(f, v, SVH_FTMR, "flush_tlb_mm_range");
	split_line(f, &v->ftmr_by_path, "  by how it flushed the other CPUs");
	print_hist(f, v, SVH_FTS_LAZY_DROP, "finish_task_switch, lazy drop");
	print_hist(f, v, SVH_FTS_OTHER, "finish_task_switch, other");
	if (v->nohz_full)
		print_hist(f, v, SVH_NOHZ_INTERRUPTION, "nohz_full CPU interrupted by an IPI");
}

void summary_print(FILE *f, const struct json *res)
{
	struct summary_view *v = malloc(sizeof(*v));

	if (!v) {
		fprintf(f, "out of memory\n");
		return;
	}
	summary_view_load(res, v);
	print_view(f, v);
	summary_view_free(v);
	free(v);
	summary_probes(f, res, lt_verbose);
}
