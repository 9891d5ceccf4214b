/* SPDX-License-Identifier: GPL-2.0 */
/*
 * whatif_check.h - a what-if filter's prediction on an unpatched kernel against what a kernel
 * carrying the filter really saves (`lazytlb whatif-check`, `lazytlb vm ab` with a patched kcfg).
 * Everything per workload op: TCG runs at different speeds from boot to boot, ops do not.
 */
#ifndef LT_WHATIF_CHECK_H
#define LT_WHATIF_CHECK_H

#include <stdbool.h>
#include <stdio.h>
#include "lib/json.h"
#include "result/compare_input.h"

/* A mean over reps with its 95% Student t interval (lo = hi = mean with one rep) */
struct wc_est {
	double mean, lo, hi;
	size_t n;
};

struct wc_check {
	int filter, cause;
	struct wc_est pred;       /* unpatched: what-if skips per op */
	struct wc_est sent[2];    /* IPIs of the cause per op: unpatched, patched */
	struct wc_est drop;       /* sent[0] - sent[1] */
	struct wc_est ratio;      /* drop / pred (NaN when nothing was predicted) */
	struct wc_est diff;       /* drop - pred */
	bool agrees;              /* 1 in the ratio's interval (0 in diff's when pred is 0) */
	struct wc_est kept[2];    /* kept_on_purpose per op */
	struct wc_est needed[2];  /* IPIs the filter keeps per op: sent - skip */
	double kept_p;            /* Welch p of kept[0] vs kept[1] */
	bool lost;                /* the patched kernel sent significantly fewer IPIs it must keep */
	struct wc_est residual;   /* patched: what-if skips per op still left */
	struct wc_est unknown, race; /* unpatched: unknown targets, race_exposed per op */
	struct wc_est calls[2];   /* the cause's calls per op (NaN: not counted) */
	const char *calls_name;
	bool workload_ok;
	char workload_why[160];
	struct json *notes;       /* strings: what explains a mismatch */
};

/* "filter:cause" -> indexes; 0, or -1 with one line in err */
int wc_parse_pair(const char *s, int *filter, int *cause, char *err, size_t errlen);
/* One check over result files u (unpatched) and p (patched); alpha for the kept test */
void wc_check(struct wc_check *c, const struct lt_result *u, const struct lt_result *p, int filter, int cause,
	      double alpha);
void wc_free(struct wc_check *c);
void wc_print_text(FILE *f, const struct lt_result *u, const struct lt_result *p, const struct wc_check *c,
		   size_t n);
struct json *wc_json(const struct lt_result *u, const struct lt_result *p, const struct wc_check *c, size_t n);

#endif
