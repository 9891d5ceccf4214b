// SPDX-License-Identifier: GPL-2.0
/*
 * plot_data.c - the data behind each plot, as gnuplot-readable .dat files
 * that stay beside the images so a user can restyle or replot them (see
 * plot.h). Which plots exist follows from the files: a histogram plot per
 * metrics.hist.* that has events, IPI stacks when IPIs were counted, a
 * scaling plot only when the files differ in CPUs or threads.
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lib/cli.h"
#include "plot.h"
#include "plot_int.h"
#include "stats.h"

/* NAME from a metric path: "metrics.hist.finish_task_switch_ns.lazy_drop"
 * -> "hist_finish_task_switch_ns_lazy_drop" (file-name safe). */
static void safe_name(char *buf, size_t len, const char *prefix, const char *path)
{
	snprintf(buf, len, "%s%s", prefix, path);
	for (char *p = buf; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '-' || *p == '_'))
			*p = '_';
}

/* Last component of a dotted path. */
static const char *leaf(const char *path)
{
	const char *dot = strrchr(path, '.');

	return dot ? dot + 1 : path;
}

/* Mean over reps of a counter's per-second rate in one file; NaN if unmeasured. */
static double mean_rate(const struct lt_result *r, const struct metric *m)
{
	double *v = calloc(r->nreps, sizeof(*v)), mean;
	size_t n;

	if (!v)
		abort();
	metric_values(r, m, v, &n);
	mean = n ? stats_summarize(v, n).mean : NAN;
	free(v);
	return mean;
}

/* A file's label, marked "(n/a)" when the group at root was not measured. */
static void row_label(FILE *f, const struct lt_result *r, const char *root)
{
	const struct json *node;
	char label[160];

	snprintf(label, sizeof(label), "%s%s", r->label,
		 rep_lookup(json_at(r->reps, 0), root, &node) == LOOKUP_OK ? "" : " (n/a)");
	plot_put_label(f, label);
}

/* ---------------------------------------------------------- histograms */

/* What each histogram measures, for a reader: its title and the axis quantity */
static const struct hist_title {
	const char *path, *title, *axis;
} hist_titles[] = {
	{ "metrics.hist.ipi_latency_ns", "IPI latency: send to the handler on the target", "latency" },
	{ "metrics.hist.ipi_latency_by_target.idle", "IPI latency to CPUs idle at the send (C-state exit included)", "latency" },
	{ "metrics.hist.ipi_latency_by_target.not_idle", "IPI latency to CPUs busy at the send", "latency" },
	{ "metrics.hist.flush_tlb_mm_range_ns", "Time in flush_tlb_mm_range (a TLB flush, all CPUs)", "time per call" },
	{ "metrics.hist.flush_tlb_mm_range_by_path.ipi", "flush_tlb_mm_range calls that sent TLB-flush IPIs", "time per call" },
	{ "metrics.hist.flush_tlb_mm_range_by_path.broadcast", "flush_tlb_mm_range calls flushed by INVLPGB broadcast", "time per call" },
	{ "metrics.hist.flush_tlb_mm_range_by_path.no_ipi", "flush_tlb_mm_range calls without an IPI", "time per call" },
	{ "metrics.hist.finish_task_switch_ns.lazy_drop", "finish_task_switch dropping a lazy mm reference", "time per switch" },
	{ "metrics.hist.finish_task_switch_ns.other", "finish_task_switch without a lazy mm drop", "time per switch" },
	{ "metrics.hist.nohz_interruption_ns", "nohz_full CPU interrupted: time in the IPI handler", "time per IPI" },
	{ "metrics.hist.defer_delay_ns", "Defer to kernel entry: how long a deferred IPI would wait", "delay" },
};

static const struct hist_title *hist_title(const char *path)
{
	for (size_t i = 0; i < sizeof(hist_titles) / sizeof(hist_titles[0]); i++)
		if (!strcmp(hist_titles[i].path, path))
			return &hist_titles[i];
	return NULL;
}

