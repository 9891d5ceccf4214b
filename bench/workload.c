// SPDX-License-Identifier: GPL-2.0
/* workload.c - the workload registry and the driver that runs one (see workload.h);
 * parameters: wl_params.c */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "lib/clock.h"
#include "lib/cli.h"
#include "workload.h"

const struct workload *const workloads[] = {
	&wl_ctxsw, &wl_idle_lazy, &wl_tlbflush, &wl_exit_lazy, &wl_membarrier,
	&wl_collapse, &wl_nohz_victim, &wl_atomic_cost, &wl_kernel_ipis, &wl_helper_exec,
	&wl_cpu_hotplug, &wl_vhost_owner, &wl_guest_tlbflush,
};
const size_t nr_workloads = sizeof(workloads) / sizeof(workloads[0]);

static pid_t spinner_start(int cpu)
{
	pid_t pid = fork();
	cpu_set_t one;

	if (pid)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive the workload */
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one))
		_exit(2);
	for (volatile unsigned long n = 0;; n++)
		;
}

int wl_spinners_start(struct wl_ctx *c, struct wl_spinners *s)
{
	for (unsigned int i = 0; i < c->threads; i++) {
		pid_t pid = spinner_start(wl_cpu(c, i));

		if (pid < 0)
			return wl_fail(c, "fork (spinner): %s", strerror(errno));
		s->pid[s->n++] = pid;
	}
	return 0;
}

void wl_spinners_stop(struct wl_spinners *s)
{
	for (unsigned int i = 0; i < s->n; i++) {
		kill(s->pid[i], SIGKILL);
		waitpid(s->pid[i], NULL, 0);
	}
	s->n = 0;
}

const struct workload *workload_find(const char *name)
{
	for (size_t i = 0; name && i < nr_workloads; i++)
		if (!strcmp(workloads[i]->name, name))
			return workloads[i];
	return NULL;
}

void workload_list(FILE *f)
{
	for (size_t i = 0; i < nr_workloads; i++)
		fprintf(f, "  %-12s %s\n", workloads[i]->name, workloads[i]->summary);
}

void workload_help(FILE *f, const struct workload *w)
{
	fprintf(f, "%s: %s\n\nops: %s\n-t THREADS: %s\n", w->name, w->summary, w->ops_unit, w->threads_help);
	fprintf(f, "\nparams (-p KEY=VALUE):\n");
	for (const struct wl_param_desc *d = w->params; d->key; d++) {
		char kv[64];

		snprintf(kv, sizeof(kv), "%s=%s", d->key, d->def ? d->def : "");
		fprintf(f, "  %-20s %s%s%s%s\n", kv, d->help, d->choices ? " (" : "",
			d->choices ? d->choices : "", d->choices ? ")" : "");
	}
	if (!w->params[0].key)
		fprintf(f, "  (none)\n");
	fprintf(f, "\ncounters: ops%s%s", w->ops_counter ? ", " : "", w->ops_counter ? w->ops_counter : "");
	for (const char *const *n = w->counters; *n; n++)
		fprintf(f, ", %s", *n);
	fputc('\n', f);
}

static int vfail(struct wl_ctx *c, const char *fmt, va_list ap)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER; /* workers may fail at once */

	pthread_mutex_lock(&lock);
	if (!c->err[0])
		vsnprintf(c->err, sizeof(c->err), fmt, ap);
	c->failed = true;
	pthread_mutex_unlock(&lock);
	return -1;
}

int wl_fail(struct wl_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(c, fmt, ap);
	va_end(ap);
	return -1;
}

int wl_usage(struct wl_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(c, fmt, ap);
	va_end(ap);
	c->bad_input = true;
	return -1;
}

const char *wl_error(const struct wl_ctx *c)
{
	return c->err;
}

uint64_t wl_ops(const struct wl_ctx *c)
{
	return c->ops;
}

