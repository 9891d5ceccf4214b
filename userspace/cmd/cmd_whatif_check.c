// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_whatif_check.c - `lazytlb whatif-check UNPATCHED.json PATCHED.json -w FILTER:CAUSE...`:
 * does a kernel that carries a what-if filter save what the what-if predicted on its
 * unpatched twin? The work is in analysis/whatif_check.c.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/whatif_check.h"
#include "lib/cli.h"

#define WC_MAX 16

static void usage(FILE *f)
{
	fprintf(f,
		"usage: lazytlb whatif-check [options] UNPATCHED.json PATCHED.json -w FILTER:CAUSE [-w ...]\n"
		"\n"
		"Checks a what-if filter against a kernel that implements it. UNPATCHED.json and\n"
		"PATCHED.json are results of one scenario (lazytlb run, vm run, vm ab) on a kernel and\n"
		"on the same kernel with the filter's patch (kernels-config/*.kcfg: twin, whatif).\n"
		"For each FILTER:CAUSE, per workload op (TCG speed differs between boots, ops do not):\n"
		"  predicted  the what-if's skips of CAUSE's IPIs on the unpatched kernel\n"
		"  actual     IPIs of CAUSE on the unpatched kernel minus those on the patched one\n"
		"  ratio      actual / predicted, 95%% interval by the delta method over the reps\n"
		"             (Welch-Satterthwaite degrees of freedom); agrees when it holds 1 (when\n"
		"             nothing is predicted: when actual - predicted's interval holds 0)\n"
		"  kept       kept_on_purpose IPIs (the filter holds but the kernel needs them) and\n"
		"             needed IPIs (sent - skip - unknown) on both: lost when the patched kernel sends\n"
		"             significantly fewer (Welch, --alpha), or the workload failed more\n"
		"and notes that explain a mismatch: targets the what-if could not read, race_exposed\n"
		"skips, what the patched kernel still sends that the what-if would skip, calls per op\n"
		"that moved (coalesced calls). Use >= 5 reps per kernel.\n"
		"\n"
		"options:\n"
		"  -w, --whatif FILTER:CAUSE  a filter and the IPI cause it acts on (lazytlb schema)\n"
		"  --json                     machine-readable output\n"
		"  -o, --output FILE          write there instead of stdout\n"
		"  --alpha P                  level of the kept test (default 0.05)\n"
		"  -h, --help                 this text\n"
		"\n"
		"examples:\n"
		"  lazytlb whatif-check a/exit-other-mm.json b/exit-other-mm.json -w curr-mm-differs:shoot_lazy\n"
		"  lazytlb whatif-check --json u/collapse.json p/collapse.json -w redundant-table-sync:table_sync\n"
		"  lazytlb vm ab custom-6.12-amd64-shootdown custom-6.12-amd64-shootdown-whatif exit-other-mm\n"
		"\n"
		"Exit: 0 every check agrees and nothing was lost; 1 one does not (the output says which);\n"
		"2 usage or bad input.\n");
}

struct wc_args {
	const char *output;
	bool json;
	double alpha;
	int filter[WC_MAX], cause[WC_MAX], n;
	char **files;
};

static int parse_args(int argc, char **argv, struct wc_args *a)
{
	static const struct option longopts[] = {
		{ "whatif", required_argument, NULL, 'w' }, { "json", no_argument, NULL, 'J' },
		{ "output", required_argument, NULL, 'o' }, { "alpha", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },        { NULL, 0, NULL, 0 },
	};
	char err[256];
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":hw:o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'w':
			if (a->n >= WC_MAX)
				return lt_err(LT_EXIT_USAGE, "at most %d -w", WC_MAX);
			if (wc_parse_pair(optarg, &a->filter[a->n], &a->cause[a->n], err, sizeof(err)))
				return lt_err(LT_EXIT_USAGE, "-w: %s", err);
			a->n++;
			break;
		case 'J': a->json = true; break;
		case 'o': a->output = optarg; break;
		case 'a':
			if (!lt_parse_double(optarg, &a->alpha) || !(a->alpha > 0) || !(a->alpha < 1))
				return lt_err(LT_EXIT_USAGE, "--alpha wants a number between 0 and 1, not '%s'", optarg);
			break;
		case 'h': usage(stdout); exit(LT_EXIT_OK);
		default: return results_bad_option(c, argv);
		}
	}
	if (argc - optind != 2)
		return lt_err(LT_EXIT_USAGE, "needs UNPATCHED.json PATCHED.json (try --help)");
	if (!a->n)
		return lt_err(LT_EXIT_USAGE, "needs -w FILTER:CAUSE, the filter the patched kernel implements");
	a->files = argv + optind;
	return 0;
}

int cmd_whatif_check(int argc, char **argv)
{
	struct wc_args a = { .alpha = 0.05 };
	struct wc_check c[WC_MAX];
	struct lt_result *r;
	size_t nf = 2;
	FILE *out = stdout;
	int ret, bad = 0;

	if ((ret = parse_args(argc, argv, &a)))
		return ret;
	if ((ret = results_load(a.files, &nf, &r, false)))
		return ret;
	if (nf != 2) {
		results_free(r, nf);
		return lt_err(LT_EXIT_USAGE, "both files need reps");
	}
	if (a.output && (ret = lt_output_writable(a.output))) {
		results_free(r, nf);
		return lt_err(LT_EXIT_USAGE, "%s: %s", a.output, strerror(ret));
	}
	if (r[0].nreps < 5 || r[1].nreps < 5)
		lt_warn("%zu and %zu reps: the intervals want >= 5 per kernel", r[0].nreps, r[1].nreps);
	if (strcmp(result_str(&r[0], "scenario.name", "?"), result_str(&r[1], "scenario.name", "?")))
		lt_warn("the files ran different scenarios (%s, %s)", result_str(&r[0], "scenario.name", "?"),
			result_str(&r[1], "scenario.name", "?"));
	for (int i = 0; i < a.n; i++) {
		wc_check(&c[i], &r[0], &r[1], a.filter[i], a.cause[i], a.alpha);
		bad |= !c[i].agrees || c[i].lost || !c[i].workload_ok;
	}
	if (a.output && !(out = fopen(a.output, "w")))
		ret = lt_err(LT_EXIT_FAIL, "%s: %m", a.output);
	if (out) {
		if (a.json) {
			struct json *j = wc_json(&r[0], &r[1], c, a.n);

			json_write(out, j, true);
			json_free(j);
		} else {
			wc_print_text(out, &r[0], &r[1], c, a.n);
		}
		if (fflush(out) || ferror(out))
			ret = lt_err(LT_EXIT_FAIL, "%s: write error", a.output ? a.output : "stdout");
		if (out != stdout)
			fclose(out);
	}
	for (int i = 0; i < a.n; i++)
		wc_free(&c[i]);
	results_free(r, nf);
	return ret ? ret : bad ? LT_EXIT_FAIL : LT_EXIT_OK;
}
