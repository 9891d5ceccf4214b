/* SPDX-License-Identifier: GPL-2.0 */
/* clock.h - the one monotonic clock every layer reads: the BPF side's bpf_ktime_get_ns() is
 * CLOCK_MONOTONIC too, so the two can be compared */
#ifndef LT_CLOCK_H
#define LT_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t lt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static inline double lt_now_s(void)
{
	return (double)lt_now_ns() / 1e9;
}

#endif