double wl_duration_s(const struct wl_ctx *c)
{
	return (double)(c->t_end - c->t_start) / 1e9;
}

/* ---------------- open / close ---------------- */

static int choose_cpus(struct wl_ctx *c, const char *cpulist, char *err, size_t errlen)
{
	uint64_t want[WL_MAX_CPUS / 64];
	cpu_set_t allowed;

	CPU_ZERO(&allowed);
	if (sched_getaffinity(0, sizeof(allowed), &allowed)) {
		snprintf(err, errlen, "sched_getaffinity: %s", strerror(errno));
		return -1;
	}
	if (cpulist && *cpulist) {
		if (!lt_parse_cpulist(cpulist, want, WL_MAX_CPUS)) {
			snprintf(err, errlen, "bad CPU list '%s' (expected e.g. 0-3,6)", cpulist);
			return -1;
		}
	} else {
		memset(want, 0, sizeof(want));
		for (int i = 0; i < WL_MAX_CPUS && i < CPU_SETSIZE; i++)
			if (CPU_ISSET(i, &allowed))
				want[i / 64] |= 1ULL << (i % 64);
	}
	c->nr_cpus = 0;
	for (int i = 0; i < WL_MAX_CPUS; i++) {
		if (!(want[i / 64] & (1ULL << (i % 64))))
			continue;
		if (i >= CPU_SETSIZE || !CPU_ISSET(i, &allowed)) {
			snprintf(err, errlen, "CPU %d is not online or not allowed for this process", i);
			return -1;
		}
		c->cpu[c->nr_cpus++] = i;
	}
	if (!c->nr_cpus) {
		snprintf(err, errlen, "empty CPU list");
		return -1;
	}
	lt_format_cpulist(want, WL_MAX_CPUS, c->cpulist, sizeof(c->cpulist));
	return 0;
}

struct wl_ctx *wl_open(const char *name, const char *cpulist, unsigned int threads,
		       char *const *params, size_t nparams, char *err, size_t errlen)
{
	const struct workload *w = workload_find(name);
	struct wl_ctx *c;
	int e = EINVAL;

	if (!w) {
		snprintf(err, errlen, "unknown workload '%s' (lazytlb workload --list)", name);
		errno = EINVAL;
		return NULL;
	}
	c = aligned_alloc(64, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	memset(c, 0, sizeof(*c));
	c->wl = w;
	if (choose_cpus(c, cpulist, err, errlen) ||
	    wl_params_parse(w->name, w->params, c->p, c->with_params, &c->nr_with_params, params, nparams, err, errlen))
		goto fail;
	c->threads = threads ? threads : w->default_threads ? w->default_threads(c->nr_cpus) : c->nr_cpus;
	if (c->threads > WL_MAX_THREADS / 2) {
		snprintf(err, errlen, "too many threads: %u (at most %d)", c->threads, WL_MAX_THREADS / 2);
		goto fail;
	}
	e = ENOMEM;
	c->thr = aligned_alloc(64, sizeof(*c->thr) * WL_MAX_THREADS);
	if (!c->thr) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (w->priv_size) {
		c->priv = aligned_alloc(64, (w->priv_size + 63) & ~(size_t)63);
		if (!c->priv) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		memset(c->priv, 0, w->priv_size);
	}
	if (w->setup && w->setup(c)) {
		snprintf(err, errlen, "%s: %s", w->name, c->err[0] ? c->err : "setup failed");
		e = c->bad_input ? EINVAL : ENOTSUP;
		if (w->cleanup)
			w->cleanup(c);
		goto fail;
	}
	return c;
fail:
	wl_params_free(c->p, c->with_params, c->nr_with_params);
	free(c->priv);
	free(c->thr);
	free(c);
	errno = e;
	return NULL;
}

void wl_close(struct wl_ctx *c)
{
	if (!c)
		return;
	if (c->wl->cleanup)
		c->wl->cleanup(c);
	free(c->priv);
	wl_params_free(c->p, c->with_params, c->nr_with_params);
	free(c->thr);
	free(c);
}

/* ---------------- time, futexes, interrupts ---------------- */

void wl_sleep_ns(uint64_t ns)
{
	struct timespec ts = { .tv_sec = (time_t)(ns / 1000000000ULL), .tv_nsec = (long)(ns % 1000000000ULL) };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

void wl_set_timerslack(void)
{
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
}

int wl_futex_wait(int *addr, int val, const struct timespec *rel)
{
	if (syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, val, rel, NULL, 0))
		return -errno;
	return 0;
}

void wl_futex_wake(int *addr, int n)
{
	syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, n, NULL, NULL, 0);
}

