// SPDX-License-Identifier: GPL-2.0
/*
 * wl_nohz_victim.c - nohz-victim: an oslat-style user-mode loop on the first CPU
 * that reads CLOCK_MONOTONIC back to back and records every gap longer than
 * threshold_ns (an interruption: IRQ, IPI, preemption) into a histogram. With
 * with=NAME that workload runs on the other CPUs meanwhile ("with.KEY=VALUE"
 * params go to it): what do its IPIs cost a CPU that should be left alone?
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "hist.h"
#include "workload.h"

enum { C_INTR, C_INTR_NS };

struct nohz {
	struct lt_hist hist; /* the victim's, reset each run */
	struct wl_ctx *with; /* the workload on the other CPUs, or NULL */
	bool with_failed;
};

static unsigned int nohz_default_threads(unsigned int nr_cpus)
{
	return 1;
}

static int nohz_setup(struct wl_ctx *c)
{
	const char *with = wl_str(c, "with");
	struct nohz *s = c->priv;
	char cpus[256], err[256];
	uint64_t mask[WL_MAX_CPUS / 64] = { 0 };

	if (c->threads != 1)
		return wl_usage(c, "-t: one victim thread only (the other CPUs go to with=NAME)");
	if (!wl_u64(c, "threshold_ns"))
		return wl_usage(c, "threshold_ns must be > 0");
	if (!with || !*with) {
		if (c->nr_with_params)
			return wl_usage(c, "with.* params given without with=NAME");
		return 0;
	}
	if (!strcmp(with, c->wl->name))
		return wl_usage(c, "with=%s: not itself", with);
	if (c->nr_cpus < 2)
		return wl_usage(c, "with=%s needs at least 2 CPUs (the first is the victim's)", with);
	for (unsigned int i = 1; i < c->nr_cpus; i++)
		mask[c->cpu[i] / 64] |= 1ULL << (c->cpu[i] % 64);
	lt_format_cpulist(mask, WL_MAX_CPUS, cpus, sizeof(cpus));
	s->with = wl_open(with, cpus, 0, c->with_params, c->nr_with_params, err, sizeof(err));
	if (!s->with)
		return errno == EINVAL ? wl_usage(c, "with: %s", err) : wl_fail(c, "with: %s", err);
	return 0;
}

static void *victim(struct wl_thread *t)
{
	struct nohz *s = t->ctx->priv;
	uint64_t thr = wl_u64(t->ctx, "threshold_ns");
	uint64_t prev = wl_now_ns();

	while (!wl_stopped(t)) {
		for (int i = 0; i < 256; i++) {
			uint64_t now = wl_now_ns(), d = now - prev;

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

/* Runs the with= workload for the same time, from a thread of the outer run. */
static void *with_driver(struct wl_thread *t)
{
	struct nohz *s = t->ctx->priv;

	if (wl_run(s->with, (double)t->ctx->duration_ns / 1e9, NULL))
		s->with_failed = true;
	return NULL;
}

static int nohz_run(struct wl_ctx *c)
{
	struct nohz *s = c->priv;
	int rc;

	memset(&s->hist, 0, sizeof(s->hist));
	s->with_failed = false;
	wl_spawn(c, victim, wl_cpu(c, 0), NULL);
	if (s->with)
		wl_spawn(c, with_driver, wl_cpu(c, 1), NULL);
	rc = wl_go(c);
	if (s->with_failed)
		return wl_fail(c, "with=%s: %s", s->with->wl->name, wl_error(s->with));
	return rc;
}

static void nohz_report(struct wl_ctx *c, struct json *res)
{
	struct nohz *s = c->priv;

	json_set(res, "victim_cpu", json_u64((uint64_t)c->cpu[0]));
	json_set(res, "threshold_ns", json_u64(wl_u64(c, "threshold_ns")));
	json_set(res, "interruption_ns", hist_to_json(&s->hist, "ns"));
	json_set(res, "with", s->with ? wl_result(s->with) : json_null());
}

static void nohz_print(struct wl_ctx *c, FILE *f)
{
	struct nohz *s = c->priv;
	double ns = (double)(c->t_end - c->t_start);

	fprintf(f, "  CPU %d interrupted %.3f%% of the time; ", c->cpu[0],
		ns > 0 ? 100.0 * (double)c->cnt[C_INTR_NS] / ns : 0.0);
	hist_print(f, &s->hist, "gaps over threshold", "ns");
	if (s->with) {
		fprintf(f, "  with, on the other CPUs: ");
		wl_print(s->with, f);
	}
}

static void nohz_cleanup(struct wl_ctx *c)
{
	struct nohz *s = c->priv;

	wl_close(s->with);
}

static const struct wl_param_desc nohz_params[] = {
	{ "threshold_ns", WL_P_U64, "1000", NULL, "a gap between two clock reads longer than this is an interruption" },
	{ "with", WL_P_STR, "", NULL,
	  "a workload to run on the other CPUs meanwhile (also --with NAME); give it params as with.KEY=VALUE" },
	{ NULL },
};

static const char *const nohz_counters[] = { "interruptions", "interrupted_ns", NULL };

const struct workload wl_nohz_victim = {
	.name = "nohz-victim",
	.summary = "oslat-style clock-reading loop on the first CPU: histogram of interruptions, "
		   "optionally with another workload on the other CPUs",
	.ops_unit = "clock reads",
	.ops_counter = "samples",
	.threads_help = "1: the victim thread on the first CPU (the other CPUs are for with=NAME)",
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
