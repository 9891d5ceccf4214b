// SPDX-License-Identifier: GPL-2.0
/*
 * compare_output.c - print a cmp_table as a text table (kernel-test-robot
 * style: "base ±stddev%  %change  new ±stddev%  metric"), CSV, markdown, or
 * JSON. Text, CSV and markdown rows all go through emit_row(), which decides
 * per format what the cells are, and cell(), which decides how they look.
 */
#include <math.h>
#include <string.h>
#include "compare_table.h"

#define W_VALUE 14
#define W_SD 8
#define W_SPAN (W_VALUE + 1 + W_SD) /* a value and its stddev, or one "n/a (...)" */
#define W_CHANGE 9
#define W_MARK 1

struct out {
	FILE *f;
	enum cmp_format fmt;
	int ncells; /* in the current row */
};

/* One cell: width > 0 right-aligns, < 0 left-aligns (text only). */
static void cell(struct out *o, const char *s, int width)
{
	switch (o->fmt) {
	case CMP_TEXT:
		fprintf(o->f, "%s%*s", o->ncells ? " " : "", width, s);
		break;
	case CMP_CSV:
		if (o->ncells)
			fputc(',', o->f);
		if (strpbrk(s, ",\"\n")) {
			fputc('"', o->f);
			for (; *s; s++)
				fprintf(o->f, *s == '"' ? "\"\"" : "%c", *s);
			fputc('"', o->f);
		} else {
			fputs(s, o->f);
		}
		break;
	case CMP_MARKDOWN:
		fprintf(o->f, "| %s ", s);
		break;
	case CMP_JSON:
		break;
	}
	o->ncells++;
}

static void end_row(struct out *o)
{
	if (o->fmt == CMP_MARKDOWN)
		fputc('|', o->f);
	fputc('\n', o->f);
	o->ncells = 0;
}

/* Human numbers: integers where the magnitude makes decimals noise. */
static void fmt_num(char *buf, size_t len, double v)
{
	double a = fabs(v);

	if (a >= 1e9)
		snprintf(buf, len, "%.4g", v);
	else if (a >= 1000)
		snprintf(buf, len, "%.0f", v);
	else if (a >= 10)
		snprintf(buf, len, "%.1f", v);
	else if (a >= 0.01 || a == 0)
		snprintf(buf, len, "%.2f", v);
	else
		snprintf(buf, len, "%.3g", v);
}

/* Raw numbers for machines: %.17g, empty for NaN (CSV has no null). */
static void fmt_raw(char *buf, size_t len, double v)
{
	if (isnan(v))
		buf[0] = '\0';
	else
		snprintf(buf, len, "%.17g", v);
}

/* NaN (shown as "-", null in JSON) where there is no spread to speak of:
 * one rep, or a spread around a zero mean */
static double sd_pct(const struct stats_summary *s)
{
	if (s->n < 2)
		return NAN;
	if (s->mean == 0)
		return s->sd == 0 ? 0 : NAN;
	return s->sd / fabs(s->mean) * 100;
}

/* Why a value is missing ("probe unavailable"), or NULL if it is there. */
static const char *value_missing(const struct cmp_value *v)
{
	if (v->status != LOOKUP_OK)
		return lookup_str(v->status);
	if (!v->text && !v->s.n)
		return "no events";
	return NULL;
}

static void value_cells(struct out *o, const struct cmp_row *r, size_t i)
{
	const struct cmp_value *v = &r->val[i];
	const char *missing = value_missing(v);
	char num[48], sd[48], both[100], na[64];

	if (o->fmt == CMP_CSV) {
		fmt_raw(num, sizeof(num), missing || v->text ? NAN : v->s.mean);
		cell(o, v->text && !missing ? v->text : num, 0);
		fmt_raw(sd, sizeof(sd), missing || v->text ? NAN : sd_pct(&v->s));
		cell(o, sd, 0);
		snprintf(num, sizeof(num), "%zu", v->s.n);
		cell(o, missing || v->text ? "" : num, 0);
		cell(o, missing ? missing : "ok", 0);
		return;
	}
	if (missing) {
		snprintf(na, sizeof(na), "n/a (%s)", missing);
		cell(o, na, o->fmt == CMP_TEXT ? W_SPAN : 0);
		return;
	}
	if (v->text) {
		cell(o, v->text, o->fmt == CMP_TEXT ? W_SPAN : 0);
		return;
	}
	fmt_num(num, sizeof(num), v->s.mean);
	if (isnan(sd_pct(&v->s)))
		snprintf(sd, sizeof(sd), o->fmt == CMP_TEXT ? "±%6s" : "±%s", "-");
	else /* text pads for alignment; markdown tables align themselves */
		snprintf(sd, sizeof(sd), o->fmt == CMP_TEXT ? "±%5.1f%%" : "±%.1f%%", sd_pct(&v->s));
	if (o->fmt == CMP_TEXT) {
		cell(o, num, W_VALUE);
		cell(o, sd, W_SD);
	} else {
		snprintf(both, sizeof(both), "%s %s", num, sd);
		cell(o, both, 0);
	}
}

