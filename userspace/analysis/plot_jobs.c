// SPDX-License-Identifier: GPL-2.0
/*
 * plot_jobs.c - what every plot's data writer uses (plot_int.h): a job for the renderer, its
 * variables, the notes of what was not drawn, and the data files' open, close and labels.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/cli.h"
#include "plot.h"
#include "plot_int.h"

struct plot_job *plot_job_new(struct plot_jobs *jobs, const char *name, const char *tmpl, const char *section)
{
	struct plot_job *j;

	if (jobs->n == jobs->cap) {
		jobs->cap = jobs->cap ? jobs->cap * 2 : 8;
		jobs->v = realloc(jobs->v, jobs->cap * sizeof(*jobs->v));
		if (!jobs->v)
			abort();
	}
	j = &jobs->v[jobs->n++];
	memset(j, 0, sizeof(*j));
	snprintf(j->name, sizeof(j->name), "%s", name);
	j->tmpl = tmpl;
	j->section = section;
	return j;
}

void plot_job_var(struct plot_job *j, const char *key, bool is_string, const char *fmt, ...)
{
	struct plot_var *v;
	va_list ap;

	if (j->nvars >= PLOT_MAX_VARS)
		abort(); /* a programming error: raise PLOT_MAX_VARS */
	v = &j->vars[j->nvars++];
	snprintf(v->key, sizeof(v->key), "%s", key);
	v->is_string = is_string;
	va_start(ap, fmt);
	vsnprintf(v->val, sizeof(v->val), fmt, ap);
	va_end(ap);
}

void plot_note(struct plot_jobs *jobs, const char *what)
{
	size_t len = strlen(jobs->notes);
	const char *p = jobs->notes;

	/* each note once: a scenario's files can repeat one */
	while ((p = strstr(p, what))) {
		if ((p == jobs->notes || p[-1] == ' ') && (p[strlen(what)] == ';' || !p[strlen(what)]))
			return;
		p++;
	}
	snprintf(jobs->notes + len, sizeof(jobs->notes) - len, "%s%s", len ? "; " : "", what);
}

/* A label as a double-quoted gnuplot data field (no '"' inside). */
void plot_put_label(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++)
		fputc(*s == '"' ? '\'' : *s, f);
	fputc('"', f);
}

FILE *plot_dat_open(const char *dir, const char *name, const char *what)
{
	char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.dat", dir, name);
	f = fopen(path, "w");
	if (!f) {
		lt_err(LT_EXIT_FAIL, "%s: %m", path);
		return NULL;
	}
	fprintf(f, "# lazytlb plot data: %s\n", what);
	return f;
}

int plot_dat_close(FILE *f, const char *dir, const char *name)
{
	if (fclose(f))
		return lt_err(LT_EXIT_FAIL, "%s/%s.dat: write error", dir, name);
	return 0;
}
