// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_plot.c - `lazytlb plot RESULT.json... -o DIR`: gnuplot SVG and PNG
 * images of the result files, their data and scripts, and DIR/report.md.
 * See plot.h for how the work is split.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "lib/cli.h"
#include "analysis/plot.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: lazytlb plot [options] -o DIR RESULT.json [RESULT.json...]\n"
		"\n"
		"Draws the result files with gnuplot, each plot as DIR/NAME.svg and DIR/NAME.png\n"
		"(DIR/SCENARIO/NAME.* when the files ran several scenarios: one set per scenario):\n"
		"  hist_*                   each metrics.hist.* latency histogram, one line per file\n"
		"                           (merged over reps, log x)\n"
		"  ipi_by_cause             IPIs per second by cause, a stacked bar per file\n"
		"  ipi_by_target_state      IPIs per second by the target CPU's state at send\n"
		"  ipi_received_per_cpu     heatmap of IPIs received per second, CPU x file\n"
		"  refcount_atomics_scaling lazy mm refcount atomics/s against threads or CPUs,\n"
		"                           when the files differ in scenario.params.threads or\n"
		"                           host.nr_cpus (one line per kernel)\n"
		"and DIR/report.md with the images and the `lazytlb compare --markdown` table.\n"
		"Series are named by kernel release (plus arch when the files' arches differ; the\n"
		"file name when releases tie). NAME.dat and NAME.gp stay beside each image: edit\n"
		"NAME.gp, or common.gp for all, and run `gnuplot NAME.gp` in DIR to restyle.\n"
		"\n"
		"options:\n"
		"  -o, --output DIR      where to write (created if missing; required)\n"
		"  --size WxH            image size in pixels (default 1000x600)\n"
		"  --templates DIR       gnuplot templates (default: $LAZYTLB_PLOTS, plots/ of the\n"
		"                        source tree or the install, else the copy built in)\n"
		"  --no-render           write data, scripts and report, do not run gnuplot\n"
		"  --label A,B,...       the files' names in plots and tables (default: kernel release,\n"
		"                        then scenario, scheme, file name where those are alike)\n"
		"  -h, --help            this text\n"
		"\n"
		"Needs gnuplot with the svg and pngcairo terminals (Debian: gnuplot-nox). Bad input\n"
		"is one line on stderr naming the file, and exit status 2.\n"
		"\n"
		"examples:\n"
		"  lazytlb plot -o out/ base.json new.json\n"
		"  lazytlb plot -o scaling/ --size 1600x900 r-4cpu.json r-16cpu.json r-64cpu.json\n"
		"  lazytlb plot -o out/ --no-render base.json && cd out && gnuplot ipi_by_cause.gp\n");
}

struct plot_args {
	const char *dir, *templates, *labels;
	unsigned int w, h;
	bool render;
	char **files;
	size_t nfiles;
};

static bool parse_size(const char *s, unsigned int *w, unsigned int *h)
{
	char extra;

	return sscanf(s, "%ux%u%c", w, h, &extra) == 2 && *w >= 100 && *h >= 100 && *w <= 10000 && *h <= 10000;
}

static int parse_args(int argc, char **argv, struct plot_args *a)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' }, { "size", required_argument, NULL, 's' },
		{ "templates", required_argument, NULL, 't' }, { "no-render", no_argument, NULL, 'n' },
		{ "label", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },        { NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ho:", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': a->dir = optarg; break;
		case 'L': a->labels = optarg; break;
		case 't': a->templates = optarg; break;
		case 'n': a->render = false; break;
		case 's':
			if (!parse_size(optarg, &a->w, &a->h))
				return lt_err(LT_EXIT_USAGE, "--size wants WIDTHxHEIGHT in pixels (100 to 10000), not '%s'",
					      optarg);
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
	if (!a->dir)
		return lt_err(LT_EXIT_USAGE, "needs -o DIR (try --help)");
	if (!a->nfiles)
		return lt_err(LT_EXIT_USAGE, "needs at least one result file (try --help)");
	return 0;
}

/* mkdir -p */
static int make_dir(const char *dir)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s", dir);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return lt_err(LT_EXIT_FAIL, "%s: %m", buf);
		*p = '/';
	}
	if (mkdir(buf, 0755) && errno != EEXIST)
		return lt_err(LT_EXIT_FAIL, "%s: %m", buf);
	return 0;
}

int cmd_plot(int argc, char **argv)
{
	struct plot_args a = { .w = 1000, .h = 600, .render = true };
	struct plot_jobs jobs = { 0 };
	struct lt_result *files = NULL;
	char tmpl_buf[4096];
	const char *tmpl_dir;
	int ret;

	ret = parse_args(argc, argv, &a);
	if (ret)
		return ret;
	ret = results_load(a.files, &a.nfiles, &files, false);
	if (ret)
		return ret;
	if (a.labels && (ret = results_set_labels(files, a.nfiles, a.labels))) {
		results_free(files, a.nfiles);
		return ret;
	}
	tmpl_dir = plot_find_templates(a.templates, tmpl_buf, sizeof(tmpl_buf));
	ret = tmpl_dir ? make_dir(a.dir) : LT_EXIT_FAIL;
	if (!ret)
		ret = plot_scenarios(files, a.nfiles, a.dir, tmpl_dir, a.w, a.h, a.render, &jobs);
	if (!ret)
		ret = plot_report_write(a.dir, files, a.nfiles, &jobs, "svg");
	if (!ret && lt_verbose)
		fprintf(stderr, "%s: %zu plots and report.md in %s\n", lt_prog, jobs.n, a.dir);
	plot_jobs_free(&jobs);
	results_free(files, a.nfiles);
	return ret;
}
