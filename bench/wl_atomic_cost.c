// SPDX-License-Identifier: GPL-2.0
/*
 * wl_atomic_cost.c - atomic-cost: the mm_count pattern in userspace. N threads on
 * N CPUs each do atomic increment / decrement-and-test pairs (mmgrab / mmdrop)
 * on one shared cache line, or each on a private 64-byte line, for N = 1 ..
 * threads. Each N alternates shared and private phases `rounds` times (so a burst
 * of outside load hits both alike), the time split evenly between all phases.
 * Reported: ns of the thread's own CPU time per atomic op (time it was preempted
 * does not count), mean over the N threads, shared vs private, for each N.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "workload.h"

enum { C_SHARED, C_PRIVATE };

struct line {
	long v;
} __attribute__((aligned(64)));

struct slot {
	uint64_t ops, ns;
};

struct atomic_cost {
	int phase __attribute__((aligned(64))); /* 0 before, k+1 during phase k, nr_phases+1 after */
	struct line shared;
	struct line *own;   /* [threads] */
	struct slot *res;   /* [2 * threads cells][threads], summed by each thread at the end of a phase */
	unsigned int nr_phases, rounds;
};

/* phase k: N = k / (2 rounds) + 1 threads, on the shared line when k is even */
static unsigned int phase_threads(const struct atomic_cost *s, unsigned int k)
{
	return k / (2 * s->rounds) + 1;
}

static bool phase_shared(unsigned int k)
{
	return k % 2 == 0;
}

/* cell of (N, shared or private) in res: 2 (N - 1) for shared, + 1 for private */
static unsigned int phase_cell(const struct atomic_cost *s, unsigned int k)
{
	return 2 * (phase_threads(s, k) - 1) + !phase_shared(k);
}

static uint64_t thread_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

#define BURST 64

static inline __attribute__((always_inline)) uint64_t spin(long *x, const int *phase, int ph, int mo,
							  const volatile int *stop)
{
	uint64_t ops = 0;

	/* stop too: a run stopped before the pacer started never advances the phase (t_signals
	 * hung here once: SIGINT during `lazytlb run`'s atomic-cost model); the flag has its own
	 * cache line, read-only while the run goes, so the check costs an L1 hit per burst */
	while (__atomic_load_n(phase, __ATOMIC_RELAXED) == ph && !*stop) {
		for (int j = 0; j < BURST; j++) {
			__atomic_add_fetch(x, 1, mo);                 /* mmgrab: atomic_inc */
			if (__atomic_sub_fetch(x, 1, mo) == 0)        /* mmdrop: atomic_dec_and_test */
				__asm__ __volatile__("" ::: "memory"); /* keeps the test (never true) */
		}
		ops += 2 * BURST;
	}
	return ops;
}

static uint64_t spin_order(long *x, const int *phase, int ph, int order, const volatile int *stop)
{
	switch (order) {
	case 0:
		return spin(x, phase, ph, __ATOMIC_SEQ_CST, stop);
	case 1:
		return spin(x, phase, ph, __ATOMIC_ACQ_REL, stop);
	default:
		return spin(x, phase, ph, __ATOMIC_RELAXED, stop);
	}
}

static void *worker(struct wl_thread *t)
{
	struct atomic_cost *s = t->ctx->priv;
	int order = wl_choice(t->ctx, "order");
	int seen = 0;

	for (;;) {
		int ph = __atomic_load_n(&s->phase, __ATOMIC_ACQUIRE);
		unsigned int k = (unsigned int)ph - 1;
		uint64_t t0, ops;
		struct slot *r;

		if (ph == seen) {
			/* a bounded wait: a stopped run may never see the next phase (see spin) */
			struct timespec tick = { .tv_sec = 0, .tv_nsec = 50000000 };

			if (wl_stopped(t))
				break;
			wl_futex_wait(&s->phase, ph, &tick);
			continue;
		}
		seen = ph;
		if ((unsigned int)ph > s->nr_phases)
			break;
		if (t->idx >= phase_threads(s, k))
			continue;
		t0 = thread_ns();
		ops = spin_order(phase_shared(k) ? &s->shared.v : &s->own[t->idx].v, &s->phase, ph, order, &t->ctx->stop);
		r = &s->res[phase_cell(s, k) * t->ctx->threads + t->idx];
		r->ns += thread_ns() - t0;
		r->ops += ops;
		t->ops += ops;
		t->cnt[phase_shared(k) ? C_SHARED : C_PRIVATE] += ops;
	}
	return NULL;
}

static void set_phase(struct atomic_cost *s, int ph)
{
	__atomic_store_n(&s->phase, ph, __ATOMIC_RELEASE);
	wl_futex_wake(&s->phase, WL_MAX_THREADS);
}

