// SPDX-License-Identifier: GPL-2.0
/*
 * wl_cpu_hotplug.c - cpu-hotplug: CPU `cpu` offline, then online again, once per op. CPU
 * hotplug moves mm references outside context switch (lazytlb's lazy.hotplug_grabs/drops):
 * the new CPU's idle task takes init_mm, the dead CPU's lazy mm is dropped (finish_cpu; 7.x
 * also sched_cpu_wait_empty). It takes a CPU of the machine away for a while, so it runs only
 * when told which (`cpu`, no default), as root, where that CPU can go offline.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "workload.h"

enum { C_OFFLINES, C_ONLINES };

struct hp_priv {
	char path[96];
};

static int set_online(const char *path, bool on)
{
	int fd = open(path, O_WRONLY), rc = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, on ? "1" : "0", 1) != 1)
		rc = -errno;
	close(fd);
	return rc;
}

static int hp_setup(struct wl_ctx *c)
{
	struct hp_priv *p = c->priv;
	const char *cpu = wl_str(c, "cpu");
	char *end, now[8] = "";
	unsigned long n;
	FILE *f;

	if (!cpu)
		return wl_usage(c, "cpu-hotplug takes a CPU offline and back once per op: say which with -p cpu=N");
	n = strtoul(cpu, &end, 10);
	if (end == cpu || *end || n >= 4096)
		return wl_usage(c, "bad cpu '%s' (a CPU number)", cpu);
	if ((int)n == wl_cpu(c, 0))
		return wl_usage(c, "cpu %lu is the CPU the workload runs on: choose another", n);
	snprintf(p->path, sizeof(p->path), "/sys/devices/system/cpu/cpu%lu/online", n);
	f = fopen(p->path, "r");
	if (!f || !fgets(now, sizeof(now), f)) {
		if (f)
			fclose(f);
		return wl_fail(c, "CPU %lu cannot go offline here (%s: %s)", n, p->path, strerror(errno));
	}
	fclose(f);
	if (now[0] != '1')
		return wl_fail(c, "CPU %lu is offline: bring it online first", n);
	if (access(p->path, W_OK))
		return wl_fail(c, "%s: %s (root needed)", p->path, strerror(errno));
	return 0;
}

static void *cycler(struct wl_thread *t)
{
	struct hp_priv *p = t->ctx->priv;
	uint64_t gap = wl_u64(t->ctx, "gap_us") * 1000;
	int rc;

	while (!wl_stopped(t)) {
		if ((rc = set_online(p->path, false))) {
			wl_fail(t->ctx, "offline %s: %s", p->path, strerror(-rc));
			break;
		}
		t->cnt[C_OFFLINES]++;
		wl_sleep_ns(gap);
		/* always back online, stopped or not: the machine gets its CPU back */
		while ((rc = set_online(p->path, true)) == -EINTR || rc == -EBUSY)
			wl_sleep_ns(1000000);
		if (rc) {
			wl_fail(t->ctx, "online %s: %s", p->path, strerror(-rc));
			break;
		}
		t->cnt[C_ONLINES]++;
		t->ops++;
		wl_sleep_ns(gap);
	}
	return NULL;
}

static int hp_run(struct wl_ctx *c)
{
	wl_spawn(c, cycler, wl_cpu(c, 0), NULL);
	return wl_go(c);
}

static const struct wl_param_desc hp_params[] = {
	{ "cpu", WL_P_STR, NULL, NULL, "the CPU to take offline and back (required: never the first CPU of -C)" },
	{ "gap_us", WL_P_U64, "50000", NULL, "time offline, and online before the next cycle, microseconds" },
	{ NULL },
};

static const char *const hp_counters[] = { "offlines", "onlines", NULL };

const struct workload wl_cpu_hotplug = {
	.name = "cpu-hotplug",
	.summary = "CPU `cpu` offline and online again, repeat: the mm references hotplug moves",
	.ops_unit = "offline-online cycles",
	.threads_help = "one thread on the first CPU writes the other CPU's online file",
	.params = hp_params,
	.counters = hp_counters,
	.priv_size = sizeof(struct hp_priv),
	.setup = hp_setup,
	.run = hp_run,
};
