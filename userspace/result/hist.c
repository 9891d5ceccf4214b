// SPDX-License-Identifier: GPL-2.0
/* hist.c - log-linear histogram helpers (see hist.h). */
#include <math.h>
#include <string.h>
#include "hist.h"

__u64 hist_bucket_lo(unsigned int i)
{
	unsigned int e, s;

	if (i < LT_HIST_SUB)
		return i;
	e = i / LT_HIST_SUB + LT_HIST_SUB_BITS - 1; /* exponent of the leading one */
	s = i % LT_HIST_SUB;
	if (e >= 64)
		return UINT64_MAX;
	return (1ULL << e) + ((__u64)s << (e - LT_HIST_SUB_BITS));
}

__u64 hist_bucket_hi(unsigned int i)
{
	__u64 lo = hist_bucket_lo(i), w;
	unsigned int e;

	if (i < LT_HIST_SUB)
		return lo + 1;
	e = i / LT_HIST_SUB + LT_HIST_SUB_BITS - 1;
	w = 1ULL << (e - LT_HIST_SUB_BITS);
	return lo + w < lo ? UINT64_MAX : lo + w;
}

void hist_add(struct lt_hist *h, __u64 v)
{
	lt_hist_add(h, v);
}

void hist_untear(struct lt_hist *h)
{
	__u64 n = 0;

	for (unsigned int i = 0; i < LT_HIST_NR_BUCKETS; i++)
		n += h->buckets[i];
	h->count = n;
	if (!n)
		h->sum = h->min = h->max = 0;
}

