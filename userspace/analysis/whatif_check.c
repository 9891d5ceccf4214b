// SPDX-License-Identifier: GPL-2.0
/*
 * whatif_check.c - see whatif_check.h. Per rep of each file, counts divided by the rep's
 * workload ops; the estimates are means over reps with Student t intervals, the ratio's by the
 * delta method (the prediction and the unpatched IPIs come from the same reps: their
 * covariance is kept by linearising per rep).
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/stats.h"
#include "analysis/whatif_check.h"
#include "result/names.h"

#define WC_Z 0.05 /* two-sided: 95% intervals */
#define WC_MIN_NEEDED 10 /* needed IPIs on the unpatched side before a drop counts as lost */

int wc_parse_pair(const char *s, int *filter, int *cause, char *err, size_t errlen)
{
	const char *colon = strchr(s, ':');

	*filter = *cause = -1;
	for (int f = 0; colon && f < LT_NR_FILTERS; f++)
		if (strlen(lt_filter_names[f]) == (size_t)(colon - s) && !strncmp(s, lt_filter_names[f], colon - s))
			*filter = f;
	for (int c = 0; colon && c < LT_NR_CAUSES; c++)
		if (!strcmp(colon + 1, lt_cause_names[c]))
			*cause = c;
	if (*filter >= 0 && *cause >= 0)
		return 0;
	snprintf(err, errlen, "'%s' is not FILTER:CAUSE (lazytlb schema lists both, e.g. curr-mm-differs:shoot_lazy)",
		 s);
	return -1;
}

/* a number at a dotted path of a rep; NaN when absent or null (probe unavailable) */
static double rep_num(const struct json *rep, const char *path)
{
	const struct json *v;

	return rep_lookup(rep, path, &v) == LOOKUP_OK && json_is_number(v) ? json_as_double(v) : NAN;
}

