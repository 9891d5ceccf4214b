// SPDX-License-Identifier: GPL-2.0
/*
 * summary.c - the human summary of a result document: tables and text
 * histograms, summed over its reps. Reads only the JSON, so it shows any
 * result file the same way, whichever kernel or architecture wrote it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/cli.h"
#include "result/names.h"
#include "summary.h"
#include "summary_int.h"
#include "result/hist.h"
#include "result/reps.h"

/* one row "  label    count    rate/s", or n/a when the probe was unavailable */
static void row(FILE *f, const struct json *res, const char *label, const char *path)
{
	double secs = reps_seconds(res);
	uint64_t v;

	if (!reps_sum(res, path, &v)) {
		fprintf(f, "  %-34s %14s\n", label, "n/a (probe unavailable)");
		return;
	}
	fprintf(f, "  %-34s %14llu %14.1f/s\n", label, (unsigned long long)v, secs ? (double)v / secs : 0);
}

/* Remote flushes by path: a host whose hypervisor flushes remote TLBs (KVM preempted vCPUs,
 * PVM) shows "remote send IPI" events with few or no TLB IPIs; say so instead of leaving
 * the two numbers unreconciled. */
static void remote_flush_rows(FILE *f, const struct json *res)
{
	const struct json *hv = json_get(json_get(res, "host"), "hypervisor");
	uint64_t with, without;

	if (!reps_sum(res, "metrics.tlb_flush.remote.with_ipi", &with) ||
	    !reps_sum(res, "metrics.tlb_flush.remote.without_ipi", &without))
		return;
	row(f, res, "  of them by TLB IPIs", "metrics.tlb_flush.remote.with_ipi");
	row(f, res, "  of them without IPI, mm running", "metrics.tlb_flush.remote.without_ipi");
	row(f, res, "  of them to lazy CPUs only", "metrics.tlb_flush.remote.no_active_target");
	if (!without)
		return;
	fprintf(f, "  (%llu remote flushes queued no TLB IPI though another CPU ran the mm: a paravirt\n"
		   "   flush by the hypervisor%s%s%s, or the kernel's own filter racing with lazytlb's\n"
		   "   view (a few %%); /proc/interrupts TLB and the tlb_flush cause count %s)\n",
		(unsigned long long)without, hv && json_get(hv, "vendor") ? " (" : "",
		hv && json_get(hv, "vendor") ? json_as_string(json_get(hv, "vendor")) : "",
		hv && json_get(hv, "vendor") ? ")" : "", with ? "only the others" : "none of them");
}

/* one row per cause of a { "<cause>": n } object (the causes of the first rep, in its order);
 * causes that are 0 in every rep are left out, as is the object when it is absent or all 0 */
static void cause_rows(FILE *f, const struct json *res, const char *path, const char *what)
{
	const struct json *obj = json_path(json_at(json_get(res, "reps"), 0), path);
	bool any = false;

	for (size_t i = 0; i < json_len(obj); i++) {
		char p[256], label[128];
		uint64_t v;

		snprintf(p, sizeof(p), "%s.%s", path, json_key_at(obj, i));
		if (!reps_sum(res, p, &v) || !v)
			continue;
		snprintf(label, sizeof(label), "%s %s", what, json_key_at(obj, i));
		row(f, res, label, p);
		any = true;
	}
	if (!any)
		fprintf(f, "  %-34s %14s\n", what, obj ? "0" : "n/a (probe unavailable)");
}

static void section(FILE *f, const char *title)
{
	fprintf(f, "\n%s\n", title);
}

/* One line for a histogram split (an object of histograms): per part its count and p50/p99,
 * over all reps; nothing when the split is null */
/* The histogram at path merged over reps into *m: 1 merged (unit from the first rep), 0 a rep
 * lacks it (probe unavailable), -1 a rep's is not a histogram */
static int merged_hist(const struct json *res, const char *path, struct lt_hist *m, const char **unit)
{
	const struct json *reps = json_get(res, "reps");
	struct lt_hist h;
	char err[128];

	memset(m, 0, sizeof(*m));
	for (size_t i = 0; i < json_len(reps); i++) {
		const struct json *j = json_path(json_at(reps, i), path);

		if (!j || json_type(j) != JSON_OBJECT)
			return 0;
		if (unit && !i)
			*unit = json_as_string(json_get(j, "unit"));
		if (hist_from_json(j, &h, err, sizeof(err)))
			return -1;
		hist_merge(m, &h);
	}
	return 1;
}

