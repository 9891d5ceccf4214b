/* SPDX-License-Identifier: GPL-2.0 */
/*
 * plot.h - `lazytlb plot` in three steps: plot_data.c writes a .dat file per
 * plot and says which template draws it, plot_gnuplot.c turns the template
 * into a script beside the data and runs gnuplot on it, plot_report.c writes
 * report.md around the images.
 */
#ifndef LT_PLOT_H
#define LT_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "result/compare_input.h"

/* A gnuplot variable the script sets before the template's text. */
struct plot_var {
	char key[16];
	char val[1024];
	bool is_string; /* quoted in the script */
};

#define PLOT_MAX_VARS 8

struct plot_job {
	char name[96];        /* NAME.dat, NAME.gp, NAME.svg, NAME.png in the output dir */
	const char *tmpl;     /* the template in plots/ ("hist.gp") */
	const char *section;  /* report.md heading it goes under */
	char caption[512];    /* report.md text under the image */
	char scenario[64];    /* the scenario of the files it draws (its report.md section) */
	char subdir[64];      /* where under the output dir it is ("" : the dir itself) */
	struct plot_var vars[PLOT_MAX_VARS];
	size_t nvars;
};

struct plot_jobs {
	struct plot_job *v;
	size_t n, cap;
	char notes[1024]; /* what was not plotted and why, for report.md */
};

/* Write every .dat file into dir; one job per plot. 0, or an exit code after lt_err. */
int plot_data_write(const struct lt_result *r, size_t n, const char *dir, struct plot_jobs *jobs);
void plot_jobs_free(struct plot_jobs *jobs);

/* The directory holding common.gp and the templates: override if given, else
 * $LAZYTLB_PLOTS, else plots/ beside or above the executable, else
 * /usr/share/lazytlb/plots, else the copy built into the binary (plot_builtin_dir).
 * NULL (after lt_err) if none has common.gp. */
const char *plot_find_templates(const char *override, char *buf, size_t len);

/* the plots/ templates as built in (tools/embed.sh), so that a binary copied alone plots */
struct plot_template {
	const char *name, *text;
};
extern const struct plot_template plot_templates[];
extern const size_t nr_plot_templates;
/* The built-in templates written to a new private directory under $TMPDIR (removed at exit)
 * into buf. 0, or an errno. */
int plot_builtin_dir(char *buf, size_t len);
/* Write dir/NAME.gp (and dir/common.gp) and, if run, have gnuplot draw
 * NAME.svg and NAME.png (w x h pixels) in dir. 0 or an exit code after lt_err. */
int plot_render(const struct plot_job *j, const char *dir, const char *tmpl_dir, unsigned int w,
		unsigned int h, bool run);

/* The files grouped by scenario (in the order they came), each group's plots drawn by
 * plot_data_write and plot_render into dir/<scenario>/ when there are several groups, into
 * dir itself for one: plots never mix scenarios. 0 or an exit code after lt_err. */
int plot_scenarios(const struct lt_result *r, size_t n, const char *dir, const char *tmpl_dir, unsigned int w,
		   unsigned int h, bool render, struct plot_jobs *jobs);

/* report.md's key numbers of a scenario one file ran (plot_keys.c) */
void plot_key_numbers(FILE *f, const struct lt_result *r);

/* dir/report.md: the files, then per scenario its description, plots and key numbers or
 * comparison. */
int plot_report_write(const char *dir, const struct lt_result *r, size_t n, const struct plot_jobs *jobs,
		      const char *image_ext);

#endif