/* Student t quantile for a two-sided p (bisection on stats_t_two_sided_p) */
static double t_quantile(double p, double df)
{
	double lo = 0, hi = 1000;

	if (!(df > 0))
		return NAN;
	for (int i = 0; i < 100; i++) {
		double mid = (lo + hi) / 2;

		if (stats_t_two_sided_p(mid, df) > p)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

static struct wc_est est(const double *v, size_t n)
{
	struct stats_summary s = stats_summarize(v, n);
	struct wc_est e = { s.mean, s.mean, s.mean, s.n };
	double h;

	if (!n) /* not counted on that kernel: no estimate, not 0 */
		return (struct wc_est){ NAN, NAN, NAN, 0 };

	if (s.n >= 2) {
		h = t_quantile(WC_Z, (double)s.n - 1) * s.sd / sqrt((double)s.n);
		e.lo = s.mean - h, e.hi = s.mean + h;
	}
	return e;
}

/* The estimate of a - b from two independent samples' variances (Welch-Satterthwaite df) */
static struct wc_est est_combined(double mean, double va, size_t na, double vb, size_t nb)
{
	struct wc_est e = { mean, mean, mean, na < nb ? na : nb };
	double sa = na ? va / na : 0, sb = nb ? vb / nb : 0, df, h;

	if (na < 2 || nb < 2)
		return e;
	df = sa + sb > 0 ? (sa + sb) * (sa + sb) / (sa * sa / (na - 1) + sb * sb / (nb - 1)) : (double)(na + nb - 2);
	h = t_quantile(WC_Z, df) * sqrt(sa + sb);
	e.lo = mean - h, e.hi = mean + h;
	return e;
}

static double var(const double *v, size_t n)
{
	struct stats_summary s = stats_summarize(v, n);

	return s.sd * s.sd;
}

/* per rep: value at path / ops (NaN when either is missing); the count of finite values */
static size_t per_op(const struct lt_result *r, const char *path, double *out)
{
	size_t k = 0;

	for (size_t i = 0; i < r->nreps; i++) {
		const struct json *rep = json_at(r->reps, i);
		double ops = rep_num(rep, "workload.ops"), v = rep_num(rep, path);

		if (ops > 0 && isfinite(v))
			out[k++] = v / ops;
	}
	return k;
}

/* IPIs of `cause` a filter's what-if counted as needed (sent - skip - unknown) over all reps */
static double needed_count(const struct lt_result *r, const char *base, const char *cause)
{
	char sent[320], skip[320], unk[320];
	double n = 0;

	snprintf(sent, sizeof(sent), "metrics.ipi.by_cause.%s", cause);
	snprintf(skip, sizeof(skip), "%s.skip", base);
	snprintf(unk, sizeof(unk), "%s.unknown", base);
	for (size_t i = 0; i < r->nreps; i++) {
		const struct json *rep = json_at(r->reps, i);
		double v = rep_num(rep, sent) - rep_num(rep, skip) - rep_num(rep, unk);

		n += isfinite(v) ? v : 0;
	}
	return n;
}

static const char *calls_path(int cause)
{
	switch (cause) {
	/* each __mmdrop shoots once; shoot_lazy_calls counts the callback's runs, which the
	 * filter itself cuts (2 -> 0.76 per op, x86 exit-other-mm) */
	case LT_CAUSE_SHOOT_LAZY: return "metrics.mmdrop.mmdrop";
	case LT_CAUSE_EXIT_FLUSH_LAZY: return "metrics.mmdrop.exit_flush_lazy_calls";
	case LT_CAUSE_TABLE_SYNC: return "metrics.calls.tlb_remove_table_sync_one";
	case LT_CAUSE_MEMBARRIER: return "metrics.calls.membarrier";
	default: return NULL;
	}
}

/* the workload of the patched kernel ran as the unpatched one's: ops in every rep, none
 * interrupted, no more failures per op (workload counters named *fail*) */
static bool workload_ok(const struct lt_result *u, const struct lt_result *p, char *why, size_t len)
{
	double worst[2] = { 0, 0 };

	for (int k = 0; k < 2; k++) {
		const struct lt_result *r = k ? p : u;

		for (size_t i = 0; i < r->nreps; i++) {
			const struct json *rep = json_at(r->reps, i), *ctr, *intr;
			double ops = rep_num(rep, "workload.ops"), fails = 0;

			if (!(ops > 0))
				return snprintf(why, len, "%s rep %zu: no workload ops", k ? "patched" : "unpatched", i), false;
			if (rep_lookup(rep, "workload.result.interrupted", &intr) == LOOKUP_OK && json_as_bool(intr))
				return snprintf(why, len, "%s rep %zu: workload interrupted", k ? "patched" : "unpatched", i),
				       false;
			if (rep_lookup(rep, "workload.result.counters", &ctr) == LOOKUP_OK)
				for (size_t j = 0; j < json_len(ctr); j++)
					if (strstr(json_key_at(ctr, j), "fail") && json_is_number(json_at(ctr, j)))
						fails += json_as_double(json_at(ctr, j));
			if (fails / ops > worst[k])
				worst[k] = fails / ops;
		}
	}
	if (worst[1] > worst[0])
		return snprintf(why, len, "patched: %.3g workload failures per op, unpatched at most %.3g", worst[1],
				worst[0]),
		       false;
	snprintf(why, len, "ops in every rep, none interrupted, failures/op %.3g vs %.3g", worst[0], worst[1]);
	return true;
}

static void note(struct wc_check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct wc_check *c, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_push(c->notes, json_string(buf));
}

/* the ratio drop / pred with its delta-method interval: per unpatched rep A_i - R P_i, and
 * the patched reps' B_j, as two independent samples */
static void ratio_est(struct wc_check *c, const double *a, const double *pv, size_t na, const double *b, size_t nb)
{
	double *lin = calloc(na ? na : 1, sizeof(*lin)), r = c->drop.mean / c->pred.mean, pm = c->pred.mean;
	struct wc_est e;

	for (size_t i = 0; i < na; i++)
		lin[i] = a[i] - r * pv[i];
	e = est_combined(r, var(lin, na) / (pm * pm), na, var(b, nb) / (pm * pm), nb);
	c->ratio = e;
	free(lin);
}

/* the notes that explain a mismatch or a residual */
static void explain(struct wc_check *c)
{
	double cu = c->calls[0].mean, cp = c->calls[1].mean;

	if (c->residual.mean > 0)
		note(c, "the patched kernel still sent %.3g IPIs/op that the what-if would skip there: the what-if "
			"reads the target's state at the send from the collector's own per-CPU copy, the patch from "
			"the runqueue at its own moment (races), or the IPIs come from a call the patch leaves alone",
		     c->residual.mean);
	if (c->unknown.mean > 0)
		note(c, "%.3g targets/op were unknown to the what-if (state unreadable, or a kernel thread that "
			"may have adopted the mm): counted neither skipped nor kept, the patch decides for them",
		     c->unknown.mean);
	if (c->race.mean > 0)
		note(c, "race_exposed: %.3g skips/op (all causes of this filter) were followed by the target "
			"switching to the mm within the race window: no IPI either way (the what-if and the patch "
			"both decide at the send), but skips whose safety rests on the patch's ordering",
		     c->race.mean);
	if (isfinite(cu) && isfinite(cp) && cu > 0 && fabs(cp - cu) > 0.1 * cu)
		note(c, "%s per op moved from %.3g to %.3g: coalesced or extra calls move the drop, not the filter",
		     c->calls_name, cu, cp);
	if (c->kept[0].mean > 0 && !c->lost)
		note(c, "kept_on_purpose: %.3g IPIs/op the filter must not skip, %.3g/op on the patched kernel",
		     c->kept[0].mean, c->kept[1].mean);
	if (!isfinite(c->sent[0].mean) || !isfinite(c->sent[1].mean) || !isfinite(c->pred.mean))
		note(c, "the IPIs of this cause or the what-if were not counted on one of the kernels (probe "
			"unavailable, or no rep with workload ops): nothing to check");
	else if (!(c->pred.mean > 0))
		note(c, "nothing predicted: the check is that the patched kernel sends as many of these IPIs per op");
}

void wc_check(struct wc_check *c, const struct lt_result *u, const struct lt_result *p, int filter, int cause,
	      double alpha)
{
	size_t nmax = (u->nreps > p->nreps ? u->nreps : p->nreps) + 1, na, nb, n;
	double *a = calloc(nmax, sizeof(double)), *b = calloc(nmax, sizeof(double)), *pv = calloc(nmax, sizeof(double));
	double *t = calloc(nmax, sizeof(double)), unk;
	char base[256], path[320];
	const struct lt_result *r[2] = { u, p };

	memset(c, 0, sizeof(*c));
	c->filter = filter, c->cause = cause, c->notes = json_array();
	snprintf(base, sizeof(base), "metrics.whatif.%s.by_cause.%s", lt_filter_names[filter], lt_cause_names[cause]);
	snprintf(path, sizeof(path), "metrics.ipi.by_cause.%s", lt_cause_names[cause]);
	na = per_op(u, path, a);
	nb = per_op(p, path, b);
	c->sent[0] = est(a, na), c->sent[1] = est(b, nb);
	snprintf(path, sizeof(path), "%s.skip", base);
	n = per_op(u, path, pv);
	c->pred = est(pv, n);
	c->residual = est(t, per_op(p, path, t));
	c->drop = est_combined(c->sent[0].mean - c->sent[1].mean, var(a, na), na, var(b, nb), nb);
	/* drop - pred: per unpatched rep A_i - P_i against B_j */
	for (size_t i = 0; i < na && i < n; i++)
		t[i] = a[i] - pv[i];
	c->diff = est_combined(c->drop.mean - c->pred.mean, var(t, na < n ? na : n), na, var(b, nb), nb);
	c->ratio.mean = c->ratio.lo = c->ratio.hi = NAN;
	snprintf(path, sizeof(path), "%s.unknown", base);
	c->unknown = est(t, per_op(u, path, t));
	/* the what-if's unknown targets may go either way in the patch: the drop may exceed the
	 * prediction by up to unknown/op; agreement is an interval that meets [pred, pred + unknown] */
	unk = isfinite(c->unknown.mean) ? c->unknown.mean : 0;
	if (c->pred.mean > 0 && na == n) {
		ratio_est(c, a, pv, na, b, nb);
		c->agrees = c->ratio.lo <= 1 + unk / c->pred.mean && 1 <= c->ratio.hi;
	} else {
		c->agrees = c->diff.lo <= unk && 0 <= c->diff.hi;
	}
	for (int k = 0; k < 2; k++) {
		size_t m;

		snprintf(path, sizeof(path), "%s.kept_on_purpose", base);
		m = per_op(r[k], path, t);
		c->kept[k] = est(t, m);
		if (k == 0)
			memcpy(a, t, m * sizeof(double)), na = m;
		else
			memcpy(b, t, m * sizeof(double)), nb = m;
	}
	{
		struct stats_test w = stats_welch(stats_summarize(a, na), stats_summarize(b, nb));

		c->kept_p = w.p;
		c->lost = c->kept[1].mean < c->kept[0].mean && isfinite(w.p) && w.p < alpha;
	}
	for (int k = 0; k < 2; k++) {
		size_t ns, nk;
		double *s = calloc(nmax, sizeof(double)), *q = calloc(nmax, sizeof(double));

		snprintf(path, sizeof(path), "metrics.ipi.by_cause.%s", lt_cause_names[cause]);
		ns = per_op(r[k], path, s);
		/* unknown targets are the patch's to decide: neither needed nor skippable here */
		for (int j = 0; j < 2; j++) {
			snprintf(path, sizeof(path), "%s.%s", base, j ? "unknown" : "skip");
			nk = per_op(r[k], path, q);
			for (size_t i = 0; i < ns && i < nk; i++)
				s[i] -= q[i];
			ns = ns < nk ? ns : nk;
		}
		c->needed[k] = est(s, ns);
		/* a drop of a few IPIs is no evidence: the collapse pair once read 0.0004/op (1-2 IPIs
		 * a rep) against none, intervals apart, then nothing lost in the next run of the same
		 * kernels; a loss needs WC_MIN_NEEDED of them on the unpatched side */
		if (k == 1 && c->needed[1].hi < c->needed[0].lo && c->needed[1].mean < 0.9 * c->needed[0].mean &&
		    needed_count(r[0], base, lt_cause_names[cause]) >= WC_MIN_NEEDED)
			c->lost = true;
		free(s), free(q);
	}
	snprintf(path, sizeof(path), "metrics.whatif.%s.race_exposed", lt_filter_names[filter]);
	c->race = est(t, per_op(u, path, t));
	c->calls_name = calls_path(cause);
	for (int k = 0; k < 2; k++) {
		c->calls[k].mean = c->calls[k].lo = c->calls[k].hi = NAN;
		if (c->calls_name && (n = per_op(r[k], c->calls_name, t)) == r[k]->nreps)
			c->calls[k] = est(t, n);
	}
	c->workload_ok = workload_ok(u, p, c->workload_why, sizeof(c->workload_why));
	explain(c);
	free(a), free(b), free(pv), free(t);
}

void wc_free(struct wc_check *c)
{
	json_free(c->notes);
	c->notes = NULL;
}

static struct json *est_json(struct wc_est e)
{
	struct json *o, *ci;

	if (!isfinite(e.mean))
		return json_null();
	o = json_object();
	json_set(o, "mean", json_double(e.mean));
	ci = json_set(o, "ci95", json_array());
	json_push(ci, json_double(e.lo));
	json_push(ci, json_double(e.hi));
	json_set(o, "reps", json_u64(e.n));
	return o;
}

static const char *scenario_of(const struct lt_result *r)
{
	return result_str(r, "scenario.name", "?");
}

struct json *wc_json(const struct lt_result *u, const struct lt_result *p, const struct wc_check *c, size_t n)
{
	struct json *o = json_object(), *arr;

	json_set(o, "type", json_string("whatif-check"));
	json_set(o, "per", json_string("workload op"));
	json_set(o, "scenario", json_string(scenario_of(u)));
	json_set(o, "unpatched", json_string(u->path));
	json_set(o, "unpatched_kernel", json_string(result_str(u, "kernel.release", "?")));
	json_set(o, "patched", json_string(p->path));
	json_set(o, "patched_kernel", json_string(result_str(p, "kernel.release", "?")));
	arr = json_set(o, "checks", json_array());
	for (size_t i = 0; i < n; i++) {
		struct json *k = json_push(arr, json_object()), *t;

		json_set(k, "filter", json_string(lt_filter_names[c[i].filter]));
		json_set(k, "cause", json_string(lt_cause_names[c[i].cause]));
		json_set(k, "predicted_skip_per_op", est_json(c[i].pred));
		json_set(k, "actual_drop_per_op", est_json(c[i].drop));
		json_set(k, "ratio", est_json(c[i].ratio));
		json_set(k, "actual_minus_predicted_per_op", est_json(c[i].diff));
		json_set(k, "agrees", json_bool(c[i].agrees));
		t = json_set(k, "ipis_per_op", json_object());
		json_set(t, "unpatched", est_json(c[i].sent[0]));
		json_set(t, "patched", est_json(c[i].sent[1]));
		t = json_set(k, "kept_on_purpose_per_op", json_object());
		json_set(t, "unpatched", est_json(c[i].kept[0]));
		json_set(t, "patched", est_json(c[i].kept[1]));
		json_set(t, "welch_p", isfinite(c[i].kept_p) ? json_double(c[i].kept_p) : json_null());
		t = json_set(k, "needed_per_op", json_object());
		json_set(t, "unpatched", est_json(c[i].needed[0]));
		json_set(t, "patched", est_json(c[i].needed[1]));
		json_set(k, "lost_what_it_must_keep", json_bool(c[i].lost));
		json_set(k, "residual_skip_per_op", est_json(c[i].residual));
		json_set(k, "unknown_per_op", est_json(c[i].unknown));
		json_set(k, "race_exposed_per_op", est_json(c[i].race));
		t = json_set(k, "calls_per_op", json_object());
		json_set(t, "metric", json_string(c[i].calls_name));
		json_set(t, "unpatched", est_json(c[i].calls[0]));
		json_set(t, "patched", est_json(c[i].calls[1]));
		json_set(k, "workload_ok", json_bool(c[i].workload_ok));
		json_set(k, "workload", json_string(c[i].workload_why));
		t = json_set(k, "notes", json_array());
		for (size_t j = 0; j < json_len(c[i].notes); j++)
			json_push(t, json_string(json_as_string(json_at(c[i].notes, j))));
	}
	return o;
}

/* a difference of per-op means that is 0 up to rounding prints as 0, not -0.0000 */
static double z(double x)
{
	return fabs(x) < 1e-12 ? 0.0 : x;
}

static void row(FILE *f, const char *what, struct wc_est e, bool ci)
{
	if (!isfinite(e.mean))
		fprintf(f, "  %-44s %8s\n", what, "n/a");
	else if (ci)
		fprintf(f, "  %-44s %8.4f  [%.4f, %.4f]\n", what, z(e.mean), z(e.lo), z(e.hi));
	else
		fprintf(f, "  %-44s %8.4f\n", what, z(e.mean));
}

static void pair_row(FILE *f, const char *what, struct wc_est a, struct wc_est b)
{
	if (!isfinite(a.mean) || !isfinite(b.mean))
		fprintf(f, "  %-44s %8s  (not counted on this kernel)\n", what, "n/a");
	else
		fprintf(f, "  %-44s %8.4f -> %.4f\n", what, z(a.mean), z(b.mean));
}

void wc_print_text(FILE *f, const struct lt_result *u, const struct lt_result *p, const struct wc_check *c,
		   size_t n)
{
	size_t agree = 0, lost = 0;
	char buf[128];

	fprintf(f, "what-if check, %s: %s (unpatched, %zu reps) vs %s (patched, %zu reps)\n", scenario_of(u),
		result_str(u, "kernel.release", u->path), u->nreps, result_str(p, "kernel.release", p->path), p->nreps);
	fprintf(f, "per workload op; [95%% interval, Student t over the reps]\n");
	for (size_t i = 0; i < n; i++) {
		const struct wc_check *k = &c[i];

		fprintf(f, "\n%s on %s\n", lt_filter_names[k->filter], lt_cause_names[k->cause]);
		row(f, "predicted skip/op (what-if, unpatched)", k->pred, true);
		row(f, "actual drop/op (IPIs unpatched - patched)", k->drop, true);
		pair_row(f, "  IPIs/op of the cause", k->sent[0], k->sent[1]);
		if (isfinite(k->ratio.mean))
			fprintf(f, "  %-44s %8.4f  [%.4f, %.4f]  %s\n", "actual / predicted", k->ratio.mean, k->ratio.lo,
				k->ratio.hi, k->agrees ? "agrees" : "DIFFERS");
		else if (!isfinite(k->diff.mean))
			fprintf(f, "  %-44s %8s  NOT CHECKED\n", "actual / predicted", "n/a");
		else
			fprintf(f, "  %-44s %8.4f  [%.4f, %.4f]  %s\n", "actual - predicted (nothing predicted)",
				k->diff.mean, k->diff.lo, k->diff.hi, k->agrees ? "agrees" : "DIFFERS");
		pair_row(f, "kept_on_purpose/op", k->kept[0], k->kept[1]);
		pair_row(f, "needed/op (sent - skip - unknown)", k->needed[0], k->needed[1]);
		fprintf(f, "  %-44s %8s\n", "lost what it must keep", k->lost ? "YES" : "no");
		row(f, "left for the what-if on the patched/op", k->residual, false);
		row(f, "unknown/op (unpatched)", k->unknown, false);
		row(f, "race_exposed/op (unpatched, the filter)", k->race, false);
		if (k->calls_name) {
			snprintf(buf, sizeof(buf), "%s/op", strrchr(k->calls_name, '.') + 1);
			pair_row(f, buf, k->calls[0], k->calls[1]);
		}
		fprintf(f, "  %-44s %8s  (%s)\n", "workload", k->workload_ok ? "ok" : "NOT OK", k->workload_why);
		for (size_t j = 0; j < json_len(k->notes); j++)
			fprintf(f, "  note: %s\n", json_as_string(json_at(k->notes, j)));
		agree += k->agrees;
		lost += k->lost || !k->workload_ok;
	}
	fprintf(f, "\n%zu of %zu agree; %s\n", agree, n, lost ? "the patched kernel LOST something it must keep" :
							       "nothing lost");
}
