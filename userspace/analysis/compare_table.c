// SPDX-License-Identifier: GPL-2.0
/*
 * compare_table.c - build the comparison (see compare_table.h): a headline
 * of the numbers the lazy-TLB question turns on, then every metric the files
 * hold, found by walking them rather than listed here, so new collector
 * metrics need no change in compare.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "compare_table.h"
#include "result/reps.h"

/* counters per second, or per workload op (compare --per-op: results_per_op) */
#define RATE_UNIT(t) ((t)->files[0].per_op ? "/op" : "/s")

/* Headline: lazy mm refcount traffic, IPIs by cause, wakeups, and what the
 * workload achieved; each root expands to every leaf under it. */
static const char *const headline_roots[] = {
	"metrics.lazy.refcount_atomics",
	"metrics.ipi.by_cause",
	"metrics.wakeups",
	"workload.ops_per_s",
};

static const struct { const char *name; double q; } percentiles[] = {
	{ "p50", 0.50 }, { "p90", 0.90 }, { "p99", 0.99 }, { "p99.9", 0.999 },
};

static bool has_prefix(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	return !strncmp(path, prefix, n) && (path[n] == '.' || path[n] == '\0');
}

static struct cmp_row *row_new(struct cmp_table *t, enum cmp_section_id s, const char *metric,
			       const char *unit, const char *test)
{
	struct cmp_section *sec = &t->sec[s];
	struct cmp_row *r;

	if (sec->n == sec->cap) {
		sec->cap = sec->cap ? sec->cap * 2 : 32;
		sec->rows = realloc(sec->rows, sec->cap * sizeof(*sec->rows));
		if (!sec->rows)
			abort();
	}
	r = &sec->rows[sec->n++];
	r->metric = strdup(metric);
	r->unit = unit;
	r->test = test;
	r->val = calloc(t->nfiles, sizeof(*r->val));
	r->chg = calloc(t->nfiles, sizeof(*r->chg));
	if (!r->metric || !r->val || !r->chg)
		abort();
	return r;
}

static double pct_change(double base, double v)
{
	if (base == 0)
		return v == 0 ? 0 : copysign(INFINITY, v);
	return (v - base) / fabs(base) * 100;
}

/* Change of file i against file 0, given the test result; extra is a further
 * condition for significance (the KS effect size). Significance is decided
 * once every row is in (mark_significant): it needs all rows' p-values. */
static void set_change(const struct cmp_table *t, struct cmp_row *r, size_t i, struct stats_test test,
		       bool extra)
{
	struct cmp_change *c = &r->chg[i];

	(void)t;
	c->q = NAN;
	c->ks_d = NAN;
	if (r->val[0].status != LOOKUP_OK || r->val[i].status != LOOKUP_OK || !r->val[0].s.n ||
	    !r->val[i].s.n) {
		c->change_pct = NAN;
		c->test = (struct stats_test){ NAN, NAN, NAN };
		return;
	}
	c->change_pct = pct_change(r->val[0].s.mean, r->val[i].s.mean);
	c->test = test;
	c->extra = extra;
}

static void welch_changes(const struct cmp_table *t, struct cmp_row *r)
{
	for (size_t i = 1; i < t->nfiles; i++)
		set_change(t, r, i, stats_welch(r->val[0].s, r->val[i].s), true);
}

static size_t max_reps(const struct cmp_table *t)
{
	size_t m = 0;

	for (size_t i = 0; i < t->nfiles; i++)
		if (t->files[i].nreps > m)
			m = t->files[i].nreps;
	return m;
}

/* A counter counts events: their rate varies at least as a Poisson count's would, whatever
 * the reps show (3 reps of 0 against 3 of 2 have sd 0 and ~0: Welch alone calls that
 * certain). So its p is the larger of Welch's and the Poisson rate test's on the totals;
 * large counts leave Welch's alone. Except a structural zero: none in every rep of one file,
 * some in every rep of the other (a path one kernel does not take: shoot-lazies on a
 * refcount kernel). The zero side has no spread to estimate, and Welch, left with the other
 * side's spread over 3 reps (2 degrees of freedom), gave a 0 -> 1950 atomics/s change
 * p = 0.03; no spread of the busy side makes 0 events in every rep of the other likely: the
 * Poisson test's p stands alone there. pos/zero: per file, every rep > 0 / == 0. */