static void split_line(FILE *f, const struct json *res, const char *path, const char *title)
{
	const struct json *first = json_path(json_at(json_get(res, "reps"), 0), path);
	char sub[256];

	if (!first || json_type(first) != JSON_OBJECT)
		return;
	fprintf(f, "%s:", title);
	for (size_t k = 0; k < json_len(first); k++) {
		const char *name = json_key_at(first, k);
		struct lt_hist m;

		snprintf(sub, sizeof(sub), "%s.%s", path, name);
		if (merged_hist(res, sub, &m, NULL) > 0 && m.count)
			fprintf(f, " %s %llu (p50 %.3g us, p99 %.3g us);", name, (unsigned long long)m.count,
				hist_percentile(&m, 0.5) / 1e3, hist_percentile(&m, 0.99) / 1e3);
		else
			fprintf(f, " %s 0;", name);
	}
	fprintf(f, "\n");
}

static void print_hist(FILE *f, const struct json *res, const char *path, const char *title)
{
	struct lt_hist m;
	const char *unit = NULL;
	int r = merged_hist(res, path, &m, &unit);

	if (!r)
		fprintf(f, "%s: n/a (probe unavailable)\n", title);
	else if (r > 0)
		hist_print(f, &m, title, unit ? unit : "");
}

/* Per cause: calls queued (csd_queue_cpu; resched: hardware IPIs) and hardware IPIs delivered
 * (the unit of /proc/interrupts), then the queued ones by target state. Causes that are zero
 * in both are folded into one line. */
static void cause_state_table(FILE *f, const struct json *res)
{
	const char *const *causes = lt_cause_names, *const *states = lt_state_names;
	char path[128], zero[256] = "";
	uint64_t v, d;
	bool have_d;

	if (!reps_sum(res, "metrics.ipi.sent", &v)) {
		fprintf(f, "  n/a (probe unavailable)\n");
		return;
	}
	fprintf(f, "  %-16s %9s %9s", "cause \\ target", "queued", "delivered");
	for (size_t s = 0; s < LT_NR_STATES; s++)
		fprintf(f, " %9s", states[s]);
	fputc('\n', f);
	for (size_t c = 0; c < LT_NR_CAUSES; c++) {
		snprintf(path, sizeof(path), "metrics.ipi.by_cause.%s", causes[c]);
		reps_sum(res, path, &v);
		snprintf(path, sizeof(path), "metrics.ipi.delivered_by_cause.%s", causes[c]);
		have_d = reps_sum(res, path, &d);
		if (!v && (!have_d || !d)) {
			snprintf(zero + strlen(zero), sizeof(zero) - strlen(zero), "%s%s", *zero ? ", " : "", causes[c]);
			continue;
		}
		fprintf(f, "  %-16s %9llu", causes[c], (unsigned long long)v);
		if (have_d)
			fprintf(f, " %9llu", (unsigned long long)d);
		else
			fprintf(f, " %9s", "n/a");
		for (size_t s = 0; s < LT_NR_STATES; s++) {
			snprintf(path, sizeof(path), "metrics.ipi.by_cause_state.%s.%s", causes[c], states[s]);
			reps_sum(res, path, &v);
			fprintf(f, " %9llu", (unsigned long long)v);
		}
		fputc('\n', f);
	}
	if (*zero)
		fprintf(f, "  zero: %s\n", zero);
}

/* The callbacks behind the queued calls, summed over reps by symbol, most first: what
 * "other" is made of is always named */
static void callbacks_table(FILE *f, const struct json *res)
{
	struct { const char *sym, *cause; __u64 n; } t[64];
	const struct json *reps = json_get(res, "reps");
	size_t n = 0, shown = 0;

	for (size_t r = 0; r < json_len(reps); r++) {
		const struct json *cbs = json_path(json_at(reps, r), "metrics.ipi.callbacks");

		for (size_t i = 0; i < json_len(cbs); i++) {
			const struct json *e = json_at(cbs, i);
			const char *sym = json_as_string(json_get(e, "symbol")) ?: "?";
			const char *cause = json_as_string(json_get(e, "cause")) ?: "?";
			size_t k;

			for (k = 0; k < n; k++)
				if (!strcmp(t[k].sym, sym) && !strcmp(t[k].cause, cause))
					break;
			if (k == n && n < sizeof(t) / sizeof(t[0]))
				t[n++] = (typeof(t[0])){ sym, cause, 0 };
			if (k < n)
				t[k].n += json_as_u64(json_get(e, "calls"));
		}
	}
	if (!n)
		return;
	fprintf(f, "  queued calls by callback (top 10 of %zu):\n", n);
	for (size_t i = 0; i < n && shown < 10; i++, shown++) {
		size_t best = i;

		for (size_t k = i + 1; k < n; k++)
			if (t[k].n > t[best].n)
				best = k;
		typeof(t[0]) tmp = t[i];
		t[i] = t[best];
		t[best] = tmp;
		fprintf(f, "    %-40s %-16s %10llu\n", t[i].sym, t[i].cause, (unsigned long long)t[i].n);
	}
}

