// SPDX-License-Identifier: GPL-2.0
/*
 * plot_report.c - DIR/report.md: the files, the plots under their headings,
 * what was not plotted and why, and the compare table (markdown) - one page
 * to read or paste into a mailing-list reply or an issue.
 */
#include <string.h>
#include "lib/cli.h"
#include "compare_table.h"
#include "plot.h"

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
	fprintf(f, "\n## %s\n", n > 1 ? "Comparison" : "Values");
	if (n > 1)
		fprintf(f, "\nEach file against the first (base).\n");
	cmp_print_rows(f, &t, CMP_MARKDOWN);
	cmp_table_free(&t);
	if (fclose(f))
		ret = lt_err(LT_EXIT_FAIL, "%s: write error", path);
	return ret;
}