static void counter_p(const struct cmp_table *t, struct cmp_row *r, const struct metric *m, const bool *pos,
		      const bool *zero)
{
	double c0, s0;

	if (metric_total(&t->files[0], m, &c0, &s0) != LOOKUP_OK)
		return;
	for (size_t i = 1; i < t->nfiles; i++) {
		struct cmp_change *c = &r->chg[i];
		double ci, si, pp;

		if (isnan(c->test.p) || metric_total(&t->files[i], m, &ci, &si) != LOOKUP_OK)
			continue;
		pp = stats_poisson_rates_p(c0, s0, ci, si);
		c->test.p = (zero[0] && pos[i]) || (pos[0] && zero[i]) ? pp : fmax(c->test.p, pp);
	}
}

static void add_scalar_row(struct cmp_table *t, enum cmp_section_id s, const struct metric *m)
{
	struct cmp_row *r = row_new(t, s, m->path, m->kind == MK_COUNTER ? RATE_UNIT(t) : "", "welch");
	double *v = calloc(max_reps(t), sizeof(*v));
	bool *pos = calloc(t->nfiles, sizeof(*pos)), *zero = calloc(t->nfiles, sizeof(*zero));

	if (!v || !pos || !zero)
		abort();
	for (size_t i = 0; i < t->nfiles; i++) {
		size_t n;

		r->val[i].status = metric_values(&t->files[i], m, v, &n);
		r->val[i].s = stats_summarize(v, n);
		pos[i] = zero[i] = n >= 2;
		for (size_t k = 0; k < n; k++) {
			pos[i] = pos[i] && v[k] > 0;
			zero[i] = zero[i] && v[k] == 0;
		}
	}
	free(v);
	welch_changes(t, r);
	if (m->kind == MK_COUNTER)
		counter_p(t, r, m, pos, zero);
	free(pos);
	free(zero);
}

/* skip as a percentage of seen, per rep (a what-if filter's hit rate) */
static void add_skip_pct_row(struct cmp_table *t, const char *skip_path)
{
	size_t len = strlen(skip_path) - strlen("skip");
	char seen_path[512], name[512];
	struct metric skip = { (char *)skip_path, MK_COUNTER }, seen = { seen_path, MK_COUNTER };
	double *a = calloc(max_reps(t), sizeof(*a)), *b = calloc(max_reps(t), sizeof(*b));
	struct cmp_row *r;

	snprintf(seen_path, sizeof(seen_path), "%.*sseen", (int)len, skip_path);
	snprintf(name, sizeof(name), "%s_pct", skip_path);
	r = row_new(t, SEC_WHATIF, name, "%", "welch");
	for (size_t i = 0; i < t->nfiles; i++) {
		size_t na, nb, n = 0;
		enum lookup la = metric_values(&t->files[i], &skip, a, &na);
		enum lookup lb = metric_values(&t->files[i], &seen, b, &nb);

		/* both come from the same reps when both are present; reps where
		 * nothing was seen have no rate to give */
		for (size_t k = 0; na == nb && k < na; k++)
			if (b[k] > 0)
				a[n++] = a[k] / b[k] * 100;
		r->val[i].status = la > lb ? la : lb;
		if (r->val[i].status == LOOKUP_OK && !n)
			r->val[i].status = LOOKUP_ABSENT;
		r->val[i].s = stats_summarize(a, n);
	}
	free(a);
	free(b);
	welch_changes(t, r);
}

/* A histogram: its event rate (Welch over reps), then each percentile of the
 * merged histogram with the stddev of the per-rep percentiles. A percentile's
 * test is Welch over the per-rep percentiles: the rep is the unit that was
 * repeated; events of one rep share its machine state, so a KS test over the
 * merged events (pseudo-replication) found two runs of one kernel different
 * at p < 1e-30. The KS gap D of the merged histograms stays as the effect
 * size (--ks-min-d) and the row's statistic. */
enum { NR_PCT = sizeof(percentiles) / sizeof(percentiles[0]) };