/* v in unit "ns" as a reader writes it: 850 ns, 20.7 us, 1.2 ms; other units as they are */
static void human_value(char *buf, size_t len, double v, const char *unit)
{
	if (strcmp(unit, "ns"))
		snprintf(buf, len, "%.4g %s", v, unit);
	else if (v < 1e3)
		snprintf(buf, len, "%.0f ns", v);
	else if (v < 1e6)
		snprintf(buf, len, "%.3g us", v / 1e3);
	else if (v < 1e9)
		snprintf(buf, len, "%.3g ms", v / 1e6);
	else
		snprintf(buf, len, "%.3g s", v / 1e9);
}

/* One block per file with events: its cumulative distribution, rows (value, % of events at
 * or below it, events in the bucket ending there) from the first non-empty bucket's lower
 * bound (0 %) to the last one's upper bound (100 %). A 0 bound becomes 0.5 to live on a log
 * axis. The block's header names the series with its p50 and p99. */
static void hist_block(FILE *f, const struct lt_hist *h, const char *label, const char *unit)
{
	char title[256], p50[32], p99[32];
	double cum = 0;
	bool first = true;

	human_value(p50, sizeof(p50), hist_percentile(h, 0.5), unit);
	human_value(p99, sizeof(p99), hist_percentile(h, 0.99), unit);
	snprintf(title, sizeof(title), "%s  p50 %s  p99 %s  (%llu events)", label, p50, p99,
		 (unsigned long long)h->count);
	fputs("\"bound\" ", f);
	plot_put_label(f, title);
	fputs(" \"count\"\n", f);
	for (unsigned int i = 0; i < LT_HIST_NR_BUCKETS; i++) {
		if (!h->buckets[i])
			continue;
		if (first)
			fprintf(f, "%.17g 0 0\n", fmax(0.5, (double)hist_bucket_lo(i)));
		first = false;
		cum += (double)h->buckets[i];
		fprintf(f, "%.17g %.17g %llu\n", fmax(0.5, (double)hist_bucket_hi(i)), 100.0 * cum / (double)h->count,
			(unsigned long long)h->buckets[i]);
	}
	fputs("\n\n", f);
}

/* The markers block of a file: its p50 and p99 on the curve, with their values as labels */
static void hist_marks(FILE *f, const struct lt_hist *h, const char *unit)
{
	static const double q[] = { 0.5, 0.99 };

	fputs("\"at\" \"pct\" \"label\"\n", f);
	for (size_t k = 0; k < 2; k++) {
		char v[32];

		human_value(v, sizeof(v), hist_percentile(h, q[k]), unit);
		fprintf(f, "%.17g %g \"p%g %s\"\n", fmax(0.5, hist_percentile(h, q[k])), 100 * q[k], 100 * q[k], v);
	}
	fputs("\n\n", f);
}

static int plot_hist(const struct lt_result *r, size_t n, const char *dir, const char *path,
		     struct plot_jobs *jobs)
{
	const char *unit = metric_hist_unit(r, n, path);
	const struct hist_title *t = hist_title(path);
	struct lt_hist *h = calloc(n, sizeof(*h));
	char name[96], what[4200];
	struct plot_job *j;
	size_t blocks = 0;
	FILE *f;

