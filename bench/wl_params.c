// SPDX-License-Identifier: GPL-2.0
/* wl_params.c - workload parameters: KEY=VALUE parsing and checks (sizes, choices, numbers)
 * against a table of wl_param_desc, and with=A+B lists. Knows nothing of workloads. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/cli.h"
#include "wl_params.h"

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
int wl_params_parse(const char *wname, const struct wl_param_desc *descs, struct wl_param_val *p, char **with,
		    size_t *nwith, char *const *params, size_t nparams, char *err, size_t errlen)
{
	size_t n = 0;

	memset(p, 0, sizeof(*p) * WL_MAX_PARAMS);
	*nwith = 0;
	for (const struct wl_param_desc *d = descs; d->key; d++, n++) {
		if (n == WL_MAX_PARAMS) {
			snprintf(err, errlen, "workload %s: more than %d params", wname, WL_MAX_PARAMS);
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
			snprintf(err, errlen, "workload %s has no param '%.*s' (lazytlb workload %s --help)", wname,
				 (int)klen, params[i], wname);
			return -1;
		}
		if (set_param(&p[k], eq + 1, err, errlen))
			return -1;
	}
	return 0;
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
