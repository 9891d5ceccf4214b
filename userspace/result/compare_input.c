// SPDX-License-Identifier: GPL-2.0
/* compare_input.c - loading, labelling and walking result files (see compare_input.h). */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "lib/cli.h"
#include "compare_input.h"
#include "reps.h"

#define PATH_MAX_LEN 512

/* ------------------------------------------------------------ the walk */

/* Called for every leaf: a number, a null, or a histogram object. */
typedef int (*leaf_fn)(void *ctx, const char *path, const struct json *node, enum metric_kind kind);

static bool is_hist(const struct json *j)
{
	return json_type(j) == JSON_OBJECT && json_get(j, "buckets");
}

static enum metric_kind leaf_kind(const struct json *j, const char *path)
{
	const char *key = strrchr(path, '.');
	size_t len;

	if (json_type(j) == JSON_NULL)
		return MK_NONE;
	if (is_hist(j))
		return MK_HIST;
	if (json_type(j) == JSON_DOUBLE)
		return MK_GAUGE;
	key = key ? key + 1 : path;
	len = strlen(key);
	/* "_per_s" rates, "_s" and "_ns" durations or settings (race_window_ns) */
	if ((len >= 2 && !strcmp(key + len - 2, "_s")) || (len >= 3 && !strcmp(key + len - 3, "_ns")))
		return MK_GAUGE;
	return MK_COUNTER;
}

/* Depth-first over objects and arrays (array elements by index); strings and
 * booleans are labels, not metrics, and are skipped. Stops at the first
 * non-zero return of fn. */
static int walk(const struct json *j, char *path, size_t len, leaf_fn fn, void *ctx)
{
	enum json_type t = json_type(j);

	if (t == JSON_NULL || json_is_number(j) || is_hist(j))
		return fn(ctx, path, j, leaf_kind(j, path));
	if (t != JSON_OBJECT && t != JSON_ARRAY)
		return 0;
	for (size_t i = 0; i < json_len(j); i++) {
		int n, ret;

		if (t == JSON_OBJECT)
			n = snprintf(path + len, PATH_MAX_LEN - len, ".%s", json_key_at(j, i));
		else
			n = snprintf(path + len, PATH_MAX_LEN - len, ".%zu", i);
		if (n < 0 || len + (size_t)n >= PATH_MAX_LEN)
			continue; /* absurdly deep: not a metric we can name */
		ret = walk(json_at(j, i), path, len + (size_t)n, fn, ctx);
		path[len] = '\0';
		if (ret)
			return ret;
	}
	return 0;
}

/* Walk the subtree at root in one rep; a null or missing root is one leaf. */
static int walk_rep(const struct json *rep, const char *root, leaf_fn fn, void *ctx)
{
	char path[PATH_MAX_LEN];
	const struct json *node;
	enum lookup l = rep_lookup(rep, root, &node);

	if (l == LOOKUP_ABSENT)
		return 0;
	snprintf(path, sizeof(path), "%s", root);
	if (l == LOOKUP_NULL)
		return fn(ctx, path, NULL, MK_NONE);
	return walk(node, path, strlen(path), fn, ctx);
}

enum lookup rep_lookup(const struct json *rep, const char *path, const struct json **out)
{
	const struct json *j = rep;
	const char *p = path;

	*out = NULL;
	for (;;) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		char key[PATH_MAX_LEN];

		if (json_type(j) == JSON_NULL)
			return LOOKUP_NULL;
		if (len >= sizeof(key))
			return LOOKUP_ABSENT;
		memcpy(key, p, len);
		key[len] = '\0';
		if (!json_has(j, key))
			return LOOKUP_ABSENT;
		j = json_type(j) == JSON_ARRAY ? json_path(j, key) : json_get(j, key);
		if (!dot)
			break;
		p = dot + 1;
	}
	if (json_type(j) == JSON_NULL)
		return LOOKUP_NULL;
	*out = j;
	return LOOKUP_OK;
}

const char *lookup_str(enum lookup l)
{
	return l == LOOKUP_OK ? "ok" : l == LOOKUP_NULL ? "probe unavailable" : "not recorded";
}

/* ------------------------------------------------------------- loading */

struct check_ctx {
	const char *file;
	size_t rep;
};

