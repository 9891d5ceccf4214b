// SPDX-License-Identifier: GPL-2.0
/* wl_lookup.c - params checked against a workload named by the user (scenario files, run) and
 * routed to the companions of with=A+B: what needs both the registry and the parser. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "workload.h"

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
	if (!wl_params_parse(w->name, w->params, p, with, &nwith, params, nparams, err, errlen)) {
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
