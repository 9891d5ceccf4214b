// SPDX-License-Identifier: GPL-2.0
/* top_view.c - see top_view.h. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "result/names.h"
#include "top_view.h"

static bool in_mask(const uint64_t *m, unsigned int cpu)
{
	return cpu < LT_MAX_CPUS && (m[cpu / 64] >> (cpu % 64) & 1);
}

static bool known(const struct json *j)
{
	return j && json_type(j) != JSON_NULL;
}

/* the IPI rows of /proc/interrupts for one CPU in an interval: x86 CAL and RES (TLB is counted
 * inside CAL), powerpc IPI and DBL; false when none is there */
static bool proc_ipis(const struct json *per_cpu, unsigned int cpu, double *n)
{
	static const char *const rows[] = { "CAL", "RES", "IPI", "DBL" };
	bool any = false;

	*n = 0;
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		const struct json *v = json_at(json_get(per_cpu, rows[r]), cpu);

		if (v && json_is_number(v)) {
			*n += json_as_double(v);
			any = true;
		}
	}
	return any;
}

static int by_rate_desc(const void *a, const void *b)
{
	const struct top_sender *x = a, *y = b;

	return x->rate < y->rate ? 1 : x->rate > y->rate ? -1 : 0;
}

/* the senders, one row per (cause, task, callsite): the collector keeps stacks apart, and
 * several stacks of one task can end at the same callsite */
static void fill_senders(struct top_frame *f, const struct json *snd)
{
	f->senders_known = known(snd);
	f->nr_snd = 0;
	f->snd_total = 0;
	for (size_t i = 0; f->senders_known && i < json_len(snd); i++) {
		const struct json *e = json_at(snd, i);
		const char *cause = json_as_string(json_get(e, "cause")) ?: "?";
		const char *comm = json_as_string(json_get(e, "comm")) ?: "?";
		const char *site = json_as_string(json_get(e, "callsite")) ?: "?";
		unsigned int tgid = (unsigned int)json_as_double(json_get(e, "tgid"));
		double n = json_as_double(json_get(e, "requests")) / f->secs;
		struct top_sender *s = NULL;

		f->snd_total += n;
		for (size_t j = 0; j < f->nr_snd && !s; j++)
			if (f->snd[j].tgid == tgid && !strcmp(f->snd[j].cause, cause) && !strcmp(f->snd[j].comm, comm) &&
			    !strcmp(f->snd[j].callsite, site))
				s = &f->snd[j];
		if (!s && f->nr_snd == TOP_MAX_SENDERS)
			continue;
		if (!s) {
			s = &f->snd[f->nr_snd++];
			memset(s, 0, sizeof(*s));
			snprintf(s->cause, sizeof(s->cause), "%s", cause);
			snprintf(s->comm, sizeof(s->comm), "%s", comm);
			snprintf(s->callsite, sizeof(s->callsite), "%s", site);
			s->tgid = tgid;
		}
		s->rate += n;
		s->to_idle += json_as_double(json_get(e, "to_idle")) / f->secs;
	}
	qsort(f->snd, f->nr_snd, sizeof(f->snd[0]), by_rate_desc);
}

void top_frame_fill(struct top_frame *f, const struct json *rep, const struct lt_counters *pc, unsigned int nr,
		    const uint64_t *mask, const uint64_t *nohz_mask)
{
	const struct json *ipi = json_path(rep, "metrics.ipi"), *wk = json_path(rep, "metrics.wakeups");
	const struct json *rx = json_get(ipi, "received_per_cpu");
	const struct json *pcpu = json_path(rep, "procfs.interrupts_delta.per_cpu");

	f->secs = json_as_double(json_get(rep, "duration_ns")) / 1e9;
	if (!(f->secs > 0))
		f->secs = 1e-9;
	f->t_s += f->secs;
	f->rx_known = known(rx);
	f->cause_known = known(json_get(ipi, "delivered_by_cause"));
	f->idle_known = known(json_get(wk, "idle_by_cause"));
	f->nohz_known = known(json_get(wk, "nohz_full_by_cause"));
	f->nr_cpus = 0;
	for (unsigned int cpu = 0; pc && cpu < nr && cpu < LT_MAX_CPUS; cpu++) {
		struct top_cpu *t = &f->cpu[f->nr_cpus];
		const struct lt_counters *x = &pc[cpu];

		if (!in_mask(mask, cpu))
			continue;
		f->nr_cpus++;
		memset(t, 0, sizeof(*t));
		t->cpu = cpu;
		t->rx = json_as_double(json_at(rx, cpu)) / f->secs;
		for (int ca = 0; ca < LT_NR_CAUSES; ca++) {
			t->by_cause[ca] = (double)x->ipi_delivered_by_cause[ca] / f->secs;
			t->idle_wk += (double)x->idle_wake_by_cause[ca] / f->secs;
			t->nohz_wk += (double)x->nohz_wake_by_cause[ca] / f->secs;
			if (x->ipi_delivered_by_cause[ca])
				f->cause_seen[ca] = true;
		}
		t->proc_known = proc_ipis(pcpu, cpu, &t->proc);
		t->proc /= f->secs;
		t->nohz_full = in_mask(nohz_mask, cpu);
	}
	fill_senders(f, json_get(ipi, "senders"));
}

