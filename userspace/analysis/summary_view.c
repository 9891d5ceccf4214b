// SPDX-License-Identifier: GPL-2.0
/*
 * summary_view.c - a result document into the summary's typed view (summary_view.h): the
 * one place the summary's figures are looked up by path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "result/names.h"
#include "result/reps.h"
#include "summary_int.h"
#include "summary_view.h"

#define SV_PATH(id, path) path,
static const char *const sum_paths[SV_NR_SUMS] = { SV_SUMS(SV_PATH) };
static const char *const hist_paths[SV_NR_HISTS] = { SV_HISTS(SV_PATH) };
#undef SV_PATH

static const char *const whatif_keys[SVW_NR] = { "seen", "skip", "kept_on_purpose", "kernel_skipped",
						 "unknown", "race_exposed", "skip_idle", "skip_nohz_full" };

static void sum(const struct json *res, const char *path, struct sv_sum *s)
{
	s->ok = reps_sum(res, path, &s->v);
}

static void sumf(const struct json *res, struct sv_sum *s, const char *fmt, const char *a, const char *b)
{
	char p[256];

	snprintf(p, sizeof(p), fmt, a, b);
	sum(res, p, s);
}

static void merged_hist(const struct json *res, const char *path, struct sv_hist *m)
{
	const struct json *reps = json_get(res, "reps");
	struct lt_hist h;
	char err[128];

	memset(m, 0, sizeof(*m));
	m->state = 1;
	for (size_t i = 0; i < json_len(reps); i++) {
		const struct json *j = json_path(json_at(reps, i), path);

		if (!j || json_type(j) != JSON_OBJECT) {
			m->state = 0;
			return;
		}
		if (!i)
			m->unit = json_as_string(json_get(j, "unit"));
		if (hist_from_json(j, &h, err, sizeof(err))) {
			m->state = -1;
			return;
		}
		hist_merge(&m->h, &h);
	}
}

/* the keys of the object at path in the first rep, each summed (or merged) over the reps */
static void keyed(const struct json *res, const char *path, bool hists, struct sv_keyed *k)
{
	const struct json *obj = json_path(json_at(json_get(res, "reps"), 0), path);
	char p[256];

	k->present = obj && (!hists || json_type(obj) == JSON_OBJECT);
	for (size_t i = 0; k->present && i < json_len(obj) && k->n < SV_MAX_KEYS; i++, k->n++) {
		k->key[k->n].name = json_key_at(obj, i);
		snprintf(p, sizeof(p), "%s.%s", path, k->key[k->n].name);
		if (hists)
			merged_hist(res, p, &k->key[k->n].h);
		else
			sum(res, p, &k->key[k->n].s);
	}
}

static uint64_t cb_calls(const void *p)
{
	return ((const struct sv_callback *)p)->calls;
}

static uint64_t sender_requests(const void *p)
{
	return ((const struct sv_sender *)p)->requests;
}

/* The SV_TOP largest of n elements first, in order: the first steps of a selection sort, so
 * that of equal ones the first merged comes first */
static void top_first(void *base, size_t n, size_t size, uint64_t (*key)(const void *))
{
	char *a = base, tmp[sizeof(struct sv_sender)];

	_Static_assert(sizeof(struct sv_callback) <= sizeof(struct sv_sender), "top_first's tmp");
	for (size_t i = 0; i < n && i < SV_TOP; i++) {
		size_t best = i;

		for (size_t k = i + 1; k < n; k++)
			if (key(a + k * size) > key(a + best * size))
				best = k;
		memcpy(tmp, a + i * size, size);
		memcpy(a + i * size, a + best * size, size);
		memcpy(a + best * size, tmp, size);
	}
}

/* the queued calls per (symbol, cause), summed over reps */
static void load_callbacks(const struct json *res, struct summary_view *v)
{
	const struct json *reps = json_get(res, "reps");

	for (size_t r = 0; r < json_len(reps); r++) {
		const struct json *cbs = json_path(json_at(reps, r), "metrics.ipi.callbacks");

		for (size_t i = 0; i < json_len(cbs); i++) {
			const struct json *e = json_at(cbs, i);
			const char *sym = json_as_string(json_get(e, "symbol")) ?: "?";
			const char *cause = json_as_string(json_get(e, "cause")) ?: "?";
			size_t k;

			for (k = 0; k < v->nr_cbs; k++)
				if (!strcmp(v->cbs[k].sym, sym) && !strcmp(v->cbs[k].cause, cause))
					break;
			if (k == v->nr_cbs && v->nr_cbs < SV_MAX_CALLBACKS)
				v->cbs[v->nr_cbs++] = (struct sv_callback){ sym, cause, 0 };
			if (k < v->nr_cbs)
				v->cbs[k].calls += json_as_u64(json_get(e, "calls"));
		}
	}
	top_first(v->cbs, v->nr_cbs, sizeof(*v->cbs), cb_calls);
}

static bool same_sender(const struct sv_sender *a, const struct sv_sender *b)
{
	return a->tgid == b->tgid && !strcmp(a->cause, b->cause) && !strcmp(a->comm, b->comm) &&
	       !strcmp(a->site, b->site) && !strcmp(a->folded, b->folded);
}