/* Histograms are parsed during load so a bad one is an input error (exit 2)
 * reported once, not a surprise half-way through the output. */
static int check_leaf(void *ctx, const char *path, const struct json *node, enum metric_kind kind)
{
	struct check_ctx *c = ctx;
	struct lt_hist h;
	char err[256];

	if (kind != MK_HIST)
		return 0;
	if (hist_from_json(node, &h, err, sizeof(err)))
		return lt_err(LT_EXIT_USAGE, "%s: reps.%zu.%s: %s", c->file, c->rep, path, err);
	return 0;
}

static int result_check(struct lt_result *r)
{
	const struct json *schema = json_get(r->doc, "schema");

	if (json_type(r->doc) != JSON_OBJECT)
		return lt_err(LT_EXIT_USAGE, "%s: not a JSON object (not a lazytlb result file?)", r->path);
	if (!schema)
		return lt_err(LT_EXIT_USAGE, "%s: no \"schema\" field (not a lazytlb result file?)", r->path);
	if (!json_as_string(schema) || strcmp(json_as_string(schema), LT_RESULT_SCHEMA))
		return lt_err(LT_EXIT_USAGE, "%s: schema \"%s\" is not %s", r->path,
			      json_as_string(schema) ? json_as_string(schema) : "(not a string)",
			      LT_RESULT_SCHEMA);
	r->reps = json_get(r->doc, "reps");
	r->nreps = json_len(r->reps);
	r->skipped = json_as_string(json_path(r->doc, "skipped.reason"));
	if (json_get(r->doc, "skipped") && (!r->skipped || r->nreps))
		return lt_err(LT_EXIT_USAGE, "%s: \"skipped\" needs a reason string and no reps", r->path);
	if (r->skipped)
		return 0;
	if (json_type(r->reps) != JSON_ARRAY || !r->nreps)
		return lt_err(LT_EXIT_USAGE, "%s: \"reps\" is missing or empty", r->path);
	for (size_t i = 0; i < r->nreps; i++) {
		const struct json *rep = json_at(r->reps, i);
		struct check_ctx c = { r->path, i };
		int ret;

		if (json_type(rep) != JSON_OBJECT || !json_is_number(json_get(rep, "duration_ns")) ||
		    !(json_as_double(json_get(rep, "duration_ns")) > 0))
			return lt_err(LT_EXIT_USAGE, "%s: reps.%zu.duration_ns is missing or not positive",
				      r->path, i);
		ret = walk_rep(rep, "metrics", check_leaf, &c);
		if (ret)
			return ret;
	}
	return 0;
}

const char *result_str(const struct lt_result *r, const char *dotted, const char *dflt)
{
	const char *s = json_as_string(json_path(r->doc, dotted));

	return s && *s ? s : dflt;
}

/* The file's name without directory and ".json", for labels. */
static void file_stem(const char *path, char *buf, size_t len)
{
	const char *base = strrchr(path, '/');
	size_t n;

	snprintf(buf, len, "%s", base ? base + 1 : path);
	n = strlen(buf);
	if (n > 5 && !strcmp(buf + n - 5, ".json"))
		buf[n - 5] = '\0';
}

static bool label_taken(const struct lt_result *r, size_t n, size_t self)
{
	for (size_t i = 0; i < n; i++)
		if (i != self && !strcmp(r[i].label, r[self].label))
			return true;
	return false;
}

void result_kernel_name(const struct lt_result *r, size_t n, size_t i, char *buf, size_t len)
{
	const char *rel = result_str(&r[i], "kernel.release", NULL);
	const char *arch = result_str(&r[i], "host.arch", "?");
	bool arch_differs = false;

	for (size_t k = 0; k < n; k++)
		arch_differs = arch_differs || strcmp(result_str(&r[k], "host.arch", "?"), arch);
	if (!rel)
		file_stem(r[i].path, buf, len);
	else if (arch_differs)
		snprintf(buf, len, "%s %s", rel, arch);
	else
		snprintf(buf, len, "%s", rel);
}

/* The tied files' labels get their value of `field` (a scenario, a scheme) appended, when it
 * tells some of them apart; decided for all ties first, so both sides of a tie change. */
