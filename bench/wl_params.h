/* SPDX-License-Identifier: GPL-2.0 */
/* wl_params.h - a workload's parameters: their table (what a workload declares) and their
 * parsing from KEY=VALUE (wl_params.c). Knows nothing of workloads themselves. */
#ifndef LT_WL_PARAMS_H
#define LT_WL_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#define WL_MAX_PARAMS 16
#define WL_MAX_WITH 4

enum wl_param_type {
	WL_P_U64,  /* unsigned integer */
	WL_P_SIZE, /* bytes, with an optional K/M/G suffix */
	WL_P_ENUM, /* one of choices, "a|b|c"; parsed into .choice */
	WL_P_STR,  /* free text */
};

struct wl_param_desc {
	const char *key;
	enum wl_param_type type;
	const char *def;     /* default as text; NULL: unset */
	const char *choices; /* WL_P_ENUM */
	const char *help;
};

/* The companion threads some workloads place on the other CPUs (wl_companion). */
#define WL_PARAMS_OTHERS(def)                                                               \
	{ "others", WL_P_ENUM, def, "sleep|busy",                                            \
	  "what the threads on the other CPUs do: nap (CPU idle, mm lazy) or spin in user mode" }, \
	{ "nap_us", WL_P_U64, "1000", NULL, "length of one nap of others=sleep, microseconds" }

struct wl_param_val {
	const struct wl_param_desc *d;
	char *val;   /* NULL: unset */
	uint64_t u;  /* WL_P_U64, WL_P_SIZE */
	int choice;  /* WL_P_ENUM: index in choices */
};

/* wl_params.c, for wl_open: parse "KEY=VALUE" params into p (in the order of descs; the
 * with.KEY=VALUE ones into with); 0 on success, else -1 with the reason in err */
int wl_params_parse(const char *wname, const struct wl_param_desc *descs, struct wl_param_val *p, char **with,
		    size_t *nwith, char *const *params, size_t nparams, char *err, size_t errlen);
void wl_params_free(struct wl_param_val *p, char **with, size_t nwith);
/* with=A+B: the names, at most WL_MAX_WITH; 0, or -1 with err */
int wl_with_split(const char *list, char names[WL_MAX_WITH][32], size_t *n, char *err, size_t errlen);

#endif
