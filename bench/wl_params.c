// SPDX-License-Identifier: GPL-2.0
/* wl_params.c - workload parameters: KEY=VALUE parsing and checks (sizes, choices, numbers),
 * the params of companion workloads (with.KEY=VALUE), and their typed getters. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "lib/cli.h"
#include "workload.h"

/* ---------------- params ---------------- */

static bool parse_size(const char *s, uint64_t *out)
{
	char num[32];
	size_t n = strlen(s);
	unsigned int shift = 0;

	if (n && strchr("kKmMgG", s[n - 1])) {
		shift = strchr("kK", s[n - 1]) ? 10 : strchr("mM", s[n - 1]) ? 20 : 30;
		n--;
	}
	if (!n || n >= sizeof(num))
		return false;
	memcpy(num, s, n);
	num[n] = '\0';
	if (!lt_parse_u64(num, out) || (*out << shift) >> shift != *out)
		return false;
	*out <<= shift;
	return true;
}

static int choice_index(const char *choices, const char *v)
{
	size_t len = strlen(v);
	int i = 0;

	for (const char *p = choices; *p; i++) {
		const char *e = strchr(p, '|');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n == len && !strncmp(p, v, n))
			return i;
		if (!e)
			break;
		p = e + 1;
	}
	return -1;
}

static int set_param(struct wl_param_val *pv, const char *val, char *err, size_t errlen)
{
	const struct wl_param_desc *d = pv->d;
	bool ok = true;

	switch (d->type) {
	case WL_P_U64:
		ok = lt_parse_u64(val, &pv->u);
		break;
	case WL_P_SIZE:
		ok = parse_size(val, &pv->u);
		break;
	case WL_P_ENUM:
		pv->choice = choice_index(d->choices, val);
		ok = pv->choice >= 0;
		break;
	case WL_P_STR:
		break;
	}
	if (!ok) {
		snprintf(err, errlen, "bad value '%s' for param %s (expected %s)", val, d->key,
			 d->type == WL_P_ENUM ? d->choices : d->type == WL_P_SIZE ? "bytes, K/M/G suffix ok"
										    : "an unsigned integer");
		return -1;
	}
	free(pv->val);
	pv->val = strdup(val);
	return 0;
}

void wl_params_free(struct wl_param_val *p, char **with, size_t nwith)
{
	for (size_t i = 0; i < WL_MAX_PARAMS; i++) {
		free(p[i].val);
		p[i].val = NULL;
	}
	for (size_t i = 0; i < nwith; i++)
		free(with[i]);
}

/* Defaults, then "key=value" params; "with.k=v" collected into with[] when w has a `with` param. */
int wl_params_parse(const struct workload *w, struct wl_param_val *p, char **with, size_t *nwith,
			char *const *params, size_t nparams, char *err, size_t errlen)
{
	size_t n = 0;

	memset(p, 0, sizeof(*p) * WL_MAX_PARAMS);
	*nwith = 0;
	for (const struct wl_param_desc *d = w->params; d->key; d++, n++) {
		if (n == WL_MAX_PARAMS) {
			snprintf(err, errlen, "workload %s: more than %d params", w->name, WL_MAX_PARAMS);
			return -1;
		}
		p[n].d = d;
		if (d->def && set_param(&p[n], d->def, err, errlen))
			return -1; /* a bad default: caught by the unit test */
	}
	for (size_t i = 0; i < nparams; i++) {
		const char *eq = strchr(params[i], '=');
		size_t klen = eq ? (size_t)(eq - params[i]) : 0;
		size_t k;

		if (!eq || !klen) {
			snprintf(err, errlen, "bad param '%s' (expected KEY=VALUE)", params[i]);
			return -1;
		}
		if (!strncmp(params[i], "with.", 5)) {
			for (k = 0; k < n && strcmp(p[k].d->key, "with"); k++)
				;
			if (k < n) {
				if (*nwith == WL_MAX_PARAMS) {
					snprintf(err, errlen, "too many with.* params");
					return -1;
				}
				with[(*nwith)++] = strdup(params[i] + 5);
				continue;
			}
		}
		for (k = 0; k < n; k++)
			if (strlen(p[k].d->key) == klen && !strncmp(p[k].d->key, params[i], klen))
				break;
		if (k == n) {
			snprintf(err, errlen, "workload %s has no param '%.*s' (lazytlb workload %s --help)", w->name,
				 (int)klen, params[i], w->name);
			return -1;
		}
		if (set_param(&p[k], eq + 1, err, errlen))
			return -1;
	}
	return 0;
}