/* Who sent them: requests per (cause, task, callsite) summed over reps, top 10 (all of them
 * are in the result file, metrics.ipi.senders); rows folded without their tgid show it as *. */
static void senders_table(FILE *f, const struct json *res)
{
	struct srow { const char *cause, *comm, *site, *folded; __u64 tgid, n, idle, nohz; } *t = NULL;
	const struct json *reps = json_get(res, "reps");
	const char *cpus = json_as_string(json_path(res, "options.senders.target_cpus"));
	size_t n = 0, cap = 0;

	for (size_t r = 0; r < json_len(reps); r++) {
		const struct json *ss = json_path(json_at(reps, r), "metrics.ipi.senders");

		for (size_t i = 0; i < json_len(ss); i++) {
			const struct json *e = json_at(ss, i);
			struct srow x = { .cause = json_as_string(json_get(e, "cause")) ?: "?",
					  .comm = json_as_string(json_get(e, "comm")) ?: "?",
					  .site = json_as_string(json_get(e, "callsite")) ?: "?",
					  .folded = json_as_string(json_get(e, "folded")) ?: "",
					  .tgid = json_as_u64(json_get(e, "tgid")) };
			size_t k;

			for (k = 0; k < n; k++)
				if (t[k].tgid == x.tgid && !strcmp(t[k].cause, x.cause) && !strcmp(t[k].comm, x.comm) &&
				    !strcmp(t[k].site, x.site) && !strcmp(t[k].folded, x.folded))
					break;
			if (k == n && n == cap) {
				struct srow *m = realloc(t, (cap = cap ? 2 * cap : 256) * sizeof(*t));

				if (!m)
					break;
				t = m;
			}
			if (k == n)
				t[n++] = x;
			t[k].n += json_as_u64(json_get(e, "requests"));
			t[k].idle += json_as_u64(json_get(e, "to_idle"));
			t[k].nohz += json_as_u64(json_get(e, "to_nohz_full"));
		}
	}
	if (n)
		fprintf(f, "  senders%s%s (top 10 of %zu):\n    %10s %8s %8s  %-16s %-22s %s\n", cpus ? " to CPUs " : "",
			cpus ? cpus : "", n, "requests", "to idle", "to nohz", "cause", "task[tgid]", "callsite");
	for (size_t i = 0; i < n && i < 10; i++) {
		size_t best = i;
		char task[40], tgid[24];

		for (size_t k = i + 1; k < n; k++)
			if (t[k].n > t[best].n)
				best = k;
		struct srow tmp = t[i];
		t[i] = t[best];
		t[best] = tmp;
		snprintf(tgid, sizeof(tgid), "%llu", (unsigned long long)t[i].tgid);
		snprintf(task, sizeof(task), "%s[%s]", t[i].comm, t[i].folded[0] ? "*" : tgid);
		fprintf(f, "    %10llu %8llu %8llu  %-16s %-22s %s\n", (unsigned long long)t[i].n,
			(unsigned long long)t[i].idle, (unsigned long long)t[i].nohz, t[i].cause, task, t[i].site);
	}
	free(t);
}

/* What a full table made coarser or left out, each with its number (0s are not printed): the
 * senders' folds in one line, then any count a table could not take */