/* the requests per (cause, task, callsite), summed over reps */
static void load_senders(const struct json *res, struct summary_view *v)
{
	const struct json *reps = json_get(res, "reps");
	size_t cap = 0;

	v->senders_target_cpus = json_as_string(json_path(res, "options.senders.target_cpus"));
	for (size_t r = 0; r < json_len(reps); r++) {
		const struct json *ss = json_path(json_at(reps, r), "metrics.ipi.senders");

		for (size_t i = 0; i < json_len(ss); i++) {
			const struct json *e = json_at(ss, i);
			struct sv_sender x = { .cause = json_as_string(json_get(e, "cause")) ?: "?",
					       .comm = json_as_string(json_get(e, "comm")) ?: "?",
					       .site = json_as_string(json_get(e, "callsite")) ?: "?",
					       .folded = json_as_string(json_get(e, "folded")) ?: "",
					       .tgid = json_as_u64(json_get(e, "tgid")) };
			size_t k;

			for (k = 0; k < v->nr_senders && !same_sender(&v->senders[k], &x); k++)
				;
			if (k == v->nr_senders && v->nr_senders == cap) {
				struct sv_sender *m = realloc(v->senders, (cap = cap ? 2 * cap : 256) * sizeof(*m));

				if (!m)
					break;
				v->senders = m;
			}
			if (k == v->nr_senders)
				v->senders[v->nr_senders++] = x;
			v->senders[k].requests += json_as_u64(json_get(e, "requests"));
			v->senders[k].to_idle += json_as_u64(json_get(e, "to_idle"));
			v->senders[k].to_nohz += json_as_u64(json_get(e, "to_nohz_full"));
		}
	}
	top_first(v->senders, v->nr_senders, sizeof(*v->senders), sender_requests);
}

static void load_ipis(const struct json *res, struct summary_view *v)
{
	const struct json *w;

	for (size_t c = 0; c < LT_NR_CAUSES; c++) {
		sumf(res, &v->by_cause[c], "metrics.ipi.by_cause.%s%s", lt_cause_names[c], "");
		sumf(res, &v->delivered[c], "metrics.ipi.delivered_by_cause.%s%s", lt_cause_names[c], "");
		for (size_t s = 0; s < LT_NR_STATES; s++)
			sumf(res, &v->by_cause_state[c][s], "metrics.ipi.by_cause_state.%s.%s", lt_cause_names[c],
			     lt_state_names[s]);
	}
	v->arch_ipi_send = !strcmp(json_as_string(json_path(res, "reps.0.metrics.ipi.requests_source")) ?: "",
				   "arch_ipi_send");
	load_callbacks(res, v);
	load_senders(res, v);
	keyed(res, "metrics.wakeups.idle_by_cause", false, &v->idle_by_cause);
	keyed(res, "metrics.wakeups.nohz_full_by_cause", false, &v->nohz_by_cause);
	w = json_path(json_at(json_get(res, "reps"), 0), "metrics.whatif");
	v->whatif = w && json_type(w) == JSON_OBJECT;
	if (v->whatif)
		v->broadcast_probe = json_as_string(json_get(json_get(w, "broadcast"), "probe"));
	for (size_t i = 0; v->whatif && i < LT_NR_FILTERS; i++)
		for (size_t j = 0; j < SVW_NR; j++)
			sumf(res, &v->whatif_sum[i][j], "metrics.whatif.%s.%s", lt_filter_names[i], whatif_keys[j]);
}

void summary_view_load(const struct json *res, struct summary_view *v)
{
	const struct json *hv = json_get(json_get(res, "host"), "hypervisor");

	memset(v, 0, sizeof(*v));
	v->scenario = json_as_string(json_path(res, "scenario.name"));
	v->release = json_as_string(json_path(res, "kernel.release"));
	v->arch_name = json_as_string(json_path(res, "host.arch"));
	v->nr_cpus = json_as_u64(json_path(res, "host.nr_cpus"));
	v->scheme = json_as_string(json_path(res, "kernel.lazy_tlb_scheme"));
	v->scheme_source = json_as_string(json_path(res, "kernel.scheme_source"));
	v->nr_reps = json_len(json_get(res, "reps"));
	v->on_x86 = summary_on_arch(res, "x86");
	v->on_powerpc = summary_on_arch(res, "powerpc");
	v->refcount = summary_refcount(res);
	v->hv_vendor = hv ? json_as_string(json_get(hv, "vendor")) : NULL;
	v->nohz_full = *(json_as_string(json_path(res, "host.nohz_full")) ?: "");
	for (size_t i = 0; i < SV_NR_SUMS; i++)
		sum(res, sum_paths[i], &v->sum[i]);
	v->secs = v->sum[SV_DURATION_NS].ok ? (double)v->sum[SV_DURATION_NS].v / 1e9 : 0;
	for (size_t i = 0; i < SV_NR_HISTS; i++)
		merged_hist(res, hist_paths[i], &v->hist[i]);
	keyed(res, "metrics.hist.ipi_latency_by_target", true, &v->lat_by_target);
	keyed(res, "metrics.hist.flush_tlb_mm_range_by_path", true, &v->ftmr_by_path);
	load_ipis(res, v);
}

void summary_view_free(struct summary_view *v)
{
	free(v->senders);
	v->senders = NULL;
}
