/* SPDX-License-Identifier: GPL-2.0 */
/* reps.h - a result file's metrics over all its reps: every reader sums them the same way */
#ifndef LT_RESULT_REPS_H
#define LT_RESULT_REPS_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/json.h"

/* the metric at `path` ("metrics.lazy.grabs") summed over reps; false if a rep lacks it or it
 * is null there (n/a is never summed as 0), or there are no reps */
bool reps_sum(const struct json *res, const char *path, uint64_t *out);
/* the result's traced seconds: its reps' durations summed (0 without reps) */
double reps_seconds(const struct json *res);
/* reps_sum per traced second; NAN where reps_sum is false */
double reps_rate(const struct json *res, const char *path);
/* what one rep's counters are divided by: its workload's ops (per_op), else its seconds; NAN
 * when that is missing or not positive */
double reps_exposure(const struct json *rep, bool per_op);

#endif