static void losses_lines(FILE *f, const struct json *res)
{
	static const struct { const char *path, *what; } lost[] = {
		{ "metrics.ipi.senders_not_counted", "requests not counted by sender (no sender table had room)" },
		{ "metrics.ipi.callbacks_not_counted", "queued calls not counted by callback (its table was full)" },
		{ "metrics.calls.flush_tlb_mm_range_not_timed", "flush_tlb_mm_range calls not timed (table full)" },
	};
	uint64_t tgid = 0, cause = 0, stack = 0, sent = 0, v;

	reps_sum(res, "metrics.ipi.senders_folded_tgid", &tgid);
	reps_sum(res, "metrics.ipi.senders_folded_cause", &cause);
	reps_sum(res, "metrics.ipi.senders_folded_stack", &stack);
	reps_sum(res, "metrics.ipi.sent", &sent);
	if (tgid || cause || stack)
		fprintf(f, "  senders folded (tables full): %llu of %llu requests per comm+callsite without the tgid, "
			   "%llu per cause only; %llu without their stack\n", (unsigned long long)tgid,
			(unsigned long long)sent, (unsigned long long)cause, (unsigned long long)stack);
	for (size_t i = 0; i < sizeof(lost) / sizeof(lost[0]); i++)
		if (reps_sum(res, lost[i].path, &v) && v)
			fprintf(f, "  %llu %s\n", (unsigned long long)v, lost[i].what);
}

/* our counts beside the /proc/interrupts rows this kernel has (x86: CAL, TLB, RES; powerpc:
 * the IPI line and doorbells, where messages are muxed: one interrupt may carry several sends) */
static void ground_truth(FILE *f, const struct json *res)
{
	static const struct { const char *row, *row2, *ours, *ours2, *what; } g[] = {
		{ "CAL", NULL, "metrics.ipi.hw_by_vector.call_function",
		  "metrics.ipi.hw_by_vector.call_function_single", "function-call IPIs" },
		{ "TLB", NULL, "metrics.ipi.tlb_remote_flush_received", "metrics.ipi.tlb_local_runs",
		  "remote TLB flushes" }, /* + 5.10's local runs, as the row */
		{ "RES", NULL, "metrics.ipi.hw_by_vector.reschedule", NULL, "reschedule IPIs" },
		{ "IPI", "DBL", "metrics.ipi.hw_ipis", NULL, "IPI interrupts (muxed)" },
	};
	bool header = false;
	char p[96];

	for (size_t i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
		uint64_t ours, theirs, more = 0;
		bool ok = reps_sum(res, g[i].ours, &ours);

		snprintf(p, sizeof(p), "procfs.interrupts_delta.%s", g[i].row);
		if (!reps_sum(res, p, &theirs))
			continue; /* not a row of this kernel's /proc/interrupts */
		if (g[i].row2) {
			snprintf(p, sizeof(p), "procfs.interrupts_delta.%s", g[i].row2);
			if (reps_sum(res, p, &more))
				theirs += more;
		}
		if (ok && g[i].ours2 && reps_sum(res, g[i].ours2, &more))
			ours += more;
		if (!header)
			fprintf(f, "  %-22s %14s %14s\n", "", "lazytlb", "/proc/interrupts");
		header = true;
		fprintf(f, "  %-3s %-18s ", g[i].row, g[i].what);
		if (ok)
			fprintf(f, "%14llu ", (unsigned long long)ours);
		else
			fprintf(f, "%14s ", "n/a");
		fprintf(f, "%14llu\n", (unsigned long long)theirs);
	}
	if (!header)
		fprintf(f, "  no IPI rows in /proc/interrupts\n");
}

/* defer-to-kernel-entry: how long the IPIs it held back would have waited (first rep) */
/* over all reps */
static void defer_line(FILE *f, const struct json *res)
{
	struct lt_hist h;

	if (merged_hist(res, "metrics.whatif.defer-to-kernel-entry.delay_ns", &h, NULL) <= 0 || !h.count)
		return;
	fprintf(f, "  defer-to-kernel-entry: %llu batches held until the target's next kernel entry "
		   "(syscall, fault, tick, resched, idle exit): p50 %.3g ms, max %.3g ms\n",
		(unsigned long long)h.count, hist_percentile(&h, 0.5) / 1e6, (double)h.max / 1e6);
}

