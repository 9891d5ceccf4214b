/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compare_table.h - the comparison as data: sections of rows, each row a
 * metric with per-file mean/stddev (or status) and, for every file after the
 * first, the change against the first with its test. compare_output.c prints
 * it; nothing here formats text.
 */
#ifndef LT_COMPARE_TABLE_H
#define LT_COMPARE_TABLE_H

#include <stdbool.h>
#include <stdio.h>
#include "result/compare_input.h"
#include "stats.h"

struct cmp_value {
	enum lookup status;
	struct stats_summary s; /* over reps; for percentile rows the mean is the merged histogram's */
	const char *text;       /* text rows (kernel.lazy_tlb_scheme) */
};

struct cmp_change {
	double change_pct;      /* (new - base) / |base| * 100; NaN when not comparable */
	struct stats_test test; /* Welch over reps (for percentiles: over per-rep percentiles) */
	double ks_d;            /* percentiles: KS CDF gap of the merged histograms (effect size), else NaN */
	double q;               /* p adjusted for the many rows tested (Benjamini-Hochberg), or p */
	bool extra;             /* the test's further condition held (KS effect size) */
	bool significant;
	bool noisy;             /* the test said significant, but the change is within the noise's reach */
};

struct cmp_row {
	char *metric;           /* dotted path inside a rep, " p99"-style suffix for percentiles */
	const char *unit;       /* "/s" for rates, histogram unit, "%", or "" */
	const char *test;       /* "welch", or NULL (text row) */
	struct cmp_value *val;  /* [nfiles] */
	struct cmp_change *chg; /* [nfiles], [0] unused */
};

enum cmp_section_id { SEC_HEADLINE, SEC_METRICS, SEC_HIST, SEC_WHATIF, SEC_NR };

struct cmp_section {
	const char *name;
	struct cmp_row *rows;
	size_t n, cap;
};

struct cmp_opts {
	double alpha;    /* significance level of both tests */
	double ks_min_d; /* KS: also require this CDF gap (effect size), see cmd_compare --help */
	bool no_fdr;     /* judge each row's raw p, not the false-discovery-rate adjusted q */
};

struct cmp_table {
	const struct lt_result *files;
	size_t nfiles;
	struct cmp_opts opts;
	struct cmp_section sec[SEC_NR];
};

void cmp_table_build(struct cmp_table *t, const struct lt_result *files, size_t n, const struct cmp_opts *o);
void cmp_table_free(struct cmp_table *t);

enum cmp_format { CMP_TEXT, CMP_CSV, CMP_MARKDOWN, CMP_JSON };
/* The whole comparison; warnings: JSON array of strings, part of --json output (may be NULL). */
void cmp_print(FILE *f, const struct cmp_table *t, enum cmp_format fmt, const struct json *warnings);
/* Its parts, for reports (text and markdown): the files, then the sections. */
void cmp_print_files(FILE *f, const struct cmp_table *t, enum cmp_format fmt);
void cmp_print_rows(FILE *f, const struct cmp_table *t, enum cmp_format fmt);
/* One section only (SEC_HEADLINE: the key numbers) */
void cmp_print_section(FILE *f, const struct cmp_table *t, enum cmp_format fmt, enum cmp_section_id sec);

#endif
