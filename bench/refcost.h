/* SPDX-License-Identifier: GPL-2.0 */
/* refcost.h - the lazy mm refcount's cost per scenario (see refcost.c). */
#ifndef LT_REFCOST_H
#define LT_REFCOST_H

#include <stddef.h>
#include "lib/json.h"

/* Run the atomic-cost workload for `seconds` on all CPUs: its result object
 * (by_threads: shared/private ns per op for N = 1..CPUs), or NULL and err. */
struct json *refcost_model_measure(double seconds, char *err, size_t errlen);
/* Add "refcount_cost" to a result document, using model (may be NULL). */
void refcost_annotate(struct json *result, const struct json *model);

#endif
