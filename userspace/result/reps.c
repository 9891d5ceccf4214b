// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include "reps.h"

bool reps_sum(const struct json *res, const char *path, uint64_t *out)
{
	const struct json *reps = json_get(res, "reps");

	*out = 0;
	if (!json_len(reps))
		return false;
	for (size_t i = 0; i < json_len(reps); i++) {
		const struct json *v = json_path(json_at(reps, i), path);

		if (!v || !json_is_number(v))
			return false;
		*out += json_as_u64(v);
	}
	return true;
}

double reps_seconds(const struct json *res)
{
	uint64_t ns;

	return reps_sum(res, "duration_ns", &ns) ? (double)ns / 1e9 : 0;
}

double reps_rate(const struct json *res, const char *path)
{
	double secs = reps_seconds(res);
	uint64_t v;

	return reps_sum(res, path, &v) && secs > 0 ? (double)v / secs : NAN;
}

double reps_exposure(const struct json *rep, bool per_op)
{
	const struct json *v = per_op ? json_path(rep, "workload.ops") : json_get(rep, "duration_ns");
	double x = json_is_number(v) ? json_as_double(v) : NAN;

	return !(x > 0) ? NAN : per_op ? x : x / 1e9;
}
