/* SPDX-License-Identifier: GPL-2.0 */
/*
 * workload.h - the bench workloads: each is a struct of callbacks (in the style
 * of the kernel's tools/testing/selftests/bpf/bench), found by name in one
 * registry, run by one driver that pins its threads, times the run, sums the
 * per-thread u64 counters and builds the result object
 *
 *   { "workload", "cpus", "threads", "duration_ns", "ops", "ops_per_s",
 *     "counters": { name: n, ... }, "params": { key: value, ... }, ...extras }
 *
 * Two users: `lazytlb workload NAME` (wl_open / wl_run / wl_result / wl_close)
 * and `lazytlb run`, which passes wl_hooks to wl_run so that the collector's
 * rep begins once every thread is ready and ends as the measured time ends.
 */
#ifndef LT_WORKLOAD_H
#define LT_WORKLOAD_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "lib/clock.h"
#include "lib/json.h"
#include "wl_params.h"

#define WL_MAX_CPUS 8192
#define WL_MAX_THREADS 1024
#define WL_MAX_COUNTERS 8

/* ---------------- the API for commands ---------------- */

struct wl_ctx;
struct workload;

struct wl_hooks {
	void (*begin)(void *arg); /* all threads spawned and waiting: just before the clock starts */
	void (*end)(void *arg);   /* the measured time is over, threads told to stop, not yet joined */
	void *arg;
};

/* The registry, in --list order. */
extern const struct workload *const workloads[];
extern const size_t nr_workloads;
const struct workload *workload_find(const char *name);
void workload_list(FILE *f);               /* "  name   summary" lines */
void workload_help(FILE *f, const struct workload *w); /* summary, params with defaults, counters */

/*
 * Set up a workload: cpulist NULL or "" means every CPU this process may use,
 * threads 0 the workload's default; params are "key=value" strings (unknown keys,
 * bad values: NULL with a one-line reason in err). "with.KEY=VALUE" params go to
 * the workload named by a `with` param (nohz-victim). On failure errno is EINVAL
 * for bad input (name, CPUs, threads, params) and another value for a failed setup
 * (e.g. ENOTSUP: the kernel lacks what the workload needs).
 */
struct wl_ctx *wl_open(const char *name, const char *cpulist, unsigned int threads,
		       char *const *params, size_t nparams, char *err, size_t errlen);
/* Check name and params without setting anything up (scenario files): 0 or -1 and err. */
int wl_check_params(const char *name, char *const *params, size_t nparams, char *err, size_t errlen);
/*
 * with=A+B (nohz-victim, wl_with_split): the "with.*" params of one of them: "NAME.KEY=VALUE"
 * goes to NAME only, "KEY=VALUE" to every listed workload that has KEY (to the first when
 * none has it, so that its wl_open names the bad key). out[] points into with[]. 0, or -1
 * with err.
 */
int wl_with_params(const char *list, const char *name, char *const *with, size_t nwith, char **out, size_t *nout,
		   char *err, size_t errlen);
/* One measured run of duration_s (ends early on wl_interrupt()). hooks may be NULL.
 * 0, or -1 with the reason in wl_error(). */
int wl_run(struct wl_ctx *c, double duration_s, const struct wl_hooks *hooks);
/* The result object of the last run (see above); the caller owns it. */
struct json *wl_result(struct wl_ctx *c);
/* Human summary of the last run. */
void wl_print(struct wl_ctx *c, FILE *f);
const char *wl_error(const struct wl_ctx *c);
uint64_t wl_ops(const struct wl_ctx *c);
double wl_duration_s(const struct wl_ctx *c); /* measured time of the last run */
void wl_close(struct wl_ctx *c);               /* NULL-safe */

/* Stop the run in progress early; async-signal-safe (a SIGINT handler). */
void wl_interrupt(void);
bool wl_interrupted(void);

/* ---------------- what a workload implements (its params: wl_params.h) ---------------- */