/* one screen line: cut at cols, cleared to its end in place */
struct screen {
	FILE *out;
	int cols, rows, used;
	bool ansi;
};

static void line(struct screen *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line(struct screen *s, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (s->ansi && s->used >= s->rows)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (s->ansi && s->cols > 0 && (int)strlen(buf) > s->cols)
		buf[s->cols] = '\0';
	fprintf(s->out, "%s%s\n", buf, s->ansi ? "\033[K" : "");
	s->used++;
}

static int by_rx_desc(const void *a, const void *b)
{
	const struct top_cpu *x = a, *y = b;

	if (x->rx != y->rx)
		return x->rx < y->rx ? 1 : -1;
	return x->cpu < y->cpu ? -1 : 1;
}

static int by_cpu(const void *a, const void *b)
{
	const struct top_cpu *x = a, *y = b;

	return x->cpu < y->cpu ? -1 : x->cpu > y->cpu;
}

/* "  12.3" or "   n/a" into buf, width w */
static const char *num(char *buf, size_t len, bool ok, double v, int w)
{
	if (!ok || isnan(v))
		snprintf(buf, len, " %*s", w, "n/a");
	else
		snprintf(buf, len, " %*.*f", w, v >= 1000 ? 0 : 1, v);
	return buf;
}

/* one row of the CPU table: label, received, /proc, wakeups, the cause columns */
static void cpu_row(struct screen *s, const struct top_frame *f, const char *label, const struct top_cpu *t,
		    const int *cols, int ncols)
{
	char buf[1024], a[32], b[32], c[32], d[32];
	int n;

	/* "-": not a nohz_full CPU ("all": none is) */
	if (t->nohz_full)
		num(d, sizeof(d), f->nohz_known, t->nohz_wk, 9);
	else
		snprintf(d, sizeof(d), " %9s", "-");
	n = snprintf(buf, sizeof(buf), "%4s%s%s%s%s", label, num(a, sizeof(a), f->rx_known, t->rx, 9),
		     num(b, sizeof(b), t->proc_known, t->proc, 9), num(c, sizeof(c), f->idle_known, t->idle_wk, 9), d);
	for (int i = 0; i < ncols && n < (int)sizeof(buf) - 40; i++) {
		int w = (int)strlen(lt_cause_names[cols[i]]);

		n += snprintf(buf + n, sizeof(buf) - n, "%s", num(a, sizeof(a), f->cause_known, t->by_cause[cols[i]],
								 w < 9 ? 9 : w));
	}
	line(s, "%s", buf);
}

static void print_cpus(struct screen *s, const struct top_frame *f, int max_rows)
{
	struct top_cpu *sorted = malloc(sizeof(*sorted) * (f->nr_cpus ? f->nr_cpus : 1)), all = { .cpu = UINT32_MAX };
	int cols[LT_NR_CAUSES], ncols = 0, shown = (int)f->nr_cpus;
	char hdr[1024];
	int n;

	if (!sorted)
		return;
	all.proc_known = f->nr_cpus > 0;
	for (unsigned int i = 0; i < f->nr_cpus; i++) {
		const struct top_cpu *t = &f->cpu[i];

		sorted[i] = *t;
		all.rx += t->rx;
		all.idle_wk += t->idle_wk;
		all.nohz_wk += t->nohz_wk;
		all.proc += t->proc;
		all.proc_known = all.proc_known && t->proc_known;
		all.nohz_full = all.nohz_full || t->nohz_full;
		for (int ca = 0; ca < LT_NR_CAUSES; ca++)
			all.by_cause[ca] += t->by_cause[ca];
	}
	/* more CPUs than rows: the busiest, in CPU order */
	if (max_rows > 0 && shown > max_rows) {
		shown = max_rows - 1;
		qsort(sorted, f->nr_cpus, sizeof(*sorted), by_rx_desc);
		qsort(sorted, (size_t)shown, sizeof(*sorted), by_cpu);
	}
	n = snprintf(hdr, sizeof(hdr), "%4s %9s %9s %9s %9s", "CPU", "IPIs/s", "/proc/s", "idle-wk/s", "nohz-wk/s");
	for (int ca = 0; ca < LT_NR_CAUSES && n < (int)sizeof(hdr) - 40; ca++)
		if (f->cause_seen[ca]) {
			cols[ncols++] = ca;
			n += snprintf(hdr + n, sizeof(hdr) - n, " %9s", lt_cause_names[ca]);
		}
	line(s, "%s", hdr);
	for (int i = 0; i < shown; i++) {
		char label[16];

		snprintf(label, sizeof(label), "%u", sorted[i].cpu);
		cpu_row(s, f, label, &sorted[i], cols, ncols);
	}
	if (shown < (int)f->nr_cpus)
		line(s, "     (%u quieter CPUs not shown: a taller window, or --target-cpus)", f->nr_cpus - shown);
	if (f->nr_cpus > 1)
		cpu_row(s, f, "all", &all, cols, ncols);
	free(sorted);
}

static void print_senders(struct screen *s, const struct top_frame *f, int max_rows)
{
	size_t n = f->nr_snd;

	if (!f->senders_known) {
		line(s, "senders: not counted on this kernel (lazytlb probes says why)");
		return;
	}
	line(s, "Top senders of IPI requests to CPUs %s: %.1f requests/s in all", f->cpus, f->snd_total);
	line(s, "%10s %7s  %-16s %-24s %s", "requests/s", "to-idle", "cause", "comm[tgid]", "callsite");
	if (max_rows >= 0 && n > (size_t)max_rows)
		n = (size_t)max_rows;
	for (size_t i = 0; i < n; i++) {
		const struct top_sender *x = &f->snd[i];
		char who[48];

		snprintf(who, sizeof(who), "%s[%u]", x->comm, x->tgid);
		line(s, "%10.1f %6.0f%%  %-16s %-24s %s", x->rate, x->rate > 0 ? 100 * x->to_idle / x->rate : 0,
		     x->cause, who, x->callsite);
	}
	if (!f->nr_snd)
		line(s, "%10s", "(none)");
}

void top_frame_print(FILE *out, const struct top_frame *f, int rows, int cols, bool ansi)
{
	/* the last row stays empty: a newline there would scroll the screen */
	struct screen s = { .out = out, .cols = cols, .rows = rows - 1, .ansi = ansi };
	/* header 3, the CPU table's header and "all", a blank, the senders' 2 header lines */
	int fixed = 3 + 2 + 1 + 2, snd_rows = 5, cpu_rows = ansi ? s.rows - fixed - snd_rows : -1;

	if (ansi)
		fputs("\033[H", out);
	line(&s, "lazytlb top  kernel %s  CPUs %s  interval %.3f s  at %.1f s%s", f->kernel, f->cpus, f->secs, f->t_s,
	     ansi ? "   (q quits)" : "");
	line(&s, "IPIs received per CPU per second, by the cause of their send (lazytlb), /proc/interrupts' count,");
	line(&s, "and the wakeups they caused: idle CPUs woken, nohz_full CPUs disturbed in user mode");
	if (ansi && cpu_rows < 2)
		cpu_rows = 2;
	print_cpus(&s, f, cpu_rows);
	line(&s, "%s", "");
	print_senders(&s, f, ansi ? s.rows - s.used - 2 : 10);
	if (ansi)
		fputs("\033[J", out);
	else
		fputc('\n', out);
	fflush(out);
}
