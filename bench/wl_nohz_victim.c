// SPDX-License-Identifier: GPL-2.0
/*
 * wl_nohz_victim.c - nohz-victim: an oslat-style user-mode loop on the first CPU
 * that reads CLOCK_MONOTONIC back to back and records every gap longer than
 * threshold_ns (an interruption: IRQ, IPI, preemption) into a histogram. With
 * with=NAME (or NAME+NAME...) those workloads run on the other CPUs meanwhile
 * ("with.KEY=VALUE" params go to those that have KEY, "with.NAME.KEY=VALUE" to
 * NAME): what do their IPIs cost a CPU that should be left alone? victim_cpu
 * puts the victim on another CPU of the set than the first (a nohz_full one).
 *
 * threshold_ns=0 (the default) calibrates: the victim reads the clock undisturbed for
 * CALIB_NS on its CPU at setup and takes twice the 99th percentile of one read, at least
 * 1 us. Why: a fixed 1 us was tuned on one host; under qemu TCG one read costs 0.9-1.5 us
 * on a slow or busy host, so every read counted as an interruption there. The clocksource
 * is recorded at setup and after each run: a clock that is not read in user mode (hpet,
 * acpi_pm: the vDSO falls back to a syscall) puts the victim in the kernel for every read.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include "lib/cli.h"
#include "result/hist.h"
#include "workload.h"

enum { C_INTR, C_INTR_NS };

#define CALIB_NS 20000000ULL /* 20 ms of undisturbed reads */
#define CLOCKSOURCE "/sys/devices/system/clocksource/clocksource0/current_clocksource"

struct nohz {
	struct lt_hist hist; /* the victim's, reset each run */
	int victim;          /* the victim's CPU */
	int other;           /* the first of the other CPUs (with drivers start there) */
	struct wl_ctx *with[WL_MAX_WITH]; /* the workloads on the other CPUs */
	size_t nr_with;
	int with_failed;     /* index + 1 of the first one that failed */
	uint64_t threshold;  /* the gap that counts, ns: the param or calibrated */
	uint64_t read_p50, read_p99; /* one clock read at setup, ns (calibration) */
	char cs_start[32], cs_end[32]; /* clocksource at setup / after the last run */
};

/* need_nohz_full=1: the victim's CPU must be nohz_full, else the setup fails (ENOTSUP: a
 * scenario that is about nohz_full is skipped on a kernel booted without it). */
static int check_nohz_full(struct wl_ctx *c, int cpu)
{
	uint64_t mask[WL_MAX_CPUS / 64] = { 0 };
	char buf[1024] = "";
	FILE *f;

	if (!wl_u64(c, "need_nohz_full"))
		return 0;
	f = fopen("/sys/devices/system/cpu/nohz_full", "r");
	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
	if (strcmp(buf, "(null)") && lt_parse_cpulist(buf, mask, WL_MAX_CPUS) &&
	    (mask[cpu / 64] >> (cpu % 64)) & 1)
		return 0;
	return wl_fail(c, "CPU %d is not nohz_full (nohz_full='%s'): boot with nohz_full=%d", cpu,
		       strcmp(buf, "(null)") ? buf : "", cpu);
}

static void read_clocksource(char *buf, size_t len)
{
	FILE *f = fopen(CLOCKSOURCE, "r");

	snprintf(buf, len, "unknown");
	if (f) {
		if (fgets(buf, (int)len, f))
			buf[strcspn(buf, "\n")] = '\0';
		fclose(f);
	}
}

/* The cost of one undisturbed clock read on the victim's CPU (see the top). */
static int calibrate(struct wl_ctx *c, struct nohz *s)
{
	cpu_set_t old, one;
	struct lt_hist h;
	uint64_t t0, prev, now;

	memset(&h, 0, sizeof(h));
	CPU_ZERO(&one);
	CPU_SET(s->victim, &one);
	if (sched_getaffinity(0, sizeof(old), &old) || sched_setaffinity(0, sizeof(one), &one))
		return wl_fail(c, "pin to CPU %d for calibration: %s", s->victim, strerror(errno));
	t0 = prev = lt_now_ns();
	do {
		now = lt_now_ns();
		hist_add(&h, now - prev);
		prev = now;
	} while (now - t0 < CALIB_NS);
	sched_setaffinity(0, sizeof(old), &old);
	s->read_p50 = (uint64_t)hist_percentile(&h, 0.50);
	s->read_p99 = (uint64_t)hist_percentile(&h, 0.99);
	s->threshold = wl_u64(c, "threshold_ns");
	if (!s->threshold)
		s->threshold = s->read_p99 * 2 > 1000 ? s->read_p99 * 2 : 1000;
	return 0;
}