	if (!h)
		abort();
	safe_name(name, sizeof(name), "hist_", path + strlen("metrics.hist."));
	snprintf(what, sizeof(what), "%s merged over reps: per file its CDF, then per file its p50/p99 marks", path);
	f = plot_dat_open(dir, name, what);
	if (!f) {
		free(h);
		return LT_EXIT_FAIL;
	}
	for (size_t i = 0; i < n; i++) {
		if (metric_hists(&r[i], path, &h[i], NULL) != LOOKUP_OK || !h[i].count) {
			fprintf(f, "# %s: no events or not measured\n", r[i].label);
			h[i].count = 0;
			continue;
		}
		hist_block(f, &h[i], r[i].label, unit);
		blocks++;
	}
	for (size_t i = 0; i < n; i++)
		if (h[i].count)
			hist_marks(f, &h[i], unit);
	free(h);
	if (plot_dat_close(f, dir, name))
		return LT_EXIT_FAIL;
	if (!blocks) { /* nothing to draw: no data file left without its image */
		snprintf(what, sizeof(what), "%s/%s.dat", dir, name);
		unlink(what);
		snprintf(what, sizeof(what), "%s (no events)", t ? t->title : path);
		plot_note(jobs, what);
		return 0;
	}
	j = plot_job_new(jobs, name, "hist.gp", "Latency distributions");
	plot_job_var(j, "N", false, "%zu", blocks);
	plot_job_var(j, "TITLE", true, "%s", t ? t->title : path);
	plot_job_var(j, "UNIT", true, "%s", *unit ? unit : "value");
	plot_job_var(j, "XLABEL", true, "%s", t ? t->axis : leaf(path));
	snprintf(j->caption, sizeof(j->caption),
		 "%s: the share of events at or below each value (a CDF; log axis), p50 and p99 marked, per file, "
		 "merged over reps (`%s`).", t ? t->title : path, path);
	return 0;
}

/* -------------------------------------------------------- stacked bars */

static int plot_stacked(const struct lt_result *r, size_t n, const char *dir, const char *root,
			const char *name, const char *title, struct plot_jobs *jobs)
{
	struct metric_list l = { 0 };
	size_t parts = 0;
	struct plot_job *j;
	char what[300];
	double *rate;
	bool *drawn;
	FILE *f;

	metrics_collect(r, n, root, &l);
	rate = calloc(n * (l.n ? l.n : 1), sizeof(*rate));
	drawn = calloc(l.n ? l.n : 1, sizeof(*drawn));
	if (!rate || !drawn)
		abort();
	/* only the parts some file has: a legend of what is drawn */
	for (size_t k = 0; k < l.n; k++)
		for (size_t i = 0; l.v[k].kind == MK_COUNTER && i < n; i++) {
			rate[i * l.n + k] = mean_rate(&r[i], &l.v[k]);
			drawn[k] = drawn[k] || rate[i * l.n + k] > 0;
		}
	for (size_t k = 0; k < l.n; k++)
		parts += drawn[k];
	f = NULL;
	if (!parts) {
		snprintf(what, sizeof(what), "%s: not measured, or 0, in every file", root);
		plot_note(jobs, what);
	} else {
		snprintf(what, sizeof(what), "%s, mean per-second rate over reps (the parts not 0 in some file)", root);
		f = plot_dat_open(dir, name, what);
	}
	if (f) {
		fputs("file", f);
		for (size_t k = 0; k < l.n; k++)
			if (drawn[k])
				fprintf(f, " %s", leaf(l.v[k].path));
		fputc('\n', f);
		for (size_t i = 0; i < n; i++) {
			row_label(f, &r[i], root);
			for (size_t k = 0; k < l.n; k++)
				if (drawn[k])
					fprintf(f, " %.17g", rate[i * l.n + k]);
			fputc('\n', f);
		}
	}
	metric_list_free(&l);
	free(rate);
	free(drawn);
	if (!parts)
		return 0;
	if (!f || plot_dat_close(f, dir, name))
		return LT_EXIT_FAIL;
	j = plot_job_new(jobs, name, "stacked.gp", "IPIs");
	plot_job_var(j, "NCOLS", false, "%zu", parts + 1);
	plot_job_var(j, "TITLE", true, "%s", title);
	plot_job_var(j, "YLABEL", true, "IPI requests per second");
	snprintf(j->caption, sizeof(j->caption),
		 "%s: mean per-second rate over reps, stacked per file; parts that are 0 in every file are left out "
		 "(`%s`).", title, root);
	return 0;
}

/* ------------------------------------------------------------- heatmap */

