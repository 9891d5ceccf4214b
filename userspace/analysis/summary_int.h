/* SPDX-License-Identifier: GPL-2.0 */
/* summary_int.h - shared by summary.c and summary_probes.c: what the result's architecture
 * and lazy TLB scheme rule out, and the probes' paragraph */
#ifndef LT_SUMMARY_INT_H
#define LT_SUMMARY_INT_H

#include <stdbool.h>
#include <stdio.h>
#include "lib/json.h"

/* "x86" or "powerpc" from host.arch; NULL when neither (then nothing is left out) */
const char *summary_arch(const struct json *res);
/* can a row of arch (NULL: any) exist in this result? */
bool summary_on_arch(const struct json *res, const char *arch);
/* the kernel is MMU_LAZY_TLB_REFCOUNT: no shoot-lazies */
bool summary_refcount(const struct json *res);
/* the hooks that did not attach and the figures that costs; the others with verbose */
void summary_probes(FILE *f, const struct json *res, bool verbose);

#endif
