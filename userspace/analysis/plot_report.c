// SPDX-License-Identifier: GPL-2.0
/*
 * plot_report.c - the plots of each scenario (plot_scenarios) and DIR/report.md: the files,
 * what was not plotted and why, then one section per scenario: what it measures, its plots,
 * and its key numbers or, when several files ran it (reps of kernels, runs), their
 * comparison. Files of different scenarios are never compared nor drawn in one plot: a
 * %change between unrelated workloads means nothing. One page to read or paste into a
 * mailing-list reply or an issue.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "lib/cli.h"
#include "compare_table.h"
#include "plot.h"

/* The files of r[i]'s scenario not done yet, into grp (marked done): how many */
static size_t scenario_group(const struct lt_result *r, size_t n, size_t i, bool *done, struct lt_result *grp)
{
	const char *name = result_str(&r[i], "scenario.name", "?");
	size_t k = 0;

	for (size_t j = i; j < n; j++)
		if (!done[j] && !strcmp(result_str(&r[j], "scenario.name", "?"), name)) {
			grp[k++] = r[j];
			done[j] = true;
		}
	return k;
}

int plot_scenarios(const struct lt_result *r, size_t n, const char *dir, const char *tmpl_dir, unsigned int w,
		   unsigned int h, bool render, struct plot_jobs *jobs)
{
	struct lt_result *grp = calloc(n ? n : 1, sizeof(*grp));
	bool *done = calloc(n ? n : 1, sizeof(*done));
	size_t ngroups = 0;
	int ret = 0;

	for (size_t i = 0; grp && done && i < n; i++)
		if (!done[i] && ++ngroups)
			scenario_group(r, n, i, done, grp);
	memset(done, 0, n * sizeof(*done));
	for (size_t i = 0; grp && done && !ret && i < n; i++) {
		const char *name = result_str(&r[i], "scenario.name", "?");
		size_t k, first = jobs->n;
		char sub[64] = "", path[4200];

		if (done[i])
			continue;
		k = scenario_group(r, n, i, done, grp);
		if (ngroups > 1) /* a directory name from the scenario's: [A-Za-z0-9._-] */
			for (size_t c = 0; name[c] && c < sizeof(sub) - 1; c++)
				sub[c] = strchr("-_.", name[c]) || (name[c] >= '0' && name[c] <= '9') ||
						 ((name[c] | 32) >= 'a' && (name[c] | 32) <= 'z') ? name[c] : '_';
		snprintf(path, sizeof(path), "%s%s%s", dir, *sub ? "/" : "", sub);
		if (*sub && mkdir(path, 0755) && errno != EEXIST)
			ret = lt_err(LT_EXIT_FAIL, "%s: %m", path);
		if (!ret)
			ret = plot_data_write(grp, k, path, jobs);
		for (size_t j = first; !ret && j < jobs->n; j++) {
			snprintf(jobs->v[j].scenario, sizeof(jobs->v[j].scenario), "%s", name);
			snprintf(jobs->v[j].subdir, sizeof(jobs->v[j].subdir), "%s", sub);
			ret = plot_render(&jobs->v[j], path, tmpl_dir, w, h, render);
		}
	}
	if (!grp || !done)
		ret = lt_err(LT_EXIT_FAIL, "out of memory");
	free(grp);
	free(done);
	return ret;
}

/* The plots of one scenario, under their headings */
static void scenario_plots(FILE *f, const char *name, const struct plot_jobs *jobs, const char *ext)
{
	const char *last = NULL;

	for (size_t i = 0; i < jobs->n; i++) {
		const struct plot_job *j = &jobs->v[i];

		if (strcmp(j->scenario, name))
			continue;
		if (!last || strcmp(last, j->section))
			fprintf(f, "\n### %s\n", j->section);
		last = j->section;
		fprintf(f, "\n![%s](%s%s%s.%s)\n\n%s\n", j->name, j->subdir, *j->subdir ? "/" : "", j->name, ext,
			j->caption);
	}
}