void hist_merge(struct lt_hist *dst, const struct lt_hist *src)
{
	if (!src->count)
		return;
	if (!dst->count || src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	dst->count += src->count;
	dst->sum += src->sum;
	for (unsigned int i = 0; i < LT_HIST_NR_BUCKETS; i++)
		dst->buckets[i] += src->buckets[i];
}

void hist_sub(struct lt_hist *dst, const struct lt_hist *before)
{
	dst->count -= before->count;
	dst->sum -= before->sum;
	for (unsigned int i = 0; i < LT_HIST_NR_BUCKETS; i++)
		dst->buckets[i] -= before->buckets[i];
	if (!dst->count)
		dst->min = dst->max = 0;
}

double hist_percentile(const struct lt_hist *h, double q)
{
	double rank, seen = 0;

	if (!h->count)
		return 0;
	if (q <= 0)
		return (double)h->min;
	if (q >= 1)
		return (double)h->max;
	rank = q * (double)h->count;
	for (unsigned int i = 0; i < LT_HIST_NR_BUCKETS; i++) {
		double n = (double)h->buckets[i], lo, hi, v;

		if (!h->buckets[i] || seen + n < rank) {
			seen += n;
			continue;
		}
		lo = (double)hist_bucket_lo(i);
		hi = (double)hist_bucket_hi(i);
		v = lo + (hi - lo) * ((rank - seen) / n);
		if (v < (double)h->min)
			v = (double)h->min;
		if (v > (double)h->max)
			v = (double)h->max;
		return v;
	}
	return (double)h->max;
}

struct json *hist_to_json(const struct lt_hist *h, const char *unit)
{
	struct json *o = json_object(), *b = json_array();

	json_set(o, "unit", json_string(unit));
	json_set(o, "count", json_u64(h->count));
	json_set(o, "sum", json_u64(h->sum));
	json_set(o, "min", json_u64(h->count ? h->min : 0));
	json_set(o, "max", json_u64(h->max));
	json_set(o, "p50", json_double(hist_percentile(h, 0.50)));
	json_set(o, "p90", json_double(hist_percentile(h, 0.90)));
	json_set(o, "p99", json_double(hist_percentile(h, 0.99)));
	json_set(o, "p999", json_double(hist_percentile(h, 0.999)));
	for (unsigned int i = 0; i < LT_HIST_NR_BUCKETS; i++) {
		struct json *row;

		if (!h->buckets[i])
			continue;
		row = json_array();
		json_push(row, json_u64(hist_bucket_lo(i)));
		json_push(row, json_u64(hist_bucket_hi(i)));
		json_push(row, json_u64(h->buckets[i]));
		json_push(b, row);
	}
	json_set(o, "buckets", b);
	return o;
}

int hist_from_json(const struct json *j, struct lt_hist *h, char *err, size_t errlen)
{
	const struct json *b = json_get(j, "buckets");
	__u64 total = 0;

	memset(h, 0, sizeof(*h));
	if (json_type(j) != JSON_OBJECT || !b || json_type(b) != JSON_ARRAY) {
		snprintf(err, errlen, "histogram is not an object with a buckets array");
		return -1;
	}
	h->count = json_as_u64(json_get(j, "count"));
	h->sum = json_as_u64(json_get(j, "sum"));
	h->min = json_as_u64(json_get(j, "min"));
	h->max = json_as_u64(json_get(j, "max"));
	for (size_t i = 0; i < json_len(b); i++) {
		const struct json *row = json_at(b, i);
		__u64 lo;
		unsigned int idx;

		if (json_type(row) != JSON_ARRAY || json_len(row) != 3) {
			snprintf(err, errlen, "histogram bucket %zu is not [lo, hi, count]", i);
			return -1;
		}
		lo = json_as_u64(json_at(row, 0));
		idx = lt_hist_bucket(lo);
		if (idx >= LT_HIST_NR_BUCKETS || hist_bucket_lo(idx) != lo ||
		    hist_bucket_hi(idx) != json_as_u64(json_at(row, 1))) {
			snprintf(err, errlen, "histogram bucket %zu [%llu, ...) is not a lazytlb bucket", i,
				 (unsigned long long)lo);
			return -1;
		}
		h->buckets[idx] += json_as_u64(json_at(row, 2));
		total += json_as_u64(json_at(row, 2));
	}
	/* lazytlb writes count = the buckets' sum (hist_untear); anything else was edited or
	 * damaged, and the percentiles and the printer would walk buckets that are not there */
	if (total != h->count) {
		snprintf(err, errlen, "histogram count %llu is not the sum of its buckets (%llu)",
			 (unsigned long long)h->count, (unsigned long long)total);
		return -1;
	}
	return 0;
}

void hist_print(FILE *f, const struct lt_hist *h, const char *title, const char *unit)
{
	__u64 peak = 0;
	int first = -1, last = -1;

	fprintf(f, "%s: count %llu", title, (unsigned long long)h->count);
	if (!h->count) {
		fprintf(f, "\n");
		return;
	}
	fprintf(f, "  min %llu  p50 %.0f  p90 %.0f  p99 %.0f  p99.9 %.0f  max %llu %s\n",
		(unsigned long long)h->min, hist_percentile(h, 0.5), hist_percentile(h, 0.9),
		hist_percentile(h, 0.99), hist_percentile(h, 0.999), (unsigned long long)h->max, unit);
	for (unsigned int i = 0; i < LT_HIST_NR_BUCKETS; i++) {
		if (!h->buckets[i])
			continue;
		if (first < 0)
			first = (int)i;
		last = (int)i;
		if (h->buckets[i] > peak)
			peak = h->buckets[i];
	}
	if (first < 0) { /* a count with no bucket: nothing to draw (found by fuzz_json) */
		fprintf(f, "  (no buckets)\n");
		return;
	}
	for (int i = first; i <= last; i++) {
		int w = (int)((double)h->buckets[i] * 40.0 / (double)peak + 0.5), j = i;

		/* a run of empty buckets prints as one "..." line */
		while (j <= last && !h->buckets[j])
			j++;
		if (j - i > 1) {
			fprintf(f, "  %27s\n", "...");
			i = j - 1;
			continue;
		}
		fprintf(f, "  %12llu - %-12llu %10llu |%.*s\n", (unsigned long long)hist_bucket_lo(i),
			(unsigned long long)hist_bucket_hi(i), (unsigned long long)h->buckets[i], w,
			"****************************************");
	}
}