struct workload {
	const char *name, *summary;
	const char *ops_unit;                  /* what one op is, for humans: "round trips" */
	const char *ops_counter;               /* NULL, or ops again under a name in "counters" */
	const char *threads_help;              /* what -t means here */
	const struct wl_param_desc *params;    /* ends with { NULL } */
	const char *const *counters;           /* names of cnt[] slots, ends with NULL */
	size_t priv_size;                      /* c->priv: zeroed, 64-byte aligned, before setup */
	/* Default thread count for n CPUs (NULL: n). */
	unsigned int (*default_threads)(unsigned int nr_cpus);
	/* Validate params, allocate, probe support: 0 or -1 with wl_fail(). */
	int (*setup)(struct wl_ctx *c);
	/* One run: wl_spawn() the threads, then return wl_go(c). */
	int (*run)(struct wl_ctx *c);
	/* Optional: add workload-specific fields to the result / the human summary. */
	void (*report)(struct wl_ctx *c, struct json *res);
	void (*print)(struct wl_ctx *c, FILE *f);
	void (*cleanup)(struct wl_ctx *c);     /* optional; the driver frees priv after it */
};

struct wl_thread {
	uint64_t ops;                  /* written by this thread only */
	uint64_t cnt[WL_MAX_COUNTERS];
	struct wl_ctx *ctx;
	void *(*fn)(struct wl_thread *);
	void *arg;
	uint64_t cpu_ns;               /* this thread's CPU time in the run (CLOCK_THREAD_CPUTIME_ID) */
	unsigned int idx;              /* spawn order */
	int cpu;
	pthread_t tid;
} __attribute__((aligned(64)));


struct wl_ctx {
	/* the stop flag, on its own line: read in every worker's loop */
	volatile int stop __attribute__((aligned(64)));
	int go, ready; /* futex words: start barrier */

	const struct workload *wl __attribute__((aligned(64)));
	int cpu[WL_MAX_CPUS];      /* chosen CPUs in order */
	unsigned int nr_cpus;
	char cpulist[256];
	unsigned int threads;      /* -t after the default */
	struct wl_param_val p[WL_MAX_PARAMS]; /* in the order of wl->params */
	char *with_params[WL_MAX_PARAMS];     /* "KEY=VALUE" from "with.KEY=VALUE" */
	size_t nr_with_params;
	void *priv;                /* the workload's state: free()d after cleanup */

	/* the run in progress / the last run */
	const struct wl_hooks *hooks;
	uint64_t duration_ns, t_start, t_end;
	struct wl_thread *thr;     /* WL_MAX_THREADS slots */
	unsigned int nr_thr;
	bool failed, bad_input;
	uint64_t ops, cnt[WL_MAX_COUNTERS];
	char err[256];
};


/* params of c's workload, by key (the key must be in its table) */
uint64_t wl_u64(const struct wl_ctx *c, const char *key);
int wl_choice(const struct wl_ctx *c, const char *key);
const char *wl_str(const struct wl_ctx *c, const char *key); /* NULL if unset */

/* Record a failure reason (first one wins); returns -1. wl_usage: the same for bad
 * input (params, -t, CPUs), which wl_open reports with errno EINVAL. */