static int plot_heatmap(const struct lt_result *r, size_t n, const char *dir, struct plot_jobs *jobs)
{
	static const char root[] = "metrics.ipi.received_per_cpu", name[] = "ipi_received_per_cpu";
	struct metric_list l = { 0 };
	size_t ncpu = 0;
	struct plot_job *j;
	FILE *f;

	metrics_collect(r, n, root, &l);
	for (size_t k = 0; k < l.n; k++) {
		size_t cpu = strtoul(leaf(l.v[k].path), NULL, 10);

		if (l.v[k].kind == MK_COUNTER && cpu + 1 > ncpu)
			ncpu = cpu + 1;
	}
	if (!ncpu) {
		plot_note(jobs, "metrics.ipi.received_per_cpu: not measured in any file");
		metric_list_free(&l);
		return 0;
	}
	f = plot_dat_open(dir, name, "IPIs received per second on each CPU (columns), one row per file, last file first");
	if (!f) {
		metric_list_free(&l);
		return LT_EXIT_FAIL;
	}
	/* the image's first row is drawn at the bottom: write the last file first
	 * so the files read top-down in command-line order */
	for (size_t i = n; i-- > 0;) {
		row_label(f, &r[i], root);
		for (size_t cpu = 0; cpu < ncpu; cpu++) {
			char path[128];
			struct metric m = { path, MK_COUNTER };

			snprintf(path, sizeof(path), "%s.%zu", root, cpu);
			fprintf(f, " %.17g", mean_rate(&r[i], &m));
		}
		fputc('\n', f);
	}
	metric_list_free(&l);
	if (plot_dat_close(f, dir, name))
		return LT_EXIT_FAIL;
	j = plot_job_new(jobs, name, "heatmap.gp", "IPIs received per CPU");
	plot_job_var(j, "NCPU", false, "%zu", ncpu);
	plot_job_var(j, "NROWS", false, "%zu", n);
	plot_job_var(j, "TITLE", true, "IPIs received per CPU (mean per second over reps)");
	snprintf(j->caption, sizeof(j->caption),
		 "IPIs each CPU received per second (mean over reps), a row per file; blank where a file has no "
		 "such CPU or did not measure it (`%s`).", root);
	return 0;
}

/* ------------------------------------------------------------- scaling */

struct scale_point {
	double x;
	struct stats_summary s;
	char series[128];
};

static int cmp_point(const void *a, const void *b)
{
	const struct scale_point *p = a, *q = b;
	int c = strcmp(p->series, q->series);

	return c ? c : (p->x > q->x) - (p->x < q->x);
}

/* The x of the scaling plot: scenario.threads (run -t, --sweep threads=) or
 * scenario.params.threads when the files differ in it, else host.nr_cpus when they
 * differ in that; NULL if neither. */
static const char *scaling_axis(const struct lt_result *r, size_t n)
{
	static const char *const axes[] = { "scenario.threads", "scenario.params.threads", "host.nr_cpus" };

	for (size_t a = 0; a < sizeof(axes) / sizeof(axes[0]); a++) {
		bool all = true, differ = false;

		for (size_t i = 0; i < n; i++) {
			const struct json *v = json_path(r[i].doc, axes[a]);

			all = all && json_is_number(v);
			differ = differ || (all && json_as_double(v) != json_as_double(json_path(r[0].doc, axes[a])));
		}
		if (all && differ)
			return axes[a];
	}
	return NULL;
}

