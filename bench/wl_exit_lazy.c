// SPDX-License-Identifier: GPL-2.0
/*
 * wl_exit_lazy.c - exit-lazy: fork a child whose threads, pinned to the other
 * CPUs, nap so that those CPUs idle holding the child's mm lazily; the child
 * then exits (exit_group while its threads sleep), and the last lazy reference
 * to its mm is dropped on those CPUs later - or shot down on shootdown kernels.
 * One child at a time: its SIGCHLD is counted apart from waitpid, as a check.
 * others=spin: a separate process spins in user mode on each of the child's
 * CPUs (the first too: the child's last thread may exit on any of them), so
 * the child runs between its spins and, when it exits, the CPUs run another
 * user mm (not lazy on the child's): what powerpc's exit_flush_lazy_tlbs
 * still IPIs (mm_cpumask is not trimmed at switch).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "workload.h"

enum { C_FORKS, C_FAILURES, C_SIGCHLD };
enum { OTHERS_IDLE, OTHERS_SPIN };

static volatile uint64_t sigchld_seen;

static void on_sigchld(int sig)
{
	(void)sig;
	sigchld_seen++;
}

struct exit_lazy {
	struct sigaction old;
	bool installed;
	struct wl_spinners spinners;
};

struct child {
	struct wl_ctx *c;
	int started; /* futex word: child threads running */
};

static void *child_thread(void *arg)
{
	struct child *ch = arg;
	uint64_t nap = wl_u64(ch->c, "nap_us") * 1000;

	__atomic_add_fetch(&ch->started, 1, __ATOMIC_SEQ_CST);
	wl_futex_wake(&ch->started, 1);
	for (;;)
		wl_sleep_ns(nap); /* until exit_group takes the whole process down */
	return NULL;
}

static __attribute__((noreturn)) void child_main(struct wl_ctx *c)
{
	struct child ch = { .c = c };
	unsigned int n = c->threads - 1;
	int s;

	for (unsigned int i = 1; i <= n; i++) {
		pthread_t tid;

		if (wl_pthread_create_on(&tid, wl_cpu(c, i), child_thread, &ch))
			_exit(2);
	}
	while ((s = __atomic_load_n(&ch.started, __ATOMIC_SEQ_CST)) < (int)n)
		wl_futex_wait(&ch.started, s, NULL);
	wl_sleep_ns(wl_u64(c, "life_us") * 1000);
	_exit(0);
}

static void *forker(struct wl_thread *t)
{
	uint64_t seen0 = sigchld_seen;
	sigset_t chld;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	pthread_sigmask(SIG_UNBLOCK, &chld, NULL); /* this thread takes the SIGCHLDs */
	while (!wl_stopped(t)) {
		pid_t pid = fork();
		int st;

		if (pid == 0)
			child_main(t->ctx);
		if (pid < 0) {
			wl_fail(t->ctx, "fork: %s", strerror(errno));
			break;
		}
		t->cnt[C_FORKS]++;
		while (waitpid(pid, &st, 0) < 0) {
			if (errno != EINTR) {
				wl_fail(t->ctx, "waitpid: %s", strerror(errno));
				goto out;
			}
		}
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			t->cnt[C_FAILURES]++;
		t->ops++;
	}
out:
	pthread_sigmask(SIG_BLOCK, &chld, NULL);
	t->cnt[C_SIGCHLD] = sigchld_seen - seen0;
	return NULL;
}

static int exit_lazy_setup(struct wl_ctx *c)
{
	struct exit_lazy *s = c->priv;
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigchld;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGCHLD, &sa, &s->old))
		return wl_fail(c, "sigaction(SIGCHLD): %s", strerror(errno));
	s->installed = true;
	return wl_choice(c, "others") == OTHERS_SPIN ? wl_spinners_start(c, &s->spinners) : 0;
}

static int exit_lazy_run(struct wl_ctx *c)
{
	wl_spawn(c, forker, wl_cpu(c, 0), NULL);
	return wl_go(c);
}

static void exit_lazy_cleanup(struct wl_ctx *c)
{
	struct exit_lazy *s = c->priv;

	wl_spinners_stop(&s->spinners);
	if (s->installed)
		sigaction(SIGCHLD, &s->old, NULL);
}

static const struct wl_param_desc exit_lazy_params[] = {
	{ "nap_us", WL_P_U64, "1000", NULL, "length of one nap of the child's threads, microseconds" },
	{ "life_us", WL_P_U64, "100", NULL,
	  "how long the child lives once its threads run, microseconds (below nap_us: they exit asleep)" },
	{ "others", WL_P_ENUM, "idle", "idle|spin",
	  "the child's CPUs when it does not run: idle (lazy on its mm), or running a spinning process "
	  "of another mm" },
	{ NULL },
};

static const char *const exit_lazy_counters[] = { "forks", "child_failures", "sigchld", NULL };

const struct workload wl_exit_lazy = {
	.name = "exit-lazy",
	.summary = "fork a multi-threaded child whose threads nap on the other CPUs, and let it exit; repeat",
	.ops_unit = "child exits",
	.ops_counter = "exits",
	.threads_help = "threads of each child: its main thread (first CPU, with the forking thread) plus "
			"threads-1 napping on the next CPUs round-robin (default: one per CPU)",
	.params = exit_lazy_params,
	.counters = exit_lazy_counters,
	.priv_size = sizeof(struct exit_lazy),
	.setup = exit_lazy_setup,
	.run = exit_lazy_run,
	.cleanup = exit_lazy_cleanup,
};
