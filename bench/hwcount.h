/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hwcount.h - a hardware cycle counter for the calling thread via perf_event_open,
 * or the reason there is none (VMs without a PMU: ENOENT/EOPNOTSUPP).
 */
#ifndef LT_HWCOUNT_H
#define LT_HWCOUNT_H

#include <stddef.h>
#include <stdint.h>

/* PERF_COUNT_HW_CPU_CYCLES of this thread, user and kernel, counting from now:
 * an fd, or -1 with "unavailable: <reason>" in why. */
int hwc_open_cycles(char *why, size_t len);
/* Count so far, and close. */
uint64_t hwc_read_close(int fd);

#endif