/* Moves the workers through the phases, evenly over the run's duration. */
static void *pacer(struct wl_thread *t)
{
	struct wl_ctx *c = t->ctx;
	struct atomic_cost *s = c->priv;
	unsigned int k;

	for (k = 0; k < s->nr_phases; k++) {
		set_phase(s, (int)k + 1);
		if (!wl_sleep_until(c->t_start + c->duration_ns * (k + 1) / s->nr_phases))
			break;
	}
	set_phase(s, (int)s->nr_phases + 1);
	return NULL;
}

static int atomic_cost_setup(struct wl_ctx *c)
{
	struct atomic_cost *s = c->priv;

	s->rounds = (unsigned int)wl_u64(c, "rounds");
	if (!s->rounds || s->rounds > 1000)
		return wl_usage(c, "rounds must be 1 to 1000");
	s->nr_phases = 2 * c->threads * s->rounds;
	s->own = aligned_alloc(64, sizeof(*s->own) * c->threads);
	s->res = calloc((size_t)2 * c->threads * c->threads, sizeof(*s->res));
	if (!s->own || !s->res)
		return wl_fail(c, "out of memory");
	return 0;
}

static int atomic_cost_run(struct wl_ctx *c)
{
	struct atomic_cost *s = c->priv;

	s->phase = 0;
	s->shared.v = 1; /* a live mm: the count never reaches zero */
	for (unsigned int i = 0; i < c->threads; i++)
		s->own[i].v = 1;
	memset(s->res, 0, (size_t)2 * c->threads * c->threads * sizeof(*s->res));
	for (unsigned int i = 0; i < c->threads; i++)
		wl_spawn(c, worker, wl_cpu(c, i), NULL);
	wl_spawn(c, pacer, wl_cpu(c, 0), NULL);
	return wl_go(c);
}

/* Mean over N threads of each one's ns per op in cell (N, shared or private);
 * < 0 if a thread did none (an interrupted run). */
static double ns_per_op(const struct wl_ctx *c, unsigned int n, bool shared, uint64_t *ops)
{
	const struct atomic_cost *s = c->priv;
	const struct slot *cell = &s->res[(2 * (n - 1) + !shared) * c->threads];
	double sum = 0;

	*ops = 0;
	for (unsigned int i = 0; i < n; i++) {
		if (!cell[i].ops)
			return -1;
		sum += (double)cell[i].ns / (double)cell[i].ops;
		*ops += cell[i].ops;
	}
	return sum / n;
}

static void atomic_cost_report(struct wl_ctx *c, struct json *res)
{
	struct json *arr = json_set(res, "by_threads", json_array());

	for (unsigned int n = 1; n <= c->threads; n++) {
		struct json *o = json_push(arr, json_object());
		uint64_t sh_ops, pr_ops;
		double sh = ns_per_op(c, n, true, &sh_ops), pr = ns_per_op(c, n, false, &pr_ops);

		json_set(o, "threads", json_u64(n));
		json_set(o, "shared_ns_per_op", sh >= 0 ? json_double(sh) : json_null());
		json_set(o, "private_ns_per_op", pr >= 0 ? json_double(pr) : json_null());
		json_set(o, "shared_ops", json_u64(sh_ops));
		json_set(o, "private_ops", json_u64(pr_ops));
	}
}

static void atomic_cost_print(struct wl_ctx *c, FILE *f)
{
	fprintf(f, "  %8s %18s %18s   (ns of thread CPU time per atomic op)\n", "threads", "shared ns/op",
		"private ns/op");
	for (unsigned int n = 1; n <= c->threads; n++) {
		uint64_t ops;
		double sh = ns_per_op(c, n, true, &ops), pr = ns_per_op(c, n, false, &ops);

		fprintf(f, "  %8u %18.2f %18.2f\n", n, sh, pr);
	}
}

static void atomic_cost_cleanup(struct wl_ctx *c)
{
	struct atomic_cost *s = c->priv;

	free(s->own);
	free(s->res);
}

static const struct wl_param_desc atomic_cost_params[] = {
	{ "order", WL_P_ENUM, "seq_cst", "seq_cst|acq_rel|relaxed",
	  "memory order of the __atomic inc/dec (the kernel's atomic_dec_and_test is fully ordered)" },
	{ "rounds", WL_P_U64, "4", NULL, "shared/private alternations for each N" },
	{ NULL },
};

static const char *const atomic_cost_counters[] = { "shared_ops", "private_ops", NULL };

const struct workload wl_atomic_cost = {
	.name = "atomic-cost",
	.summary = "N threads do atomic inc/dec on one shared line vs private lines, N = 1..threads: ns/op",
	.ops_unit = "atomic ops",
	.threads_help = "the largest N; thread i on CPU i of the list round-robin (default: one per CPU)",
	.params = atomic_cost_params,
	.counters = atomic_cost_counters,
	.priv_size = sizeof(struct atomic_cost),
	.setup = atomic_cost_setup,
	.run = atomic_cost_run,
	.report = atomic_cost_report,
	.print = atomic_cost_print,
	.cleanup = atomic_cost_cleanup,
};