/* Per filter: the counts, then one line a developer can quote */
static void whatif_table(FILE *f, const struct json *res)
{
	static const char *const k[] = { "seen", "skip", "kept_on_purpose", "kernel_skipped", "unknown",
					 "race_exposed", "skip_idle", "skip_nohz_full" };
	const char *const *filters = lt_filter_names;
	const struct json *w = json_path(json_at(json_get(res, "reps"), 0), "metrics.whatif");
	double secs = reps_seconds(res);
	char p[128];

	if (!w || json_type(w) != JSON_OBJECT) {
		fprintf(f, "  not evaluated (use --whatif)\n");
		return;
	}
	fprintf(f, "  %-22s %9s %9s %9s %9s %9s %9s\n", "filter", "seen", "skip", "kept", "kernel", "unknown", "race");
	for (size_t i = 0; i < LT_NR_FILTERS; i++) {
		uint64_t v[8];
		bool ks, race;
		char rs[24];

		for (size_t j = 0; j < 8; j++) {
			snprintf(p, sizeof(p), "metrics.whatif.%s.%s", filters[i], k[j]);
			if (!reps_sum(res, p, &v[j]))
				v[j] = 0;
		}
		snprintf(p, sizeof(p), "metrics.whatif.%s.kernel_skipped", filters[i]);
		ks = reps_sum(res, p, &v[3]);
		snprintf(p, sizeof(p), "metrics.whatif.%s.race_exposed", filters[i]);
		race = reps_sum(res, p, &v[5]);
		snprintf(rs, sizeof(rs), "%llu", (unsigned long long)v[5]);
		snprintf(p, sizeof(p), "%llu", (unsigned long long)v[3]);
		fprintf(f, "  %-22s %9llu %9llu %9llu %9s %9llu %9s\n", filters[i], (unsigned long long)v[0],
			(unsigned long long)v[1], (unsigned long long)v[2], ks ? p : "n/a", (unsigned long long)v[4],
			race ? rs : "-");
		if (ks)
			snprintf(p, sizeof(p), "%llu already saved by this kernel", (unsigned long long)v[3]);
		else
			snprintf(p, sizeof(p), "what this kernel already saves is not seen here");
		fprintf(f, "    would save %.1f IPIs/s (%llu idle wakeups, %llu nohz_full interruptions); "
			   "%llu kept on purpose; %s\n",
			secs ? (double)v[1] / secs : 0, (unsigned long long)v[6], (unsigned long long)v[7],
			(unsigned long long)v[2], p);
	}
	defer_line(f, res);
	fprintf(f, "  skip: the predicate holds and the IPI was not needed (what a patch could save);\n"
		   "  kept: it holds but the IPI is required (a flush that freed page tables, a lazy CPU on\n"
		   "  the mm a shoot-lazies call exists to clear); kernel: targets this kernel's own filter\n"
		   "  left out of remote TLB flushes and membarrier calls, or reached by broadcast flushes\n"
		   "  (%s); race: skipped targets that switched to the mm within the race window\n",
		json_as_string(json_get(json_get(w, "broadcast"), "probe")) ?: "broadcast not probed");
}

