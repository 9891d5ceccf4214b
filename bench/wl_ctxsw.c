// SPDX-License-Identifier: GPL-2.0
/*
 * wl_ctxsw.c - ctxsw: pairs of threads of one process ping-pong a byte through
 * two pipes (will-it-scale context_switch1 style). With placement=cross the two
 * threads of a pair sit on different CPUs, so every round trip takes each CPU
 * user -> idle (holding the mm lazily) -> user: Piggin's worst case for the
 * shared mm_count is -t nproc (nproc/2 pairs).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include "hwcount.h"
#include "workload.h"

enum { C_VCSW, C_CYCLES, C_CYCLES_THREADS };

struct pair {
	int ab[2], ba[2]; /* ping -> pong, pong -> ping */
};

struct ctxsw {
	struct pair *pairs;
	unsigned int nr_pairs;
	char hw[160]; /* "available" or "unavailable: <reason>" */
};

static unsigned int ctxsw_default_threads(unsigned int nr_cpus)
{
	return nr_cpus < 2 ? 2 : nr_cpus & ~1U;
}

static int ctxsw_setup(struct wl_ctx *c)
{
	struct ctxsw *s = c->priv;
	int fd;

	if (c->threads < 2 || c->threads % 2)
		return wl_usage(c, "-t must be even (two threads per pair), got %u", c->threads);
	s->nr_pairs = c->threads / 2;
	s->pairs = calloc(s->nr_pairs, sizeof(*s->pairs));
	if (!s->pairs)
		return wl_fail(c, "out of memory");
	fd = hwc_open_cycles(s->hw, sizeof(s->hw));
	if (fd >= 0) {
		hwc_read_close(fd);
		snprintf(s->hw, sizeof(s->hw), "available");
	}
	return 0;
}

/* Per-thread accounting around a thread's loop: voluntary switches, and cycles if counted. */
struct acct {
	long nvcsw;
	int hw;
};

static void acct_begin(struct acct *a)
{
	struct rusage ru;
	char why[160];

	getrusage(RUSAGE_THREAD, &ru);
	a->nvcsw = ru.ru_nvcsw;
	a->hw = hwc_open_cycles(why, sizeof(why));
}

static void acct_end(struct acct *a, struct wl_thread *t)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	t->cnt[C_VCSW] += (uint64_t)(ru.ru_nvcsw - a->nvcsw);
	if (a->hw >= 0) {
		t->cnt[C_CYCLES] += hwc_read_close(a->hw);
		t->cnt[C_CYCLES_THREADS]++;
	}
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void *ping(struct wl_thread *t)
{
	struct pair *p = t->arg;
	struct acct a;
	char b = 0;

	acct_begin(&a);
	while (!wl_stopped(t)) {
		if (write(p->ab[1], &b, 1) != 1 || read(p->ba[0], &b, 1) != 1)
			break;
		t->ops++;
	}
	acct_end(&a, t);
	close_fd(&p->ab[1]); /* pong reads EOF and ends */
	return NULL;
}

static void *pong(struct wl_thread *t)
{
	struct pair *p = t->arg;
	struct acct a;
	char b;

	acct_begin(&a);
	while (read(p->ab[0], &b, 1) == 1)
		if (write(p->ba[1], &b, 1) != 1)
			break;
	acct_end(&a, t);
	close_fd(&p->ba[1]); /* a ping still waiting reads EOF */
	return NULL;
}

static int ctxsw_run(struct wl_ctx *c)
{
	struct ctxsw *s = c->priv;
	bool cross = wl_choice(c, "placement") == 0;
	unsigned int i;
	int rc;

	for (i = 0; i < s->nr_pairs; i++) {
		struct pair *p = &s->pairs[i];

		p->ab[0] = p->ab[1] = p->ba[0] = p->ba[1] = -1;
		if (!c->failed && (pipe(p->ab) || pipe(p->ba)))
			wl_fail(c, "pipe: %s", strerror(errno));
		/* nothing runs if a spawn failed: wl_go stops the run before it starts */
		wl_spawn(c, pong, wl_cpu(c, cross ? 2 * i + 1 : i), p);
		wl_spawn(c, ping, wl_cpu(c, cross ? 2 * i : i), p);
	}
	rc = wl_go(c);
	for (i = 0; i < s->nr_pairs; i++) {
		struct pair *p = &s->pairs[i];

		close_fd(&p->ab[0]);
		close_fd(&p->ab[1]);
		close_fd(&p->ba[0]);
		close_fd(&p->ba[1]);
	}
	return rc;
}

static void ctxsw_report(struct wl_ctx *c, struct json *res)
{
	struct ctxsw *s = c->priv;
	bool all = c->cnt[C_CYCLES_THREADS] == c->nr_thr && c->cnt[C_VCSW];

	json_set(res, "hw_counters", json_string(s->hw));
	json_set(res, "cycles_per_switch",
		 all ? json_double((double)c->cnt[C_CYCLES] / (double)c->cnt[C_VCSW]) : json_null());
	json_set(res, "cycles_per_round_trip",
		 all && c->ops ? json_double((double)c->cnt[C_CYCLES] / (double)c->ops) : json_null());
	json_set(res, "switches_per_round_trip",
		 c->ops ? json_double((double)c->cnt[C_VCSW] / (double)c->ops) : json_null());
}

static void ctxsw_print(struct wl_ctx *c, FILE *f)
{
	struct ctxsw *s = c->priv;

	fprintf(f, "  voluntary switches per round trip: %.2f\n",
		c->ops ? (double)c->cnt[C_VCSW] / (double)c->ops : 0.0);
	if (c->cnt[C_CYCLES_THREADS] == c->nr_thr && c->cnt[C_VCSW])
		fprintf(f, "  cycles per switch (thread-side): %.0f\n",
			(double)c->cnt[C_CYCLES] / (double)c->cnt[C_VCSW]);
	else
		fprintf(f, "  hw counters: %s\n", s->hw);
}

static void ctxsw_cleanup(struct wl_ctx *c)
{
	struct ctxsw *s = c->priv;

	free(s->pairs);
}

static const struct wl_param_desc ctxsw_params[] = {
	{ "placement", WL_P_ENUM, "cross", "cross|same",
	  "cross: a pair's threads on different CPUs (each switch goes through idle); "
	  "same: both on one CPU (thread-to-thread switches)" },
	{ NULL },
};

static const char *const ctxsw_counters[] = { "voluntary_switches", "cycles", "cycles_threads", NULL };

const struct workload wl_ctxsw = {
	.name = "ctxsw",
	.summary = "threads of one process ping-pong a byte through pipes (context_switch1 style)",
	.ops_unit = "round trips",
	.ops_counter = "round_trips",
	.threads_help = "threads in all, two per pair (even; default: the CPUs, rounded down to even, at least 2); "
			"pair i's threads go on CPUs 2i and 2i+1 of the list (cross) or CPU i (same)",
	.params = ctxsw_params,
	.counters = ctxsw_counters,
	.priv_size = sizeof(struct ctxsw),
	.default_threads = ctxsw_default_threads,
	.setup = ctxsw_setup,
	.run = ctxsw_run,
	.report = ctxsw_report,
	.print = ctxsw_print,
	.cleanup = ctxsw_cleanup,
};