int wl_fail(struct wl_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int wl_usage(struct wl_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* CPU of thread slot i: the chosen CPUs round-robin. */
static inline int wl_cpu(const struct wl_ctx *c, unsigned int i)
{
	return c->cpu[i % c->nr_cpus];
}

/* pthread_create pinned to cpu with SIGINT, SIGTERM and SIGCHLD blocked: 0 or an errno. */
int wl_pthread_create_on(pthread_t *tid, int cpu, void *(*fn)(void *), void *arg);
/* Start a thread pinned to cpu (as above); it runs fn(t) once wl_go releases
 * all threads together. NULL (and the run fails in wl_go) if it could not. */
struct wl_thread *wl_spawn(struct wl_ctx *c, void *(*fn)(struct wl_thread *), int cpu, void *arg);
/* Wait for the spawned threads, start the clock, wait out the duration (or an
 * interrupt), set stop, join, sum the counters. run callbacks end with it. */
int wl_go(struct wl_ctx *c);
/* Sleep until CLOCK_MONOTONIC abs_ns; false if woken by wl_interrupt() (pacing threads). */
bool wl_sleep_until(uint64_t abs_ns);

static inline bool wl_stopped(const struct wl_thread *t)
{
	return __atomic_load_n(&t->ctx->stop, __ATOMIC_RELAXED);
}

/* A companion thread for the other CPUs, per the WL_PARAMS_OTHERS params:
 * naps of nap_us (the CPU idles holding the mm lazily) or a user-mode spin. */
void *wl_companion(struct wl_thread *t);
/* The run of a workload with one acting thread: fn on the first CPU, threads - 1
 * wl_companion threads on the next CPUs round-robin, then wl_go. */
int wl_go_leader(struct wl_ctx *c, void *(*fn)(struct wl_thread *));

/* small shared helpers */
void wl_sleep_ns(uint64_t ns);          /* nanosleep, restarted on EINTR */
void wl_set_timerslack(void);           /* 1 ns: sleeps of N us last N us */
int wl_futex_wait(int *addr, int val, const struct timespec *rel); /* 0 / -errno */
void wl_futex_wake(int *addr, int n);
void *wl_map_aligned(size_t size, size_t align); /* anonymous rw, NULL on failure */

/*
 * Pacing of an acting thread (the "rate" param, WL_PARAM_RATE): at most rate ops per
 * second on an absolute schedule, so a slow op is followed by no wait and the rate does
 * not drift; a thread that falls a whole period behind restarts the schedule from now
 * rather than bursting to catch up. rate 0: no pacing. Why: a generator whose op rate
 * depends on the host (TCG, a loaded machine) makes its victim's load host-dependent.
 * The wait spins in user mode: the acting CPU stays busy as when unpaced (no idle, no
 * lazy mm, no timer wakeups; under TCG a sleeping generator added ~2 gaps of 16-32 us
 * per op to a victim on another vCPU, none of them guest interrupts).
 */
struct wl_pace {
	uint64_t period_ns, next_ns;
};
#define WL_PARAM_RATE                                                                            \
	{ "rate", WL_P_U64, "0", NULL,                                                           \
	  "at most this many ops per second from the acting thread, evenly spaced (0: unpaced)" }
static inline void wl_pace_init(struct wl_pace *p, uint64_t rate)
{
	p->period_ns = rate ? 1000000000ULL / rate : 0;
	p->next_ns = lt_now_ns();
}
static inline void wl_pace_wait(struct wl_pace *p, const struct wl_thread *t)
{
	uint64_t now = lt_now_ns();

	if (!p->period_ns)
		return;
	p->next_ns += p->period_ns;
	if (p->next_ns + p->period_ns < now)
		p->next_ns = now;
	while (now < p->next_ns && !wl_stopped(t))
		now = lt_now_ns();
}

/* Processes of their own mm spinning in user mode, one on each of the first `threads` CPUs
 * (others=spin: a CPU that runs another mm, never lazy on ours), until wl_spinners_stop; they
 * die with the workload too. Start: 0, or -1 with wl_fail (those started stay to be stopped). */
struct wl_spinners {
	pid_t pid[WL_MAX_CPUS];
	unsigned int n;
};
int wl_spinners_start(struct wl_ctx *c, struct wl_spinners *s);
void wl_spinners_stop(struct wl_spinners *s);

/* the workloads */
extern const struct workload wl_ctxsw, wl_idle_lazy, wl_tlbflush, wl_exit_lazy, wl_membarrier,
	wl_collapse, wl_nohz_victim, wl_atomic_cost, wl_kernel_ipis, wl_helper_exec,
	wl_cpu_hotplug, wl_vhost_owner, wl_guest_tlbflush;

#endif