static void add_hist_rows(struct cmp_table *t, const char *path)
{
	size_t nf = t->nfiles, nr = max_reps(t);
	struct lt_hist *merged = calloc(nf, sizeof(*merged)), *per_rep = calloc(nr, sizeof(*per_rep));
	double *v = calloc(nr, sizeof(*v));
	struct stats_summary *rep_s = calloc(nf * NR_PCT, sizeof(*rep_s)); /* per-rep percentiles */
	const char *unit = metric_hist_unit(t->files, nf, path);
	struct cmp_section *sec = &t->sec[SEC_HIST];
	size_t first = sec->n; /* rows by index: row_new may move them */
	struct cmp_row *rate, *pct[NR_PCT];
	char name[600];

	snprintf(name, sizeof(name), "%s.count", path);
	row_new(t, SEC_HIST, name, RATE_UNIT(t), "welch");
	for (size_t p = 0; p < NR_PCT; p++) {
		snprintf(name, sizeof(name), "%s %s", path, percentiles[p].name);
		row_new(t, SEC_HIST, name, unit, "welch");
	}
	rate = &sec->rows[first];
	for (size_t p = 0; p < NR_PCT; p++)
		pct[p] = &sec->rows[first + 1 + p];
	for (size_t i = 0; i < nf; i++) {
		const struct lt_result *f = &t->files[i];
		enum lookup st = metric_hists(f, path, &merged[i], per_rep);
		size_t n = 0;

		for (size_t k = 0; st == LOOKUP_OK && k < f->nreps; k++) {
			const struct json *rep = json_at(f->reps, k), *h;

			/* a rep whose histogram is present but empty counts as rate 0 */
			if (rep_lookup(rep, path, &h) == LOOKUP_OK)
				v[n++] = (double)per_rep[k].count / reps_exposure(rep, f->per_op);
		}
		rate->val[i].status = st;
		rate->val[i].s = stats_summarize(v, n);
		for (size_t p = 0; p < NR_PCT; p++) {
			n = 0;
			for (size_t k = 0; k < f->nreps; k++)
				if (per_rep[k].count)
					v[n++] = hist_percentile(&per_rep[k], percentiles[p].q);
			/* no events at all: status ok with n = 0, printed as such */
			pct[p]->val[i].status = st;
			rep_s[i * NR_PCT + p] = pct[p]->val[i].s = stats_summarize(v, n);
			pct[p]->val[i].s.mean = hist_percentile(&merged[i], percentiles[p].q);
		}
	}
	welch_changes(t, rate);
	for (size_t i = 1; i < nf; i++) {
		double d = stats_ks_hist(&merged[0], &merged[i]).statistic;

		for (size_t p = 0; p < NR_PCT; p++) {
			set_change(t, pct[p], i, stats_welch(rep_s[p], rep_s[i * NR_PCT + p]),
				   d >= t->opts.ks_min_d);
			pct[p]->chg[i].ks_d = d;
		}
	}
	free(rep_s);
	free(merged);
	free(per_rep);
	free(v);
}

static void add_scheme_row(struct cmp_table *t)
{
	struct cmp_row *r = row_new(t, SEC_HEADLINE, "kernel.lazy_tlb_scheme", "", NULL);

	for (size_t i = 0; i < t->nfiles; i++) {
		const struct json *v = json_path(t->files[i].doc, "kernel.lazy_tlb_scheme");

		/* null: the collector could not tell from config or evidence */
		r->val[i].text = json_as_string(v);
		r->val[i].status = r->val[i].text ? LOOKUP_OK : v ? LOOKUP_NULL : LOOKUP_ABSENT;
	}
	for (size_t i = 1; i < t->nfiles; i++) {
		r->chg[i].change_pct = NAN;
		r->chg[i].test = (struct stats_test){ NAN, NAN, NAN };
	}
}

/* Route one leaf of the "metrics" walk to its section. */
static void add_metric(struct cmp_table *t, const struct metric *m)
{
	/* a list of senders, not metrics: entry N of one file is another sender in the next */
	if (has_prefix(m->path, "metrics.ipi.senders"))
		return;
	if (m->kind == MK_HIST)
		add_hist_rows(t, m->path);
	else if (has_prefix(m->path, "metrics.whatif")) {
		add_scalar_row(t, SEC_WHATIF, m);
		if (strlen(m->path) > 5 && !strcmp(m->path + strlen(m->path) - 5, ".skip"))
			add_skip_pct_row(t, m->path);
	} else
		add_scalar_row(t, has_prefix(m->path, "metrics.hist") ? SEC_HIST : SEC_METRICS, m);
}

/* One test of the family: a metric's p-value, once however many rows show it
 * (the headline repeats metrics rows; a histogram's percentiles share one KS). */
struct fam_test {
	char key[512];
	double p, q;
};

static int fam_by_p(const void *a, const void *b)
{
	double x = ((const struct fam_test *)a)->p, y = ((const struct fam_test *)b)->p;

	return x < y ? -1 : x > y;
}