/* The scenarios, each with its files (label, kernel, scheme, reps) */
static void overview(FILE *f, const struct lt_result *r, size_t n)
{
	bool *done = calloc(n ? n : 1, sizeof(*done));
	struct lt_result *grp = calloc(n ? n : 1, sizeof(*grp));

	fprintf(f, "| scenario | file | kernel | arch | CPUs | lazy TLB | reps |\n|---|---|---|---|---:|---|---:|\n");
	for (size_t i = 0; done && grp && i < n; i++) {
		size_t k;

		if (done[i])
			continue;
		k = scenario_group(r, n, i, done, grp);
		for (size_t j = 0; j < k; j++) {
			const struct json *cpus = json_path(grp[j].doc, "host.nr_cpus");
			char nc[24] = "?";

			if (json_is_number(cpus))
				snprintf(nc, sizeof(nc), "%.0f", json_as_double(cpus));
			fprintf(f, "| %s | `%s` | %s | %s | %s | %s | %zu |\n", j ? "" : result_str(&grp[j], "scenario.name", "?"),
				grp[j].path, result_str(&grp[j], "kernel.release", "?"), result_str(&grp[j], "host.arch", "?"), nc,
				result_str(&grp[j], "kernel.lazy_tlb_scheme", "?"), grp[j].nreps);
		}
	}
	free(done);
	free(grp);
}

/* One section per scenario, in the order the files came */
static void scenario_sections(FILE *f, const struct lt_result *r, size_t n, const struct cmp_opts *opts,
			      const struct plot_jobs *jobs, const char *ext)
{
	struct lt_result *grp = calloc(n ? n : 1, sizeof(*grp));
	bool *done = calloc(n ? n : 1, sizeof(*done));

	for (size_t i = 0; grp && done && i < n; i++) {
		const char *name = result_str(&r[i], "scenario.name", "?");
		struct cmp_table t;
		size_t k;

		if (done[i])
			continue;
		k = scenario_group(r, n, i, done, grp);
		fprintf(f, k > 1 ? "\n## Comparison: scenario `%s`\n\n" : "\n## Scenario `%s`\n\n", name);
		fprintf(f, "What it measures: %s.\n", result_str(&r[i], "scenario.description", "(no description)"));
		if (k > 1) {
			/* the comparison: only among the files of this scenario */
			cmp_table_build(&t, grp, k, opts);
			fprintf(f, "\n%zu files of this scenario, each against the first.\n", k);
			cmp_print_files(f, &t, CMP_MARKDOWN);
			cmp_print_section(f, &t, CMP_MARKDOWN, SEC_HEADLINE);
			scenario_plots(f, name, jobs, ext);
			fprintf(f, "\n### Every metric\n");
			cmp_print_rows(f, &t, CMP_MARKDOWN);
			cmp_table_free(&t);
		} else {
			plot_key_numbers(f, &grp[0]);
			scenario_plots(f, name, jobs, ext);
		}
	}
	free(grp);
	free(done);
}

int plot_report_write(const char *dir, const struct lt_result *r, size_t n, const struct plot_jobs *jobs,
		      const char *image_ext)
{
	struct cmp_opts opts = { .alpha = 0.05, .ks_min_d = 0.05 };
	char path[4200];
	FILE *f;
	int ret = 0;

	snprintf(path, sizeof(path), "%s/report.md", dir);
	f = fopen(path, "w");
	if (!f)
		return lt_err(LT_EXIT_FAIL, "%s: %m", path);
	fprintf(f, "# lazytlb report\n\n"
		   "Written by `lazytlb plot` from %zu result file%s: a section per scenario, what it measures,\n"
		   "its key numbers and its plots; files are compared only with files of the same scenario.\n"
		   "Beside each image are its data (`.dat`) and gnuplot script (`.gp`); `common.gp` holds the\n"
		   "shared style.\n\n",
		n, n == 1 ? "" : "s");
	overview(f, r, n);
	if (jobs->notes[0])
		fprintf(f, "\nNot plotted where a scenario's files have no data: %s.\n", jobs->notes);
	scenario_sections(f, r, n, &opts, jobs, image_ext);
	if (fclose(f))
		ret = lt_err(LT_EXIT_FAIL, "%s: write error", path);
	return ret;
}
