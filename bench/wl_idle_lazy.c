// SPDX-License-Identifier: GPL-2.0
/*
 * wl_idle_lazy.c - idle-lazy: threads of one mm, one per chosen CPU, sleep and
 * wake in a loop. With nothing else runnable there, each cycle takes the CPU
 * user -> idle -> user: the idle task borrows the mm lazily (one lazy grab and
 * one lazy drop on refcount kernels) and gives it back at the wakeup.
 */
#include <errno.h>
#include <time.h>
#include "workload.h"

enum { C_EARLY };

static void *sleeper(struct wl_thread *t)
{
	uint64_t ns = wl_u64(t->ctx, "sleep_us") * 1000;
	bool futex = wl_choice(t->ctx, "method") == 1;
	struct timespec rel = { .tv_sec = (time_t)(ns / 1000000000ULL), .tv_nsec = (long)(ns % 1000000000ULL) };
	int word = 0; /* never woken: the wait ends by its timeout */

	while (!wl_stopped(t)) {
		if (futex) {
			int rc = wl_futex_wait(&word, 0, &rel);

			if (rc != -ETIMEDOUT)
				t->cnt[C_EARLY]++; /* EINTR: counted, still a cycle */
		} else {
			wl_sleep_ns(ns);
		}
		t->ops++;
	}
	return NULL;
}

static int idle_lazy_setup(struct wl_ctx *c)
{
	if (!wl_u64(c, "sleep_us"))
		return wl_usage(c, "sleep_us must be > 0");
	return 0;
}

static int idle_lazy_run(struct wl_ctx *c)
{
	for (unsigned int i = 0; i < c->threads; i++)
		wl_spawn(c, sleeper, wl_cpu(c, i), NULL);
	return wl_go(c);
}

static void idle_lazy_report(struct wl_ctx *c, struct json *res)
{
	double s = wl_duration_s(c);

	/* the cycle length actually seen per thread, to compare with sleep_us */
	json_set(res, "cycle_us",
		 c->ops ? json_double(s * 1e6 * (double)c->threads / (double)c->ops) : json_null());
}

static const struct wl_param_desc idle_lazy_params[] = {
	{ "sleep_us", WL_P_U64, "1000", NULL, "length of one sleep, microseconds (timer slack is set to 1 ns)" },
	{ "method", WL_P_ENUM, "nanosleep", "nanosleep|futex", "how a thread sleeps: nanosleep, or a futex wait that times out" },
	{ NULL },
};

static const char *const idle_lazy_counters[] = { "early_wakeups", NULL };

const struct workload wl_idle_lazy = {
	.name = "idle-lazy",
	.summary = "threads of one mm sleep and wake on their CPUs, so each CPU idles holding the mm lazily",
	.ops_unit = "sleep/wake cycles",
	.ops_counter = "sleep_wake_cycles",
	.threads_help = "sleeping threads, thread i on CPU i of the list round-robin (default: one per CPU)",
	.params = idle_lazy_params,
	.counters = idle_lazy_counters,
	.setup = idle_lazy_setup,
	.run = idle_lazy_run,
	.report = idle_lazy_report,
};
