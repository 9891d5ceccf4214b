// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_report.c - `lazytlb report FILE...`: the text summary of result files
 * already written (by record, run, or a qemu guest through `vm run`), the same
 * summary `record` prints, after the checks `compare` makes on its input.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include "lib/cli.h"
#include "trace/collector.h"
#include "analysis/summary.h"
#include "result/compare_input.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: lazytlb report [-v] FILE...\n"
		   "  Prints the text summary of each lazytlb result file (schema lazytlb-result/1): context\n"
		   "  switches, lazy mm references, mm teardown, IPIs by cause and target state and against\n"
		   "  /proc/interrupts, idle and nohz_full wakeups by cause, TLB flushes, what-if counts and\n"
		   "  the latency histograms, summed over the file's reps. Rows that cannot exist on the\n"
		   "  file's architecture and lazy TLB scheme are left out; the probes that could not attach\n"
		   "  are listed with the figures they cost (-v, --verbose: the others too).\n"
		   "  A file that is not a result (corrupt JSON, another schema, no reps) is one line on\n"
		   "  stderr naming it, and exit status 2; nothing is printed for any file then.\n"
		   "examples:\n"
		   "  lazytlb report out/exit-lazy.json\n"
		   "  lazytlb vm run debian-6.12-ppc64el exit-lazy -o out/ppc && lazytlb report out/ppc/exit-lazy.json\n");
}

int cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = { { "help", no_argument, NULL, 'h' },
						  { "verbose", no_argument, NULL, 'v' }, { NULL, 0, NULL, 0 } };
	struct lt_result *r;
	size_t n;
	int c, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hv", longopts, NULL)) != -1) {
		if (c == 'v') {
			lt_verbose = true;
			continue;
		}
		if (c == 'h') {
			usage(stdout);
			return LT_EXIT_OK;
		}
		return results_bad_option(c, argv);
	}
	n = (size_t)(argc - optind);
	if (!n)
		return lt_err(LT_EXIT_USAGE, "needs a result file (try --help)");
	if ((rc = results_load(argv + optind, &n, &r, true)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (n > 1)
			printf("%s== %s ==\n", i ? "\n" : "", r[i].path);
		if (r[i].skipped)
			printf("scenario %s: skipped on kernel %s: %s\n", result_str(&r[i], "scenario.name", "?"),
			       result_str(&r[i], "kernel.release", "?"), r[i].skipped);
		else
			summary_print(stdout, r[i].doc);
	}
	results_free(r, n);
	return LT_EXIT_OK;
}
