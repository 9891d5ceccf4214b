/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stats.h - the statistics `compare` and `plot` need, in one place:
 * mean/stddev over reps, Welch's t-test (with the Student t distribution from
 * the regularized incomplete beta function), and the two-sample
 * Kolmogorov-Smirnov test on lazytlb histograms. Percentiles of a histogram
 * are hist_percentile() in hist.h.
 */
#ifndef LT_STATS_H
#define LT_STATS_H

#include <stddef.h>
#include "result/hist.h"

struct stats_summary {
	size_t n;
	double mean;
	double sd; /* sample standard deviation (n - 1); 0 when n < 2 */
};

struct stats_summary stats_summarize(const double *v, size_t n);
/* The summary of the union of two samples, from their summaries alone. */
struct stats_summary stats_pool(struct stats_summary a, struct stats_summary b);

/* Regularized incomplete beta I_x(a, b), a, b > 0, 0 <= x <= 1; NaN outside. */
double stats_incbeta(double a, double b, double x);
/* P(|T| >= |t|) for Student's t with df > 0 degrees of freedom. */
double stats_t_two_sided_p(double t, double df);

struct stats_test {
	double statistic; /* t for Welch, D for KS */
	double df;        /* Welch-Satterthwaite degrees of freedom (Welch only) */
	double p;         /* two-sided p-value; NaN when the test cannot be made */
};

/* Welch's unequal-variance t-test of a vs b (b - a). Needs n >= 2 on both sides;
 * two zero-variance samples give p = 1 if their means are equal, else 0. */
struct stats_test stats_welch(struct stats_summary a, struct stats_summary b);

/* Two-sided test that two Poisson counts, ca events in sa seconds and cb in sb,
 * have one rate: conditional on n = ca + cb, ca ~ Binomial(n, sa / (sa + sb));
 * exact for n <= 5000 (outcomes no likelier than the observed), normal with
 * continuity correction above. p = 1 when n = 0. */
double stats_poisson_rates_p(double ca, double sa, double cb, double sb);

/* Kolmogorov distribution tail Q(lambda) = P(K > lambda). */
double stats_kolmogorov_q(double lambda);
/* Two-sample KS test on two histograms with the same bucket layout: D is the
 * largest CDF gap at a bucket boundary (exact for the binned data); p is the
 * asymptotic Kolmogorov tail with Stephens' effective-n correction,
 * lambda = (sqrt(ne) + 0.12 + 0.11 / sqrt(ne)) * D, ne = n1 n2 / (n1 + n2).
 * NaN p when either histogram is empty. */
struct stats_test stats_ks_hist(const struct lt_hist *a, const struct lt_hist *b);

#endif
