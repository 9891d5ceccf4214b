/* SPDX-License-Identifier: GPL-2.0 */
/* causes.h - the kernel callbacks that name each IPI cause, on every kernel from 5.10 on. */
#ifndef LT_CAUSES_H
#define LT_CAUSES_H

#include <stddef.h>
#include <stdint.h>
#include "result/snapshot.h"

struct ksym_table;

struct lt_callback {
	uint64_t addr;
	uint32_t cause;  /* enum lt_cause */
	char name[128];  /* the symbol found, with a clone suffix if the kernel has one */
};

/* Resolve the callback names of every cause from /proc/kallsyms; the aliases of older and
 * newer kernels that this one lacks are skipped. Returns how many were found (<= max). */
size_t causes_resolve(struct lt_callback *out, size_t max);

/* The cb_counts map (queued calls per callback and cause) summed over CPUs into out
 * (LT_MAX_CB_COUNTS entries); returns how many */
size_t cb_counts_read(int fd, unsigned int nr_possible, struct lt_cb_count *out);
/* The named callbacks' counts (counters.cb_known of each CPU, pc) added to out[0..n) (room for
 * LT_MAX_CB_CAUSES more), to the row of the same callback and cause where the map has one (a
 * call whose cause-cache slot a nested program was rewriting goes there); returns the count */
struct lt_counters;
size_t cb_known_add(struct lt_cb_count *out, size_t n, const struct lt_counters *pc, unsigned int nr_possible,
		    const struct lt_callback *cbs, size_t nr_cbs);
/* rep[] minus base[] in place, zero rows dropped, most first, named from ks (kallsyms);
 * returns how many are left */
size_t cb_counts_delta(const struct lt_cb_count *base, size_t nb, struct lt_cb_count *rep, size_t n,
		       const struct ksym_table *ks);

#endif