static void change_cells(struct out *o, const struct cmp_row *r, size_t i)
{
	const struct cmp_change *c = &r->chg[i];
	char buf[64], raw[48];
	const char *mark = c->significant ? (o->fmt == CMP_MARKDOWN ? " \\*" : "*") : c->noisy ? "~" : "";

	if (o->fmt == CMP_CSV) {
		/* a text row has no change to quantify: empty cells */
		fmt_raw(raw, sizeof(raw), isinf(c->change_pct) || !r->test ? NAN : c->change_pct);
		cell(o, raw, 0);
		fmt_raw(raw, sizeof(raw), c->test.statistic);
		cell(o, raw, 0);
		fmt_raw(raw, sizeof(raw), c->test.p);
		cell(o, raw, 0);
		cell(o, isnan(c->test.p) ? "" : c->significant ? "1" : "0", 0);
		return;
	}
	if (!r->test) /* a text row: say whether it differs */
		snprintf(buf, sizeof(buf), "%s",
			 r->val[0].text && r->val[i].text && strcmp(r->val[0].text, r->val[i].text) ? "differs" : "");
	else if (isnan(c->change_pct))
		buf[0] = '\0';
	else if (isinf(c->change_pct))
		snprintf(buf, sizeof(buf), "%cinf%%", c->change_pct > 0 ? '+' : '-');
	else if (fabs(c->change_pct) >= 1e4) /* keep the column: +3.1e+05% */
		snprintf(buf, sizeof(buf), "%+.2g%%", c->change_pct);
	else
		snprintf(buf, sizeof(buf), "%+.1f%%", c->change_pct);
	if (o->fmt == CMP_TEXT) {
		cell(o, buf, W_CHANGE);
		cell(o, mark, W_MARK);
	} else {
		strncat(buf, mark, sizeof(buf) - strlen(buf) - 1);
		cell(o, buf, 0);
	}
}

static void metric_name(char *buf, size_t len, const struct cmp_row *r)
{
	if (!strcmp(r->unit, "/s") || !strcmp(r->unit, "/op"))
		snprintf(buf, len, "%s%s", r->metric, r->unit);
	else if (*r->unit)
		snprintf(buf, len, "%s (%s)", r->metric, r->unit);
	else
		snprintf(buf, len, "%s", r->metric);
}

/* The one row printer for text, CSV and markdown. */
static void emit_row(struct out *o, const struct cmp_table *t, const char *section, const struct cmp_row *r)
{
	char name[700];

	if (o->fmt == CMP_CSV) {
		cell(o, section, 0);
		cell(o, r->metric, 0);
		cell(o, r->unit, 0);
		cell(o, r->test ? r->test : "", 0);
	}
	for (size_t i = 0; i < t->nfiles; i++) {
		if (i)
			change_cells(o, r, i);
		value_cells(o, r, i);
	}
	if (o->fmt != CMP_CSV) {
		metric_name(name, sizeof(name), r);
		cell(o, name, 0);
	}
	end_row(o);
}

static void emit_header(struct out *o, const struct cmp_table *t)
{
	char buf[64];

	if (o->fmt == CMP_CSV) {
		cell(o, "section", 0);
		cell(o, "metric", 0);
		cell(o, "unit", 0);
		cell(o, "test", 0);
	}
	for (size_t i = 0; i < t->nfiles; i++) {
		static const char *const chg[] = { "change_pct", "statistic", "p_value", "significant" };
		static const char *const val[] = { "mean", "stddev_pct", "n", "status" };

		for (size_t c = 0; i && o->fmt == CMP_CSV && c < 4; c++) {
			snprintf(buf, sizeof(buf), "%s_%zu", chg[c], i);
			cell(o, buf, 0);
		}
		for (size_t c = 0; o->fmt == CMP_CSV && c < 4; c++) {
			snprintf(buf, sizeof(buf), "%s_%zu", val[c], i);
			cell(o, buf, 0);
		}
		if (o->fmt == CMP_CSV)
			continue;
		if (i && o->fmt == CMP_TEXT) {
			cell(o, "%change", W_CHANGE);
			cell(o, "", W_MARK);
		} else if (i) {
			cell(o, "%change", 0);
		}
		snprintf(buf, sizeof(buf), "%.*s", W_SPAN, t->files[i].label);
		cell(o, buf, o->fmt == CMP_TEXT ? W_SPAN : 0);
	}
	if (o->fmt != CMP_CSV)
		cell(o, "metric", 0);
	end_row(o);
	if (o->fmt == CMP_MARKDOWN) { /* numbers right-aligned, the metric name left */
		for (size_t i = 0; i + 1 < 2 * t->nfiles; i++)
			fputs("|---:", o->f);
		fputs("|---|\n", o->f);
	}
}