static int plot_scaling(const struct lt_result *r, size_t n, const char *dir, struct plot_jobs *jobs)
{
	static const char name[] = "refcount_atomics_scaling";
	struct metric m = { (char *)"metrics.lazy.refcount_atomics", MK_COUNTER };
	const char *axis = scaling_axis(r, n);
	struct scale_point *pts;
	size_t npts = 0, series = 0;
	struct plot_job *j;
	FILE *f;

	if (!axis)
		return 0; /* one machine size, one thread count: nothing to scale over */
	pts = calloc(n, sizeof(*pts));
	if (!pts)
		abort();
	for (size_t i = 0; i < n; i++) {
		double *v = calloc(r[i].nreps, sizeof(*v));
		size_t k;

		if (!v)
			abort();
		if (metric_values(&r[i], &m, v, &k) == LOOKUP_OK) {
			pts[npts].x = json_as_double(json_path(r[i].doc, axis));
			pts[npts].s = stats_summarize(v, k);
			result_kernel_name(r, n, i, pts[npts].series, sizeof(pts[npts].series));
			npts++;
		}
		free(v);
	}
	qsort(pts, npts, sizeof(*pts), cmp_point);
	/* files of one kernel at the same x are more reps of one point: pool them */
	{
		size_t out = 0;

		for (size_t i = 0; i < npts; i++) {
			if (out && !strcmp(pts[i].series, pts[out - 1].series) && pts[i].x == pts[out - 1].x)
				pts[out - 1].s = stats_pool(pts[out - 1].s, pts[i].s);
			else
				pts[out++] = pts[i];
		}
		npts = out;
	}
	f = npts ? plot_dat_open(dir, name, "lazy mm refcount atomics per second against x, one block per kernel") : NULL;
	for (size_t i = 0; f && i < npts; i++) {
		if (!i || strcmp(pts[i].series, pts[i - 1].series)) {
			fputs(i ? "\n\n\"x\" " : "\"x\" ", f);
			plot_put_label(f, pts[i].series);
			fputs(" \"stddev\"\n", f);
			series++;
		}
		fprintf(f, "%.17g %.17g %.17g\n", pts[i].x, pts[i].s.mean, pts[i].s.sd);
	}
	free(pts);
	if (!npts) {
		plot_note(jobs, "refcount atomics scaling: metrics.lazy.refcount_atomics not measured");
		return 0;
	}
	if (plot_dat_close(f, dir, name))
		return LT_EXIT_FAIL;
	j = plot_job_new(jobs, name, "scaling.gp", "Scaling");
	plot_job_var(j, "N", false, "%zu", series);
	plot_job_var(j, "TITLE", true, "lazy mm refcount atomics vs %s", strcmp(axis, "host.nr_cpus") ? "threads" : "CPUs");
	plot_job_var(j, "XLABEL", true, "%s", strcmp(axis, "host.nr_cpus") ? "threads" : "CPUs");
	plot_job_var(j, "YLABEL", true, "refcount atomics per second");
	snprintf(j->caption, sizeof(j->caption),
		 "`metrics.lazy.refcount_atomics` per second (mean and stddev over reps) against `%s`.", axis);
	return 0;
}

/* ---------------------------------------------------------------- all */

int plot_data_write(const struct lt_result *r, size_t n, const char *dir, struct plot_jobs *jobs)
{
	struct metric_list hists = { 0 };
	int ret = 0;

	metrics_collect(r, n, "metrics.hist", &hists);
	for (size_t k = 0; k < hists.n && !ret; k++)
		if (hists.v[k].kind == MK_HIST)
			ret = plot_hist(r, n, dir, hists.v[k].path, jobs);
	metric_list_free(&hists);
	if (!ret)
		ret = plot_stacked(r, n, dir, "metrics.ipi.by_cause", "ipi_by_cause", "IPI requests by cause", jobs);
	if (!ret)
		ret = plot_stacked(r, n, dir, "metrics.ipi.by_target_state", "ipi_by_target_state",
				   "IPI requests by the target CPU's state at the send", jobs);
	if (!ret)
		ret = plot_heatmap(r, n, dir, jobs);
	if (!ret)
		ret = plot_flow(r, n, dir, jobs);
	if (!ret)
		ret = plot_scaling(r, n, dir, jobs);
	return ret;
}

void plot_jobs_free(struct plot_jobs *jobs)
{
	free(jobs->v);
	memset(jobs, 0, sizeof(*jobs));
}
