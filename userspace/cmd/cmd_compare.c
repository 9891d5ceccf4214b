// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_compare.c - `lazytlb compare BASE.json NEW.json [MORE.json...]`: one row
 * per metric, each later file against the first, with a significance marker.
 * The work is in compare_input.c (reading), compare_table.c (what to compare,
 * stats.c for the tests) and compare_output.c (formats).
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "lib/cli.h"
#include "analysis/compare_table.h"
#include "result/reps.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: lazytlb compare [options] BASE.json NEW.json [MORE.json...]\n"
		"\n"
		"Compares result files of `lazytlb record`/`run`: every later file against BASE.\n"
		"First a headline (lazy mm refcount atomics/s, IPIs/s by cause, idle and nohz_full\n"
		"wakeups/s, workload ops/s, the lazy TLB scheme), then every metric in the files,\n"
		"histogram percentiles, and the what-if filters. Each row reads\n"
		"    base ±stddev%%   %%change *   new ±stddev%%   metric\n"
		"Counters are turned into per-second rates with each rep's duration, so runs of\n"
		"different length compare; with --per-op, into counts per op of the rep's workload\n"
		"(IPIs per exit, atomics per switch), which a loaded or slower machine moves less.\n"
		"A metric a kernel could not measure is shown as\n"
		"\"n/a (probe unavailable)\", never as 0.\n"
		"\n"
		"Significance (*):\n"
		"  rates     Welch's t-test over the per-rep values (no equal-variance assumption);\n"
		"            needs >= 2 reps per file, and >= 3 to mean much. Counters count events,\n"
		"            which vary at least as Poisson counts do: their p is at least that of\n"
		"            the exact Poisson rate test on the totals (3 reps of 0 vs 3 of 2: not sure);\n"
		"            when one file has none in every rep and the other some in every rep (a\n"
		"            path one kernel does not take), the Poisson test's p alone.\n"
		"  latency   percentiles come from histograms: each rep gives one value per\n"
		"            percentile, and Welch's test runs over those. A test over the merged\n"
		"            events (KS) would treat events of one rep as independent; they share\n"
		"            the rep's machine state, and two runs of one kernel came out different\n"
		"            at p < 1e-30. The Kolmogorov-Smirnov CDF gap D of the merged histograms\n"
		"            stays as the effect size: a row is marked only if D >= --ks-min-d too.\n"
		"  many rows Hundreds of metrics are tested at once: at p < 0.05 about 1 in 20\n"
		"            unchanged ones would be marked. So a row is marked when its q-value\n"
		"            (Benjamini-Hochberg: p adjusted over all the rows of one file pair) is\n"
		"            below --alpha: among marked rows at most that share is expected to be\n"
		"            chance, and two runs of one kernel should show no mark at all.\n"
		"\n"
		"options:\n"
		"  --json             machine-readable output with p-values and test statistics\n"
		"  --csv              one line per row (p-values included)\n"
		"  --markdown         GitHub-flavoured markdown tables\n"
		"  -o, --output FILE  write there instead of stdout\n"
		"  --alpha P          significance level (default 0.05)\n"
		"  --ks-min-d D       smallest KS CDF gap marked significant (default 0.05; 0 = any)\n"
		"  --no-fdr           judge each row's p alone, not the false-discovery-rate q\n"
		"  --per-op           counters per workload op instead of per second (results of\n"
		"                     `lazytlb run`: every rep needs workload.ops)\n"
		"  --label A,B,...    the files' names in the tables (default: kernel release, then\n"
		"                     scenario, scheme, file name where those are alike)\n"
		"  -h, --help         this text\n"
		"\n"
		"Warns on stderr when a file has fewer than 3 reps or the scenarios (name,\n"
		"workload, params) differ. Bad input (unreadable, not JSON, truncated, another\n"
		"schema) is one line on stderr naming the file, and exit status 2.\n"
		"\n"
		"examples:\n"
		"  lazytlb compare base.json patched.json\n"
		"  lazytlb compare --markdown v6.1.json v6.6.json v6.8.json > report.md\n"
		"  lazytlb compare --json base.json new.json | python3 -m json.tool\n"
		"  lazytlb compare --csv --alpha 0.01 base.json new.json -o cmp.csv\n"
		"  lazytlb compare --per-op refcount/exit-lazy.json shootdown/exit-lazy.json\n");
}