void summary_print(FILE *f, const struct json *res)
{
	const char *sch = json_as_string(json_path(res, "kernel.lazy_tlb_scheme"));

	fprintf(f, "lazytlb %s on %s (%s), %llu CPUs, lazy TLB scheme: %s (%s), %zu rep(s), %.2f s\n",
		json_as_string(json_path(res, "scenario.name")) ?: "?",
		json_as_string(json_path(res, "kernel.release")) ?: "?",
		json_as_string(json_path(res, "host.arch")) ?: "?",
		(unsigned long long)json_as_u64(json_path(res, "host.nr_cpus")), sch ? sch : "unknown",
		json_as_string(json_path(res, "kernel.scheme_source")) ?: "?", json_len(json_get(res, "reps")),
		reps_seconds(res));

	section(f, "Context switches");
	row(f, res, "user -> user", "metrics.switch.user_to_user");
	row(f, res, "user -> kthread/idle (lazy grab)", "metrics.switch.user_to_kthread");
	row(f, res, "kthread/idle -> user (lazy drop)", "metrics.switch.kthread_to_user");
	row(f, res, "kthread -> kthread (carry)", "metrics.switch.kthread_to_kthread");
	row(f, res, "to idle", "metrics.switch.to_idle");

	section(f, "Lazy mm references");
	row(f, res, "grabs at context switch", "metrics.lazy.grabs");
	row(f, res, "drops at context switch", "metrics.lazy.drops");
	row(f, res, "exit_mm grabs", "metrics.lazy.exit_grabs");
	if (summary_on_arch(res, "powerpc"))
		row(f, res, "moved off by exit flush", "metrics.lazy.exit_flush_switches");
	row(f, res, "dropped by a helper's exec", "metrics.lazy.exec_drops");
	row(f, res, "taken by CPU hotplug (online)", "metrics.lazy.hotplug_grabs");
	row(f, res, "dropped by CPU hotplug (offline)", "metrics.lazy.hotplug_drops");
	row(f, res, "kthread_use_mm (grab + drop)", "metrics.lazy.use_mm_swaps");
	row(f, res, "grabs, every site", "metrics.lazy.grabs_all");
	row(f, res, "drops, every site", "metrics.lazy.drops_all");
	row(f, res, "refcount atomics (grabs+drops)", "metrics.lazy.refcount_atomics");
	row(f, res, "hand-backs with mm_count >= 2", "metrics.lazy.handback.mm_count_ge2");
	row(f, res, "hand-backs with mm_count <= 1", "metrics.lazy.handback.mm_count_le1");
	print_hist(f, res, "metrics.lazy.sharing", "CPUs sharing the mm at a lazy op");

	section(f, "mm teardown");
	row(f, res, "__mmdrop", "metrics.mmdrop.mmdrop");
	/* shoot-lazies: MMU_LAZY_TLB_SHOOTDOWN kernels (powerpc 64s, 6.4+); the exit flush:
	 * powerpc radix (exit_lazy_flush_tlb) */
	if (!summary_refcount(res)) {
		row(f, res, "shoot-lazy calls", "metrics.mmdrop.shoot_lazy_calls");
		row(f, res, "shoot-lazy IPIs", "metrics.mmdrop.shoot_lazy_ipis");
	}
	if (summary_on_arch(res, "powerpc"))
		row(f, res, "exit-flush-lazy calls", "metrics.mmdrop.exit_flush_lazy_calls");
	row(f, res, "membarrier(2) calls", "metrics.calls.membarrier");
	row(f, res, "tlb_remove_table_sync_one", "metrics.calls.tlb_remove_table_sync_one");

	section(f, "IPIs by cause: calls queued, hardware IPIs delivered; queued by target state at send");
	if (!strcmp(json_as_string(json_path(res, "reps.0.metrics.ipi.requests_source")) ?: "", "arch_ipi_send"))
		fprintf(f, "  (an older result: counted at the arch IPI send, so hardware IPIs only; a call\n"
			   "   queued behind a pending IPI is not counted)\n");
	cause_state_table(f, res);
	callbacks_table(f, res);
	senders_table(f, res);
	losses_lines(f, res);
	section(f, "IPIs received (checked against /proc/interrupts)");
	ground_truth(f, res);

	section(f, "Wakeups");
	cause_rows(f, res, "metrics.wakeups.idle_by_cause", "idle wakeups by");
	row(f, res, "idle exits without an IPI", "metrics.wakeups.idle_without_ipi");
	cause_rows(f, res, "metrics.wakeups.nohz_full_by_cause", "nohz_full disturbances by");

	/* the tlb_flush tracepoint is x86's alone (arch/x86/mm/tlb.c; 5.10-6.18) */
	if (summary_on_arch(res, "x86")) {
		section(f, "TLB flushes (tlb_flush tracepoint)");
		row(f, res, "task switch", "metrics.tlb_flush.by_reason.task_switch");
		row(f, res, "remote shootdown (received)", "metrics.tlb_flush.by_reason.remote_shootdown");
		row(f, res, "local shootdown", "metrics.tlb_flush.by_reason.local_shootdown");
		row(f, res, "local mm shootdown", "metrics.tlb_flush.by_reason.local_mm_shootdown");
		row(f, res, "remote send IPI", "metrics.tlb_flush.by_reason.remote_send_ipi");
		remote_flush_rows(f, res);
	}

	section(f, "What-if: IPIs each proposed filter would have skipped");
	whatif_table(f, res);

	section(f, "Latency histograms");
	print_hist(f, res, "metrics.hist.ipi_latency_ns", "IPI send -> handler");
	split_line(f, res, "metrics.hist.ipi_latency_by_target", "  by the target at the send (idle: its C-state exit included)");
	print_hist(f, res, "metrics.hist.flush_tlb_mm_range_ns", "flush_tlb_mm_range");
	split_line(f, res, "metrics.hist.flush_tlb_mm_range_by_path", "  by how it flushed the other CPUs");
	print_hist(f, res, "metrics.hist.finish_task_switch_ns.lazy_drop", "finish_task_switch, lazy drop");
	print_hist(f, res, "metrics.hist.finish_task_switch_ns.other", "finish_task_switch, other");
	if (*(json_as_string(json_path(res, "host.nohz_full")) ?: ""))
		print_hist(f, res, "metrics.hist.nohz_interruption_ns", "nohz_full CPU interrupted by an IPI");

	summary_probes(f, res, lt_verbose);
}