static void untie_by(struct lt_result *r, size_t n, const char *field)
{
	bool *tie = calloc(n ? n : 1, sizeof(*tie));

	if (!tie)
		abort();
	for (size_t i = 0; i < n; i++)
		tie[i] = label_taken(r, n, i);
	for (size_t i = 0; i < n; i++) {
		bool differs = false;

		for (size_t k = 0; tie[i] && k < n; k++)
			differs = differs || (tie[k] && !strcmp(r[k].label, r[i].label) &&
					      strcmp(result_str(&r[k], field, ""), result_str(&r[i], field, "")));
		if (differs) {
			size_t l = strlen(r[i].label);

			snprintf(r[i].label + l, sizeof(r[i].label) - l, " %s", result_str(&r[i], field, "?"));
		}
	}
	free(tie);
}

/* The last resorts for ties: the file's name (how 0), its directory and name ("a/tlbflush",
 * how 1), its path (how 2) */
static void untie_by_path(struct lt_result *r, size_t n, int how)
{
	bool *tie = calloc(n ? n : 1, sizeof(*tie));

	if (!tie)
		abort();
	for (size_t i = 0; i < n; i++)
		tie[i] = label_taken(r, n, i);
	for (size_t i = 0; i < n; i++) {
		const char *p = r[i].path, *slash = strrchr(p, '/'), *start;
		char stem[128];

		if (!tie[i])
			continue;
		file_stem(p, stem, sizeof(stem));
		if (how != 1 || !slash) {
			snprintf(r[i].label, sizeof(r[i].label), "%s", how == 2 ? p : stem);
			continue;
		}
		for (start = slash; start > p && start[-1] != '/'; start--)
			;
		snprintf(r[i].label, sizeof(r[i].label), "%.*s/%s", (int)(slash - start), start, stem);
	}
	free(tie);
}

/* Labels from the results: the kernel (release, arch when the files' arches differ), then for
 * files still alike their scenario (and sweep point) and lazy TLB scheme, then the file's
 * name, its directory and name, its path */
static void results_label(struct lt_result *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		result_kernel_name(r, n, i, r[i].label, sizeof(r[i].label));
	untie_by(r, n, "scenario.name");
	untie_by(r, n, "scenario.sweep");
	untie_by(r, n, "kernel.lazy_tlb_scheme");
	untie_by_path(r, n, 0);
	untie_by_path(r, n, 1);
	untie_by_path(r, n, 2);
}

int results_set_labels(struct lt_result *r, size_t n, const char *csv)
{
	const char *p = csv;

	for (size_t i = 0; i < n; i++) {
		size_t len = strcspn(p, ",");

		if (!len || len >= sizeof(r[i].label) || (i + 1 < n && !p[len]))
			return lt_err(LT_EXIT_USAGE, "--label wants one non-empty name per file, comma-separated (%zu files)", n);
		snprintf(r[i].label, sizeof(r[i].label), "%.*s", (int)len, p);
		p += len + (p[len] == ',');
	}
	if (*p)
		return lt_err(LT_EXIT_USAGE, "--label has more names than the %zu files", n);
	return 0;
}