static unsigned int nohz_default_threads(unsigned int nr_cpus)
{
	return 1;
}

/* victim_cpu: "first", "last" or a CPU number of the set */
static int pick_victim(struct wl_ctx *c, struct nohz *s)
{
	const char *v = wl_str(c, "victim_cpu");
	char *end;
	long n;

	if (!strcmp(v, "first") || !*v) {
		s->victim = c->cpu[0];
		return 0;
	}
	if (!strcmp(v, "last")) {
		s->victim = c->cpu[c->nr_cpus - 1];
		return 0;
	}
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || n < 0)
		return wl_usage(c, "victim_cpu=%s: expected first, last or a CPU number", v);
	for (unsigned int i = 0; i < c->nr_cpus; i++)
		if (c->cpu[i] == n) {
			s->victim = (int)n;
			return 0;
		}
	return wl_usage(c, "victim_cpu=%ld is not in the CPU set %s", n, c->cpulist);
}

static int nohz_setup(struct wl_ctx *c)
{
	const char *with = wl_str(c, "with");
	struct nohz *s = c->priv;
	char cpus[256], err[256], names[WL_MAX_WITH][32];
	uint64_t mask[WL_MAX_CPUS / 64] = { 0 };
	char *wp[WL_MAX_PARAMS];
	size_t nnames, nwp;

	if (c->threads != 1)
		return wl_usage(c, "-t: one victim thread only (the other CPUs go to with=NAME)");
	if (pick_victim(c, s) || check_nohz_full(c, s->victim))
		return -1;
	read_clocksource(s->cs_start, sizeof(s->cs_start));
	if (calibrate(c, s))
		return -1;
	if (!with || !*with) {
		if (c->nr_with_params)
			return wl_usage(c, "with.* params given without with=NAME");
		return 0;
	}
	if (wl_with_split(with, names, &nnames, err, sizeof(err)))
		return wl_usage(c, "%s", err);
	if (c->nr_cpus < 2)
		return wl_usage(c, "with=%s needs at least 2 CPUs (one is the victim's)", with);
	s->other = -1;
	for (unsigned int i = 0; i < c->nr_cpus; i++) {
		if (c->cpu[i] == s->victim)
			continue;
		mask[c->cpu[i] / 64] |= 1ULL << (c->cpu[i] % 64);
		if (s->other < 0)
			s->other = c->cpu[i];
	}
	lt_format_cpulist(mask, WL_MAX_CPUS, cpus, sizeof(cpus));
	for (size_t i = 0; i < nnames; i++) {
		if (!strcmp(names[i], c->wl->name))
			return wl_usage(c, "with=%s: not itself", with);
		if (wl_with_params(with, names[i], c->with_params, c->nr_with_params, wp, &nwp, err, sizeof(err)))
			return wl_usage(c, "%s", err);
		s->with[i] = wl_open(names[i], cpus, 0, wp, nwp, err, sizeof(err));
		if (!s->with[i])
			return errno == EINVAL ? wl_usage(c, "with: %s", err) : wl_fail(c, "with: %s", err);
		s->nr_with = i + 1;
	}
	return 0;
}

static void *victim(struct wl_thread *t)
{
	struct nohz *s = t->ctx->priv;
	uint64_t thr = s->threshold;
	uint64_t prev = lt_now_ns();

	while (!wl_stopped(t)) {
		for (int i = 0; i < 256; i++) {
			uint64_t now = lt_now_ns(), d = now - prev;

			prev = now;
			if (d > thr) {
				hist_add(&s->hist, d);
				t->cnt[C_INTR]++;
				t->cnt[C_INTR_NS] += d;
			}
		}
		t->ops += 256;
	}
	return NULL;
}

/* Runs one with= workload (arg: its index) for the same time, from a thread of the outer run. */
static void *with_driver(struct wl_thread *t)
{
	struct nohz *s = t->ctx->priv;
	size_t i = (size_t)t->arg;

	if (wl_run(s->with[i], (double)t->ctx->duration_ns / 1e9, NULL))
		__atomic_compare_exchange_n(&s->with_failed, &(int){ 0 }, (int)i + 1, false, __ATOMIC_RELAXED,
					    __ATOMIC_RELAXED);
	return NULL;
}