static const struct wl_param_val *param(const struct wl_ctx *c, const char *key)
{
	for (size_t i = 0; i < WL_MAX_PARAMS && c->p[i].d; i++)
		if (!strcmp(c->p[i].d->key, key))
			return &c->p[i];
	fprintf(stderr, "workload %s: no param table entry '%s'\n", c->wl->name, key);
	abort();
}

uint64_t wl_u64(const struct wl_ctx *c, const char *key)
{
	return param(c, key)->u;
}

int wl_choice(const struct wl_ctx *c, const char *key)
{
	return param(c, key)->choice;
}

const char *wl_str(const struct wl_ctx *c, const char *key)
{
	return param(c, key)->val;
}

int wl_check_params(const char *name, char *const *params, size_t nparams, char *err, size_t errlen)
{
	const struct workload *w = workload_find(name);
	struct wl_param_val p[WL_MAX_PARAMS];
	char *with[WL_MAX_PARAMS];
	size_t nwith = 0;
	int rc = -1;

	if (!w) {
		snprintf(err, errlen, "unknown workload '%s' (lazytlb workload --list)", name);
		return -1;
	}
	if (!wl_params_parse(w, p, with, &nwith, params, nparams, err, errlen)) {
		rc = 0;
		for (size_t i = 0; i < WL_MAX_PARAMS && p[i].d; i++) {
			char names[WL_MAX_WITH][32], *wp[WL_MAX_PARAMS];
			size_t nw, nwp;

			if (strcmp(p[i].d->key, "with") || !p[i].val || !*p[i].val)
				continue;
			rc = wl_with_split(p[i].val, names, &nw, err, errlen);
			for (size_t k = 0; !rc && k < nw; k++)
				rc = wl_with_params(p[i].val, names[k], with, nwith, wp, &nwp, err, errlen) ?:
					     wl_check_params(names[k], wp, nwp, err, errlen);
		}
	}
	wl_params_free(p, with, nwith);
	return rc;
}

int wl_with_split(const char *list, char names[WL_MAX_WITH][32], size_t *n, char *err, size_t errlen)
{
	const char *p = list;

	*n = 0;
	while (*p) {
		size_t len = strcspn(p, "+");

		if (!len || len >= 32 || *n == WL_MAX_WITH)
			goto bad;
		memcpy(names[*n], p, len);
		names[(*n)++][len] = 0;
		p += len + (p[len] == '+');
	}
	if (*n && list[strlen(list) - 1] != '+')
		return 0;
bad:
	snprintf(err, errlen, "with=%s: expected NAME or NAME+NAME (at most %d)", list, WL_MAX_WITH);
	return -1;
}

static bool workload_has_param(const char *name, const char *key, size_t klen)
{
	const struct workload *w = workload_find(name);

	for (const struct wl_param_desc *d = w ? w->params : NULL; d && d->key; d++)
		if (strlen(d->key) == klen && !strncmp(d->key, key, klen))
			return true;
	return false;
}

int wl_with_params(const char *list, const char *name, char *const *with, size_t nwith, char **out, size_t *nout,
		   char *err, size_t errlen)
{
	char names[WL_MAX_WITH][32];
	size_t n;

	*nout = 0;
	if (wl_with_split(list, names, &n, err, errlen))
		return -1;
	for (size_t i = 0; i < nwith; i++) {
		const char *kv = with[i], *eq = strchr(kv, '='), *dot = strchr(kv, '.');
		size_t klen = eq ? (size_t)(eq - kv) : strlen(kv);
		bool listed = false, any = false;

		if (dot && dot < kv + klen) { /* NAME.KEY=VALUE */
			size_t nlen = (size_t)(dot - kv);

			for (size_t k = 0; k < n; k++)
				listed |= strlen(names[k]) == nlen && !strncmp(names[k], kv, nlen);
			if (!listed) {
				snprintf(err, errlen, "with.%s: '%.*s' is not in with=%s", kv, (int)nlen, kv, list);
				return -1;
			}
			if (strlen(name) == nlen && !strncmp(kv, name, nlen))
				out[(*nout)++] = (char *)dot + 1;
			continue;
		}
		/* KEY=VALUE: to every listed workload that has KEY (the first one decides the error) */
		for (size_t k = 0; k < n; k++)
			any |= workload_has_param(names[k], kv, klen);
		if (any ? workload_has_param(name, kv, klen) : !strcmp(names[0], name))
			out[(*nout)++] = (char *)kv;
	}
	return 0;
}

