// SPDX-License-Identifier: GPL-2.0
/* interval.c - see interval.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "result/names.h"
#include "interval.h"

/* present and not a JSON null */
static const struct json *val(const struct json *j)
{
	return j && json_type(j) != JSON_NULL ? j : NULL;
}

static double sum_obj(const struct json *o)
{
	double s = 0;

	for (size_t i = 0; i < json_len(o); i++)
		s += json_as_double(json_at(o, i));
	return s;
}

/* a rate, or null when the count is (its hook did not attach) */
static struct json *rate(const struct json *count, double secs)
{
	return val(count) ? json_double(json_as_double(count) / secs) : json_null();
}

struct json *interval_json(const struct json *rep, double t_s)
{
	const struct json *m = json_get(rep, "metrics");
	const struct json *by = val(json_path(m, "ipi.by_cause")), *pf = json_path(rep, "procfs.interrupts_delta");
	const struct json *idle = val(json_path(m, "wakeups.idle_by_cause"));
	const struct json *nohz = val(json_path(m, "wakeups.nohz_full_by_cause"));
	double secs = json_as_double(json_get(rep, "duration_ns")) / 1e9;
	struct json *o = json_object(), *ipis;

	if (!(secs > 0))
		secs = 1e-9;
	json_set(o, "type", json_string("interval"));
	json_set(o, "t_s", json_double(t_s));
	json_set(o, "interval_s", json_double(secs));
	ipis = json_set(o, "ipis_per_s", by ? json_object() : json_null());
	for (int c = 0; by && c < LT_NR_CAUSES; c++) {
		double n = json_as_double(json_get(by, lt_cause_names[c]));

		if (n > 0)
			json_set(ipis, lt_cause_names[c], json_double(n / secs));
	}
	json_set(o, "ipis_per_s_total", by ? json_double(sum_obj(by) / secs) : json_null());
	json_set(o, "idle_wakeups_per_s", idle ? json_double(sum_obj(idle) / secs) : json_null());
	json_set(o, "nohz_full_wakeups_per_s", nohz ? json_double(sum_obj(nohz) / secs) : json_null());
	json_set(o, "lazy_switches_per_s", rate(json_path(m, "lazy.grabs"), secs));
	json_set(o, "tlb_flushes_per_s", rate(json_path(m, "calls.flush_tlb_mm_range"), secs));
	json_set(o, "remote_tlb_flushes_per_s", rate(json_path(m, "tlb_flush.by_reason.remote_send_ipi"), secs));
	{
		struct json *p = json_set(o, "proc_interrupts_per_s", json_object());
		static const char *const rows[] = { "CAL", "TLB", "RES", "IPI" };

		for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
			if (json_is_number(json_get(pf, rows[i])))
				json_set(p, rows[i], json_double(json_as_double(json_get(pf, rows[i])) / secs));
	}
	return o;
}

void interval_print_header(FILE *f)
{
	fprintf(f, "%9s %10s %10s %10s %9s %9s  %s\n", "time(s)", "IPIs/s", "idle-wk/s", "nohz-wk/s", "lazy/s",
		"rflush/s", "IPIs/s by cause (top 3)");
}

static void num(FILE *f, const struct json *v, int width)
{
	if (!v || isnan(json_as_double(v)))
		fprintf(f, " %*s", width, "n/a");
	else
		fprintf(f, " %*.1f", width, json_as_double(v));
}

void interval_print(FILE *f, const struct json *iv)
{
	const struct json *ipis = json_get(iv, "ipis_per_s");
	bool used[LT_NR_CAUSES] = {};

	fprintf(f, "%9.3f", json_as_double(json_get(iv, "t_s")));
	num(f, json_get(iv, "ipis_per_s_total"), 10);
	num(f, json_get(iv, "idle_wakeups_per_s"), 10);
	num(f, json_get(iv, "nohz_full_wakeups_per_s"), 10);
	num(f, json_get(iv, "lazy_switches_per_s"), 9);
	/* remote flushes (tlb_flush tracepoint), else flush_tlb_mm_range calls (powerpc) */
	num(f, json_type(json_get(iv, "remote_tlb_flushes_per_s")) != JSON_NULL ? json_get(iv, "remote_tlb_flushes_per_s")
										: json_get(iv, "tlb_flushes_per_s"), 9);
	fputs(" ", f);
	for (int shown = 0; shown < 3; shown++) {
		int best = -1;

		for (int c = 0; c < LT_NR_CAUSES; c++)
			if (!used[c] && json_get(ipis, lt_cause_names[c]) &&
			    (best < 0 || json_as_double(json_get(ipis, lt_cause_names[c])) >
						 json_as_double(json_get(ipis, lt_cause_names[best]))))
				best = c;
		if (best < 0)
			break;
		used[best] = true;
		fprintf(f, "%s %s %.0f", shown ? "," : "", lt_cause_names[best],
			json_as_double(json_get(ipis, lt_cause_names[best])));
	}
	fputc('\n', f);
	fflush(f);
}