int results_load(char *const *paths, size_t *np, struct lt_result **out, bool keep_skipped)
{
	size_t n = *np, kept = 0;
	struct lt_result *r = calloc(n, sizeof(*r));
	char err[512];

	*out = NULL;
	if (!r)
		return lt_err(LT_EXIT_FAIL, "out of memory");
	for (size_t i = 0; i < n; i++) {
		int ret;

		r[i].path = paths[i];
		r[i].doc = json_parse_file(paths[i], err, sizeof(err));
		if (!r[i].doc) {
			results_free(r, n);
			return lt_err(LT_EXIT_USAGE, "%s", err);
		}
		ret = result_check(&r[i]);
		if (ret) {
			results_free(r, n);
			return ret;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (r[i].skipped && !keep_skipped) {
			lt_warn("%s: left out: its scenario was skipped on that kernel (%s)", r[i].path, r[i].skipped);
			json_free(r[i].doc);
			continue;
		}
		r[kept++] = r[i];
	}
	if (!kept) {
		results_free(r, 0);
		return lt_err(LT_EXIT_USAGE, "no result with reps among the files given");
	}
	*np = n = kept;
	results_label(r, n);
	*out = r;
	return 0;
}

void results_free(struct lt_result *r, size_t n)
{
	if (!r)
		return;
	for (size_t i = 0; i < n; i++)
		json_free(r[i].doc);
	free(r);
}

int results_bad_option(int c, char *const *argv)
{
	if (c == ':')
		return lt_err(LT_EXIT_USAGE, "option '%s' needs a value (try --help)", argv[optind - 1]);
	return lt_err(LT_EXIT_USAGE, "unknown option '%s' (try --help)", argv[optind - 1]);
}

/* ------------------------------------------------------------ warnings */

static void warn_scenario_field(const struct lt_result *a, const struct lt_result *b, const char *field,
				struct json *arr)
{
	const struct json *x = json_path(a->doc, field), *y = json_path(b->doc, field);
	char *sx = NULL, *sy = NULL;
	size_t lx, ly;
	FILE *fx = open_memstream(&sx, &lx), *fy = open_memstream(&sy, &ly);

	json_write(fx, x, false);
	json_write(fy, y, false);
	fclose(fx);
	fclose(fy);
	if (strcmp(sx, sy))
		json_push(arr, json_stringf("%s: %s %s differs from %s's %s", b->path, field, sy, a->path, sx));
	free(sx);
	free(sy);
}

double result_noise_share(const struct lt_result *r)
{
	double sum = 0;
	size_t k = 0;

	for (size_t i = 0; i < r->nreps; i++) {
		const struct json *o = json_path(json_at(r->reps, i), "noise.others_cpu_share");
		const struct json *st = json_path(json_at(r->reps, i), "noise.steal_share");

		if (!json_is_number(o))
			continue;
		sum += json_as_double(o) + (json_is_number(st) ? json_as_double(st) : 0);
		k++;
	}
	return k ? sum / (double)k : NAN;
}

double result_noise_bound_pct(const struct lt_result *r, size_t i)
{
	double dn = fabs(result_noise_share(&r[i]) - result_noise_share(&r[0]));

	if (isnan(dn) || dn < 0.02)
		return 0;
	if (dn >= 0.95)
		return INFINITY;
	return (1 / ((1 - dn) * (1 - dn)) - 1) * 100;
}

void results_warnings(const struct lt_result *r, size_t n, struct json *arr)
{
	static const char *const fields[] = { "scenario.name", "scenario.workload", "scenario.params" };

	for (size_t i = 0; i < n; i++) {
		if (r[i].nreps < 3)
			json_push(arr, json_stringf("%s: %zu rep%s; significance needs at least 3 per file",
						    r[i].path, r[i].nreps, r[i].nreps == 1 ? "" : "s"));
		for (size_t f = 0; i > 0 && f < sizeof(fields) / sizeof(fields[0]); f++)
			warn_scenario_field(&r[0], &r[i], fields[f], arr);
		/* equal noise marks nothing ~, but heavy noise on both sides still moves rates: one
		 * membarrier pair beside a guest (others 49% in both) had resched IPIs 270/s vs 33/s */
		if (i > 0 && result_noise_bound_pct(r, i) == 0 && result_noise_share(&r[0]) >= 0.25 &&
		    result_noise_share(&r[i]) >= 0.25)
			json_push(arr, json_stringf("%s and %s both ran beside other work (%.0f%% and %.0f%% of the "
						    "measured CPUs' time): a change may be that work's, not the kernel's",
						    r[0].path, r[i].path, 100 * result_noise_share(&r[0]),
						    100 * result_noise_share(&r[i])));
		if (i > 0 && result_noise_bound_pct(r, i) > 0)
			json_push(arr, json_stringf("%s: other work took %.0f%% of the measured CPUs' time, %.0f%% in %s: "
						    "changes within +-%.0f%% are marked ~ (noise), not significant",
						    r[i].path, 100 * result_noise_share(&r[i]), 100 * result_noise_share(&r[0]),
						    r[0].path, result_noise_bound_pct(r, i)));
	}
}

/* ------------------------------------------------------- metric leaves */

static struct metric *metric_find(struct metric_list *l, const char *path)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].path, path))
			return &l->v[i];
	return NULL;
}