static int nohz_run(struct wl_ctx *c)
{
	struct nohz *s = c->priv;
	int rc;

	memset(&s->hist, 0, sizeof(s->hist));
	s->with_failed = 0;
	wl_spawn(c, victim, s->victim, NULL);
	for (size_t i = 0; i < s->nr_with; i++)
		wl_spawn(c, with_driver, s->other, (void *)i);
	rc = wl_go(c);
	read_clocksource(s->cs_end, sizeof(s->cs_end));
	if (s->with_failed)
		return wl_fail(c, "with=%s: %s", s->with[s->with_failed - 1]->wl->name,
			       wl_error(s->with[s->with_failed - 1]));
	return rc;
}

static void nohz_report(struct wl_ctx *c, struct json *res)
{
	struct nohz *s = c->priv;
	struct json *w;

	json_set(res, "victim_cpu", json_u64((uint64_t)s->victim));
	json_set(res, "threshold_ns", json_u64(s->threshold));
	json_set(res, "threshold_source", json_string(wl_u64(c, "threshold_ns") ? "param" : "calibrated"));
	json_set(res, "read_ns_p50", json_u64(s->read_p50));
	json_set(res, "read_ns_p99", json_u64(s->read_p99));
	json_set(res, "clocksource_start", json_string(s->cs_start));
	json_set(res, "clocksource_end", json_string(s->cs_end));
	json_set(res, "interruption_ns", hist_to_json(&s->hist, "ns"));
	w = json_set(res, "with", json_array());
	for (size_t i = 0; i < s->nr_with; i++)
		json_push(w, wl_result(s->with[i]));
}

static void nohz_print(struct wl_ctx *c, FILE *f)
{
	struct nohz *s = c->priv;
	double ns = (double)(c->t_end - c->t_start);

	fprintf(f, "  CPU %d interrupted %.3f%% of the time (gaps > %llu ns; one read p50 %llu ns, clocksource %s",
		s->victim, ns > 0 ? 100.0 * (double)c->cnt[C_INTR_NS] / ns : 0.0, (unsigned long long)s->threshold,
		(unsigned long long)s->read_p50, s->cs_start);
	if (strcmp(s->cs_start, s->cs_end))
		fprintf(f, ", changed to %s during the run: reads may have become syscalls", s->cs_end);
	fprintf(f, "); ");
	hist_print(f, &s->hist, "gaps over threshold", "ns");
	for (size_t i = 0; i < s->nr_with; i++) {
		fprintf(f, "  with, on the other CPUs: ");
		wl_print(s->with[i], f);
	}
}

static void nohz_cleanup(struct wl_ctx *c)
{
	struct nohz *s = c->priv;

	for (size_t i = 0; i < s->nr_with; i++)
		wl_close(s->with[i]);
}

static const struct wl_param_desc nohz_params[] = {
	{ "threshold_ns", WL_P_U64, "0", NULL,
	  "a gap between two clock reads longer than this is an interruption (0: twice the 99th percentile "
	  "of one undisturbed read, at least 1000)" },
	{ "victim_cpu", WL_P_STR, "first", NULL, "the victim's CPU: first, last or a CPU number of the set" },
	{ "need_nohz_full", WL_P_U64, "0", NULL, "1: fail the setup (a scenario is skipped) unless the victim's CPU is nohz_full" },
	{ "with", WL_P_STR, "", NULL,
	  "workloads to run on the other CPUs meanwhile, NAME or NAME+NAME (also --with); their params as "
	  "with.KEY=VALUE (every one that has KEY) or with.NAME.KEY=VALUE" },
	{ NULL },
};

static const char *const nohz_counters[] = { "interruptions", "interrupted_ns", NULL };

const struct workload wl_nohz_victim = {
	.name = "nohz-victim",
	.summary = "oslat-style clock-reading loop on one CPU: histogram of interruptions, "
		   "optionally with other workloads on the other CPUs",
	.ops_unit = "clock reads",
	.ops_counter = "samples",
	.threads_help = "1: the victim thread on victim_cpu (the other CPUs are for with=NAME)",
	.params = nohz_params,
	.counters = nohz_counters,
	.priv_size = sizeof(struct nohz),
	.default_threads = nohz_default_threads,
	.setup = nohz_setup,
	.run = nohz_run,
	.report = nohz_report,
	.print = nohz_print,
	.cleanup = nohz_cleanup,
};
