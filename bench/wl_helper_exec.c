// SPDX-License-Identifier: GPL-2.0
/*
 * wl_helper_exec.c - helper-exec: a child crashes and dumps core, again and again, while
 * /proc/sys/kernel/core_pattern pipes core dumps to a helper: the kernel runs the helper as a
 * user-mode helper, a task without an mm whose exec drops the lazy mm it ran on (fs/exec.c
 * exec_mmap, 5.10-7.2; lazytlb's lazy.exec_drops). One dump per op, so the execs are known.
 * It changes no system setting: it refuses to run unless core_pattern already pipes to the
 * `helper` param's program (a machine's real crash handler, systemd-coredump say, would
 * otherwise receive every dump).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "workload.h"

enum { C_FORKS, C_DUMPED };

static int helper_exec_setup(struct wl_ctx *c)
{
	const char *helper = wl_str(c, "helper");
	char pat[256] = "";
	FILE *f = fopen("/proc/sys/kernel/core_pattern", "r");
	size_t n;

	if (!f || !fgets(pat, sizeof(pat), f)) {
		if (f)
			fclose(f);
		return wl_fail(c, "cannot read /proc/sys/kernel/core_pattern: %s", strerror(errno));
	}
	fclose(f);
	n = helper ? strlen(helper) : 0;
	if (!n || pat[0] != '|' || strncmp(pat + 1, helper, n) || (pat[1 + n] != ' ' && pat[1 + n] != '\n' &&
								      pat[1 + n] != '\0'))
		return wl_fail(c, "core_pattern is not a pipe to %s (it is '%.*s'): each op dumps core, so "
			       "this runs only where core dumps already go to that helper (echo '|%s ...' > "
			       "/proc/sys/kernel/core_pattern)", helper ? helper : "?", (int)strcspn(pat, "\n"), pat,
			       helper ? helper : "HELPER");
	return 0;
}

static void *crasher(struct wl_thread *t)
{
	while (!wl_stopped(t)) {
		pid_t pid = fork();
		int st;

		if (pid == 0) {
			prctl(PR_SET_DUMPABLE, 1);
			signal(SIGSEGV, SIG_DFL);
			raise(SIGSEGV);
			_exit(3); /* not reached */
		}
		if (pid < 0) {
			wl_fail(t->ctx, "fork: %s", strerror(errno));
			break;
		}
		t->cnt[C_FORKS]++;
		while (waitpid(pid, &st, 0) < 0)
			if (errno != EINTR) {
				wl_fail(t->ctx, "waitpid: %s", strerror(errno));
				return NULL;
			}
		if (WIFSIGNALED(st) && WCOREDUMP(st)) {
			t->cnt[C_DUMPED]++;
			t->ops++;
		}
	}
	return NULL;
}

static int helper_exec_run(struct wl_ctx *c)
{
	wl_spawn(c, crasher, wl_cpu(c, 0), NULL);
	return wl_go(c);
}

static const struct wl_param_desc helper_exec_params[] = {
	{ "helper", WL_P_STR, "/bin/busybox", NULL,
	  "the program core_pattern must already pipe to ('|PROGRAM ARGS'); the workload never sets it" },
	{ NULL },
};

static const char *const helper_exec_counters[] = { "forks", "dumped", NULL };

const struct workload wl_helper_exec = {
	.name = "helper-exec",
	.summary = "a child dumps core to core_pattern's pipe helper, repeat: one user-mode helper exec per op",
	.ops_unit = "core dumps",
	.ops_counter = "dumped",
	.threads_help = "one crashing thread on the first CPU",
	.params = helper_exec_params,
	.counters = helper_exec_counters,
	.setup = helper_exec_setup,
	.run = helper_exec_run,
};