static int intr_word;

void wl_interrupt(void)
{
	int saved = errno;

	__atomic_store_n(&intr_word, 1, __ATOMIC_SEQ_CST);
	wl_futex_wake(&intr_word, INT_MAX);
	errno = saved;
}

bool wl_interrupted(void)
{
	return __atomic_load_n(&intr_word, __ATOMIC_SEQ_CST);
}

bool wl_sleep_until(uint64_t abs_ns)
{
	struct timespec ts = { .tv_sec = (time_t)(abs_ns / 1000000000ULL),
			       .tv_nsec = (long)(abs_ns % 1000000000ULL) };

	while (!wl_interrupted()) {
		if (lt_now_ns() >= abs_ns)
			return true;
		/* absolute CLOCK_MONOTONIC timeout; wl_interrupt() wakes it */
		syscall(SYS_futex, &intr_word, FUTEX_WAIT_BITSET_PRIVATE, 0, &ts, NULL, FUTEX_BITSET_MATCH_ANY);
	}
	return false;
}

void *wl_map_aligned(size_t size, size_t align)
{
	size_t len = size + align;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *a;

	if (p == MAP_FAILED)
		return NULL;
	a = (char *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
	if (a > p)
		munmap(p, (size_t)(a - p));
	if (a + size < p + len)
		munmap(a + size, (size_t)(p + len - (a + size)));
	return a;
}

/* ---------------- threads and the run ---------------- */

static void *trampoline(void *arg)
{
	struct wl_thread *t = arg;
	struct wl_ctx *c = t->ctx;

	wl_set_timerslack();
	__atomic_add_fetch(&c->ready, 1, __ATOMIC_SEQ_CST);
	wl_futex_wake(&c->ready, INT_MAX);
	while (!__atomic_load_n(&c->go, __ATOMIC_ACQUIRE))
		wl_futex_wait(&c->go, 0, NULL);
	struct timespec a, b;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
	if (!c->stop)
		t->fn(t);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
	t->cpu_ns = (uint64_t)(b.tv_sec - a.tv_sec) * 1000000000ULL + (uint64_t)b.tv_nsec - (uint64_t)a.tv_nsec;
	return NULL;
}

int wl_pthread_create_on(pthread_t *tid, int cpu, void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	sigset_t block, old;
	cpu_set_t set;
	int rc;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_attr_init(&attr);
	pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	pthread_attr_setstacksize(&attr, 256 << 10);
	/* SIGINT/SIGTERM go to the thread waiting out the run, SIGCHLD to the one that forked */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGCHLD);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	rc = pthread_create(tid, &attr, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	return rc;
}

struct wl_thread *wl_spawn(struct wl_ctx *c, void *(*fn)(struct wl_thread *), int cpu, void *arg)
{
	struct wl_thread *t;
	int rc;

	if (c->failed)
		return NULL;
	if (c->nr_thr >= WL_MAX_THREADS) {
		wl_fail(c, "too many threads");
		return NULL;
	}
	t = &c->thr[c->nr_thr];
	memset(t, 0, sizeof(*t));
	t->ctx = c;
	t->fn = fn;
	t->arg = arg;
	t->cpu = cpu;
	t->idx = c->nr_thr;
	rc = wl_pthread_create_on(&t->tid, cpu, trampoline, t);
	if (rc) {
		wl_fail(c, "pthread_create on CPU %d: %s", cpu, strerror(rc));
		return NULL;
	}
	c->nr_thr++;
	return t;
}

int wl_go_leader(struct wl_ctx *c, void *(*fn)(struct wl_thread *))
{
	wl_spawn(c, fn, wl_cpu(c, 0), NULL);
	for (unsigned int i = 1; i < c->threads; i++)
		wl_spawn(c, wl_companion, wl_cpu(c, i), NULL);
	return wl_go(c);
}

void *wl_companion(struct wl_thread *t)
{
	uint64_t nap = wl_u64(t->ctx, "nap_us") * 1000;

	if (wl_choice(t->ctx, "others") == 1) {
		while (!wl_stopped(t))
			__asm__ __volatile__("" ::: "memory");
	} else {
		while (!wl_stopped(t))
			wl_sleep_ns(nap);
	}
	return NULL;
}

static void wl_start(struct wl_ctx *c)
{
	if (c->hooks && c->hooks->begin && !c->failed)
		c->hooks->begin(c->hooks->arg);
	c->t_start = lt_now_ns();
	if (c->failed)
		c->stop = 1;
	__atomic_store_n(&c->go, 1, __ATOMIC_RELEASE);
	wl_futex_wake(&c->go, INT_MAX);
}

int wl_go(struct wl_ctx *c)
{
	int r;

	while (!c->failed && (r = __atomic_load_n(&c->ready, __ATOMIC_SEQ_CST)) < (int)c->nr_thr)
		wl_futex_wait(&c->ready, r, NULL);
	wl_start(c);
	if (!c->failed)
		wl_sleep_until(c->t_start + c->duration_ns);
	c->t_end = lt_now_ns();
	/* stop before the end hook: what the workload counts from here on is at most the call
	 * each thread has in flight, whereas an end hook before the stop (the collector reading
	 * its maps, building the rep) left the threads counting operations it no longer saw */
	__atomic_store_n(&c->stop, 1, __ATOMIC_SEQ_CST);
	if (c->hooks && c->hooks->end && !c->failed)
		c->hooks->end(c->hooks->arg);
	for (unsigned int i = 0; i < c->nr_thr; i++)
		pthread_join(c->thr[i].tid, NULL);
	return c->failed ? -1 : 0;
}

int wl_run(struct wl_ctx *c, double duration_s, const struct wl_hooks *hooks)
{
	int rc;

	c->stop = 0;
	c->go = c->ready = 0;
	c->nr_thr = 0;
	c->failed = false;
	c->err[0] = '\0';
	c->ops = 0;
	memset(c->cnt, 0, sizeof(c->cnt));
	c->t_start = c->t_end = 0;
	c->hooks = hooks;
	c->duration_ns = duration_s > 0 ? (uint64_t)(duration_s * 1e9) : 0;
	rc = c->wl->run(c);
	for (unsigned int i = 0; i < c->nr_thr; i++) {
		c->ops += c->thr[i].ops;
		for (int k = 0; k < WL_MAX_COUNTERS; k++)
			c->cnt[k] += c->thr[i].cnt[k];
	}
	if (!c->err[0] && (rc || c->failed))
		wl_fail(c, "run failed");
	return rc || c->failed ? -1 : 0;
}

/* ---------------- results ---------------- */

struct json *wl_result(struct wl_ctx *c)
{
	struct json *r = json_object(), *cnt, *par;
	uint64_t ns = c->t_end - c->t_start;

	json_set(r, "workload", json_string(c->wl->name));
	json_set(r, "cpus", json_string(c->cpulist));
	json_set(r, "threads", json_u64(c->threads));
	json_set(r, "duration_ns", json_u64(ns));
	json_set(r, "ops", json_u64(c->ops));
	json_set(r, "ops_per_s", json_double(ns ? (double)c->ops * 1e9 / (double)ns : 0));
	cnt = json_set(r, "counters", json_object());
	if (c->wl->ops_counter)
		json_set(cnt, c->wl->ops_counter, json_u64(c->ops));
	for (int k = 0; k < WL_MAX_COUNTERS && c->wl->counters[k]; k++)
		json_set(cnt, c->wl->counters[k], json_u64(c->cnt[k]));
	par = json_set(r, "params", json_object());
	for (size_t i = 0; i < WL_MAX_PARAMS && c->p[i].d; i++) {
		const struct wl_param_val *pv = &c->p[i];

		if (!pv->val)
			json_set(par, pv->d->key, json_null());
		else if (pv->d->type == WL_P_U64 || pv->d->type == WL_P_SIZE)
			json_set(par, pv->d->key, json_u64(pv->u));
		else
			json_set(par, pv->d->key, json_string(pv->val));
	}
	json_set(r, "interrupted", json_bool(wl_interrupted()));
	/* how much CPU the companion threads (others=busy|sleep) got: a spinning peer that another
	 * task kept off its CPU was not running the mm, so an IPI or flush for the mm skipped it.
	 * Tests bound their expectations by it on a loaded machine. null without companions. */
	uint64_t comp_ns = 0;
	unsigned int ncomp = 0;

	for (unsigned int i = 0; i < c->nr_thr; i++)
		if (c->thr[i].fn == wl_companion)
			comp_ns += c->thr[i].cpu_ns, ncomp++;
	json_set(r, "others_cpu_share", ncomp && ns ? json_double((double)comp_ns / (double)ncomp / (double)ns)
						    : json_null());
	if (c->wl->report)
		c->wl->report(c, r);
	return r;
}

void wl_print(struct wl_ctx *c, FILE *f)
{
	double s = wl_duration_s(c);

	fprintf(f, "%s: %llu %s in %.3f s = %.1f/s, %u thread%s on CPU%s %s%s\n", c->wl->name,
		(unsigned long long)c->ops, c->wl->ops_unit, s, s > 0 ? (double)c->ops / s : 0.0, c->threads,
		c->threads == 1 ? "" : "s", c->nr_cpus == 1 ? "" : "s", c->cpulist,
		wl_interrupted() ? " (interrupted)" : "");
	if (c->wl->counters[0]) {
		fprintf(f, "  counters:");
		for (int k = 0; k < WL_MAX_COUNTERS && c->wl->counters[k]; k++)
			fprintf(f, " %s=%llu", c->wl->counters[k], (unsigned long long)c->cnt[k]);
		fputc('\n', f);
	}
	if (c->p[0].d) {
		fprintf(f, "  params:");
		for (size_t i = 0; i < WL_MAX_PARAMS && c->p[i].d; i++)
			fprintf(f, " %s=%s", c->p[i].d->key, c->p[i].val ? c->p[i].val : "");
		fputc('\n', f);
	}
	if (c->wl->print)
		c->wl->print(c, f);
}

/* params of c's workload, by key: a key not in its table is a bug in the workload */
static const struct wl_param_val *param(const struct wl_ctx *c, const char *key)
{
	for (size_t i = 0; i < WL_MAX_PARAMS && c->p[i].d; i++)
		if (!strcmp(c->p[i].d->key, key))
			return &c->p[i];
	fprintf(stderr, "workload %s: no param table entry '%s'\n", c->wl->name, key);
	abort();
}

uint64_t wl_u64(const struct wl_ctx *c, const char *key)
{
	return param(c, key)->u;
}

int wl_choice(const struct wl_ctx *c, const char *key)
{
	return param(c, key)->choice;
}

const char *wl_str(const struct wl_ctx *c, const char *key)
{
	return param(c, key)->val;
}
