// SPDX-License-Identifier: GPL-2.0
/*
 * plot_report.c - DIR/report.md: the files, the plots under their headings, what was not
 * plotted and why, then one section per scenario: what it measures and its key numbers, or,
 * when several files ran it (reps of kernels, runs), their comparison. Files of different
 * scenarios are never compared: a %change between unrelated workloads means nothing. One
 * page to read or paste into a mailing-list reply or an issue.
 */
#include <stdlib.h>
#include <string.h>
#include "lib/cli.h"
#include "compare_table.h"
#include "plot.h"

/* One section per scenario, in the order the files came */
static void scenario_sections(FILE *f, const struct lt_result *r, size_t n, const struct cmp_opts *opts)
{
	struct lt_result *grp = calloc(n ? n : 1, sizeof(*grp));
	bool *done = calloc(n ? n : 1, sizeof(*done));

	for (size_t i = 0; grp && done && i < n; i++) {
		const char *name = result_str(&r[i], "scenario.name", "?");
		struct cmp_table t;
		size_t k = 0;

		if (done[i])
			continue;
		for (size_t j = i; j < n; j++)
			if (!done[j] && !strcmp(result_str(&r[j], "scenario.name", "?"), name)) {
				grp[k++] = r[j];
				done[j] = true;
			}
		fprintf(f, k > 1 ? "\n## Comparison: scenario `%s`\n\n" : "\n## Scenario `%s`\n\n", name);
		fprintf(f, "%s.\n", result_str(&r[i], "scenario.description", "(no description)"));
		cmp_table_build(&t, grp, k, opts);
		if (k > 1) {
			fprintf(f, "\n%zu files of this scenario, each against the first.\n", k);
			cmp_print_files(f, &t, CMP_MARKDOWN);
			cmp_print_rows(f, &t, CMP_MARKDOWN);
		} else {
			fprintf(f, "\nKey numbers of `%s` (per second of each rep, mean over reps):\n", grp[0].label);
			cmp_print_section(f, &t, CMP_MARKDOWN, SEC_HEADLINE);
		}
		cmp_table_free(&t);
	}
	free(grp);
	free(done);
}

int plot_report_write(const char *dir, const struct lt_result *r, size_t n, const struct plot_jobs *jobs,
		      const char *image_ext)
{
	struct cmp_opts opts = { .alpha = 0.05, .ks_min_d = 0.05 };
	const char *last_section = NULL;
	struct cmp_table t;
	char path[4200];
	FILE *f;
	int ret = 0;

	snprintf(path, sizeof(path), "%s/report.md", dir);
	f = fopen(path, "w");
	if (!f)
		return lt_err(LT_EXIT_FAIL, "%s: %m", path);
	cmp_table_build(&t, r, n, &opts);

	fprintf(f, "# lazytlb report\n\n"
		   "Written by `lazytlb plot` from %zu result file%s. Beside each image are its data (`.dat`)\n"
		   "and gnuplot script (`.gp`); `common.gp` holds the shared style.\n\n",
		n, n == 1 ? "" : "s");
	cmp_print_files(f, &t, CMP_MARKDOWN);
	for (size_t i = 0; i < jobs->n; i++) {
		const struct plot_job *j = &jobs->v[i];

		if (!last_section || strcmp(last_section, j->section))
			fprintf(f, "\n## %s\n", j->section);
		last_section = j->section;
		fprintf(f, "\n![%s](%s.%s)\n\n%s\n", j->name, j->name, image_ext, j->caption);
	}
	if (jobs->notes[0])
		fprintf(f, "\nNot plotted: %s.\n", jobs->notes);
	cmp_table_free(&t);
	scenario_sections(f, r, n, &opts);
	if (fclose(f))
		ret = lt_err(LT_EXIT_FAIL, "%s: write error", path);
	return ret;
}
