// SPDX-License-Identifier: GPL-2.0
/* hwcount.c - per-thread cycle counting with perf_event_open (see hwcount.h). */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "hwcount.h"

int hwc_open_cycles(char *why, size_t len)
{
	struct perf_event_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_HARDWARE;
	a.config = PERF_COUNT_HW_CPU_CYCLES;
	fd = (int)syscall(SYS_perf_event_open, &a, 0 /* this thread */, -1, -1, 0);
	if (fd < 0)
		snprintf(why, len, "unavailable: perf_event_open(PERF_COUNT_HW_CPU_CYCLES): %s", strerror(errno));
	return fd;
}

uint64_t hwc_read_close(int fd)
{
	uint64_t v = 0;

	if (read(fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
		v = 0;
	close(fd);
	return v;
}