static int collect_leaf(void *ctx, const char *path, const struct json *node, enum metric_kind kind)
{
	struct metric_list *l = ctx;
	struct metric *m = metric_find(l, path);

	(void)node;
	if (m) {
		if (m->kind == MK_NONE)
			m->kind = kind;
		return 0;
	}
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		if (!l->v)
			abort();
	}
	l->v[l->n].path = strdup(path);
	l->v[l->n].kind = kind;
	l->n++;
	return 0;
}

/* A null that another file has a subtree under ("metrics.hist": null where
 * others have metrics.hist.*) is covered by those leaves: drop it. */
static void drop_covered_nulls(struct metric_list *l)
{
	size_t out = 0;

	for (size_t i = 0; i < l->n; i++) {
		size_t len = strlen(l->v[i].path);
		bool covered = false;

		for (size_t k = 0; l->v[i].kind == MK_NONE && k < l->n && !covered; k++)
			covered = !strncmp(l->v[k].path, l->v[i].path, len) && l->v[k].path[len] == '.';
		if (covered)
			free(l->v[i].path);
		else
			l->v[out++] = l->v[i];
	}
	l->n = out;
}

void metrics_collect(const struct lt_result *r, size_t n, const char *root, struct metric_list *out)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < r[i].nreps; k++)
			walk_rep(json_at(r[i].reps, k), root, collect_leaf, out);
	drop_covered_nulls(out);
}

void metric_list_free(struct metric_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].path);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* ------------------------------------------------------ per-rep values */

/* Folds per-rep lookups into the file's status: any value wins over nulls,
 * any null (probe unavailable) over absence. */
static enum lookup fold_status(enum lookup acc, enum lookup l)
{
	return l < acc ? l : acc;
}

enum lookup metric_values(const struct lt_result *r, const struct metric *m, double *out, size_t *n)
{
	enum lookup st = LOOKUP_ABSENT;

	*n = 0;
	for (size_t k = 0; k < r->nreps; k++) {
		const struct json *rep = json_at(r->reps, k), *v;
		enum lookup l = rep_lookup(rep, m->path, &v);

		if (l == LOOKUP_OK && !json_is_number(v))
			l = LOOKUP_ABSENT; /* a histogram or label where a number was expected */
		st = fold_status(st, l);
		if (l != LOOKUP_OK)
			continue;
		out[(*n)++] = m->kind == MK_COUNTER ? json_as_double(v) / reps_exposure(rep, r->per_op) : json_as_double(v);
	}
	return st;
}

enum lookup metric_total(const struct lt_result *r, const struct metric *m, double *sum, double *secs)
{
	enum lookup st = LOOKUP_ABSENT;

	*sum = *secs = 0;
	for (size_t k = 0; k < r->nreps; k++) {
		const struct json *rep = json_at(r->reps, k), *v;
		enum lookup l = rep_lookup(rep, m->path, &v);

		if (l == LOOKUP_OK && !json_is_number(v))
			l = LOOKUP_ABSENT;
		st = fold_status(st, l);
		if (l != LOOKUP_OK)
			continue;
		*sum += json_as_double(v);
		*secs += reps_exposure(rep, r->per_op);
	}
	return st;
}

enum lookup metric_hists(const struct lt_result *r, const char *path, struct lt_hist *merged,
			 struct lt_hist *per_rep)
{
	enum lookup st = LOOKUP_ABSENT;
	char err[256];

	memset(merged, 0, sizeof(*merged));
	for (size_t k = 0; k < r->nreps; k++) {
		const struct json *v;
		enum lookup l = rep_lookup(json_at(r->reps, k), path, &v);
		struct lt_hist h = { 0 };

		/* checked at load, so a parse failure here means "not a histogram" */
		if (l == LOOKUP_OK && (!is_hist(v) || hist_from_json(v, &h, err, sizeof(err))))
			l = LOOKUP_ABSENT;
		st = fold_status(st, l);
		if (per_rep)
			per_rep[k] = h;
		if (l == LOOKUP_OK)
			hist_merge(merged, &h);
	}
	return st;
}

const char *metric_hist_unit(const struct lt_result *r, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < r[i].nreps; k++) {
			const struct json *v;

			if (rep_lookup(json_at(r[i].reps, k), path, &v) == LOOKUP_OK &&
			    json_as_string(json_get(v, "unit")))
				return json_as_string(json_get(v, "unit"));
		}
	}
	return "";
}