static void print_files(struct out *o, const struct cmp_table *t)
{
	if (o->fmt == CMP_MARKDOWN)
		fprintf(o->f, "| | label | lazy TLB | arch | CPUs | scenario | reps | file |\n"
			      "|---|---|---|---|---:|---|---:|---|\n");
	for (size_t i = 0; i < t->nfiles; i++) {
		const struct lt_result *r = &t->files[i];
		const char *scheme = result_str(r, "kernel.lazy_tlb_scheme", "?");
		const char *arch = result_str(r, "host.arch", "?");
		const char *scen = result_str(r, "scenario.name", "?");
		unsigned long long cpus = json_as_u64(json_path(r->doc, "host.nr_cpus"));

		if (o->fmt == CMP_MARKDOWN)
			fprintf(o->f, "| %s | %s | %s | %s | %llu | %s | %zu | `%s` |\n", i ? "new" : "base", r->label,
				scheme, arch, cpus, scen, r->nreps, r->path);
		else
			fprintf(o->f, "  %-4s  %-24s %-9s %-7s %3llu CPUs  %-12s %2zu reps  %s\n", i ? "new" : "base",
				r->label, scheme, arch, cpus, scen, r->nreps, r->path);
	}
}

static void print_legend(struct out *o, const struct cmp_table *t)
{
	fprintf(o->f,
		"\n%s = significant at %s < %g: Welch's t-test over reps, for rates and for each percentile (its\n"
		"per-rep values); a percentile also needs a Kolmogorov-Smirnov CDF gap D >= %g between the\n"
		"histograms merged over reps.%s\n"
		"Counters are per second of each rep. p-values are in --json and --csv.\n"
		"~ = the test says significant, but other work on the measured CPUs (rep noise: others' CPU\n"
		"time and steal, from /proc/stat) differed enough between the files to explain the change.\n",
		o->fmt == CMP_MARKDOWN ? "\\*" : "*", t->opts.no_fdr ? "p" : "q", t->opts.alpha, t->opts.ks_min_d,
		t->opts.no_fdr ? "\nEach row judged alone (--no-fdr): about 1 in 20 unchanged metrics is marked."
			       : "\nq = p adjusted for the many metrics tested at once (Benjamini-Hochberg false\n"
				 "discovery rate; --no-fdr judges each row's p alone).");
}

/* A numeric row that is 0 in every rep of every file (a cause the scenario never produces) */
static bool all_zero(const struct cmp_table *t, const struct cmp_row *r)
{
	if (!r->test)
		return false;
	for (size_t i = 0; i < t->nfiles; i++)
		if (r->val[i].status != LOOKUP_OK || r->val[i].s.mean != 0 || r->val[i].s.sd != 0)
			return false;
	return true;
}

/* The sections: one table each in text and markdown, one CSV table for all. Text and
 * markdown fold the rows that are zero in every file into one line per section. */
static void print_rows(struct out *o, const struct cmp_table *t, int only)
{
	if (o->fmt == CMP_CSV)
		emit_header(o, t);
	for (int s = 0; s < SEC_NR; s++) {
		const struct cmp_section *sec = &t->sec[s];
		size_t zeros = 0;

		if (!sec->n || (only >= 0 && s != only))
			continue;
		if (o->fmt != CMP_CSV) {
			fprintf(o->f, o->fmt == CMP_MARKDOWN ? "\n### %s\n\n" : "\n%s\n", sec->name);
			emit_header(o, t);
		}
		for (size_t i = 0; i < sec->n; i++) {
			if (o->fmt != CMP_CSV && all_zero(t, &sec->rows[i]))
				zeros++;
			else
				emit_row(o, t, sec->name, &sec->rows[i]);
		}
		if (!zeros)
			continue;
		fprintf(o->f, o->fmt == CMP_MARKDOWN ? "\n0 in every file (%zu):" : "  0 in every file (%zu):", zeros);
		for (size_t i = 0, k = 0; i < sec->n; i++)
			if (all_zero(t, &sec->rows[i]))
				fprintf(o->f, "%s %s", k++ ? "," : "", sec->rows[i].metric);
		fputc('\n', o->f);
	}
	if (o->fmt != CMP_CSV && t->nfiles > 1)
		print_legend(o, t);
}

/* ---------------------------------------------------------------- JSON */

/* NaN and infinities have no JSON form: null, never a made-up 0. */
static struct json *num_or_null(double v)
{
	return isfinite(v) ? json_double(v) : json_null();
}

