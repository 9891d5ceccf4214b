/* SPDX-License-Identifier: GPL-2.0 */
/* plot_int.h - the data writers' shared helpers (plot_jobs.c), for plot_data.c and plot_flow.c */
#ifndef LT_PLOT_INT_H
#define LT_PLOT_INT_H

#include <stdio.h>
#include "plot.h"

struct plot_job *plot_job_new(struct plot_jobs *jobs, const char *name, const char *tmpl, const char *section);
void plot_job_var(struct plot_job *j, const char *key, bool is_string, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* what was not plotted and why, once per distinct text */
void plot_note(struct plot_jobs *jobs, const char *what);
/* dir/NAME.dat with a comment line saying what it holds; NULL after lt_err */
FILE *plot_dat_open(const char *dir, const char *name, const char *what);
int plot_dat_close(FILE *f, const char *dir, const char *name);
/* a label as a double-quoted gnuplot data field */
void plot_put_label(FILE *f, const char *s);
/* one scenario's IPI flow: causes (with their top senders) against the target's state */
int plot_flow(const struct lt_result *r, size_t n, const char *dir, struct plot_jobs *jobs);

#endif
