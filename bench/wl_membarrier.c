// SPDX-License-Identifier: GPL-2.0
/*
 * wl_membarrier.c - membarrier: MEMBARRIER_CMD_PRIVATE_EXPEDITED (or its SYNC_CORE
 * variant) in a loop on the first CPU, while threads of the process on the other
 * CPUs nap (idle, mm lazy: no IPI is due) or spin in user mode (an IPI each call).
 */
#include <errno.h>
#include <linux/membarrier.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "workload.h"

enum { CMD_PRIVATE, CMD_SYNC_CORE };

static const struct {
	int cmd, reg;
	const char *name;
} cmds[] = {
	[CMD_PRIVATE] = { MEMBARRIER_CMD_PRIVATE_EXPEDITED, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED,
			  "MEMBARRIER_CMD_PRIVATE_EXPEDITED" },
	[CMD_SYNC_CORE] = { MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE,
			    MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE,
			    "MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE" },
};

static long membarrier(int cmd)
{
	return syscall(SYS_membarrier, cmd, 0, 0);
}

static int membarrier_setup(struct wl_ctx *c)
{
	int k = wl_choice(c, "cmd");
	long mask = membarrier(MEMBARRIER_CMD_QUERY);

	if (mask < 0)
		return wl_fail(c, "membarrier(MEMBARRIER_CMD_QUERY): %s", strerror(errno));
	if (!(mask & cmds[k].cmd))
		return wl_fail(c, "%s not supported by this kernel", cmds[k].name);
	if (membarrier(cmds[k].reg))
		return wl_fail(c, "membarrier register for %s: %s", cmds[k].name, strerror(errno));
	return 0;
}

static void *caller(struct wl_thread *t)
{
	int cmd = cmds[wl_choice(t->ctx, "cmd")].cmd;
	struct wl_pace pace;

	wl_pace_init(&pace, wl_u64(t->ctx, "rate"));
	while (!wl_stopped(t)) {
		if (membarrier(cmd)) {
			wl_fail(t->ctx, "membarrier: %s", strerror(errno));
			break;
		}
		t->ops++;
		wl_pace_wait(&pace, t);
	}
	return NULL;
}

static int membarrier_run(struct wl_ctx *c)
{
	return wl_go_leader(c, caller);
}

static const struct wl_param_desc membarrier_params[] = {
	{ "cmd", WL_P_ENUM, "private", "private|sync_core",
	  "MEMBARRIER_CMD_PRIVATE_EXPEDITED, or MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE" },
	WL_PARAMS_OTHERS("sleep"),
	WL_PARAM_RATE,
	{ NULL },
};

static const char *const membarrier_counters[] = { NULL };

const struct workload wl_membarrier = {
	.name = "membarrier",
	.summary = "membarrier(PRIVATE_EXPEDITED) in a loop while the process's other threads nap or spin",
	.ops_unit = "membarrier calls",
	.ops_counter = "membarrier_calls",
	.threads_help = "the calling thread (first CPU) plus threads-1 others on the next CPUs round-robin "
			"(default: one per CPU)",
	.params = membarrier_params,
	.counters = membarrier_counters,
	.setup = membarrier_setup,
	.run = membarrier_run,
};
