// SPDX-License-Identifier: GPL-2.0
/*
 * refcost.c - what the lazy mm refcount costs, per scenario of `lazytlb run`:
 * atomics per second (measured by the collector), how many CPUs shared the mm
 * at those atomics (the sharing histogram), the finish_task_switch time of a
 * lazy-drop switch over the others where that probe exists, and the userspace
 * `atomic-cost` model's ns per atomic at the observed sharing degree, so that
 * atomics/s x ns/op estimates the CPU time the refcount costs.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "result/hist.h"
#include "refcost.h"
#include "workload.h"

struct json *refcost_model_measure(double seconds, char *err, size_t errlen)
{
	char *params[] = { "order=seq_cst" };
	struct wl_ctx *w = wl_open("atomic-cost", NULL, 0, params, 1, err, errlen);
	struct json *res;

	if (!w)
		return NULL;
	if (wl_run(w, seconds, NULL)) {
		snprintf(err, errlen, "atomic-cost: %s", wl_error(w));
		wl_close(w);
		return NULL;
	}
	res = wl_result(w);
	wl_close(w);
	return res;
}

/* merged histogram of `path` over the reps; false if null in any rep */
static bool merged_hist(const struct json *res, const char *path, struct lt_hist *m)
{
	const struct json *reps = json_get(res, "reps");
	char err[128];

	memset(m, 0, sizeof(*m));
	for (size_t i = 0; i < json_len(reps); i++) {
		const struct json *j = json_path(json_at(reps, i), path);
		struct lt_hist h;

		if (!j || json_type(j) != JSON_OBJECT || hist_from_json(j, &h, err, sizeof(err)))
			return false;
		hist_merge(m, &h);
	}
	return json_len(reps) > 0;
}

static double hist_mean(const struct lt_hist *h)
{
	return h->count ? (double)h->sum / (double)h->count : NAN;
}

static struct json *num_or_null(double v)
{
	return isnan(v) ? json_null() : json_double(v);
}

void refcost_annotate(struct json *res, const struct json *model)
{
	const struct json *reps = json_get(res, "reps");
	struct json *rc = json_set(res, "refcount_cost", json_object());
	struct lt_hist sharing, lazy, other;
	double atomics = 0, secs = 0, shared_ns = NAN, private_ns = NAN;
	bool have_atomics = json_len(reps) > 0;
	unsigned int n = 0;

	for (size_t i = 0; i < json_len(reps); i++) {
		const struct json *a = json_path(json_at(reps, i), "metrics.lazy.refcount_atomics");

		if (!a || !json_is_number(a))
			have_atomics = false;
		atomics += json_as_double(a);
		secs += json_as_double(json_path(json_at(reps, i), "duration_ns")) / 1e9;
	}
	json_set(rc, "atomics_per_s", have_atomics && secs > 0 ? json_double(atomics / secs) : json_null());
	if (merged_hist(res, "metrics.lazy.sharing", &sharing) && sharing.count) {
		n = (unsigned int)lround(hist_percentile(&sharing, 0.5));
		json_set(rc, "sharing_p50_cpus", json_u64(n));
		json_set(rc, "sharing_mean_cpus", json_double(hist_mean(&sharing)));
	} else {
		json_set(rc, "sharing_p50_cpus", json_null());
	}
	/* the model at the observed sharing degree: the closest measured thread count */
	if (model && n) {
		const struct json *rows = json_get(model, "by_threads"), *best = NULL;
		unsigned int bd = ~0u;

		for (size_t i = 0; i < json_len(rows); i++) {
			unsigned int t = (unsigned int)json_as_u64(json_get(json_at(rows, i), "threads"));
			unsigned int d = t > n ? t - n : n - t;

			if (d < bd) {
				bd = d;
				best = json_at(rows, i);
			}
		}
		if (best) {
			struct json *m = json_set(rc, "model", json_object());

			shared_ns = json_as_double(json_get(best, "shared_ns_per_op"));
			private_ns = json_as_double(json_get(best, "private_ns_per_op"));
			json_set(m, "source", json_string("atomic-cost workload, seq_cst inc/dec"));
			json_set(m, "threads", json_u64(json_as_u64(json_get(best, "threads"))));
			json_set(m, "shared_ns_per_op", num_or_null(shared_ns));
			json_set(m, "private_ns_per_op", num_or_null(private_ns));
		}
	}
	json_set(rc, "est_cpu_ns_per_s",
		 have_atomics && secs > 0 && !isnan(shared_ns) ? json_double(atomics / secs * shared_ns) : json_null());
	if (merged_hist(res, "metrics.hist.finish_task_switch_ns.lazy_drop", &lazy) &&
	    merged_hist(res, "metrics.hist.finish_task_switch_ns.other", &other) && lazy.count && other.count)
		json_set(rc, "finish_task_switch_lazy_drop_extra_ns", json_double(hist_mean(&lazy) - hist_mean(&other)));
	else
		json_set(rc, "finish_task_switch_lazy_drop_extra_ns", json_null()); /* probe unavailable */
}