static struct json *row_json(const struct cmp_table *t, const struct cmp_row *r)
{
	struct json *o = json_object(), *vals, *chgs;

	json_set(o, "metric", json_string(r->metric));
	json_set(o, "unit", json_string(r->unit));
	json_set(o, "test", json_string(r->test));
	vals = json_set(o, "values", json_array());
	chgs = json_set(o, "changes", json_array());
	for (size_t i = 0; i < t->nfiles; i++) {
		const struct cmp_value *v = &r->val[i];
		const struct cmp_change *c = &r->chg[i];
		struct json *jv = json_push(vals, json_object()), *jc;

		json_set(jv, "status", json_string(value_missing(v) ? value_missing(v) : "ok"));
		if (v->text && !value_missing(v)) {
			json_set(jv, "value", json_string(v->text));
		} else if (!value_missing(v)) {
			json_set(jv, "mean", num_or_null(v->s.mean));
			json_set(jv, "stddev", num_or_null(v->s.n < 2 ? NAN : v->s.sd));
			json_set(jv, "stddev_pct", num_or_null(sd_pct(&v->s)));
			json_set(jv, "n", json_u64(v->s.n));
		}
		if (!i || !r->test)
			continue;
		jc = json_push(chgs, json_object());
		json_set(jc, "file", json_u64(i));
		json_set(jc, "change_pct", num_or_null(c->change_pct));
		json_set(jc, "statistic", num_or_null(c->test.statistic));
		if (!strcmp(r->test, "welch"))
			json_set(jc, "df", num_or_null(c->test.df));
		json_set(jc, "p_value", num_or_null(c->test.p));
		json_set(jc, "q_value", num_or_null(c->q));
		if (!isnan(c->ks_d))
			json_set(jc, "ks_d", num_or_null(c->ks_d));
		json_set(jc, "significant", json_bool(c->significant));
		json_set(jc, "noisy", json_bool(c->noisy));
	}
	return o;
}

static struct json *table_json(const struct cmp_table *t, const struct json *warnings)
{
	struct json *o = json_object(), *files, *secs, *w;

	json_set(o, "schema", json_string("lazytlb-compare/1"));
	json_set(o, "alpha", json_double(t->opts.alpha));
	json_set(o, "ks_min_d", json_double(t->opts.ks_min_d));
	files = json_set(o, "files", json_array());
	for (size_t i = 0; i < t->nfiles; i++) {
		const struct lt_result *r = &t->files[i];
		struct json *f = json_push(files, json_object());

		json_set(f, "path", json_string(r->path));
		json_set(f, "label", json_string(r->label));
		json_set(f, "kernel", json_string(result_str(r, "kernel.release", NULL)));
		json_set(f, "arch", json_string(result_str(r, "host.arch", NULL)));
		json_set(f, "lazy_tlb_scheme", json_string(result_str(r, "kernel.lazy_tlb_scheme", NULL)));
		json_set(f, "scenario", json_string(result_str(r, "scenario.name", NULL)));
		json_set(f, "reps", json_u64(r->nreps));
	}
	w = json_set(o, "warnings", json_array());
	for (size_t i = 0; i < json_len(warnings); i++)
		json_push(w, json_string(json_as_string(json_at(warnings, i))));
	secs = json_set(o, "sections", json_array());
	for (int s = 0; s < SEC_NR; s++) {
		struct json *js = json_push(secs, json_object()), *rows;

		json_set(js, "name", json_string(t->sec[s].name));
		rows = json_set(js, "rows", json_array());
		for (size_t i = 0; i < t->sec[s].n; i++)
			json_push(rows, row_json(t, &t->sec[s].rows[i]));
	}
	return o;
}

void cmp_print_files(FILE *f, const struct cmp_table *t, enum cmp_format fmt)
{
	struct out o = { .f = f, .fmt = fmt };

	print_files(&o, t);
}

void cmp_print_rows(FILE *f, const struct cmp_table *t, enum cmp_format fmt)
{
	struct out o = { .f = f, .fmt = fmt };

	print_rows(&o, t, -1);
}

void cmp_print_section(FILE *f, const struct cmp_table *t, enum cmp_format fmt, enum cmp_section_id sec)
{
	struct out o = { .f = f, .fmt = fmt };

	print_rows(&o, t, sec);
}

void cmp_print(FILE *f, const struct cmp_table *t, enum cmp_format fmt, const struct json *warnings)
{
	if (fmt == CMP_JSON) {
		struct json *j = table_json(t, warnings);

		json_write(f, j, true);
		json_free(j);
		return;
	}
	if (fmt != CMP_CSV)
		cmp_print_files(f, t, fmt);
	cmp_print_rows(f, t, fmt);
}