/* Counters per op of each rep's workload from now on (--per-op; reps_exposure): every rep needs
 * workload.ops > 0, else one line naming the file and LT_EXIT_USAGE. */
static int results_per_op(struct lt_result *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < r[i].nreps; k++)
			if (isnan(reps_exposure(json_at(r[i].reps, k), true)))
				return lt_err(LT_EXIT_USAGE, "%s: reps.%zu.workload.ops is missing or 0: --per-op "
					      "needs results of `lazytlb run` whose workload counted ops", r[i].path, k);
		r[i].per_op = true;
	}
	return 0;
}

/* Parsed command line. */
struct compare_args {
	enum cmp_format fmt;
	struct cmp_opts opts;
	const char *output, *labels;
	bool per_op;
	char **files;
	size_t nfiles;
};

static int parse_args(int argc, char **argv, struct compare_args *a)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },     { "csv", no_argument, NULL, 'C' },
		{ "markdown", no_argument, NULL, 'M' }, { "output", required_argument, NULL, 'o' },
		{ "alpha", required_argument, NULL, 'a' }, { "ks-min-d", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },     { "label", required_argument, NULL, 'L' },
		{ "no-fdr", no_argument, NULL, 'F' },  { "per-op", no_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ho:", longopts, NULL)) != -1) {
		switch (c) {
		case 'L': a->labels = optarg; break;
		case 'F': a->opts.no_fdr = true; break;
		case 'P': a->per_op = true; break;
		case 'J': a->fmt = CMP_JSON; break;
		case 'C': a->fmt = CMP_CSV; break;
		case 'M': a->fmt = CMP_MARKDOWN; break;
		case 'o': a->output = optarg; break;
		case 'a':
			if (!lt_parse_double(optarg, &a->opts.alpha) || !(a->opts.alpha > 0) || !(a->opts.alpha < 1))
				return lt_err(LT_EXIT_USAGE, "--alpha wants a number between 0 and 1, not '%s'", optarg);
			break;
		case 'd':
			if (!lt_parse_double(optarg, &a->opts.ks_min_d) || !(a->opts.ks_min_d >= 0) ||
			    !(a->opts.ks_min_d <= 1))
				return lt_err(LT_EXIT_USAGE, "--ks-min-d wants a number from 0 to 1, not '%s'", optarg);
			break;
		case 'h':
			usage(stdout);
			exit(LT_EXIT_OK);
		default:
			return results_bad_option(c, argv);
		}
	}
	a->files = argv + optind;
	a->nfiles = (size_t)(argc - optind);
	if (a->nfiles < 2)
		return lt_err(LT_EXIT_USAGE, "needs at least two result files, BASE and NEW (try --help)");
	return 0;
}

int cmd_compare(int argc, char **argv)
{
	struct compare_args a = { .fmt = CMP_TEXT, .opts = { .alpha = 0.05, .ks_min_d = 0.05 } };
	struct lt_result *files;
	struct cmp_table t;
	struct json *warnings;
	FILE *out = stdout;
	int ret;

	ret = parse_args(argc, argv, &a);
	if (ret)
		return ret;
	ret = results_load(a.files, &a.nfiles, &files, false);
	if (ret)
		return ret;
	if ((a.labels && (ret = results_set_labels(files, a.nfiles, a.labels))) ||
	    (a.per_op && (ret = results_per_op(files, a.nfiles)))) {
		results_free(files, a.nfiles);
		return ret;
	}
	if (a.nfiles < 2) {
		results_free(files, a.nfiles);
		return lt_err(LT_EXIT_USAGE, "needs two result files with reps to compare");
	}
	if (a.output && !(out = fopen(a.output, "w"))) {
		results_free(files, a.nfiles);
		return lt_err(LT_EXIT_FAIL, "%s: %m", a.output);
	}
	warnings = json_array();
	results_warnings(files, a.nfiles, warnings);
	for (size_t i = 0; i < json_len(warnings); i++)
		lt_warn("%s", json_as_string(json_at(warnings, i)));
	cmp_table_build(&t, files, a.nfiles, &a.opts);
	cmp_print(out, &t, a.fmt, warnings);
	if (fflush(out) || ferror(out))
		ret = lt_err(LT_EXIT_FAIL, "%s: write error", a.output ? a.output : "stdout");
	if (out != stdout)
		fclose(out);
	cmp_table_free(&t);
	json_free(warnings);
	results_free(files, a.nfiles);
	return ret;
}
