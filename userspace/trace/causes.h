/* SPDX-License-Identifier: GPL-2.0 */
/* causes.h - the kernel callbacks that name each IPI cause, on every kernel from 5.10 on. */
#ifndef LT_CAUSES_H
#define LT_CAUSES_H

#include <stddef.h>
#include <stdint.h>


struct lt_callback {
	uint64_t addr;
	uint32_t cause;  /* enum lt_cause */
	char name[128];  /* the symbol found, with a clone suffix if the kernel has one */
};

/* Resolve the callback names of every cause from /proc/kallsyms; the aliases of older and
 * newer kernels that this one lacks are skipped. Returns how many were found (<= max). */
size_t causes_resolve(struct lt_callback *out, size_t max);

#endif
