// SPDX-License-Identifier: GPL-2.0
/*
 * plot_flow.c - the IPI flow of a result file as a heat map: one row per cause (the causes with
 * requests, most first, each named with its top sender: task and kernel callsite), one column
 * per state of the target CPU at the send; a cell is requests per second (mean over reps),
 * printed in it. Who asks, why, and what it hits, in one picture per file.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "lib/cli.h"
#include "result/names.h"
#include "plot_int.h"

#define FLOW_ROWS 8 /* causes drawn, most requests first */

struct flow_row {
	int cause;
	double total, cell[LT_NR_STATES];
	char label[128];
};

static int by_total_desc(const void *a, const void *b)
{
	const struct flow_row *x = a, *y = b;

	return x->total < y->total ? 1 : x->total > y->total ? -1 : x->cause - y->cause;
}

/* the sender (task: callsite) with the most requests of this cause over the reps (its rows
 * are per kernel stack: summed by task and callsite), and its share; "" when not counted */
static void top_sender(const struct lt_result *r, const char *cause, char *buf, size_t len)
{
	struct { const char *comm, *site; double n; } s[64];
	size_t ns = 0, best = 0;
	double all = 0;

	*buf = '\0';
	for (size_t i = 0; i < r->nreps; i++) {
		const struct json *snd = json_path(json_at(r->reps, i), "metrics.ipi.senders");

		for (size_t k = 0; k < json_len(snd); k++) {
			const struct json *e = json_at(snd, k);
			const char *comm = json_as_string(json_get(e, "comm")) ?: "?";
			const char *site = json_as_string(json_get(e, "callsite")) ?: "?";
			double n = json_as_double(json_get(e, "requests"));
			size_t x = 0;

			if (strcmp(json_as_string(json_get(e, "cause")) ?: "", cause))
				continue;
			all += n;
			while (x < ns && (strcmp(s[x].comm, comm) || strcmp(s[x].site, site)))
				x++;
			if (x == ns && ns == sizeof(s) / sizeof(s[0]))
				continue; /* the list is sorted, most first: the top ones are in */
			if (x == ns)
				s[ns++] = (typeof(s[0])){ comm, site, 0 };
			s[x].n += n;
			if (s[x].n > s[best].n)
				best = x;
		}
	}
	if (ns && all > 0)
		snprintf(buf, len, "%s: %s (%.0f%%)", s[best].comm, s[best].site, 100 * s[best].n / all);
	for (char *p = buf; *p; p++) /* a gnuplot string in double quotes */
		if (*p == '"' || *p == '\\')
			*p = '\'';
}

/* the rows of file r: by_cause_state as rates; 0 rows when not measured */
static size_t flow_rows(const struct lt_result *r, struct flow_row *rows)
{
	size_t nr = 0;

	for (int c = 0; c < LT_NR_CAUSES; c++) {
		struct flow_row *w = &rows[nr];
		char path[160], who[96];

		memset(w, 0, sizeof(*w));
		w->cause = c;
		for (int s = 0; s < LT_NR_STATES; s++) {
			struct metric m = { path, MK_COUNTER };
			double sum, secs;

			snprintf(path, sizeof(path), "metrics.ipi.by_cause_state.%s.%s", lt_cause_names[c], lt_state_names[s]);
			if (metric_total(r, &m, &sum, &secs) != LOOKUP_OK || !(secs > 0))
				continue;
			w->cell[s] = sum / secs;
			w->total += w->cell[s];
		}
		if (!(w->total > 0))
			continue;
		top_sender(r, lt_cause_names[c], who, sizeof(who));
		snprintf(w->label, sizeof(w->label), "%s%s%s", lt_cause_names[c], *who ? " <- " : "", who);
		nr++;
	}
	qsort(rows, nr, sizeof(*rows), by_total_desc);
	return nr > FLOW_ROWS ? FLOW_ROWS : nr;
}

static int flow_one(const struct lt_result *r, size_t idx, size_t n, const char *dir, struct plot_jobs *jobs)
{
	struct flow_row rows[LT_NR_CAUSES];
	size_t nr = flow_rows(r, rows), width = 0;
	char name[64], xt[512] = "";
	struct plot_job *j;
	FILE *f;

	if (!nr) {
		plot_note(jobs, "IPI flow: no IPI requests by cause and target state in any file");
		return 0;
	}
	snprintf(name, sizeof(name), n > 1 ? "ipi_flow_%zu" : "ipi_flow", idx + 1);
	f = plot_dat_open(dir, name, "IPI requests per second: x the target state, y the cause (row), value, text; then the rows' labels");
	if (!f)
		return LT_EXIT_FAIL;
	/* the first row at the top: y counts down */
	for (size_t y = 0; y < nr; y++)
		for (int s = 0; s < LT_NR_STATES; s++) {
			double v = rows[y].cell[s];

			fprintf(f, "%d %zu %.17g ", s, nr - 1 - y, v > 0 ? v : NAN);
			if (v >= 100)
				fprintf(f, "\"%.0f\"\n", v);
			else if (v > 0)
				fprintf(f, "\"%.3g\"\n", v);
			else
				fputs("\"\"\n", f);
		}
	/* the row labels, a block of their own (gnuplot cuts tic labels after 49 characters) */
	fputs("\n\n", f);
	for (size_t y = 0; y < nr; y++) {
		fprintf(f, "%zu ", nr - 1 - y);
		plot_put_label(f, rows[y].label);
		fputc('\n', f);
		if (strlen(rows[y].label) > width)
			width = strlen(rows[y].label);
	}
	if (plot_dat_close(f, dir, name))
		return LT_EXIT_FAIL;
	for (int s = 0; s < LT_NR_STATES; s++)
		snprintf(xt + strlen(xt), sizeof(xt) - strlen(xt), "%s\"%s\" %d", s ? ", " : "", lt_state_names[s], s);
	j = plot_job_new(jobs, name, "flow.gp", "IPI flow");
	plot_job_var(j, "NX", false, "%d", LT_NR_STATES);
	plot_job_var(j, "NY", false, "%zu", nr);
	plot_job_var(j, "XTICS", true, "%s", xt);
	/* gnuplot's own margin cuts long tic labels in the PNG (the font differs from the SVG's) */
	plot_job_var(j, "LMARGIN", false, "%zu", width * 9 / 10 + 3);
	plot_job_var(j, "TITLE", true, "IPI flow, %s: cause (<- its top sender) by the target's state",
		     r->label);
	snprintf(j->caption, sizeof(j->caption),
		 "IPI requests per second (mean over reps) by cause (rows, the top sender's task and kernel callsite "
		 "named) and the target CPU's state at the send (columns); blank: none. %s "
		 "(`metrics.ipi.by_cause_state`, `metrics.ipi.senders`).", r->label);
	return 0;
}

int plot_flow(const struct lt_result *r, size_t n, const char *dir, struct plot_jobs *jobs)
{
	int ret = 0;

	for (size_t i = 0; i < n && !ret; i++)
		ret = flow_one(&r[i], i, n, dir, jobs);
	return ret;
}