static void fam_key(char *key, size_t n, const char *metric)
{
	snprintf(key, n, "%.*s", (int)strcspn(metric, " "), metric);
}

/* q-values of file i's tests against file 0: Benjamini-Hochberg, q(k) =
 * min over j >= k of p(j) m / j. Hundreds of rows are tested at once, so at
 * p < 0.05 some 5% of unchanged metrics would be marked; q < alpha bounds the
 * expected share of false marks among the marked ones at alpha, and with no
 * real change at all, the chance of any mark. */
static void fdr_adjust(struct cmp_table *t, size_t i)
{
	size_t cap = 0, m = 0;
	struct fam_test *f = NULL;

	for (int s = 0; s < SEC_NR; s++)
		for (size_t k = 0; k < t->sec[s].n; k++) {
			const struct cmp_row *r = &t->sec[s].rows[k];
			char key[512];
			size_t j;

			if (!r->test || isnan(r->chg[i].test.p))
				continue;
			fam_key(key, sizeof(key), r->metric);
			for (j = 0; j < m && strcmp(f[j].key, key); j++)
				;
			if (j < m)
				continue;
			if (m == cap) {
				cap = cap ? cap * 2 : 256;
				f = realloc(f, cap * sizeof(*f));
				if (!f)
					abort();
			}
			snprintf(f[m].key, sizeof(f[m].key), "%s", key);
			f[m++].p = r->chg[i].test.p;
		}
	qsort(f, m, sizeof(*f), fam_by_p);
	for (size_t k = m; k-- > 0;) {
		double q = fmin(1, f[k].p * m / (k + 1));

		f[k].q = k + 1 < m ? fmin(q, f[k + 1].q) : q;
	}
	for (int s = 0; s < SEC_NR; s++)
		for (size_t k = 0; k < t->sec[s].n; k++) {
			struct cmp_change *c = &t->sec[s].rows[k].chg[i];
			char key[512];

			if (!t->sec[s].rows[k].test || isnan(c->test.p))
				continue;
			fam_key(key, sizeof(key), t->sec[s].rows[k].metric);
			for (size_t j = 0; j < m; j++)
				if (!strcmp(f[j].key, key)) {
					c->q = t->opts.no_fdr ? c->test.p : f[j].q;
					break;
				}
		}
	free(f);
}

static void mark_significant(struct cmp_table *t)
{
	for (size_t i = 1; i < t->nfiles; i++) {
		fdr_adjust(t, i);
		for (int s = 0; s < SEC_NR; s++)
			for (size_t k = 0; k < t->sec[s].n; k++) {
				struct cmp_change *c = &t->sec[s].rows[k].chg[i];

				c->significant = c->q < t->opts.alpha && c->extra;
				/* the run's other work could have moved it that far: say so instead */
				if (c->significant && fabs(c->change_pct) <= result_noise_bound_pct(t->files, i)) {
					c->significant = false;
					c->noisy = true;
				}
			}
	}
}

void cmp_table_build(struct cmp_table *t, const struct lt_result *files, size_t n, const struct cmp_opts *o)
{
	static const char *const names[SEC_NR] = { "headline", "metrics", "histograms", "whatif" };
	struct metric_list l = { 0 };

	memset(t, 0, sizeof(*t));
	t->files = files;
	t->nfiles = n;
	t->opts = *o;
	for (int s = 0; s < SEC_NR; s++)
		t->sec[s].name = names[s];

	add_scheme_row(t);
	for (size_t h = 0; h < sizeof(headline_roots) / sizeof(headline_roots[0]); h++) {
		metrics_collect(files, n, headline_roots[h], &l);
		for (size_t i = 0; i < l.n; i++)
			add_scalar_row(t, SEC_HEADLINE, &l.v[i]);
		metric_list_free(&l);
	}

	metrics_collect(files, n, "metrics", &l);
	metrics_collect(files, n, "procfs.interrupts_delta", &l);
	for (size_t i = 0; i < l.n; i++)
		add_metric(t, &l.v[i]);
	metric_list_free(&l);
	mark_significant(t);
}

void cmp_table_free(struct cmp_table *t)
{
	for (int s = 0; s < SEC_NR; s++) {
		for (size_t i = 0; i < t->sec[s].n; i++) {
			free(t->sec[s].rows[i].metric);
			free(t->sec[s].rows[i].val);
			free(t->sec[s].rows[i].chg);
		}
		free(t->sec[s].rows);
	}
	memset(t, 0, sizeof(*t));
}
